"""One ``crawls`` row per spider run: when, how it ended, pages, items, errors and all stats.

It also guards the run: it takes the crawl lock and checks that the database can be written before the
spider asks the site anything (``spider.stop_reason`` otherwise), and at the end it reads how many pages
of the spider are still in the ledger of what is missing, for the health check.

At the end of a clean run (finished, items found, nothing missing) the rows of the spider's sections that
the run did not see again are marked removed (db.mark_vanished): kept, never deleted.
"""

from __future__ import annotations

import json
import time

from scrapy import signals

from knytscrape import ledger, lock
from knytscrape.clock import now_iso
from knytscrape.db import mark_vanished, open_database
from knytscrape.db_errors import FINISH_REASONS, DatabaseUnusable, check_writable, unusable
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

    def refuse(self, spider, stat: str, message: str) -> None:
        """This run asks for nothing: ``message`` is its one reason."""
        spider.logger.error(message)
        self.crawler.stats.set_value(stat, message)
        spider.stop_reason = message

    def spider_opened(self, spider):
        try:
            lock.acquire(self.db_path)
            check_writable(self.db_path)
            self.start_record(spider)
        except lock.CrawlLocked as error:
            self.refuse(spider, "knyt/locked", str(error))
        except DatabaseUnusable as error:
            self.crawler.stats.set_value("knyt/db/fatal", error.cause)
            self.refuse(spider, "knyt/db/fatal_message", str(error))
        except Exception as error:
            fatal = unusable(error, self.db_path)
            if fatal is None:
                raise
            self.crawler.stats.set_value("knyt/db/fatal", fatal.cause)
            self.refuse(spider, "knyt/db/fatal_message", str(fatal))

    def start_record(self, spider) -> None:
        db = open_database(self.db_path)
        try:
            with db.atomic():
                table = db["crawls"]
                # we hold the lock: a run still marked running was stopped before it could say so
                db.execute("UPDATE crawls SET status = 'interrupted' WHERE status = 'running' AND spider = ?",
                           [spider.name])
                self.started = now_iso()
                self.started_clock = self.clock()
                table.insert({"spider": spider.name, "base_url": getattr(spider, "base_url", None),
                              "started": self.started, "status": "running",
                              "mode": "reparse" if self.crawler.settings.getbool("KNYT_REPARSE") else None}, pk="id")
                self.crawl_id = table.last_pk
                spider.crawl_id = self.crawl_id
        finally:
            db.close()

    def spider_closed(self, spider, reason):
        if self.crawl_id is None:
            return  # never started: the database belongs to another crawl, or cannot be written
        stats = self.crawler.stats
        if stats.get_value("knyt/db/fatal"):
            return  # the database cannot take the record; the reason is in the stats and on stderr
        try:
            self.finish_record(spider, reason)
        except Exception as error:
            fatal = unusable(error, self.db_path)
            if fatal is None:
                raise
            stats.set_value("knyt/db/fatal", fatal.cause)
            stats.set_value("knyt/db/fatal_message", str(fatal))
            stats.set_value("finish_reason", FINISH_REASONS[fatal.cause])
            spider.logger.error(str(fatal))

    def finish_record(self, spider, reason) -> None:
        stats = self.crawler.stats
        db = open_database(self.db_path)
        try:
            reparse = self.crawler.settings.getbool("KNYT_REPARSE")
            # a reparse reads stored captures: what the site is missing is not its business
            kinds, sample = ({}, []) if reparse else ledger.open_summary(db, spider.name)
            missing = sum(kinds.values())
            stats.set_value("knyt/missing/open", missing)
            stats.set_value("knyt/missing/open_by_kind", kinds)
            stats.set_value("knyt/missing/sample", sample)
            values = stats.get_stats()
            whole = not any(k.endswith("/menu_link_missing") for k in values)  # else only the sidebar was read
            if (not reparse and reason == "finished" and count_errors(values) == 0 and not missing and whole
                    and values.get("item_scraped_count", 0) > 0):
                stats.set_value("knyt/vanished/marked_removed", mark_vanished(db, spider.name, self.started, now_iso()))
            values = {**stats.get_stats(), "finish_reason": reason}
            problems = crawl_health(spider.name, values)
            kinds = error_kinds(values)
            with db.atomic():
                db["crawls"].update(self.crawl_id, {
                    "finished": now_iso(),
                    "status": reason,
                    "mode": values.get("knyt/mode", "full"),
                    "duration_s": round(self.clock() - self.started_clock, 1),
                    "items_new": values.get("knyt/items/new", 0),
                    "items_changed": values.get("knyt/items/changed", 0),
                    "items_unchanged": values.get("knyt/items/unchanged", 0),
                    "problems": "\n".join(problems) or None,
                    "errors_by_kind": json.dumps(kinds, sort_keys=True) if kinds else None,
                    "coverage": json.dumps(coverage(values), sort_keys=True) if coverage(values) else None,
                    "pages": values.get("response_received_count", 0),
                    "items": values.get("item_scraped_count", 0),
                    "errors": count_errors(values),
                    "stats": json.dumps(values, default=str, sort_keys=True, ensure_ascii=False),
                })
        finally:
            db.close()
