"""``knytscrape serve`` on the database a crawl is writing: every page answers, counts only grow, the end is exact.

The server used to open the database immutable: while a crawl wrote it, search and canned queries answered
500 "database disk image is malformed" and other pages stayed stale. It now opens it read-only (``mode=ro``)
and each query reads one consistent snapshot of the WAL database.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

import pytest

from knytscrape.db import open_database
from knytscrape.mirror.server import MirrorServer
from tests import servers
from tests.conftest import crawl
from tests.processes import stop

pytestmark = pytest.mark.slow  # crawls or a browser: left out of the quick lane (-m 'not slow')

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXTRA_ARTICLES = 200  # a crawl of the mirror that lasts long enough to be watched (about 20 s)
COUNTED = ("articles", "images", "comments", "videos", "events")


def start_serve(db_path: Path, log: Path, *, user: list[str] | None = None) -> tuple[subprocess.Popen, str]:
    port = servers.free_port()
    command = [*(user or []), sys.executable, "-m", "knytscrape.cli", "serve", "--db", str(db_path),
               "--port", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        servers.wait_until_answers(f"{base}/-/versions.json", process, log)
    except AssertionError:
        stop(process)
        raise
    return process, base


def get_json(url: str):
    status, _, body = servers.fetch(url, timeout=30)
    assert status < 500, f"{status} from {url}: {body[:300]!r}"
    assert status == 200, f"{status} from {url}: {body[:300]!r}"
    return json.loads(body)


def sql_count(base: str, table: str) -> int:
    sql = urllib.parse.quote(f"select count(*) as n from [{table}]")
    return get_json(f"{base}/knytpunkt.json?sql={sql}&_shape=array")[0]["n"]


class Watch:
    """Everything the pages show, per poll, with the checks that hold whatever a crawl is doing."""

    def __init__(self, base: str):
        self.base = base
        self.counts: dict[str, list[int]] = {}
        self.ids: list[int] = []
        self.failures: list[str] = []

    def seen(self, name: str, value: int) -> None:
        values = self.counts.setdefault(name, [])
        if values and value < values[-1]:
            self.failures.append(f"{name} went down: {values[-1]} -> {value}")
        values.append(value)

    def poll(self) -> None:
        base = self.base
        for table in ("articles", "images", "comments"):
            self.seen(f"{table} (SQL count)", sql_count(base, table))
            self.seen(f"{table} (table JSON)", get_json(f"{base}/knytpunkt/{table}.json?_size=5")[
                "filtered_table_rows_count"])
        status, _, page = servers.fetch(f"{base}/knytpunkt/articles", timeout=30)
        assert status == 200, (status, page[:300])
        shown = re.search(rb'<h3 class="knyt-row-count" data-rows="(\d+)"', page)  # the count the page prints
        self.seen("articles (table page)", int(shown.group(1)))
        found = get_json(f"{base}/knytpunkt/articles.json?_search=budget&_size=1")
        self.seen("search budget", found["filtered_table_rows_count"])
        self.seen("search_everything budget", len(get_json(f"{base}/knytpunkt/search_everything.json?q=budget"
                                                            "&_shape=array")))
        latest = get_json(f"{base}/knytpunkt/latest_articles.json?_shape=array")
        assert len(latest) <= 50
        for query in ("most_commented", "health", "upcoming_events"):
            get_json(f"{base}/knytpunkt/{query}.json?_shape=array")
        get_json(f"{base}/knytpunkt/changes.json?since=2000-01-01&_shape=array")
        self.ids += [row["id"] for row in latest if row["id"] not in self.ids]
        if self.ids:  # a reading page of an article already seen: it stays there
            article = self.ids[len(self.counts["articles (SQL count)"]) % len(self.ids)]
            status, _, page = servers.fetch(f"{base}/knytpunkt/articles/{article}", timeout=30)
            assert status == 200 and b"knyt-reading" in page, (status, page[:300])
            get_json(f"{base}/knytpunkt/article_in_full.json?id={article}&_shape=array")
        status, _, feed = servers.fetch(f"{base}/-/feeds/latest.atom", timeout=30)
        assert status == 200, (status, feed[:300])


@pytest.fixture
def crawl_target(tmp_path):
    """A database with the schema and nothing else: the server starts on it before the crawl."""
    db_path = tmp_path / "knytpunkt.db"
    open_database(db_path).conn.close()
    return db_path


def test_pages_answer_and_grow_while_a_crawl_writes_and_end_exact(crawl_target, tmp_path):
    process, base = start_serve(crawl_target, tmp_path / "serve.log")
    watch = Watch(base)
    try:
        with MirrorServer(extra_articles=EXTRA_ARTICLES) as mirror:
            result: dict = {}
            crawler = threading.Thread(target=lambda: result.update(run=crawl(mirror.base_url, crawl_target)))
            crawler.start()
            polls_during_crawl = 0
            while crawler.is_alive():
                watch.poll()
                polls_during_crawl += 1
                crawler.join(0.3)  # leave the crawl most of this machine's time
            crawler.join()
        assert result["run"].returncode == 0, result["run"].stdout + result["run"].stderr
        watch.poll()
        assert not watch.failures, "\n".join(watch.failures)
        print(f"{polls_during_crawl} polls during the crawl; articles seen: {watch.counts['articles (SQL count)']}")
        grew = [name for name, values in watch.counts.items() if len(set(values)) > 2]
        assert polls_during_crawl >= 5 and "articles (SQL count)" in grew, (
            f"the pages followed the crawl ({polls_during_crawl} polls): {watch.counts}")
        # after the crawl: what the pages show is what the file holds
        with sqlite3.connect(crawl_target) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            truth = {table: connection.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] for table in COUNTED}
        assert truth["articles"] > EXTRA_ARTICLES
        for table in COUNTED:
            assert sql_count(base, table) == truth[table], table
            assert get_json(f"{base}/knytpunkt/{table}.json?_size=1")["filtered_table_rows_count"] == truth[table]
        status, _, page = servers.fetch(f"{base}/knytpunkt/articles")
        assert f'<h3 class="knyt-row-count" data-rows="{truth["articles"]}">'.encode() in page
        databases = get_json(f"{base}/-/databases.json")
        assert [(db["name"], db["is_mutable"]) for db in databases] == [("knytpunkt", True)]
    finally:
        stop(process)
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "malformed" not in log and "Traceback" not in log, log[-3000:]


def test_serve_never_writes_the_database(crawled, tmp_path):
    """Read-only: SQL writes are refused and the file is unchanged (no checkpoint before serving either)."""
    _, db = crawled
    copy = tmp_path / "knytpunkt.db"
    source, target = sqlite3.connect(db.conn.execute("PRAGMA database_list").fetchone()[2]), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    before = copy.read_bytes()
    process, base = start_serve(copy, tmp_path / "serve.log")
    try:
        for sql in ("delete from articles", "update articles set title = 'x'", "drop table articles",
                    "pragma wal_checkpoint(truncate)"):
            status, _, body = servers.fetch(f"{base}/knytpunkt.json?sql={urllib.parse.quote(sql)}")
            assert status == 400 and json.loads(body)["ok"] is False, sql
        assert sql_count(base, "articles") == db["articles"].count
    finally:
        stop(process)
    assert copy.read_bytes() == before


def test_the_in_process_app_is_served_as_serve_does_unless_asked(crawled, tmp_path):
    from knytscrape.publish import datasette_app

    assert datasette_app(db_path_of(crawled)).databases["knytpunkt"].is_mutable is True
    copy = tmp_path / "knytpunkt.db"
    source, target = sqlite3.connect(db_path_of(crawled)), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    assert datasette_app(copy, immutable=True).databases["knytpunkt"].is_mutable is False


# -- a database folder the server may not write to ------------------------------------------------

# The server as a user that may not write the folder nor the files: root without its capabilities (no
# CAP_DAC_OVERRIDE), so that the permission bits apply to it; the test itself, root, writes.
AS_READ_ONLY_USER = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]
needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"),
                                reason="serves as a user without write permission (needs root and setpriv)")


def read_only(folder: Path) -> None:
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)


@pytest.fixture
def read_only_folder(crawled):
    """A copy of the crawled database (WAL mode) in a folder of its own, made read-only by read_only()."""
    _, db = crawled
    folder = Path(tempfile.mkdtemp(prefix="knyt-ro-"))
    db_path = folder / "knytpunkt.db"
    source, target = sqlite3.connect(db.conn.execute("PRAGMA database_list").fetchone()[2]), sqlite3.connect(db_path)
    source.backup(target)
    assert target.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    source.close()
    target.close()  # the last connection: SQLite removes the -wal and -shm files
    try:
        yield db_path
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


@needs_root
def test_read_only_folder_while_the_wal_files_exist(read_only_folder, tmp_path):
    """The server cannot write the folder, the database nor its -shm file: SQLite still reads the WAL
    database, and sees what writers commit, when the -wal and -shm files exist as it starts."""
    writer = sqlite3.connect(read_only_folder)  # keeps knytpunkt.db-wal and -shm in place while it is open
    try:
        writer.execute("CREATE TABLE IF NOT EXISTS notes (n)")
        writer.commit()
        assert {p.name for p in read_only_folder.parent.iterdir()} >= {"knytpunkt.db-wal", "knytpunkt.db-shm"}
        read_only(read_only_folder.parent)
        process, base = start_serve(read_only_folder, tmp_path / "serve.log", user=AS_READ_ONLY_USER)
        try:
            before = sql_count(base, "articles")
            for n in range(6):
                if n == 3:  # one crawl ends, the next begins: the server keeps the -wal and -shm files there
                    writer.close()
                    assert {p.name for p in read_only_folder.parent.iterdir()} >= {"knytpunkt.db-shm"}
                    writer = sqlite3.connect(read_only_folder)
                writer.execute("INSERT INTO articles (id, title) VALUES (?, ?)", (10_000_000 + n, f"ny {n}"))
                writer.commit()
                assert sql_count(base, "articles") == before + n + 1
            get_json(f"{base}/knytpunkt/articles.json?_search=budget")
        finally:
            stop(process)
    finally:
        writer.close()


@needs_root
def test_read_only_folder_without_the_wal_files_is_refused_with_the_reason(read_only_folder, tmp_path):
    assert {p.name for p in read_only_folder.parent.iterdir()} == {"knytpunkt.db"}
    read_only(read_only_folder.parent)
    result = subprocess.run([*AS_READ_ONLY_USER, sys.executable, "-m", "knytscrape.cli", "serve", "--db",
                             str(read_only_folder), "--port", str(servers.free_port())],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "-shm" in result.stderr and "Traceback" not in result.stderr, result.stderr


# -- the serve command: public mode ---------------------------------------------------------------


def db_path_of(crawled) -> str:
    _, db = crawled
    return db.conn.execute("PRAGMA database_list").fetchone()[2]


def serve_command(monkeypatch, *args, **kwargs) -> list[str]:
    """The ``datasette serve`` command ``run_serve`` would start (nothing is started)."""
    from knytscrape import cli

    started = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command: started.append(command) or 0)
    assert cli.run_serve(*args, **kwargs) == 0
    [command] = started
    return command


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def settings_of(command: list[str]) -> dict[str, str]:
    return {command[i + 1]: command[i + 2] for i, word in enumerate(command) if word == "--setting"}


def test_public_mode_binds_everywhere_with_stricter_limits_and_its_address(crawled, monkeypatch):
    monkeypatch.delenv("KNYT_PUBLIC_URL", raising=False)
    local = serve_command(monkeypatch, db_path_of(crawled), None, 8001)
    assert option(local, "--host") == "127.0.0.1" and settings_of(local)["sql_time_limit_ms"] == "3000"
    assert "-i" not in local and "--immutable" not in local
    public = serve_command(monkeypatch, db_path_of(crawled), None, 8001, public=True,
                           public_url="https://arkiv.example.org")
    assert option(public, "--host") == "0.0.0.0"
    assert settings_of(public)["sql_time_limit_ms"] == "1000" and settings_of(public)["max_csv_mb"] == "0"
    metadata = json.loads(Path(option(public, "--metadata")).read_text(encoding="utf-8"))
    assert metadata["plugins"]["knytscrape"]["public_url"] == "https://arkiv.example.org/"
    assert option(serve_command(monkeypatch, db_path_of(crawled), "10.0.0.5", 8001, public=True,
                                public_url="https://arkiv.example.org/"), "--host") == "10.0.0.5"
    monkeypatch.setenv("KNYT_PUBLIC_URL", "https://env.example.org/")
    metadata = json.loads(Path(option(serve_command(monkeypatch, db_path_of(crawled), None, 8001, public=True),
                                      "--metadata")).read_text(encoding="utf-8"))
    assert metadata["plugins"]["knytscrape"]["public_url"] == "https://env.example.org/"


@pytest.mark.parametrize(("args", "message"), [
    (["--public"], "--public needs the archive's public address"),
    (["--public-url", "arkiv.example.org"], "not an http(s) address"),
])
def test_public_mode_refuses_without_a_proper_address(crawled, args, message):
    env = {key: value for key, value in os.environ.items() if key != "KNYT_PUBLIC_URL"}
    result = subprocess.run([sys.executable, "-m", "knytscrape.cli", "serve", "--db", db_path_of(crawled), *args],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_public_mode_serves_its_settings_and_address(crawled, tmp_path):
    port = servers.free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "knytscrape.cli", "serve", "--db", db_path_of(crawled),
                                    "--public", "--public-url", "https://arkiv.example.org/", "--host", "127.0.0.1",
                                    "--port", str(port)], cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        servers.wait_until_answers(f"{base}/-/versions.json", process, log)
        settings = get_json(f"{base}/-/settings.json")
        assert settings["sql_time_limit_ms"] == 1000 and settings["max_csv_mb"] == 0
        assert not settings["suggest_facets"]
        status, _, feed = servers.fetch(f"{base}/-/feeds/latest.atom")
        assert status == 200 and b"<id>https://arkiv.example.org/-/feeds/latest.atom</id>" in feed
        assert b"127.0.0.1" not in feed.split(b"<entry>")[0]
    finally:
        stop(process)
