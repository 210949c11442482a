"""Servers the tests start on 127.0.0.1: a free port, waiting until one answers, fetching from it."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, data: bytes | None = None, timeout: float = 20) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET (or a POST with ``data``), HTTP errors included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=timeout) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_answers(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Wait for a server just started; fail with its log when it exits or does not answer in time."""
    deadline = time.monotonic() + timeout
    while not answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{url} did not answer within {timeout:.0f} s:\n" + log.read_text(encoding="utf-8"))
        time.sleep(0.2)
