"""The URL schemes of the Video and Kalender sections. The real site's URLs for these sections have
never been seen, so the mirror serves them under two quite different schemes; spiders must find them
through the menu and sidebar links by their text, never by a guessed path.

| page              | scheme "a" (default)      | scheme "b"                                   |
| ----------------- | ------------------------- | -------------------------------------------- |
| video list        | ``video.php``             | ``/media/filmer/``                           |
| video list page N | ``video.php?sida=N``      | ``/media/filmer/sida-N/``                    |
| one video         | ``video.php?id=N``        | ``/media/filmer/N-slug.html``                |
| calendar list     | ``kalender.php``          | ``/evenemang/``                              |
| calendar page N   | ``kalender.php?sida=N``   | ``/evenemang/arkiv-N.html``                  |
| one event         | ``kalender.php?id=N``     | ``/evenemang/YYYY/MM/DD/slug/`` (the ``url_date``)   |
|                   |                           | ``/evenemang/odaterat/slug/`` (no ``url_date``)      |

Scheme "a" links are page-relative (the pages sit at the root); scheme "b" links are root-relative,
and every scheme "b" section page writes all of its own relative links root-relative too (its chrome
included), since it sits in a sub-directory. Scheme "b" has no query strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCHEMES = ("a", "b")
PER_PAGE = 5


def check(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {SCHEMES}")
    return scheme


def video_list_href(scheme: str, page: int = 1) -> str:
    if check(scheme) == "a":
        return "video.php" if page == 1 else f"video.php?sida={page}"
    return "/media/filmer/" if page == 1 else f"/media/filmer/sida-{page}/"


def video_href(scheme: str, video: dict) -> str:
    if check(scheme) == "a":
        return f"video.php?id={video['id']}"
    return f"/media/filmer/{video['id']}-{video['slug']}.html"


def event_list_href(scheme: str, page: int = 1) -> str:
    if check(scheme) == "a":
        return "kalender.php" if page == 1 else f"kalender.php?sida={page}"
    return "/evenemang/" if page == 1 else f"/evenemang/arkiv-{page}.html"


def event_href(scheme: str, event: dict) -> str | None:
    """The event page's link, or None for an event without a page (it is only in the sidebar/list)."""
    if not event["has_page"]:
        return None
    if check(scheme) == "a":
        return f"kalender.php?id={event['id']}"
    if event.get("url_date"):
        return "/evenemang/" + event["url_date"].replace("-", "/") + f"/{event['slug']}/"
    return f"/evenemang/odaterat/{event['slug']}/"


def path_of(href: str) -> str:
    """A scheme href as a request target (``video.php?id=3`` -> ``/video.php?id=3``)."""
    return href if href.startswith("/") else "/" + href


@dataclass(frozen=True)
class Route:
    """What a section URL asks for. ``kind``: video_list, video, event_list, event or redirect."""

    kind: str
    page: int = 1
    key: object = None  # the video/event id, the (url_date, slug) of a scheme "b" event, a redirect target


_B_VIDEO_PAGE = re.compile(r"^/media/filmer/sida-(\d+)/$")
_B_VIDEO = re.compile(r"^/media/filmer/(\d+)-([a-z0-9-]+)\.html$")
_B_EVENT_PAGE = re.compile(r"^/evenemang/arkiv-(\d+)\.html$")
_B_EVENT = re.compile(r"^/evenemang/(?:(\d{4})/(\d{2})/(\d{2})|odaterat)/([a-z0-9-]+)/$")


def _int(values: list[str] | None) -> int | None:
    if not values:
        return None
    value = values[0].strip()
    return int(value) if value.isdigit() else None


def match(scheme: str, path: str, query: dict[str, list[str]]) -> Route | None:
    """The section route of a request, or None when the path is not one of the scheme's section pages.

    Ids, slugs and page numbers are checked by the caller (which answers 404 for unknown ones); a
    query value that is not a number gives the page/id -1, which is never valid.
    """
    if check(scheme) == "a":
        kinds = {"/video.php": ("video_list", "video"), "/kalender.php": ("event_list", "event")}
        if path not in kinds:
            return None
        list_kind, item_kind = kinds[path]
        if "id" in query:
            number = _int(query.get("id"))
            return Route(item_kind, key=-1 if number is None else number)
        if "sida" in query:
            number = _int(query.get("sida"))
            return Route(list_kind, page=-1 if number is None else number)
        return Route(list_kind)
    if path == "/media/filmer":
        return Route("redirect", key="/media/filmer/")
    if path == "/evenemang":
        return Route("redirect", key="/evenemang/")
    if path == "/media/filmer/":
        return Route("video_list")
    if path == "/evenemang/":
        return Route("event_list")
    if m := _B_VIDEO_PAGE.match(path):
        page = int(m.group(1))
        return Route("video_list", page=page if page >= 2 else -1)  # page 1 is /media/filmer/ only
    if m := _B_VIDEO.match(path):
        return Route("video", key=(int(m.group(1)), m.group(2)))
    if m := _B_EVENT_PAGE.match(path):
        page = int(m.group(1))
        return Route("event_list", page=page if page >= 2 else -1)
    if m := _B_EVENT.match(path):
        url_date = "-".join(m.group(1, 2, 3)) if m.group(1) else None
        return Route("event", key=(url_date, m.group(4)))
    return None
