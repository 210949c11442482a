"""The cheap reading of a page that the ceiling client (a) and the bare Scrapy spider (b) both do: lxml's
parse, the title, the ``Publicerat`` date line and the links. Not the project's parsers: this is what any
crawler of the site does at least, so that (a) and (b) differ only by the framework around it."""

from __future__ import annotations

import functools

import lxml.etree
import lxml.html


@functools.lru_cache(maxsize=16)
def html_parser(charset: str | None) -> lxml.html.HTMLParser:
    try:
        return lxml.html.HTMLParser(encoding=charset) if charset else lxml.html.HTMLParser()
    except LookupError:  # a charset lxml does not know: let it guess, as for a header without one
        return lxml.html.HTMLParser()


def charset_of(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return None


def extract(body: bytes, content_type: str | None) -> dict:
    """Title, date line and links of an HTML page (empty fields for anything else)."""
    if not body or not (content_type or "text/html").startswith("text/html"):
        return {"title": "", "published": "", "links": []}
    try:
        document = lxml.html.document_fromstring(body, parser=html_parser(charset_of(content_type)))
    except (lxml.etree.ParserError, ValueError):
        return {"title": "", "published": "", "links": []}
    heading = document.find(".//h1")
    title = heading.text_content() if heading is not None else document.findtext(".//title") or ""
    published = ""
    for text in document.itertext():
        if "Publicerat" in text:
            published = text.strip()
            break
    links = [anchor.get("href") for anchor in document.iter("a") if anchor.get("href")]
    return {"title": title.strip(), "published": published, "links": links}
