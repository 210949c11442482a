"""The published archive under load, on the real ``knytscrape serve`` with an archive of long articles.

Each test here answers a way the bounds once failed legitimate readers (docs/publishing.md, "Bounds"):

* five clients that asked for a large page and never read it held the whole server's budget: every large
  page answered 503 "server busy" for as long as they stayed (45 s and more);
* a whole-table CSV ("stream all rows": ``?_stream=on&_size=max``) was cut short when the server became
  busy, and still ended as a complete 200 with the error as its last line; four at once on a large
  archive left two incomplete;
* SQLite's heap limit (64 MB for the process) made two of three concurrent searches fail;
* a sorted join of large values wrote 1.8 GB of temporary files in the 3 s a query may run.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from knytscrape.datasette_plugin import bounds
from knytscrape.db import open_database
from tests import servers
from tests.processes import MB, MemoryWatch, stop, tree
from tests.test_published_bounds import LONG_BODY

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MANY = 2500  # three pages of 1,000 long articles: a page of them is 9.5 MB of JSON, 16 MB as Python holds it
LARGE_PAGE = "/knytpunkt/articles.json?_size=max&_shape=array"
WHOLE_TABLE = "/knytpunkt/articles.csv?_stream=on&_size=max"  # the table page's "stream all rows"
KILL_AT = 3000 * MB


@pytest.fixture(scope="module")
def long_archive(tmp_path_factory):
    """``knytscrape serve`` on MANY articles of 8,000 characters: (base URL, port, server process, log)."""
    folder = tmp_path_factory.mktemp("long-archive")
    db = open_database(folder / "knytpunkt.db")
    db["articles"].insert_all({"id": n, "url": f"https://knytpunkt.se/artiklar.php?id={n}", "title": f"Artikel {n}",
                               "published": f"20{10 + n % 15:02d}-0{1 + n % 9}-1{n % 10}", "year": 2010 + n % 15,
                               "lead": "Ingress " * 30, "body": f"{n} {LONG_BODY}"} for n in range(1, MANY + 1))
    db.conn.commit()
    db.conn.close()
    port = servers.free_port()
    log = folder / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "knytscrape.cli", "serve", "--db",
                                    str(folder / "knytpunkt.db"), "--port", str(port)],
                                   cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        servers.wait_until_answers(f"{base}/-/versions.json", process, log)
        with MemoryWatch(process, KILL_AT) as watch:
            yield base, port, process, log
        assert not watch.killed, f"the server grew to {watch.peak / MB:.0f} MB and was killed"
    finally:
        stop(process)


def status_of(url: str) -> tuple[int, bytes]:
    try:
        status, _, body = servers.fetch(url, timeout=120)
    except OSError as error:
        return 0, str(error).encode()
    return status, body[:300]


def stalled_client(port: int, path: str) -> socket.socket:
    """A client that asks for ``path`` and never reads the answer (its receive window kept small)."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.connect(("127.0.0.1", port))
    client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return client


def wait_for_answer(client: socket.socket) -> None:
    """Until the server began to answer ``client`` (its status line is there), reading nothing of it."""
    client.settimeout(60)
    while len(client.recv(12, socket.MSG_PEEK)) < 12:
        time.sleep(0.05)


def rest_of(client: socket.socket) -> bytes:
    """What the server still sends to a stalled client, until it closes the connection."""
    client.settimeout(30)
    received = b""
    try:
        while chunk := client.recv(1 << 20):
            received += chunk
    except ConnectionError:  # dropped at once (a reset)
        pass
    return received


@pytest.mark.slow
def test_clients_that_never_read_do_not_lock_the_others_out(long_archive):
    """Clients that ask for large pages and never read them are dropped after SEND_TIMEOUT, and what they held
    is free again: large pages answer 200 once they are gone. (Whether the server was full meanwhile depends
    on how much of each answer the kernel's socket buffers took; that a full server refuses large results
    is test_published_bounds.py's test_a_full_server_refuses_big_results_but_not_small_ones.)"""
    base, port, _, log = long_archive
    stalled = [stalled_client(port, LARGE_PAGE) for _ in range(8)]  # 8 x 19 MB asked for, more than the 96 MB
    try:
        for client in stalled:
            wait_for_answer(client)
        seen: list[int] = []
        guard = time.monotonic() + 6 * bounds.SEND_TIMEOUT + 60  # against a hang, not a timing assertion
        while "took nothing for" not in log.read_text(encoding="utf-8"):
            status, body = status_of(base + LARGE_PAGE)
            seen.append(status)
            assert status in (200, 503), (status, body)
            assert time.monotonic() < guard, f"stalled clients never dropped; large pages meanwhile: {seen}"
            time.sleep(0.5)
        guard = time.monotonic() + 2 * bounds.SEND_TIMEOUT + 60
        while (status := status_of(base + LARGE_PAGE)[0]) != 200:  # the others go as they time out
            assert status == 503 and time.monotonic() < guard, status
            time.sleep(0.5)
        answers = [rest_of(client) for client in stalled]
        # dropped before their answer's end (the last chunk, 0 CRLF CRLF); one not yet dropped when this reads
        # it may still get its answer whole
        dropped = [answer for answer in answers if answer.startswith(b"HTTP/1.1 200")
                   and not answer.endswith(b"0\r\n\r\n")]
        assert dropped
        assert all(answer.startswith((b"HTTP/1.1 200", b"HTTP/1.1 503")) for answer in answers)
    finally:
        for client in stalled:
            client.close()


def csv_rows(url: str) -> tuple[int, list[list[str]]]:
    with urllib.request.urlopen(url, timeout=300) as response:
        return response.status, list(csv.reader(io.StringIO(response.read().decode("utf-8"))))


def download_at_a_pace(port: int, path: str, started: threading.Event, stop: threading.Event) -> bytes:
    """A client downloading ``path`` at the pace of a slow line (about 0.6 MB/s), until ``stop``: the server
    holds the answer while it is read. Its status line."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    client.settimeout(120)
    with client:
        client.connect(("127.0.0.1", port))
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        received = client.recv(65536)
        started.set()
        while not stop.is_set() and client.recv(65536):
            time.sleep(0.05)
    return received.split(b"\r\n", 1)[0]


@pytest.mark.slow
def test_whole_table_csvs_download_whole_while_others_download(long_archive):
    """Four whole-table CSVs while four clients download large pages on slow lines: before, the server
    holding those pages (3 x 25 MB) refused a CSV's page as "server busy", and a CSV cut short after its
    first page ended as a 200 with the error as its last line."""
    base, port, *_ = long_archive
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=8) as pool:
        started = [threading.Event() for _ in range(4)]
        downloads = [pool.submit(download_at_a_pace, port, LARGE_PAGE, event, stop) for event in started]
        try:
            assert all(event.wait(60) for event in started)
            streams = [pool.submit(csv_rows, base + WHOLE_TABLE) for _ in range(4)]
            for stream in streams:
                status, rows = stream.result()
                assert status == 200
                assert rows[0][0] == "id" and sorted(int(row[0]) for row in rows[1:]) == list(range(1, MANY + 1))
        finally:
            stop.set()
        statuses = [download.result() for download in downloads]
    assert set(statuses) <= {b"HTTP/1.1 200 OK", b"HTTP/1.1 503 Service Unavailable"}, statuses


@pytest.mark.slow
def test_a_whole_table_csv_that_fails_halfway_shows_as_failed(long_archive):
    """Its second page fails (a value past the length limit from id 1,500 on): the download must not end
    as if complete, with the error text as its last line."""
    base, *_ = long_archive
    where = urllib.parse.quote("length(case when id > 1500 then zeroblob(1000000000) else '' end) >= 0")
    url = f"{base}/knytpunkt/articles.csv?_stream=on&_size=max&_sort=id&_where={where}"
    with pytest.raises((http.client.IncompleteRead, ConnectionError)), urllib.request.urlopen(url) as response:
        assert response.status == 200  # the first page was sent before the second failed
        response.read()
    # the same stream on the rows that do not fail is whole
    status, rows = csv_rows(f"{base}/knytpunkt/articles.csv?_stream=on&_size=max&_sort=id&_where="
                            + urllib.parse.quote("id <= 1500 and " + urllib.parse.unquote(where)))
    assert status == 200 and len(rows) == 1501


def written_bytes(pid: int) -> int:
    """Bytes the process wrote through write() and its kind (files: SQLite's temporary files; sockets aside)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError("no wchar in /proc/PID/io")


@pytest.mark.slow
def test_a_huge_sort_writes_no_temporary_file(long_archive):
    base, _, process, _ = long_archive
    datasette = tree(process.pid)[-1]
    if not os.access(f"/proc/{datasette}/io", os.R_OK):
        pytest.skip("/proc/PID/io is not readable here")
    before = written_bytes(datasette)
    sql = ("select x from (select zeroblob(100000) as x from (select id from articles limit 100) a, "
           "(select id from articles limit 100) b) order by random()")  # 1 GB to sort
    status, _, body = servers.fetch(f"{base}/knytpunkt.json?sql={urllib.parse.quote(sql)}&_shape=array", timeout=60)
    assert status == 400 and "more memory than SQLite may use" in json.loads(body)["error"], body[-300:]
    assert written_bytes(datasette) - before < 16 * MB  # the log; a sort spilled to disk wrote a gigabyte


HEAP_SCRIPT = """
import sqlite3, sys, threading
from knytscrape.datasette_plugin import bounds

bounds.set_heap_limits(int(sys.argv[1]))
rows = int(sys.argv[2])
barrier = threading.Barrier(int(sys.argv[1]))
results = []

def sort():
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.row_factory = sqlite3.Row
    bounds.bound_connection(connection)
    try:
        cursor = connection.execute(
            "with recursive r(n) as (select 1 union all select n + 1 from r where n < ?) "
            "select n from r order by printf('%.*c', 80, 'x') || n limit 3 offset ?", (rows, rows - 3))
        barrier.wait(timeout=60)  # every thread holds its whole sort in SQLite's heap now
        results.append(len(cursor.fetchall()))
    except Exception as error:
        barrier.abort()
        results.append(repr(error))

threads = [threading.Thread(target=sort) for _ in range(barrier.parties)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(results)
"""


def test_as_many_large_queries_as_sql_threads_fit_in_sqlites_heap():
    """A one-letter prefix search of 20,000 long articles needs 23 MB of SQLite's heap; a sort of 210,000
    short rows as much. With the heap limit of 64 MB, two of three such searches at once failed."""
    threads = 3  # knytscrape/resources/settings.json: num_sql_threads
    result = subprocess.run([sys.executable, "-c", HEAP_SCRIPT, str(threads), "210000"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([3] * threads), result.stdout + result.stderr
