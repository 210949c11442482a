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

An article's gallery views (``&img=1..N``, N from the gallery line and the thumbnails, at most
KNYT_GALLERY_MAX_VIEWS) are fetched one after the other and the article is handed to the pipelines whole,
with all its images.

Bounds: the walk reaches only as far as the site's evidence (spiders/id_walk.py). At most KNYT_WALK_WINDOW
article requests (walked, linked, rechecked) and KNYT_LIST_WINDOW list pages are asked for and not answered at a
time; the articles the lists link wait as ids, a bit each, so what the crawl holds does not grow with the archive.
Every page that still fails after its retries goes to the ledger of what is missing (knytscrape/ledger.py),
and every run starts by asking the ledger's pages again.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import deque
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from knytscrape.capture.index import warc_dir_for
from knytscrape.capture.pages import newest_article_pages
from knytscrape.capture.replay import CaptureLibrary
from knytscrape.clock import today
from knytscrape.items import GoneItem, ListedCountsItem, PageInfo, SeenItem
from knytscrape.parsers.archive import parse_archive
from knytscrape.parsers.article import ArticleParser
from knytscrape.parsers.gallery import flow_fingerprint, parse_gallery_view
from knytscrape.parsers.site_chrome import WINDOW, SiteChrome
from knytscrape.parsers.textflow import FlowMemo, text_flow
from knytscrape.spiders.base import KnytSpider
from knytscrape.spiders.id_walk import IdCounts, IdEvidence, IdSet, WaitingIds
from knytscrape.state import ArchiveState, load_state, record_mode, url_key
from knytscrape.urls import article_id, gallery_position, page_name

LIST_PRIORITY = 20  # lists first: they reveal the highest id
ARTICLE_PRIORITY = 10
WALK_PRIORITY = 0
GALLERY_PRIORITY = 30  # finish started articles before starting new ones
MISSING_STATUSES = [404, 410]
ARTICLE_STATUSES = [*MISSING_STATUSES, 304]
REPORTED_SAMPLE = 5  # outliers and capped galleries named in the stats


class ArticlesSpider(KnytSpider):
    name = "articles"

    def __init__(self, *args, ids: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # ``-a ids=12,345``: only these articles (knytscrape reparse --ids); no list page, no id walk
        self.only_ids: set[int] | None = {int(n) for n in ids.split(",") if n.strip()} if ids else None
        self.site_chrome = SiteChrome()  # the lines the site prints on many pages, learned as pages are read
        self.parser = ArticleParser(self.site_chrome)
        self.requested_ids = IdSet()  # asked for, or waiting to be (a bit an id: spiders/id_walk.py)
        self.evidence = IdEvidence(1000)  # ids the site shows exist, within reach (its gap set in start())
        self.highest_found = 0  # highest id within reach that answered with an article
        self.found_beyond: list[int] = []  # heap of articles found beyond the evidence's reach (outliers)
        self.walked_up_to = 0
        self.waiting = WaitingIds()  # articles linked, to recheck or captured: asked for as the window has room
        self.window_in_flight = 0  # article requests of the window asked for and not answered yet
        self.listed_comment_counts = IdCounts()
        self.archive = ArchiveState()  # what the database already holds (read in start())
        self.incremental = False
        self.ledger_ids: set[int] = set()  # articles of the ledger of what is missing: read again in full
        self.lists_asked: set[str] = set()
        self.waiting_lists: deque[tuple[str, bool]] = deque()  # (URL, dont_filter) of lists not asked for yet
        self.lists_in_flight = 0  # list pages asked for and not read to the end yet

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    @property
    def reparse(self) -> bool:
        return self.settings.getbool("KNYT_REPARSE")

    @property
    def walk_window(self) -> int:
        return self.settings.getint("KNYT_WALK_WINDOW", 100)

    @property
    def list_window(self) -> int:
        return max(1, self.settings.getint("KNYT_LIST_WINDOW", 1))

    @property
    def gallery_cap(self) -> int:
        return self.settings.getint("KNYT_GALLERY_MAX_VIEWS", 500)

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
        if self.stop_reason:
            return
        # everything is set up before the first request: its answer may be read before start() goes on
        self.evidence = IdEvidence(self.settings.getint("KNYT_ID_MAX_GAP", 1000),
                                   floor=self.settings.getint("KNYT_ID_FLOOR", 1) - 1)
        self.archive = self.load_archive_state()
        # a full crawl that was stopped goes on as a full crawl, skipping what it already stored
        self.incremental = (not self.archive.empty and not self.archive.resuming_since
                            and not self.settings.getbool("KNYT_FULL"))
        if self.archive.resuming_since:
            self.requested_ids |= self.archive.done_ids
            for number in self.archive.done_ids:
                self.evidence.add(number)
            self.crawler.stats.set_value("knyt/resumed_from", self.archive.resuming_since)
            self.logger.info("Resuming the full crawl started %s: %d articles already stored",
                             self.archive.resuming_since, len(self.archive.done_ids))
        if self.incremental:
            self.evidence = IdEvidence(self.evidence.max_gap, floor=self.archive.highest_id)
            self.highest_found = self.archive.highest_id
            self.walked_up_to = self.archive.highest_id
        else:
            self.walked_up_to = self.settings.getint("KNYT_ID_FLOOR", 1) - 1
        self.crawler.stats.set_value("knyt/mode", "reparse" if self.settings.getbool("KNYT_REPARSE")
                                     else "incremental" if self.incremental else "full")
        record_mode(self.settings.get("KNYT_DB"), getattr(self, "crawl_id", None),
                    self.crawler.stats.get_value("knyt/mode"))
        self.crawler.stats.set_value("knyt/known_articles", len(self.archive.known_ids))
        self.learn_site_chrome()
        self.logger.info("%s crawl: %d articles known, newest id %d, %d to recheck",
                         "Incremental" if self.incremental else "Full", len(self.archive.known_ids),
                         self.archive.highest_id, len(self.archive.recheck_ids))
        if self.only_ids is not None:
            for number in sorted(self.only_ids):
                yield self.article_request(number, reason="asked")
            return
        requests = list(self.ledger_requests())
        self.queue_list(self.site_url("/"))
        if self.reparse:  # every article page the WARC files hold, linked or not; no walk of guessed ids
            for number in CaptureLibrary.of(Path(self.settings.get("KNYT_WARC_DIR"))).article_ids():
                self.ask(number, reason="captured")
        if self.incremental:
            for number in self.archive.recheck_ids:
                self.ask(number, reason="recheck")
        for request in [*requests, *self.walk()]:
            if request is not None:
                yield request

    # -- discovery --------------------------------------------------------------------------------

    def ledger_requests(self):
        """The pages of the ledger of what is missing, asked again: articles in full (no validators),
        list pages as lists."""
        for entry in self.ledger_entries():
            if entry["article_id"] is not None:
                self.ledger_ids.add(entry["article_id"])
                self.requested_ids.discard(entry["article_id"])  # even when a resumed run stored it already
                yield self.article_request(entry["article_id"], reason="ledger", linked=bool(entry["linked"]))
            else:
                self.ledger_keys.add(entry["url_key"])
                self.crawler.stats.inc_value("knyt/requests/ledger")
                self.queue_list(self.site_url(entry["url_key"]), dont_filter=True)

    def queue_list(self, url: str, dont_filter: bool = False) -> None:
        """A list page to read (the front page, a yearly archive), at most KNYT_MAX_LIST_PAGES different ones a
        run; asked for when fewer than KNYT_LIST_WINDOW lists are being fetched or read (walk): a yearly archive
        of thousands of articles is megabytes, and Scrapy holds each response until its items are stored."""
        if url in self.lists_asked and not dont_filter:
            return
        if len(self.lists_asked) >= self.settings.getint("KNYT_MAX_LIST_PAGES", 1000):
            self.crawler.stats.inc_value("knyt/bounds/list_pages_capped")
            return
        self.lists_asked.add(url)
        self.waiting_lists.append((url, dont_filter))

    def list_request(self, url: str, dont_filter: bool = False) -> scrapy.Request:
        self.lists_in_flight += 1
        return scrapy.Request(url, callback=self.parse_list, priority=LIST_PRIORITY, errback=self.page_failed,
                              dont_filter=dont_filter, meta={"knyt_kind": "list", "knyt_window": "list"})

    def claim(self, number: int) -> bool:
        """Whether article ``number`` is still to be asked for (then it is marked as asked): each id once."""
        if number in self.requested_ids or (self.only_ids is not None and number not in self.only_ids):
            return False
        self.requested_ids.add(number)
        return True

    def ask(self, number: int, reason: str = "linked") -> None:
        """An article to ask for once: it waits as an id until the window has room for its request (walk)."""
        if self.claim(number):
            self.waiting.push(number, reason)

    def article_request(self, number: int, priority: int = ARTICLE_PRIORITY, reason: str = "linked",
                        linked: bool | None = None, asked: bool = False):
        """The request for article ``number``, None when it was asked for already (``asked``: by ``ask``)."""
        if not asked and not self.claim(number):
            return None
        url = self.site_url(f"artiklar.php?id={number}")
        known = number in self.archive.known_ids
        meta = {"handle_httpstatus_list": ARTICLE_STATUSES, "knyt_kind": "article",
                "knyt_linked": (reason != "walk" or known) if linked is None else linked}
        if reason == "walk":
            meta["knyt_walk"] = True
        if known and reason != "ledger":
            if self.incremental:
                meta["knyt_validators"] = self.archive.validators.get(url_key(url))
            reason = "recheck" if reason != "walk" else "walk"
        elif self.incremental and reason == "walk":
            reason = "probe"
        elif self.incremental and reason != "ledger":
            reason = "new"
        self.crawler.stats.inc_value(f"knyt/requests/{reason}")
        return scrapy.Request(url, callback=self.parse_article, errback=self.page_failed, priority=priority,
                              meta=meta, cb_kwargs={"number": number},
                              dont_filter=reason == "ledger")  # asked again whatever was asked before

    def walk(self):
        """The next article requests, at most KNYT_WALK_WINDOW in flight at once: first the articles waiting
        (linked, to recheck, captured), then ids not yet asked for, up to the frontier. So Scrapy's scheduler
        never holds more than the window of article requests, however many articles the lists link. List pages
        first, KNYT_LIST_WINDOW at a time."""
        while self.lists_in_flight < self.list_window and self.waiting_lists:
            yield self.list_request(*self.waiting_lists.popleft())
        while self.window_in_flight < self.walk_window and self.waiting:
            number, reason = self.waiting.pop()
            yield self.windowed(self.article_request(number, ARTICLE_PRIORITY, reason=reason, asked=True))
        if self.only_ids is not None or self.reparse:
            return
        frontier = self.frontier()
        while self.walked_up_to < frontier and self.window_in_flight < self.walk_window:
            self.walked_up_to += 1
            request = self.article_request(self.walked_up_to, WALK_PRIORITY, reason="walk")
            if request is not None:
                yield self.windowed(request)

    def windowed(self, request: scrapy.Request) -> scrapy.Request:
        self.window_in_flight += 1
        request.meta["knyt_window"] = "article"
        return request

    def walk_step_done(self, request) -> None:
        """``request`` (an article or a list page) no longer holds a place in its window: answered, failed or
        dropped. Once only, whichever of these comes first."""
        window = request.meta.get("knyt_window")
        if not window or request.meta.get("knyt_window_freed"):
            return
        request.meta["knyt_window_freed"] = True
        if window == "list":
            self.lists_in_flight = max(0, self.lists_in_flight - 1)
        else:
            self.window_in_flight = max(0, self.window_in_flight - 1)

    def request_dropped(self, request, spider=None):
        """A request of the window that the scheduler dropped (a redirect to a page asked for already) frees
        its place at once, instead of at the next idle moment."""
        if spider is self or spider is None:
            self.walk_step_done(request)

    def frontier(self) -> int:
        """The highest id the walk goes to now: no further than the gap beyond the highest id that answered, so
        links to ids that do not exist, each within the gap of the last, do not draw the walk on without end."""
        highest_found = self.highest_found_within_reach()
        reach = min(self.evidence.top, highest_found + self.evidence.max_gap)
        return max(reach, highest_found + self.probe_misses)

    def not_asked(self) -> int:
        """About how many article requests the walk has still to make (for the progress line)."""
        if self.only_ids is not None or self.reparse:
            return len(self.waiting)
        frontier = self.frontier()
        if not self.incremental:
            frontier = max(frontier, self.archive.highest_id)  # a full crawl walks to it
        return max(frontier - self.walked_up_to, len(self.waiting))

    def spider_idle(self):
        """A walk request that vanished without an answer (a redirect the duplicate filter dropped) must not
        stall the walk: when nothing else is left, the window is reset and the walk goes on."""
        if self.stop_reason:
            return
        self.window_in_flight = self.lists_in_flight = 0
        requests = list(self.walk())
        if requests:
            for request in requests:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def know(self, number: int) -> None:
        """An id the site links: evidence for the walk, unless it lies far beyond everything else."""
        self.evidence.add(number)

    def learn_site_chrome(self) -> None:
        """Learn the site's chrome from the bodies of the newest captured article pages, once, before the first
        page is read: fixed for the run, so no page's text depends on the order pages are read in (a first run
        has no captures and learns nothing; see knytscrape/parsers/site_chrome.py)."""
        directory = Path(self.settings.get("KNYT_WARC_DIR") or warc_dir_for(self.settings.get("KNYT_DB")))
        plain = ArticleParser()  # read without learned chrome: the lines as the pages print them
        for url, html in newest_article_pages(self.settings.get("KNYT_DB"), directory, WINDOW):
            try:
                item = plain.parse(html, url)
            except Exception:  # a stored page the parser fails on: the crawl reads and reports it like any other
                self.logger.debug("Could not learn from the capture of %s", url, exc_info=True)
                continue
            if item is not None and item.body:  # a "not found" page teaches nothing
                self.site_chrome.learn(url, item.body.split("\n"))
        if self.site_chrome.pages_learned:
            self.logger.info("Learned the site's chrome from %d captured article pages",
                             self.site_chrome.pages_learned)
        self.crawler.stats.set_value("knyt/zone/chrome_learned_from_captures", self.site_chrome.pages_learned)

    def closed(self, reason):
        self.archive.close()
        outliers = self.evidence.outliers
        if outliers:  # linked (and asked for), but too far from everything else to walk to
            self.crawler.stats.set_value("knyt/ids/outliers", len(outliers))
            self.crawler.stats.set_value("knyt/ids/outlier_sample", outliers[-REPORTED_SAMPLE:])
            self.logger.warning("Ids far above the rest of the site, asked for but not walked to: %s",
                                ", ".join(map(str, outliers[-REPORTED_SAMPLE:])))

    def parse_list(self, response):
        """The front page, a yearly archive, or any page listing articles. The page is read whole before anything
        is handed on, so no tree of it waits while its items are stored; the articles it links wait as ids
        (``ask``), not as requests."""
        self.crawler.stats.inc_value("knyt/pages/list")
        self.crawler.stats.inc_value("knyt/requests/list")
        counts = [(entry.article_id, entry.comment_count) for entry in parse_archive(response.text, response.url)
                  if entry.comment_count is not None]
        for url, _text in self.site_links(response):
            number = article_id(url)
            if number is not None and gallery_position(url) is None:
                self.know(number)
                self.ask(number)
            elif page_name(url) == "art_ar.php" and not self.incremental:  # archives change only with new articles
                self.queue_list(url)
        for number, count in counts:
            self.listed_comment_counts[number] = count
        if counts:  # stored apart too: the article may be stored before or after this list
            yield ListedCountsItem(response.url, counts)
        yield from self.resolved(response)
        self.walk_step_done(response.request)  # its place goes to the next list
        yield from self.walk()

    # -- pages that failed --------------------------------------------------------------------------

    def page_failed(self, failure):
        self.walk_step_done(failure.request)
        yield from super().page_failed(failure)

    def recover(self, request, kind: str | None, reason: str | None):
        """A page that could not be read goes to the ledger; a gallery goes on without its view, and the
        walk goes on."""
        yield from super().recover(request, kind, reason)
        context = request.cb_kwargs.get("context")
        if context is not None:
            yield self.gallery_view_missing(context)
            return
        if request.meta.get("knyt_kind") == "list":
            self.crawler.stats.inc_value("knyt/errors/list_page")
            self.walk_step_done(request)
        yield from self.walk()

    # -- articles ---------------------------------------------------------------------------------

    def found(self, number: int) -> None:
        if self.evidence.add(number):
            self.highest_found = max(self.highest_found, number)
        else:  # an outlier for now (reported at the end if it stays one): counts once evidence reaches it
            heapq.heappush(self.found_beyond, number)

    def highest_found_within_reach(self) -> int:
        """highest_found, with the articles found beyond the evidence that it has reached since (a linked article
        may answer before the yearly archives that bring it within reach are read)."""
        while self.found_beyond and self.found_beyond[0] <= self.evidence.top:
            self.highest_found = max(self.highest_found, heapq.heappop(self.found_beyond))
        return self.highest_found

    def parse_article(self, response, number: int):
        self.walk_step_done(response.request)
        key = url_key(response.url)
        stored = self.archive.validators.get(key)
        body_hash = hashlib.sha1(response.body).hexdigest() if response.status == 200 else None
        in_ledger = number in self.ledger_ids  # read in full whatever the validators say
        if not in_ledger and (response.status == 304 or (stored and body_hash == stored[2])):
            self.crawler.stats.inc_value("knyt/articles/unchanged_page")
            self.found(number)
            yield SeenItem(number)
            yield from self.walk()
            return
        item = flow = None
        memo = FlowMemo()  # what each element of the page gave: its gallery views repeat the page but for a picture
        if response.status not in MISSING_STATUSES:
            flow = text_flow(response.text, response.url, memo)
            item = self.parser.read(flow, response.url)
        if item is None:
            yield from self.not_an_article(response, number, body_hash)
            yield from self.walk()
            return
        item.page = PageInfo(key, self._header(response, "ETag"), self._header(response, "Last-Modified"), body_hash)
        for rule, lines in item.zone_cuts.items():  # what the zone rules kept out of the text, by rule
            self.crawler.stats.inc_value(f"knyt/zone/{rule}", lines)
        item.body_hash = body_hash
        self.crawler.stats.inc_value("knyt/pages/article")
        self.found(number)
        yield from self.walk()
        positions = self.gallery_positions(item)
        if not positions:
            yield self.finish(item)
            return
        images, lines = flow_fingerprint(flow)
        context = {"item": item, "positions": positions, "known_images": images, "known_lines": lines, "memo": memo}
        yield self.gallery_request(context)

    def not_an_article(self, response, number: int, body_hash: str | None):
        """An article address that gave no article: a gap of the walk, a page gone, or one that cannot be read."""
        self.crawler.stats.inc_value("knyt/articles/missing_id")
        known = number in self.archive.known_ids
        linked = response.request.meta.get("knyt_linked", True)
        if response.status in MISSING_STATUSES:
            if number in self.ledger_ids:
                yield self.failed_item(response.request, "not_found", f"the site answered {response.status}")
            if known:
                yield GoneItem(number)  # stored, and the site no longer has it
        elif linked or number in self.ledger_ids:
            # a page that should be an article (linked, stored before, or missed before) and reads as none:
            # a damaged answer or a template change; kept as stored, asked again (a guess of the walk that
            # answers so is a gap: 'not_found' closes its entry)
            self.crawler.stats.inc_value("knyt/articles/unreadable_page")
            if linked:
                yield self.failed_item(response.request, "unreadable", "the page does not read as an article "
                                       "(no Publicerat: line or title)", detail=body_hash)
            else:
                yield self.failed_item(response.request, "not_found", "a page that is no article")

    def gallery_positions(self, item) -> list[int]:
        """The gallery views to fetch: 1..N of the gallery line and any &img=K linked, at most
        KNYT_GALLERY_MAX_VIEWS (a page declaring thousands is reported, not fetched without end)."""
        cap = self.gallery_cap
        declared = item.image_count or 0
        positions = sorted(set(range(1, min(declared, cap) + 1)) | {k for k in item.gallery_positions if k <= cap})
        if declared > cap or any(k > cap for k in item.gallery_positions):
            item.gallery_incomplete = True  # pictures beyond the cap are not "removed"
            self.crawler.stats.inc_value("knyt/bounds/gallery_capped")
            sample = self.crawler.stats.get_value("knyt/bounds/gallery_capped_sample", [])
            if len(sample) < REPORTED_SAMPLE:
                self.crawler.stats.set_value("knyt/bounds/gallery_capped_sample",
                                             [*sample, f"{item.id} ({max([declared, *item.gallery_positions])})"])
            self.logger.warning("Article %s declares %s gallery pictures: only the first %d views are fetched "
                                "(KNYT_GALLERY_MAX_VIEWS)", item.id, declared, cap)
        return positions

    def gallery_request(self, context: dict) -> scrapy.Request:
        item, position = context["item"], context["positions"].pop(0)
        return scrapy.Request(
            self.site_url(f"artiklar.php?id={item.id}&img={position}"),
            callback=self.parse_gallery,
            errback=self.page_failed,
            priority=GALLERY_PRIORITY,
            meta={"handle_httpstatus_list": MISSING_STATUSES, "knyt_kind": "gallery"},
            cb_kwargs={"context": context},
            dont_filter=True,  # fetched again only when the article's page changed (or --full)
        )

    def parse_gallery(self, response, context: dict):
        self.crawler.stats.inc_value("knyt/pages/gallery")
        image = None
        if response.status not in MISSING_STATUSES:
            image = parse_gallery_view(response.text, response.url, context["known_images"],
                                       context["known_lines"], context["item"].lead_image_url, context["memo"])
        if image is None:
            self.crawler.stats.inc_value("knyt/images/gallery_view_without_image")
        else:
            context["item"].images.append(image)
        yield self.next_gallery_step(context)

    def gallery_view_missing(self, context: dict):
        """A gallery view that failed: the article is stored without it (its ledger entry brings the article
        back next run); the images stored before are kept."""
        self.crawler.stats.inc_value("knyt/errors/gallery_page")
        context["item"].gallery_incomplete = True
        context["item"].view_failed = True
        context["item"].page = None  # no validators kept: the next run reads the page again
        return self.next_gallery_step(context)

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
