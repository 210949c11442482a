"""The summary says what a run changed, by title: the new, changed and removed articles, comments, videos and
events of that run (knytscrape/run_changes.py), read from a real SQLite file that the project's own storage
pipeline wrote over runs recorded in the crawls table as CrawlRecord records them."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from knytscrape import outcome
from knytscrape.db import mark_vanished, open_database
from knytscrape.items import ArticleItem, CommentItem, EventItem, GoneItem, PageInfo, SeenItem, VideoItem
from knytscrape.pipelines import storage
from knytscrape.pipelines.storage import StoragePipeline
from knytscrape.run_changes import change_lines
from tests.test_ledger import Stats

DAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


def article(number, host="http://127.0.0.1:1", comments=(), **fields):
    values = dict(id=number, url=f"https://knytpunkt.se/artiklar.php?id={number}",
                  source_url=f"{host}/artiklar.php?id={number}", title=f"Rubrik {number}.",
                  published_raw="2020-01-02", published="2020-01-02", lead="Ingress.", body="Brödtext.",
                  credit="© 2020 Johan Gullberg - knytpunkt.com", image_count=None,
                  lead_image_url=f"{host}/bilder/{number}.jpg", has_comment_section=True,
                  comments=[CommentItem(position=k, author=author, posted_raw="2020-01-03 10:00", text=text,
                                        id=f"{number}-{author}-{text}", article_id=number)
                            for k, (author, text) in enumerate(comments, 1)],
                  page=PageInfo(f"/artiklar.php?id={number}", None, None, f"hash{number}"), body_hash=f"hash{number}")
    values.update(fields)
    return ArticleItem(**values)


def video(key, host="http://127.0.0.1:1", **fields):
    values = dict(id=f"file:{key}", url=f"{host}/video.php?id={key}", title=f"Klipp {key}", published_raw=None,
                  description="Om klippet.", embed_url=f"{host}/media/{key}.mp4", provider="file")
    values.update(fields)
    return VideoItem(**values)


def event(key, **fields):
    values = dict(id=f"event-{key}", url=f"http://127.0.0.1:1/kalender.php?id={key}", title=f"Evenemang {key}",
                  date_raw="Datum: 2026-12-01", starts_at="2026-12-01T00:00:00+01:00", all_day=True)
    values.update(fields)
    return EventItem(**values)


class Archive:
    """A database and runs of the spiders over it: each run a crawls row, the items through the real
    storage pipeline at the run's time, the vanished rows of a clean section run marked removed."""

    def __init__(self, path, monkeypatch):
        self.path = str(path)
        self.monkeypatch = monkeypatch
        self.runs = 0

    def run(self, spider: str, items: list) -> int:
        self.runs += 1
        started = DAY + datetime.timedelta(hours=self.runs)
        at = lambda seconds: (started + datetime.timedelta(seconds=seconds)).isoformat()  # noqa: E731
        db = open_database(self.path)
        crawl_id = db["crawls"].insert({"spider": spider, "started": at(0), "status": "running"}, pk="id").last_pk
        db.close()
        self.monkeypatch.setattr(storage, "now_iso", lambda: at(5))
        crawler = SimpleNamespace(stats=Stats(), engine=None,
                                  spider=SimpleNamespace(name=spider, crawl_id=crawl_id, stop_reason=None))
        pipeline = StoragePipeline(crawler, self.path, 50)
        pipeline.open_spider()
        for item in items:
            pipeline.process_item(item)
        pipeline.close_spider()
        db = open_database(self.path)
        mark_vanished(db, spider, at(0), at(10))
        db["crawls"].update(crawl_id, {"finished": at(20), "status": "finished"})
        db.close()
        self.stats = crawler.stats
        return crawl_id

    def lines(self, spider: str, items: list) -> list[str]:
        return change_lines(self.path, self.run(spider, items))


@pytest.fixture
def archive(tmp_path, monkeypatch):
    return Archive(tmp_path / "knytpunkt.db", monkeypatch)


def test_new_changed_and_removed_records_appear_by_title(archive):
    first = archive.lines("articles", [article(n, comments=[("Anna", "Bra skrivet.")] if n == 2 else ())
                                       for n in range(1, 13)])
    assert first[0] == ("  new articles (12): Rubrik 1. · Rubrik 2. · Rubrik 3. · Rubrik 4. · Rubrik 5. · "
                        "Rubrik 6. · Rubrik 7. · Rubrik 8. · Rubrik 9. · Rubrik 10. … and 2 more")
    assert first[1] == "  new comments (1): Anna on Rubrik 2."
    assert first[-1].startswith("  all changes: /knytpunkt/changes?since=2026-11-25 (in the archive")

    lines = archive.lines("articles", [
        article(1, title="Ändrad rubrik."),
        article(2, comments=[("Bo", "Håller inte med.")]),  # Anna's comment gone, Bo's new
        GoneItem(article_id=3),
        article(4, host="http://127.0.0.1:2"),  # the same article at another address: not a change
        *[SeenItem(article_id=n) for n in range(5, 13)],
        article(13, title="Ny artikel om cykelbanor och en mycket lång rubrik som inte får plats på en rad."),
    ])
    assert lines[:-1] == [
        "  new articles (1): Ny artikel om cykelbanor och en mycket lång rubrik som inte…",
        "  changed articles (1): Ändrad rubrik.",
        "  removed articles (1): Rubrik 3.",
        "  new comments (1): Bo on Rubrik 2.",
        "  removed comments (1): Anna on Rubrik 2.",
    ]
    assert lines[-1].startswith("  all changes: /knytpunkt/changes?since=2026-11-25 ")

    assert archive.lines("videos", [video("a"), video("b"), video("c")]) [:-1] == [
        "  new videos (3): Klipp a · Klipp b · Klipp c"]
    lines = archive.lines("videos", [video("a", description="Nytt om klippet."),
                                     video("b", host="http://127.0.0.1:2"),  # another address: not a change
                                     video("d")])
    assert lines[:-1] == ["  new videos (1): Klipp d", "  changed videos (1): Klipp a",
                          "  removed videos (1): Klipp c"]

    archive.lines("calendar", [event(1), event(2)])
    lines = archive.lines("calendar", [event(1, starts_at="2027-01-16T00:00:00+01:00", date_raw="Datum: 2027-01-16")])
    assert lines[:-1] == ["  changed events (1): Evenemang 1", "  removed events (1): Evenemang 2"]


def test_an_edited_comment_is_one_change_not_a_removal(archive):
    archive.lines("articles", [article(1, comments=[("Anna", "Bra skrivet.")])])
    edited = article(1, comments=[("Anna", "Bra skrivet, rättat.")])
    assert archive.lines("articles", [edited])[:-1] == ["  changed comments (1): Anna on Rubrik 1."]


def test_an_unchanged_run_prints_no_change_lines(archive):
    items = [article(1, comments=[("Anna", "Bra skrivet.")]), article(2)]
    archive.lines("articles", items)
    assert archive.lines("articles", items) == []
    assert archive.lines("articles", [SeenItem(article_id=1), SeenItem(article_id=2)]) == []
    archive.lines("videos", [video("a")])
    assert archive.lines("videos", [video("a", host="http://127.0.0.1:2")]) == []


def test_more_than_ten_of_a_kind_end_in_and_n_more(archive):
    archive.lines("calendar", [event(f"{n:02}") for n in range(1, 26)])
    [removed, _] = archive.lines("calendar", [event("01")])
    assert removed.startswith("  removed events (24): Evenemang 02 · Evenemang 03 · ")
    assert removed.endswith(" · Evenemang 11 … and 14 more")


def test_the_report_prints_the_changes_after_the_spiders_summary(archive, capsys):
    crawl_id = archive.run("articles", [article(1)])
    stats = {**archive.stats, "finish_reason": "finished", "response_received_count": 1}
    crawler = SimpleNamespace(spidercls=SimpleNamespace(name="articles"), spider=SimpleNamespace(crawl_id=crawl_id),
                              stats=SimpleNamespace(get_stats=lambda: stats))
    outcome.report([crawler], archive.path)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("articles: finished (full), 1 pages; records 1 new")
    assert "  new articles (1): Rubrik 1." in out
    assert out[-1] == f"Database: {archive.path}"


def test_a_database_that_cannot_be_read_gives_no_change_lines(tmp_path):
    assert change_lines(str(tmp_path / "none.db"), 1) == []
    assert change_lines(str(tmp_path / "none.db"), None) == []


def test_videos_and_events_are_stored_at_the_sites_address_with_the_fetched_one_beside(archive):
    """A crawl of a copy of the site (the mirror, a test server) stores the address that resolves wherever the
    archive is read, as articles do; the address fetched is source_url. Another copy is not a change."""
    archive.lines("videos", [video("a", host="http://127.0.0.1:1")])
    archive.lines("calendar", [event(1)])
    db = open_database(archive.path)
    assert db.execute("SELECT url, source_url FROM videos").fetchall() == [
        ("https://knytpunkt.se/video.php?id=a", "http://127.0.0.1:1/video.php?id=a")]
    assert db.execute("SELECT url, source_url FROM events").fetchall() == [
        ("https://knytpunkt.se/kalender.php?id=1", "http://127.0.0.1:1/kalender.php?id=1")]
    db.close()

    assert archive.lines("videos", [video("a", host="http://www.knytpunkt.com")]) == []
    db = open_database(archive.path)
    assert db.execute("SELECT url, source_url FROM videos").fetchall() == [
        ("https://knytpunkt.se/video.php?id=a", "http://www.knytpunkt.com/video.php?id=a")]
    assert db["revisions"].count == 0
    db.close()


def test_a_row_stored_at_a_copys_address_is_moved_to_the_sites_without_a_revision(archive):
    """An archive crawled before source_url existed holds the copy's address in url: the next crawl stores the
    site's address and the fetched one, and counts no change."""
    archive.lines("videos", [video("a")])
    db = open_database(archive.path)
    db.execute("UPDATE videos SET url = 'http://127.0.0.1:9/video.php?id=a', source_url = NULL")
    db.conn.commit()
    db.close()
    assert archive.lines("videos", [video("a", host="http://127.0.0.1:3")]) == []
    db = open_database(archive.path)
    assert db.execute("SELECT url, source_url FROM videos").fetchall() == [
        ("https://knytpunkt.se/video.php?id=a", "http://127.0.0.1:3/video.php?id=a")]
    assert db["revisions"].count == 0
    db.close()
