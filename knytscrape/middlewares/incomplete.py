"""HTML pages cut off mid-page are asked again, not read.

A server that breaks off while sending (or a proxy that truncates) can deliver a page whose byte count
matches its Content-Length but which stops before the end of the document: read as it is, it would store
an article without its last paragraphs, pictures or comments. A 200 HTML page without ``</html>`` near its
end is retried; a page that comes back the very same (same bytes) on the next attempt is how the site
really serves it and is accepted. A page still cut after every retry fails with DamagedPage, and the
spider puts it in the ledger of what is missing.
"""

from __future__ import annotations

import hashlib
import re

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import HtmlResponse

from knytscrape.failures import DamagedPage

DOCUMENT_END = re.compile(rb"</html\s*>", re.IGNORECASE)
TAIL = 4096  # where the end of the document must be: comments and whitespace may follow it
SEEN_HASH = "knyt_incomplete_hash"


class IncompletePageMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.retries = crawler.settings.getint("RETRY_TIMES", 2)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if response.status != 200 or not isinstance(response, HtmlResponse):
            return response
        if DOCUMENT_END.search(response.body[-TAIL:]):
            return response
        digest = hashlib.sha1(response.body).hexdigest()
        if request.meta.get(SEEN_HASH) == digest:
            self.stats.inc_value("knyt/pages/without_document_end")  # the same twice: the site's own page
            return response
        self.stats.inc_value("knyt/pages/incomplete_html")
        retry = get_retry_request(request, spider=self.crawler.spider, reason="incomplete_html",
                                  max_retry_times=request.meta.get("max_retry_times", self.retries))
        if retry is None:
            raise DamagedPage(f"the page arrived cut off ({len(response.body)} bytes, no end of document) "
                              "on every attempt")
        retry.meta[SEEN_HASH] = digest
        return retry
