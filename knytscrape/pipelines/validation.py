"""Validation: count every missing or unreadable field; drop nothing silently.

At the end of the crawl the share of records with each field filled is written to the stats, so a template
change shows up as falling coverage: ``knyt/coverage/<field>`` for articles (and ``knyt/coverage/articles``,
how many), ``knyt/coverage/videos/<field>`` and ``knyt/coverage/events/<field>`` for the pages of the two
sections (an event only the sidebar shows has no page, and is not counted).
"""

from __future__ import annotations

from knytscrape.items import ArticleItem, EventItem, VideoItem
from knytscrape.pipelines.base import StatsPipeline

REQUIRED = ("title", "published", "lead", "body")
OPTIONAL = ("credit", "image_count", "lead_image_url")
VIDEO_FIELDS = ("title", "published", "description", "embed_url", "duration")
EVENT_FIELDS = ("title", "starts_at", "location", "description")


class ValidationPipeline(StatsPipeline):
    def __init__(self, stats):
        super().__init__(stats)
        self.filled: dict[str, int] = {}
        self.articles = 0
        self.section_filled: dict[str, dict[str, int]] = {"videos": {}, "events": {}}
        self.section_records: dict[str, int] = {"videos": 0, "events": 0}

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
            self._count_section("videos", item, VIDEO_FIELDS)
        if isinstance(item, EventItem) and item.source == "page":
            for name in EVENT_FIELDS:
                if getattr(item, name) in (None, ""):
                    self.stats.inc_value(f"knyt/field/event_{name}/missing")
            self._count_section("events", item, EVENT_FIELDS)
        return item

    def _count_section(self, kind: str, item, fields: tuple[str, ...]) -> None:
        self.section_records[kind] += 1
        for name in fields:
            if getattr(item, name) not in (None, ""):
                self.section_filled[kind][name] = self.section_filled[kind].get(name, 0) + 1

    def close_spider(self):
        for kind, fields in (("videos", VIDEO_FIELDS), ("events", EVENT_FIELDS)):
            records = self.section_records[kind]
            if records:
                for name in fields:
                    share = self.section_filled[kind].get(name, 0) / records
                    self.stats.set_value(f"knyt/coverage/{kind}/{name}", round(share, 3))
                self.stats.set_value(f"knyt/coverage/{kind}", records)
        if not self.articles:
            return
        for name in REQUIRED + OPTIONAL:
            self.stats.set_value(f"knyt/coverage/{name}", round(self.filled.get(name, 0) / self.articles, 3))
        self.stats.set_value("knyt/coverage/articles", self.articles)
