"""Images: absolute URLs, duplicates out, page order, stable ids."""

from __future__ import annotations

from urllib.parse import urljoin

from knytscrape.items import ArticleItem, ImageItem
from knytscrape.pipelines.base import StatsPipeline


class ImagesPipeline(StatsPipeline):

    def process_item(self, item):
        if isinstance(item, ArticleItem):
            item.images = self._clean(item)
        return item

    def _clean(self, article: ArticleItem) -> list[ImageItem]:
        inline = sorted((i for i in article.images if i.kind != "gallery"), key=lambda i: i.position)
        gallery = sorted((i for i in article.images if i.kind == "gallery"), key=lambda i: i.position)
        # inline pictures keep their page order 1..n; gallery image K follows them at n + K
        for number, image in enumerate(inline, start=1):
            image.position = number
        for image in gallery:
            image.position += len(inline)
        kept: list[ImageItem] = []
        seen: set[str] = set()
        for image in inline + gallery:
            image.url = urljoin(image.page_url or article.source_url, image.url)
            if image.url in seen:
                self.stats.inc_value("knyt/images/duplicate_dropped")
                continue
            seen.add(image.url)
            image.article_id = article.id
            image.id = f"{article.id}-{image.position}"
            kept.append(image)
        if article.image_count is not None and len(gallery) != article.image_count:
            self.stats.inc_value("knyt/images/gallery_count_mismatch")
        return kept
