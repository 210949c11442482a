"""Dates: the printed Swedish date text -> ISO 8601, raw text kept, nothing guessed."""

from __future__ import annotations

from knytscrape.dates import parse_date, parse_moment
from knytscrape.items import ArticleItem


class DatesPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if isinstance(item, ArticleItem):
            self._article(item)
        return item

    def _article(self, item: ArticleItem) -> None:
        item.published = parse_date(item.published_raw)
        if item.published is None:
            self.stats.inc_value("knyt/dates/published/unreadable")
        for comment in item.comments:
            comment.posted = parse_moment(comment.posted_raw).iso if comment.posted_raw else None
            if comment.posted_raw and comment.posted is None:
                self.stats.inc_value("knyt/dates/comment_posted/unreadable")
