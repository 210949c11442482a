"""What every knytscrape spider shares: the site's base URL and links, and what happens when a page fails."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import scrapy

from knytscrape.capture.replay import NotCaptured
from knytscrape.clock import STOCKHOLM
from knytscrape.failures import describe
from knytscrape.items import FailedPageItem, ResolvedPageItem
from knytscrape.state import load_ledger, url_key
from knytscrape.urls import DEFAULT_BASE_URL, article_id, is_site_url, normalise_base_url, to_base


class KnytSpider(scrapy.Spider):
    """``-a base_url=URL`` chooses the copy of the site (the live site, the offline mirror, ...)."""

    def __init__(self, *args, base_url: str = DEFAULT_BASE_URL, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = normalise_base_url(base_url)
        self.allowed_domains = [urlsplit(self.base_url).hostname]
        # set by extensions.crawl_record when this run must ask for nothing (locked, database unusable)
        self.stop_reason: str | None = None
        self.ledger_keys: set[str] = set()  # pages of the ledger of what is missing, asked again this run

    @property
    def max_links(self) -> int:
        return self.settings.getint("KNYT_MAX_LINKS_PER_PAGE", 2000)

    def site_url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def site_links(self, response) -> Iterator[tuple[str, str]]:
        """(absolute URL on the crawled copy, link text) of every link to the site on the page, up to
        KNYT_MAX_LINKS_PER_PAGE different ones (a bound against pages made of links; counted when hit)."""
        seen = set()
        # a selector of its own, not ``response.xpath``: that one stays cached on the response (a yearly archive's
        # tree is tens of MB) as long as Scrapy holds it, until every item of the page is stored
        for anchor in scrapy.Selector(response).xpath("//a[@href]"):
            href = anchor.attrib["href"].strip()
            if not href or href.startswith(("#", "mailto:", "javascript:")):
                continue
            url = urljoin(response.url, href)
            if not is_site_url(url, self.base_url):
                continue
            url = to_base(url, self.base_url)
            if url not in seen and len(seen) >= self.max_links:
                self.crawler.stats.inc_value("knyt/bounds/links_per_page_capped")
                self.logger.warning("More than %d links on %s: the rest are not followed (KNYT_MAX_LINKS_PER_PAGE)",
                                    self.max_links, response.url)
                return
            seen.add(url)
            yield url, " ".join(anchor.xpath("string(.)").get("").split())

    # -- the ledger of what is missing --------------------------------------------------------------

    def ledger_entries(self) -> list[dict]:
        """The open entries of this spider's ledger to ask again this run, oldest first: those due (see
        knytscrape.ledger), at most KNYT_LEDGER_PER_RUN; the others wait for a later run, still open."""
        if self.settings.getbool("KNYT_REPARSE"):
            return []  # a reparse reads what was captured, and asks the site nothing
        asked, waiting = load_ledger(self.settings.get("KNYT_DB"), self.name, datetime.datetime.now(STOCKHOLM),
                                     self.settings.getint("KNYT_LEDGER_PER_RUN", 500))
        if waiting:
            self.crawler.stats.set_value("knyt/missing/waiting", waiting)
        return asked

    def page_failed(self, failure):
        """The errback of every request: a page that still failed after its retries. What the page would
        have led to goes on without it (``recover``); only a page robots.txt forbids is not missing."""
        described = describe(failure.value)
        if described is None:
            self.crawler.stats.inc_value("knyt/requests/forbidden_by_robots")
            yield from self.recover(failure.request, None, None)
            return
        kind, reason = described
        if kind == NotCaptured.kind:  # a reparse asked for a page the WARC files do not hold: nothing is missing
            yield from self.recover(failure.request, None, None)
            return
        self.crawler.stats.inc_value(f"knyt/failed/{kind}")
        self.logger.warning("Missing after %d attempt(s), %s: %s", failure.request.meta.get("retry_times", 0) + 1,
                            kind, failure.request.url)
        yield from self.recover(failure.request, kind, reason)

    def recover(self, request, kind: str | None, reason: str | None):
        """What to yield when ``request`` could not be read (a failed download, a parser exception): its
        ledger entry (none when ``kind`` is None), then whatever must go on without the page."""
        if kind is not None:
            yield self.failed_item(request, kind, reason)

    def failed_item(self, request, kind: str, reason: str, detail: str | None = None) -> FailedPageItem:
        """The ledger entry of ``request``: under the address asked for, wherever a redirect led it."""
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        return FailedPageItem(
            spider=self.name, url=asked, url_key=url_key(asked), kind=kind, reason=reason,
            article_id=article_id(asked), attempts=request.meta.get("retry_times", 0) + 1,
            linked=request.meta.get("knyt_linked", True), detail=detail,
        )

    def resolved(self, response) -> Iterator[ResolvedPageItem]:
        """Closes the ledger entry of a page read whole this run, if it had one (also when it answered through
        a redirect: the entry is the address asked for)."""
        asked = (response.request.meta.get("redirect_urls") or [response.url])[0] if response.request else response.url
        for key in {url_key(response.url), url_key(asked)} & self.ledger_keys:
            yield ResolvedPageItem(self.name, key)
