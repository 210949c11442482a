"""HTML pages cut off mid-page are asked again, not read.

A server that breaks off while sending (or a proxy that truncates) can deliver a page whose byte count
matches its Content-Length but which stops before the end of the document: read as it is, it would store
an article without its last paragraphs, pictures or comments. A 200 HTML page without ``</html>`` or
``</body>`` near its end is retried; a page that comes back the very same (same bytes) on the next attempt
is how the site really serves it and is accepted, and so is one of nearly the same length (a page with a
visit counter or a clock); a cut falls anywhere in the page. A page still cut after every retry fails with
DamagedPage, and the spider puts it in the ledger of what is missing.

The site's real markup is unknown: if its pages never end their document, every page would cost two
requests. So after CONFIRMATIONS pages of real size (not empty answers) came back so without an end, the
check is off for the rest of the run (counted and logged: cut pages can then no longer be told apart).
"""

from __future__ import annotations

import hashlib
import logging
import re

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import HtmlResponse

from knytscrape.failures import DamagedPage

DOCUMENT_END = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
TAIL = 4096  # where the end of the document must be: comments and whitespace may follow it
SEEN = "knyt_incomplete_seen"  # (hash, length) of the earlier answer without an end
CONFIRMATIONS = 3
REAL_PAGE = 2048  # bytes: shorter answers (empty pages, error stubs) do not switch the check off
SAME_LENGTH = 0.01  # two answers within 1 % of each other's length are one page that changes a little


class IncompletePageMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.unended = 0  # pages of real size that came back the same without an end of document

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if response.status != 200 or not isinstance(response, HtmlResponse) or self.unended >= CONFIRMATIONS:
            return response
        if DOCUMENT_END.search(response.body[-TAIL:]):
            return response
        digest, length = hashlib.sha1(response.body).hexdigest(), len(response.body)
        earlier = request.meta.get(SEEN)
        if earlier and (earlier[0] == digest or abs(earlier[1] - length) <= SAME_LENGTH * max(earlier[1], length)):
            self.stats.inc_value("knyt/pages/without_document_end")  # the site's own page, read as it is
            self.unended += length >= REAL_PAGE
            if self.unended == CONFIRMATIONS:
                logging.getLogger(__name__).warning(
                    "The site's pages end without </html>: cut pages can no longer be told from whole ones")
            return response
        self.stats.inc_value("knyt/pages/incomplete_html")
        retry = get_retry_request(request, spider=self.crawler.spider, reason="incomplete_html")
        if retry is None:
            raise DamagedPage(f"the page arrived cut off ({length} bytes, no end of document) on every attempt")
        retry.meta[SEEN] = (digest, length)
        return retry
