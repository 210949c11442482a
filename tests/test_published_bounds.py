"""No request can take the published archive down: hostile SQL and options against the real ``knytscrape serve``.

Before the bounds, one anonymous ``?sql=select zeroblob(...)`` asked a few times grew the server to 24 GB
until the kernel killed it. Here every hostile request is sent (each three times, many at once) to
``knytscrape serve`` on a crawled mirror; the server must answer each (an error is fine, a 5xx or a dead
server is not), still serve normal pages afterwards, and its peak resident memory (VmHWM of the Datasette
process) must stay under PEAK_BOUND. In process: each bound's error, legitimate pages, the bounded SQL
functions against SQLite's own, and the measure of a value in an answer. Under load (stalled clients,
streamed CSVs, SQLite's heap, temporary files): tests/test_published_under_load.py.
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import random
import sqlite3
import subprocess
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import knytscrape.datasette_plugin.bounds as plugin
from knytscrape.datasette_plugin import functions
from knytscrape.db import open_database
from knytscrape.publish import datasette_app
from tests import servers
from tests.processes import MB, MemoryWatch, stop

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# What the server may hold at its peak, hostile requests included. Datasette with the plugin starts at
# about 55 MB; the bounds allow SQLite's heap (128 MB), what all requests hold together (rows alive and
# response bodies being sent: 96 MB), and the rendering of one answer on top of that (measured: 270-300 MB).
# Unbounded, the first zeroblob request alone goes past 3 GB; before text was counted as JSON writes it, the
# NUL, å and 😀 requests below made answers of 80-180 MB and the whole set peaked at 690 MB.
PEAK_BOUND = 400 * MB
KILL_AT = 3000 * MB  # a ballooning server is killed here, so that the test machine survives it

WIDE = ", ".join(["z"] * 400)
SEVEN = "with recursive r(n) as (select 1 union all select n + 1 from r where n < 7) "
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
    # small as Python holds them, many times larger as JSON writes them (\u0000, \u00e5, \ud83d\ude00; a
    # column name in every row): each made an answer of 80-180 MB
    "NUL text": SEVEN + "select cast(zeroblob(3900000) as text) from r",
    "å text": SEVEN + "select replace(printf('%.*c', 1900000, 'x'), 'x', 'å') from r",
    "emoji text": SEVEN + "select replace(printf('%.*c', 1000000, 'x'), 'x', '😀') from r",
    "a long column name": "with recursive r(n) as (select 1 union all select n + 1 from r where n < 1000) "
                          f"select n as [{chr(1) * 15000}] from r",
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
    # SQLite's own bounds (a value too long, its heap full) are answered plainly, not as logged tracebacks
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


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
    "/-/feeds/latest.atom", "/-/feeds/events.ics", "/-/sok?q=budget", "/-/sok?q=budget&typ=kommentar&sida=2",
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
    (HOSTILE_SQL["NUL text"], "result too large"),
    (HOSTILE_SQL["å text"], "result too large"),
    (HOSTILE_SQL["emoji text"], "result too large"),
    (HOSTILE_SQL["a long column name"], "result too large"),
])
def test_a_query_past_a_bound_is_a_400_with_the_reason(published, sql, message):
    app, _ = published
    assert message in error_of(aget(app, f"/knytpunkt.json?sql={urllib.parse.quote(sql)}"))


def test_a_table_page_past_a_bound_is_a_400_not_a_500(published):
    app, _ = published
    where = urllib.parse.quote("length(zeroblob(1000000000)) > 0")
    assert "string or blob too big" in error_of(aget(app, f"/knytpunkt/articles.json?_where={where}"))
    page = aget(app, f"/knytpunkt/articles?_where={where}")
    assert page.status_code == 400 and "Frågan är för stor" in page.text


def test_json_of_arbitrary_sql_is_refused_but_not_of_tables(published):
    app, _ = published
    sql = urllib.parse.quote("select stats from crawls")
    assert "_json is not available" in error_of(aget(app, f"/knytpunkt.json?sql={sql}&_json=stats"))
    assert "_json is not available" in error_of(aget(app, f"/knytpunkt.json?%73ql={sql}&%5F%6Ason=stats"))
    rows = aget(app, "/knytpunkt/crawls.json?_json=stats&_shape=array").json()
    assert rows and isinstance(rows[0]["stats"], dict)


NUL = "char(0)"
FUNCTION_CASES = [
    # instr: characters counted in text, bytes in blobs; an empty needle is found at 1
    "instr('hello', 'll')", "instr('hello', '')", "instr('', '')", "instr('', 'a')", "instr('åäö😀x', 'x')",
    "instr('😀😀a', 'a')", f"instr('a' || {NUL} || 'b', {NUL} || 'b')", "instr(12345, 34)", "instr(12345, '34')",
    "instr(1.5, '.')", "instr(x'616263', x'63')", "instr(x'616263', 'c')", "instr('abc', x'63')", "instr(x'', x'')",
    "instr(null, 'a')", "instr('a', null)", "instr(-42, '-')",
    # replace: an empty or NUL-led pattern leaves X as it is (even with a NULL replacement)
    "replace('abcabc', 'b', 'XX')", "replace('abc', '', 'X')", f"replace('abc', {NUL} || 'b', 'X')",
    f"replace('a' || {NUL} || 'b', {NUL}, '-')", "replace('abc', 'b', null)", "replace('abc', '', null)",
    "replace(null, 'a', 'b')", "replace('abc', null, 'b')", "replace(1.5, '.', ',')", "replace(x'6162', 'a', 'z')",
    "replace(123, 2, 9)", "replace('ååå', 'å', 'a')", "replace('aaa', 'aa', 'b')", "replace('😀a😀', '😀', '')",
    "replace('', 'a', 'b')", "replace(12, 1, 1.5)",
    # trim, ltrim, rtrim of a set of characters: the set read up to its first NUL
    "trim('xxhixx', 'x')", "ltrim('  a  ', ' ')", "rtrim('aab', 'b')", "trim('abc', '')",
    f"trim('abca', {NUL} || 'a')", f"trim('abca', 'a' || {NUL} || 'c')", "trim('åäxåä', 'äå')",
    "ltrim('😀a😀', '😀')", "rtrim('😀a😀', '😀a')", "trim(null, 'a')", "trim('a', null)", "trim(12321, 1)",
    "trim(1.5, '1')", "trim(x'616261', 'a')", "trim('aab', x'61')", f"rtrim('ab' || {NUL}, {NUL})",
    # printf and format: %s, %d and %% in Python, the rest by SQLite's own
    "printf('%s-%s', 1, 'x')", "printf('%d|%s', null, null)", "printf('%s')", "printf('%%|%s%%', 'a')",
    "printf('a%%%sb', 'x')", "printf('%d', 9223372036854775807)", "printf('%s', -42)", "format('%s-%s', 1, x'41')",
    "printf('%d', 'abc')", "printf('%s', 1.5)", "printf('%5s|', 'å')", f"printf('%s', 'a' || {NUL} || 'b')",
    "printf(null)", "printf('%s%', 'a')", "printf('%5.2f|%-4s|%d|%q|%%|%.3s', 3.14159, 'ab', 7, 'it''s', 'abcdef')",
    "printf('%*d|%.*f', 6, 42, 2, 2.71828)", "printf('%d %d', 1)", "printf(x'2573', 'blob format')",
    "json_patch('{\"a\":1}', '{\"b\":2}')",
]


def bounded_connection() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    plugin.bound_connection(connection)
    return connection


def test_bounded_functions_give_what_sqlite_gives():
    plain = sqlite3.connect(":memory:")
    bounded = bounded_connection()
    assert bounded.row_factory is plugin.BoundedRow
    for case in FUNCTION_CASES:
        sql = f"select {case}, typeof({case})"
        assert tuple(bounded.execute(sql).fetchone()) == plain.execute(sql).fetchone(), case


def test_bounded_functions_give_what_sqlite_gives_on_random_text():
    plain = sqlite3.connect(":memory:")
    bounded = bounded_connection()
    pick = random.Random(7)
    letters = ["a", "b", "å", "😀", "\0", " ", "x"]
    for _ in range(400):
        x, y, z = ("".join(pick.choices(letters, k=pick.randint(0, 6))) for _ in range(3))
        for sql, args in (("select instr(?, ?)", (x, y)), ("select replace(?, ?, ?)", (x, y, z)),
                          ("select trim(?, ?)", (x, y)), ("select ltrim(?, ?)", (x, y)),
                          ("select rtrim(?, ?)", (x, y))):
            assert tuple(bounded.execute(sql, args).fetchone()) == plain.execute(sql, args).fetchone(), (sql, args)


def test_text_and_integer_arguments_are_answered_without_a_second_statement(monkeypatch):
    """The functions run once per row (``where instr(body, ...)``): a statement on a second connection for
    each call made a count over 20,000 articles three times slower."""
    bounded = bounded_connection()

    def no_statement(name, args):
        raise AssertionError(f"{name}{args} went to SQLite's own function")

    monkeypatch.setattr(functions._delegate, "call", no_statement)
    row = bounded.execute("select instr('lång text', 'text'), replace('abcabc', 'b', 'XX'), trim('xxhixx', 'x'), "
                          "ltrim('aab', 'a'), rtrim(12300, 0), printf('%s: %d%%', 'andel', 42)").fetchone()
    assert tuple(row) == (6, "aXXcaXXc", "hi", "b", "123", "andel: 42%")


def test_newer_functions_are_guarded_where_sqlite_has_them():
    """jsonb_patch (SQLite 3.45) is as slow as json_patch: guarded when the function list names it."""
    names = {name for name, _, _ in functions.bounded_functions({("jsonb_patch", 2), ("instr", 2), ("printf", -1)})}
    assert names == {"jsonb_patch", "instr", "printf"}
    guarded = dict((name, wrapper) for name, _, wrapper in functions.bounded_functions({("jsonb_patch", 2)}))
    assert guarded["jsonb_patch"]("{" * 20_000, "}" * 20_000) == functions.too_big()
    assert "jsonb_patch" not in {name for name, _, _ in plugin.BOUNDED_FUNCTIONS} or sqlite3.sqlite_version_info >= (
        3, 45)


NASTY_TEXTS = ["", "plain text", "\0" * 50, "å" * 40, "😀" * 30, '"' * 20, "\\" * 20, "<&>'" * 10, "\n\t\x01",
               "Kommunfullmäktige – ”budgeten”", "\u2028\ud800".encode("utf-8", "surrogatepass").decode(
                   "utf-8", "surrogatepass")]


@pytest.mark.parametrize("text", NASTY_TEXTS)
def test_a_value_is_counted_at_its_largest_in_an_answer(text):
    """JSON writes a NUL as six bytes, an å as six, a 😀 as twelve: a value is counted at least at that,
    as CSV (quotes doubled) and as an HTML cell (escaped) write it, and at least at its size in Python."""
    counted = plugin.value_size(text)
    assert counted >= len(json.dumps(text))
    assert counted >= len(html.escape(text, quote=True).encode("utf-8", "surrogatepass"))
    out = io.StringIO()
    csv.writer(out).writerow([text])
    assert counted >= len(out.getvalue().encode("utf-8", "surrogatepass"))
    assert counted >= sys.getsizeof(text)
    assert plugin.row_size((text, 1, None, b"\0" * 30)) >= len(json.dumps([text, 1, None, "A" * 40]))


def test_a_column_name_counts_in_every_row():
    bounded = bounded_connection()
    name = "n" * 20_000
    with pytest.raises(plugin.ResultTooLarge, match="result too large"):
        bounded.execute(f"with recursive r(n) as (select 1 union all select n + 1 from r where n < 2000) "
                        f"select n as [{name}] from r").fetchall()
    assert len(bounded.execute("with recursive r(n) as (select 1 union all select n + 1 from r where n < 2000) "
                               "select n as short from r").fetchall()) == 2000


def test_sorts_and_temporary_tables_stay_in_memory():
    assert bounded_connection().execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY


def test_a_long_like_pattern_is_refused_with_the_limit(published):
    app, _ = published
    words = urllib.parse.quote("kommunfullmäktige " * 8)  # 150 bytes: past the 98 a ?__contains= may have
    response = aget(app, f"/knytpunkt/articles.json?title__contains={words}")
    assert response.status_code == 400 and "at most 98" in response.json()["error"]
    assert aget(app, f"/knytpunkt/articles.json?title__contains={urllib.parse.quote('budget' * 16)}").status_code \
        == 200  # 96 bytes


def test_a_bad_public_address_is_warned_of_once_at_startup(published, monkeypatch, capsys):
    import knytscrape.datasette_plugin as plugin_hooks

    _, db = published
    monkeypatch.setenv("KNYT_PUBLIC_URL", "arkiv.example.org")
    app = datasette_app(db.conn.execute("PRAGMA database_list").fetchone()[2])
    assert aget(app, "/-/feeds/latest.atom").status_code == 200
    assert aget(app, "/-/feeds/latest.atom").status_code == 200
    warnings = [line for line in capsys.readouterr().err.splitlines() if "public address" in line]
    assert len(warnings) == 1 and "not an http(s) address" in warnings[0]
    assert plugin_hooks.public_url(app) is None
    monkeypatch.setenv("KNYT_PUBLIC_URL", "https://arkiv.example.org")
    assert plugin_hooks.warn_of_a_bad_public_url(app) is None


IN_PROCESS_APP = """
import asyncio, sqlite3, sys
from knytscrape.publish import datasette_app

app = datasette_app(sys.argv[1])
status = asyncio.run(app.client.get("/knytpunkt/articles.json?_size=1")).status_code
print(status, sqlite3.connect(":memory:").execute("PRAGMA hard_heap_limit").fetchone()[0],
      app.plugin_config("knytscrape")["process_limits"])
"""


def test_the_in_process_app_leaves_the_process_heap_alone(published):
    """SQLite's heap limit is for the whole process: datasette_app (tests, scripts) does not set it. In a
    process of its own, as a limit once set can only be lowered (another test's server may have set it here)."""
    _, db = published
    result = subprocess.run([sys.executable, "-c", IN_PROCESS_APP, db.conn.execute("PRAGMA database_list")
                             .fetchone()[2]], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["200", "0", "False"], result.stdout + result.stderr


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
