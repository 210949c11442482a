"""Shared fixtures: the offline mirror on 127.0.0.1, a crawl of it with Scrapy's real engine, the truth;
and what the quick lane (``-m "not slow" -n 2``) leaves out and how its workers share the crawl."""

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
from knytscrape.mirror.model import ENCODINGS, LAYOUTS
from knytscrape.mirror.server import MirrorServer

try:  # pytest >= 9.2: a node's id is structured (see pytest_collection_finish)
    from _pytest.nodeid import NodeId
except ImportError:
    NodeId = None

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


# The quick lane (``-m "not slow" -n 2``, README "Two commands"): these test files run the mirror's whole
# layout x encoding matrix; the quick lane keeps a sample in which every layout and every encoding appear at
# least once, and the full run (CI) runs every pair.
MATRIX_SAMPLED_FILES = {"test_parsers_on_mirror.py"}
# With pytest-xdist (``-n 2``; ``--dist loadgroup`` is in pyproject.toml's addopts), every test on the session's
# crawl runs in one worker, so the mirror is crawled once per run, not once per worker.
CRAWL_GROUP = "crawled-mirror"


def in_quick_sample(layout: str, encoding: str) -> bool:
    """Whether (layout, encoding) is in the quick lane's sample of the matrix: a diagonal that wraps round."""
    i, j = LAYOUTS.index(layout), ENCODINGS.index(encoding)
    n = min(len(LAYOUTS), len(ENCODINGS))
    return i % n == j % n


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker, and before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if (item.path.name in MATRIX_SAMPLED_FILES and "layout" in params and "encoding" in params
                and not in_quick_sample(params["layout"], params["encoding"])):
            item.add_marker(pytest.mark.slow)
        if "crawled" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group(CRAWL_GROUP))


@pytest.hookimpl(tryfirst=True)  # in an xdist worker: before it sends the ids of its tests to the controller
def pytest_collection_finish(session):
    """Put each test's xdist group into its id, as ``--dist loadgroup`` means to.

    pytest-xdist 3.8 does that by renaming the item, which pytest 9.2's structured ids no longer take
    (pytest-xdist issue #1386): the groups were silently lost and every worker crawled the mirror. Once xdist
    does it again, the ids already end in ``@group`` and nothing is done here.
    """
    if not getattr(session.config.option, "loadgroup", False) or NodeId is None:
        return
    for item in session.items:
        groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                         for mark in item.iter_markers("xdist_group")})
        if groups and item.nodeid.rfind("@") <= item.nodeid.rfind("]") and hasattr(item, "_id"):
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")


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
