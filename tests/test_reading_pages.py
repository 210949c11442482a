"""The reading pages (Datasette row pages of articles, videos and events), checked against the mirror's truth.

Datasette runs in process on a real crawl of the mirror; each page is parsed as HTML and what a reader
sees is compared with the content files the mirror was rendered from.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from datasette.utils import tilde_encode
from parsel import Selector

from knytscrape.db import open_database
from knytscrape.publish import datasette_app
from tests.browser.truth import printed_says_more, swedish_date, swedish_span
from tests.expected import article_row, comment_rows, event_row, image_rows, video_row

PRINTED = "så stod det på sidan"
# What an event's page says of its status, by events.status (a scheduled event says nothing).
STATUS_SAID = {"Inställt": "cancelled", "Uppskjutet": "postponed", "Flyttat": "postponed"}


@pytest.fixture(scope="module")
def published(crawled):
    _, db = crawled
    return datasette_app(db.conn.execute("PRAGMA database_list").fetchone()[2]), db


def page(app, path: str) -> Selector:
    response = asyncio.run(app.client.get(path))
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return Selector(text=response.text)


def lines_of(paragraph: Selector) -> str:
    """A paragraph's text as stored: its ``<br>``-separated lines joined by newlines."""
    return "\n".join(text.strip() for text in paragraph.xpath("text()").getall() if text.strip())


def is_removed(comment: Selector) -> bool:
    """Whether a comment is shown as removed from the site (greyed by reading.css)."""
    return "knyt-comment-removed" in comment.attrib["class"].split()


def texts(selector: Selector, css: str) -> list[str]:
    return [" ".join(node.xpath("string()").get().split()) for node in selector.css(css)]


def test_every_article_reads_as_on_the_site(published, mirror, check):
    app, _ = published
    for article in mirror.truth()["articles"]:
        expected = article_row(article)
        html = page(app, f"/knytpunkt/articles/{article['id']}")
        view = html.css("article.knyt-article")
        key = f"article {article['id']}"
        check(f"{key} title", view.css("h1.knyt-title::text").get(), expected["title"])
        check(f"{key} date", view.css(".knyt-meta time::attr(datetime)").get(), expected["published"])
        if expected["published"]:
            check(f"{key} date as read", view.css(".knyt-meta time::text").get(), swedish_date(expected["published"]))
        printed = f"({PRINTED}: {expected['published_raw']})"
        check(f"{key} printed date", view.css(".knyt-meta .knyt-raw::text").get(),
              printed if printed_says_more(expected["published_raw"], expected["published"]) else None)
        check(f"{key} lead", "\n\n".join(lines_of(p) for p in view.css("p.knyt-lead")) or None, expected["lead"])
        check(f"{key} body", "\n\n".join(lines_of(p) for p in view.css(".knyt-body p")) or None, expected["body"])
        check(f"{key} original link", view.css("a.knyt-original::attr(href)").get(), expected["url"])
        if html.css("title::text").get().strip() != expected["title"]:
            pytest.fail(f"{key}: the browser tab says {html.css('title::text').get()!r}")


def test_every_picture_is_shown_with_its_caption_and_credit(published, mirror, check):
    app, _ = published
    for article in mirror.truth()["articles"]:
        view = page(app, f"/knytpunkt/articles/{article['id']}").css("article.knyt-article")
        figures = view.css("figure.knyt-figure")
        shown = [{"url": figure.css("a::attr(href)").get(),
                  "caption": figure.css(".knyt-caption::text").get(),
                  "credit": figure.css(".knyt-credit::text").get()} for figure in figures]
        expected = [{"url": row["url"], "caption": row["caption"], "credit": row["credit"]}
                    for row in image_rows(article, mirror.base_url)]
        check(f"article {article['id']} pictures", shown, expected)
        for figure in figures:
            assert figure.css("img::attr(src)").get(), f"article {article['id']}: a figure without a picture"


def test_every_comment_is_shown_in_order(published, mirror, check):
    app, _ = published
    for article in mirror.truth()["articles"]:
        view = page(app, f"/knytpunkt/articles/{article['id']}").css("article.knyt-article")
        shown = [{"author": comment.css(".knyt-author::text").get(),
                  "posted": comment.css("time::attr(datetime)").get(),
                  "posted as read": comment.css("time::text").get(),
                  "printed": comment.css(".knyt-raw::text").get(),
                  "text": "\n\n".join(lines_of(p) for p in comment.css("p.knyt-comment-text"))}
                 for comment in view.css(".knyt-comment")]
        expected = [{"author": row["author"], "posted": row["posted"],
                     "posted as read": row["posted"] and swedish_date(row["posted"]),
                     # a date the site printed in another form is not repeated; one that could not be read is shown
                     "printed": (None if not printed_says_more(row["posted_raw"], row["posted"])
                                 else f"({PRINTED}: {row['posted_raw']})" if row["posted"] else row["posted_raw"]),
                     "text": row["text"]}
                    for row in comment_rows(article)]
        check(f"article {article['id']} comments", shown, expected)
        heading = view.css(".knyt-comments h2::text").get()
        check(f"article {article['id']} comment heading", heading, f"Kommentarer ({len(expected)})")


def test_an_unreadable_date_is_said_and_its_raw_text_shown(published, mirror):
    app, _ = published
    undated = [article for article in mirror.truth()["articles"] if not article["published"]]
    assert undated, "the mirror has an article whose date cannot be read"
    for article in undated:
        meta = page(app, f"/knytpunkt/articles/{article['id']}").css(".knyt-meta")
        assert meta.css("time").get() is None
        assert "datumet kunde inte läsas" in meta.get()
        assert f"({PRINTED}: {article['published_raw']})" in texts(meta, ".knyt-raw")


def test_an_articles_video_is_on_its_page_and_links_both_ways(published, mirror):
    app, db = published
    videos = [video for video in mirror.truth()["videos"] if video["article_id"]]
    assert videos, "the mirror has videos that belong to articles"
    for video in videos:
        expected = video_row(video, mirror.base_url)
        (video_id,) = db.execute("SELECT id FROM videos WHERE embed_url = ? AND title = ?",
                                 [expected["embed_url"], expected["title"]]).fetchone()
        article_page = page(app, f"/knytpunkt/articles/{video['article_id']}")
        links = article_page.css(".knyt-videos h2 a")
        assert expected["title"] in links.css("::text").getall()
        video_page = page(app, links[links.css("::text").getall().index(expected["title"])].attrib["href"])
        assert video_page.css("h1.knyt-title::text").get() == expected["title"]
        companion = video_page.css(".knyt-companion a::attr(href)").get()
        assert companion == f"/knytpunkt/articles/{video['article_id']}", video_id


def test_every_video_page_shows_its_player(published, mirror, check):
    app, db = published
    for video in mirror.truth()["videos"]:
        expected = video_row(video, mirror.base_url)
        (video_id,) = db.execute("SELECT id FROM videos WHERE embed_url = ? AND title = ?",
                                 [expected["embed_url"], expected["title"]]).fetchone()
        view = page(app, f"/knytpunkt/videos/{tilde_encode(video_id)}").css("article.knyt-video")
        check(f"video {video_id} title", view.css("h1::text").get(), expected["title"])
        check(f"video {video_id} date", view.css(".knyt-meta time::attr(datetime)").get(), expected["published"])
        if expected["provider"] == "file":
            check(f"video {video_id} plays in the page", view.css("video::attr(src)").get(), expected["embed_url"])
        else:
            check(f"video {video_id} links its player", view.css("a.knyt-play::attr(href)").get(),
                  expected["embed_url"])
            assert not view.css("iframe"), "third-party players are not embedded"
        described = "\n\n".join(lines_of(p) for p in view.xpath("./p[not(@class)]"))
        check(f"video {video_id} description", described or None, expected["description"])


def test_every_event_page_says_what_when_and_where(published, mirror, check):
    app, db = published
    for event in mirror.truth()["events"]:
        expected = event_row(event, mirror.base_url, "a")
        row = db.execute("SELECT id FROM events WHERE title = ? AND coalesce(starts_at, '') = ?",
                         [expected["title"], expected["starts_at"] or ""]).fetchone()
        assert row, f"event {expected['title']!r} is in the database"
        view = page(app, f"/knytpunkt/events/{tilde_encode(row[0])}").css("article.knyt-event")
        key = f"event {row[0]}"
        check(f"{key} title", view.css("h1::text").get(), expected["title"])
        check(f"{key} starts", view.css("dd time::attr(datetime)").get(), expected["starts_at"])
        check(f"{key} ends", (view.css("dd time::attr(datetime)").getall()[1:] or [None])[0], expected["ends_at"])
        facts = dict(zip(view.css("dt::text").getall(), texts(view, "dd"), strict=True))
        when = texts(view, "dd .knyt-when")
        check(f"{key} when, as read", when[0] if when else None,
              swedish_span(expected["starts_at"], expected["ends_at"], expected["all_day"])
              if expected["starts_at"] else None)
        printed = " | ".join(event["date_text"] or [])
        check(f"{key} printed date shown", PRINTED in facts["När"], printed_says_more(
            printed, expected["starts_at"], expected["ends_at"]))
        check(f"{key} location", facts.get("Plats"), expected["location"])
        check(f"{key} organiser", facts.get("Arrangör"), expected["organiser"])
        status = view.css(".knyt-status::text").get()
        check(f"{key} status", STATUS_SAID[status.strip()] if status else "scheduled", expected["status"])
        if expected["previous_starts_at"]:
            check(f"{key} earlier date", texts(view, ".knyt-status .knyt-previous"),
                  [f"(tidigare datum: {swedish_date(expected['previous_starts_at'])})"])
        described = "\n\n".join(lines_of(p) for p in view.xpath("./p[not(@class)]"))
        check(f"{key} description", described or None, expected["description"])


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """Records whose printed dates say the same as the stored ones, or more: as the site prints them."""
    path = tmp_path_factory.mktemp("dated") / "knytpunkt.db"
    db = open_database(path)
    db["articles"].insert_all([
        {"id": 1, "title": "Samma datum", "published": "2017-08-26", "published_raw": "2017-08-26"},
        {"id": 2, "title": "Utan år", "published": "2017-08-26", "published_raw": "Lördag 26/8"},
        {"id": 3, "title": "På svenska", "published": "2017-08-26", "published_raw": "26 augusti 2017"},
    ])
    db["comments"].insert_all([
        {"id": "c1", "article_id": 1, "position": 1, "author": "Lisa", "text": "Bra.",
         "posted": "2017-08-26T21:05:00+02:00", "posted_raw": "26/8 2017 kl. 21.05"},
        {"id": "c2", "article_id": 1, "position": 2, "author": "Nils", "text": "Håller med.",
         "posted": "2017-08-27T09:30:00+02:00", "posted_raw": "igår 09:30"},
    ])
    db["events"].insert_all([
        {"id": "event:1", "title": "Torgdag", "starts_at": "2026-06-13T12:00:00+02:00",
         "ends_at": "2026-06-13T16:00:00+02:00", "all_day": 0, "date_raw": "Datum: 2026-06-13 | Tid: 12.00–16.00",
         "status": "scheduled"},
        {"id": "event:2", "title": "Nattkonsert", "starts_at": "2026-12-31T22:00:00+01:00",
         "ends_at": "2027-01-01T02:00:00+01:00", "all_day": 0, "date_raw": "31/12 kl. 22–02", "status": "cancelled"},
        {"id": "event:3", "title": "Festivalen", "starts_at": "2026-06-30", "ends_at": "2026-07-02", "all_day": 1,
         "date_raw": "2026-06-30 – 2026-07-02", "status": "postponed", "previous_starts_at": "2026-06-16"},
    ])
    db.conn.close()
    return datasette_app(path)


def test_the_printed_date_is_shown_only_when_it_says_more(dated):
    meta = {key: page(dated, f"/knytpunkt/articles/{key}").css(".knyt-meta") for key in (1, 2, 3)}
    for key in (1, 2, 3):
        assert texts(meta[key], "time") == ["26 augusti 2017"]
        assert meta[key].css("time::attr(datetime)").get() == "2017-08-26"
    assert texts(meta[1], ".knyt-raw") == [] and texts(meta[3], ".knyt-raw") == []
    assert texts(meta[2], ".knyt-raw") == [f"({PRINTED}: Lördag 26/8)"]
    comments = page(dated, "/knytpunkt/articles/1").css(".knyt-comment")
    assert [texts(c, "time") for c in comments] == [["26 augusti 2017 kl. 21.05"], ["27 augusti 2017 kl. 09.30"]]
    assert [texts(c, ".knyt-raw") for c in comments] == [[], [f"({PRINTED}: igår 09:30)"]]


def test_an_events_time_reads_as_people_write_it(dated):
    def when(key: str) -> tuple[str, list[str], list[str], Selector]:
        view = page(dated, f"/knytpunkt/events/event~3A{key}").css("article.knyt-event")
        dd = view.xpath("//dt[.='När']/following-sibling::dd[1]")
        return texts(dd, ".knyt-when")[0], dd.css("time::attr(datetime)").getall(), texts(dd, ".knyt-raw"), view

    text, times, printed, view = when("1")
    assert (text, times, printed) == ("13 juni 2026 kl. 12.00–16.00",
                                      ["2026-06-13T12:00:00+02:00", "2026-06-13T16:00:00+02:00"], [])
    assert not view.css(".knyt-status")
    text, times, printed, view = when("2")
    assert (text, times) == ("31 december 2026 kl. 22.00 – 1 januari 2027 kl. 02.00",
                             ["2026-12-31T22:00:00+01:00", "2027-01-01T02:00:00+01:00"])
    assert printed == [f"({PRINTED}: 31/12 kl. 22–02)"]
    assert texts(view, ".knyt-status") == ["Inställt"]
    text, times, printed, view = when("3")
    assert (text, times, printed) == ("30 juni – 2 juli 2026", ["2026-06-30", "2026-07-02"], [])
    assert texts(view, ".knyt-status") == ["Flyttat (tidigare datum: 16 juni 2026)"]


# Labels the pages showed in English before they spoke Swedish; none may be left on a page a visitor reads.
ENGLISH_LABELS = ["printed", "Comments", "Original page", "as fetched", "Older", "Newer", "Gallery", "Pictures",
                  "When", "Where", "Organiser", "Postponed", "Cancelled", "removed from the site", "could not be read",
                  "Play on", "The article", "stored record", "pictures as data", "comments as data", "calendar as",
                  "Powered by", "Queries took", "This data as", "Custom SQL", "Run SQL", "Format SQL", "Edit SQL",
                  "Links from other tables", "Data source", "About", "results", "Error", "Not found", "Tables",
                  "Queries", "Latest articles", "Upcoming events", "Most commented", "rows?"]


def visible_words(html: Selector) -> str:
    return " ".join(" ".join(html.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
                             .getall()).split())


def test_reading_pages_and_datasettes_pages_speak_swedish(published):
    app, db = published
    video_id = db.execute("SELECT id FROM videos WHERE article_id IS NOT NULL LIMIT 1").fetchone()[0]
    event_id = db.execute("SELECT id FROM events WHERE status = 'cancelled' LIMIT 1").fetchone()[0]
    article_id = db.execute("SELECT article_id FROM comments GROUP BY article_id ORDER BY count(*) DESC").fetchone()[0]
    paths = [f"/knytpunkt/articles/{article_id}", f"/knytpunkt/videos/{tilde_encode(video_id)}",
             f"/knytpunkt/events/{tilde_encode(event_id)}", "/knytpunkt", "/knytpunkt/latest_articles",
             "/knytpunkt/upcoming_events", "/knytpunkt/most_commented", "/knytpunkt?sql=select+1"]
    for path in paths:
        html = page(app, path)
        assert html.css("html::attr(lang)").get() == "sv", path
        words = visible_words(html)
        left = [label for label in ENGLISH_LABELS if re.search(rf"\b{label}\b", words)]
        assert not left, f"{path} still says {left}"
        assert "start" in html.css("p.crumbs a::text").getall(), path
        assert "Drivs med" in words, path
    query = page(app, "/knytpunkt/latest_articles")
    assert query.css("h1::text").get().strip() == "Senaste artiklarna"
    assert query.css("input[type=submit]::attr(value)").get() == "Kör SQL"
    # a ready-made list shows its rows, its SQL one click away (hide_sql in the metadata)
    assert query.css(".show-hide-sql a::text").get() == "visa SQL"
    assert not query.css("#sql-query, #sql-editor")
    shown = len(query.css("table.rows-and-columns tbody tr"))
    assert shown and f": {shown} rader" in texts(query, "form.sql h3")[0]
    response = asyncio.run(app.client.get("/knytpunkt/no_such_table"))
    assert response.status_code == 404
    error = Selector(text=response.text)
    assert (error.css("h1::text").get(), texts(error, "section.content div")) == ("Hittades inte",
                                                                                  ["Tabellen finns inte."])


def test_site_text_on_a_reading_page_is_escaped(published):
    app, db = published
    article_id, text = db.execute("SELECT article_id, text FROM comments WHERE text LIKE '%<script>%'").fetchone()
    response = asyncio.run(app.client.get(f"/knytpunkt/articles/{article_id}"))
    assert "&lt;script&gt;" in response.text
    assert "<script>" + text.split("<script>", 1)[1][:20] not in response.text
    shown = Selector(text=response.text).css(".knyt-comment-text::text").getall()
    assert any("<script>" in line for line in shown), "the comment is shown, as text"


def test_other_tables_keep_datasettes_row_page(published):
    app, db = published
    comment_id = db.execute("SELECT id FROM comments LIMIT 1").fetchone()[0]
    html = page(app, f"/knytpunkt/comments/{comment_id}")
    assert not html.css(".knyt-reading")
    assert html.css("table.rows-and-columns")


def test_titles_in_tables_and_article_ids_in_queries_lead_to_reading_pages(published, mirror):
    app, _ = published
    newest = max((a for a in mirror.truth()["articles"] if a["published"]), key=lambda a: a["published"])
    table = page(app, "/knytpunkt/articles?_sort_desc=published&_size=5")
    assert f"/knytpunkt/articles/{newest['id']}" in table.css("td.col-title a::attr(href)").getall()
    word = next(w for w in newest["title"].split() if len(w) > 5).strip(".,:!?")
    found = page(app, f"/knytpunkt/search_everything?q={word}")
    assert f"/knytpunkt/articles/{newest['id']}" in found.css("td.col-article_id a::attr(href)").getall()


def test_a_missing_record_is_a_404_not_an_error(published):
    app, _ = published
    response = asyncio.run(app.client.get("/knytpunkt/articles/999999999"))
    assert response.status_code == 404


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Records with NULLs everywhere and addresses that are not http(s), as a broken page could leave them."""
    path = tmp_path_factory.mktemp("hostile") / "knytpunkt.db"
    db = open_database(path)
    db["articles"].insert_all([
        {"id": 1, "title": None, "url": None},
        {"id": 2, "title": "Länkar", "url": "javascript:alert('a')", "lead_image_url": "data:image/png;base64,AAAA"},
    ])
    db["images"].insert_all([
        {"id": "i1", "article_id": 2, "position": 1, "kind": "gallery", "url": "javascript:alert('img')"},
        {"id": "i2", "article_id": 2, "position": 2, "kind": "gallery", "url": None, "caption": "Utan adress"},
    ])
    db["videos"].insert({"id": "flash:x/y", "article_id": 2, "title": "Film", "provider": "flash",
                         "embed_url": "javascript:alert('v')", "url": "JAVASCRIPT:alert('p')",
                         "thumbnail_url": "javascript:alert('t')"})
    db["events"].insert({"id": "event:1", "title": None, "url": None})
    db["comments"].insert({"id": "c1", "article_id": 1, "position": 1, "author": None, "text": None})
    db.conn.close()
    return datasette_app(path)


@pytest.mark.parametrize("path", ["/knytpunkt/articles/1", "/knytpunkt/articles/2", "/knytpunkt/videos/flash~3Ax~2Fy",
                                  "/knytpunkt/events/event~3A1"])
def test_a_reading_page_links_and_loads_only_web_addresses(hostile, path):
    view = page(hostile, path).css("article.knyt-reading")
    assert view, "the reading view is shown"
    addresses = view.css("[href]::attr(href), [src]::attr(src), [poster]::attr(poster)").getall()
    assert addresses == [a for a in addresses if a.startswith(("http://", "https://", "/knytpunkt/", "/-/"))], addresses
    if "/articles/2" not in path:
        assert view.css("h1::text").get() in ("(rubriken kunde inte läsas)", "Film")


def test_a_picture_without_an_address_keeps_its_caption(hostile):
    figures = page(hostile, "/knytpunkt/articles/2").css("figure.knyt-figure")
    assert len(figures) == 2, "both stored pictures are listed"
    assert "Utan adress" in figures.css(".knyt-caption::text").getall()
    assert not figures.css("img")


def test_older_and_newer_links_walk_the_whole_archive_in_date_order(published, mirror):
    app, _ = published
    dated = sorted((a for a in mirror.truth()["articles"] if a["published"]),
                   key=lambda a: (a["published"], a["id"]), reverse=True)
    walked, path = [], f"/knytpunkt/articles/{dated[0]['id']}"
    while path and len(walked) <= len(dated):
        view = page(app, path)
        walked.append(int(path.rsplit("/", 1)[1]))
        path = view.css("a.knyt-older::attr(href)").get()
    assert walked == [a["id"] for a in dated]
    newest = page(app, f"/knytpunkt/articles/{dated[0]['id']}")
    oldest = page(app, f"/knytpunkt/articles/{dated[-1]['id']}")
    assert not newest.css("a.knyt-newer") and not oldest.css("a.knyt-older")
    assert oldest.css("a.knyt-newer::attr(href)").get() == f"/knytpunkt/articles/{dated[-2]['id']}"


def test_an_edited_comment_shows_once_with_its_earlier_text(tmp_path):
    path = tmp_path / "knytpunkt.db"
    db = open_database(path)
    db["articles"].insert({"id": 7, "title": "Kommenterad", "url": "https://knytpunkt.se/artiklar.php?id=7"})
    db["comments"].insert_all([
        {"id": "a", "article_id": 7, "position": 1, "author": "Lisa", "posted_raw": "2025-01-02 10:00",
         "text": "Först skrivet.", "removed_at": "2025-01-05T08:00:00+01:00"},
        {"id": "b", "article_id": 7, "position": 1, "author": "Lisa", "posted_raw": "2025-01-02 10:00",
         "text": "Sedan rättat.", "replaces": "a"},
        {"id": "c", "article_id": 7, "position": 2, "author": "Nils", "posted_raw": "2025-01-03 11:00",
         "text": "Borttagen.", "removed_at": "2025-01-05T08:00:00+01:00"},
    ])
    db.conn.close()
    view = page(datasette_app(path), "/knytpunkt/articles/7").css("article.knyt-article")
    comments = view.css(".knyt-comment")
    assert [lines_of(c.css("p.knyt-comment-text")[0]) for c in comments] == ["Sedan rättat.", "Borttagen."]
    assert comments[0].css("details.knyt-earlier p::text").getall() == ["Först skrivet."]
    assert "borttagen från sidan 5 januari 2025" in texts(comments[1], ".knyt-removed")
    assert not comments[1].css("details.knyt-earlier")
    assert [is_removed(c) for c in comments] == [False, True]
    # the count is of the comments on the site; the removed one is counted apart
    assert view.css(".knyt-comments h2::text").get() == "Kommentarer (1)"
    assert texts(view, ".knyt-comments h2 .knyt-removed-count") == ["· 1 borttagen från sidan"]


# -- comments the site removed, as crawls leave them ----------------------------------------------------------


class Stats(dict):
    def inc_value(self, key, count=1, start=0):
        self[key] = self.get(key, start) + count

    def set_value(self, key, value):
        self[key] = value

    def get_value(self, key, default=None):
        return self.get(key, default)


def crawl_article(db_path, comments: list[tuple[str, str]], when: str, monkeypatch) -> None:
    """One crawl seeing article 7 with ``comments`` ((author, text), in page order) at ``when``: the real
    comments and storage pipelines, as a crawl runs them."""
    from types import SimpleNamespace

    from knytscrape.items import ArticleItem, CommentItem, PageInfo
    from knytscrape.pipelines import storage
    from knytscrape.pipelines.comments import CommentsPipeline

    monkeypatch.setattr(storage, "now_iso", lambda: when)
    stats = Stats()
    spider = SimpleNamespace(name="articles", crawl_id=1, stop_reason=None, site_url=lambda path: path)
    pipeline = storage.StoragePipeline(SimpleNamespace(stats=stats, spider=spider, engine=None), str(db_path), 50)
    pipeline.open_spider()
    posted = {"Anna": "1", "Bo": "2", "Cia": "3", "Dan": "4", "Xe": "5", "Eva": "6", "Fia": "7"}
    item = ArticleItem(
        id=7, url="https://knytpunkt.se/artiklar.php?id=7", source_url="https://knytpunkt.se/artiklar.php?id=7",
        title="Kommenterad", published_raw="2025-01-01", published="2025-01-01", lead="Ingress.", body="Text.",
        credit=None, image_count=None, has_comment_section=True, page=PageInfo("/artiklar.php?id=7", None, None, when),
        comments=[CommentItem(position=0, author=author, text=text, posted_raw=f"2025-01-0{posted[author]} 10:00",
                              posted=f"2025-01-0{posted[author]}T10:00:00+01:00") for author, text in comments])
    pipeline.process_item(CommentsPipeline(stats).process_item(item))
    pipeline.close_spider()


def test_removed_comments_stand_where_they_stood_and_are_counted_apart(tmp_path, monkeypatch):
    """Comments removed over several crawls, one of them edited, one added: the page shows them in the order
    they stood on the site, the removed ones greyed in their place, and counts the ones on the site."""
    path = tmp_path / "knytpunkt.db"
    everyone = [("Anna", "Först."), ("Bo", "Andra."), ("Cia", "Tredje."), ("Dan", "Fjärde."), ("Xe", "Femte."),
                ("Eva", "Sjätte.")]
    crawl_article(path, everyone, "2025-01-10T12:00:00+01:00", monkeypatch)
    # Xe's comment is taken down: Eva's moves up to position 5, where Xe's stood
    crawl_article(path, [c for c in everyone if c[0] != "Xe"], "2025-01-11T12:00:00+01:00", monkeypatch)
    # Anna, Bo and Cia are taken down, Eva edits hers and Fia writes one
    crawl_article(path, [("Dan", "Fjärde."), ("Eva", "Sjätte, rättat."), ("Fia", "Sjunde.")],
                  "2025-01-12T12:00:00+01:00", monkeypatch)

    view = page(datasette_app(path), "/knytpunkt/articles/7").css("article.knyt-article")
    comments = view.css(".knyt-comment")
    assert [c.css(".knyt-author::text").get() for c in comments] == ["Anna", "Bo", "Cia", "Dan", "Xe", "Eva", "Fia"]
    assert [lines_of(c.css("p.knyt-comment-text")[0]) for c in comments] == [
        "Först.", "Andra.", "Tredje.", "Fjärde.", "Femte.", "Sjätte, rättat.", "Sjunde."]
    assert [is_removed(c) for c in comments] == [True, True, True, False, True, False, False]
    assert [texts(c, ".knyt-removed") for c in comments] == [
        ["borttagen från sidan 12 januari 2025"]] * 3 + [[], ["borttagen från sidan 11 januari 2025"], [], []]
    assert comments[5].css("details.knyt-earlier p::text").getall() == ["Sjätte."]
    assert view.css(".knyt-comments h2::text").get() == "Kommentarer (3)"
    assert texts(view, ".knyt-comments h2 .knyt-removed-count") == ["· 4 borttagna från sidan"]
    assert len(set(comments.css("::attr(id)").getall())) == 7, "each comment has its own anchor"


def test_a_comment_removed_before_any_on_the_page_now_goes_first(tmp_path, monkeypatch):
    path = tmp_path / "knytpunkt.db"
    crawl_article(path, [("Anna", "Först.")], "2025-01-10T12:00:00+01:00", monkeypatch)
    crawl_article(path, [], "2025-01-11T12:00:00+01:00", monkeypatch)
    crawl_article(path, [("Bo", "Andra."), ("Cia", "Tredje.")], "2025-01-12T12:00:00+01:00", monkeypatch)
    view = page(datasette_app(path), "/knytpunkt/articles/7").css("article.knyt-article")
    assert view.css(".knyt-comment .knyt-author::text").getall() == ["Anna", "Bo", "Cia"]
    assert view.css(".knyt-comments h2::text").get() == "Kommentarer (2)"


def title_links(html: Selector) -> list[tuple[str, str, dict[str, str]]]:
    """(title, its link, the row's other cells by column) of each row of a query page's result table."""
    rows = []
    for tr in html.css("table.rows-and-columns tbody tr"):
        cells = {td.attrib["class"].split()[0][4:]: " ".join(td.xpath("string()").get().split())
                 for td in tr.css("td")}
        link = tr.css("td.col-title a::attr(href)").get()
        rows.append((cells.get("title", ""), link, cells))
    return rows


def test_the_ready_made_lists_and_the_changes_link_their_titles_to_reading_pages(published):
    """A first-time visitor opens "senaste artiklarna" or "kommande evenemang" from the home page: each title
    there opens its reading page, as in the tables (they were plain text, the page a dead end)."""
    app, db = published
    checked = 0
    for query, table in (("latest_articles", "articles"), ("most_commented", "articles"),
                         ("upcoming_events", "events")):
        for title, link, cells in title_links(page(app, f"/knytpunkt/{query}")):
            assert link == f"/knytpunkt/{table}/{tilde_encode(cells['id'])}", (query, title)
            assert page(app, link).css("h1.knyt-title::text").get() == title, (query, link)
            checked += 1
    assert checked, "the lists showed no rows"
    changes = title_links(page(app, "/knytpunkt/changes?since=2000-01-01&_size=max"))
    stored = {table: {str(key) for (key,) in db.execute(f"SELECT id FROM {table}").fetchall()}
              for table in ("articles", "videos", "events")}
    linked = 0
    for title, link, cells in changes:
        if cells["table_name"] in stored and title:
            assert cells["record_id"] in stored[cells["table_name"]]
            assert link == f"/knytpunkt/{cells['table_name']}/{tilde_encode(cells['record_id'])}", title
            linked += 1
        else:  # a comment's row names its article by article_id, linked on its own
            assert link is None, (cells["table_name"], title)
    assert linked == sum(len(keys) for keys in stored.values()), "every new article, video and event is linked"


@pytest.mark.parametrize(("path", "message"), [
    ("/knytpunkt?sql=select+nope+from+articles", "Kolumnen finns inte: nope"),
    ("/knytpunkt?sql=select+1+from+no_such_table", "Tabellen finns inte: no_such_table"),
    ("/knytpunkt?sql=select+(1", "Frågan tar slut för tidigt (en parentes eller ett citattecken saknas?)"),
])
def test_a_mistake_in_typed_sql_is_told_in_swedish(published, path, message):
    app, _ = published
    response = asyncio.run(app.client.get(path))
    assert response.status_code == 400
    assert texts(Selector(text=response.text), "p.message-error") == [message]


def test_a_statement_that_would_write_is_refused_in_swedish(published):
    app, _ = published
    response = asyncio.run(app.client.get("/knytpunkt?sql=delete+from+articles"))
    assert response.status_code == 400
    assert texts(Selector(text=response.text), "section.content div") == [
        "Frågan måste vara en SELECT-fråga: arkivet kan bara läsas, inte ändras."]


@pytest.mark.parametrize("table", ["comments", "images"])
def test_a_comments_or_pictures_row_page_leads_to_its_article(published, table):
    """The row page of a comment or a picture named its article by a bare number, a dead end."""
    app, db = published
    key, article_id = db.execute(f"SELECT id, article_id FROM {table} WHERE article_id IS NOT NULL LIMIT 1").fetchone()
    html = page(app, f"/knytpunkt/{table}/{tilde_encode(str(key))}")
    link = html.css("td.col-article_id a")
    assert (link.css("::text").get(), link.attrib.get("href")) == (str(article_id), f"/knytpunkt/articles/{article_id}")
    title = db.execute("SELECT title FROM articles WHERE id = ?", [article_id]).fetchone()[0]
    assert page(app, link.attrib["href"]).css("h1.knyt-title::text").get() == title
