"""Decode every HTML page with knytscrape.encoding's rule instead of Scrapy's guess."""

from __future__ import annotations

from scrapy.http import HtmlResponse, TextResponse

from knytscrape.encoding import detect_encoding


class LegacyEncodingMiddleware:
    """Sets an explicit encoding on HTML responses (Latin-1 pages without a charset, wrong headers)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response):
        if not isinstance(response, TextResponse) or not isinstance(response, HtmlResponse):
            return response
        content_type = response.headers.get("Content-Type")
        name = detect_encoding(response.body, content_type)
        self.stats.inc_value(f"knyt/encoding/{name}")
        return response.replace(encoding=name)
