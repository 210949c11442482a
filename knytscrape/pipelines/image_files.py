"""Image files: optionally download every picture (KNYT_DOWNLOAD_IMAGES=1) with Scrapy's ImagesPipeline.

Files and thumbnails go under KNYT_IMAGES_DIR (default data/images/): ``full/<sha1>.jpg`` and
``thumbs/small/<sha1>.jpg``. Each ImageItem gets its local path, file size and checksum, stored in the
``images`` table. A picture that could not be downloaded goes to the ledger of what is missing with its
article, which the next run reads again. Off by default: the archive then keeps the addresses only.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.images import ImageException, ImagesPipeline

from knytscrape.items import ArticleItem


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
        if not isinstance(item, ArticleItem):
            return []
        return [Request(image.url, callback=NO_CALLBACK) for image in item.images]

    def item_completed(self, results, item, info):
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
