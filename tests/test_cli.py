"""The knytscrape command: clear one-line errors and exit status 2 on bad input, never a traceback."""

import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "knytscrape.cli", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "--base-url", "ftp://example.org"], "not an http(s) URL"),
        (["crawl", "-s", "NOEQUALS"], "expected NAME=VALUE"),
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
