"""Storage: every record into SQLite, idempotently.

Rows are upserted on the site's own keys, so crawling twice gives the same rows. An article and its
images and comments are always written in one transaction; several records share a transaction
(KNYT_DB_BATCH) because a commit per item made crawls 2.5x slower. first_seen is set once, last_seen
on every crawl that sees the row.
"""

from __future__ import annotations

import dataclasses

from knytscrape.clock import now_iso
from knytscrape.db import TABLES, link_videos_to_articles, open_database
from knytscrape.items import ArticleItem, EventItem, VideoItem

TABLE_OF = {ArticleItem: "articles", VideoItem: "videos", EventItem: "events"}


def row(record, table: str) -> dict:
    """The columns of ``table`` that ``record`` (a dataclass item) carries; first/last_seen set apart."""
    values = dataclasses.asdict(record) if dataclasses.is_dataclass(record) else dict(record)
    columns = TABLES[table]["columns"]
    return {k: v for k, v in values.items() if k in columns and k not in ("first_seen", "last_seen")}


class StoragePipeline:
    def __init__(self, db_path: str, batch_size: int, stats):
        self.db_path = db_path
        self.batch_size = batch_size
        self.stats = stats
        self.pending: list = []
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.get("KNYT_DB"), settings.getint("KNYT_DB_BATCH", 50), crawler.stats)

    def open_spider(self):
        self.db = open_database(self.db_path)

    def close_spider(self):
        self.flush()
        if self.db is not None:
            linked = link_videos_to_articles(self.db)
            self.stats.set_value("knyt/videos/linked_by_title", linked)
            self.db.close()

    def process_item(self, item):
        if type(item) in TABLE_OF:
            self.pending.append(item)
            if len(self.pending) >= self.batch_size:
                self.flush()
        return item

    def flush(self) -> None:
        if not self.pending:
            return
        seen = now_iso()
        with self.db.atomic():
            for record in self.pending:
                self._write(record, seen)
        self.stats.inc_value("knyt/db/records_written", len(self.pending))
        self.pending = []

    def _upsert(self, table: str, record: dict, seen: str) -> None:
        pk = TABLES[table]["pk"]
        if "removed_at" in TABLES[table]["columns"]:
            record = {**record, "removed_at": None}  # seen again: back on the site
        self.db[table].upsert({**record, "last_seen": seen}, pk=pk)
        self.db.execute(f"UPDATE [{table}] SET first_seen = ? WHERE [{pk}] = ? AND first_seen IS NULL",
                        [seen, record[pk]])

    def _write(self, record, seen: str) -> None:
        table = TABLE_OF[type(record)]
        with self.db.atomic():
            values = row(record, table)
            if isinstance(record, VideoItem):
                # the linked article may not be stored yet: link_videos_to_articles resolves it at the end
                values["linked_article_id"] = values.pop("article_id")
            if isinstance(record, EventItem):
                values["all_day"] = None if record.all_day is None else int(record.all_day)
            self._upsert(table, values, seen)
            if isinstance(record, ArticleItem):
                for image in record.images:
                    self._upsert("images", row(image, "images"), seen)
                for comment in record.comments:
                    self._upsert("comments", row(comment, "comments"), seen)
