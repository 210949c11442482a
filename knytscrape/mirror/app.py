"""The mirror as a pure function: a request path in, status + headers + bytes out.

:func:`render` is what the HTTP server calls and what tests call without a server.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from knytscrape.mirror import encodings, images, media, schemes, sections
from knytscrape.mirror.model import (
    ABOUT_VARIANT,
    ENCODINGS,
    HOME_VARIANT,
    LAYOUTS,
    Site,
    archive_variant,
    get_site,
)
from knytscrape.mirror.templates import RENDERERS
from knytscrape.mirror.templates.common import Page

ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\n"
PHP_HEADERS = {"X-Powered-By": "PHP/5.2.17"}


@dataclass(frozen=True)
class MirrorResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def render(
    path_with_query: str,
    layout: str | None = None,
    encoding: str | None = None,
    extra_articles: int = 0,
    scheme: str = "a",
) -> MirrorResponse:
    """Answer one GET request of the mirror.

    ``path_with_query`` is the request target (``/artiklar.php?id=512&img=2``; a full URL is accepted
    too, its host is ignored). ``layout`` / ``encoding`` force every page into one markup variant /
    one encoding; None keeps each page's default. ``extra_articles`` adds that many synthetic articles.
    ``scheme`` ("a" or "b") picks the URL scheme of the Video and Kalender sections.
    """
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    if encoding is not None and encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; expected one of {ENCODINGS}")
    schemes.check(scheme)
    status, headers, body = _render_cached(path_with_query, layout, encoding, int(extra_articles), scheme)
    return MirrorResponse(status=status, headers=dict(headers), body=body)


@functools.lru_cache(maxsize=4096)
def _render_cached(
    target: str, layout: str | None, encoding: str | None, extra_articles: int, scheme: str = "a"
) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
    status, headers, body = _route(target, layout, encoding, get_site(extra_articles), scheme)
    headers = {**headers, "Content-Length": str(len(body))}
    return status, tuple(headers.items()), body


def render_site(
    site: Site, path_with_query: str, layout: str | None = None, encoding: str | None = None, scheme: str = "a"
) -> MirrorResponse:
    """:func:`render` for a given site model (a changed one, see ``mutations``): not cached, the caller
    caches (a :class:`knytscrape.mirror.history.SiteState` does)."""
    status, headers, body = _route(path_with_query, layout, encoding, site, scheme)
    return MirrorResponse(status=status, headers={**headers, "Content-Length": str(len(body))}, body=body)


def _first_int(query: dict[str, list[str]], name: str) -> int | None:
    values = query.get(name)
    if not values:
        return None
    value = values[0].strip()
    return int(value) if value.isdigit() else None


def _route(
    target: str, layout: str | None, encoding: str | None, site: Site, scheme: str = "a"
) -> tuple[int, dict, bytes]:
    parts = urlsplit(target)
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = parse_qs(parts.query, keep_blank_values=True)

    def page(variant: tuple[str, str], doc_title: str, deep: bool = False) -> Page:
        """``deep``: the page sits below the root, so its relative links are written root-relative."""
        return Page(
            chrome=site.chrome_for(scheme, rooted=deep),
            layout=layout or variant[0],
            encoding=encoding or variant[1],
            doc_title=doc_title,
            root="/" if deep else "",
        )

    def html_response(p: Page, text: str, status: int = 200) -> tuple[int, dict, bytes]:
        headers = {"Content-Type": encodings.content_type(p.encoding), **PHP_HEADERS}
        return status, headers, encodings.encode(text, p.encoding)

    if path in ("/", "/index.php"):
        p = page(HOME_VARIANT, "Knytpunkt – Start")
        return html_response(p, RENDERERS[p.layout].home(p, site.home_entries()))

    if path == "/artiklar.php":
        article = site.by_id.get(_first_int(query, "id"))
        if article is None:
            return _not_found(path)
        img_requested = "img" in query
        view = site.article_view(article, _first_int(query, "img"), img_requested)
        p = page((article["layout"], article["encoding"]), f"Knytpunkt – {article['title']}")
        return html_response(p, RENDERERS[p.layout].article(p, view))

    if path == "/art_ar.php":
        year, cat = _first_int(query, "ar"), _first_int(query, "kat_id")
        if year is None or cat not in site.categories or not 1990 <= year <= 2100:
            return _not_found(path)
        name = site.categories[cat]
        p = page(archive_variant(year), f"Knytpunkt – Arkiv {year} {name}")
        return html_response(p, RENDERERS[p.layout].archive(p, year, name, site.archive_entries(year, cat)))

    if path == "/om.php":
        about = site.config["about"]
        p = page(ABOUT_VARIANT, f"Knytpunkt – {about['title']}")
        return html_response(p, RENDERERS[p.layout].about(p, about))

    route = schemes.match(scheme, path, query)
    if route is not None:
        return _section(route, site, scheme, page, html_response, path)

    if path == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, ROBOTS_TXT.encode("ascii")

    if path == "/admin" or path.startswith("/admin/"):
        return _error(403, "Forbidden", "You don't have permission to access this resource.")

    if path.startswith("/bilder/") and path[1:] in site.images:
        return 200, {"Content-Type": images.content_type(path)}, images.image_bytes(path[1:])

    if path[1:] in site.media:
        return 200, {"Content-Type": media.content_type(path)}, media.media_bytes(path[1:])

    return _not_found(path)


def _section(route: schemes.Route, site, scheme: str, page, html_response, path: str) -> tuple[int, dict, bytes]:
    """The Video and Kalender pages of ``scheme``: lists, one video, one event (404 for unknown ones)."""
    deep = scheme == "b"
    if route.kind == "redirect":
        return _redirect(route.key)
    if route.kind == "video_list":
        listing = site.video_list(scheme, route.page)
        if listing is None:
            return _not_found(path)
        title = "Knytpunkt – Video" + (f" – sida {route.page}" if route.page > 1 else "")
        p = page(sections.VIDEO_LIST_VARIANT, title, deep)
        return html_response(p, RENDERERS[p.layout].video_list(p, listing))
    if route.kind == "event_list":
        listing = site.event_list(scheme, route.page)
        if listing is None:
            return _not_found(path)
        title = "Knytpunkt – Kalender" + (f" – sida {route.page}" if route.page > 1 else "")
        p = page(sections.EVENT_LIST_VARIANT, title, deep)
        return html_response(p, RENDERERS[p.layout].event_list(p, listing))
    if route.kind == "video":
        video = site.find_video(route.key)
        if video is None:
            return _not_found(path)
        p = page((video["layout"], video["encoding"]), f"Knytpunkt – Video – {video['title']}", deep)
        return html_response(p, RENDERERS[p.layout].video(p, site.video_view(scheme, video)))
    event = site.find_event(route.key)
    if event is None:
        return _not_found(path)
    p = page((event["layout"], event["encoding"]), f"Knytpunkt – Kalender – {event['title']}", deep)
    return html_response(p, RENDERERS[p.layout].event(p, site.event_view(scheme, event)))


def _redirect(location: str) -> tuple[int, dict, bytes]:
    text = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        "<html><head>\n<title>301 Moved Permanently</title>\n</head><body>\n"
        f'<h1>Moved Permanently</h1>\n<p>The document has moved <a href="{html.escape(location)}">here</a>.</p>\n'
        "</body></html>\n"
    )
    headers = {"Location": location, "Content-Type": "text/html; charset=iso-8859-1"}
    return 301, headers, text.encode("ascii")


def _error(status: int, reason: str, message: str) -> tuple[int, dict, bytes]:
    text = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head>\n<title>{status} {reason}</title>\n</head><body>\n"
        f"<h1>{reason}</h1>\n<p>{html.escape(message)}</p>\n</body></html>\n"
    )
    return status, {"Content-Type": "text/html; charset=iso-8859-1"}, text.encode("ascii", "xmlcharrefreplace")


def _not_found(path: str) -> tuple[int, dict, bytes]:
    return _error(404, "Not Found", f"The requested URL {path} was not found on this server.")
