"""The records a crawl produces, one class per kind.

Parsers fill what the page shows; pipelines fill what is derived (ISO dates, ids, counts). Field names
are the database columns of docs/interface.md unless a comment says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Record:
    """What storage writes as seen on the site. ``captured_at`` / ``first_captured_at`` are set only by
    ``knytscrape reparse``: when the page it was read from was captured (the capture read), and first
    captured; storage otherwise takes the time it writes."""

    captured_at: str | None = field(default=None, kw_only=True)
    first_captured_at: str | None = field(default=None, kw_only=True)


@dataclass
class ImageItem:
    """One picture of an article: an inline picture of the old template or gallery image K."""

    position: int  # 1-based, page order (for gallery images: K of artiklar.php?id=N&img=K)
    url: str  # absolute
    caption: str | None = None
    credit: str | None = None
    kind: str = "inline"  # "inline" (in the text) or "gallery" (from an &img=K view)
    page_url: str | None = None  # the page it was read from
    id: str | None = None  # set by the images pipeline: "<article_id>-<position>"
    article_id: int | None = None
    local_path: str | None = None  # set by the image files pipeline, when downloading is on
    file_size: int | None = None
    checksum: str | None = None


@dataclass
class CommentItem:
    """One reader comment, as printed under ``Kommentarer:``."""

    position: int  # 1-based, page order
    author: str | None
    posted_raw: str | None  # the date text as printed
    text: str  # plain text, paragraphs separated by a blank line
    posted: str | None = None  # ISO 8601, set by the dates pipeline
    id: str | None = None  # stable hash, set by the comments pipeline
    article_id: int | None = None


@dataclass
class ArticleItem(Record):
    id: int
    url: str  # canonical, on knytpunkt.se
    source_url: str  # the URL actually fetched
    title: str | None
    published_raw: str | None
    lead: str | None
    body: str | None
    credit: str | None
    image_count: int | None  # the number the gallery line declares
    gallery_line: str | None = None
    lead_image_url: str | None = None
    template: str = "modern"  # "modern" (title twice, gallery line) or "old" (2007–2010, inline pictures)
    published: str | None = None  # set by the dates pipeline
    images: list[ImageItem] = field(default_factory=list)
    comments: list[CommentItem] = field(default_factory=list)
    has_comment_section: bool = False
    comment_count: int | None = None  # comments stored, set by the comments pipeline
    comment_count_listed: int | None = None  # "Kommentarer [ N ]" in the yearly archive, when seen
    gallery_positions: list[int] = field(default_factory=list)  # K of the &img=K links on the page
    page: PageInfo | None = None  # validators of the article page, stored with the article
    gallery_incomplete: bool = False  # a view failed or the gallery was capped: images missing now are not "removed"
    view_failed: bool = False  # a gallery view failed: the article stays in the ledger of what is missing
    body_hash: str | None = None  # of the article page as fetched: tells a damaged page seen twice
    unread: str | None = None  # why landmarks of the page could not be read (it is stored all the same)
    zone_cuts: dict[str, int] = field(default_factory=dict)  # zone rule -> lines it kept out of the text (stats)
    missing_files: list[tuple[str, str]] = field(default_factory=list)  # (picture URL, why) not downloaded
    content_hash: str | None = None  # set by storage: a hash of everything the article shows
    first_seen: str | None = None  # set by storage
    last_seen: str | None = None


@dataclass
class VideoItem(Record):
    id: str  # the provider's id ("youtube:ID") or a hash of the player address: stable across URL schemes
    url: str  # the video's page
    title: str | None
    published_raw: str | None
    description: str | None
    embed_url: str | None  # absolute address of the player or file
    provider: str | None  # youtube, vimeo, file, flash, or iframe (another player)
    provider_id: str | None = None
    thumbnail_url: str | None = None
    duration_raw: str | None = None
    duration: int | None = None  # seconds
    article_id: int | None = None  # explicit link; the storage pipeline falls back to title equality
    article_link: bool = False  # True when article_id came from an explicit link
    published: str | None = None  # set by the dates pipeline


@dataclass
class EventItem(Record):
    id: str  # from the page address (or date and title for an entry that only the sidebar shows)
    url: str | None  # the event's page; None for a sidebar-only entry
    title: str | None
    date_raw: str | None  # the date and time lines as printed, joined by " | "
    date_text: str | None = None  # the date (or date span) part, label removed
    time_text: str | None = None  # the time part ("13.00–17.00"), when printed apart
    location: str | None = None
    organiser: str | None = None
    description: str | None = None
    status: str = "scheduled"  # scheduled, cancelled, postponed
    previous_date_raw: str | None = None  # the old date of a moved event, as printed
    default_year: int | None = None  # a year the page makes certain, for year-less dates
    source: str = "page"  # "page" or "sidebar"
    starts_at: str | None = None  # set by the dates pipeline
    ends_at: str | None = None
    all_day: bool | None = None
    previous_starts_at: str | None = None


@dataclass
class PageInfo:
    """What the site answered for a page: stored with the records read from it, in one transaction."""

    url_key: str  # path and query, the same on every host
    etag: str | None
    last_modified: str | None
    body_hash: str


@dataclass
class SeenItem(Record):
    """A stored article the site still shows unchanged (304 Not Modified, or the same body)."""

    article_id: int


@dataclass
class GoneItem(Record):
    """A stored article whose page the site no longer serves (404 / 410)."""

    article_id: int


@dataclass
class ListedCountItem(Record):
    """The comment count a yearly archive prints for an article ("Kommentarer [ N ]")."""

    article_id: int
    comment_count: int


@dataclass
class ListedCountsItem(Record):
    """The comment counts a list page prints for its articles, as (article id, count): one item a page, not one
    an article, so a yearly archive of hundreds of articles passes the engine and the pipelines once."""

    url: str  # the list page (its ledger entry when the counts cannot be stored)
    counts: list[tuple[int, int]]


@dataclass
class SeenRecordItem(Record):
    """A stored video or event still listed by its section, not fetched again this run."""

    table: str
    record_id: str


@dataclass
class FailedPageItem:
    """A page the run could not get whole (after its retries), for the ledger of what is missing."""

    spider: str
    url: str  # as requested
    url_key: str  # path and query, the same on every host
    kind: str  # http_503, timeout, connection_lost, short_body, incomplete_html, damaged, storage, not_found, ...
    reason: str  # one plain line
    article_id: int | None = None
    attempts: int = 1  # requests made for it in this run
    linked: bool = True  # the page is known to exist (linked, or stored before); False for a guess of the id walk
    detail: str | None = None  # for a damaged page: its body hash


@dataclass
class ResolvedPageItem:
    """A page of the ledger that this run read whole: its entry is closed."""

    spider: str
    url_key: str
