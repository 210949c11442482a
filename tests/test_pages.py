"""Acceptance tests on hand-made Knytpunkt pages in markup the parsers have never seen.

Each page is a pair in tests/pages/: ``<name>.html`` holds the bytes exactly as served (in the page's own
encoding) and ``<name>.json`` holds the URL, the HTTP Content-Type header served with it, the kind of page
and the values a correct parser must return. The expected values were written by hand from the visible
text of the page (text as a browser shows it: runs of whitespace and NBSP collapse to one space, ends
stripped), never computed by the code under test.

Every field is checked on its own (as a subtest when the running pytest has the ``subtests`` fixture),
so a failure names the page and the field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knytscrape.parsers.archive import parse_archive
from knytscrape.parsers.article import ArticleParser
from knytscrape.parsers.gallery import page_fingerprint, parse_gallery_view
from tests.fixture_pages import as_int, decode_page, field_of, load_page

PAGES = Path(__file__).parent / "pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.json"))

ARTICLE_FIELDS = ("title", "published_raw", "lead", "body", "credit", "image_count")
IMAGE_FIELDS = ("position", "url", "caption", "credit")
COMMENT_FIELDS = ("position", "author", "posted_raw", "text")


def _check_list(check, label: str, items, expected: list[dict], fields: tuple[str, ...]) -> None:
    items = list(items or [])
    check(f"{label} count", len(items), len(expected))
    for i, (item, exp) in enumerate(zip(items, expected, strict=False), start=1):
        for field in fields:
            actual = field_of(item, field)
            if field == "position":
                actual = as_int(actual)
            check(f"{label}[{i}].{field}", actual, exp[field])


def _run_article(check, name: str, meta: dict, body: bytes) -> None:
    html = decode_page(check, name, body, meta["content_type"])
    item = ArticleParser().parse(html, meta["url"])
    exp = meta["expected"]
    if exp is None:  # a page that is not an article (e.g. a missing id answered with 200): no item at all
        check("parse() result", item, None)
        return
    assert item is not None, f"{name}: ArticleParser().parse returned None"
    check("id", as_int(field_of(item, "id")), exp["id"])
    for field in ARTICLE_FIELDS:
        actual = field_of(item, field)
        if field == "image_count" and actual is not None:
            actual = as_int(actual)
        check(field, actual, exp[field])
    if "unread" in exp:  # a page stored with landmarks missing says so (the reason's words are the code's)
        check("unread given", bool(field_of(item, "unread")), exp["unread"])
    _check_list(check, "images", field_of(item, "images"), exp["images"], IMAGE_FIELDS)
    _check_list(check, "comments", field_of(item, "comments"), exp["comments"], COMMENT_FIELDS)


def _run_gallery_view(check, name: str, meta: dict, body: bytes) -> None:
    base_name = Path(meta["base_page"]).stem
    base_meta, base_body = load_page(PAGES, base_name)
    base_html = decode_page(check, base_name, base_body, base_meta["content_type"])
    html = decode_page(check, name, body, meta["content_type"])
    known_images, known_lines = page_fingerprint(base_html, base_meta["url"])
    image = parse_gallery_view(html, meta["url"], known_images, known_lines)
    assert image is not None, f"{name}: parse_gallery_view returned None"
    exp = meta["expected"]
    check("position", as_int(field_of(image, "position")), exp["position"])
    for field in ("url", "caption", "credit"):
        check(field, field_of(image, field), exp[field])


def _run_archive(check, name: str, meta: dict, body: bytes) -> None:
    html = decode_page(check, name, body, meta["content_type"])
    entries = list(parse_archive(html, meta["url"]) or [])
    expected = meta["expected"]["entries"]
    check("entries count", len(entries), len(expected))
    check(
        "entries article_id (page order)",
        [as_int(field_of(e, "article_id")) for e in entries],
        [e["article_id"] for e in expected],
    )
    for i, (entry, exp) in enumerate(zip(entries, expected, strict=False), start=1):
        check(f"entries[{i}].article_id", as_int(field_of(entry, "article_id")), exp["article_id"])
        check(f"entries[{i}].published_raw", field_of(entry, "published_raw"), exp["published_raw"])
        check(f"entries[{i}].comment_count", as_int(field_of(entry, "comment_count")), exp["comment_count"])


RUNNERS = {"article": _run_article, "gallery_view": _run_gallery_view, "archive": _run_archive}


def test_fixture_set_is_complete():
    """Every page has its HTML next to its JSON, and each JSON names a known kind."""
    assert len(NAMES) >= 78, NAMES  # pages are added, never dropped
    for name in NAMES:
        meta, body = load_page(PAGES, name)
        assert meta["kind"] in RUNNERS, (name, meta["kind"])
        assert body, name
        if meta["kind"] == "gallery_view":
            assert (PAGES / meta["base_page"]).exists(), (name, meta["base_page"])


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_page(name, check):
    meta, body = load_page(PAGES, name)
    RUNNERS[meta["kind"]](check, name, meta, body)
