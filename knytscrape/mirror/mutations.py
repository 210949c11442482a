"""Changing the truth: edits of the ``{"articles", "videos", "events"}`` lists that
:meth:`knytscrape.mirror.model.Site.truth` returns, and the check that an edited truth can be served.

Every function here edits a truth dict in place and knows nothing of HTTP. A running
:class:`knytscrape.mirror.server.MirrorServer` applies them with ``server.mutate(fn)`` (all at once,
as one change of the site) or through its helpers (``server.remove_article(986)``), which wrap these.

    server.mutate(lambda truth: (remove_article(truth, 986), add_comment(truth, 1003, comment)))

Edits change exactly what they are given, with two conveniences: ``add_*`` fill the optional fields
of a new record with defaults (see ``*_DEFAULTS``), and :func:`update_event` keeps ``sidebar_date``
equal to the start date of a sidebar event whose ``starts_at`` changes. Derived keys (``paths``,
the resolved ``layout`` / ``encoding`` of a new record) are computed when the site is rebuilt.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from knytscrape.mirror.model import ENCODINGS, LAYOUTS

TZ = ZoneInfo("Europe/Stockholm")
MONTHS = [
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
    "november", "december",
]  # fmt: skip
COMMENT_STYLES = ("skrev", "skrivet_av", "pipe")
COMMENT_FIELDS = ("author", "posted_raw", "posted", "text", "style")
SLUG = re.compile(r"^[a-z0-9-]+$")  # what scheme "b" URLs can carry
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ARTICLE_FIELDS = (
    "id", "category", "published", "published_raw", "template", "title", "lead", "lead_image", "credit",
    "gallery_line", "image_count", "body", "images", "comments", "in_archive",
)  # fmt: skip
ARTICLE_REQUIRED = ("id", "title", "lead")  # and published_raw or published
ARTICLE_DEFAULTS = {
    "category": 1,
    "template": "modern",
    "lead_image": None,
    "credit": None,
    "gallery_line": None,  # derived from images when a modern article has some (see new_article)
    "image_count": None,
    "body": [],
    "images": [],
    "comments": None,
    "in_archive": True,
}

VIDEO_FIELDS = (
    "id", "slug", "title", "published_raw", "published", "description", "player", "embed_url", "thumbnail",
    "thumbnail_url_path", "duration_raw", "duration", "article_id", "article_link", "article_href",
)  # fmt: skip
VIDEO_REQUIRED = ("id", "slug", "title", "player")
VIDEO_DEFAULTS = {
    "description": None,
    "thumbnail": None,
    "duration_raw": None,
    "duration": None,
    "article_id": None,
    "article_link": False,
    "article_href": None,
}
PLAYER_FIELDS = ("kind", "markup", "src", "provider_id", "file", "source_element")
PLAYER_DEFAULTS = {"provider_id": None, "file": None, "source_element": False}

EVENT_FIELDS = (
    "id", "slug", "title", "date_text", "starts_at", "ends_at", "all_day", "location", "organiser",
    "description", "status", "status_raw", "previous_starts_at", "has_page", "in_sidebar", "sidebar_date",
    "url_date",
)  # fmt: skip
EVENT_REQUIRED = ("id", "slug", "title", "date_text", "starts_at")
EVENT_DEFAULTS = {
    "ends_at": None,
    "location": None,
    "organiser": None,
    "description": None,
    "status": "scheduled",
    "status_raw": None,
    "previous_starts_at": None,
    "has_page": True,
    "in_sidebar": False,
}


# -- building records ----------------------------------------------------------------------------------


def make_comment(author: str, text: str, posted: datetime | date | str, style: str = "skrev") -> dict:
    """A comment as stored in the truth, with ``posted_raw`` printed the way ``style`` prints it.

    ``posted``: a datetime (naive means Europe/Stockholm local time), an ISO string, or for the
    ``pipe`` style (a date only) also a date.
    """
    if style not in COMMENT_STYLES:
        raise ValueError(f"unknown comment style {style!r}; expected one of {COMMENT_STYLES}")
    if isinstance(posted, str):
        posted = datetime.fromisoformat(posted) if "T" in posted or " " in posted else date.fromisoformat(posted)
    if style == "pipe":
        day = posted.date() if isinstance(posted, datetime) else posted
        return {"author": author, "posted_raw": f"{day.day}/{day.month} {day.year}", "posted": day.isoformat(),
                "text": text, "style": style}  # fmt: skip
    if not isinstance(posted, datetime):
        raise ValueError(f"a {style!r} comment needs a time, not just the date {posted}")
    local = (posted.replace(tzinfo=TZ) if posted.tzinfo is None else posted.astimezone(TZ)).replace(
        second=0, microsecond=0
    )
    if style == "skrev":
        raw = local.strftime("%Y-%m-%d %H:%M")
    else:
        raw = f"{local.day} {MONTHS[local.month - 1]} {local.year} kl. {local:%H.%M}"
    return {"author": author, "posted_raw": raw, "posted": local.isoformat(), "text": text, "style": style}


def _iso_or_none(raw: str | None) -> str | None:
    if raw and ISO_DAY.match(raw):
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            return None
    return None


def new_article(article: dict) -> dict:
    """A full article record from the given fields: ``id``, ``title``, ``lead`` and ``published_raw``
    (or ``published``) are needed, the rest default (:data:`ARTICLE_DEFAULTS`). A modern article with
    ``images`` and no ``gallery_line`` gets ``"N Klickbara bilder."`` (``"1 Klickbar bild."``)."""
    record = {**{k: (list(v) if isinstance(v, list) else v) for k, v in ARTICLE_DEFAULTS.items()}, **article}
    missing = [k for k in ARTICLE_REQUIRED if k not in record]
    if "published_raw" not in record and "published" not in record:
        missing.append("published_raw")
    if missing:
        raise ValueError(f"a new article needs {', '.join(missing)}")
    record.setdefault("published_raw", record.get("published"))
    record.setdefault("published", _iso_or_none(record["published_raw"]))
    if record["template"] == "modern" and record["images"] and "gallery_line" not in article:
        n = len(record["images"])
        record["gallery_line"] = "1 Klickbar bild." if n == 1 else f"{n} Klickbara bilder."
        if "image_count" not in article:
            record["image_count"] = n
    return record


def new_video(video: dict) -> dict:
    """A full video record: ``id``, ``slug``, ``title`` and ``player`` (``kind``, ``markup``, ``src``)
    are needed. ``published`` / ``published_raw`` default to each other (or None), ``embed_url`` is
    derived from the player's ``src`` (``//`` made ``https:``, site-local ones without a leading ``/``),
    ``thumbnail_url_path`` from ``thumbnail``."""
    record = {**VIDEO_DEFAULTS, **video}
    missing = [k for k in VIDEO_REQUIRED if k not in record]
    if missing:
        raise ValueError(f"a new video needs {', '.join(missing)}")
    record["player"] = {**PLAYER_DEFAULTS, **record["player"]}
    record.setdefault("published_raw", record.get("published"))
    record.setdefault("published", _iso_or_none(record["published_raw"]))
    src = record["player"].get("src") or ""
    if "embed_url" not in record:
        if src.startswith("//"):
            record["embed_url"] = "https:" + src
        elif "://" in src:
            record["embed_url"] = src
        else:
            record["embed_url"] = src.lstrip("/")
    record.setdefault("thumbnail_url_path", record["thumbnail"])
    return record


def new_event(event: dict) -> dict:
    """A full event record: ``id``, ``slug``, ``title``, ``date_text`` and ``starts_at`` are needed.
    ``all_day`` follows ``starts_at`` (a date without a time), ``url_date`` is the start date (for an
    event with a page), ``sidebar_date`` the start date when ``in_sidebar``."""
    record = {**EVENT_DEFAULTS, **event}
    missing = [k for k in EVENT_REQUIRED if k not in record]
    if missing:
        raise ValueError(f"a new event needs {', '.join(missing)}")
    start = record["starts_at"]
    day = start[:10] if start else None
    record.setdefault("all_day", bool(start) and "T" not in start)
    record.setdefault("url_date", day if record["has_page"] else None)
    record.setdefault("sidebar_date", day if record["in_sidebar"] else None)
    return record


# -- edits ---------------------------------------------------------------------------------------------


def _index(records: list[dict], record_id: int, kind: str) -> int:
    for i, record in enumerate(records):
        if record["id"] == record_id:
            return i
    raise KeyError(f"no {kind} with id {record_id}")


def _add(records: list[dict], record: dict, kind: str) -> int:
    if any(r["id"] == record["id"] for r in records):
        raise ValueError(f"there is already a {kind} with id {record['id']}")
    records.append(record)
    records.sort(key=lambda r: r["id"])
    return record["id"]


def _update(records: list[dict], record_id: int, fields: dict, kind: str) -> dict:
    record = records[_index(records, record_id, kind)]
    unknown = sorted(set(fields) - set(record) - {"layout", "encoding"})
    if unknown:
        raise ValueError(f"unknown {kind} field(s) {unknown}")
    if "id" in fields and fields["id"] != record_id:
        raise ValueError("the id of a record cannot change: remove it and add a new one")
    record.update(fields)
    return record


def add_article(truth: dict, article: dict) -> int:
    """Add an article (see :func:`new_article` for the defaults); returns its id."""
    return _add(truth["articles"], new_article(article), "article")


def update_article(truth: dict, article_id: int, **fields) -> dict:
    """Replace fields of an article (``title``, ``lead``, ``body``, ``credit``, ``images``, ...)."""
    return _update(truth["articles"], article_id, fields, "article")


def remove_article(truth: dict, article_id: int) -> dict:
    """Take an article off the site (its page answers 404, it leaves the lists); returns it."""
    return truth["articles"].pop(_index(truth["articles"], article_id, "article"))


def add_comment(truth: dict, article_id: int, comment: dict, index: int | None = None) -> dict:
    """Add a comment (at the end, or before ``index``). A comment without ``posted_raw`` is completed
    with :func:`make_comment` from ``author``, ``text``, ``posted`` and ``style`` (default ``skrev``).
    An article without a comment section (``comments`` null) gets one."""
    if "posted_raw" not in comment:
        comment = make_comment(comment["author"], comment["text"], comment["posted"], comment.get("style", "skrev"))
    article = truth["articles"][_index(truth["articles"], article_id, "article")]
    comments = article["comments"] if article["comments"] is not None else []
    comments.insert(len(comments) if index is None else index, dict(comment))
    article["comments"] = comments
    return comment


def remove_comment(truth: dict, article_id: int, index: int) -> dict:
    """Delete comment ``index`` (0-based; negative counts from the end) of an article; returns it."""
    article = truth["articles"][_index(truth["articles"], article_id, "article")]
    if not article["comments"]:
        raise IndexError(f"article {article_id} has no comments")
    return article["comments"].pop(index)


def add_video(truth: dict, video: dict) -> int:
    """Add a video (see :func:`new_video`); the four highest ids are the sidebar's. Returns its id."""
    return _add(truth["videos"], new_video(video), "video")


def update_video(truth: dict, video_id: int, **fields) -> dict:
    return _update(truth["videos"], video_id, fields, "video")


def remove_video(truth: dict, video_id: int) -> dict:
    return truth["videos"].pop(_index(truth["videos"], video_id, "video"))


def add_event(truth: dict, event: dict) -> int:
    """Add an event (see :func:`new_event`); returns its id."""
    return _add(truth["events"], new_event(event), "event")


def update_event(truth: dict, event_id: int, **fields) -> dict:
    """Replace fields of an event. Moving one means new ``date_text`` / ``starts_at`` (and ``ends_at``,
    ``status_raw``, ``previous_starts_at`` as the page should say); its ``sidebar_date`` follows
    ``starts_at`` unless given. ``url_date`` (scheme "b"'s URL) stays: the site keeps the old URL."""
    event = truth["events"][_index(truth["events"], event_id, "event")]
    if "starts_at" in fields and "sidebar_date" not in fields and event["in_sidebar"] and fields["starts_at"]:
        fields = {**fields, "sidebar_date": fields["starts_at"][:10]}
    return _update(truth["events"], event_id, fields, "event")


def remove_event(truth: dict, event_id: int) -> dict:
    return truth["events"].pop(_index(truth["events"], event_id, "event"))


# -- the check -----------------------------------------------------------------------------------------


def check(truth: dict, categories: dict[int, str]) -> None:
    """Raise ValueError when the edited truth cannot be served as it is (a missing field, a duplicate
    id, an unknown category, a slug that scheme "b" cannot carry, ...)."""
    if set(truth) != {"articles", "videos", "events"} or not all(isinstance(v, list) for v in truth.values()):
        raise ValueError('the truth must stay {"articles": [...], "videos": [...], "events": [...]}')
    _check_records(truth["articles"], ARTICLE_FIELDS, "article")
    _check_records(truth["videos"], VIDEO_FIELDS, "video")
    _check_records(truth["events"], EVENT_FIELDS, "event")
    for a in truth["articles"]:
        where = f"article {a['id']}"
        _expect(a["category"] in categories, f"{where}: unknown category {a['category']!r}")
        _expect(a["template"] in ("modern", "old"), f"{where}: template must be 'modern' or 'old'")
        _expect(isinstance(a["published_raw"], str) and a["published_raw"][:4].isdigit(),
                f"{where}: published_raw must start with the year")  # fmt: skip
        _expect(isinstance(a["title"], str) and isinstance(a["lead"], str), f"{where}: title and lead are strings")
        _expect(isinstance(a["body"], list) and all(isinstance(p, str) for p in a["body"]),
                f"{where}: body is a list of strings")  # fmt: skip
        _expect(isinstance(a["images"], list) and all(isinstance(i, dict) and "src" in i for i in a["images"]),
                f"{where}: images are dicts with a src")  # fmt: skip
        if a["comments"] is not None:
            _expect(isinstance(a["comments"], list), f"{where}: comments is null or a list")
            for c in a["comments"]:
                _expect(isinstance(c, dict) and all(k in c for k in COMMENT_FIELDS),
                        f"{where}: a comment needs {COMMENT_FIELDS}")  # fmt: skip
                _expect(c["style"] in COMMENT_STYLES, f"{where}: unknown comment style {c['style']!r}")
    for v in truth["videos"]:
        where = f"video {v['id']}"
        _expect(_is_slug(v["slug"]), f"{where}: the slug must match {SLUG.pattern}")
        _expect(isinstance(v["player"], dict) and all(k in v["player"] for k in PLAYER_FIELDS),
                f"{where}: the player needs {PLAYER_FIELDS}")  # fmt: skip
    pages = set()
    for e in truth["events"]:
        where = f"event {e['id']}"
        _expect(_is_slug(e["slug"]), f"{where}: the slug must match {SLUG.pattern}")
        _expect(isinstance(e["date_text"], list) and len(e["date_text"]) > 0, f"{where}: date_text is a list of lines")
        _expect(e["url_date"] is None or bool(ISO_DAY.match(e["url_date"])), f"{where}: url_date is YYYY-MM-DD or null")
        _expect(not e["in_sidebar"] or isinstance(e["sidebar_date"], str), f"{where}: a sidebar event needs a date")
        if e["has_page"]:
            key = (e["url_date"], e["slug"])
            _expect(key not in pages, f"{where}: another event has the same scheme b URL {key}")
            pages.add(key)


def _check_records(records: list, fields: tuple[str, ...], kind: str) -> None:
    ids = set()
    for record in records:
        _expect(isinstance(record, dict), f"every {kind} must be a dict")
        missing = [k for k in fields if k not in record]
        _expect(not missing, f"{kind} {record.get('id')!r}: missing {missing}")
        _expect(isinstance(record["id"], int) and not isinstance(record["id"], bool), f"{kind} ids are ints")
        _expect(record["id"] not in ids, f"two {kind}s with id {record['id']}")
        ids.add(record["id"])
        _expect(record.get("layout") in (None, *LAYOUTS), f"{kind} {record['id']}: unknown layout")
        _expect(record.get("encoding") in (None, *ENCODINGS), f"{kind} {record['id']}: unknown encoding")


def _is_slug(value) -> bool:
    return isinstance(value, str) and bool(SLUG.match(value))


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)
