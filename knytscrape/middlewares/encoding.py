"""Decode every text response (HTML above all) with knytscrape.encoding's rule instead of Scrapy's guess."""

from __future__ import annotations

from scrapy.http import TextResponse

from knytscrape.encoding import detect_encoding


class LegacyEncodingMiddleware:
    """Sets an explicit encoding on text responses (Latin-1 pages without a charset, wrong headers).

    The encoding set is always one that Scrapy's own ``response.text`` decodes with, without raising,
    whatever label the header or a ``<meta>`` tag declares (``idna``, ``rot13``, ``utf-7``, ...): left
    to itself Scrapy would look such a label up with Python's codecs and fail on the page.
    """

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response):
        if not isinstance(response, TextResponse):
            return response
        content_type = response.headers.get("Content-Type")
        name = detect_encoding(response.body, content_type)
        self.stats.inc_value(f"knyt/encoding/{name}")
        return with_encoding(response, name)


def with_encoding(response: TextResponse, name: str) -> TextResponse:
    """The response, to be decoded with ``name``. ``replace`` copies the response and its headers (2% of a
    crawl's time); a response that nothing has decoded yet takes the encoding in place instead (TextResponse
    keeps an explicit encoding in ``_encoding``). Any other, or another Scrapy, gets ``replace``."""
    untouched = (getattr(response, "_cached_ubody", "") is None and getattr(response, "_cached_benc", "") is None
                 and getattr(response, "_cached_selector", "") is None)
    if untouched and hasattr(response, "_encoding"):
        response._encoding = name
        return response
    return response.replace(encoding=name)
