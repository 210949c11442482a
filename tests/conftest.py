"""Shared fixtures: the offline mirror on 127.0.0.1, a crawl of it with Scrapy's real engine, the truth."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from knytscrape.cli import LOCAL_SETTINGS
from knytscrape.mirror.server import MirrorServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# "Today" for every crawl the tests run: recheck windows and upcoming events do not move with the real clock.
TODAY = "2026-11-25"
CRAWL_ENV = {**os.environ, "KNYT_TODAY": TODAY}


def crawl(base_url: str, db_path: Path, *extra: str, spiders: str | None = None) -> subprocess.CompletedProcess:
    """``knytscrape crawl`` against ``base_url``, politeness lifted for the local mirror."""
    command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", base_url, "--db", str(db_path)]
    for name, value in LOCAL_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    command += ["-s", "LOG_LEVEL=WARNING", *extra]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, env=CRAWL_ENV)
    return result


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
