"""End to end: Scrapy's real engine crawls the mirror on 127.0.0.1 into SQLite; every row is checked
against the mirror's content files, field by field."""

from __future__ import annotations

import shutil

import pytest
import sqlite_utils

from knytscrape.mirror import MirrorServer, load_articles
from tests.conftest import crawl
from tests.expected import article_row, comment_rows, image_rows

pytestmark = pytest.mark.slow  # crawls or a browser: left out of the quick lane (-m 'not slow')

ARTICLE_COLUMNS = ", ".join(article_row(load_articles()[0]))


def rows(db, sql, params=()):
    return [dict(r) for r in db.query(sql, params)]


@pytest.fixture(scope="module")
def truth():
    return {a["id"]: a for a in load_articles()}


def test_crawl_exits_healthy_and_records_the_run(crawled):
    result, db = crawled
    assert result.returncode == 0
    runs = rows(db, "SELECT * FROM crawls ORDER BY spider")
    assert [r["spider"] for r in runs] == ["articles", "calendar", "videos"]
    assert all(r["status"] == "finished" and r["pages"] > 0 and r["finished"] for r in runs)


def test_every_article_and_no_other(crawled, truth):
    _, db = crawled
    assert sorted(r["id"] for r in rows(db, "SELECT id FROM articles")) == sorted(truth)


def test_articles_field_by_field(crawled, truth):
    _, db = crawled
    stored = {r["id"]: r for r in rows(db, f"SELECT {ARTICLE_COLUMNS} FROM articles")}
    wrong = []
    for number, article in truth.items():
        expected = article_row(article)
        for column, value in expected.items():
            if stored.get(number, {}).get(column) != value:
                wrong.append((number, column, stored.get(number, {}).get(column), value))
    assert wrong == []


def test_images_field_by_field(crawled, truth, mirror):
    _, db = crawled
    columns = "article_id, position, url, caption, credit"
    stored = rows(db, f"SELECT {columns} FROM images ORDER BY article_id, position")
    expected = [row for n in sorted(truth) for row in image_rows(truth[n], mirror.base_url)]
    assert stored == expected


def test_comments_field_by_field(crawled, truth):
    _, db = crawled
    columns = "article_id, position, author, posted, posted_raw, text"
    stored = rows(db, f"SELECT {columns} FROM comments ORDER BY article_id, position")
    expected = [row for n in sorted(truth) for row in comment_rows(truth[n])]
    assert stored == expected


def test_second_crawl_changes_and_adds_nothing(crawled, mirror, tmp_path):
    _, db = crawled
    copy = tmp_path / "knytpunkt.db"
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(db.conn.execute("PRAGMA database_list").fetchone()[2], copy)
    before = snapshot(sqlite_utils.Database(copy))
    result = crawl(mirror.base_url, copy)
    assert result.returncode == 0, result.stderr
    after = snapshot(sqlite_utils.Database(copy))
    assert after == before


def snapshot(db) -> dict:
    """Every content row, without last_seen (which a crawl moves by definition)."""
    return {
        table: sorted(
            (tuple((k, v) for k, v in row.items() if k != "last_seen") for row in db[table].rows),
            key=repr,
        )
        for table in ("articles", "images", "comments")
    }


@pytest.mark.parametrize("layout", ["div", "table", "flat"])
def test_crawl_each_layout(layout, tmp_path):
    """The whole site in one markup layout at a time still gives every article right."""
    with MirrorServer(layout=layout) as server:
        db_path = tmp_path / "knytpunkt.db"
        result = crawl(server.base_url, db_path)
        assert result.returncode == 0, result.stdout + result.stderr
        db = sqlite_utils.Database(db_path)
        truth = load_articles()
        stored = {r["id"]: r for r in rows(db, f"SELECT {ARTICLE_COLUMNS} FROM articles")}
        assert {n: stored.get(a["id"]) for n, a in enumerate(truth)} == {
            n: article_row(a) for n, a in enumerate(truth)
        }
        assert db["images"].count == sum(len(a["images"]) for a in truth)
        assert db["comments"].count == sum(len(a["comments"] or []) for a in truth)
