"""One ``crawls`` row per spider run: when, how it ended, pages, items, errors and all stats.

At the end of a clean run (finished, items found, no errors) the rows of the spider's sections that
the run did not see again are marked removed (db.mark_vanished): kept, never deleted.
"""

from __future__ import annotations

import json
import time

from scrapy import signals

from knytscrape import lock
from knytscrape.clock import now_iso
from knytscrape.db import mark_vanished, open_database
from knytscrape.health import count_errors, coverage, crawl_health, error_kinds


class CrawlRecord:
    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("KNYT_DB")
        self.crawl_id: int | None = None
        self.started: str | None = None
        self.clock = time.monotonic
        self.started_clock = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        try:
            lock.acquire(self.db_path)
        except lock.CrawlLocked as error:
            spider.logger.error(str(error))
            self.crawler.stats.set_value("knyt/locked", str(error))  # the spider then asks for nothing
            return
        db = open_database(self.db_path)
        with db.atomic():
            table = db["crawls"]
            # we hold the lock: a run still marked running was stopped before it could say so
            db.execute("UPDATE crawls SET status = 'interrupted' WHERE status = 'running' AND spider = ?",
                       [spider.name])
            self.started = now_iso()
            self.started_clock = self.clock()
            table.insert({"spider": spider.name, "base_url": getattr(spider, "base_url", None),
                          "started": self.started, "status": "running"}, pk="id")
            self.crawl_id = table.last_pk
            spider.crawl_id = self.crawl_id
        db.close()

    def spider_closed(self, spider, reason):
        if self.crawl_id is None:
            return  # never started: the database belongs to another crawl
        stats = self.crawler.stats.get_stats()
        errors = count_errors(stats)
        db = open_database(self.db_path)
        whole = not any(k.endswith("/menu_link_missing") for k in stats)  # else only the sidebar was read
        if reason == "finished" and errors == 0 and stats.get("item_scraped_count", 0) > 0 and whole:
            marked = mark_vanished(db, spider.name, self.started, now_iso())
            self.crawler.stats.set_value("knyt/vanished/marked_removed", marked)
            stats = self.crawler.stats.get_stats()
        problems = crawl_health(spider.name, stats)
        finished = now_iso()
        with db.atomic():
            db["crawls"].update(self.crawl_id, {
                "finished": finished,
                "status": reason,
                "mode": stats.get("knyt/mode", "full"),
                "duration_s": round(self.clock() - self.started_clock, 1),
                "items_new": stats.get("knyt/items/new", 0),
                "items_changed": stats.get("knyt/items/changed", 0),
                "items_unchanged": stats.get("knyt/items/unchanged", 0),
                "problems": "\n".join(problems) or None,
                "errors_by_kind": json.dumps(error_kinds(stats), sort_keys=True) if error_kinds(stats) else None,
                "coverage": json.dumps(coverage(stats), sort_keys=True) if coverage(stats) else None,
                "pages": stats.get("response_received_count", 0),
                "items": stats.get("item_scraped_count", 0),
                "errors": errors,
                "stats": json.dumps(stats, default=str, sort_keys=True, ensure_ascii=False),
            })
        db.close()
