"""One crawl at a time per database: an exclusive ``flock`` on the database file itself.

The lock is keyed by the file, not by its name: the same database reached through a symlink (of the
file or of a folder), a hard link, a bind mount or ``..`` is one inode and so one lock. The file is
opened ``O_RDONLY | O_CREAT`` (created empty when missing, which SQLite reads as an empty database),
so a read-only database can be locked too: flock needs no write access.

The descriptor is kept open for the life of the process and never closed, on purpose. SQLite locks
the same file with POSIX (fcntl) locks; on Linux those are separate from flock, so they do not
conflict with ours, but closing *any* descriptor of a file drops *all* the POSIX locks the process
holds on it, SQLite's included (SQLite keeps its own descriptors open for that reason). So neither the
lock's descriptor nor the one of a refused attempt is closed: the kernel releases the lock when the
process ends, however it ends. (On NFS, flock is emulated with POSIX locks: do not put the database
there.)

The holder's pid, for the message, comes from ``/proc/locks``; the holder also writes it to
``<real path>.lock`` when it can (informational only, for systems without ``/proc`` and for people).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

_held: dict[tuple[int, int], int] = {}  # (st_dev, st_ino) -> descriptor with the lock, for this process
_kept: list[int] = []  # descriptors of refused attempts: never closed either (see the module docstring)


class CrawlLocked(Exception):
    """Another process is crawling into the same database."""


def lock_path(db_path: str) -> Path:
    """Where the holder's pid is written (next to the real file, symlinks resolved); not the lock."""
    return Path(str(Path(db_path).resolve()) + ".lock")


def _file_key(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_dev, stat.st_ino


def _holder_from_proc_locks(stat: os.stat_result) -> str | None:
    """The pid holding a flock on this file according to /proc/locks (Linux), or None."""
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            for line in locks:
                fields = line.split()
                # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2146620 0 EOF" (waiters have "->" after "1:")
                if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == device and fields[4] != "0":
                    return fields[4]
    except OSError:
        return None
    return None


def _holder(db_path: str, stat: os.stat_result) -> str:
    holder = _holder_from_proc_locks(stat)
    if holder is None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            holder = lock_path(db_path).read_text(encoding="ascii").strip() or None
    return holder or "unknown"


def acquire(db_path: str) -> None:
    """Take the database's crawl lock (re-entrant within this process); raise CrawlLocked if taken."""
    path = Path(db_path)
    with contextlib.suppress(OSError):
        if _file_key(path.stat()) in _held:
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    stat = os.fstat(descriptor)
    if _file_key(stat) in _held:
        _kept.append(descriptor)
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _kept.append(descriptor)
        raise CrawlLocked(
            f"another crawl (pid {_holder(db_path, stat)}) is writing {db_path}; try again when it has finished"
        ) from None
    _held[_file_key(stat)] = descriptor
    with contextlib.suppress(OSError):  # a read-only folder: the pid comes from /proc/locks alone
        lock_path(db_path).write_text(str(os.getpid()), encoding="ascii")
