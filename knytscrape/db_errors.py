"""When the database itself fails: which failures stop a crawl at once, and how to say why in one line.

A value SQLite cannot hold fails one record (storage writes the others and puts that one in the ledger).
A full disk, a read-only or damaged file, a disk I/O error, or another program holding the write lock
(past SQLite's 5 s wait) fails every write that follows: the crawl stops at once and names the cause
instead of piling up errors (or reporting rows it never wrote).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

# cause -> (SQLite error names, by prefix; phrases of the error message), checked in this order
_CAUSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "full": (("SQLITE_FULL",), ("database or disk is full", "no space left")),
    "read-only": (("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH"),
                  ("readonly database", "read-only", "permission denied")),
    "corrupt": (("SQLITE_CORRUPT", "SQLITE_NOTADB"), ("malformed", "file is not a database", "not a database")),
    "io": (("SQLITE_IOERR",), ("disk i/o error",)),
    "locked": (("SQLITE_BUSY", "SQLITE_LOCKED"), ("database is locked", "database table is locked")),
    "unopenable": (("SQLITE_CANTOPEN",), ("unable to open database file",)),
}
_ERRNO_CAUSES = {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EROFS: "read-only", errno.EACCES: "read-only",
                 errno.EPERM: "read-only", errno.EIO: "io"}

FINISH_REASONS = {cause: "database_" + cause.replace("-", "_") for cause in _CAUSES}


class DatabaseUnusable(Exception):
    """The database cannot be written at all; ``cause`` is one of the keys of ``_CAUSES``."""

    def __init__(self, cause: str, db_path: str | Path, detail: str):
        self.cause = cause
        self.db_path = str(db_path)
        self.detail = detail
        super().__init__(message(cause, db_path, detail))


def fatal_cause(error: BaseException) -> str | None:
    """The cause when ``error`` means the database cannot take any more writes; None for an error of one
    record (a value SQLite cannot hold, a constraint)."""
    if isinstance(error, OSError) and error.errno in _ERRNO_CAUSES:
        return _ERRNO_CAUSES[error.errno]
    if not isinstance(error, sqlite3.Error):
        return None
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    for cause, (names, phrases) in _CAUSES.items():
        if name.startswith(names) or any(phrase in text for phrase in phrases):
            return cause
    return None


def message(cause: str, db_path: str | Path, detail: str) -> str:
    """One plain line naming the cause and what to do."""
    db = str(db_path)
    return {
        "full": f"database: the disk holding {db} is full ({detail}); nothing after the last commit was stored. "
                "Free some space and run again: the next run goes on from where this one stopped",
        "read-only": f"database: {db} cannot be written ({detail}); check the permissions of the file and its folder",
        "corrupt": f"database: {db} is damaged or is not a SQLite database ({detail}); restore it from a backup "
                   "or move it away (a crawl into a new file rebuilds the archive)",
        "io": f"database: a disk I/O error on {db} ({detail}); check the disk",
        "locked": f"database: {db} is locked by another program writing it ({detail}); stop that program (a "
                  "crawl of another knytscrape checkout, an open sqlite3 shell) and run again",
        "unopenable": f"database: {db} cannot be opened ({detail}); check that its folder exists and is writable",
    }[cause]


def unusable(error: BaseException, db_path: str | Path) -> DatabaseUnusable | None:
    """``error`` as a DatabaseUnusable when it is fatal for the whole run, else None."""
    cause = fatal_cause(error)
    if cause == "unopenable" and not _writable(Path(db_path)):
        cause = "read-only"  # SQLite cannot make its journal files beside a database in a read-only folder
    return DatabaseUnusable(cause, db_path, str(error) or type(error).__name__) if cause else None


def _writable(db_path: Path) -> bool:
    """Whether the file (if it exists) and its folder can be written (False on a read-only file system)."""
    folder = db_path.parent if str(db_path.parent) else Path(".")
    return os.access(folder, os.W_OK) and (not db_path.exists() or os.access(db_path, os.W_OK))


def check_writable(db_path: str | Path) -> None:
    """Open (creating) the archive and take a write lock for a moment: raises DatabaseUnusable when the
    file is damaged, read-only, on a full disk or cannot be opened, before a crawl asks the site anything."""
    from knytscrape.db import open_database

    try:
        db = open_database(db_path)
    except (sqlite3.Error, OSError) as error:
        raise unusable(error, db_path) or error from None
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        db.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.Error as error:
        raise unusable(error, db_path) or error from None
    finally:
        db.close()
