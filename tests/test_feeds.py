"""The feeds: iCalendar of the calendar, Atom of the newest articles and videos, and their Datasette routes."""

from __future__ import annotations

import asyncio
import datetime
import sqlite3
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import feedparser
import pytest
from icalendar import Calendar

from knytscrape.db import open_database
from knytscrape.feeds import ATOM_FEED_ID, ATOM_NS, atom_feed, events_ics
from knytscrape.publish import datasette_app

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = datetime.timezone.utc
A = {"a": ATOM_NS}
SCRIPT_TITLE = "Räksmörgås & <script>alert('ö')</script> på Ängen"

EVENTS = [
    {
        "id": "summer", "url": "https://knytpunkt.se/kalender.php?id=1",
        "title": "Midsommar på Ängen & <script>alert(1)</script>",
        "starts_at": "2024-06-21T13:00:00+02:00", "ends_at": "2024-06-21T17:30:00+02:00", "all_day": 0,
        "date_raw": "fredag 21 juni 2024 kl 13-17.30", "location": "Brunnsparken, Örebro",
        "organiser": "Föreningen Å&Ä", "description": "Dans kring stången.\nTa med fika; kaffe finns.",
        "status": "scheduled", "first_seen": "2024-05-02T10:00:00+02:00", "last_seen": "2024-06-01T08:15:00+02:00",
    },
    {
        "id": "winter", "url": "https://knytpunkt.se/kalender.php?id=2", "title": "Luciakonsert i Olaus Petri",
        "starts_at": "2024-12-13T18:00:00+01:00", "ends_at": None, "all_day": 0, "location": "Olaus Petri kyrka",
        "organiser": None, "description": "Inställt på grund av sjukdom.", "status": "cancelled",
        "first_seen": "2024-11-20T09:00:00+01:00", "last_seen": "2024-12-10T07:45:00+01:00",
    },
    {
        "id": "festival", "url": "https://knytpunkt.se/kalender.php?id=3", "title": "Stadsfest",
        "starts_at": "2024-08-09", "ends_at": "2024-08-11", "all_day": 1, "location": "Stortorget",
        "organiser": "", "description": "", "status": "postponed",
        "first_seen": "2024-07-01T12:00:00+02:00", "last_seen": "2024-07-15T12:00:00+02:00",
    },
    {
        "id": "oneday", "url": "https://knytpunkt.se/kalender.php?id=4", "title": "Loppis",
        "starts_at": "2024-03-30", "ends_at": None, "all_day": 1, "status": "removed",
        "last_seen": "2024-03-01T12:00:00+01:00",
    },
    {
        "id": "nodate", "url": "https://knytpunkt.se/kalender.php?id=5", "title": "Någon gång i vår",
        "starts_at": None, "date_raw": "i vår", "status": "scheduled", "last_seen": "2024-03-01T12:00:00+01:00",
    },
    {
        "id": "unreadable", "title": "Fel datum", "starts_at": "våren 2024", "status": "scheduled",
        "last_seen": "2024-03-01T12:00:00+01:00",
    },
]

ARTICLES = [
    {"id": 101, "url": "https://knytpunkt.se/artiklar.php?id=101", "title": SCRIPT_TITLE, "published": "2024-06-20",
     "lead": "Sommar & sol <b>i</b> Örebro.", "body": "Lång text."},
    {"id": 102, "url": "https://knytpunkt.se/artiklar.php?id=102", "title": "Öl & bröd i vinter",
     "published": "2024-01-15", "lead": "Kallt.", "body": ""},
    {"id": 103, "url": "https://knytpunkt.se/artiklar.php?id=103", "title": "Utan datum", "published": None,
     "lead": "", "body": ""},
]

VIDEOS = [
    {"id": "yt-abc", "url": "https://knytpunkt.se/video.php?id=7", "title": "Video: Älvdans", "published": "2024-06-20",
     "description": "Filmat vid ån.", "embed_url": "https://www.youtube.com/embed/abc", "provider": "youtube"},
    {"id": "vm-1", "url": "https://knytpunkt.se/video.php?id=8", "title": "Vårens första dag",
     "published": "2024-03-01", "description": "", "embed_url": "https://player.vimeo.com/video/1",
     "provider": "vimeo"},
]

FEED_URL = "https://arkiv.example/-/feeds/latest.atom"


# --- iCalendar -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ics() -> bytes:
    return events_ics(EVENTS)


@pytest.fixture(scope="module")
def vevents(ics) -> dict:
    calendar = Calendar.from_ical(ics)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_calendar_header(ics):
    calendar = Calendar.from_ical(ics)
    assert "knytscrape" in str(calendar["PRODID"])
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Knytpunkt – kalendern"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert b"\r\n" in ics and b"\n" not in ics.replace(b"\r\n", b"")
    assert events_ics([], name="Annat namn").count(b"BEGIN:VEVENT") == 0
    assert str(Calendar.from_ical(events_ics([], name="Annat namn"))["X-WR-CALNAME"]) == "Annat namn"


def test_vtimezone_rules_match_the_tz_database(ics):
    """The hand-written VTIMEZONE gives Stockholm's offsets, around every change of clocks 1996-2037."""
    vtimezone = Calendar.from_ical(ics).walk("VTIMEZONE")[0]
    tz = vtimezone.to_tz(lookup_tzid=False)
    for year in range(1996, 2038):
        for month, day in ((1, 15), (3, 24), (3, 31), (4, 1), (7, 1), (10, 24), (10, 31), (11, 1)):
            for hour in (1, 4, 12):
                local = datetime.datetime(year, month, day, hour)
                assert local.replace(tzinfo=tz).utcoffset() == local.replace(tzinfo=STOCKHOLM).utcoffset(), local


def test_events_without_a_readable_start_are_left_out(vevents):
    assert set(vevents) == {f"event-{key}@knytpunkt.se" for key in ("summer", "winter", "festival", "oneday")}


def test_summer_event_every_field(vevents):
    event = vevents["event-summer@knytpunkt.se"]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm" == event["DTEND"].params["TZID"]
    assert start == datetime.datetime(2024, 6, 21, 13, 0, tzinfo=STOCKHOLM)
    assert start.utcoffset() == datetime.timedelta(hours=2)
    assert start.astimezone(UTC) == datetime.datetime(2024, 6, 21, 11, 0, tzinfo=UTC)
    assert end == datetime.datetime(2024, 6, 21, 17, 30, tzinfo=STOCKHOLM)
    assert str(event["SUMMARY"]) == "Midsommar på Ängen & <script>alert(1)</script>"
    assert str(event["LOCATION"]) == "Brunnsparken, Örebro"
    assert str(event["DESCRIPTION"]) == "Dans kring stången.\nTa med fika; kaffe finns.\n\nArrangör: Föreningen Å&Ä"
    assert str(event["URL"]) == "https://knytpunkt.se/kalender.php?id=1"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTAMP") == datetime.datetime(2024, 6, 1, 6, 15, tzinfo=UTC)


def test_winter_event_every_field(vevents):
    event = vevents["event-winter@knytpunkt.se"]
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert start == datetime.datetime(2024, 12, 13, 18, 0, tzinfo=STOCKHOLM)
    assert start.utcoffset() == datetime.timedelta(hours=1)
    assert start.astimezone(UTC) == datetime.datetime(2024, 12, 13, 17, 0, tzinfo=UTC)
    assert "DTEND" not in event and "DURATION" not in event
    assert str(event["SUMMARY"]) == "Luciakonsert i Olaus Petri"
    assert str(event["LOCATION"]) == "Olaus Petri kyrka"
    assert str(event["DESCRIPTION"]) == "Inställt på grund av sjukdom."
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTAMP") == datetime.datetime(2024, 12, 10, 6, 45, tzinfo=UTC)


def test_all_day_events_end_exclusive(ics, vevents):
    festival = vevents["event-festival@knytpunkt.se"]
    assert festival.decoded("DTSTART") == datetime.date(2024, 8, 9)
    assert festival.decoded("DTEND") == datetime.date(2024, 8, 12)  # last day 11 August, exclusive end
    assert not isinstance(festival.decoded("DTSTART"), datetime.datetime)
    assert b"DTSTART;VALUE=DATE:20240809\r\n" in ics and b"DTEND;VALUE=DATE:20240812\r\n" in ics
    assert str(festival["STATUS"]) == "TENTATIVE"
    assert str(festival["SUMMARY"]) == "Stadsfest" and str(festival["LOCATION"]) == "Stortorget"
    assert "DESCRIPTION" not in festival
    oneday = vevents["event-oneday@knytpunkt.se"]
    assert oneday.decoded("DTSTART") == datetime.date(2024, 3, 30)
    assert oneday.decoded("DTEND") == datetime.date(2024, 3, 31)
    assert "STATUS" not in oneday  # 'removed' says nothing sure about the event itself


def test_ics_is_stable(ics):
    assert events_ics(EVENTS) == ics
    assert events_ics(list(reversed(EVENTS))) == ics
    assert events_ics([dict(event) for event in EVENTS[:2]]).count(b"UID:event-summer@knytpunkt.se") == 1


def test_ics_reads_naive_times_and_drops_bad_ends():
    rows = [{"id": 9, "title": "X", "starts_at": "2024-01-10T19:00:00", "ends_at": "2024-01-10T18:00:00+01:00",
             "last_seen": "2024-01-01T00:00:00+01:00"}]
    event = Calendar.from_ical(events_ics(rows)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime.datetime(2024, 1, 10, 19, tzinfo=STOCKHOLM)
    assert "DTEND" not in event  # an end before the start is not written


# --- Atom ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def atom() -> bytes:
    return atom_feed(ARTICLES, VIDEOS, feed_url=FEED_URL)


def test_atom_with_elementtree(atom):
    root = ET.fromstring(atom)
    assert root.tag == f"{{{ATOM_NS}}}feed"
    assert root.findtext("a:id", namespaces=A) == FEED_URL
    assert root.find("a:link[@rel='self']", A).get("href") == FEED_URL
    assert root.find("a:link[@rel='alternate']", A).get("href") == "https://knytpunkt.se/"
    assert root.findtext("a:author/a:name", namespaces=A)
    assert root.findtext("a:updated", namespaces=A) == "2024-06-20T00:00:00+02:00"
    entries = root.findall("a:entry", A)
    assert [e.findtext("a:id", namespaces=A) for e in entries] == [
        "https://knytpunkt.se/artiklar.php?id=101",
        "https://knytpunkt.se/video.php?id=7",
        "https://knytpunkt.se/video.php?id=8",
        "https://knytpunkt.se/artiklar.php?id=102",
    ]
    assert [e.findtext("a:title", namespaces=A) for e in entries] == [
        SCRIPT_TITLE, "Video: Älvdans", "Vårens första dag", "Öl & bröd i vinter"]
    assert [e.findtext("a:published", namespaces=A) for e in entries] == [
        "2024-06-20T00:00:00+02:00", "2024-06-20T00:00:00+02:00", "2024-03-01T00:00:00+01:00",
        "2024-01-15T00:00:00+01:00"]
    assert [e.findtext("a:updated", namespaces=A) for e in entries] == [
        e.findtext("a:published", namespaces=A) for e in entries]
    assert [e.find("a:link", A).get("href") for e in entries] == [e.findtext("a:id", namespaces=A) for e in entries]
    assert [e.findtext("a:summary", namespaces=A) for e in entries] == [
        "Sommar & sol <b>i</b> Örebro.", "Filmat vid ån.", None, "Kallt."]
    assert b"<script>" not in atom and b"&lt;script&gt;" in atom


def test_atom_with_feedparser(atom):
    parsed = feedparser.parse(atom)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == FEED_URL
    assert [entry.id for entry in parsed.entries] == [
        "https://knytpunkt.se/artiklar.php?id=101", "https://knytpunkt.se/video.php?id=7",
        "https://knytpunkt.se/video.php?id=8", "https://knytpunkt.se/artiklar.php?id=102"]
    assert parsed.entries[0].title == SCRIPT_TITLE
    assert parsed.entries[3].title == "Öl & bröd i vinter"
    assert parsed.entries[0].link == "https://knytpunkt.se/artiklar.php?id=101"
    # feedparser gives UTC struct_times: midnight in Stockholm is 22:00 (summer) / 23:00 (winter) the day before.
    assert tuple(parsed.entries[0].published_parsed[:5]) == (2024, 6, 19, 22, 0)
    assert tuple(parsed.entries[3].updated_parsed[:5]) == (2024, 1, 14, 23, 0)


def test_atom_limit_stability_and_fallbacks(atom):
    assert atom_feed(list(reversed(ARTICLES)), list(reversed(VIDEOS)), feed_url=FEED_URL) == atom
    two = ET.fromstring(atom_feed(ARTICLES, VIDEOS, feed_url=FEED_URL, limit=2))
    assert [e.findtext("a:id", namespaces=A) for e in two.findall("a:entry", A)] == [
        "https://knytpunkt.se/artiklar.php?id=101", "https://knytpunkt.se/video.php?id=7"]
    # An article without url gets its canonical address; control characters are dropped.
    rows = [{"id": 5, "url": None, "title": "Tab\tok, vt\x0b bort", "published": "2010-02-03"}]
    entry = ET.fromstring(atom_feed(rows, [], feed_url=FEED_URL)).find("a:entry", A)
    assert entry.findtext("a:id", namespaces=A) == "https://knytpunkt.se/artiklar.php?id=5"
    assert entry.findtext("a:title", namespaces=A) == "Tab\tok, vt bort"


def test_empty_atom_feed_is_valid():
    parsed = feedparser.parse(atom_feed([], [], feed_url=FEED_URL))
    assert not parsed.bozo and parsed.version == "atom10" and parsed.entries == []
    root = ET.fromstring(atom_feed([], [], feed_url=FEED_URL))
    assert root.findtext("a:updated", namespaces=A) and root.findtext("a:id", namespaces=A) == FEED_URL


# --- Datasette routes ----------------------------------------------------------------------------------------


def get(app, path):
    return asyncio.run(app.client.get(path))


@pytest.fixture()
def published(tmp_path):
    path = tmp_path / "knytpunkt.db"
    db = open_database(path)
    db["articles"].insert_all(ARTICLES)
    db["videos"].insert_all(VIDEOS)
    db["events"].insert_all(EVENTS, alter=True)
    db.close()
    return datasette_app(path)


def test_events_route(published):
    response = get(published, "/-/feeds/events.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.content == events_ics(EVENTS)
    uids = [str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")]
    assert uids == ["event-oneday@knytpunkt.se", "event-summer@knytpunkt.se", "event-festival@knytpunkt.se",
                    "event-winter@knytpunkt.se"]


def test_atom_route(published):
    response = get(published, "/-/feeds/latest.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    # no public address configured: a fixed tag: id, and the self link as a path on whatever host serves it
    assert parsed.feed.id == ATOM_FEED_ID
    root = ET.fromstring(response.content)
    assert root.find("a:link[@rel='self']", A).get("href") == "/-/feeds/latest.atom"
    assert [entry.title for entry in parsed.entries] == [
        SCRIPT_TITLE, "Video: Älvdans", "Vårens första dag", "Öl & bröd i vinter"]


def test_routes_on_empty_tables_and_on_a_database_without_them(tmp_path):
    open_database(tmp_path / "knytpunkt.db").close()
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE unrelated (x)")
    connection.commit()
    connection.close()
    for app in (datasette_app(tmp_path / "knytpunkt.db"), datasette_app(other)):
        ics = get(app, "/-/feeds/events.ics")
        assert ics.status_code == 200 and Calendar.from_ical(ics.content).walk("VEVENT") == []
        atom = get(app, "/-/feeds/latest.atom")
        assert atom.status_code == 200
        parsed = feedparser.parse(atom.content)
        assert not parsed.bozo and parsed.version == "atom10" and parsed.entries == []


def test_home_page_links_both_feeds(published):
    response = get(published, "/")
    assert response.status_code == 200
    assert 'href="/-/feeds/latest.atom"' in response.text
    assert 'href="/-/feeds/events.ics"' in response.text


# --- feed ids and links come from configuration, never from the request --------------------------------------

FORGED = {"host": "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https"}


def get_with(app, path, headers):
    return asyncio.run(app.client.get(path, headers=headers))


def feed_head(body: bytes) -> tuple[str, str | None, list[str]]:
    """(feed id, self link, entry ids) of an Atom feed."""
    root = ET.fromstring(body)
    link = root.find("a:link[@rel='self']", A)
    return (root.findtext("a:id", namespaces=A), link.get("href") if link is not None else None,
            [entry.findtext("a:id", namespaces=A) for entry in root.findall("a:entry", A)])


def test_a_forged_host_header_does_not_change_the_feed(published):
    honest = get(published, "/-/feeds/latest.atom")
    forged = get_with(published, "/-/feeds/latest.atom", FORGED)
    assert forged.status_code == 200
    assert forged.content == honest.content
    assert b"evil.example" not in forged.content and b"localhost" not in forged.content
    ics = get_with(published, "/-/feeds/events.ics", FORGED)
    assert ics.content == get(published, "/-/feeds/events.ics").content and b"evil.example" not in ics.content


def test_a_configured_public_address_is_the_feeds_id_and_link(tmp_path):
    open_database(tmp_path / "knytpunkt.db").close()
    app = datasette_app(tmp_path / "knytpunkt.db", public_url="https://arkiv.example.org/knyt")
    for headers in ({}, FORGED):
        feed_id, self_link, _ = feed_head(get_with(app, "/-/feeds/latest.atom", headers).content)
        assert feed_id == self_link == "https://arkiv.example.org/knyt/-/feeds/latest.atom"


def test_the_public_address_can_come_from_the_environment(published, monkeypatch):
    monkeypatch.setenv("KNYT_PUBLIC_URL", "https://arkiv.example.org")
    body = get_with(published, "/-/feeds/latest.atom", FORGED).content
    feed_id, self_link, entries = feed_head(body)
    assert feed_id == self_link == "https://arkiv.example.org/-/feeds/latest.atom"
    assert entries == feed_head(atom_feed(ARTICLES, VIDEOS, feed_url=FEED_URL))[2], "entry ids are the site's"
    monkeypatch.setenv("KNYT_PUBLIC_URL", "not an address")  # ignored: the feed stays request-independent
    assert feed_head(get_with(published, "/-/feeds/latest.atom", FORGED).content)[:2] == (
        ATOM_FEED_ID, "/-/feeds/latest.atom")


def test_feed_id_without_an_absolute_address():
    assert feed_head(atom_feed(ARTICLES, VIDEOS))[:2] == (ATOM_FEED_ID, None)
    assert feed_head(atom_feed(ARTICLES, VIDEOS, feed_url="/-/feeds/latest.atom"))[:2] == (
        ATOM_FEED_ID, "/-/feeds/latest.atom")
    assert feed_head(atom_feed([], [], feed_url=FEED_URL, feed_id="urn:x"))[:2] == ("urn:x", FEED_URL)
    parsed = feedparser.parse(atom_feed(ARTICLES, VIDEOS, feed_url="/-/feeds/latest.atom"))
    assert not parsed.bozo and parsed.feed.id == ATOM_FEED_ID


def test_the_public_address_as_a_plugin_secret(tmp_path, monkeypatch):
    """``datasette publish … --plugin-secret knytscrape public_url URL`` puts the address in the environment
    and ``{"$env": "KNYTSCRAPE_PUBLIC_URL"}`` in the plugin's configuration."""
    from datasette.app import Datasette

    open_database(tmp_path / "knytpunkt.db").close()
    monkeypatch.setenv("KNYTSCRAPE_PUBLIC_URL", "https://arkiv.example.org/")
    app = Datasette([str(tmp_path / "knytpunkt.db")],
                    metadata={"plugins": {"knytscrape": {"public_url": {"$env": "KNYTSCRAPE_PUBLIC_URL"}}}})
    feed_id, self_link, _ = feed_head(get_with(app, "/-/feeds/latest.atom", FORGED).content)
    assert feed_id == self_link == "https://arkiv.example.org/-/feeds/latest.atom"


# --- what the site no longer shows ---------------------------------------------------------------------------

REMOVED = "2024-06-10T09:30:00+02:00"  # a crawl found it gone (storage's removed_at)


def removed_event(**fields) -> dict:
    event = {"id": "gone", "url": "https://knytpunkt.se/kalender.php?id=9", "title": "Konsert i parken",
             "starts_at": "2024-06-15T19:00:00+02:00", "ends_at": "2024-06-15T21:00:00+02:00", "all_day": 0,
             "description": "Gratis entré.", "organiser": "Kulturföreningen", "status": "scheduled",
             "first_seen": "2024-05-01T10:00:00+02:00", "last_seen": "2024-06-09T09:30:00+02:00",
             "removed_at": REMOVED}
    event.update(fields)
    return event


def only_vevent(rows) -> dict:
    [event] = Calendar.from_ical(events_ics(rows)).walk("VEVENT")
    return event


def test_an_event_removed_before_it_took_place_is_cancelled_with_its_uid():
    """RFC 5545: a cancelled event keeps its UID, with STATUS:CANCELLED, so that a subscribed calendar
    takes it out instead of keeping it as it was."""
    event = only_vevent([removed_event()])
    assert str(event["UID"]) == "event-gone@knytpunkt.se"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["DESCRIPTION"]) == (
        "Borttaget från sajten den 10 juni 2024.\n\nGratis entré.\n\nArrangör: Kulturföreningen")
    assert event.decoded("DTSTAMP") == datetime.datetime(2024, 6, 10, 7, 30, tzinfo=UTC)  # when found gone
    assert event.decoded("DTSTART") == datetime.datetime(2024, 6, 15, 19, tzinfo=STOCKHOLM)
    assert str(event["SUMMARY"]) == "Konsert i parken" and str(event["URL"]).endswith("id=9")


@pytest.mark.parametrize("status", ["postponed", "cancelled", None])
def test_a_removed_event_is_cancelled_whatever_the_site_last_said(status):
    assert str(only_vevent([removed_event(status=status)])["STATUS"]) == "CANCELLED"


def test_an_event_removed_on_its_last_day_is_cancelled():
    assert str(only_vevent([removed_event(removed_at="2024-06-15T08:00:00+02:00")])["STATUS"]) == "CANCELLED"
    festival = removed_event(starts_at="2024-06-14", ends_at="2024-06-16", all_day=1,
                             removed_at="2024-06-16T23:00:00+02:00")
    assert str(only_vevent([festival])["STATUS"]) == "CANCELLED"


def test_an_event_removed_after_it_took_place_keeps_its_status_and_says_it_was_removed():
    """The site may clear out what is over: that says nothing about whether it took place."""
    event = only_vevent([removed_event(removed_at="2024-06-16T06:00:00+02:00")])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["DESCRIPTION"]).startswith("Borttaget från sajten den 16 juni 2024.\n\n")
    festival = only_vevent([removed_event(starts_at="2024-06-14", ends_at="2024-06-16", all_day=1,
                                          status="postponed", removed_at="2024-06-17T06:00:00+02:00")])
    assert str(festival["STATUS"]) == "TENTATIVE"


def test_a_removed_event_without_a_description_or_a_readable_removal_date():
    event = only_vevent([removed_event(description=None, organiser=None, removed_at="okänt")])
    assert str(event["DESCRIPTION"]) == "Borttaget från sajten."
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTAMP") == datetime.datetime(2024, 6, 9, 7, 30, tzinfo=UTC)  # last seen


def test_the_calendar_route_cancels_what_a_crawl_found_gone(tmp_path):
    """Through the database as a crawl of the calendar leaves it (db.mark_vanished) and the Datasette route."""
    from knytscrape.db import mark_vanished

    path = tmp_path / "knytpunkt.db"
    db = open_database(path)
    db["events"].insert_all([
        removed_event(id="kept", removed_at=None, last_seen="2024-06-10T09:00:00+02:00"),
        removed_event(id="gone", removed_at=None),
        removed_event(id="cancelled", status="cancelled", removed_at=None, last_seen="2024-06-10T09:00:00+02:00"),
        removed_event(id="postponed", status="postponed", removed_at=None, last_seen="2024-06-10T09:00:00+02:00"),
    ])
    assert mark_vanished(db, "calendar", "2024-06-10T08:55:00+02:00", REMOVED) == 1
    db.close()
    response = get(datasette_app(path), "/-/feeds/events.ics")
    events = {str(e["UID"]).split("@")[0]: e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert {key: str(event["STATUS"]) for key, event in events.items()} == {
        "event-kept": "CONFIRMED", "event-gone": "CANCELLED", "event-cancelled": "CANCELLED",
        "event-postponed": "TENTATIVE"}
    assert str(events["event-gone"]["DESCRIPTION"]).startswith("Borttaget från sajten den 10 juni 2024.")
    assert "Borttaget" not in str(events["event-kept"]["DESCRIPTION"])


REMOVED_ARTICLE = {"id": 104, "url": "https://knytpunkt.se/artiklar.php?id=104", "title": "Avpublicerad",
                   "published": "2024-06-19", "lead": "Stod här en dag.", "removed_at": "2024-06-22T03:00:00+02:00"}
REMOVED_VIDEO = {"id": "yt:old", "url": "https://knytpunkt.se/video.php?id=6", "title": "Gammal film",
                 "published": "2024-02-01", "description": None, "removed_at": "2024-06-21T03:00:00+02:00"}


def entries_by_id(body: bytes) -> dict:
    return {entry.findtext("a:id", namespaces=A): entry for entry in ET.fromstring(body).findall("a:entry", A)}


def test_a_removed_article_or_video_stays_in_the_atom_feed_marked():
    body = atom_feed([*ARTICLES, REMOVED_ARTICLE], [*VIDEOS, REMOVED_VIDEO], feed_url=FEED_URL,
                     archive_url=lambda table, key: f"https://arkiv.example/knytpunkt/{table}/{key}")
    entries = entries_by_id(body)
    article, video = entries[REMOVED_ARTICLE["url"]], entries[REMOVED_VIDEO["url"]]
    assert article.findtext("a:summary", namespaces=A) == "Borttagen från sajten den 22 juni 2024.\n\nStod här en dag."
    assert video.findtext("a:summary", namespaces=A) == "Borttagen från sajten den 21 juni 2024."
    # the site's page is gone: the link is the archive's page; the id stays the same
    assert article.find("a:link", A).get("href") == "https://arkiv.example/knytpunkt/articles/104"
    assert video.find("a:link", A).get("href") == "https://arkiv.example/knytpunkt/videos/yt:old"
    assert [c.get("term") for c in article.findall("a:category", A)] == ["article", "removed"]
    assert article.findtext("a:published", namespaces=A) == "2024-06-19T00:00:00+02:00"
    assert article.findtext("a:updated", namespaces=A) == "2024-06-22T03:00:00+02:00"
    assert ET.fromstring(body).findtext("a:updated", namespaces=A) == "2024-06-22T03:00:00+02:00"
    kept = entries["https://knytpunkt.se/artiklar.php?id=101"]
    assert [c.get("term") for c in kept.findall("a:category", A)] == ["article"]
    assert kept.find("a:link", A).get("href") == "https://knytpunkt.se/artiklar.php?id=101"
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert [entry.id for entry in parsed.entries][:2] == [
        "https://knytpunkt.se/artiklar.php?id=101", "https://knytpunkt.se/video.php?id=7"]
    # without an archive address the link stays the site's
    plain = entries_by_id(atom_feed([REMOVED_ARTICLE], [], feed_url=FEED_URL))[REMOVED_ARTICLE["url"]]
    assert plain.find("a:link", A).get("href") == REMOVED_ARTICLE["url"]


def test_the_atom_route_marks_what_the_site_removed_and_links_the_archive(tmp_path, monkeypatch):
    path = tmp_path / "knytpunkt.db"
    db = open_database(path)
    db["articles"].insert_all([*ARTICLES, REMOVED_ARTICLE])
    db["videos"].insert_all([*VIDEOS, REMOVED_VIDEO])
    db.close()
    app = datasette_app(path)
    entries = entries_by_id(get(app, "/-/feeds/latest.atom").content)
    article = entries[REMOVED_ARTICLE["url"]]
    assert article.find("a:link", A).get("href") == "/knytpunkt/articles/104"
    assert article.findtext("a:summary", namespaces=A).startswith("Borttagen från sajten den 22 juni 2024.")
    assert entries[REMOVED_VIDEO["url"]].find("a:link", A).get("href") == "/knytpunkt/videos/yt~3Aold"
    assert get(app, "/knytpunkt/articles/104").status_code == 200
    assert get(app, "/knytpunkt/videos/yt~3Aold").status_code == 200
    monkeypatch.setenv("KNYT_PUBLIC_URL", "https://arkiv.example.org/knyt")
    entries = entries_by_id(get(app, "/-/feeds/latest.atom").content)
    assert entries[REMOVED_ARTICLE["url"]].find("a:link", A).get("href") == (
        "https://arkiv.example.org/knyt/knytpunkt/articles/104")
