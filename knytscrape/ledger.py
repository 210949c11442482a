"""The ledger of what is missing (table ``missing``): pages a run could not get, so the next run asks again.

An entry is opened (or updated) when a page still failed after its retries, arrived damaged, or its
records could not be stored, and it stays open, run after run, until one of:

* ``fetched``: the page was read and its records committed;
* ``gone``: the site answered 404/410 (or sent it off the site) twice in two runs; once is enough for an
  id of the id walk that nothing ever linked (``linked`` 0), as such ids are guesses;
* ``accepted``: a page that looked damaged (it lost landmarks its stored version had) lost the same in
  a later run, or a page that reads as no article came back the very same: that is how the site shows it.

Each run asks again every entry that failed in one or two runs; one that failed in more runs waits
longer each time (2, 4, 8 ... hours since it last failed, at most a week), so that a page broken for good
costs the site a request a week, not one per run. Written by storage in the same transactions as the
records; read by the spiders when they start.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from knytscrape.items import FailedPageItem

PERMANENT_KINDS = {"not_found", "offsite"}  # proven gone when seen in two runs in a row
SAME_TWICE_KINDS = {"damaged", "unreadable"}  # accepted when the same ``detail`` comes in two runs
MAX_WAIT = datetime.timedelta(days=7)


def due(entry: dict, now: datetime.datetime) -> bool:
    """Whether an open entry is asked again now (see the module docstring for the back-off)."""
    if (entry["runs"] or 0) <= 2:
        return True
    wait = min(datetime.timedelta(hours=2 ** min(entry["runs"] - 2, 8)), MAX_WAIT)  # 2**8 h is past a week
    return datetime.datetime.fromisoformat(entry["last_seen"]) + wait <= now


def entry_id(spider: str, url_key: str) -> str:
    return f"{spider} {url_key}"


def open_entries(db, spider: str) -> list[dict]:
    """The open entries of ``spider``, oldest first."""
    if not db["missing"].exists():
        return []
    return list(db.query("SELECT * FROM missing WHERE spider = ? AND resolved_at IS NULL ORDER BY first_seen, id",
                         [spider]))


def due_entries(db, spider: str, now: datetime.datetime, limit: int) -> tuple[list[dict], int]:
    """(the open entries of ``spider`` due now, oldest first, at most ``limit``; how many open entries wait for a
    later run). Read row by row: a ledger of many thousand entries is not held whole to ask for ``limit``."""
    if not db["missing"].exists():
        return [], 0
    due_now, waiting = [], 0
    for entry in db.query("SELECT * FROM missing WHERE spider = ? AND resolved_at IS NULL ORDER BY first_seen, id",
                          [spider]):
        if len(due_now) < limit and due(entry, now):
            due_now.append(entry)
        else:
            waiting += 1
    return due_now, waiting


def record_failure(db, failure: FailedPageItem, seen: str, crawl_id: int | None) -> str | None:
    """Open or update the entry of a page that failed; returns 'gone' or 'accepted' when it closes it instead."""
    key = entry_id(failure.spider, failure.url_key)
    stored = next(iter(db.query("SELECT * FROM missing WHERE id = ?", [key])), None)
    if stored is not None and stored["resolved_at"] is not None:
        stored = None  # resolved once, missing again: a new story
    new_run = stored is None or stored["last_crawl"] != crawl_id
    linked = int(failure.linked or bool(stored and stored["linked"]))
    if failure.kind in PERMANENT_KINDS and (
        not linked or (stored is not None and new_run and stored["kind"] == failure.kind)
    ):
        if stored is not None:
            resolve(db, [key], seen, "gone")
        return "gone"
    if (failure.kind in SAME_TWICE_KINDS and stored is not None and new_run and stored["kind"] == failure.kind
            and failure.detail is not None and stored["detail"] == failure.detail):
        resolve(db, [key], seen, "accepted")
        return "accepted"
    db["missing"].upsert({
        "id": key,
        "spider": failure.spider,
        "url": failure.url,
        "url_key": failure.url_key,
        "article_id": failure.article_id,
        "kind": failure.kind,
        "reason": failure.reason,
        "attempts": (stored["attempts"] if stored else 0) + failure.attempts,
        "runs": (stored["runs"] if stored else 0) + int(new_run),
        "linked": linked,
        "detail": failure.detail,
        "first_seen": stored["first_seen"] if stored else seen,
        "last_seen": seen,
        "last_crawl": crawl_id,
        "resolved_at": None,
        "outcome": None,
    }, pk="id")
    return None


def resolve(db, ids: Iterable[str], seen: str, outcome: str = "fetched") -> int:
    """Close the given open entries; returns how many were open."""
    ids = list(ids)
    if not ids:
        return 0
    cursor = db.execute(
        f"UPDATE missing SET resolved_at = ?, outcome = ? WHERE resolved_at IS NULL "
        f"AND id IN ({', '.join('?' * len(ids))})", [seen, outcome, *ids])
    return cursor.rowcount


def resolve_article(db, spider: str, article_id: int, seen: str, outcome: str = "fetched") -> int:
    """Close the open entries of an article (its page, its gallery views, its records): it is stored whole."""
    cursor = db.execute("UPDATE missing SET resolved_at = ?, outcome = ? WHERE resolved_at IS NULL "
                        "AND spider = ? AND article_id = ?", [seen, outcome, spider, article_id])
    return cursor.rowcount


def damaged_entry(db, spider: str, article_id: int) -> dict | None:
    """The open 'damaged' entry of an article, if any (its ``detail`` is the damaged page's body hash)."""
    return next(iter(db.query("SELECT * FROM missing WHERE spider = ? AND article_id = ? AND kind = 'damaged' "
                              "AND resolved_at IS NULL", [spider, article_id])), None)


def open_summary(db, spider: str, sample: int = 5) -> tuple[dict[str, int], list[str]]:
    """({kind: how many entries of ``spider`` are open}, the URLs of the first ``sample`` of them)."""
    if not db["missing"].exists():
        return {}, []
    kinds = dict(db.execute("SELECT kind, count(*) FROM missing WHERE spider = ? AND resolved_at IS NULL "
                            "GROUP BY kind ORDER BY kind", [spider]).fetchall())
    urls = [row[0] for row in db.execute(
        "SELECT url FROM missing WHERE spider = ? AND resolved_at IS NULL ORDER BY first_seen, id LIMIT ?",
        [spider, sample])]
    return kinds, urls
