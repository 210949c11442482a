"""The knytscrape command: clear one-line errors and exit status 2 on bad input, never a traceback."""

import socket
import subprocess
import sys
import time

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "knytscrape.cli", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "--base-url", "ftp://example.org"], "not an http(s) URL"),
        (["crawl", "-s", "NOEQUALS"], "expected NAME=VALUE"),
        (["crawl", "artcles"], "no spider named 'artcles'; the spiders are: articles, calendar, videos"),
        (["serve", "--db", "/nonexistent/knytpunkt.db"], "no database at"),
        (["mirror", "--port", "70000"], "port out of range"),
        (["mirror", "--articles", "-3"], "must be 0 or more"),
        (["mirror", "--layout", "nope", "--port", "0"], "unknown layout"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("crawl", "mirror", "serve", "demo", "package", "publish"):
        assert command in result.stdout


def test_demo_on_a_busy_port_says_so_before_crawling(tmp_path):
    with socket.socket() as server:  # another server, listening on the port the demo is asked to use
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        started = time.monotonic()
        result = run("demo", "--port", str(port), "--db", str(tmp_path / "knytpunkt.db"))
        took = time.monotonic() - started
    assert result.returncode == 4, result.stdout + result.stderr
    assert f"cannot serve the demo on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr
    assert "mirror" not in result.stdout.lower()  # no mirror started, nothing crawled
    assert not (tmp_path / "knytpunkt.db").exists()
    assert took < 30  # said at once, not after a crawl
