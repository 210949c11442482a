"""Conditional requests: ask "has it changed?" with the validators the site gave last time."""

from __future__ import annotations


class ConditionalRequestsMiddleware:
    """Adds If-None-Match / If-Modified-Since to requests whose meta carries ``knyt_validators``
    (etag, last_modified, body_hash); the spider treats the 304 answer as "unchanged"."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request):
        validators = request.meta.get("knyt_validators")
        if not validators:
            return None
        etag, last_modified, _ = validators
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if last_modified:
            request.headers.setdefault("If-Modified-Since", last_modified)
        if etag or last_modified:
            self.stats.inc_value("knyt/requests/conditional")
        return None

    def process_response(self, request, response):
        if response.status == 304:
            self.stats.inc_value("knyt/responses/not_modified")
        return response
