"""Shared fixtures: the offline mirror on 127.0.0.1, a crawl of it with Scrapy's real engine, the truth."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

from knytscrape.cli import LOCAL_SETTINGS
from knytscrape.mirror.server import MirrorServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# "Today" for every crawl the tests run: recheck windows and upcoming events do not move with the real clock.
TODAY = "2026-11-25"
CRAWL_ENV = {**os.environ, "KNYT_TODAY": TODAY}


def crawl_command(base_url: str, db_path: Path, *extra: str) -> list[str]:
    """``knytscrape crawl`` against ``base_url``, politeness lifted for the local mirror."""
    command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", base_url, "--db", str(db_path)]
    for name, value in LOCAL_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return [*command, "-s", "LOG_LEVEL=WARNING", *extra]


def crawl(base_url: str, db_path: Path, *extra: str, spiders: str | None = None) -> subprocess.CompletedProcess:
    """``knytscrape crawl`` against ``base_url``, politeness lifted for the local mirror."""
    return subprocess.run(crawl_command(base_url, db_path, *extra), cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=600, env=CRAWL_ENV)


def run_measured(command: list[str], log: Path, watch=None, timeout: float = 600) -> tuple[int, int]:
    """Run ``command`` to its end, its output (stdout and stderr) into ``log``: (exit status, its peak RSS in
    bytes, from the kernel's rusage of that child alone). ``watch(pid)`` is called every few ms while it runs."""
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=CRAWL_ENV, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout  # a guard against a hang, not a timing assertion
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            tail = log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"the crawl did not end within {timeout} s:\n{tail}")
        if watch is not None:
            watch(process.pid)
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss * 1024  # Linux reports kB


@pytest.fixture(scope="session")
def mirror():
    with MirrorServer() as server:
        yield server


@pytest.fixture(scope="session")
def crawled(mirror, tmp_path_factory):
    """The default mirror crawled once into a fresh SQLite file: (result, Database)."""
    db_path = tmp_path_factory.mktemp("crawl") / "knytpunkt.db"
    result = crawl(mirror.base_url, db_path)
    assert result.returncode == 0, result.stdout + result.stderr
    return result, sqlite_utils.Database(db_path)


@pytest.fixture
def check(request):
    """check(field, actual, expected): one assertion per field, reported separately when possible."""
    try:
        subtests = request.getfixturevalue("subtests")
    except pytest.FixtureLookupError:  # pytest < 9 without pytest-subtests: first failure stops the test
        subtests = None

    def _check(field: str, actual, expected) -> None:
        ctx = subtests.test(msg=field) if subtests is not None else contextlib.nullcontext()
        with ctx:
            assert actual == expected, f"field {field!r}:\n  expected {expected!r}\n  actual   {actual!r}"

    return _check
