"""The ``articles`` spider: every article, its gallery views and comments.

A full crawl (the first one, or KNYT_FULL) has three ways in, so that no single failing page loses
what is behind it:
1. the front page and every yearly archive (``art_ar.php``) linked from the site;
2. every article id from KNYT_ID_FLOOR up to the highest id seen anywhere (the site has gaps);
3. probing above the highest id found until KNYT_ID_PROBE_MISSES ids in a row are missing.

An incremental crawl (the default once the database holds articles) asks only for the front page,
articles it links that are not stored yet, ids above the newest known one (KNYT_ID_PROBE_MISSES_INCREMENTAL
misses in a row end the probe), and the articles of the last KNYT_RECHECK_DAYS again, conditionally:
a 304 or an identical body means "unchanged" and nothing is parsed or rewritten.

An article's gallery views (``&img=1..N``, N from the gallery line and the thumbnails) are fetched one
after the other and the article is handed to the pipelines whole, with all its images.
"""

from __future__ import annotations

import hashlib

import scrapy

from knytscrape.clock import today
from knytscrape.items import GoneItem, ListedCountItem, PageInfo, SeenItem
from knytscrape.parsers.archive import parse_archive
from knytscrape.parsers.article import ArticleParser
from knytscrape.parsers.gallery import page_fingerprint, parse_gallery_view
from knytscrape.spiders.base import KnytSpider
from knytscrape.state import ArchiveState, load_state, record_mode, url_key
from knytscrape.urls import article_id, gallery_position, page_name

LIST_PRIORITY = 20  # lists first: they reveal the highest id
ARTICLE_PRIORITY = 10
WALK_PRIORITY = 0
GALLERY_PRIORITY = 30  # finish started articles before starting new ones
MISSING_STATUSES = [404, 410]
ARTICLE_STATUSES = [*MISSING_STATUSES, 304]


class ArticlesSpider(KnytSpider):
    name = "articles"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parser = ArticleParser()
        self.requested_ids: set[int] = set()
        self.highest_known = 0  # highest id linked or found
        self.highest_found = 0  # highest id that answered with an article
        self.walked_up_to = 0
        self.listed_comment_counts: dict[int, int] = {}
        self.archive = ArchiveState()  # what the database already holds (read in start())
        self.incremental = False

    @property
    def probe_misses(self) -> int:
        if self.incremental:
            return self.settings.getint("KNYT_ID_PROBE_MISSES_INCREMENTAL", 5)
        return self.settings.getint("KNYT_ID_PROBE_MISSES", 30)

    def load_archive_state(self) -> ArchiveState:
        if self.settings.getbool("KNYT_FULL"):
            # everything is fetched again, unconditionally; the stored ids still tell which pages are gone
            state = load_state(self.settings.get("KNYT_DB"), 0, today(), getattr(self, "crawl_id", None))
            return ArchiveState(known_ids=state.known_ids)
        return load_state(self.settings.get("KNYT_DB"), self.settings.getint("KNYT_RECHECK_DAYS", 60), today(),
                          getattr(self, "crawl_id", None))

    async def start(self):
        if self.locked_out:
            return
        self.archive = self.load_archive_state()
        # a full crawl that was stopped goes on as a full crawl, skipping what it already stored
        self.incremental = (not self.archive.empty and not self.archive.resuming_since
                            and not self.settings.getbool("KNYT_FULL"))
        if self.archive.resuming_since:
            self.requested_ids |= self.archive.done_ids
            self.highest_known = max(self.archive.done_ids, default=0)
            self.crawler.stats.set_value("knyt/resumed_from", self.archive.resuming_since)
            self.logger.info("Resuming the full crawl started %s: %d articles already stored",
                             self.archive.resuming_since, len(self.archive.done_ids))
        self.crawler.stats.set_value("knyt/mode", "incremental" if self.incremental else "full")
        record_mode(self.settings.get("KNYT_DB"), getattr(self, "crawl_id", None),
                    self.crawler.stats.get_value("knyt/mode"))
        self.crawler.stats.set_value("knyt/known_articles", len(self.archive.known_ids))
        self.logger.info("%s crawl: %d articles known, newest id %d, %d to recheck",
                         "Incremental" if self.incremental else "Full", len(self.archive.known_ids),
                         self.archive.highest_id, len(self.archive.recheck_ids))
        yield scrapy.Request(self.site_url("/"), callback=self.parse_list, priority=LIST_PRIORITY,
                             errback=self.list_failed)
        if self.incremental:
            self.highest_found = self.highest_known = self.archive.highest_id
            self.walked_up_to = self.archive.highest_id
            for number in self.archive.recheck_ids:
                request = self.article_request(number, reason="recheck")
                if request is not None:
                    yield request
        else:
            self.walked_up_to = self.settings.getint("KNYT_ID_FLOOR", 1) - 1
        for request in self.walk():
            yield request

    # -- discovery --------------------------------------------------------------------------------

    def article_request(self, number: int, priority: int = ARTICLE_PRIORITY, reason: str = "linked"):
        if number in self.requested_ids:
            return None
        self.requested_ids.add(number)
        url = self.site_url(f"artiklar.php?id={number}")
        meta = {"handle_httpstatus_list": ARTICLE_STATUSES}
        if number in self.archive.known_ids:
            if self.incremental:
                meta["knyt_validators"] = self.archive.validators.get(url_key(url))
            reason = "recheck" if reason != "walk" else "walk"
        elif self.incremental and reason == "walk":
            reason = "probe"
        elif self.incremental:
            reason = "new"
        self.crawler.stats.inc_value(f"knyt/requests/{reason}")
        return scrapy.Request(url, callback=self.parse_article, priority=priority, meta=meta,
                              cb_kwargs={"number": number})

    def walk(self):
        """Requests for every id not yet asked for, up to the probe frontier."""
        frontier = max(self.highest_known, self.highest_found + self.probe_misses)
        while self.walked_up_to < frontier:
            self.walked_up_to += 1
            request = self.article_request(self.walked_up_to, WALK_PRIORITY, reason="walk")
            if request is not None:
                yield request

    def know(self, number: int) -> None:
        self.highest_known = max(self.highest_known, number)

    def parse_list(self, response):
        """The front page, a yearly archive, or any page listing articles."""
        self.crawler.stats.inc_value("knyt/pages/list")
        self.crawler.stats.inc_value("knyt/requests/list")
        for entry in parse_archive(response.text, response.url):
            if entry.comment_count is not None:
                self.listed_comment_counts[entry.article_id] = entry.comment_count
                # stored apart too: the article may be stored before or after this list is read
                yield ListedCountItem(entry.article_id, entry.comment_count)
        for url, _text in self.site_links(response):
            name = page_name(url)
            number = article_id(url)
            if number is not None and gallery_position(url) is None:
                self.know(number)
                request = self.article_request(number)
                if request is not None:
                    yield request
            elif name == "art_ar.php" and not self.incremental:  # the archives change only with new articles
                yield scrapy.Request(url, callback=self.parse_list, priority=LIST_PRIORITY,
                                     errback=self.list_failed)
        yield from self.walk()

    def list_failed(self, failure):
        self.crawler.stats.inc_value("knyt/errors/list_page")
        self.logger.warning("List page failed, the id walk goes on: %s", failure.request.url)
        yield from self.walk()

    # -- articles ---------------------------------------------------------------------------------

    def parse_article(self, response, number: int):
        key = url_key(response.url)
        stored = self.archive.validators.get(key)
        body_hash = hashlib.sha1(response.body).hexdigest() if response.status == 200 else None
        if response.status == 304 or (stored and body_hash == stored[2]):
            self.crawler.stats.inc_value("knyt/articles/unchanged_page")
            self.highest_found = max(self.highest_found, number)
            yield SeenItem(number)
            yield from self.walk()
            return
        item = None
        if response.status not in MISSING_STATUSES:
            item = self.parser.parse(response.text, response.url)
        if item is None:
            self.crawler.stats.inc_value("knyt/articles/missing_id")
            if number in self.archive.known_ids and response.status in MISSING_STATUSES:
                yield GoneItem(number)  # stored, and the site no longer has it
            elif number in self.archive.known_ids:
                self.crawler.stats.inc_value("knyt/articles/unreadable_page")  # template change? kept as is
            yield from self.walk()
            return
        item.page = PageInfo(key, self._header(response, "ETag"), self._header(response, "Last-Modified"), body_hash)
        self.crawler.stats.inc_value("knyt/pages/article")
        self.highest_found = max(self.highest_found, number)
        self.know(number)
        yield from self.walk()
        positions = sorted(set(range(1, (item.image_count or 0) + 1)) | set(item.gallery_positions))
        if not positions:
            yield self.finish(item)
            return
        images, lines = page_fingerprint(response.text, response.url)
        context = {"item": item, "positions": positions, "known_images": images, "known_lines": lines}
        yield self.gallery_request(context)

    def gallery_request(self, context: dict) -> scrapy.Request:
        item, position = context["item"], context["positions"].pop(0)
        return scrapy.Request(
            self.site_url(f"artiklar.php?id={item.id}&img={position}"),
            callback=self.parse_gallery,
            errback=self.gallery_failed,
            priority=GALLERY_PRIORITY,
            meta={"handle_httpstatus_list": MISSING_STATUSES},
            cb_kwargs={"context": context},
            dont_filter=True,  # fetched again only when the article's page changed (or --full)
        )

    def parse_gallery(self, response, context: dict):
        self.crawler.stats.inc_value("knyt/pages/gallery")
        image = None
        if response.status not in MISSING_STATUSES:
            image = parse_gallery_view(response.text, response.url, context["known_images"],
                                       context["known_lines"], context["item"].lead_image_url)
        if image is None:
            self.crawler.stats.inc_value("knyt/images/gallery_view_without_image")
        else:
            context["item"].images.append(image)
        yield self.next_gallery_step(context)

    def gallery_failed(self, failure):
        self.crawler.stats.inc_value("knyt/errors/gallery_page")
        self.logger.warning("Gallery view failed, the article is stored without it: %s", failure.request.url)
        context = failure.request.cb_kwargs["context"]
        # incomplete: keep the stored images, and keep no validators so the next run reads the page again
        context["item"].gallery_incomplete = True
        context["item"].page = None
        yield self.next_gallery_step(context)

    def next_gallery_step(self, context: dict):
        if context["positions"]:
            return self.gallery_request(context)
        return self.finish(context["item"])

    @staticmethod
    def _header(response, name: str) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else None

    def finish(self, item):
        item.comment_count_listed = self.listed_comment_counts.get(item.id)
        return item
