"""What every knytscrape spider shares: the site's base URL and the site's links."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import scrapy

from knytscrape.urls import DEFAULT_BASE_URL, is_site_url, normalise_base_url, to_base


class KnytSpider(scrapy.Spider):
    """``-a base_url=URL`` chooses the copy of the site (the live site, the offline mirror, ...)."""

    def __init__(self, *args, base_url: str = DEFAULT_BASE_URL, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = normalise_base_url(base_url)
        self.allowed_domains = [urlsplit(self.base_url).hostname]

    @property
    def locked_out(self) -> bool:
        """Another crawl holds the database (see extensions.crawl_record): ask for nothing."""
        return bool(self.crawler.stats.get_value("knyt/locked"))

    def site_url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def site_links(self, response) -> Iterator[tuple[str, str]]:
        """(absolute URL on the crawled copy, link text) of every link to the site on the page."""
        for anchor in response.xpath("//a[@href]"):
            href = anchor.attrib["href"].strip()
            if not href or href.startswith(("#", "mailto:", "javascript:")):
                continue
            url = urljoin(response.url, href)
            if is_site_url(url, self.base_url):
                yield to_base(url, self.base_url), " ".join(anchor.xpath("string(.)").get("").split())
