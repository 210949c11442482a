"""The ledger of what is missing, and storage that loses nothing quietly: one bad record fails alone, a
database that cannot take writes stops the run with its cause, a damaged page never overwrites a good
record, and only what was committed is counted. Real SQLite files, the real storage pipeline."""

from __future__ import annotations

import datetime
import sqlite3
from types import SimpleNamespace

import pytest
import sqlite_utils

from knytscrape import ledger
from knytscrape.db import open_database
from knytscrape.db_errors import DatabaseUnusable, check_writable, fatal_cause
from knytscrape.items import ArticleItem, CommentItem, FailedPageItem, ListedCountItem, PageInfo, ResolvedPageItem
from knytscrape.pipelines.storage import StoragePipeline

SEEN = "2026-11-25T12:00:00+01:00"


class Stats(dict):
    def inc_value(self, key, count=1, start=0):
        self[key] = self.get(key, start) + count

    def set_value(self, key, value):
        self[key] = value

    def get_value(self, key, default=None):
        return self.get(key, default)


def failure(url_key="/artiklar.php?id=7", kind="http_503", linked=True, article_id=7, detail=None):
    return FailedPageItem(spider="articles", url="http://127.0.0.1:1" + url_key, url_key=url_key, kind=kind,
                          reason="test", article_id=article_id, linked=linked, detail=detail)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "k.db")
    yield database
    database.close()


def open_rows(db):
    return list(db.query("SELECT * FROM missing WHERE resolved_at IS NULL"))


def test_a_failure_opens_an_entry_that_counts_attempts_and_runs(db):
    ledger.record_failure(db, failure(), SEEN, crawl_id=1)
    ledger.record_failure(db, failure(), "2026-11-26T12:00:00+01:00", crawl_id=2)
    [entry] = open_rows(db)
    assert (entry["kind"], entry["runs"], entry["attempts"]) == ("http_503", 2, 2)
    assert entry["first_seen"] == SEEN and entry["last_seen"].startswith("2026-11-26")
    assert ledger.open_summary(db, "articles") == ({"http_503": 1}, ["http://127.0.0.1:1/artiklar.php?id=7"])
    assert ledger.open_summary(db, "videos") == ({}, [])


def test_a_linked_page_is_gone_after_two_runs_answering_404(db):
    ledger.record_failure(db, failure(), SEEN, crawl_id=1)
    assert ledger.record_failure(db, failure(kind="not_found"), SEEN, crawl_id=2) is None
    assert ledger.record_failure(db, failure(kind="not_found"), SEEN, crawl_id=2) is None  # same run: not twice
    assert ledger.record_failure(db, failure(kind="not_found"), SEEN, crawl_id=3) == "gone"
    assert open_rows(db) == []
    assert db.execute("SELECT outcome FROM missing").fetchone()[0] == "gone"


def test_a_guess_of_the_id_walk_is_gone_at_the_first_404(db):
    ledger.record_failure(db, failure(linked=False), SEEN, crawl_id=1)
    assert ledger.record_failure(db, failure(kind="not_found", linked=False), SEEN, crawl_id=2) == "gone"
    assert open_rows(db) == []


def test_a_page_that_reads_as_no_article_twice_the_same_is_accepted(db):
    ledger.record_failure(db, failure(kind="unreadable", detail="hash-a"), SEEN, 1)
    assert ledger.record_failure(db, failure(kind="unreadable", detail="hash-b"), SEEN, 2) is None  # changed
    assert ledger.record_failure(db, failure(kind="unreadable", detail="hash-b"), SEEN, 3) == "accepted"
    assert open_rows(db) == []


def test_entries_that_keep_failing_are_asked_less_and_less_often(db):
    now = datetime.datetime.fromisoformat("2026-11-25T12:00:00+01:00")
    hours_ago = lambda hours: (now - datetime.timedelta(hours=hours)).isoformat()  # noqa: E731
    assert ledger.due({"runs": 2, "last_seen": hours_ago(0)}, now)  # twice: asked by the next run
    assert not ledger.due({"runs": 3, "last_seen": hours_ago(1)}, now)  # three times: waits 2 hours
    assert ledger.due({"runs": 3, "last_seen": hours_ago(2)}, now)
    assert not ledger.due({"runs": 6, "last_seen": hours_ago(15)}, now)  # 16 hours
    assert ledger.due({"runs": 40, "last_seen": hours_ago(24 * 7)}, now)  # never more than a week


def test_an_article_stored_whole_closes_its_page_and_gallery_entries(db):
    ledger.record_failure(db, failure(), SEEN, 1)
    ledger.record_failure(db, failure("/artiklar.php?id=7&img=3"), SEEN, 1)
    ledger.record_failure(db, failure("/artiklar.php?id=8", article_id=8), SEEN, 1)
    assert ledger.resolve_article(db, "articles", 7, SEEN) == 2
    assert [r["article_id"] for r in open_rows(db)] == [8]


# -- the storage pipeline ---------------------------------------------------------------------------


def pipeline(db_path, batch=50):
    spider = SimpleNamespace(name="articles", crawl_id=1, stop_reason=None,
                             site_url=lambda path: "http://127.0.0.1:1/" + path)
    crawler = SimpleNamespace(stats=Stats(), spider=spider, engine=None)
    storage = StoragePipeline(crawler, str(db_path), batch)
    storage.open_spider()
    return storage


def article(number, **fields):
    values = dict(id=number, url=f"https://knytpunkt.se/artiklar.php?id={number}",
                  source_url=f"http://127.0.0.1:1/artiklar.php?id={number}", title=f"Rubrik {number}.",
                  published_raw="2020-01-02", published="2020-01-02", lead="Ingress.", body="Brödtext.",
                  credit="© 2020 Johan Gullberg - knytpunkt.com", image_count=None,
                  page=PageInfo(f"/artiklar.php?id={number}", None, None, f"hash{number}"), body_hash=f"hash{number}")
    values.update(fields)
    return ArticleItem(**values)


class Unstorable:
    """A value no SQLite column can take."""


def test_one_bad_record_fails_alone_and_goes_to_the_ledger(tmp_path):
    storage = pipeline(tmp_path / "k.db")
    for number in (1, 2, 3):
        storage.process_item(article(number, title=Unstorable() if number == 2 else f"Rubrik {number}."))
    storage.close_spider()
    db = sqlite_utils.Database(tmp_path / "k.db")
    assert sorted(r["id"] for r in db["articles"].rows) == [1, 3]
    [entry] = db["missing"].rows
    assert (entry["article_id"], entry["kind"], entry["resolved_at"]) == (2, "storage", None)
    stats = storage.stats
    assert stats["knyt/items/new"] == 2  # only what was committed is counted
    assert stats["knyt/db/record_failed"] == 1


def test_a_count_sqlite_cannot_hold_is_stored_as_unreadable_not_failing_the_record(tmp_path):
    storage = pipeline(tmp_path / "k.db", batch=1)
    storage.process_item(article(1, image_count=99999999999999999999, gallery_line="99999999999999999999 "
                                 "Klickbara bilder."))
    storage.process_item(ListedCountItem(1, 99999999999999999999))
    storage.close_spider()
    row = sqlite_utils.Database(tmp_path / "k.db")["articles"].get(1)
    assert (row["image_count"], row["comment_count_listed"]) == (None, None)
    assert row["gallery_line"].startswith("99999999999999999999")  # the printed text is kept
    assert storage.stats["knyt/field/image_count/out_of_range"] == 1
    assert "knyt/db/record_failed" not in storage.stats


def test_a_failed_page_is_in_the_ledger_at_once_and_closed_when_read(tmp_path):
    storage = pipeline(tmp_path / "k.db")
    storage.process_item(failure("/art_ar.php?ar=2019&kat_id=1", article_id=None))
    db = sqlite_utils.Database(tmp_path / "k.db")
    assert len(open_rows(db)) == 1  # written without waiting for a batch: a killed run still knows
    storage.process_item(ResolvedPageItem("articles", "/art_ar.php?ar=2019&kat_id=1"))
    storage.close_spider()
    assert open_rows(db) == []


def test_a_page_that_lost_landmarks_keeps_the_stored_article_until_it_comes_back_the_same(tmp_path):
    comment = CommentItem(1, "Anna", "2020-01-03 10:00", "Bra!", id="c1", article_id=1)
    storage = pipeline(tmp_path / "k.db", batch=1)
    storage.process_item(article(1, comments=[comment], has_comment_section=True))
    storage.crawler.spider.crawl_id = 2
    damaged = dict(body=None, comments=[], has_comment_section=False, body_hash="cut")
    storage.process_item(article(1, **damaged))
    db = sqlite_utils.Database(tmp_path / "k.db")
    assert db["articles"].get(1)["body"] == "Brödtext."  # not overwritten
    [entry] = open_rows(db)
    assert entry["kind"] == "damaged" and "body" in entry["reason"] and "comments" in entry["reason"]
    storage.process_item(article(1, **damaged))  # the same run again: still kept
    assert db["articles"].get(1)["body"] == "Brödtext."
    storage.crawler.spider.crawl_id = 3  # a later run sees the very same page: that is the site now
    storage.process_item(article(1, **damaged))
    storage.close_spider()
    assert db["articles"].get(1)["body"] is None
    assert open_rows(db) == []
    assert db.execute("SELECT outcome FROM missing").fetchone()[0] == "accepted"
    assert db.execute("SELECT count(*) FROM revisions WHERE field = 'body'").fetchone()[0] == 1


def test_a_page_that_comes_back_whole_closes_its_damaged_entry(tmp_path):
    storage = pipeline(tmp_path / "k.db", batch=1)
    storage.process_item(article(1))
    storage.crawler.spider.crawl_id = 2
    storage.process_item(article(1, title=None, body_hash="cut"))
    storage.crawler.spider.crawl_id = 3
    storage.process_item(article(1))
    storage.close_spider()
    db = sqlite_utils.Database(tmp_path / "k.db")
    assert open_rows(db) == []
    assert db["articles"].get(1)["title"] == "Rubrik 1."


def test_a_database_that_cannot_take_writes_stops_the_run_with_its_cause(tmp_path):
    db_path = tmp_path / "k.db"
    storage = pipeline(db_path, batch=1)
    storage.process_item(article(1))
    storage.db.execute("PRAGMA max_page_count = 1")  # SQLite's own "database or disk is full"
    storage.process_item(article(2, body="x" * 200_000))
    storage.process_item(article(3))
    storage.close_spider()
    stats = storage.stats
    assert stats["knyt/db/fatal"] == "full"
    assert "is full" in stats["knyt/db/fatal_message"]
    assert stats["knyt/items/new"] == 1
    assert stats["knyt/db/not_written"] == 2
    assert "knyt/db/record_failed" not in stats  # not blamed on the records


@pytest.mark.parametrize(("message", "cause"), [
    ("database or disk is full", "full"), ("attempt to write a readonly database", "read-only"),
    ("database disk image is malformed", "corrupt"), ("file is not a database", "corrupt"),
    ("disk I/O error", "io"), ("database is locked", "locked"), ("UNIQUE constraint failed: articles.id", None),
])
def test_database_errors_are_told_apart(message, cause):
    error = sqlite3.IntegrityError(message) if cause is None else sqlite3.OperationalError(message)
    assert fatal_cause(error) == cause
    assert fatal_cause(OverflowError("Python int too large to convert to SQLite INTEGER")) is None


def test_a_file_that_is_not_a_database_is_named_as_such(tmp_path):
    broken = tmp_path / "k.db"
    broken.write_bytes(b"this is no database, just some text " * 200)
    with pytest.raises(DatabaseUnusable) as error:
        check_writable(broken)
    assert error.value.cause == "corrupt"
    assert str(broken) in str(error.value)


def test_a_picture_that_could_not_be_downloaded_keeps_its_article_in_the_ledger(tmp_path):
    storage = pipeline(tmp_path / "k.db", batch=1)
    storage.process_item(article(1, missing_files=[("http://127.0.0.1:1/bilder/1.jpg", "File (code: 503)")]))
    db = sqlite_utils.Database(tmp_path / "k.db")
    [entry] = open_rows(db)
    assert (entry["article_id"], entry["kind"]) == (1, "picture_file")
    storage.crawler.spider.crawl_id = 2
    storage.process_item(article(1))  # read again next run, the picture downloaded
    storage.close_spider()
    assert open_rows(db) == []


def test_a_record_that_fails_keeps_its_page_in_the_ledger_though_the_page_was_read(tmp_path):
    storage = pipeline(tmp_path / "k.db")
    storage.process_item(failure("/artiklar.php?id=2", article_id=None))  # missed by an earlier attempt
    bad = article(2, title=Unstorable())
    storage.process_item(bad)
    storage.process_item(ResolvedPageItem("articles", "/artiklar.php?id=2"))  # read whole this time...
    storage.close_spider()
    db = sqlite_utils.Database(tmp_path / "k.db")
    [entry] = open_rows(db)  # ... but its record could not be stored: still missing
    assert entry["kind"] == "storage"


def test_a_comment_count_printed_before_the_article_is_kept_for_it_and_then_dropped(tmp_path):
    storage = pipeline(tmp_path / "k.db", batch=1)
    storage.process_item(ListedCountItem(1, 4))  # the archive before the article
    storage.process_item(article(1))
    storage.process_item(ListedCountItem(2, 7))
    storage.process_item(article(2, comment_count_listed=7))  # the run knew it itself
    storage.close_spider()
    db = sqlite_utils.Database(tmp_path / "k.db")
    assert [db["articles"].get(n)["comment_count_listed"] for n in (1, 2)] == [4, 7]
    assert db["listed_counts"].count == 0
