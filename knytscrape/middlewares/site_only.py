"""No request leaves the crawled copy of the site: not a redirect, not a ``dont_filter`` request, not a
robots.txt of another host, not a picture download.

Scrapy's own OffsiteMiddleware compares host names only (``allowed_domains``), so another port of the
same host passes, and it lets every ``dont_filter`` request through (the gallery views are such
requests). It also drops off-site requests when they are *scheduled* (its ``request_scheduled``
handler), where the request's errback never hears of it. This middleware replaces it (see
settings.DOWNLOADER_MIDDLEWARES): a request whose scheme, host and port are not those of the spider's
``base_url`` fails with :class:`OffsiteRequest`, an IgnoreRequest the errback receives, before any
other downloader middleware sees it (robots.txt is never fetched from the other host). Redirects and
meta refreshes come back through here: RedirectMiddleware hands the new request to the engine, which
schedules it and sends it down the whole middleware chain again (``engine.download_async`` does the
same for pictures and robots.txt).

Each drop is counted (``knyt/offsite/dropped``, ``knyt/offsite/reason/<other_scheme|other_host|
other_port>``, ``knyt/offsite/redirected`` when a redirect led there) and logged as one warning line
with the URL. A spider without ``base_url`` (``scrapy shell``, ``scrapy fetch``) keeps Scrapy's
``allowed_domains`` rule.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import ParseResult, SplitResult, urlsplit

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}


class OffsiteRequest(IgnoreRequest):
    """A request off the crawled copy of the site, dropped before it left."""

    kind = "offsite"  # what knytscrape.failures reports for it


def origin(parts: SplitResult | ParseResult) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a split URL, lower-cased, with the scheme's default port filled in."""
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is no number or out of range: never the site's
        port = -1
    if port is None:
        port = DEFAULT_PORTS.get(scheme)
    return scheme, (parts.hostname or "").rstrip("."), port


def offsite_reason(url_origin: tuple[str, str, int | None], site: tuple[str, str, int | None]) -> str | None:
    """None when ``url_origin`` is the site's, else what differs first: other_scheme, other_host, other_port."""
    for reason, mine, theirs in zip(("other_scheme", "other_host", "other_port"), url_origin, site, strict=True):
        if mine != theirs:
            return reason
    return None


@functools.lru_cache(maxsize=8)
def base_origin(base_url: str):
    """The origin of the crawled copy, worked out once (it is asked for every request)."""
    return origin(urlsplit(base_url))


class SiteOnlyMiddleware(OffsiteMiddleware):
    """Drops every request that is not on ``spider.base_url``'s scheme, host and port."""

    def request_scheduled(self, request, spider) -> None:
        """Nothing is dropped at scheduling time (its errback would never know): process_request does it."""

    def process_request(self, request, spider=None) -> None:
        spider = self.crawler.spider
        base_url = getattr(spider, "base_url", None)
        if not base_url:
            if not self.should_follow(request, spider):  # Scrapy's rule, whatever dont_filter says
                self._drop(request, "other_host")
            return
        reason = offsite_reason(origin(urlparse_cached(request)), base_origin(base_url))
        if reason is not None:
            self._drop(request, reason)

    def _drop(self, request, reason: str) -> None:
        self.stats.inc_value("knyt/offsite/dropped")
        self.stats.inc_value(f"knyt/offsite/reason/{reason}")
        came_from = request.meta.get("redirect_urls") or []
        if came_from:
            self.stats.inc_value("knyt/offsite/redirected")
        logger.warning("Dropped a request off the crawled site (%s): %s%s", reason.replace("_", " "), request.url,
                       f" (redirected from {came_from[-1]})" if came_from else "",
                       extra={"spider": self.crawler.spider})
        raise OffsiteRequest(f"off the crawled site ({reason.replace('_', ' ')}): {request.url}")
