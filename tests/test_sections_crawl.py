"""End to end: the Video and Kalender sections, found by their menu labels and sidebars under two quite
different URL schemes, crawled with Scrapy's real engine; every video and event checked field by field."""

from __future__ import annotations

import pytest
import sqlite_utils

from knytscrape.mirror import MirrorServer, load_events, load_videos
from tests.conftest import crawl
from tests.expected import event_row, video_row

pytestmark = pytest.mark.slow  # crawls or a browser: left out of the quick lane (-m 'not slow')


@pytest.fixture(scope="module", params=["a", "b"])
def crawled_scheme(request, tmp_path_factory):
    with MirrorServer(scheme=request.param) as server:
        db_path = tmp_path_factory.mktemp(f"scheme-{request.param}") / "knytpunkt.db"
        result = crawl(server.base_url, db_path)
        assert result.returncode == 0, result.stdout + result.stderr
        yield request.param, server.base_url, sqlite_utils.Database(db_path), list(server.requests)


def by_title(rows):
    return {row["title"]: row for row in rows}


def test_every_video_field_by_field(crawled_scheme):
    _, base_url, db, _ = crawled_scheme
    columns = list(video_row(load_videos()[0], base_url))
    stored = by_title(dict(r) for r in db.query(f"SELECT {', '.join(columns)} FROM videos"))
    expected = by_title(video_row(v, base_url) for v in load_videos())
    assert stored == expected


def test_every_event_field_by_field(crawled_scheme):
    scheme, base_url, db, _ = crawled_scheme
    columns = list(event_row(load_events()[0], base_url, scheme))
    stored = by_title(dict(r) for r in db.query(f"SELECT {', '.join(columns)} FROM events"))
    expected = by_title(event_row(e, base_url, scheme) for e in load_events())
    assert stored == expected


def test_sections_found_without_guessing_paths(crawled_scheme):
    """Only pages the site links to were asked for: no probe of a guessed section path."""
    scheme, _, _, requests = crawled_scheme
    other = "/media/filmer/" if scheme == "a" else "video.php"
    assert not any(other in path for path in requests)


def test_videos_linked_to_articles(crawled_scheme):
    _, _, db, _ = crawled_scheme
    matches = {row["title"]: row["article_match"] for row in db.query("SELECT title, article_match FROM videos")}
    by_link = {v["title"] for v in load_videos() if v["article_id"] and v["article_link"]}
    by_title_only = {v["title"] for v in load_videos() if v["article_id"] and not v["article_link"]}
    assert {t for t, m in matches.items() if m == "link"} == by_link
    assert {t for t, m in matches.items() if m == "title"} == by_title_only


def test_ics_feed_of_the_crawled_calendar_parses_back(crawled_scheme):
    """The published calendar, read back with a real iCalendar library, equals the mirror's truth."""
    import asyncio
    import datetime

    import icalendar

    from knytscrape.feeds import EVENT_STATUS
    from knytscrape.publish import datasette_app

    _, _, db, _ = crawled_scheme
    app = datasette_app(db.conn.execute("PRAGMA database_list").fetchone()[2])
    response = asyncio.run(app.client.get("/-/feeds/events.ics"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    got = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    truth = {e["title"]: e for e in load_events() if e["starts_at"]}
    assert set(got) == set(truth)
    for title, event in truth.items():
        component = got[title]
        start = component["DTSTART"].dt
        if event["all_day"]:
            assert start == datetime.date.fromisoformat(event["starts_at"])
        else:
            assert start.isoformat() == event["starts_at"]  # the Stockholm offset of that day
        assert str(component["STATUS"]) == EVENT_STATUS[event["status"]]
        assert str(component.get("LOCATION") or "") == (event["location"] or "")
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    again = icalendar.Calendar.from_ical(asyncio.run(app.client.get("/-/feeds/events.ics")).content)
    assert uids == [str(e["UID"]) for e in again.walk("VEVENT")] and len(set(uids)) == len(uids)


def test_atom_feed_lists_newest_articles_and_videos(crawled_scheme):
    import asyncio

    import feedparser

    from knytscrape.publish import datasette_app

    _, _, db, _ = crawled_scheme
    app = datasette_app(db.conn.execute("PRAGMA database_list").fetchone()[2])
    response = asyncio.run(app.client.get("/-/feeds/latest.atom"))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    titles = [entry.title for entry in feed.entries]
    newest_video = max(load_videos(), key=lambda v: v["published"] or "")
    assert newest_video["title"] in titles
    assert "Debatt: Rädda träden i Stadsparken." in titles  # the newest article of the mirror


def test_the_same_site_at_another_address_changes_nothing(tmp_path):
    """A copy of the site at another port (or host) is not a change: every video and event is unchanged."""
    import json

    db_path = tmp_path / "knytpunkt.db"
    for _ in range(2):  # each MirrorServer listens on a port of its own
        with MirrorServer() as server:
            result = crawl(server.base_url, db_path, "-s", "KNYT_FULL=1")  # every page read again
            assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite_utils.Database(db_path)
    second = {row["spider"]: json.loads(row["stats"]) for row in db.query(
        "SELECT spider, stats FROM crawls WHERE id IN (SELECT max(id) FROM crawls GROUP BY spider)")}
    assert {spider: stats.get("knyt/items/changed", 0) for spider, stats in second.items()} == {
        "articles": 0, "videos": 0, "calendar": 0}
    assert db["revisions"].count == 0
    assert all(stats.get("knyt/items/unchanged", 0) > 0 for stats in second.values())
