"""No request can take the published archive down: hostile SQL and options against the real ``knytscrape serve``.

Before the bounds, one anonymous ``?sql=select zeroblob(...)`` asked a few times grew the server to 24 GB
until the kernel killed it. Here every hostile request is sent (each three times, many at once) to
``knytscrape serve`` on a crawled mirror; the server must answer each (an error is fine, a 5xx or a dead
server is not), still serve normal pages afterwards, and its peak resident memory (VmHWM of the Datasette
process) must stay under PEAK_BOUND.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import subprocess
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import knytscrape.datasette_plugin as plugin
from knytscrape.db import open_database
from knytscrape.publish import datasette_app
from tests import servers
from tests.processes import MB, MemoryWatch, stop

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# What the server may hold at its peak, hostile requests included. Datasette with the plugin starts at
# about 55 MB; the bounds allow SQLite's heap (64 MB), what all requests hold together (rows alive and
# response bodies being sent: 96 MB), and the rendering of one answer on top of that (measured: 280-355 MB).
# Unbounded, the first zeroblob request alone goes past 3 GB.
PEAK_BOUND = 500 * MB
KILL_AT = 3000 * MB  # a ballooning server is killed here, so that the test machine survives it

WIDE = ", ".join(["z"] * 400)
HOSTILE_SQL = {
    "zeroblob": "select zeroblob(1000000000)",
    "randomblob": "select randomblob(500000000)",
    "printf": "select printf('%.*c', 1000000000, 'x')",
    "recursive CTE of wide rows": "with recursive r(n) as (select 1 union all select n + 1 from r) "
                                  "select n, printf('%.*c', 300000, 'x') from r",
    "many wide columns": f"with t(z) as (select zeroblob(2000000)) select {WIDE} from t",
    "99 wide columns": "with t(z) as (select printf('%.*c', 2000000, 'x')) select "
                       + ", ".join(["z"] * 99) + " from t",
    "group_concat over a big join": "select group_concat(a.body || b.body || c.title) "
                                    "from articles a, articles b, articles c",
    "json_group_array over a big join": "select json_group_array(a.body || b.lead) from articles a, articles b, "
                                        "articles c, images d",
    "wide rows of a join": "select a.body, b.body, zeroblob(500000) from articles a, articles b",
    "endless count": "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
    "long LIKE pattern": "select count(*) from articles a, articles b where a.body || b.body like "
                         "'%" + "_%" * 3000 + "'",
    "sort of a huge join": "select a.body, b.body, c.body from articles a, articles b, articles c "
                           "order by random() limit 5",
    # one call of these ran for seconds to minutes, which the time limit cannot interrupt
    "printf of a huge precision": "select length(printf('%.*c', 2000000000, 'x'))",
    "trim by a long set": "select length(trim(printf('%.*c', 300000, 'a'), printf('%.*c', 300000, 'b') || 'a'))",
    "instr of long strings": "select instr(printf('%.*c', 3000000, 'a'), printf('%.*c', 1000000, 'a') || 'b')",
    "replace of long strings": "select length(replace(printf('%.*c', 3000000, 'a'), "
                               "printf('%.*c', 1000000, 'a') || 'b', ''))",
    "json_patch of big objects": "with k(n) as (select 1 union all select n + 1 from k where n < 60000) "
                                 "select length(json_patch((select json_group_object('a' || n, 1) from k), "
                                 "(select json_group_object('b' || n, 1) from k)))",
}
# Just under any one query's bound, but many at once: the rows alive in all requests together are bounded too.
MEDIUM_SQL = "with recursive r(n) as (select 1 union all select n + 1 from r where n < 20) " \
             "select n, printf('%.*c', 1000000, 'x') as text from r"


def query_path(sql: str, extra: str = "") -> str:
    return f"/knytpunkt.json?sql={urllib.parse.quote(sql)}&_shape=array{extra}"


HOSTILE_PATHS = [query_path(sql) for sql in HOSTILE_SQL.values()] + [
    query_path(HOSTILE_SQL["wide rows of a join"], "&_size=max"),
    query_path("select '[' || replace(hex(zeroblob(1000000)), '00', '[],') || '[]]' as j "
               "from articles limit 40", "&_json=j"),
    "/knytpunkt/articles.json?_size=max&_facet=body&_facet=lead&_facet_size=max&_shape=array",
    "/knytpunkt/articles.json?_where=" + urllib.parse.quote("length(zeroblob(1000000000)) > 0"),
    "/knytpunkt/articles.csv?_stream=on&_where=" + urllib.parse.quote("length(randomblob(900000000)) > 0"),
    "/knytpunkt/articles?_search=" + urllib.parse.quote("a " * 2000),
]


@pytest.fixture(scope="module")
def served(crawled, tmp_path_factory):
    """``knytscrape serve`` on the crawled mirror, on 127.0.0.1, watched for its memory."""
    _, db = crawled
    db_path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    port = servers.free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "knytscrape.cli", "serve", "--db", db_path,
                                    "--port", str(port)], cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        servers.wait_until_answers(f"{base}/-/versions.json", process, log)
        with MemoryWatch(process, KILL_AT) as watch:
            yield base, watch, db, log
    finally:
        stop(process)


def get(url: str) -> tuple[int, str]:
    """(status, start of the body); a refused or dropped connection is status 0."""
    try:
        status, _, body = servers.fetch(url, timeout=90)
    except OSError as error:
        return 0, str(error)
    return status, body[:300].decode("utf-8", "replace")


@pytest.mark.slow
def test_hostile_requests_leave_the_server_answering_within_its_memory(served):
    base, watch, db, log = served
    paths = HOSTILE_PATHS * 3 + [query_path(MEDIUM_SQL)] * 12
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda path: (path, *get(base + path)), paths))
    watch.sample()
    assert not watch.killed, f"the server grew to {watch.peak / MB:.0f} MB and was killed"
    failed = [(urllib.parse.unquote(path)[:120], status, body) for path, status, body in answers
              if status == 0 or status >= 500]
    assert not failed, f"{len(failed)} requests got no answer or a 5xx:\n" + "\n".join(map(str, failed[:10]))
    status, body = get(f"{base}/knytpunkt/articles.json?_size=max&_shape=array")
    assert status == 200, body
    status, _, page = servers.fetch(f"{base}/knytpunkt/articles?_size=5")
    assert status == 200 and b"knytpunkt" in page
    assert watch.peak < PEAK_BOUND, f"peak resident memory {watch.peak / MB:.0f} MB >= {PEAK_BOUND // MB} MB"
    print(f"peak resident memory {watch.peak / MB:.0f} MB; answers: "
          + json.dumps(sorted({str(status) for _, status, _ in answers})))


# -- in process: the bounds answer plainly, and every legitimate page still works -------------------------

LONG_BODY = ("Kommunfullmäktige beslutade i går – efter en lång debatt – att ”budgeten” ska gälla. " * 95)[:8000]
MANY = 1200  # more articles than a page holds (1,000), each with a long body of 8,000 characters


@pytest.fixture(scope="module")
def long_articles(tmp_path_factory):
    """MANY articles with bodies longer than any on the mirror (a long article of the real site), and
    typographic quotes and dashes, which make Python hold each character in two bytes."""
    path = tmp_path_factory.mktemp("long") / "knytpunkt.db"
    db = open_database(path)
    db["articles"].insert_all({"id": n, "url": f"https://knytpunkt.se/artiklar.php?id={n}", "title": f"Artikel {n}",
                               "published": f"20{10 + n % 15:02d}-0{1 + n % 9}-1{n % 10}", "year": 2010 + n % 15,
                               "lead": "Ingress " * 30, "body": f"{n} {LONG_BODY}"} for n in range(1, MANY + 1))
    db.conn.commit()
    db.conn.close()
    return datasette_app(path)


def aget(app, path, **kwargs):
    return asyncio.run(app.client.get(path, **kwargs))


def test_a_page_of_1000_long_articles_and_the_whole_table_as_csv(long_articles):
    response = aget(long_articles, "/knytpunkt/articles.json?_size=max&_shape=array")
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()) == 1000 and all(len(row["body"]) > 8000 for row in response.json())
    streamed = aget(long_articles, "/knytpunkt/articles.csv?_stream=on&_size=max")
    assert streamed.status_code == 200
    rows = list(csv.DictReader(io.StringIO(streamed.text)))
    assert sorted(int(row["id"]) for row in rows) == list(range(1, MANY + 1))
    assert aget(long_articles, "/knytpunkt/articles?_size=max").status_code == 200


@pytest.fixture(scope="module")
def published(crawled):
    _, db = crawled
    return datasette_app(db.conn.execute("PRAGMA database_list").fetchone()[2]), db


@pytest.mark.parametrize("path", [
    "/", "/knytpunkt", "/knytpunkt/articles", "/knytpunkt/articles.json?_size=max&_facet=year&_facet=credit",
    "/knytpunkt/articles?_facet=has_comments&_facet=year", "/knytpunkt/images.csv?_size=max",
    "/knytpunkt/comments.json?_size=max&_labels=on", "/knytpunkt/events?_facet=status",
    "/knytpunkt/latest_articles", "/knytpunkt/search_everything.json?q=budget", "/knytpunkt/most_commented.csv",
    "/knytpunkt/health.json", "/knytpunkt/changes?since=2000-01-01", "/knytpunkt/crawls.json?_json=stats&_size=max",
    "/-/feeds/latest.atom", "/-/feeds/events.ics",
    "/knytpunkt.json?sql=" + urllib.parse.quote("select title, replace(lead, 'a', 'ä'), instr(body, 'och'), "
                                                "trim(title, '.'), printf('%5.1f %s', 3.14159, title) "
                                                "from articles order by id limit 20"),
])
def test_legitimate_pages_still_answer(published, path):
    app, _ = published
    response = aget(app, path)
    assert response.status_code == 200, response.text[:300]


def test_reading_pages_and_canned_queries_of_every_article(published):
    app, db = published
    for (article,) in db.execute("SELECT id FROM articles"):
        assert aget(app, f"/knytpunkt/articles/{article}").status_code == 200
        assert aget(app, f"/knytpunkt/article_in_full.json?id={article}").status_code == 200


def error_of(response) -> str:
    assert response.status_code == 400, (response.status_code, response.text[:300])
    return response.json()["error"]


@pytest.mark.parametrize(("sql", "message"), [
    ("select zeroblob(1000000000)", "string or blob too big"),
    ("select length(printf('%.*c', 2000000000, 'x'))", "string or blob too big"),
    ("select trim(printf('%.*c', 200000, 'a'), printf('%.*c', 200000, 'b'))", "string or blob too big"),
    ("with recursive r(n) as (select 1 union all select n + 1 from r) select n, printf('%.*c', 100000, 'x') from r",
     "result too large"),
    (f"with t(z) as (select zeroblob(2000000)) select {WIDE}", "too many columns"),
    ("select 1 " + "union all select 1 " * 30, "too many terms in compound SELECT"),
])
def test_a_query_past_a_bound_is_a_400_with_the_reason(published, sql, message):
    app, _ = published
    assert message in error_of(aget(app, f"/knytpunkt.json?sql={urllib.parse.quote(sql)}"))


def test_a_table_page_past_a_bound_is_a_400_not_a_500(published):
    app, _ = published
    where = urllib.parse.quote("length(zeroblob(1000000000)) > 0")
    assert "string or blob too big" in error_of(aget(app, f"/knytpunkt/articles.json?_where={where}"))
    page = aget(app, f"/knytpunkt/articles?_where={where}")
    assert page.status_code == 400 and "Query too large" in page.text


def test_json_of_arbitrary_sql_is_refused_but_not_of_tables(published):
    app, _ = published
    sql = urllib.parse.quote("select stats from crawls")
    assert "_json is not available" in error_of(aget(app, f"/knytpunkt.json?sql={sql}&_json=stats"))
    assert "_json is not available" in error_of(aget(app, f"/knytpunkt.json?%73ql={sql}&%5F%6Ason=stats"))
    rows = aget(app, "/knytpunkt/crawls.json?_json=stats&_shape=array").json()
    assert rows and isinstance(rows[0]["stats"], dict)


def test_bounded_functions_give_what_sqlite_gives():
    plain = sqlite3.connect(":memory:")
    bounded = sqlite3.connect(":memory:")
    bounded.row_factory = sqlite3.Row
    plugin.bound_connection(bounded)
    assert bounded.row_factory is plugin.BoundedRow
    sql = ("select replace('abcabc', 'b', 'XX'), replace(1.5, '.', ','), replace(x'6162', 'a', 'z'), "
           "replace(null, 'a', 'b'), instr('hello', 'll'), instr(12345, 34), instr(x'616263', x'63'), "
           "trim('xxhixx', 'x'), ltrim('  a'), rtrim('aab', 'b'), json_patch('{\"a\":1}', '{\"b\":2}'), "
           "printf('%5.2f|%-4s|%d|%q|%%|%.3s', 3.14159, 'ab', 7, 'it''s', 'abcdef'), format('%s-%s', 1, x'41'), "
           "printf('%*d|%.*f', 6, 42, 2, 2.71828), printf(null), printf('%s')")
    assert tuple(bounded.execute(sql).fetchone()) == plain.execute(sql).fetchone()
    assert [row[0] for row in bounded.execute("select typeof(replace(x'6162', 'a', 'z'))")] == ["text"]


def test_a_result_past_the_budget_ends_at_once_and_releases_its_snapshot(tmp_path):
    path = tmp_path / "wal.db"
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t (x)")
    writer.executemany("INSERT INTO t VALUES (?)", [("x" * 500_000,)] * 100)  # 50 MB of text
    writer.commit()
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    reader.row_factory = sqlite3.Row
    plugin.bound_connection(reader)
    with pytest.raises(plugin.ResultTooLarge, match="result too large"):
        reader.execute("SELECT x FROM t").fetchall()
    writer.execute("INSERT INTO t VALUES ('y')")
    writer.commit()
    # no statement of the reader is left open: a checkpoint can fold the whole WAL into the file
    assert writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    assert len(reader.execute("SELECT x FROM t LIMIT 50").fetchall()) == 50  # 25 MB: within the budget
    reader.close()
    writer.close()


def test_a_full_server_refuses_big_results_but_not_small_ones(published, monkeypatch):
    app, _ = published
    monkeypatch.setattr(plugin.held, "responses", plugin.SERVER_BUDGET)  # as if the server held its budget
    big = urllib.parse.quote("with recursive r(n) as (select 1 union all select n + 1 from r where n < 5) "
                             "select printf('%.*c', 1000000, 'x') from r")
    assert "server busy" in error_of(aget(app, f"/knytpunkt.json?sql={big}"))
    busy = aget(app, f"/knytpunkt/articles.json?_where={urllib.parse.quote('1 = 1')}&_size=max")
    assert busy.status_code == 200, "a small page is within every query's allowance"
    monkeypatch.setattr(plugin.held, "responses", 0)
    assert aget(app, f"/knytpunkt.json?sql={big}").status_code == 200
