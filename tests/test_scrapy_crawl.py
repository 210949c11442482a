"""``scrapy crawl SPIDER``, the command people schedule, ends as ``knytscrape crawl`` does: the summary, the
``UNHEALTHY:`` reasons and the same exit statuses; quiet where no terminal is attached (as here: the output
is a pipe) and on a terminal, the full log with ``-v``. Real processes against the offline mirror on 127.0.0.1."""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from knytscrape.cli import LOCAL_SETTINGS
from knytscrape.mirror.server import MirrorServer
from knytscrape.outcome import QuietLog
from tests.conftest import CRAWL_ENV, PROJECT_ROOT, crawl_command
from tests.test_lock import holding

pytestmark = pytest.mark.slow  # real scrapy / knytscrape crawl processes: left out of the quick lane

# As a scheduled run sees it: no log level chosen in the environment.
ENV = {name: value for name, value in CRAWL_ENV.items() if name != "KNYT_LOG_LEVEL"}
# A site that is down, fast: nothing asked twice, a short id walk.
DOWN_SETTINGS = ("-s", "RETRY_TIMES=0", "-s", "KNYT_ID_PROBE_MISSES=3")


def scrapy_crawl_command(spider: str, base_url: str, db_path: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"base_url={base_url}",
               "-s", f"KNYT_DB={db_path}"]
    for name, value in LOCAL_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return [*command, *extra]


def run(command: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env or ENV, capture_output=True, text=True, timeout=600)


def scrapy_crawl(spider: str, base_url: str, db_path: Path, *extra: str, env: dict | None = None):
    return run(scrapy_crawl_command(spider, base_url, db_path, *extra), env=env)


def unhealthy_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("UNHEALTHY:")]


@pytest.fixture(scope="module")
def site():
    with MirrorServer() as server:
        yield server


@pytest.fixture
def down_url():
    """The address of a site that is down: a port on 127.0.0.1 nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_a_good_run_ends_in_the_summary_and_exits_0(site, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    result = scrapy_crawl("videos", site.base_url, db_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("videos: finished (full), ") and " new, 0 changed, " in lines[0], result.stdout
    assert lines[-1] == f"Database: {db_path}"
    # quiet where no terminal is attached: no INFO lines, no raw stats dump, no notes of components turned off
    assert result.stderr == "", result.stderr


def test_the_same_end_as_knytscrape_crawl(site, tmp_path):
    """Both roads print the same summary for the same run (and name their own database)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()  # each its own WARC folder (warc/ beside the database)
    by_scrapy = scrapy_crawl("calendar", site.base_url, tmp_path / "a" / "knytpunkt.db")
    ours = run([*crawl_command(site.base_url, tmp_path / "b" / "knytpunkt.db"), "calendar"])
    assert by_scrapy.returncode == ours.returncode == 0, by_scrapy.stderr + ours.stderr
    assert by_scrapy.stdout.replace("/a/", "/X/") == ours.stdout.replace("/b/", "/X/")
    assert ours.stdout.startswith("calendar: finished (full), ")


def knytscrape_crawl(spider: str, base_url: str, db_path: Path, *extra: str) -> subprocess.CompletedProcess:
    """``knytscrape crawl SPIDER`` as a schedule runs it: no log level given."""
    command = [sys.executable, "-m", "knytscrape.cli", "crawl", spider, "--base-url", base_url, "--db", str(db_path)]
    for name, value in LOCAL_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return run([*command, *extra])


@pytest.mark.parametrize("road", [scrapy_crawl, knytscrape_crawl], ids=["scrapy crawl", "knytscrape crawl"])
def test_a_site_that_is_down_exits_1_with_the_plain_reason(road, down_url, tmp_path):
    result = road("articles", down_url, tmp_path / "knytpunkt.db", *DOWN_SETTINGS)
    assert result.returncode == 1, result.stdout + result.stderr
    reasons = unhealthy_lines(result.stderr)
    assert "UNHEALTHY: articles: no page could be fetched (is the site up, is the base URL right?)" in reasons
    assert any("still missing after retries" in line for line in reasons)
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("articles: finished (full), 0 pages;")
    # warnings and errors only: a line or two per page given up on, the reasons; no INFO, no stats dump
    assert " INFO: " not in result.stderr and "Dumping Scrapy stats" not in result.stderr
    assert len(result.stderr.splitlines()) < 30, result.stderr


def test_verbose_gives_the_full_log(down_url, tmp_path):
    result = scrapy_crawl("videos", down_url, tmp_path / "knytpunkt.db", *DOWN_SETTINGS, "-v")
    assert result.returncode == 1
    assert "[scrapy.core.engine] INFO: Spider opened" in result.stderr
    assert "WARNING: Missing after" in result.stderr
    assert "UNHEALTHY: videos: no page could be fetched" in result.stderr
    assert result.stdout.startswith("videos: finished (full), 0 pages;")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "environment", "info", "warnings"),
    [
        (["-L", "INFO"], {}, True, True),
        (["-L", "ERROR"], {}, False, False),
        (["-v", "-L", "ERROR"], {}, False, False),  # a level given on the command line wins over -v
        ([], {"KNYT_LOG_LEVEL": "INFO"}, True, True),
        (["--logfile", "LOGFILE"], {}, False, False),  # the full log goes to the file
    ],
)
def test_log_levels(down_url, tmp_path, options, environment, info, warnings):
    options = [str(tmp_path / "crawl.log") if option == "LOGFILE" else option for option in options]
    result = scrapy_crawl("videos", down_url, tmp_path / "knytpunkt.db", *DOWN_SETTINGS, *options,
                          env={**ENV, **environment})
    assert result.returncode == 1
    assert (" INFO: " in result.stderr) is info, result.stderr
    assert ("WARNING: Missing after" in result.stderr) is warnings, result.stderr
    assert "UNHEALTHY: videos: no page could be fetched" in result.stderr  # whatever the log level
    if "--logfile" in options:
        assert " INFO: Spider opened" in (tmp_path / "crawl.log").read_text(encoding="utf-8")


def test_an_unknown_spider_is_named_with_the_valid_ones(tmp_path):
    result = run([sys.executable, "-m", "scrapy", "crawl", "artcles", "-s", f"KNYT_DB={tmp_path / 'k.db'}"])
    assert result.returncode == 2
    assert result.stderr == "scrapy crawl: no spider named 'artcles'; the spiders are: articles, calendar, videos\n"
    assert not (tmp_path / "k.db").exists()


def test_a_base_url_that_is_not_http_is_a_bad_argument(tmp_path):
    result = scrapy_crawl("articles", "ftp://example.org", tmp_path / "k.db")
    assert result.returncode == 2
    assert "not an http(s) URL" in result.stderr and "Traceback" not in result.stderr


def test_another_crawl_holding_the_database_exits_3(down_url, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    with holding(db_path) as holder:
        result = scrapy_crawl("articles", down_url, db_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"another crawl (pid {holder.pid}) is writing {db_path}" in result.stderr
    assert "Traceback" not in result.stderr and "no page could be fetched" not in result.stderr


def test_a_damaged_database_is_named_before_anything_is_asked(site, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    db_path.write_bytes(b"not a database " * 500)
    asked = len(site.requests)
    result = scrapy_crawl("videos", site.base_url, db_path)
    assert len(site.requests) == asked
    assert result.returncode == 1
    [line] = unhealthy_lines(result.stderr)
    assert "damaged or is not a SQLite database" in line


@pytest.mark.slow
def test_the_articles_of_the_mirror_and_then_nothing_new(site, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    first = scrapy_crawl("articles", site.base_url, db_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.startswith("articles: finished (full), ") and first.stderr == ""
    again = scrapy_crawl("articles", site.base_url, db_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.startswith("articles: finished (incremental), ") and " 0 new, 0 changed," in again.stdout


@pytest.mark.slow
def test_ctrl_c_exits_130_and_says_interrupted(tmp_path):
    with MirrorServer(extra_articles=300) as big:
        process = subprocess.Popen(scrapy_crawl_command("articles", big.base_url, tmp_path / "knytpunkt.db"),
                                   cwd=PROJECT_ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        deadline = time.monotonic() + 120
        while len(big.requests) < 300 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert any("interrupted" in line for line in unhealthy_lines(stderr)), stderr
    assert stdout.startswith("articles: shutdown (full), ")


def record(name: str, message: str, error: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(error), error, error.__traceback__) if error else None
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, (), exc_info)


def test_the_quiet_log_drops_network_tracebacks_only():
    from scrapy.exceptions import DownloadConnectionRefusedError
    from twisted.internet.error import ConnectionRefusedError as Refused

    quiet = QuietLog()
    try:
        try:
            raise Refused("111: Connection refused")
        except Refused as cause:
            raise DownloadConnectionRefusedError("Connection was refused") from cause
    except DownloadConnectionRefusedError as error:
        refused = record("scrapy.downloadermiddlewares.robotstxt", "Error downloading <GET />", error)
    assert quiet.filter(refused) and refused.exc_info is None and refused.getMessage() == "Error downloading <GET />"
    try:
        raise ValueError("a bug in a parser")
    except ValueError as error:
        bug = record("scrapy.core.scraper", "Spider error processing <GET />", error)
    assert quiet.filter(bug) and bug.exc_info is not None  # a bug keeps its traceback, even in the quiet log
    assert not quiet.filter(record("scrapy.middleware", "Disabled x.Pipeline: image download is off"))
    assert quiet.filter(record("articles", "Missing after 4 attempt(s), refused: http://127.0.0.1:9/"))


def run_on_a_terminal(command: list[str], env: dict, timeout: float = 300) -> tuple[int, str]:
    """``command`` with its stdin, stdout and stderr on a pseudo-terminal, as a person at a shell runs it;
    returns the exit status and everything the terminal received."""
    import os
    import pty
    import select

    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdin=terminal, stdout=terminal,
                               stderr=terminal, start_new_session=True)
    os.close(terminal)
    received = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the terminal closed: the process ended
                    break
                if not chunk:
                    break
                received += chunk
            elif process.poll() is not None:
                break
        status = process.wait(timeout=30)
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    return status, received.decode("utf-8", "replace")


@pytest.mark.parametrize("road", ["scrapy", "knytscrape"])
def test_on_a_terminal_the_log_is_quiet_too(road, down_url, tmp_path):
    """A person at a terminal sees the warnings, the reasons and the summary, not Scrapy's INFO lines."""
    db_path = tmp_path / "knytpunkt.db"
    if road == "scrapy":
        command = scrapy_crawl_command("videos", down_url, db_path, *DOWN_SETTINGS)
    else:
        command = [sys.executable, "-m", "knytscrape.cli", "crawl", "videos", "--base-url", down_url,
                   "--db", str(db_path), *DOWN_SETTINGS]
    status, output = run_on_a_terminal(command, {**ENV, "KNYT_PROGRESS": "0"})
    assert status == 1, output
    assert "UNHEALTHY: videos: no page could be fetched" in output
    assert "videos: finished (full), 0 pages;" in output
    assert " INFO: " not in output and "Dumping Scrapy stats" not in output, output
