"""Storage: every record into SQLite, idempotently, keeping history.

Rows are upserted on the site's own keys, so crawling twice gives the same rows. An article, its
images, its comments, its revisions and its page's validators are always written in one transaction;
several records share a transaction (KNYT_DB_BATCH) because a commit per item made crawls 2.5x slower.
first_seen is set once, last_seen on every crawl that sees the row. An article whose content hash is
unchanged is only marked seen; a changed one gets revision rows (knytscrape.revisions), and so does a
changed video or event; images and comments that vanished from it, and articles whose page is gone, get
removed_at: nothing is deleted.

Nothing is lost quietly, and nothing is counted that was not written:
* the stats of a batch (new, changed, ...) are counted once its transaction has committed;
* a record that fails (a value SQLite cannot take) fails alone: the batch is written again without it,
  and it goes to the ledger of what is missing with its reason (knytscrape.ledger);
* a database that cannot take writes at all (disk full, read-only, damaged) stops the run at once, with
  one line naming the cause (knytscrape.db_errors);
* an article page that lost landmarks its stored version had (title, date, lead, body, credit, gallery
  line, comment section) keeps those as stored (the rest is written) and goes to the ledger; the loss is
  accepted only when a later run sees the same loss.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections import Counter
from datetime import datetime

from scrapy.utils.defer import deferred_from_coro
from sqlite_utils.db import jsonify_if_needed

from knytscrape import ledger, search
from knytscrape.clock import now_iso
from knytscrape.db import TABLES, link_videos_to_articles, open_database
from knytscrape.db_errors import FINISH_REASONS, unusable
from knytscrape.items import (
    ArticleItem,
    EventItem,
    FailedPageItem,
    GoneItem,
    ListedCountItem,
    ListedCountsItem,
    PageInfo,
    ResolvedPageItem,
    SeenItem,
    SeenRecordItem,
    VideoItem,
)
from knytscrape.revisions import article_changes, content_hash, edited_comments, same_value, text_diff
from knytscrape.state import url_key
from knytscrape.urls import canonical_page_url

logger = logging.getLogger(__name__)

TABLE_OF = {ArticleItem: "articles", VideoItem: "videos", EventItem: "events"}
LEDGER_ITEMS = (FailedPageItem, ResolvedPageItem)
HANDLED = (*TABLE_OF, SeenItem, GoneItem, ListedCountItem, ListedCountsItem, SeenRecordItem, *LEDGER_ITEMS)
SQLITE_INTEGER = (-(2**63), 2**63 - 1)
# last_seen never goes back: a reparse writes the time a page was captured, which may be older than the
# crawl that last saw the row (for a crawl, now is always the latest)
LATEST_SEEN = "CASE WHEN last_seen IS NOT NULL AND julianday(last_seen) > julianday(?) THEN last_seen ELSE ? END"
# A picture's local copy, which a reparse without downloading (the default) cannot know: kept as stored.
PICTURE_FILE_COLUMNS = ("local_path", "file_size", "checksum")
# What an article page shows that a damaged answer loses; the gallery line stands for its pictures.
LANDMARKS = ("title", "published_raw", "lead", "body", "credit", "gallery_line", "image_count")


def row(record, table: str) -> dict:
    """The columns of ``table`` that ``record`` (a dataclass item) carries; first/last_seen set apart. (Read
    field by field: ``dataclasses.asdict`` would copy an article's pictures and comments too, to drop them.)"""
    columns = TABLES[table]["columns"]
    if dataclasses.is_dataclass(record):
        return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)
                if f.name in columns and f.name not in ("first_seen", "last_seen")}
    return {k: v for k, v in dict(record).items() if k in columns and k not in ("first_seen", "last_seen")}


# What an upsert does to a row that exists: the columns written take the new values, and these two are kept
# as the row's history says (the first sighting stays; last_seen never goes back, as LATEST_SEEN)
SEEN_ON_CONFLICT = (("first_seen", "coalesce(first_seen, excluded.first_seen)"),
                    ("last_seen", "CASE WHEN last_seen IS NOT NULL AND julianday(last_seen) > "
                                  "julianday(excluded.last_seen) THEN last_seen ELSE excluded.last_seen END"))


@functools.lru_cache(maxsize=256)
def upsert_sql(table: str, columns: tuple[str, ...], pk: str, on_conflict: tuple[tuple[str, str], ...] = ()) -> str:
    """``INSERT … ON CONFLICT(pk) DO UPDATE``, as sqlite-utils' ``upsert`` writes it (a row that exists keeps
    the columns not given), with ``on_conflict``'s expressions for some columns of a row that exists."""
    special = dict(on_conflict)
    assignments = [f"[{c}] = {special.get(c, f'excluded.[{c}]')}" for c in columns if c != pk]
    return (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT([{pk}]) " + (f"DO UPDATE SET {', '.join(assignments)}" if assignments else "DO NOTHING"))


def out_of_range(values: dict) -> list[str]:
    """Integer columns whose value SQLite cannot hold (a count printed as 99999999999999999999)."""
    return [k for k, v in values.items()
            if isinstance(v, int) and not isinstance(v, bool) and not SQLITE_INTEGER[0] <= v <= SQLITE_INTEGER[1]]


def lost_landmarks(stored: dict, values: dict, stored_comments: int, has_comment_section: bool) -> list[str]:
    """What the stored article showed and the new page does not."""
    lost = [name for name in LANDMARKS if stored.get(name) not in (None, "") and values.get(name) in (None, "")]
    if stored_comments and not has_comment_section:
        lost.append("comments")
    return lost


def record_url(record) -> str | None:
    if isinstance(record, ArticleItem):
        return record.source_url or record.url
    return getattr(record, "url", None)


class StoragePipeline:
    def __init__(self, crawler, db_path: str, batch_size: int, reparse: bool = False):
        self.crawler = crawler
        # knytscrape reparse: records carry when their page was captured, which is when they were seen; a
        # change is a parser's ("reparse") unless the stored version is older than the capture; the ledger
        # of what is missing is the site's business and left alone
        self.reparse = reparse
        self.cause = "site"  # of the revisions being written
        self.db_path = db_path
        self.batch_size = batch_size
        self.stats = crawler.stats
        self.pending: list = []
        self.tally: Counter = Counter()  # the stats of the transaction being written
        self.db = None
        self.stopped: str | None = None  # the cause, once the database cannot take writes

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.get("KNYT_DB"), settings.getint("KNYT_DB_BATCH", 50),
                   settings.getbool("KNYT_REPARSE"))

    @property
    def spider_name(self) -> str:
        return self.crawler.spider.name

    @property
    def crawl_id(self) -> int | None:
        return getattr(self.crawler.spider, "crawl_id", None)

    def open_spider(self):
        try:
            self.db = open_database(self.db_path)
        except Exception as error:
            if not self._stop(error):
                raise

    def close_spider(self):
        self.flush()
        if self.db is None:
            return
        try:
            if not self.stopped:
                linked = link_videos_to_articles(self.db)
                self.stats.set_value("knyt/videos/linked_by_title", linked)
        except Exception as error:
            if not self._stop(error):
                raise
        finally:
            self.db.close()

    def process_item(self, item):
        if not isinstance(item, HANDLED):
            return item
        if self.stopped:
            self.stats.inc_value("knyt/db/not_written")
            return item
        if self.reparse and isinstance(item, LEDGER_ITEMS):
            if isinstance(item, FailedPageItem) and item.kind != "not_captured":  # that one the handler counts
                self.stats.inc_value(f"knyt/reparse/failed/{item.kind}")
                logger.warning("Reparse could not read %s: %s", item.url, item.reason)
            return item
        self.pending.append(item)
        # the ledger is written at once: a run killed later must still know what it missed
        if len(self.pending) >= self.batch_size or isinstance(item, LEDGER_ITEMS):
            self.flush()
        return item

    def flush(self) -> None:
        if not self.pending or self.stopped:
            return
        batch, self.pending = self.pending, []
        try:
            self._commit(batch)
            return
        except Exception as error:
            if self._stop(error):
                self.stats.inc_value("knyt/db/not_written", len(batch))
                return
        failed_keys = set()  # the pages of records that failed: their ledger entries must stay open
        for number, record in enumerate(batch):  # one bad record must not fail the others
            if isinstance(record, ResolvedPageItem) and record.url_key in failed_keys:
                continue
            try:
                self._commit([record])
            except Exception as error:
                if self._stop(error):
                    self.stats.inc_value("knyt/db/not_written", len(batch) - number)
                    return
                failed_keys.add(self._record_failed(record, error))

    def _commit(self, records: list) -> None:
        seen = now_iso()
        self.tally = Counter()
        with self.db.atomic():
            for record in records:
                self._write(record, (self.reparse and getattr(record, "captured_at", None)) or seen)
        self.tally["knyt/db/records_written"] += len(records)
        for key, value in self.tally.items():
            self.stats.inc_value(key, value)
        self.tally = Counter()

    def _count(self, key: str, value: int = 1) -> None:
        self.tally[key] += value

    def _stop(self, error: BaseException) -> bool:
        """Stop the run when ``error`` means the database cannot take writes; True when it did."""
        fatal = unusable(error, self.db_path)
        if fatal is None:
            return False
        if not self.stopped:
            self.stopped = fatal.cause
            self.stats.set_value("knyt/db/fatal", fatal.cause)
            self.stats.set_value("knyt/db/fatal_message", str(fatal))
            logger.error(str(fatal))
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason=FINISH_REASONS[fatal.cause]))
        return True

    def _record_failed(self, record, error: BaseException) -> str | None:
        """A record storage could not write: counted, logged, and in the ledger so the next run tries again.
        Returns the url_key of its ledger entry."""
        self.stats.inc_value("knyt/db/record_failed")
        url = record_url(record)
        if self.reparse:  # reported (record_failed makes the run unhealthy); the ledger is the site's business
            logger.error("Could not store %s (%s): %s", type(record).__name__, url, error)
            return None
        article = record.id if isinstance(record, ArticleItem) else getattr(record, "article_id", None)
        if url is None and article is not None:
            url = self.crawler.spider.site_url(f"artiklar.php?id={article}")
        logger.error("Could not store %s (%s): %s", type(record).__name__, url, error)
        if url is None:
            return None
        failure = FailedPageItem(spider=self.spider_name, url=url, url_key=url_key(url), kind="storage",
                                 reason=f"its record could not be stored: {type(error).__name__}: {error}"[:500],
                                 article_id=article)
        try:
            self._commit([failure])
        except Exception as second:
            if not self._stop(second):
                logger.error("Could not record the failure in the ledger either: %s", second)
        return failure.url_key

    def _upsert(self, table: str, record: dict, seen: str, first_seen: str | None = None) -> None:
        """Insert or update the row; ``first_seen`` for a new row, when known to be before ``seen`` (a reparse
        knows the first capture of a record's page)."""
        pk = TABLES[table]["pk"]
        for column in out_of_range(record):  # stored as unreadable, not failing the record
            self._count(f"knyt/field/{column}/out_of_range")
            record = {**record, column: None}
        if "removed_at" in TABLES[table]["columns"]:
            record = {**record, "removed_at": None}  # seen again: back on the site
        # one statement writes the row and when it was seen
        self._put(table, pk, {**record, "first_seen": first_seen or seen, "last_seen": seen}, SEEN_ON_CONFLICT)
        search.index_row(self.db, table, pk, record[pk])

    def _put(self, table: str, pk: str, values: dict, on_conflict: tuple[tuple[str, str], ...] = ()) -> None:
        """Insert or update one row (sqlite-utils' upsert, in one statement built once per set of columns)."""
        if values.get(pk) is None:
            raise ValueError(f"a {table} row without its key {pk}")  # as upsert refuses one
        self.db.execute(upsert_sql(table, tuple(values), pk, on_conflict),
                        [jsonify_if_needed(value) for value in values.values()])

    def _write(self, record, seen: str) -> None:
        self.cause = "site"
        if self.reparse and isinstance(record, SeenItem | GoneItem):
            stored = next(iter(self.db.query("SELECT last_seen FROM articles WHERE id = ?", [record.article_id])), None)
            self.cause = self._cause(stored, seen)
        with self.db.atomic():
            if isinstance(record, ArticleItem):
                self._write_article(record, seen)
            elif isinstance(record, SeenItem):
                self._touch_article(record.article_id, seen)
                self._count("knyt/items/unchanged")
            elif isinstance(record, GoneItem):
                self._mark_gone(record.article_id, seen)
            elif isinstance(record, SeenRecordItem):
                self.db.execute(f"UPDATE [{record.table}] SET last_seen = {LATEST_SEEN} WHERE id = ?",
                                [seen, seen, record.record_id])
                self._count("knyt/items/unchanged")
            elif isinstance(record, ListedCountItem):
                self._write_listed_count(record.article_id, record.comment_count, seen)
            elif isinstance(record, ListedCountsItem):
                for article_id, comment_count in record.counts:
                    self._write_listed_count(article_id, comment_count, seen)
            elif isinstance(record, FailedPageItem):
                self._count("knyt/missing/recorded")
                if ledger.record_failure(self.db, record, seen, self.crawl_id) == "gone":
                    self._count("knyt/missing/gone")
            elif isinstance(record, ResolvedPageItem):
                self._count("knyt/missing/resolved", ledger.resolve(
                    self.db, [ledger.entry_id(record.spider, record.url_key)], seen))
            else:
                table = TABLE_OF[type(record)]
                values = row(record, table)
                if isinstance(record, VideoItem):
                    # the linked article may not be stored yet: link_videos_to_articles resolves it at the end
                    values["linked_article_id"] = values.pop("article_id")
                if isinstance(record, EventItem):
                    values["all_day"] = None if record.all_day is None else int(record.all_day)
                # as articles: the canonical address (which resolves wherever the archive is read, when a copy
                # of the site was crawled), and the address fetched beside it
                values["url"] = canonical_page_url(record.url)
                stored = next(iter(self.db.query(f"SELECT * FROM [{table}] WHERE id = ?", [values["id"]])), None)
                if isinstance(record, EventItem) and stored and not values["previous_starts_at"]:
                    # moved since the last crawl: keep where it was (unless the page itself says); else keep
                    # what an earlier move recorded
                    moved = stored["starts_at"] != values["starts_at"]
                    values["previous_starts_at"] = stored["starts_at"] if moved else stored["previous_starts_at"]
                if stored is None:
                    self._count("knyt/items/new")
                elif all(same_value(stored.get(k), v) for k, v in values.items()) and stored.get("removed_at") is None:
                    self._count("knyt/items/unchanged")
                else:
                    self._count("knyt/items/changed")
                    self._write_record_changes(table, stored, values, seen)
                # where it was fetched from is not a change of the record (a row stored before the column
                # existed gets it without a revision)
                values["source_url"] = record.url
                self._upsert(table, values, seen, record.first_captured_at)

    def _write_listed_count(self, article_id: int, comment_count: int, seen: str) -> None:
        """The comment count a list page printed for an article: on the article, or kept until it is stored."""
        count = None if out_of_range({"count": comment_count}) else comment_count
        if count is None:
            self._count("knyt/field/comment_count_listed/out_of_range")
        updated = self.db.execute("UPDATE articles SET comment_count_listed = ? WHERE id = ?",
                                  [count, article_id]).rowcount
        if updated:
            self.db.execute("DELETE FROM listed_counts WHERE article_id = ?", [article_id])
        else:  # the article comes later (or in a later run): kept until then
            self._put("listed_counts", "article_id", {"article_id": article_id, "comment_count": count, "seen": seen})

    def _write_record_changes(self, table: str, stored: dict, values: dict, seen: str) -> None:
        """Revision rows of a changed video or event: one per column read differently (an address at another
        host is the same), and "restored" when it had been marked removed. Their article_id is empty."""
        cause = self._cause(stored, seen)
        changes = [{"table_name": table, "record_id": str(values["id"]), "article_id": None, "field": column,
                    "change": "edited", "old": None if stored.get(column) is None else str(stored.get(column)),
                    "new": None if value is None else str(value), "diff": text_diff(stored.get(column), value)}
                   for column, value in values.items() if not same_value(stored.get(column), value)]
        if stored.get("removed_at") is not None:
            changes.append({"table_name": table, "record_id": str(values["id"]), "article_id": None,
                            "field": "removed_at", "change": "restored", "old": stored["removed_at"], "new": None,
                            "diff": None})
        if changes:
            self.db["revisions"].insert_all([{**change, "seen": seen, "cause": cause} for change in changes], pk="id")
            self._count("knyt/revisions", len(changes))

    def _write_page(self, page: PageInfo | None, seen: str) -> None:
        if page is not None:
            self._put("pages", "url_key", {"url_key": page.url_key, "etag": page.etag,
                                           "last_modified": page.last_modified, "body_hash": page.body_hash,
                                           "fetched": seen})

    def _active(self, table: str, article_id: int) -> list[dict]:
        return list(self.db.query(f"SELECT * FROM [{table}] WHERE article_id = ? AND removed_at IS NULL",
                                  [article_id]))

    def _write_article(self, article: ArticleItem, seen: str) -> None:
        values = row(article, "articles")
        images = [row(image, "images") for image in article.images]
        comments = [row(comment, "comments") for comment in article.comments]
        self._fold_listed_count(article.id, values)
        stored = next(iter(self.db.query("SELECT * FROM articles WHERE id = ?", [article.id])), None)
        stored_comments = self._active("comments", article.id) if stored else []
        lost = self._lost(article, stored, values, stored_comments, seen) if stored else []
        self.cause = self._cause(stored, seen)
        for name in lost:  # what the page lost is kept as stored until the same loss is seen in a later run
            if name == "comments":
                comments = [row(comment, "comments") for comment in stored_comments]
            else:
                values[name] = stored[name]
                if name == "published_raw":
                    values["published"] = stored["published"]
        # for facets: the year of publication, and whether readers commented
        values["year"] = int(values["published"][:4]) if values.get("published") else None
        values["has_comments"] = int(bool(comments))
        values["content_hash"] = content_hash(values, images, comments)
        if stored and stored["content_hash"] == values["content_hash"] and stored["removed_at"] is None:
            self._touch_article(article.id, seen)
            self._write_page(article.page, seen)
            self._resolve_article(article, seen, damaged=bool(lost))
            self._count("knyt/items/unchanged")
            return
        if stored:
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
                self.db["revisions"].insert_all([{**change, "seen": seen, "cause": self.cause} for change in changes],
                                                pk="id")
            # nothing a reader sees changed (the same site at another address): the addresses are refreshed
            self._count("knyt/items/changed" if changes else "knyt/items/unchanged")
            self._count("knyt/revisions", len(changes))
        else:
            self._count("knyt/items/new")
        self._upsert("articles", values, seen, article.first_captured_at)
        for image in images:
            if self.reparse:
                image = {k: v for k, v in image.items() if v is not None or k not in PICTURE_FILE_COLUMNS}
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
        self._resolve_article(article, seen, damaged=bool(lost))

    def _cause(self, stored: dict | None, seen: str) -> str:
        """Why a stored article differs: the site's change, or (reparsing the capture the stored version was
        read from, or an older one) a parser's."""
        if not self.reparse or stored is None or not stored.get("last_seen"):
            return "site"
        return "reparse" if datetime.fromisoformat(stored["last_seen"]) >= datetime.fromisoformat(seen) else "site"

    def _fold_listed_count(self, article_id: int, values: dict) -> None:
        """The comment count an archive printed before the article could be stored, if the article has none."""
        listed = self.db.execute("SELECT comment_count FROM listed_counts WHERE article_id = ?",
                                 [article_id]).fetchone()
        if listed is not None:
            self.db.execute("DELETE FROM listed_counts WHERE article_id = ?", [article_id])
            if values.get("comment_count_listed") is None:
                values["comment_count_listed"] = listed[0]
        if values.get("comment_count_listed") is None:
            values.pop("comment_count_listed", None)  # known only from an archive page, which this run may skip

    def _resolve_article(self, article: ArticleItem, seen: str, damaged: bool = False) -> None:
        """An article stored whole closes its ledger entries (its page, gallery views, records); a picture
        file that could not be downloaded opens one. A reparse leaves the ledger alone."""
        if self.reparse:
            return
        for url, reason in article.missing_files:
            self._count("knyt/missing/recorded")
            ledger.record_failure(self.db, FailedPageItem(
                spider=self.spider_name, url=url, url_key=url_key(url),
                kind="not_found" if re.search(r"\b(404|410)\b", reason) else "picture_file",
                reason=f"the picture could not be downloaded: {reason}", article_id=article.id), seen, self.crawl_id)
        if not (damaged or article.view_failed or article.missing_files):
            self._count("knyt/missing/resolved", ledger.resolve_article(self.db, self.spider_name, article.id, seen))

    def _lost(self, article: ArticleItem, stored: dict, values: dict, stored_comments: list, seen: str) -> list[str]:
        """What the page lost that the stored article shows, with a ledger entry; [] when nothing was lost,
        or when the same was lost in an earlier run too (then it is how the site shows the article now)."""
        lost = lost_landmarks(stored, values, len(stored_comments), article.has_comment_section)
        if not lost:
            return []
        if self.reparse:  # a capture that lost them (the crawl kept the stored values too): kept, no ledger
            self._count("knyt/reparse/kept_stored")
            return lost
        url = article.source_url or article.url
        outcome = ledger.record_failure(self.db, FailedPageItem(
            spider=self.spider_name, url=url, url_key=url_key(url), kind="damaged",
            reason=f"the page lost what the stored article shows ({', '.join(lost)}); the stored values are kept",
            article_id=article.id, detail=",".join(lost)), seen, self.crawl_id)
        if outcome == "accepted":
            self._count("knyt/damaged/accepted")
            return []
        self._count("knyt/damaged/kept_stored")
        self._count("knyt/missing/recorded")
        return lost

    def _touch_article(self, article_id: int, seen: str) -> None:
        restored = self.db.execute("UPDATE articles SET removed_at = NULL WHERE id = ? AND removed_at IS NOT NULL",
                                   [article_id]).rowcount
        if restored:
            self._count("knyt/items/restored")
            self.db["revisions"].insert({"table_name": "articles", "record_id": str(article_id),
                                         "article_id": article_id, "field": "removed_at", "change": "restored",
                                         "old": None, "new": None, "diff": None, "seen": seen,
                                         "cause": self.cause}, pk="id")
        self.db.execute(f"UPDATE articles SET last_seen = {LATEST_SEEN} WHERE id = ?", [seen, seen, article_id])
        for table in ("images", "comments"):
            self.db.execute(f"UPDATE [{table}] SET last_seen = {LATEST_SEEN} WHERE article_id = ? "
                            "AND removed_at IS NULL", [seen, seen, article_id])

    def _mark_gone(self, article_id: int, seen: str) -> None:
        cursor = self.db.execute("UPDATE articles SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                                 [seen, article_id])
        if cursor.rowcount:
            self.db["revisions"].insert({"table_name": "articles", "record_id": str(article_id),
                                         "article_id": article_id, "field": "removed_at", "change": "removed",
                                         "old": None, "new": seen, "diff": None, "seen": seen,
                                         "cause": self.cause}, pk="id")
            self._count("knyt/items/removed")
