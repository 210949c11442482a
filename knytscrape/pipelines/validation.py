"""Validation: count every missing or unreadable field; drop nothing silently.

At the end of the crawl the share of articles with each field filled is written to the stats
(``knyt/coverage/<field>``), so a template change shows up as falling coverage.
"""

from __future__ import annotations

from knytscrape.items import ArticleItem, VideoItem
from knytscrape.pipelines.base import StatsPipeline

REQUIRED = ("title", "published", "lead", "body")
OPTIONAL = ("credit", "image_count", "lead_image_url")


class ValidationPipeline(StatsPipeline):
    def __init__(self, stats):
        super().__init__(stats)
        self.filled: dict[str, int] = {}
        self.articles = 0

    def process_item(self, item):
        if isinstance(item, ArticleItem):
            self.articles += 1
            if item.unread:  # stored with what could be read: counted, and its reason on the row
                self.stats.inc_value("knyt/articles/partial")
            for name in REQUIRED + OPTIONAL:
                if getattr(item, name) in (None, ""):
                    self.stats.inc_value(f"knyt/field/{name}/missing")
                else:
                    self.filled[name] = self.filled.get(name, 0) + 1
            if item.published is None and item.published_raw:
                self.stats.inc_value("knyt/field/published/invalid")
            for image in item.images:
                if image.caption is None:
                    self.stats.inc_value("knyt/field/image_caption/missing")
            for comment in item.comments:
                if not comment.author:
                    self.stats.inc_value("knyt/field/comment_author/missing")
        if isinstance(item, VideoItem):
            for name in ("title", "published_raw", "description", "embed_url"):
                if getattr(item, name) in (None, ""):
                    self.stats.inc_value(f"knyt/field/{name}/missing")
        return item

    def close_spider(self):
        if not self.articles:
            return
        for name in REQUIRED + OPTIONAL:
            self.stats.set_value(f"knyt/coverage/{name}", round(self.filled.get(name, 0) / self.articles, 3))
        self.stats.set_value("knyt/coverage/articles", self.articles)
