"""The Video and Kalender sections as data: the views their list and detail pages are built from.

The truth is ``content/videos.json`` and ``content/events.json`` (see docs/mirror.md). Nothing here
produces markup; the URLs come from :mod:`knytscrape.mirror.schemes`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from knytscrape.mirror import schemes

VIDEO_LIST_VARIANT = ("div", "utf8")
EVENT_LIST_VARIANT = ("table", "latin1")
TEASER_LENGTH = 90
# A date line that is the calendar's month heading ("Maj 2025"): printed above the event's title.
MONTH_HEADING = re.compile(r"^[A-ZÅÄÖ][a-zåäö]+ \d{4}$")


def video_variant(video: dict) -> tuple[str, str]:
    """A video page's default (layout, encoding): its own keys, else old videos (≤ 2010 or undated)
    ``table``/``latin1`` and the rest ``div``/``utf8``."""
    published = video.get("published")
    old = published is None or int(published[:4]) <= 2010
    layout, encoding = ("table", "latin1") if old else ("div", "utf8")
    return video.get("layout") or layout, video.get("encoding") or encoding


def event_variant(event: dict) -> tuple[str, str]:
    """An event page's default (layout, encoding): its own keys, else ``div``/``utf8``."""
    return event.get("layout") or "div", event.get("encoding") or "utf8"


def teaser(text: str | None) -> str | None:
    """The short text of a list entry: the first paragraph, cut at a word before TEASER_LENGTH."""
    if not text:
        return None
    first = text.split("\n\n")[0]
    if len(first) <= TEASER_LENGTH:
        return first
    return first[: first.rindex(" ", 0, TEASER_LENGTH)] + " …"


def rooted(href: str, root: str) -> str:
    """A page-relative href made root-relative when the page sits below the root (``root == "/"``)."""
    if not root or "://" in href or href.startswith(("/", "#", "javascript:", "mailto:")):
        return href
    return root + href


def split_date_text(event: dict) -> tuple[list[str], list[str]]:
    """(month headings printed above the title, the other date/time lines printed below it)."""
    headings = [line for line in event["date_text"] if MONTH_HEADING.match(line)]
    return headings, [line for line in event["date_text"] if line not in headings]


def status_line(event: dict) -> str | None:
    """The status text printed on its own line (not when it is part of the title or a date line)."""
    raw = event.get("status_raw")
    if not raw or raw in event["title"] or raw in event["date_text"]:
        return None
    return raw


@dataclass
class Pager:
    page: int
    hrefs: list[str]  # the href of page 1, 2, ...

    @property
    def pages(self) -> int:
        return len(self.hrefs)

    @property
    def prev_href(self) -> str | None:
        return self.hrefs[self.page - 2] if self.page > 1 else None

    @property
    def next_href(self) -> str | None:
        return self.hrefs[self.page] if self.page < self.pages else None


@dataclass
class VideoEntry:
    video: dict
    href: str
    thumb: str | None
    teaser: str | None


@dataclass
class EventEntry:
    event: dict
    href: str | None  # None: the event has no page, its title is plain text
    date_line: str
    teaser: str | None


@dataclass
class VideoList:
    entries: list[VideoEntry]
    pager: Pager


@dataclass
class EventList:
    entries: list[EventEntry]
    pager: Pager


@dataclass
class VideoView:
    video: dict
    list_href: str
    article_href: str | None  # "Läs artikeln", as written on the page, or None


@dataclass
class EventView:
    event: dict
    list_href: str
    headings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    status_line: str | None = None


def page_count(n: int) -> int:
    return max(1, math.ceil(n / schemes.PER_PAGE))


def page_slice(items: list, page: int) -> list:
    start = (page - 1) * schemes.PER_PAGE
    return items[start : start + schemes.PER_PAGE]


def event_date_line(event: dict) -> str:
    """The date a list entry shows: the ISO start date, or the first date line as printed when the
    start is unknown (no year)."""
    return event["starts_at"][:10] if event["starts_at"] else event["date_text"][0]
