"""One ``crawls`` row per spider run: when, how it ended, pages, items, errors and all stats.

At the end of a clean run (finished, items found, no errors) the rows of the spider's sections that
the run did not see again are marked removed (db.mark_vanished): kept, never deleted.
"""

from __future__ import annotations

import json

from scrapy import signals

from knytscrape.clock import now_iso
from knytscrape.db import mark_vanished, open_database


class CrawlRecord:
    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("KNYT_DB")
        self.crawl_id: int | None = None
        self.started: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        db = open_database(self.db_path)
        with db.atomic():
            table = db["crawls"]
            self.started = now_iso()
            table.insert({"spider": spider.name, "base_url": getattr(spider, "base_url", None),
                          "started": self.started, "status": "running"}, pk="id")
            self.crawl_id = table.last_pk
        db.close()

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats.get_stats()
        errors = sum(v for k, v in stats.items() if k in ("log_count/ERROR", "spider_exceptions/count")
                     or k.startswith("downloader/exception_type_count/"))
        db = open_database(self.db_path)
        if reason == "finished" and errors == 0 and stats.get("item_scraped_count", 0) > 0:
            marked = mark_vanished(db, spider.name, self.started, now_iso())
            self.crawler.stats.set_value("knyt/vanished/marked_removed", marked)
            stats = self.crawler.stats.get_stats()
        with db.atomic():
            db["crawls"].update(self.crawl_id, {
                "finished": now_iso(),
                "status": reason,
                "pages": stats.get("response_received_count", 0),
                "items": stats.get("item_scraped_count", 0),
                "errors": errors,
                "stats": json.dumps(stats, default=str, sort_keys=True, ensure_ascii=False),
            })
        db.close()
