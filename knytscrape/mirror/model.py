"""The content model of the mirror: the articles (the truth), the site's chrome data and the indexes
the pages are built from (home page, yearly archives, the set of images that exist).

Nothing here produces markup: the renderers in ``templates/`` turn this model into HTML, each in its
own way. Everything is deterministic, so tests can compare what a scraper extracts with
:func:`load_articles`.
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from knytscrape.mirror import schemes, sections, synthetic

CONTENT_DIR = Path(__file__).resolve().parent / "content"

LAYOUTS = ("div", "table", "flat")
ENCODINGS = ("utf8", "latin1", "cp1252-meta", "nocharset", "wrong-header")

LOGO_SRC = "bilder/logo.png"
OVERLAY_SRC = "bilder/black.png"
# The style of the lightbox overlay, the same fragment that leaks into old article text.
OVERLAY_STYLE = "width:100%;background-image:URL(bilder/black.png)"

HOME_ARTICLES = 10
SIDEBAR_VIDEOS = 4
# Home page entries (0-based positions) whose link is written as an absolute URL on another host.
HOME_ABSOLUTE_POSITIONS = (2, 6)


def default_variant(article: dict) -> tuple[str, str]:
    """The (layout, encoding) an article page uses when the site is not forced into one.

    The article's own ``layout`` / ``encoding`` keys win (the content file sets them where an
    article departs from the rule); otherwise old-template articles are ``table``/``latin1`` and
    modern ones ``div``/``utf8``. Synthetic articles get theirs from their id (see ``synthetic``).
    """
    if article["template"] == "old":
        layout, encoding = "table", "latin1"
    else:
        layout, encoding = "div", "utf8"
    return article.get("layout") or layout, article.get("encoding") or encoding


def archive_variant(year: int) -> tuple[str, str]:
    """(layout, encoding) of the yearly archive pages: old years look old."""
    if year <= 2010:
        return ("table", "latin1") if year % 2 else ("flat", "cp1252-meta")
    return "div", "utf8"


HOME_VARIANT = ("div", "utf8")
ABOUT_VARIANT = ("table", "latin1")


def archive_year(article: dict) -> int:
    """The year whose archive lists the article: the year printed after ``Publicerat:``."""
    return int(article["published_raw"][:4])


def thumb_src(src: str) -> str:
    """``bilder/2012/512_1.jpg`` -> ``bilder/thumbs/2012/512_1.jpg``."""
    rest = src[len("bilder/") :] if src.startswith("bilder/") else src
    return "bilder/thumbs/" + rest


def gallery_thumb_src(article: dict, k: int) -> str:
    """Thumbnail of gallery image ``k`` (1-based), also for a declared image that does not exist."""
    if k <= len(article["images"]):
        return thumb_src(article["images"][k - 1]["src"])
    year = archive_year(article)
    return f"bilder/thumbs/{year}/{article['id']}_{k}.jpg"


def gallery_size(article: dict) -> int:
    """How many thumbnails the page shows: the declared count (or more, if more exist)."""
    if article["template"] != "modern" or not article.get("gallery_line"):
        return 0
    return max(article.get("image_count") or 0, len(article["images"]))


def comment_count(article: dict) -> int:
    return len(article["comments"] or [])


def article_href(article_id: int) -> str:
    return f"artiklar.php?id={article_id}"


def archive_href(year: int, cat: int) -> str:
    return f"art_ar.php?ar={year}&kat_id={cat}"


def archive_menu_href(year: int, cat: int) -> str:
    """The chrome's links to the yearly archives; some are written as absolute URLs on other hosts."""
    if year <= 2010:
        return "http://www.knytpunkt.com/" + archive_href(year, cat)
    if year == 2014:
        return "https://knytpunkt.se/" + archive_href(year, cat)
    return archive_href(year, cat)


def archive_entry_href(article: dict) -> str:
    """Links from archive entries: 2015-2018 articles with an odd id go through http://knytpunkt.com."""
    if 2015 <= archive_year(article) <= 2018 and article["id"] % 2:
        return "http://knytpunkt.com/" + article_href(article["id"])
    return article_href(article["id"])


@dataclass
class Chrome:
    """What every page shows around its content, as data."""

    menu: list[tuple[str, str, str]]  # (key, label, href) in order; key "archive" gets the year list
    archive: list[tuple[int, list[tuple[str, str]]]]  # (year, [(category name, href)]), newest first
    calendar: list[dict]  # {"date", "title", optional "href"}
    videos: list[dict]  # {"title", optional "href"}; four of them, the fifth slot is the player
    labels: dict[str, str]
    admin_href: str


@dataclass
class ArchiveEntry:
    article: dict
    href: str
    thumb: str | None
    credit: str | None
    comments: int


@dataclass
class ArticleView:
    """One article page: the article plus what the page around it needs."""

    article: dict
    thumbs: list[tuple[int, str, str]] = field(default_factory=list)  # (k, href, thumb src)
    lightbox: dict | None = None  # the gallery image shown large (&img=K), or None
    lightbox_requested: bool = False


class Site:
    """All articles (content file + synthetic ones) and the indexes built from them."""

    def __init__(self, extra_articles: int = 0):
        config = json.loads((CONTENT_DIR / "site.json").read_text(encoding="utf-8"))
        content = json.loads((CONTENT_DIR / "articles.json").read_text(encoding="utf-8"))
        articles = content + synthetic.generate(content, extra_articles)
        self._build(config, articles, _load("videos.json"), _load("events.json"))

    @classmethod
    def from_truth(cls, config: dict, articles: list[dict], videos: list[dict], events: list[dict]) -> Site:
        """A site built from given records (a changed copy of the truth; see ``mutations``) instead of
        the content files. The records are used as they are (not copied); derived keys (``paths``) are
        ignored, a missing ``layout`` / ``encoding`` is resolved as for the content files."""
        site = cls.__new__(cls)
        site._build(config, articles, videos, events)
        return site

    def _build(self, config: dict, articles: list[dict], videos: list[dict], events: list[dict]) -> None:
        self.config = config
        for article in articles:
            article["layout"], article["encoding"] = default_variant(article)
        self.articles: list[dict] = sorted(articles, key=lambda a: a["id"])
        self.by_id: dict[int, dict] = {a["id"]: a for a in self.articles}
        self.categories: dict[int, str] = {int(k): v for k, v in self.config["categories"].items()}

        self.archive: dict[tuple[int, int], list[dict]] = {}
        for article in reversed(self.articles):  # newest first
            if article["in_archive"]:
                key = (archive_year(article), article["category"])
                self.archive.setdefault(key, []).append(article)
        self.years = sorted({year for year, _ in self.archive}, reverse=True)

        self.videos: list[dict] = sorted(videos, key=lambda v: v["id"])
        self.videos_by_id: dict[int, dict] = {v["id"]: v for v in self.videos}
        self.events: list[dict] = sorted(events, key=lambda e: e["id"])
        self.events_by_id: dict[int, dict] = {e["id"]: e for e in self.events}
        for video in self.videos:
            video.pop("paths", None)
            video["layout"], video["encoding"] = sections.video_variant(video)
        for event in self.events:
            event.pop("paths", None)
            event["layout"], event["encoding"] = sections.event_variant(event)

        self._chromes: dict[tuple[str, bool], Chrome] = {}
        self.chrome = self.chrome_for("a")
        self.images = self._images()
        self.media = self._media()

    def truth(self) -> dict[str, list[dict]]:
        """``{"articles", "videos", "events"}``: deep copies in the shapes of :func:`load_articles`,
        :func:`load_videos` and :func:`load_events` (``paths`` included)."""
        return {
            "articles": copy.deepcopy(self.articles),
            "videos": [_with_video_paths(v) for v in copy.deepcopy(self.videos)],
            "events": [_with_event_paths(e) for e in copy.deepcopy(self.events)],
        }

    # -- indexes -------------------------------------------------------------------------------------

    def home_articles(self) -> list[dict]:
        listed = [a for a in reversed(self.articles) if a["in_archive"]]
        return listed[:HOME_ARTICLES]

    def home_entries(self) -> list[tuple[dict, str]]:
        entries = []
        for pos, article in enumerate(self.home_articles()):
            href = article_href(article["id"])
            if pos in HOME_ABSOLUTE_POSITIONS:
                href = "https://knytpunkt.se/" + href
            entries.append((article, href))
        return entries

    def archive_entries(self, year: int, cat: int) -> list[ArchiveEntry]:
        entries = []
        for article in self.archive.get((year, cat), []):
            entries.append(
                ArchiveEntry(
                    article=article,
                    href=archive_entry_href(article),
                    thumb=self.list_thumb(article),
                    credit=article["credit"],
                    comments=comment_count(article),
                )
            )
        return entries

    @staticmethod
    def list_thumb(article: dict) -> str | None:
        """The thumbnail shown in the yearly archive: the lead image's, or the first inline image's."""
        if article["template"] == "modern":
            return thumb_src(article["lead_image"]) if article["lead_image"] else None
        return thumb_src(article["images"][0]["src"]) if article["images"] else None

    def article_view(self, article: dict, img: int | None, img_requested: bool = False) -> ArticleView:
        view = ArticleView(article=article, lightbox_requested=img_requested)
        for k in range(1, gallery_size(article) + 1):
            view.thumbs.append((k, f"{article_href(article['id'])}&img={k}", gallery_thumb_src(article, k)))
        if article["template"] == "modern" and img is not None and 1 <= img <= len(article["images"]):
            view.lightbox = article["images"][img - 1]
        return view

    # -- chrome and images ---------------------------------------------------------------------------

    def chrome_for(self, scheme: str = "a", rooted: bool = False) -> Chrome:
        """The chrome of a page in ``scheme``; ``rooted`` writes every relative link root-relative (for
        pages below the root, the section pages of scheme "b")."""
        key = (schemes.check(scheme), rooted)
        if key not in self._chromes:
            self._chromes[key] = self._chrome(scheme, "/" if rooted else "")
        return self._chromes[key]

    def _chrome(self, scheme: str, root: str) -> Chrome:
        newest = self.years[0] if self.years else 2025
        first_cat = min(cat for (year, cat) in self.archive if year == newest) if self.archive else 1
        computed = {
            "archive": archive_href(newest, first_cat),
            "video": schemes.video_list_href(scheme),
            "calendar": schemes.event_list_href(scheme),
        }
        menu = []
        for item in self.config["menu"]:
            href = item["href"] or computed[item["key"]]
            menu.append((item["key"], item["label"], sections.rooted(href, root)))
        archive = []
        for year in self.years:
            cats = sorted(cat for (y, cat) in self.archive if y == year)
            archive.append(
                (year, [(self.categories[c], sections.rooted(archive_menu_href(year, c), root)) for c in cats])
            )
        calendar = []
        for event in self.sidebar_events():
            entry = {"date": event["sidebar_date"], "title": event["title"]}
            href = schemes.event_href(scheme, event)
            if href:
                entry["href"] = sections.rooted(href, root)
            calendar.append(entry)
        videos = [
            {"title": v["title"], "href": sections.rooted(schemes.video_href(scheme, v), root)}
            for v in self.sidebar_videos()
        ]
        return Chrome(
            menu=menu,
            archive=archive,
            calendar=calendar,
            videos=videos,
            labels=dict(self.config["labels"]),
            admin_href=sections.rooted(self.config.get("admin_href", "admin/"), root),
        )

    # -- the Video and Kalender sections --------------------------------------------------------------

    def sidebar_events(self) -> list[dict]:
        """The ``I Kalendern:`` entries, in date order."""
        return sorted((e for e in self.events if e["in_sidebar"]), key=lambda e: (e["sidebar_date"], e["id"]))

    def sidebar_videos(self) -> list[dict]:
        """The four newest videos (ids rise with the date), newest first."""
        return list(reversed(self.videos))[:SIDEBAR_VIDEOS]

    def video_list(self, scheme: str, page: int) -> sections.VideoList | None:
        """List page ``page`` of the videos, newest first; None when there is no such page."""
        newest_first = list(reversed(self.videos))
        count = sections.page_count(len(newest_first))
        if not 1 <= page <= count:
            return None
        root = "/" if scheme == "b" else ""
        entries = [
            sections.VideoEntry(
                video=v,
                href=schemes.video_href(scheme, v),
                thumb=sections.rooted(v["thumbnail"], root) if v["thumbnail"] else None,
                teaser=sections.teaser(v["description"]),
            )
            for v in sections.page_slice(newest_first, page)
        ]
        hrefs = [schemes.video_list_href(scheme, n) for n in range(1, count + 1)]
        return sections.VideoList(entries, sections.Pager(page, hrefs))

    def event_list(self, scheme: str, page: int) -> sections.EventList | None:
        """List page ``page`` of the calendar (every event, also those without a page), newest first."""
        newest_first = list(reversed(self.events))
        count = sections.page_count(len(newest_first))
        if not 1 <= page <= count:
            return None
        entries = [
            sections.EventEntry(
                event=e,
                href=schemes.event_href(scheme, e),
                date_line=sections.event_date_line(e),
                teaser=sections.teaser(e["description"]),
            )
            for e in sections.page_slice(newest_first, page)
        ]
        hrefs = [schemes.event_list_href(scheme, n) for n in range(1, count + 1)]
        return sections.EventList(entries, sections.Pager(page, hrefs))

    def video_view(self, scheme: str, video: dict) -> sections.VideoView:
        root = "/" if scheme == "b" else ""
        article = video.get("article_href")
        return sections.VideoView(
            video=video,
            list_href=schemes.video_list_href(scheme),
            article_href=sections.rooted(article, root) if article else None,
        )

    def event_view(self, scheme: str, event: dict) -> sections.EventView:
        headings, lines = sections.split_date_text(event)
        return sections.EventView(
            event=event,
            list_href=schemes.event_list_href(scheme),
            headings=headings,
            lines=lines,
            status_line=sections.status_line(event),
        )

    def find_video(self, key) -> dict | None:
        """A video by id (scheme "a") or by (id, slug) (scheme "b")."""
        if isinstance(key, tuple):
            video = self.videos_by_id.get(key[0])
            return video if video is not None and video["slug"] == key[1] else None
        return self.videos_by_id.get(key)

    def find_event(self, key) -> dict | None:
        """An event that has a page, by id (scheme "a") or by (url_date, slug) (scheme "b")."""
        if isinstance(key, tuple):
            for event in self.events:
                if event["has_page"] and (event.get("url_date"), event["slug"]) == key:
                    return event
            return None
        event = self.events_by_id.get(key)
        return event if event is not None and event["has_page"] else None

    # -- images and media ----------------------------------------------------------------------------

    def _images(self) -> set[str]:
        """Every image path that some page shows (and so answers 200)."""
        images = {LOGO_SRC, OVERLAY_SRC}
        for article in self.articles:
            if article.get("lead_image"):
                images.add(article["lead_image"])
                images.add(thumb_src(article["lead_image"]))
            for image in article["images"]:
                images.add(image["src"])
                images.add(thumb_src(image["src"]))
            for k in range(1, gallery_size(article) + 1):
                images.add(gallery_thumb_src(article, k))
        for video in self.videos:
            if video["thumbnail"]:
                images.add(video["thumbnail"])
        return images

    def _media(self) -> set[str]:
        """The site's own player files (``flash/*.swf``, ``video/...``): served as small stand-ins."""
        media = set()
        for video in self.videos:
            for url in (video["player"]["src"], video["player"].get("file")):
                if url and "://" not in url and not url.startswith("//"):
                    media.add(url.lstrip("/"))
        return media


def _load(name: str) -> list[dict]:
    return json.loads((CONTENT_DIR / name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=4)
def get_site(extra_articles: int = 0) -> Site:
    """The site model, built once per number of synthetic articles. Treat it as read-only."""
    if extra_articles < 0:
        raise ValueError("extra_articles must be >= 0")
    return Site(extra_articles)


def load_articles(extra_articles: int = 0) -> list[dict]:
    """The truth: every article (content file, then ``extra_articles`` synthetic ones) as a dict.

    Each dict has the fields of ``content/articles.json`` plus the resolved default ``layout`` and
    ``encoding`` of its page. The list is a deep copy: change it freely.
    """
    return copy.deepcopy(get_site(extra_articles).articles)


def _with_video_paths(video: dict) -> dict:
    video["paths"] = {s: schemes.path_of(schemes.video_href(s, video)) for s in schemes.SCHEMES}
    return video


def _with_event_paths(event: dict) -> dict:
    hrefs = {s: schemes.event_href(s, event) for s in schemes.SCHEMES}
    event["paths"] = {s: schemes.path_of(h) if h else None for s, h in hrefs.items()}
    return event


def load_videos() -> list[dict]:
    """The truth of the Video section: every video of ``content/videos.json``, by id, with its resolved
    default ``layout`` / ``encoding`` and its page in each scheme (``paths``). A deep copy."""
    return [_with_video_paths(v) for v in copy.deepcopy(get_site(0).videos)]


def load_events() -> list[dict]:
    """The truth of the Kalender section: every event of ``content/events.json``, by id, with its
    resolved default ``layout`` / ``encoding`` and its page in each scheme (``paths``, None for an
    event without a page). A deep copy."""
    return [_with_event_paths(e) for e in copy.deepcopy(get_site(0).events)]


def load_site_config() -> dict:
    """``content/site.json`` (categories, menu, labels, the about page), plus the sidebar entries
    derived from the truth: ``calendar`` (``{date, title}``) and ``sidebar_videos`` (``{title}``)."""
    site = get_site(0)
    config = copy.deepcopy(site.config)
    config["calendar"] = [{"date": e["sidebar_date"], "title": e["title"]} for e in site.sidebar_events()]
    config["sidebar_videos"] = [{"title": v["title"]} for v in site.sidebar_videos()]
    return config
