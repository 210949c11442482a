"""One crawl at a time per database: an exclusive lock on ``<db>.lock``, with the holder's pid in it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

_held: dict[str, object] = {}  # lock path -> open file, for crawls in this process (three spiders share one)


class CrawlLocked(Exception):
    """Another process is crawling into the same database."""


def lock_path(db_path: str) -> Path:
    return Path(str(db_path) + ".lock")


def acquire(db_path: str) -> None:
    """Take the database's crawl lock (re-entrant within this process); raise CrawlLocked if taken."""
    path = lock_path(db_path)
    key = str(path.resolve())
    if key in _held:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held open for the life of the crawl
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise CrawlLocked(
            f"another crawl (pid {holder}) is writing {db_path}; try again when it has finished"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    _held[key] = handle
