"""Download size bounds for pages, smaller than the one for pictures.

DOWNLOAD_MAXSIZE / DOWNLOAD_WARNSIZE (settings.py) bound every download, sized for pictures. The
site's pages are tens of kB, so every other request (the spiders' pages, their redirects, robots.txt)
gets KNYT_PAGE_MAXSIZE / KNYT_PAGE_WARNSIZE through the ``download_maxsize`` / ``download_warnsize``
request meta keys, which Scrapy's download handler applies to the bytes received and its
HttpCompressionMiddleware to the *decompressed* body (gzip, deflate, br, zstd alike), so a small page
that inflates to hundreds of MB is dropped after KNYT_PAGE_MAXSIZE bytes of it. Pictures are the
requests of the ImagesPipeline (callback ``NO_CALLBACK``, not robots.txt). A request that sets those
meta keys itself keeps them; 0 leaves pages at the DOWNLOAD_* bound of pictures.
"""

from __future__ import annotations

from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached


def is_picture_request(request) -> bool:
    return request.callback is NO_CALLBACK and not urlparse_cached(request).path.endswith("/robots.txt")


class PageSizeMiddleware:
    def __init__(self, maxsize: int, warnsize: int):
        self.maxsize = maxsize
        self.warnsize = warnsize

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("KNYT_PAGE_MAXSIZE"), crawler.settings.getint("KNYT_PAGE_WARNSIZE"))

    def process_request(self, request) -> None:
        if is_picture_request(request):
            return
        if self.maxsize:
            request.meta.setdefault("download_maxsize", self.maxsize)
        if self.warnsize:
            request.meta.setdefault("download_warnsize", self.warnsize)
