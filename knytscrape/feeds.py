"""Feeds of the archive: the calendar as iCalendar (RFC 5545), the newest articles and videos as Atom (RFC 4287).

Pure functions from rows (dicts as read from the database, see knytscrape/db.py) to the bytes of a feed; no
Datasette and no clock here. The same rows always give the same bytes: every timestamp in a feed comes
from the rows themselves, never from "now". The Datasette routes serving these feeds are in
knytscrape/datasette_plugin/.

Dates in the rows are ISO 8601 text as knytscrape/dates.py writes them: a date alone (``2024-05-18``) or a
moment with its Europe/Stockholm offset (``2024-05-18T13:00:00+02:00``). A moment without an offset is read
as Stockholm local time.

A record the site no longer shows (``removed_at`` set by storage) stays in both feeds, marked: the archive
keeps what the site removed, and a subscriber who already has the event or the entry should learn that it
is gone rather than keep it as it was (see events_ics and atom_feed for how).
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from knytscrape.urls import canonical_article_url

__all__ = [
    "ATOM_FEED_ID",
    "ATOM_NS",
    "EVENT_STATUS",
    "STOCKHOLM",
    "TZID",
    "atom_feed",
    "events_ics",
    "parse_iso",
]

TZID = "Europe/Stockholm"
STOCKHOLM = ZoneInfo(TZID)
UID_DOMAIN = "knytpunkt.se"
PRODID = "-//knytscrape//Knytpunkt archive feeds//SV"

# events.status (what the site says) -> iCalendar STATUS. Any other value gets no STATUS property. An event
# the site no longer shows (removed_at) is CANCELLED whatever its status, unless it was removed after its
# last day (events_ics).
EVENT_STATUS = {
    "scheduled": "CONFIRMED",
    "cancelled": "CANCELLED",
    "postponed": "TENTATIVE",
}
SWEDISH_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                  "oktober", "november", "december")

ATOM_NS = "http://www.w3.org/2005/Atom"
# The Atom feed's id when the archive has no public address configured: a tag URI (RFC 4151), the same
# wherever the archive is served and whatever address a request names.
ATOM_FEED_ID = "tag:knytpunkt.se,2007:knytscrape/feeds/latest.atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Atom's feed-level <updated> is required; a feed with no entries has no date of its own to give.
EMPTY_FEED_UPDATED = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

# Characters that XML 1.0 does not allow and iCalendar TEXT does not allow either (C0 controls but tab,
# line feed and carriage return; DEL; lone surrogates; U+FFFE and U+FFFF). Scraped text can hold them.
_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str | None:
    """``value`` as clean text with line breaks as ``\\n``; None when empty or missing."""
    if value is None:
        return None
    text = _INVALID_CHARS.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


def parse_iso(value) -> datetime.date | datetime.datetime | None:
    """A stored ISO 8601 value as a date (a date alone) or an aware datetime in Stockholm; None if unreadable."""
    text = _text(value)
    if text is None:
        return None
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(STOCKHOLM)


def _as_moment(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A datetime as is; a date as its midnight in Stockholm."""
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime(value.year, value.month, value.day, tzinfo=STOCKHOLM)


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def swedish_date(value: datetime.date | datetime.datetime) -> str:
    """A day as a Swedish reader writes it: ``5 januari 2025``."""
    day = _as_date(value)
    return f"{day.day} {SWEDISH_MONTHS[day.month - 1]} {day.year}"


def removed(row: Mapping) -> tuple[bool, datetime.date | datetime.datetime | None]:
    """(whether the site no longer shows the record, when it was found gone: its ``removed_at``, None when
    that cannot be read)."""
    if _text(row.get("removed_at")) is None:
        return False, None
    return True, parse_iso(row.get("removed_at"))


def removed_note(when: datetime.date | datetime.datetime | None, *, neuter: bool = False) -> str:
    """``Borttagen från sajten den 5 januari 2025.`` (``Borttaget`` for a neuter noun: ett evenemang)."""
    word = "Borttaget" if neuter else "Borttagen"
    return f"{word} från sajten den {swedish_date(when)}." if when is not None else f"{word} från sajten."


# --- iCalendar -----------------------------------------------------------------------------------------------


def stockholm_vtimezone() -> Timezone:
    """VTIMEZONE for Europe/Stockholm with the EU rules (in force since 1996), as recurrence rules.

    Written out rather than generated from the tz database: it is short, valid for any year after 1996 and
    the same whatever versions of icalendar and tzdata are installed.
    """
    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add("x-lic-location", TZID)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime.datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("tzoffsetfrom", datetime.timedelta(hours=1))
    daylight.add("tzoffsetto", datetime.timedelta(hours=2))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime.datetime(1970, 10, 25, 3, 0, 0))
    standard.add("tzoffsetfrom", datetime.timedelta(hours=2))
    standard.add("tzoffsetto", datetime.timedelta(hours=1))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone


def event_uid(event_id) -> str:
    """The iCalendar UID of an event: stable across crawls, as the event's id is."""
    return f"event-{event_id}@{UID_DOMAIN}"


def _event_times(event: Mapping):
    """(start, end) for DTSTART/DTEND, or None when starts_at is unreadable; end is None when unknown.

    All-day events (starts_at a date alone, or all_day = 1) give dates, end exclusive: the day after the
    last day, the start's next day when ends_at is missing. Timed events give Stockholm datetimes; their end
    is None unless ends_at is a moment after the start (a date alone cannot end a timed event).
    """
    start = parse_iso(event.get("starts_at"))
    if start is None:
        return None
    end = parse_iso(event.get("ends_at"))
    all_day = not isinstance(start, datetime.datetime) or str(event.get("all_day")).strip() in ("1", "True")
    if all_day:
        first = _as_date(start)
        last = _as_date(end) if end is not None else first
        return first, max(last, first) + datetime.timedelta(days=1)
    if not isinstance(end, datetime.datetime) or end <= start:
        end = None
    return start, end


def _dtstamp(event: Mapping, start) -> datetime.datetime:
    """DTSTAMP (UTC): when the archive last learnt something of the event: when it was found removed from
    the site; else when a crawl last saw it; else first saw it; else its start."""
    _, when = removed(event)
    candidates = [when] if when is not None else []
    for column in ("last_seen", "first_seen"):
        seen = parse_iso(event.get(column))
        if seen is not None:
            candidates.append(seen)
            break
    if candidates:
        return max(_as_moment(moment) for moment in candidates).astimezone(datetime.timezone.utc)
    return _as_moment(start).astimezone(datetime.timezone.utc)


def _last_day(start, end) -> datetime.date:
    """The event's last day: an all-day event's exclusive end is the day after it."""
    if end is None:
        return _as_date(start)
    if isinstance(end, datetime.datetime):
        return end.date()
    return max(end - datetime.timedelta(days=1), _as_date(start))


def _event_status(event: Mapping, start, end) -> str | None:
    """STATUS: what the site says (EVENT_STATUS); CANCELLED when the site removed the event before its last
    day was over. An event removed later (the site may clear out what has taken place) keeps what the site
    last said: its removal says nothing about whether it took place."""
    gone, when = removed(event)
    if gone and (when is None or _as_date(when) <= _last_day(start, end)):
        return "CANCELLED"
    return EVENT_STATUS.get((_text(event.get("status")) or "").lower())


def _event_component(event: Mapping, start, end) -> Event:
    component = Event()
    component.add("uid", event_uid(event.get("id")))
    component.add("dtstamp", _dtstamp(event, start))
    component.add("dtstart", start)
    if end is not None:
        component.add("dtend", end)
    component.add("summary", _text(event.get("title")) or "")
    location = _text(event.get("location"))
    if location:
        component.add("location", location)
    parts = [_text(event.get("description"))]
    organiser = _text(event.get("organiser"))
    if organiser:
        # ORGANIZER needs an address (mailto:), which the site does not give: the name goes in the text.
        parts.append(f"Arrangör: {organiser}")
    gone, when = removed(event)
    if gone:  # first, where a calendar application shows it
        parts.insert(0, removed_note(when, neuter=True))
    description = "\n\n".join(part for part in parts if part)
    if description:
        component.add("description", description)
    url = _text(event.get("url"))
    if url:
        component.add("url", url)
    status = _event_status(event, start, end)
    if status:
        component.add("status", status)
    return component


def events_ics(events: Iterable[Mapping], *, name: str = "Knytpunkt – kalendern") -> bytes:
    """The calendar as an iCalendar file (RFC 5545), UTF-8 bytes with CRLF line ends.

    One VEVENT per event with a readable ``starts_at``; events without one (empty or unreadable) are left
    out, since a VEVENT in a published calendar needs a start. Events are sorted by start, then id, so the
    output does not depend on the order of ``events``.

    * UID ``event-<id>@knytpunkt.se``; SUMMARY, LOCATION, DESCRIPTION (with ``Arrangör: <organiser>`` added
      when there is an organiser), URL.
    * Timed events: DTSTART (and DTEND when ``ends_at`` is a later moment) with TZID=Europe/Stockholm,
      defined by the calendar's VTIMEZONE.
    * All-day events: DTSTART and DTEND as VALUE=DATE, DTEND the day after the last day (exclusive).
    * STATUS: scheduled -> CONFIRMED, cancelled -> CANCELLED, postponed -> TENTATIVE; none for other values.
    * An event the site no longer shows (``removed_at``) stays, with its UID, so that a subscribed calendar
      updates the event it has instead of keeping it as it was (RFC 5545: a cancelled event keeps its UID
      and gets STATUS:CANCELLED). It is CANCELLED when removed on or before its last day; removed after
      that, it keeps the status the site gave it. Its DESCRIPTION begins
      ``Borttaget från sajten den 5 januari 2025.``.
    * DTSTAMP: the row's ``removed_at`` or ``last_seen``, whichever is later, in UTC (else ``first_seen``,
      else the start): no clock is read.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add_component(stockholm_vtimezone())
    timed = []
    for event in events:
        times = _event_times(event)
        if times is not None:
            timed.append((_as_moment(times[0]), str(event.get("id")), event, times))
    for _, _, event, (start, end) in sorted(timed, key=lambda item: item[:2]):
        calendar.add_component(_event_component(event, start, end))
    return calendar.to_ical()


# --- Atom ----------------------------------------------------------------------------------------------------


def _rfc3339(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _id_key(value) -> tuple[int, str]:
    text = str(value if value is not None else "")
    return (int(text) if text.isdigit() else -1, text)


def _entries(articles: Iterable[Mapping], videos: Iterable[Mapping],
             archive_url: Callable[[str, object], str] | None = None) -> list[dict]:
    """Articles and videos with a readable date and an address, as entry dicts, newest first."""
    entries = []
    for kind, rows in (("article", articles), ("video", videos)):
        for row in rows:
            published = parse_iso(row.get("published"))
            url = _text(row.get("url"))
            if kind == "article" and url is None and _id_key(row.get("id"))[0] >= 0:
                url = canonical_article_url(_id_key(row.get("id"))[0])
            if published is None or url is None:
                continue
            moment = _as_moment(published)
            summary = _text(row.get("lead" if kind == "article" else "description"))
            gone, when = removed(row)
            link = url
            if gone:
                summary = "\n\n".join(part for part in (removed_note(when), summary) if part)
                if archive_url is not None:  # the site's page is gone; the archive's copy is not
                    link = archive_url("articles" if kind == "article" else "videos", row.get("id"))
            entries.append({
                "kind": kind,
                "id": url,
                "link": link,
                "title": _text(row.get("title")) or url,
                "moment": moment,
                # its removal is the entry's latest significant change
                "updated": max(moment, _as_moment(when)) if when is not None else moment,
                "removed": gone,
                "summary": summary,
                # Same day: articles before videos, higher ids (newer on the site) first.
                "key": (moment, kind == "article", _id_key(row.get("id"))),
            })
    entries.sort(key=lambda entry: entry["key"], reverse=True)
    unique, seen = [], set()
    for entry in entries:
        if entry["id"] not in seen:
            seen.add(entry["id"])
            unique.append(entry)
    return unique


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(
    articles: Iterable[Mapping],
    videos: Iterable[Mapping],
    *,
    feed_url: str | None = None,
    feed_id: str | None = None,
    site_url: str = "https://knytpunkt.se/",
    limit: int = 50,
    title: str = "Knytpunkt – senaste artiklar och videor",
    archive_url: Callable[[str, object], str] | None = None,
) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of the ``limit`` newest articles and videos together, newest first; UTF-8.

    * Feed: rel="self" link ``feed_url`` (none without it; a path is resolved by the reader against the
      address it fetched the feed from); id ``feed_id``, else ``feed_url`` when it is an absolute http(s)
      URL, else ATOM_FEED_ID; rel="alternate" link ``site_url``, author Knytpunkt, updated = the latest
      updated of its entries (1970-01-01T00:00:00+00:00 when there is no entry). Nothing comes from a
      request: the caller passes the configured public address or a path.
    * Entry: id and link = the item's URL (articles: the canonical ``url``, built from ``id`` when
      missing), title, published = updated = ``published`` (a date is its midnight in Stockholm, RFC 3339
      with the offset), summary = ``lead`` (articles) / ``description`` (videos), category article/video.
    * Items without a readable ``published`` or without an address are left out.
    * An item the site no longer shows (``removed_at``) stays, as the archive keeps it: its summary begins
      ``Borttagen från sajten den 5 januari 2025.``, it gets the category ``removed``, its updated is when
      it was found gone (so that a reader that follows updates shows it again) and its link, when
      ``archive_url(table, id)`` is given, is its page in the archive, since the site's page is gone (its id
      stays the site's address). The feed's updated is the latest updated of its entries.
    """
    entries = _entries(articles, videos, archive_url)[: max(limit, 0)]
    # Unqualified names under a default namespace declared by hand: ElementTree would otherwise invent
    # an "ns0:" prefix, and its default_namespace option refuses unqualified attributes such as rel.
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "sv"})
    if feed_id is None:
        feed_id = feed_url if feed_url and feed_url.startswith(("https://", "http://")) else ATOM_FEED_ID
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title, type="text")
    _sub(feed, "updated", _rfc3339(max((entry["updated"] for entry in entries), default=EMPTY_FEED_UPDATED)))
    if feed_url:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    author = _sub(feed, "author")
    _sub(author, "name", "Knytpunkt")
    _sub(author, "uri", site_url)
    _sub(feed, "generator", "knytscrape")
    for entry in entries:
        element = _sub(feed, "entry")
        _sub(element, "id", entry["id"])
        _sub(element, "title", entry["title"], type="text")
        _sub(element, "link", rel="alternate", type="text/html", href=entry["link"])
        _sub(element, "published", _rfc3339(entry["moment"]))
        _sub(element, "updated", _rfc3339(entry["updated"]))
        _sub(element, "category", term=entry["kind"])
        if entry["removed"]:
            _sub(element, "category", term="removed", label="Borttagen från sajten")
        if entry["summary"]:
            _sub(element, "summary", entry["summary"], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
