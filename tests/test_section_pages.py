"""Acceptance tests on hand-made pages of the Video section and the calendar, in markup the parsers have never seen.

The real URLs and HTML of these sections are unknown (see docs/site.md), so these pages were written
independently of the parser code, from the site model only. Each page is a pair in tests/section_pages/:
``<name>.html`` holds the bytes exactly as served (in the page's own encoding) and ``<name>.json`` holds the
URL, the HTTP Content-Type header served with it, the kind of page ("video" or "event"), notes on what the
page exercises and the values a correct parser must return. ``expected: null`` marks a page that is not a
single video / event (an archive or list page): the parser must return None.

Expected values were written by hand from the visible text of the page (text as a browser shows it: runs
of whitespace and NBSP collapse to one space, ends stripped), never computed by the code under test. Every
field is checked on its own (as a subtest when pytest has the ``subtests`` fixture), so a failure names the
page and the field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knytscrape.parsers.event import EventParser
from knytscrape.parsers.video import VideoParser
from knytscrape.pipelines.dates import event_times
from tests.fixture_pages import as_int, decode_page, field_of, load_page

PAGES = Path(__file__).parent / "section_pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.json"))

VIDEO_FIELDS = (
    "title",
    "published_raw",
    "description",
    "provider",
    "provider_id",
    "embed_url",
    "thumbnail_url",
    "duration",
    "article_id",
)
EVENT_FIELDS = ("title", "location", "organiser", "status")
EVENT_TIME_FIELDS = ("starts_at", "ends_at", "all_day")


def _run_video(check, name: str, meta: dict, body: bytes) -> None:
    html = decode_page(check, name, body, meta["content_type"])
    item = VideoParser().parse(html, meta["url"])
    exp = meta["expected"]
    if exp is None:  # an archive/list page, not one video: no item at all
        check("parse() result", item, None)
        return
    assert item is not None, f"{name}: VideoParser().parse returned None"
    for field in VIDEO_FIELDS:
        actual = field_of(item, field)
        if field in ("duration", "article_id"):
            actual = as_int(actual)
        check(field, actual, exp[field])


def _run_event(check, name: str, meta: dict, body: bytes) -> None:
    html = decode_page(check, name, body, meta["content_type"])
    item = EventParser().parse(html, meta["url"])
    exp = meta["expected"]
    if exp is None:  # the calendar list, not one event: no item at all
        check("parse() result", item, None)
        return
    assert item is not None, f"{name}: EventParser().parse returned None"
    for field in EVENT_FIELDS:
        check(field, field_of(item, field), exp[field])
    try:
        times = event_times(field_of(item, "date_text"), field_of(item, "time_text"), field_of(item, "default_year"))
    except Exception as exc:  # noqa: BLE001 - report as a field failure, keep checking the rest
        times = (f"<event_times raised {exc!r}>",) * 3
    starts_at, ends_at, all_day = times
    check("starts_at", starts_at, exp["starts_at"])
    check("ends_at", ends_at, exp["ends_at"])
    check("all_day", all_day, exp["all_day"])


RUNNERS = {"video": _run_video, "event": _run_event}


def test_fixture_set_is_complete():
    """Every page has its HTML next to its JSON, each JSON names a known kind and has every expected field."""
    assert len(NAMES) >= 32, NAMES  # pages are added, never dropped
    kinds = {"video": 0, "event": 0}
    for name in NAMES:
        meta, body = load_page(PAGES, name)
        assert meta["kind"] in RUNNERS, (name, meta["kind"])
        assert body, name
        assert meta["url"] and meta["notes"], name
        kinds[meta["kind"]] += 1
        exp = meta["expected"]
        if exp is None:
            continue
        fields = VIDEO_FIELDS if meta["kind"] == "video" else EVENT_FIELDS + EVENT_TIME_FIELDS
        assert set(exp) == set(fields), (name, sorted(set(exp) ^ set(fields)))
    assert kinds["video"] >= 7 and kinds["event"] >= 6, kinds


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_page(name, check):
    meta, body = load_page(PAGES, name)
    RUNNERS[meta["kind"]](check, name, meta, body)
