"""Image files: optionally download every picture (KNYT_DOWNLOAD_IMAGES=1) with Scrapy's ImagesPipeline.

Files and thumbnails go under KNYT_IMAGES_DIR (default data/images/): ``full/<sha1>.jpg`` and
``thumbs/small/<sha1>.jpg``. Each ImageItem gets its local path, file size and checksum, stored in the
``images`` table. An article's lead picture and a video's picture are kept the same way and found again
by their address (``full/<sha1 of the address>.jpg``, knytscrape/reading.py); a video's own media file
(provider 'file') is kept as it came, ``media/<sha1 of the address>.<ext>``. A picture that could not be
downloaded goes to the ledger of what is missing with its article, which the next run reads again.
Off by default: the archive then keeps the addresses only.
"""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

from PIL import Image
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.images import ImageException, ImagesPipeline
from scrapy.utils.defer import ensure_awaitable

from knytscrape.items import ArticleItem, VideoItem
from knytscrape.reading import copy_path

MEDIA_FILE = "knyt_media_file"  # Request.meta: a video's media file, kept as it came


def is_http(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://"))


class ImageFilesPipeline(ImagesPipeline):
    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("KNYT_DOWNLOAD_IMAGES"):
            raise NotConfigured("image download is off (KNYT_DOWNLOAD_IMAGES)")
        store = settings.get("KNYT_IMAGES_DIR") or "data/images"
        cls._update_stores(settings)
        pipeline = cls(str(Path(store).resolve()), crawler=crawler)
        pipeline.store_dir = Path(store)
        return pipeline

    def get_images(self, response, request, info, *, item=None):
        """Scrapy's, after a look at the picture's size in its header: a small file can decode into gigabytes
        (a 13,000 x 13,000 blank PNG is 164 kB), so a picture of more than KNYT_IMAGE_MAX_PIXELS fails
        (and goes to the ledger with its article) before it is decoded."""
        with Image.open(BytesIO(response.body)) as probe:  # reads the header only
            width, height = probe.size
        limit = self.crawler.settings.getint("KNYT_IMAGE_MAX_PIXELS", 40_000_000)
        if width * height > limit:
            raise ImageException(f"picture too large to decode ({width}x{height} pixels > {limit}, "
                                 "KNYT_IMAGE_MAX_PIXELS)")
        yield from super().get_images(response, request, info, item=item)

    def get_media_requests(self, item, info):
        if isinstance(item, VideoItem):
            return self._video_requests(item)
        if not isinstance(item, ArticleItem):
            return []
        requests = [Request(image.url, callback=NO_CALLBACK) for image in item.images]
        if item.lead_image_url and item.lead_image_url not in {image.url for image in item.images}:
            requests.append(Request(item.lead_image_url, callback=NO_CALLBACK))  # found by its address
        return requests

    @staticmethod
    def _video_requests(video: VideoItem) -> list[Request]:
        """A video's picture, and its media file when the site serves one itself (provider 'file'; kept as
        it came, up to DOWNLOAD_MAXSIZE). Both are found again by their address (``local_copy_path``)."""
        requests = []
        if video.thumbnail_url and is_http(video.thumbnail_url):
            requests.append(Request(video.thumbnail_url, callback=NO_CALLBACK))
        if video.provider == "file" and video.embed_url and is_http(video.embed_url):
            requests.append(Request(video.embed_url, callback=NO_CALLBACK, meta={MEDIA_FILE: True}))
        return requests

    def file_path(self, request, response=None, info=None, *, item=None):
        if request.meta.get(MEDIA_FILE):
            return copy_path(request.url, media=True)
        return super().file_path(request, response, info, item=item)

    async def file_downloaded(self, response, request, info, *, item=None):
        """A media file is kept as it came (no decoding); a picture as Scrapy's ImagesPipeline keeps it."""
        if not request.meta.get(MEDIA_FILE):
            return await super().file_downloaded(response, request, info, item=item)
        buffer = BytesIO(response.body)
        checksum = hashlib.md5(response.body).hexdigest()  # noqa: S324 (a checksum, as Scrapy's)
        await ensure_awaitable(self.store.persist_file(self.file_path(request, response, info, item=item),
                                                       buffer, info))
        return checksum

    def item_completed(self, results, item, info):
        if isinstance(item, VideoItem):
            failed = sum(1 for ok, _ in results if not ok)
            if failed:
                self.crawler.stats.inc_value("knyt/images/video_files_failed", failed)
            return item
        if not isinstance(item, ArticleItem):
            return item
        done = {result["url"]: result for ok, result in results if ok}
        failed = [str(getattr(result, "value", result)) for ok, result in results if not ok]
        for image in item.images:
            result = done.get(image.url)
            if result is None:
                # to the ledger of what is missing (by storage): the article is read again next run
                self.crawler.stats.inc_value("knyt/images/download_failed")
                item.missing_files.append((image.url, "; ".join(failed)[:300] or "the download failed"))
                continue
            path = self.store_dir / result["path"]
            image.local_path = str(path)
            image.checksum = result["checksum"]
            image.file_size = path.stat().st_size if path.exists() else None
        return item
