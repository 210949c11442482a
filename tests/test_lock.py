"""The crawl lock belongs to the database file, whatever path reaches it (symlinks, hard links, ``..``),
and works for a read-only database. Two real processes each time: a holder and ``knytscrape crawl``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CRAWL_ENV, PROJECT_ROOT

# No site is ever asked: a refused crawl stops before its first request (port 9 is "discard").
NO_SITE = "http://127.0.0.1:9"
LOCKED = 3

HOLD = """
import sys
from knytscrape import lock
lock.acquire(sys.argv[1])
print("locked", flush=True)
sys.stdin.read()  # hold until the test closes stdin
"""


@contextlib.contextmanager
def holding(db_path: Path):
    """A process holding the crawl lock of ``db_path`` until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db_path)], cwd=PROJECT_ROOT, env=CRAWL_ENV,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        assert line == "locked\n", line + holder.stderr.read()
        yield holder
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def crawl_into(db_path: Path | str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", NO_SITE, "--db", str(db_path)]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=CRAWL_ENV, capture_output=True, text=True, timeout=300)


def try_lock(db_path: Path | str) -> subprocess.CompletedProcess:
    """lock.acquire in a fresh process: exit 0 when it got the lock, 3 (and the message) when refused."""
    code = ("import sys\nfrom knytscrape import lock\ntry:\n    lock.acquire(sys.argv[1])\n"
            "except lock.CrawlLocked as e:\n    print(e, file=sys.stderr)\n    sys.exit(3)\n")
    return subprocess.run([sys.executable, "-c", code, str(db_path)], cwd=PROJECT_ROOT, env=CRAWL_ENV,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def paths(tmp_path):
    """One database under several names: the real path, a symlink to the file, the file in a symlinked
    folder, a hard link in another folder, a path through ``..``, a path relative to the crawl's folder."""
    data = tmp_path / "data"
    data.mkdir()
    real = data / "knytpunkt.db"
    real.write_bytes(b"")
    (tmp_path / "file-link.db").symlink_to(real)
    (tmp_path / "folder-link").symlink_to(data, target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    os.link(real, tmp_path / "elsewhere" / "hard-link.db")
    return {
        "real": real,
        "file-symlink": tmp_path / "file-link.db",
        "folder-symlink": tmp_path / "folder-link" / "knytpunkt.db",
        "hard-link": tmp_path / "elsewhere" / "hard-link.db",
        "dotdot": tmp_path / "elsewhere" / ".." / "data" / "knytpunkt.db",
        "relative": Path(os.path.relpath(real, PROJECT_ROOT)),
    }


@pytest.mark.slow  # a knytscrape crawl process each
@pytest.mark.parametrize(
    ("holder_path", "crawl_path"),
    [("real", "file-symlink"), ("file-symlink", "real"), ("real", "folder-symlink"), ("folder-symlink", "real"),
     ("file-symlink", "folder-symlink"), ("real", "hard-link"), ("hard-link", "folder-symlink"),
     ("real", "dotdot"), ("folder-symlink", "relative")],
)
def test_second_crawl_through_another_path_is_refused(paths, holder_path, crawl_path):
    with holding(paths[holder_path]) as holder:
        result = crawl_into(paths[crawl_path])
    assert result.returncode == LOCKED, result.stdout + result.stderr
    assert f"another crawl (pid {holder.pid}) is writing {paths[crawl_path]}" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_lock_is_per_database_and_ends_with_its_holder(paths, tmp_path):
    other = tmp_path / "other.db"
    with holding(paths["real"]):
        assert try_lock(other).returncode == 0  # another database is not refused
        assert try_lock(paths["hard-link"]).returncode == LOCKED
    assert try_lock(paths["hard-link"]).returncode == 0  # the holder is gone: so is its lock


@contextlib.contextmanager
def read_only(path: Path):
    """Make the file and its folder unwritable, even for root (immutable attribute), or skip."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        try:
            yield
        finally:
            path.parent.chmod(0o755)
            path.chmod(0o644)
        return
    made = []
    try:
        for target in (path, path.parent):
            if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
                pytest.skip("running as root without chattr +i: a read-only file cannot be made")
            made.append(target)
        yield
    finally:
        for target in made:
            subprocess.run(["chattr", "-i", str(target)], check=True)


@pytest.mark.slow  # a knytscrape crawl process
def test_a_read_only_database_can_be_locked(tmp_path):
    import sqlite_utils

    folder = tmp_path / "ro"
    folder.mkdir()
    db_path = folder / "knytpunkt.db"
    sqlite_utils.Database(db_path)["articles"].insert({"id": 1, "title": "Hej"}, pk="id")
    with read_only(db_path):
        with pytest.raises(PermissionError):
            os.open(db_path, os.O_RDWR)  # the setup really is read-only
        with holding(db_path) as holder:
            result = crawl_into(db_path)
        assert result.returncode == LOCKED, result.stdout + result.stderr
        # the holder could not write its pid file in the read-only folder: the pid comes from the kernel
        assert f"another crawl (pid {holder.pid}) is writing" in result.stderr
        assert not (folder / "knytpunkt.db.lock").exists()
