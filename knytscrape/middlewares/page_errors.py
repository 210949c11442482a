"""A parser that fails on a page does not lose the page: it goes to the ledger, and the crawl goes on.

Without this, an exception in a callback is logged and whatever the page would have led to is dropped
(for an article with a gallery, the whole article). The spider's ``recover`` says what to do instead: by
default a FailedPageItem; the articles spider also carries on with the gallery or the id walk.
"""

from __future__ import annotations

import logging

from scrapy.spidermiddlewares.httperror import HttpError

logger = logging.getLogger(__name__)


class PageErrorsMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response, exception):
        spider = self.crawler.spider
        recover = getattr(spider, "recover", None)
        if recover is None or response.request is None or isinstance(exception, HttpError):
            return None  # an HTTP error status is the errback's (spiders.base.page_failed)
        self.crawler.stats.inc_value("knyt/errors/parser")
        logger.error("Reading %s failed; it goes to the ledger of what is missing", response.url,
                     exc_info=exception, extra={"spider": spider})
        reason = f"the page could not be read: {type(exception).__name__}: {exception}"[:500]
        return list(recover(response.request, "parser_error", reason))
