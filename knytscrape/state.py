"""What an incremental crawl needs to know of the archive before it starts (read once, at spider open).

A crawl is incremental when the database already holds articles and KNYT_FULL is off: then it asks
for the front page, new ids above the newest known one, and the articles published within
KNYT_RECHECK_DAYS again (with conditional requests); everything else is known and left alone.

What is read stays small whatever the archive holds: the stored article ids at a bit each (``IdSet``), the
ids to recheck (the last KNYT_RECHECK_DAYS), and the stored pages' validators not at all: each is looked up
in the database when its page is asked for (``StoredPages``).
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from knytscrape import ledger
from knytscrape.db import open_database
from knytscrape.spiders.id_walk import IdSet

RECHECK_NEWEST = 5  # the newest articles are fetched again on every incremental run, whatever their date


def url_key(url: str) -> str:
    """A page's identity on the site: its path and query, whatever the host."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class StoredPages:
    """The validators of the stored pages, ``get(url_key) -> (etag, last_modified, body_hash) | None``, read from
    the ``pages`` table one page at a time, as the crawl asks for it, instead of all of them at start."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self._db: sqlite3.Connection | None = None

    def get(self, key: str, default=None) -> tuple[str | None, str | None, str] | None:
        if self._db is None:
            self._db = sqlite3.connect(f"{Path(self.db_path).resolve().as_uri()}?mode=ro", uri=True)
        row = self._db.execute("SELECT etag, last_modified, body_hash FROM pages WHERE url_key = ?", [key]).fetchone()
        return tuple(row) if row is not None else default

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@dataclass
class ArchiveState:
    known_ids: IdSet = field(default_factory=IdSet)
    highest_id: int = 0
    recheck_ids: list[int] = field(default_factory=list)
    # ``get(url_key)`` of the stored validators: a StoredPages, or a dict (empty: every page read in full)
    validators: StoredPages | dict = field(default_factory=dict)
    # A full crawl that was stopped before it finished is resumed: the ids it already stored are done.
    resuming_since: str | None = None
    done_ids: IdSet = field(default_factory=IdSet)

    @property
    def empty(self) -> bool:
        return not self.known_ids

    def close(self) -> None:
        if isinstance(self.validators, StoredPages):
            self.validators.close()


def load_state(db_path: str, recheck_days: int, today: datetime.date,
               current_crawl_id: int | None = None) -> ArchiveState:
    db = open_database(db_path)
    try:
        state = ArchiveState(validators=StoredPages(db_path))
        since = (today - datetime.timedelta(days=recheck_days)).isoformat()
        for number, published, removed in db.execute("SELECT id, published, removed_at FROM articles"):
            state.known_ids.add(number)
            state.highest_id = max(state.highest_id, number)
            if removed is None and (published is None or published >= since):
                state.recheck_ids.append(number)
        # the newest few are always rechecked, whatever their date: comments come in after publication
        newest = [row[0] for row in db.execute("SELECT id FROM articles ORDER BY id DESC LIMIT ?", [RECHECK_NEWEST])]
        state.recheck_ids = sorted(set(state.recheck_ids) | set(newest))
        # the unfinished full runs at the end of the history, each resumed by the next: from the first one
        for started, status, mode in db.execute(
            "SELECT started, status, mode FROM crawls WHERE spider = 'articles' AND id != ? ORDER BY id DESC",
            [current_crawl_id or -1],
        ):
            if mode == "reparse":  # reads stored pages only: neither a crawl to resume nor the end of one
                continue
            if status == "finished" or mode != "full":
                break
            state.resuming_since = started
        if state.resuming_since:
            state.done_ids = IdSet(row[0] for row in db.execute(
                "SELECT id FROM articles WHERE julianday(last_seen) >= julianday(?)", [state.resuming_since]))
        return state
    finally:
        db.close()



# The date that decides whether a section's record is fetched again in an incremental run.
SECTION_DATES = {"videos": "published", "events": "coalesce(ends_at, starts_at)"}


def load_section_state(db_path: str, table: str, recheck_days: int, today: datetime.date) -> tuple[dict, set]:
    """({page URL: record id} of the section's stored records, the URLs to fetch again: recent or undated). The
    URLs are the addresses fetched (``source_url``; ``url`` is the site's canonical address since that column
    came, and the address fetched before), which the section spider finds again on the pages it reads."""
    db = open_database(db_path)
    try:
        since = (today - datetime.timedelta(days=recheck_days)).isoformat()
        known, recheck = {}, set()
        rows = db.execute(f"SELECT coalesce(source_url, url), id, {SECTION_DATES[table]} FROM [{table}] "
                          "WHERE coalesce(source_url, url) IS NOT NULL AND removed_at IS NULL")
        for url, record_id, date in rows:
            known[url] = record_id
            if date is None or date[:10] >= since:
                recheck.add(url)
        return known, recheck
    finally:
        db.close()


def load_ledger(db_path: str, spider: str, now: datetime.datetime, limit: int) -> tuple[list[dict], int]:
    """The open entries of ``spider`` in the ledger of what is missing that this run asks again (due now, at most
    ``limit``, oldest first), and how many open entries wait for a later run (knytscrape/ledger.py)."""
    db = open_database(db_path)
    try:
        return ledger.due_entries(db, spider, now, limit)
    finally:
        db.close()


def record_mode(db_path: str, crawl_id: int | None, mode: str) -> None:
    """Write the run's mode into its crawls row at once: a run killed later is then known to have been
    full (and is resumed) or incremental."""
    if crawl_id is None:
        return
    db = open_database(db_path)
    try:
        with db.atomic():
            db.execute("UPDATE crawls SET mode = ? WHERE id = ?", [mode, crawl_id])
    finally:
        db.close()
