"""Crawling a section whose URLs are unknown (Video, Kalender): found by link text, read by content.

1. The front page gives the section's entry (the menu link whose text is the section's label), the
   sidebar links into the section, and the set of chrome links (every link the front page shows),
   which are never followed from inside the section.
2. Every page of the section is handed to the section's parser: a page that holds a record yields it;
   any page's other links on the site (pagination, entries) are followed, up to KNYT_SECTION_DEPTH
   links away from the entry. Articles and archives belong to the articles spider and are skipped.
3. Once the section's table holds records (and KNYT_FULL is off), a stored record's page is fetched
   again only when it is recent (its date within KNYT_RECHECK_DAYS, or undated); the others are
   marked seen because the section still links them, so a record no longer linked gets removed_at.
"""

from __future__ import annotations

import re

import scrapy

from knytscrape.clock import today
from knytscrape.items import SeenRecordItem
from knytscrape.parsers.chrome import menu_links
from knytscrape.parsers.textflow import text_flow
from knytscrape.spiders.base import KnytSpider
from knytscrape.state import load_section_state, url_key
from knytscrape.urls import page_name

ARTICLE_PAGES = {"artiklar.php", "art_ar.php"}
SKIPPED_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".mp4", ".flv", ".swf", ".pdf", ".webm", ".mp3", ".zip")


class SectionSpider(KnytSpider):
    """Subclasses set ``section`` (a name for stats), ``menu_labels`` and implement ``sidebar_urls``
    and ``parse_page``."""

    section = "section"
    table = "videos"  # where the section's records are stored
    menu_labels: tuple[re.Pattern, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chrome_links: set[str] = set()
        self.known: dict[str, str] = {}  # page URL -> stored record id
        self.recheck: set[str] = set()
        self.seen_known: set[str] = set()
        self.asked: set[str] = set()  # section pages asked for this run, at most KNYT_SECTION_MAX_PAGES

    @property
    def max_pages(self) -> int:
        return self.settings.getint("KNYT_SECTION_MAX_PAGES", 2000)

    @property
    def max_depth(self) -> int:
        return self.settings.getint("KNYT_SECTION_DEPTH", 6)

    async def start(self):
        if self.stop_reason:
            return
        if not self.settings.getbool("KNYT_FULL"):
            self.known, self.recheck = load_section_state(
                self.settings.get("KNYT_DB"), self.table, self.settings.getint("KNYT_RECHECK_DAYS", 60), today())
        self.crawler.stats.set_value("knyt/mode", "reparse" if self.settings.getbool("KNYT_REPARSE")
                                     else "incremental" if self.known else "full")
        ledgered = self.ledger_entries()  # pages of the section that failed before: asked again first
        self.ledger_keys = {entry["url_key"] for entry in ledgered}
        yield scrapy.Request(self.site_url("/"), callback=self.parse_front, errback=self.page_failed)
        for entry in ledgered:
            self.crawler.stats.inc_value("knyt/requests/ledger")
            request = self.section_request(self.site_url(entry["url_key"]), depth=1, force=True)
            if request is not None:
                yield request

    def parse_front(self, response):
        yield from self.resolved(response)
        flow = text_flow(response.text, response.url)
        self.chrome_links = {url for url, _ in self.site_links(response)}
        entries = []
        for labels in self.menu_labels:
            entries = [u for u in menu_links(flow, labels) if page_name(u) not in ARTICLE_PAGES]
            if entries:
                break
        if not entries:
            self.crawler.stats.inc_value(f"knyt/{self.section}/menu_link_missing")
            self.logger.warning("No %s menu link on the front page; only sidebar links are followed", self.section)
        for url in entries:
            yield self.section_request(url, depth=0)  # (the entry is a list, never a stored record)
        yield from self.parse_sidebar(response, flow)

    def parse_sidebar(self, response, flow):
        """Requests for the section pages the front page's sidebar links to (and any records it holds)."""
        for url in self.sidebar_urls(flow):
            request = self.section_request(url, depth=1)
            if request is not None:
                yield request

    def sidebar_urls(self, flow) -> list[str]:
        raise NotImplementedError

    def section_request(self, url: str, depth: int, force: bool = False):
        """A request for a section page, or, for a stored record that is not recent, a note that the
        section still lists it (incremental runs). ``force``: fetched whatever is stored (the ledger)."""
        if url_key(url) == url_key(self.site_url("/")):
            return None  # the front page is asked on every run anyway
        if url in self.known and url not in self.recheck and not force:
            if url in self.seen_known:
                return None
            self.seen_known.add(url)
            self.crawler.stats.inc_value("knyt/requests/skipped_known")
            return SeenRecordItem(self.table, self.known[url])
        if url in self.asked:
            return None
        if len(self.asked) >= self.max_pages:  # a section that never ends (a calendar paging on for ever)
            self.crawler.stats.inc_value("knyt/bounds/section_capped")
            return None
        self.asked.add(url)
        if not force:
            reason = "recheck" if url in self.known else ("new" if self.known else "section")
            self.crawler.stats.inc_value(f"knyt/requests/{reason}")
        # nearer pages first (breadth first): pages far down an endless chain wait behind the section's own
        return scrapy.Request(url, callback=self.parse_section, errback=self.page_failed, priority=-depth,
                              cb_kwargs={"depth": depth})

    def parse_section(self, response, depth: int):
        self.crawler.stats.inc_value(f"knyt/pages/{self.section}")
        record = self.parse_page(response)
        if record is not None:
            yield record
        yield from self.resolved(response)
        if depth >= self.max_depth:
            return
        for url, _text in self.site_links(response):
            if self.should_follow(url):
                request = self.section_request(url, depth + 1)
                if request is not None:
                    yield request

    def should_follow(self, url: str) -> bool:
        if url in self.chrome_links or page_name(url) in ARTICLE_PAGES:
            return False
        path = url.split("?", 1)[0].lower()
        return not path.endswith(SKIPPED_SUFFIXES)

    def parse_page(self, response):
        raise NotImplementedError
