"""Storage: every record into SQLite, idempotently, keeping history.

Rows are upserted on the site's own keys, so crawling twice gives the same rows. An article, its
images, its comments, its revisions and its page's validators are always written in one transaction;
several records share a transaction (KNYT_DB_BATCH) because a commit per item made crawls 2.5x slower.
first_seen is set once, last_seen on every crawl that sees the row. An article whose content hash is
unchanged is only marked seen; a changed one gets revision rows (knytscrape.revisions); images and
comments that vanished from it, and articles whose page is gone, get removed_at: nothing is deleted.
"""

from __future__ import annotations

import dataclasses

from knytscrape import search
from knytscrape.clock import now_iso
from knytscrape.db import TABLES, link_videos_to_articles, open_database
from knytscrape.items import (
    ArticleItem,
    EventItem,
    GoneItem,
    ListedCountItem,
    PageInfo,
    SeenItem,
    SeenRecordItem,
    VideoItem,
)
from knytscrape.revisions import article_changes, content_hash, edited_comments

TABLE_OF = {ArticleItem: "articles", VideoItem: "videos", EventItem: "events"}
HANDLED = (*TABLE_OF, SeenItem, GoneItem, ListedCountItem, SeenRecordItem)


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
        if isinstance(item, HANDLED):
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
        search.index_row(self.db, table, pk, record[pk])
        self.db.execute(f"UPDATE [{table}] SET first_seen = ? WHERE [{pk}] = ? AND first_seen IS NULL",
                        [seen, record[pk]])

    def _write(self, record, seen: str) -> None:
        with self.db.atomic():
            if isinstance(record, ArticleItem):
                self._write_article(record, seen)
            elif isinstance(record, SeenItem):
                self._touch_article(record.article_id, seen)
                self.stats.inc_value("knyt/items/unchanged")
            elif isinstance(record, GoneItem):
                self._mark_gone(record.article_id, seen)
            elif isinstance(record, SeenRecordItem):
                self.db.execute(f"UPDATE [{record.table}] SET last_seen = ? WHERE id = ?", [seen, record.record_id])
                self.stats.inc_value("knyt/items/unchanged")
            elif isinstance(record, ListedCountItem):
                self.db.execute("UPDATE articles SET comment_count_listed = ? WHERE id = ?",
                                [record.comment_count, record.article_id])
            else:
                table = TABLE_OF[type(record)]
                values = row(record, table)
                if isinstance(record, VideoItem):
                    # the linked article may not be stored yet: link_videos_to_articles resolves it at the end
                    values["linked_article_id"] = values.pop("article_id")
                if isinstance(record, EventItem):
                    values["all_day"] = None if record.all_day is None else int(record.all_day)
                stored = next(iter(self.db.query(f"SELECT * FROM [{table}] WHERE id = ?", [values["id"]])), None)
                if isinstance(record, EventItem) and stored and not values["previous_starts_at"]:
                    # moved since the last crawl: keep where it was (unless the page itself says); else keep
                    # what an earlier move recorded
                    moved = stored["starts_at"] != values["starts_at"]
                    values["previous_starts_at"] = stored["starts_at"] if moved else stored["previous_starts_at"]
                if stored is None:
                    self.stats.inc_value("knyt/items/new")
                elif all(stored.get(k) == v for k, v in values.items()) and stored.get("removed_at") is None:
                    self.stats.inc_value("knyt/items/unchanged")
                else:
                    self.stats.inc_value("knyt/items/changed")
                self._upsert(table, values, seen)

    def _write_page(self, page: PageInfo | None, seen: str) -> None:
        if page is not None:
            self.db["pages"].upsert({"url_key": page.url_key, "etag": page.etag, "last_modified": page.last_modified,
                                     "body_hash": page.body_hash, "fetched": seen}, pk="url_key")

    def _active(self, table: str, article_id: int) -> list[dict]:
        return list(self.db.query(f"SELECT * FROM [{table}] WHERE article_id = ? AND removed_at IS NULL",
                                  [article_id]))

    def _write_article(self, article: ArticleItem, seen: str) -> None:
        values = row(article, "articles")
        # for facets: the year of publication, and whether readers commented
        values["year"] = int(article.published[:4]) if article.published else None
        values["has_comments"] = int(bool(article.comment_count))
        images = [row(image, "images") for image in article.images]
        comments = [row(comment, "comments") for comment in article.comments]
        values["content_hash"] = content_hash(values, images, comments)
        if values.get("comment_count_listed") is None:
            values.pop("comment_count_listed", None)  # known only from an archive page, which this run may skip
        stored = next(iter(self.db.query("SELECT * FROM articles WHERE id = ?", [article.id])), None)
        if stored and stored["content_hash"] == values["content_hash"] and stored["removed_at"] is None:
            self._touch_article(article.id, seen)
            self._write_page(article.page, seen)
            self.stats.inc_value("knyt/items/unchanged")
            return
        if stored:
            stored_comments = self._active("comments", article.id)
            edited = edited_comments(stored_comments, comments)
            for comment in comments:
                if comment["id"] in edited:
                    comment["replaces"] = edited[comment["id"]]  # set only here: an upsert keeps it later
            changes = article_changes(stored, values, self._active("images", article.id), images,
                                      stored_comments, comments, edited)
            if stored["removed_at"] is not None:
                changes.append({"table_name": "articles", "record_id": str(article.id), "article_id": article.id,
                                "field": "removed_at", "change": "restored", "old": stored["removed_at"],
                                "new": None, "diff": None})
            if changes:
                self.db["revisions"].insert_all([{**change, "seen": seen} for change in changes], pk="id")
            self.stats.inc_value("knyt/items/changed")
            self.stats.inc_value("knyt/revisions", len(changes))
        else:
            self.stats.inc_value("knyt/items/new")
        self._upsert("articles", values, seen)
        for image in images:
            self._upsert("images", image, seen)
        for comment in comments:
            self._upsert("comments", comment, seen)
        vanishing = [("comments", comments)]
        if not article.gallery_incomplete:
            vanishing.append(("images", images))
        for table, kept in vanishing:
            ids = [r["id"] for r in kept]
            self.db.execute(
                f"UPDATE [{table}] SET removed_at = ? WHERE article_id = ? AND removed_at IS NULL "
                f"AND id NOT IN ({', '.join('?' * len(ids))})",
                [seen, article.id, *ids],
            )
        self._write_page(article.page, seen)

    def _touch_article(self, article_id: int, seen: str) -> None:
        restored = self.db.execute("UPDATE articles SET removed_at = NULL WHERE id = ? AND removed_at IS NOT NULL",
                                   [article_id]).rowcount
        if restored:
            self.db["revisions"].insert({"table_name": "articles", "record_id": str(article_id),
                                         "article_id": article_id, "field": "removed_at", "change": "restored",
                                         "old": None, "new": None, "diff": None, "seen": seen}, pk="id")
        self.db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [seen, article_id])
        for table in ("images", "comments"):
            self.db.execute(f"UPDATE [{table}] SET last_seen = ? WHERE article_id = ? AND removed_at IS NULL",
                            [seen, article_id])

    def _mark_gone(self, article_id: int, seen: str) -> None:
        cursor = self.db.execute("UPDATE articles SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                                 [seen, article_id])
        if cursor.rowcount:
            self.db["revisions"].insert({"table_name": "articles", "record_id": str(article_id),
                                         "article_id": article_id, "field": "removed_at", "change": "removed",
                                         "old": None, "new": seen, "diff": None, "seen": seen}, pk="id")
            self.stats.inc_value("knyt/items/removed")
