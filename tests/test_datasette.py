"""The published archive, Datasette in process on a real crawl of the mirror."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from knytscrape.db import TABLES
from knytscrape.publish import datasette_app


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
    response = get(app, f"/knytpunkt/{table}.csv?_size=max")
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
    assert app.databases["knytpunkt"].is_mutable is False


def test_health_view_shows_the_last_runs(published):
    app, db = published
    response = get(app, "/knytpunkt/health.json?_shape=array")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == db["crawls"].count and {"spider", "mode", "problems", "coverage"} <= set(rows[0])


def test_changes_since_a_date_is_browsable(published):
    app, _ = published
    response = get(app, "/knytpunkt/changes.json?since=2000-01-01&_shape=array")
    assert response.status_code == 200 and response.json() == []  # one crawl: nothing changed yet


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
