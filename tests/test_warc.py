"""Every page as a web archive, and the archive read again without asking the site.

WARC files of their own (records, rotation, a torn tail cut off, revisits resolved); a crawl of the mirror
writes valid WARC files and indexes every answer in ``captures``; ``knytscrape reparse`` into an empty
database, with the network closed, rebuilds it equal to the crawled one; unchanged parsers change nothing;
a changed parser rule gives revisions with cause ``reparse``; a crawl killed with SIGKILL leaves every file
readable and the next run continues it.
"""

from __future__ import annotations

import datetime
import errno
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
import sqlite_utils

from knytscrape.capture.index import catch_up, warc_dir_for
from knytscrape.capture.replay import CaptureLibrary
from knytscrape.capture.warc_files import WarcWriterFiles, members, payload_digest, record_of, warc_files
from knytscrape.db import open_database
from knytscrape.mirror.server import MirrorServer
from tests.conftest import CRAWL_ENV, PROJECT_ROOT, crawl, crawl_command

WARCIO = Path(sys.executable).with_name("warcio")
CONTENT_TABLES = ("articles", "images", "comments", "videos", "events")
SEEN = {"first_seen", "last_seen"}  # when a row was seen: a crawl writes its commit time, a reparse the capture's


def warcio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(WARCIO), *args], capture_output=True, text=True, timeout=120)


def exchange(files: WarcWriterFiles, url: str, body: bytes, status: int = 200, revisit_of=None):
    moment = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
    records = files.maker.exchange(url, moment, "GET", [("User-Agent", "test")], status,
                                   [("Content-Type", "text/html; charset=utf-8")], body, revisit_of=revisit_of)
    return files.write(records)


def page(number: int) -> bytes:
    return (f"<html><body><h1>Sida {number}</h1>" + "Kommunfullmäktige i Örebro. " * 200
            + f"{os.urandom(2000).hex()}</body></html>").encode()


# -- the files --------------------------------------------------------------------------------------------


def test_each_record_is_a_gzip_member_and_files_rotate_by_size(tmp_path):
    files = WarcWriterFiles(tmp_path, max_bytes=15_000)
    places = [exchange(files, f"http://127.0.0.1/artiklar.php?id={n}", page(n)) for n in range(20)]
    files.close()
    paths = warc_files(tmp_path)
    assert len(paths) > 2, "files are rotated by size"
    assert all(path.stat().st_size <= 15_000 for path in paths)
    read = {(path.name, m.offset, m.length) for path in paths for m in members(path)}
    for response, request in places:  # every record lies where the writer said, whole
        assert (response.warc_file, response.offset, response.length) in read
        assert (request.warc_file, request.offset, request.length) in read
    for path in paths:
        checked = warcio("check", "-v", str(path))
        assert checked.returncode == 0, checked.stdout + checked.stderr
    index = "".join(warcio("index", str(path)).stdout for path in paths)
    assert all(f"artiklar.php?id={n}\"" in index for n in range(20))


def test_a_torn_tail_is_cut_off_indexed_up_to_it_and_the_file_continued(tmp_path):
    warc = tmp_path / "warc"
    files = WarcWriterFiles(warc, max_bytes=10_000_000)
    for n in range(3):
        exchange(files, f"http://127.0.0.1/artiklar.php?id={n}", page(n))
    files.close()
    [path] = warc_files(warc)
    whole = path.stat().st_size
    torn = WarcWriterFiles(tmp_path / "scratch", 10_000_000)
    [member, _] = exchange(torn, "http://127.0.0.1/artiklar.php?id=9", page(9))
    torn.close()
    data = (tmp_path / "scratch" / member.warc_file).read_bytes()[member.offset:member.offset + member.length]
    with path.open("ab") as file:  # what a crawl killed halfway through a write leaves
        file.write(data[: len(data) // 2])
    assert len(list(members(path))) == 1 + 3 * 2  # warcinfo and three exchanges; the torn record is not one

    db = open_database(tmp_path / "knytpunkt.db")
    caught = catch_up(db, warc)
    assert caught.indexed == 3 and caught.torn == {path.name: len(data) // 2}
    assert path.stat().st_size == whole
    assert [r["url"] for r in db.query("SELECT url FROM captures ORDER BY id")] == [
        f"http://127.0.0.1/artiklar.php?id={n}" for n in range(3)]
    assert catch_up(db, warc).indexed == 0  # nothing indexed twice

    again = WarcWriterFiles(warc, max_bytes=10_000_000)
    [response, _] = exchange(again, "http://127.0.0.1/artiklar.php?id=3", page(3))
    again.close()
    assert response.warc_file == path.name and response.offset == whole  # the same file, from its clean end
    assert warcio("check", str(path)).returncode == 0


def _gzip(body: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, wbits=31)
    return compressor.compress(body) + compressor.flush()


def test_the_scanner_finds_exactly_the_whole_members_wherever_a_file_is_cut(tmp_path):
    rng = random.Random(5)
    bodies = [os.urandom(rng.randint(10, 300_000)), b"a" * 3_000_000, b"Kommun " * 200_000,
              os.urandom(50) + bytes(2_500_000)] * 3  # some inflate far past the scanner's read size
    blobs = [_gzip(body, rng.choice([1, 9])) for body in bodies]
    whole = b"".join(blobs)
    ends = [sum(map(len, blobs[: n + 1])) for n in range(len(blobs))]
    path = tmp_path / "cut.warc.gz"
    for cut in [len(whole), *(rng.randint(0, len(whole)) for _ in range(25)), *ends, *(e - 1 for e in ends)]:
        path.write_bytes(whole[:cut])
        assert [m.offset + m.length for m in members(path)] == [e for e in ends if e <= cut], cut


def test_a_write_cut_short_by_a_full_disk_leaves_no_bytes_between_records(tmp_path, monkeypatch):
    files = WarcWriterFiles(tmp_path, max_bytes=10_000_000)
    exchange(files, "http://127.0.0.1/artiklar.php?id=1", page(1))
    [path] = warc_files(tmp_path)
    size = path.stat().st_size
    real_write = os.write
    calls = []

    def full_disk(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))  # half, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(OSError):
        exchange(files, "http://127.0.0.1/artiklar.php?id=2", page(2))
    monkeypatch.setattr(os, "write", real_write)
    assert path.stat().st_size == size  # the half-written record is gone
    [response, _] = exchange(files, "http://127.0.0.1/artiklar.php?id=3", page(3))
    files.close()
    assert response.offset == size
    assert [m.offset for m in members(path)][-2] == size  # read where the index will say


def test_a_record_the_writer_thread_could_not_write_is_reported_never_indexed_nor_referred_to(tmp_path, monkeypatch):
    from scrapy.http import HtmlResponse, Request

    from knytscrape.middlewares.warc import CaptureSession
    from tests.test_ledger import Stats

    session = CaptureSession(tmp_path / "warc", str(tmp_path / "knytpunkt.db"), 1 << 30)
    session.open(Stats())
    written, failed = [], []
    real_write = os.write
    bodies = {1: page(1), 2: page(2)}

    def capture(number: int) -> str:
        url = f"http://127.0.0.1/artiklar.php?id={number}"
        response = HtmlResponse(url, body=bodies[number], headers={"Content-Type": "text/html; charset=utf-8"})
        return session.capture(Request(url), response, "articles", None,
                               lambda row, size: written.append((row["url_key"], row["record_type"], size)),
                               lambda row, error: failed.append((row["url_key"], type(error).__name__)))

    def full_disk(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        assert capture(1) == "response"
        session.writer.wait()
        monkeypatch.setattr(os, "write", full_disk)
        assert capture(2) == "response"
        assert capture(1) == "revisit"  # the same page again: refers to its first record
        session.writer.wait()
        monkeypatch.setattr(os, "write", real_write)
        assert failed == [("/artiklar.php?id=2", "OSError"), ("/artiklar.php?id=1", "OSError")]
        assert capture(2) == "response"  # its first copy was never written: not a revisit of nothing
        assert capture(1) == "revisit"  # the first record of 1 is still there to refer to
        session.writer.wait()
    finally:
        session.close()
    expected = [("/artiklar.php?id=1", "response"), ("/artiklar.php?id=2", "response"),
                ("/artiklar.php?id=1", "revisit")]
    assert [(key, kind) for key, kind, _ in written] == expected
    assert all(size > 0 for _, _, size in written)
    db = open_database(tmp_path / "knytpunkt.db")
    rows = db.execute("SELECT url_key, record_type, warc_file, offset FROM captures ORDER BY id").fetchall()
    assert [row[:2] for row in rows] == expected
    [path] = warc_files(tmp_path / "warc")
    assert [m.offset for m in members(path)][1::2] == [row[3] for row in rows]  # the index says where they lie


def test_a_response_that_could_not_be_written_is_not_referred_to_by_a_later_revisit(tmp_path, monkeypatch):
    from scrapy.http import HtmlResponse, Request

    from knytscrape.middlewares.warc import CaptureSession
    from tests.test_ledger import Stats

    session = CaptureSession(tmp_path / "warc", str(tmp_path / "knytpunkt.db"), 1 << 30)
    session.open(Stats())
    url = "http://127.0.0.1/artiklar.php?id=5"
    response = HtmlResponse(url, body=page(5), headers={"Content-Type": "text/html; charset=utf-8"})
    real_write = os.write

    def full_disk(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        monkeypatch.setattr(os, "write", full_disk)
        assert session.capture(Request(url), response, "articles", None) == "response"
        session.writer.wait()
        monkeypatch.setattr(os, "write", real_write)
        assert session.capture(Request(url), response, "articles", None) == "response"  # not a revisit of nothing
    finally:
        session.close()
    db = open_database(tmp_path / "knytpunkt.db")
    assert db.execute("SELECT record_type FROM captures").fetchall() == [("response",)]


def test_a_writer_thread_that_is_gone_fails_the_capture_and_is_not_referred_to(tmp_path):
    from scrapy.http import HtmlResponse, Request

    from knytscrape.middlewares.warc import CaptureSession
    from tests.test_ledger import Stats

    session = CaptureSession(tmp_path / "warc", str(tmp_path / "knytpunkt.db"), 1 << 30)
    session.open(Stats())
    url = "http://127.0.0.1/artiklar.php?id=6"
    response = HtmlResponse(url, body=page(6), headers={"Content-Type": "text/html; charset=utf-8"})
    failed = []
    try:
        session.writer.close()  # the thread stops, as if it had died
        kind = session.capture(Request(url), response, "articles", None,
                               on_failed=lambda row, error: failed.append(type(error).__name__))
        assert kind == "response" and failed == ["RuntimeError"]
        assert session.has_page(url) is False  # nothing refers to the copy that was never written
    finally:
        session.close()


def test_rows_a_run_could_not_index_are_indexed_by_the_next(tmp_path):
    from knytscrape.capture.index import mark_unindexed

    files = WarcWriterFiles(tmp_path, max_bytes=10_000_000)
    for n in range(4):
        exchange(files, f"http://127.0.0.1/artiklar.php?id={n}", page(n))
    files.close()
    db = open_database(tmp_path / "knytpunkt.db")
    assert catch_up(db, tmp_path).indexed == 4
    db.execute("DELETE FROM captures WHERE url_key IN ('/artiklar.php?id=0', '/artiklar.php?id=2')")  # lost rows
    assert catch_up(db, tmp_path).indexed == 0  # nothing beyond the last indexed record
    mark_unindexed(tmp_path, {warc_files(tmp_path)[0].name})
    assert catch_up(db, tmp_path).indexed == 2
    assert db.execute("SELECT count(DISTINCT offset) FROM captures").fetchone()[0] == 4
    assert catch_up(db, tmp_path).indexed == 0  # the mark is gone once done


def test_a_revisit_is_answered_with_the_payload_it_refers_to(tmp_path):
    files = WarcWriterFiles(tmp_path, max_bytes=10_000_000)
    url = "http://127.0.0.1:8000/artiklar.php?id=5"
    body = page(5)
    exchange(files, url, body)
    exchange(files, url, body, revisit_of=(url, "2026-12-01T12:00:00Z", payload_digest(body)))
    exchange(files, "http://127.0.0.1:8000/", b"<html><body>Start</body></html>")
    files.close()
    CaptureLibrary.forget()
    library = CaptureLibrary.of(tmp_path)
    capture, record = library.answer("http://elsewhere.example/artiklar.php?id=5")  # by path and query
    assert record.rec_type == "response" and record.raw_stream.read() == body
    assert library.origin() == "http://127.0.0.1:8000"
    assert library.answer("http://127.0.0.1:8000/artiklar.php?id=6") is None


# -- a crawl, and reparse ------------------------------------------------------------------------------------


def content(db_path: Path, skip=SEEN) -> dict[str, dict]:
    connection = sqlite3.connect(db_path)
    try:
        tables = {}
        for table in CONTENT_TABLES:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info([{table}])") if row[1] not in skip]
            rows = connection.execute(f"SELECT {', '.join(columns)} FROM [{table}]").fetchall()
            tables[table] = {row[0]: dict(zip(columns, row, strict=True)) for row in rows}
        return tables
    finally:
        connection.close()


def reparse_command(db_path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "knytscrape.cli", "reparse", "--db", str(db_path), *extra]


def closed_network(command: list[str]) -> list[str]:
    """``command`` in a network namespace of its own: not even 127.0.0.1 answers there."""
    for wrapper in (["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]):
        if subprocess.run([*wrapper, "true"], capture_output=True).returncode == 0:
            return [*wrapper, *command]
    raise AssertionError("cannot make a network namespace (unshare --net) to close the network")


@pytest.fixture(scope="module")
def crawled_with_warc(crawled, tmp_path_factory):
    """A copy of the crawled mirror's database and its WARC folder (the tests here change them)."""
    _, db = crawled
    source = Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    folder = tmp_path_factory.mktemp("warc-crawl")
    target = folder / "knytpunkt.db"
    db.conn.execute("VACUUM INTO ?", [str(target)])
    shutil.copytree(warc_dir_for(source), folder / "warc")
    return source, target


@pytest.mark.slow
def test_a_crawl_keeps_every_answer_in_valid_warc_files_indexed(crawled):
    _, db = crawled
    db_path = Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    paths = warc_files(warc_dir_for(db_path))
    assert paths, "the crawl wrote WARC files beside its database"
    for path in paths:
        checked = warcio("check", str(path))
        assert checked.returncode == 0, checked.stdout + checked.stderr
    answers = sum(json.loads(row["stats"]).get("downloader/response_count", 0)
                  for row in db.query("SELECT stats FROM crawls"))
    captures = db.execute("SELECT count(*) FROM captures").fetchone()[0]
    assert captures == answers  # every answer of the site (robots.txt, redirects, errors) has its record
    missing = list(db.query("SELECT a.id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM captures c "
                            "WHERE c.article_id = a.id AND c.status = 200)"))
    assert not missing, f"articles without a capture of their page: {missing}"
    index = "".join(warcio("index", "-f", "warc-type,warc-target-uri,offset", str(path)).stdout for path in paths)
    for row in db.query("SELECT warc_file, offset, url FROM captures WHERE record_type = 'response' LIMIT 50"):
        assert f'"offset": "{row["offset"]}"' in index and row["url"] in index


@pytest.mark.slow
def test_reparse_with_the_network_closed_rebuilds_the_database(crawled_with_warc, tmp_path):
    source, _ = crawled_with_warc
    rebuilt = tmp_path / "rebuilt.db"
    result = subprocess.run(closed_network(reparse_command(rebuilt, "--warc", str(warc_dir_for(source)))),
                            cwd=PROJECT_ROOT, capture_output=True, text=True, env=CRAWL_ENV, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "UNHEALTHY" not in result.stderr
    expected, actual = content(source), content(rebuilt)
    for table in CONTENT_TABLES:
        assert actual[table] == expected[table], table
    db = sqlite_utils.Database(rebuilt)
    assert {row["mode"] for row in db.query("SELECT mode FROM crawls")} == {"reparse"}
    assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0
    # seen when the site showed them (the capture), not when the reparse ran
    crawl_day = db.execute("SELECT min(first_seen) FROM articles").fetchone()[0]
    assert crawl_day <= min(r["started"] for r in db.query("SELECT started FROM crawls"))


@pytest.mark.slow
def test_reparse_with_unchanged_parsers_changes_nothing(crawled_with_warc):
    _, db_path = crawled_with_warc
    before = content(db_path, skip=())
    result = subprocess.run(reparse_command(db_path), cwd=PROJECT_ROOT, capture_output=True, text=True,
                            env=CRAWL_ENV, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert content(db_path, skip=()) == before  # last_seen included: a capture never moves it back
    assert sqlite_utils.Database(db_path).execute("SELECT count(*) FROM revisions").fetchone()[0] == 0


CHANGED_PARSER = """
import sys
from knytscrape.parsers.article import ArticleParser
from knytscrape import cli

read_credit = ArticleParser._parse_credit
ArticleParser._parse_credit = lambda self, *args: (read_credit(self, *args) or "") + " (rättad)"
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_a_changed_parser_rule_gives_revisions_caused_by_reparse(crawled_with_warc):
    _, db_path = crawled_with_warc
    articles = sqlite_utils.Database(db_path).execute("SELECT count(*) FROM articles").fetchone()[0]
    result = subprocess.run([sys.executable, "-c", CHANGED_PARSER, "reparse", "--db", str(db_path)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, env=CRAWL_ENV, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    revisions = list(db.query("SELECT field, cause, new FROM revisions WHERE table_name = 'articles'"))
    assert len(revisions) == articles
    assert {(r["field"], r["cause"]) for r in revisions} == {("credit", "reparse")}
    assert all(r["new"].endswith(" (rättad)") for r in revisions)
    assert db.execute("SELECT count(*) FROM articles WHERE credit LIKE '% (rättad)'").fetchone()[0] == articles


@pytest.mark.slow
def test_reparse_of_some_articles_reads_only_them(crawled_with_warc, tmp_path):
    source, _ = crawled_with_warc
    ids = [row[0] for row in sqlite3.connect(source).execute("SELECT id FROM articles ORDER BY id LIMIT 2")]
    db_path = tmp_path / "some.db"
    result = subprocess.run(reparse_command(db_path, "--warc", str(warc_dir_for(source)),
                                            "--ids", ",".join(map(str, ids))),
                            cwd=PROJECT_ROOT, capture_output=True, text=True, env=CRAWL_ENV, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    listed = {*SEEN, "comment_count_listed"}  # printed by the yearly archives, which --ids does not read
    assert content(db_path, skip=listed)["articles"] == {i: content(source, skip=listed)["articles"][i] for i in ids}


def copy_of(source: Path, folder: Path) -> Path:
    """The crawled database and its WARC folder, copied into ``folder``."""
    shutil.copytree(warc_dir_for(source), folder / "warc")
    sqlite3.connect(source).execute("VACUUM INTO ?", [str(folder / "knytpunkt.db")])
    return folder / "knytpunkt.db"


@pytest.mark.slow
def test_an_error_answer_kept_later_yields_to_the_page_kept_before(crawled_with_warc, tmp_path):
    source, _ = crawled_with_warc
    db_path = copy_of(source, tmp_path)
    article = sqlite3.connect(db_path).execute("SELECT id, source_url, title FROM articles LIMIT 1").fetchone()
    files = WarcWriterFiles(tmp_path / "warc", max_bytes=1 << 30)  # the site's error page, given up on later
    exchange(files, article[1], b"<html><body>Internal error</body></html>", status=500)
    files.close()
    result = subprocess.run(reparse_command(db_path), cwd=PROJECT_ROOT, capture_output=True, text=True,
                            env=CRAWL_ENV, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sqlite3.connect(db_path).execute("SELECT title FROM articles WHERE id = ?", [article[0]]).fetchone()[0] \
        == article[2]
    assert content(db_path) == content(source)


@pytest.mark.slow
def test_a_damaged_warc_file_makes_the_reparse_unhealthy(crawled_with_warc, tmp_path):
    source, _ = crawled_with_warc
    copy_of(source, tmp_path / "copy")
    [path] = warc_files(tmp_path / "copy" / "warc")
    middle = list(members(path))[len(list(members(path))) // 2]
    with path.open("r+b") as file:  # a damaged disk: bytes of a record in the middle of the file
        file.seek(middle.offset + middle.length // 2)
        file.write(b"\xff" * 16)
    size = path.stat().st_size
    rebuilt = tmp_path / "rebuilt.db"
    result = subprocess.run(reparse_command(rebuilt, "--warc", str(path.parent)), cwd=PROJECT_ROOT,
                            capture_output=True, text=True, env=CRAWL_ENV, timeout=600)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "cannot be read to their end" in result.stderr and path.name in result.stderr
    assert path.stat().st_size == size  # reported, never cut
    # a crawl's catch-up reports it too, and cuts nothing: only a torn end of the newest file is cut
    db = open_database(tmp_path / "copy" / "knytpunkt.db")
    db.execute("DELETE FROM captures")
    caught = catch_up(db, path.parent)
    assert caught.damaged == {path.name: middle.offset} and not caught.torn and path.stat().st_size == size


def test_reparse_without_warc_files_says_so(tmp_path):
    result = subprocess.run(reparse_command(tmp_path / "k.db"), cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "no WARC folder" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "warc").mkdir()
    result = subprocess.run(reparse_command(tmp_path / "k.db"), cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "hold no page" in result.stderr
    result = subprocess.run(reparse_command(tmp_path / "k.db", "--ids", "12,x"), cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "article ids" in result.stderr


# -- revisits and a killed crawl -------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_unchanged_rerun_stores_revisits_not_copies(mirror, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    for _ in range(2):
        result = crawl(mirror.base_url, db_path)
        assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite_utils.Database(db_path)
    # the second run learned the site's chrome from the first run's captures before it read a page
    learned = [json.loads(row["stats"]).get("knyt/zone/chrome_learned_from_captures")
               for row in db.query("SELECT stats FROM crawls WHERE spider = 'articles' ORDER BY id")]
    assert learned[0] == 0 and learned[1] > 0, learned
    second = {row["spider"]: row["id"] for row in db.query("SELECT spider, max(id) AS id FROM crawls GROUP BY spider")}
    kinds = {row["record_type"]: row["n"] for row in db.query(
        f"SELECT record_type, count(*) AS n FROM captures WHERE crawl_id IN ({', '.join(map(str, second.values()))}) "
        "GROUP BY record_type")}
    assert kinds.get("revisit", 0) > 0 and kinds.get("response", 0) == 0, kinds


@pytest.mark.slow
def test_a_crawl_killed_at_any_point_leaves_readable_files_the_next_run_continues(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    warc = warc_dir_for(db_path)
    with MirrorServer(extra_articles=300) as site:
        process = subprocess.Popen(crawl_command(site.base_url, db_path), cwd=PROJECT_ROOT, env=CRAWL_ENV,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        guard = time.monotonic() + 120  # against a hang, not a timing assertion
        while not any(path.stat().st_size > 400_000 for path in warc_files(warc)):
            assert process.poll() is None and time.monotonic() < guard, "the crawl ended before it could be killed"
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        [path] = warc_files(warc)
        killed_size = path.stat().st_size
        readable = list(members(path))
        assert len(readable) > 100  # everything up to the last complete record reads
        end = readable[-1].offset + readable[-1].length
        assert killed_size - end < 1_000_000  # at most the record being written is cut short

        result = crawl(site.base_url, db_path)
        assert result.returncode in (0, 1), result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert warc_files(warc)[0] == path and path.stat().st_size > end  # the same file, continued
    for each in warc_files(warc):
        checked = warcio("check", str(each))
        assert checked.returncode == 0, checked.stdout + checked.stderr
    db = sqlite_utils.Database(db_path)
    indexed = {(r["warc_file"], r["offset"]) for r in db.query("SELECT warc_file, offset FROM captures")}
    in_files = {(each.name, m.offset) for each in warc_files(warc) for m in members(each)
                if record_of(m.data).rec_type in ("response", "revisit")}
    assert in_files <= indexed  # what the killed run wrote but did not index, the next run indexed


# -- the page as fetched, in the published archive ---------------------------------------------------------


def test_a_capture_is_served_sandboxed_and_a_revisit_shows_its_page(tmp_path):
    import asyncio

    from knytscrape.publish import datasette_app

    warc = tmp_path / "warc"
    files = WarcWriterFiles(warc, max_bytes=10_000_000)
    url = "http://127.0.0.1:8000/artiklar.php?id=7"
    body = "<html><body><h1>Älvsbacka</h1></body></html>".encode()
    exchange(files, url, body)
    exchange(files, url, body, revisit_of=(url, "2026-12-01T12:00:00Z", payload_digest(body)))
    files.close()
    db = open_database(tmp_path / "knytpunkt.db")
    catch_up(db, warc)
    db.close()
    app = datasette_app(tmp_path / "knytpunkt.db")

    def get(path):
        return asyncio.run(app.client.get(path))

    for capture_id in (1, 2):  # the response, and the revisit that refers to it
        response = get(f"/-/capture/{capture_id}")
        assert response.status_code == 200 and response.content == body
        assert response.headers["content-security-policy"].startswith("sandbox; default-src 'none'")
        assert response.headers["x-content-type-options"] == "nosniff"
    assert get("/-/capture/3").status_code == 404
    (warc / warc_files(warc)[0].name).rename(tmp_path / "elsewhere.warc.gz")
    response = get("/-/capture/1")
    assert response.status_code == 404 and "not here" in response.text


@pytest.mark.slow
def test_a_database_crawled_before_warc_files_gets_whole_pages_not_bare_304s(mirror, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    result = crawl(mirror.base_url, db_path, "-s", "KNYT_WARC=0")
    assert result.returncode == 0 and not warc_dir_for(db_path).exists(), result.stdout + result.stderr
    result = crawl(mirror.base_url, db_path)  # incremental: every known page would answer 304
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite_utils.Database(db_path)
    stats = json.loads(db.execute("SELECT stats FROM crawls WHERE spider = 'articles' ORDER BY id DESC").fetchone()[0])
    assert stats.get("knyt/warc/unconditional", 0) > 0 and not stats.get("knyt/responses/not_modified")
    assert db.execute("SELECT count(*) FROM captures WHERE status = 304").fetchone()[0] == 0
    rebuilt = tmp_path / "rebuilt.db"
    result = subprocess.run(reparse_command(rebuilt, "--warc", str(warc_dir_for(db_path))), cwd=PROJECT_ROOT,
                            capture_output=True, text=True, env=CRAWL_ENV, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rechecked = {row[0] for row in db.execute("SELECT DISTINCT article_id FROM captures WHERE article_id IS NOT NULL "
                                               "AND status = 200")}
    assert rechecked and set(content(rebuilt)["articles"]) == rechecked
