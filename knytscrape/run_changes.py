"""What one run changed, by title, for the end-of-run summary (knytscrape/outcome.py).

A run is its ``crawls`` row: the records it wrote carry times within ``started`` … ``finished``. Read from
the database after the run, per spider (articles: articles and comments; videos: videos; calendar:
events):

* new: ``first_seen`` within the run;
* changed: ``revisions`` rows ``seen`` within the run (articles: of their text, title or pictures; comments:
  an edited comment, which is stored as a new row that ``replaces`` the old one; videos and events: any
  column) — a revision only of an address at another host is not a change;
* removed: ``removed_at`` within the run (a comment an edit replaced is not counted as removed).

Times are to the second: a record written in the very second an earlier run of the same spider finished
belongs to that earlier run. At most ``SHOWN`` titles of each kind are listed, each cut to ``WIDTH``
characters, then "and N more"; the archive's ``changes`` query lists them all: new, changed, removed.
Only those titles are read (the rest are counted in SQL), so a first run that stores 20,000 articles reads
ten titles of them.
"""

from __future__ import annotations

import heapq
import itertools
import sqlite3
from pathlib import Path

from knytscrape.clock import now_iso

SHOWN = 10  # titles listed of each kind
WIDTH = 60  # characters of a title
CHANGES_PAGE = "/knytpunkt/changes"  # the canned query of every revision since a date
KINDS = ("new", "changed", "removed")
NO_TITLE = "(no title)"


def shorten(text: str | None, width: int = WIDTH) -> str:
    text = " ".join((text or "").split()) or NO_TITLE
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def listed(count: int, titles: list[str]) -> str:
    """The first SHOWN titles of ``count``, then "and N more"."""
    shown = titles[:SHOWN]
    return " · ".join(shorten(title) for title in shown) + (f" … and {count - len(shown)} more"
                                                             if count > len(shown) else "")


def same_value(old, new) -> bool:
    from knytscrape.pipelines.storage import same_value as storage_same

    return storage_same(old, new)


class Run:
    """The time window of one crawls row, as SQL: ``within(column)`` with its parameters."""

    def __init__(self, db: sqlite3.Connection, crawl_id: int):
        row = db.execute("SELECT spider, started, finished FROM crawls WHERE id = ?", [crawl_id]).fetchone()
        if row is None or not row[1]:
            raise LookupError(crawl_id)
        self.spider, self.started = row[0], row[1]
        self.finished = row[2] or now_iso()  # its record could not be finished
        self.earlier = db.execute("SELECT max(finished) FROM crawls WHERE spider = ? AND id < ?",
                                  [self.spider, crawl_id]).fetchone()[0]

    def within(self, column: str) -> tuple[str, list]:
        sql = f"(julianday({column}) >= julianday(?) AND julianday({column}) <= julianday(?)"
        params = [self.started, self.finished]
        if self.earlier:
            sql += f" AND julianday({column}) > julianday(?)"
            params.append(self.earlier)
        return sql + ")", params


Titles = tuple[int, list[str]]  # how many records, the titles of the first SHOWN of them


def _titles(db, sql: str, params: list) -> Titles:
    count = db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    return count, [row[0] for row in db.execute(f"{sql} LIMIT {SHOWN}", params)] if count else []


def _changed(db, run: Run, tables: tuple[str, ...], key: str, title_sql: str) -> Titles:
    """The records of ``tables`` (by ``key``: record_id or article_id) with a revision in the run: how many, and
    the titles of the first SHOWN in the order of their first revision. The revisions are read a record at a
    time (sorted by SQLite), keeping only the first SHOWN records: a run that changed every article of a large
    archive holds no list of them."""
    seen, params = run.within("seen")
    marks = ", ".join("?" * len(tables))
    rows = db.execute(f"SELECT {key}, id, change, old, new FROM revisions WHERE table_name IN ({marks}) "
                      f"AND {seen} AND NOT (field = 'removed_at' AND change = 'removed') ORDER BY {key}, id",
                      [*tables, *params])
    count, first = 0, []  # a heap of (-revision id, record): the SHOWN records changed first
    for record, revisions in itertools.groupby(rows, key=lambda row: row[0]):
        since = next((number for _, number, change, old, new in revisions
                      if change != "edited" or not same_value(old, new)), None)
        if since is None:
            continue
        count += 1
        if len(first) < SHOWN:
            heapq.heappush(first, (-since, record))
        elif since < -first[0][0]:
            heapq.heapreplace(first, (-since, record))
    records = [record for _, record in sorted(first, reverse=True)]
    return count, [(db.execute(title_sql, [record]).fetchone() or [None])[0] for record in records]


def articles(db, run: Run) -> dict[str, Titles]:
    first, p_first = run.within("first_seen")
    removed, p_removed = run.within("removed_at")
    return {
        "new": _titles(db, f"SELECT title FROM articles WHERE {first} ORDER BY id", p_first),
        "changed": _changed(db, run, ("articles", "images"), "article_id", "SELECT title FROM articles WHERE id = ?"),
        "removed": _titles(db, f"SELECT title FROM articles WHERE {removed} ORDER BY id", p_removed),
    }


def comments(db, run: Run) -> dict[str, Titles]:
    first, p_first = run.within("c.first_seen")
    removed, p_removed = run.within("c.removed_at")
    label = "coalesce(c.author, 'anonymous') || ' on ' || coalesce(a.title, 'article ' || c.article_id)"
    base = f"SELECT {label} FROM comments c LEFT JOIN articles a ON a.id = c.article_id WHERE "
    order = " ORDER BY c.article_id, c.position"
    replaced = f"SELECT c.replaces FROM comments c WHERE {first} AND c.replaces IS NOT NULL"
    return {
        "new": _titles(db, base + f"{first} AND c.replaces IS NULL" + order, p_first),
        "changed": _titles(db, base + f"{first} AND c.replaces IS NOT NULL" + order, p_first),
        "removed": _titles(db, base + f"{removed} AND c.id NOT IN ({replaced})" + order, [*p_removed, *p_first]),
    }


def section(table: str):
    def read(db, run: Run) -> dict[str, Titles]:
        first, p_first = run.within("first_seen")
        removed, p_removed = run.within("removed_at")
        order = " ORDER BY starts_at, id" if table == "events" else " ORDER BY published, id"
        return {
            "new": _titles(db, f"SELECT title FROM [{table}] WHERE {first}" + order, p_first),
            "changed": _changed(db, run, (table,), "record_id", f"SELECT title FROM [{table}] WHERE id = ?"),
            "removed": _titles(db, f"SELECT title FROM [{table}] WHERE {removed}" + order, p_removed),
        }
    return read


# What each spider writes: (the name in the summary, how its changes are read)
SPIDER_RECORDS = {
    "articles": (("articles", articles), ("comments", comments)),
    "videos": (("videos", section("videos")),),
    "calendar": (("events", section("events")),),
}


def run_changes(db_path: str, crawl_id: int) -> tuple[str, dict[str, dict[str, Titles]]]:
    """When the run started, and {"articles": {"new": (how many, [first titles]), "changed": ..., "removed": ...},
    ...} of its crawls row."""
    if not Path(db_path).exists():
        raise LookupError(db_path)
    db = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        run = Run(db, crawl_id)
        return run.started, {name: read(db, run) for name, read in SPIDER_RECORDS.get(run.spider, ())}
    finally:
        db.close()


def change_lines(db_path: str, crawl_id: int | None) -> list[str]:
    """The summary's lines of what the run changed, by title; [] when it changed nothing (or it cannot be
    read: the summary never fails for it)."""
    if crawl_id is None:
        return []
    try:
        started, found = run_changes(db_path, crawl_id)
    except (sqlite3.Error, LookupError, OSError):
        return []
    lines = [f"  {kind} {name} ({kinds[kind][0]}): {listed(*kinds[kind])}"
             for name, kinds in found.items() for kind in KINDS if kinds[kind][0]]
    if lines:
        lines.append(f"  all changes: {CHANGES_PAGE}?since={started[:10]} (in the archive: new, changed and "
                     "removed rows)")
    return lines
