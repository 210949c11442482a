"""What the reading pages show: an article, a video or an event gathered from the archive's tables.

Used by the Datasette plugin for the row pages of ``articles``, ``videos`` and ``events`` (templates in
knytscrape/datasette_plugin/templates/). Everything here is plain data: the templates escape every piece
of site text, and only http(s) addresses from the site reach a link or a picture (``web_url``).
Only SELECTs, through Datasette's async ``execute``. ``row_url(table, key)`` makes the link to another
record's page (the plugin passes one built on Datasette's URL helpers); ``images_url`` is where the
downloaded pictures are served, None when they are not. Where they are served, every picture and media
file the crawl downloaded is shown from there (``Copies``), so a page reads the same when the site, or
the copy of it that was crawled, no longer answers.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from itertools import groupby
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from knytscrape.publish import IMAGES_MOUNT
from knytscrape.urls import SITE_HOSTS

IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp)$", re.I)
# The page's words for a video's player, in Swedish as every label a visitor sees: (name, what its link says).
# A provider not named here shows its stored name.
PROVIDERS = {
    "youtube": ("YouTube", "Spela upp på YouTube"),
    "vimeo": ("Vimeo", "Spela upp på Vimeo"),
    "dailymotion": ("Dailymotion", "Spela upp på Dailymotion"),
    "bambuser": ("Bambuser", "Spela upp på Bambuser"),
    "qbrick": ("Qbrick", "Spela upp hos Qbrick"),
    "facebook": ("Facebook", "Spela upp på Facebook"),
    "flash": ("Flash", "Öppna Flash-spelaren"),
    "file": ("videofil", "Spela upp videofilen"),
    "iframe": ("inbäddad spelare", "Öppna spelaren"),
}
# An event's status (events.status: scheduled, cancelled, postponed) as the page says it; a scheduled event
# says nothing. A postponed event, or one whose start moved between crawls (previous_starts_at), whose
# earlier start is known was moved ("Flyttat"); without it, it is only put off ("Uppskjutet").
EVENT_STATUS = {"cancelled": "Inställt", "postponed": "Uppskjutet"}
MOVED = "Flyttat"


def paragraphs(text: str | None) -> list[list[str]]:
    """Stored text -> paragraphs (split at blank lines), each a list of its lines (a ``<br>`` on the site)."""
    if not text:
        return []
    blocks = re.split(r"\n\s*\n", text.strip())
    return [[line.strip() for line in block.split("\n") if line.strip()] for block in blocks if block.strip()]


# ImagesPipeline keeps full/<sha1>.jpg and thumbs/<size>/<sha1>.jpg under its folder, wherever that is.
STORED_FILE = re.compile(r"(?:^|/)(?:full|thumbs/[^/]+)/(?P<name>[^/]+)$")


def local_image_source(url: str, local_path: str | None, images_url: str | None, size: str = "full") -> str:
    """The picture to show: the downloaded copy when the pictures are served (at ``images_url``, the
    ``images`` mount of Datasette, e.g. "/images/"), as the full picture or a thumbnail ``size``; else
    the site's address."""
    match = STORED_FILE.search((local_path or "").replace("\\", "/"))
    if not match or not images_url:
        return url
    folder = "full" if size == "full" else f"thumbs/{size}"
    return f"{images_url}{folder}/{match.group('name')}"


def copy_path(url: str, media: bool = False) -> str:
    """Where the image pipeline keeps the download of ``url`` under its folder: a picture as Scrapy's
    ImagesPipeline names it (``full/<sha1>.jpg``), a video's media file as it came (``media/<sha1>.<ext>``)."""
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()  # noqa: S324 (a file name, as Scrapy's)
    if not media:
        return f"full/{digest}.jpg"
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return f"media/{digest}{suffix if re.fullmatch(r'[.][a-z0-9]{1,5}', suffix) else '.bin'}"


class Copies:
    """The downloaded copies of pictures and media files that no ``images`` row records (an article's
    lead picture, a video's picture and media file): found by their address in the served folder."""

    def __init__(self, database, images_url: str | None):
        """``database``: a Datasette database (or the Datasette itself), whose ``images`` mount is searched."""
        self.images_url = images_url
        mounts = getattr(getattr(database, "ds", database), "static_mounts", None) or ()
        folders = [Path(folder) for mount, folder in mounts if mount == IMAGES_MOUNT]
        self.folder = folders[0] if folders and images_url else None

    def source(self, url: str | None, media: bool = False) -> str | None:
        """The served copy of ``url`` when it was downloaded, else ``url`` itself."""
        if not url or self.folder is None:
            return url
        path = copy_path(url, media)
        return f"{self.images_url}{path}" if (self.folder / path).is_file() else url


def original_link(record: dict) -> None:
    """The record's page on the site (``original_url``). An address on a copy of the site (the offline
    mirror, a test server) is marked as such (``original_copy``: its host), as it may no longer answer."""
    url = web_url(record.get("url"))
    record["original_url"] = url
    host = urlsplit(url).netloc if url else ""
    record["original_copy"] = host if url and host.split(":")[0].lower() not in SITE_HOSTS else None


def web_url(value: str | None) -> str | None:
    """An address a page may link or load: http(s) only. Anything else the site printed (``javascript:``,
    ``data:``, a bare word) stays in the stored record but is not put into a link."""
    if isinstance(value, str) and re.match(r"https?://", value.strip(), re.I):
        return value.strip()
    return None


def is_image_url(value: str) -> bool:
    return IMAGE_FILE.search(value.split("?", 1)[0]) is not None


async def _all(database, sql: str, params: dict) -> list[dict]:
    return [dict(row) for row in (await database.execute(sql, params)).rows]


async def _one(database, table: str, key, columns: str = "*") -> dict | None:
    """One record of a table the row page stands on (so it exists), or None."""
    rows = await _all(database, f"SELECT {columns} FROM [{table}] WHERE id = :id", {"id": key})
    return rows[0] if rows else None


async def article_view(database, article_id, row_url, images_url=None) -> dict | None:
    """An article with its text in paragraphs, its pictures (gallery and inline), comments and videos."""
    article = await _one(database, "articles", article_id)
    if article is None:
        return None
    key = {"id": article["id"]}
    copies = Copies(database, images_url)
    original_link(article)
    article["url"], article["lead_image_url"] = web_url(article.get("url")), web_url(article.get("lead_image_url"))
    article["lead_image_source"] = copies.source(article["lead_image_url"])
    article["lead_paragraphs"] = paragraphs(article.get("lead"))
    article["body_paragraphs"] = paragraphs(article.get("body"))
    images = []
    tables = set(await database.table_names())  # once per page: an older archive may lack some
    if "images" in tables:
        images = await _all(database, "SELECT * FROM images WHERE article_id = :id ORDER BY position, id", key)
    for image in images:
        image["url"] = web_url(image.get("url"))
        image["source"] = image["url"] and local_image_source(image["url"], image.get("local_path"), images_url)
        image["href"] = image["source"]  # the full picture: the archive's copy when it has one
    article["gallery"] = [image for image in images if image.get("kind") == "gallery"]
    article["inline_images"] = [image for image in images if image.get("kind") != "gallery"]
    article["comments"] = []
    if "comments" in tables:
        article["comments"] = await _all(
            database, "SELECT * FROM comments WHERE article_id = :id ORDER BY position, id", key)
        article["comments"] = in_page_order(_with_earlier_texts(article["comments"]))
    article["comments_on_site"] = sum(1 for comment in article["comments"] if not comment.get("removed_at"))
    article["comments_removed"] = len(article["comments"]) - article["comments_on_site"]
    article["videos"] = []
    if "videos" in tables:
        article["videos"] = [_with_player(video, copies) for video in await _all(
            database, "SELECT * FROM videos WHERE article_id = :id ORDER BY published, id", key)]
        for video in article["videos"]:
            video["href"] = row_url("videos", video["id"])
    article["older"], article["newer"] = await _neighbours(database, article, row_url)
    article["revision_count"] = 0
    if "revisions" in tables:
        rows = await _all(database, "SELECT count(*) AS n FROM revisions WHERE article_id = :id", key)
        article["revision_count"] = rows[0]["n"]
    return article


def _with_earlier_texts(comments: list[dict]) -> list[dict]:
    """The comments to show, each with its text in paragraphs; a comment edited on the site carries its
    earlier texts (the rows it ``replaces``, newest first) instead of showing them as comments of their own."""
    by_id = {comment["id"]: comment for comment in comments}
    replaced = {comment["replaces"] for comment in comments if comment.get("replaces")}
    for comment in comments:
        comment["paragraphs"] = paragraphs(comment.get("text"))
    shown = [comment for comment in comments if comment["id"] not in replaced]
    for comment in shown:
        comment["earlier"], earlier = [], by_id.get(comment.get("replaces"))
        while earlier is not None and earlier not in comment["earlier"]:
            comment["earlier"].append(earlier)
            earlier = by_id.get(earlier.get("replaces"))
    return shown


def _moment(value) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _existed_when(comment: dict, moment: datetime.datetime | None) -> bool:
    """Whether the comment (or an earlier text of it) was on the page at ``moment``; True when unknown."""
    firsts = [_moment(row.get("first_seen")) for row in (comment, *comment.get("earlier", ()))
              if row.get("first_seen")]
    firsts = [first for first in firsts if first is not None]
    return moment is None or not firsts or min(firsts) <= moment


def in_page_order(comments: list[dict]) -> list[dict]:
    """The comments as they stood on the page, the ones the site removed in their place.

    ``position`` is a comment's place on the page when it was last seen: the site's numbering closes up
    behind a removed comment, so a removed comment and a comment still there can share a position, and
    after several removals the positions of removed comments no longer fit between the current ones.
    The page is rebuilt backwards in time instead: from the comments on the site now (in position order),
    each removal is undone, latest first. A comment removed at position p goes back before the p-th of
    the comments that were on the page when it was last seen (comments first seen later did not count
    then), or after the last of them when it was the last. When none of them was there yet, it goes
    first: the site lists comments oldest first.
    """
    order = sorted((c for c in comments if not c.get("removed_at")), key=_position_key)
    earliest = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    undone = sorted((c for c in comments if c.get("removed_at")),
                    key=lambda c: (_moment(c["removed_at"]) or earliest, str(c["removed_at"])), reverse=True)
    for _, batch in groupby(undone, key=lambda c: str(c["removed_at"])):
        for comment in sorted(batch, key=_position_key):
            seen = _moment(comment.get("last_seen"))
            there = [index for index, other in enumerate(order) if _existed_when(other, seen)]
            before = max((comment.get("position") or len(there) + 1) - 1, 0)
            if before < len(there):
                order.insert(there[before], comment)
            else:  # it was the last of them
                order.insert(there[-1] + 1 if there else 0, comment)
    return order


def _position_key(comment: dict) -> tuple:
    position = comment.get("position")
    return (position is None, position or 0, str(comment.get("id")))


async def _neighbours(database, article: dict, row_url) -> tuple[dict | None, dict | None]:
    """The next older and the next newer dated article (by date, then id), to read on from this one."""
    if not article.get("published"):
        return None, None
    key = {"published": article["published"], "id": article["id"]}
    found = []
    for condition, order in (("(published, id) < (:published, :id)", "DESC"),
                             ("(published, id) > (:published, :id)", "ASC")):
        rows = await _all(database, f"SELECT id, title, published FROM articles WHERE published IS NOT NULL "
                                    f"AND {condition} ORDER BY published {order}, id {order} LIMIT 1", key)
        found.append({**rows[0], "href": row_url("articles", rows[0]["id"])} if rows else None)
    return found[0], found[1]


def _with_player(video: dict, copies: Copies | None = None) -> dict:
    """How the page plays a video: a ``<video>`` for a media file, else a picture linking to the player.

    Players of YouTube or Vimeo are not embedded, so that reading the archive sends nothing to them
    until the reader clicks.
    """
    copies = copies or Copies(None, None)
    original_link(video)
    video["url"], video["embed_url"] = web_url(video.get("url")), web_url(video.get("embed_url"))
    video["playable_file"] = copies.source(video["embed_url"], media=True) if video.get("provider") == "file" else None
    video["thumbnail"] = copies.source(web_url(video.get("thumbnail_url")))
    video["description_paragraphs"] = paragraphs(video.get("description"))
    provider = video.get("provider") or ""
    video["provider_name"], video["play_label"] = PROVIDERS.get(provider, (provider or "spelare", "Öppna spelaren"))
    return video


async def video_view(database, video_id, row_url, images_url=None) -> dict | None:
    """A video with its player (or link to it) and its companion article's title."""
    video = await _one(database, "videos", video_id)
    if video is None:
        return None
    video = _with_player(video, Copies(database, images_url))
    video["article"] = None
    if video.get("article_id") is not None:
        video["article"] = await _one(database, "articles", video["article_id"], "id, title")
        if video["article"] is not None:
            video["article"]["href"] = row_url("articles", video["article_id"])
    return video


async def event_view(database, event_id, row_url, images_url=None) -> dict | None:
    """An event with its description in paragraphs."""
    event = await _one(database, "events", event_id)
    if event is None:
        return None
    original_link(event)
    event["url"] = web_url(event.get("url"))
    event["description_paragraphs"] = paragraphs(event.get("description"))
    event["status_label"] = status_label(event.get("status"), event.get("previous_starts_at"))
    return event


def status_label(status: str | None, previous_starts_at: str | None = None) -> str | None:
    """What an event's page says of its status (``EVENT_STATUS``), None for an event as planned. A status
    the archive does not know is shown as stored."""
    if status == "cancelled":
        return EVENT_STATUS[status]
    if previous_starts_at and status in (None, "", "scheduled", "postponed"):
        return MOVED
    if not status or status == "scheduled":
        return None
    return EVENT_STATUS.get(status, status)


VIEWS = {"articles": ("knyt_article", article_view), "videos": ("knyt_video", video_view),
         "events": ("knyt_event", event_view)}
READING_TABLES = tuple(VIEWS)
