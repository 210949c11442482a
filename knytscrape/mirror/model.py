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

from knytscrape.mirror import synthetic

CONTENT_DIR = Path(__file__).resolve().parent / "content"

LAYOUTS = ("div", "table", "flat")
ENCODINGS = ("utf8", "latin1", "cp1252-meta", "nocharset", "wrong-header")

LOGO_SRC = "bilder/logo.png"
OVERLAY_SRC = "bilder/black.png"
# The style of the lightbox overlay, the same fragment that leaks into old article text.
OVERLAY_STYLE = "width:100%;background-image:URL(bilder/black.png)"

HOME_ARTICLES = 10
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
        self.config = json.loads((CONTENT_DIR / "site.json").read_text(encoding="utf-8"))
        content = json.loads((CONTENT_DIR / "articles.json").read_text(encoding="utf-8"))
        articles = content + synthetic.generate(content, extra_articles)
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
        self.chrome = self._chrome()
        self.images = self._images()

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

    def _chrome(self) -> Chrome:
        newest = self.years[0] if self.years else 2025
        first_cat = min(cat for (year, cat) in self.archive if year == newest) if self.archive else 1
        menu = []
        for item in self.config["menu"]:
            href = item["href"] or archive_href(newest, first_cat)
            menu.append((item["key"], item["label"], href))
        archive = []
        for year in self.years:
            cats = sorted(cat for (y, cat) in self.archive if y == year)
            archive.append((year, [(self.categories[c], archive_menu_href(year, c)) for c in cats]))
        return Chrome(
            menu=menu,
            archive=archive,
            calendar=list(self.config.get("calendar", [])),
            videos=list(self.config.get("sidebar_videos", []))[:4],
            labels=dict(self.config["labels"]),
            admin_href=self.config.get("admin_href", "admin/"),
        )

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
        return images


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


def load_site_config() -> dict:
    """``content/site.json`` (categories, menu, calendar and video sidebar entries, labels)."""
    return copy.deepcopy(get_site(0).config)
