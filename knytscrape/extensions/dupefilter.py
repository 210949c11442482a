"""Scrapy's duplicate filter, without a fingerprint of every article the id walk asks for.

Scrapy's RFPDupeFilter keeps the fingerprint of every request it lets through, so its set grows with the
archive (some 80 bytes an article). The ``articles`` spider asks for each article id once by itself (its
requested ids, a bit an id: spiders/id_walk.py), so the requests of its window (``knyt_window`` "article") pass
without a fingerprint. Everything else is filtered as before: list pages, section pages, and every redirect,
an article's included (a missing id the site sends to its front page is dropped as a duplicate of that page).
"""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter


class WalkAwareDupeFilter(RFPDupeFilter):
    def request_seen(self, request) -> bool:
        if request.meta.get("knyt_window") == "article" and not request.meta.get("redirect_urls"):
            return False  # asked once by the spider itself
        return super().request_seen(request)
