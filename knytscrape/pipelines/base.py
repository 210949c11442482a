"""What every knytscrape pipeline shares: the crawl's stats, where repairs and problems are counted."""

from __future__ import annotations


class StatsPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)
