"""The published archive, Datasette in process on a real crawl of the mirror."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import urllib.parse

import pytest

from knytscrape.datasette_plugin.pagination import table_of_request, with_tie_breaker
from knytscrape.db import TABLES, open_database
from knytscrape.publish import datasette_app
from knytscrape.search import create_index


@pytest.fixture(scope="module")
def published(crawled):
    _, db = crawled
    return datasette_app(db.conn.execute("PRAGMA database_list").fetchone()[2]), db


def get(app, path):
    return asyncio.run(app.client.get(path))


def test_table_as_json(published):
    app, db = published
    response = get(app, "/knytpunkt/articles.json?_shape=array&_size=max")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == db["articles"].count
    assert {"id", "title", "published", "lead", "body", "credit", "image_count"} <= set(rows[0])


@pytest.mark.parametrize("table", [name for name in TABLES])
def test_every_table_exports_csv(published, table):
    app, db = published
    response = get(app, f"/knytpunkt/{table}.csv?_stream=on&_size=max")  # the whole table
    assert response.status_code == 200
    reader = csv.DictReader(io.StringIO(response.text))
    rows = list(reader)
    assert len(rows) == db[table].count
    assert set(TABLES[table]["columns"]) <= set(reader.fieldnames)


def test_full_text_search_finds_swedish_words(published):
    app, db = published
    title = db.execute("SELECT title FROM articles WHERE title LIKE '%ö%' OR title LIKE '%ä%' LIMIT 1").fetchone()[0]
    word = max((w.strip(".,!?:;”\"") for w in title.split()), key=len)
    response = get(app, f"/knytpunkt/articles.json?_search={word}&_shape=array")
    assert response.status_code == 200
    assert title in [row["title"] for row in response.json()]


def test_settings_of_the_published_instance(published):
    app, _ = published
    assert app.setting("suggest_facets") is False
    assert app.setting("max_csv_mb") == 0
    # read-only (?mode=ro) but not immutable, as `knytscrape serve`: it serves what a running crawl commits
    assert app.databases["knytpunkt"].is_mutable is True


def test_health_view_shows_the_last_runs(published):
    app, db = published
    response = get(app, "/knytpunkt/health.json?_shape=array")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == db["crawls"].count and {"spider", "mode", "problems", "coverage"} <= set(rows[0])


def test_changes_since_a_date_is_browsable(published):
    app, db = published
    response = get(app, "/knytpunkt/changes.json?since=2000-01-01&_shape=array")
    assert response.status_code == 200
    rows = response.json()
    # one crawl: everything is new, nothing edited or removed yet
    assert {row["change"] for row in rows} == {"new"}
    for table in ("articles", "comments", "videos", "events"):
        stored = {str(key) for (key,) in db.execute(f"SELECT id FROM [{table}]")}
        assert {str(row["record_id"]) for row in rows if row["table_name"] == table} == stored, table
    titles = {row["record_id"]: row["title"] for row in rows if row["table_name"] == "articles"}
    assert all(titles.values())
    later = get(app, "/knytpunkt/changes.json?since=2999-01-01&_shape=array")
    assert later.status_code == 200 and later.json() == []


def test_changes_go_back_past_the_thousand_rows_shown_and_narrow_to_one_kind(published):
    app, db = published
    rows = get(app, "/knytpunkt/changes.json?since=2000-01-01&_shape=array&_size=max").json()
    seen = sorted({row["seen"] for row in rows})
    # rows up to a moment (the seen of the last row shown, to see the older ones), that moment included
    until = urllib.parse.quote(seen[0])
    before = get(app, f"/knytpunkt/changes.json?since=2000-01-01&until={until}&_shape=array&_size=max").json()
    assert before and all(row["seen"] == seen[0] for row in before)
    assert len(before) == sum(row["seen"] == seen[0] for row in rows)
    earlier = get(app, "/knytpunkt/changes.json?since=2000-01-01&until=2000-01-02&_shape=array").json()
    assert earlier == []
    comments = get(app, "/knytpunkt/changes.json?since=2000-01-01&table=comments&_shape=array&_size=max").json()
    assert comments and {row["table_name"] for row in comments} == {"comments"}
    assert len(comments) == db["comments"].count
    # empty parameters, as the form sends them, are no filter
    both_empty = get(app, "/knytpunkt/changes.json?since=2000-01-01&until=&table=&_shape=array&_size=max").json()
    assert both_empty == rows


def test_pictures_are_shown_as_pictures_and_text_stays_escaped(published):
    app, db = published
    page = get(app, "/knytpunkt/images?_size=5").text
    assert "<img src=\"http" in page
    comment = db.execute("SELECT id FROM comments WHERE text LIKE '<script>%'").fetchone()
    assert comment, "the mirror has a comment that reads <script>"
    page = get(app, f"/knytpunkt/comments/{comment[0]}").text
    assert "&lt;script&gt;" in page and "<script>alert" not in page


def test_facets_by_year_and_comments(published):
    app, db = published
    data = get(app, "/knytpunkt/articles.json?_extra=facet_results").json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"year", "has_comments", "credit"} <= set(facets)
    years = {row["value"]: row["count"] for row in facets["year"]["results"]}
    assert sum(years.values()) == db.execute("SELECT count(*) FROM articles WHERE year IS NOT NULL").fetchone()[0]


@pytest.mark.parametrize(("table", "column"), [("articles", "published"), ("videos", "published"),
                                               ("events", "starts_at"), ("comments", "posted")])
def test_tables_open_newest_first(published, table, column):
    app, db = published
    rows = get(app, f"/knytpunkt/{table}.json?_shape=array").json()
    shown = [row[column] for row in rows if row[column]]
    newest = db.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]
    assert shown and shown[0] == newest and shown == sorted(shown, reverse=True)


def test_comments_and_pictures_name_their_article(published):
    app, db = published
    article_id, title = db.execute(
        "SELECT a.id, a.title FROM comments c JOIN articles a ON a.id = c.article_id LIMIT 1").fetchone()
    page = get(app, f"/knytpunkt/comments?article_id={article_id}").text
    assert f'href="/knytpunkt/articles/{article_id}"' in page
    assert html.escape(title, quote=False) in page  # the label column: the article's title beside its id


CANNED_QUERY_ARGUMENTS = {"search_everything": "q=budget", "article_in_full": "id={article}",
                          "changes": "since=2000-01-01"}


@pytest.mark.parametrize("query", ["latest_articles", "upcoming_events", "most_commented", "search_everything",
                                   "article_in_full", "health", "changes"])
def test_every_canned_query_exports_csv_and_json(published, query):
    app, db = published
    article = db.execute("SELECT id FROM articles WHERE comment_count > 0 LIMIT 1").fetchone()[0]
    arguments = CANNED_QUERY_ARGUMENTS.get(query, "").format(article=article)
    as_json = get(app, f"/knytpunkt/{query}.json?_shape=array&{arguments}")
    as_csv = get(app, f"/knytpunkt/{query}.csv?{arguments}")
    assert as_json.status_code == 200 and as_csv.status_code == 200
    rows = as_json.json()
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == len(rows)
    if query in ("latest_articles", "most_commented", "search_everything", "article_in_full", "health"):
        assert rows, f"{query} finds something in the crawled mirror"


MANY = 2500  # more rows than Datasette returns per page (1,000), on 25 dates: many ties at page boundaries


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory):
    path = tmp_path_factory.mktemp("many") / "knytpunkt.db"
    db = open_database(path)
    rows = [{"id": n, "url": f"https://knytpunkt.se/artiklar.php?id={n}", "title": f"Artikel nummer {n} – Örebro",
             "published": f"20{10 + n % 15:02d}-0{1 + n % 9}-1{n % 10}", "year": 2010 + n % 15}
            for n in range(1, MANY + 1)]
    db["articles"].insert_all(rows)
    create_index(db, "articles")  # every title says "Artikel": a search that finds them all
    db.conn.commit()
    db.conn.close()
    return datasette_app(path), rows


def test_the_whole_articles_table_streams_in_one_csv(many_articles):
    app, rows = many_articles
    page = get(app, "/knytpunkt/articles").text
    assert 'name="_stream"' in page, "the table page offers to stream all rows"
    response = get(app, "/knytpunkt/articles.csv?_stream=on&_size=max")
    assert response.status_code == 200
    streamed = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(int(row["id"]) for row in streamed) == list(range(1, MANY + 1))
    assert {row["title"] for row in streamed} == {row["title"] for row in rows}
    dates = [row["published"] for row in streamed]
    assert dates == sorted(dates, reverse=True), "newest first, as the table opens"


@pytest.mark.parametrize("sort", ["", "_sort=published", "_sort_desc=year", "_sort=year&year__gte=2015",
                                  "_search=artikel", "_where=id+in+(select+id+from+articles+where+year+>+2012)"])
def test_paging_through_a_sorted_table_shows_every_row_once(many_articles, sort):
    app, rows = many_articles
    expected = {row["id"] for row in rows if ("year__gte" not in sort or row["year"] >= 2015)
                and ("_where" not in sort or row["year"] > 2012)}
    seen, path = [], f"/knytpunkt/articles.json?_shape=objects&_size=100&{sort}"
    while path:
        page = get(app, path).json()
        seen += [row["id"] for row in page["rows"]]
        path = page["next_url"].split("localhost", 1)[1] if page.get("next_url") else None
    assert len(seen) == len(set(seen)), "no row twice"
    assert set(seen) == expected, "no row missing"


@pytest.mark.parametrize(("sql", "expected"), [
    ("select id, title from articles order by published desc limit 51",
     "select id, title from articles order by published desc, [id] limit 51"),
    ("select id from articles where rowid in (select rowid from articles_fts where articles_fts match :search) "
     "order by published desc limit 51",
     "select id from articles where rowid in (select rowid from articles_fts where articles_fts match :search) "
     "order by published desc, [id] limit 51"),
    ("select id from articles order by published desc, id limit 101", None),  # already has one
    ("select a.id from articles a join comments c on c.article_id = a.id order by title limit 5", None),
    ("select title from articles where 1 union select title from videos where 1 order by title limit 5", None),
    ("select count(*) from articles order by 1 limit 5", None),
    ("select id from comments order by posted limit 5", None),  # not the table of the page
])
def test_first_page_tie_breaker(sql, expected):
    assert with_tie_breaker(sql, "articles") == (expected or sql)
    assert with_tie_breaker(sql, None) == sql, "nothing is rewritten outside a table page"


@pytest.mark.parametrize("sql", [
    "select a.title from articles a join comments c on c.article_id = a.id "
    "where c.id in (select id from comments where 1) order by title limit 5",
    "select title from articles where 1 union select title from videos where 1 order by title limit 5",
    "select year, count(*) as n from articles group by year order by n desc limit 5",
])
def test_custom_sql_is_run_as_written(published, sql):
    app, db = published
    response = get(app, f"/knytpunkt.json?sql={urllib.parse.quote(sql)}&_shape=array")
    assert response.status_code == 200, response.text
    assert [list(row.values()) for row in response.json()] == [list(row) for row in db.execute(sql).fetchall()]


@pytest.mark.parametrize(("path", "table"), [
    ("/knytpunkt/articles", "articles"), ("/knytpunkt/comments.csv", "comments"),
    ("/knytpunkt/latest_articles", None), ("/knytpunkt/articles/1134", None), ("/-/feeds/events.ics", None),
])
def test_only_table_pages_are_marked_for_the_tie_breaker(path, table):
    assert table_of_request(path, b"_size=5") == table
    assert table_of_request(path, b"sql=select+1") is None
