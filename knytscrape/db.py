"""The database schema in one place: tables, keys, indexes, full-text search (sqlite-utils).

``open_database`` creates or migrates the schema; it is safe to call on every run. Column meanings are
documented for readers in knytscrape/resources/metadata.yml, and a test checks that every column here is
described there.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from knytscrape import search

DEFAULT_DB_PATH = "data/knytpunkt.db"

TABLES: dict[str, dict] = {
    "articles": {
        "pk": "id",
        "columns": {
            "id": int,
            "url": str,
            "source_url": str,
            "title": str,
            "published": str,
            "published_raw": str,
            "lead": str,
            "body": str,
            "credit": str,
            "image_count": int,
            "gallery_line": str,
            "lead_image_url": str,
            "template": str,
            "comment_count": int,
            "comment_count_listed": int,
            "unread": str,
            "year": int,
            "has_comments": int,
            "content_hash": str,
            "first_seen": str,
            "last_seen": str,
            "removed_at": str,
        },
        "indexes": [["published"], ["last_seen"], ["year"]],
    },
    "images": {
        "pk": "id",
        "columns": {
            "id": str,
            "article_id": int,
            "position": int,
            "url": str,
            "caption": str,
            "credit": str,
            "kind": str,
            "page_url": str,
            "local_path": str,
            "file_size": int,
            "checksum": str,
            "first_seen": str,
            "last_seen": str,
            "removed_at": str,
        },
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["article_id", "position"]],
    },
    "comments": {
        "pk": "id",
        "columns": {
            "id": str,
            "article_id": int,
            "position": int,
            "author": str,
            "posted": str,
            "posted_raw": str,
            "text": str,
            "replaces": str,
            "first_seen": str,
            "last_seen": str,
            "removed_at": str,
        },
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["article_id", "position"], ["posted"]],
    },
    "videos": {
        "pk": "id",
        "columns": {
            "id": str,
            "url": str,
            "source_url": str,
            "title": str,
            "published": str,
            "published_raw": str,
            "description": str,
            "embed_url": str,
            "provider": str,
            "provider_id": str,
            "thumbnail_url": str,
            "duration": int,
            "duration_raw": str,
            "article_id": int,
            "article_match": str,
            "linked_article_id": int,
            "first_seen": str,
            "last_seen": str,
            "removed_at": str,
        },
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["published"], ["article_id"]],
    },
    "events": {
        "pk": "id",
        "columns": {
            "id": str,
            "url": str,
            "source_url": str,
            "title": str,
            "starts_at": str,
            "ends_at": str,
            "all_day": int,
            "date_raw": str,
            "previous_starts_at": str,
            "source": str,
            "location": str,
            "organiser": str,
            "description": str,
            "status": str,
            "first_seen": str,
            "last_seen": str,
            "removed_at": str,
        },
        "indexes": [["starts_at"], ["status"]],
    },
    "crawls": {
        "pk": "id",
        "columns": {
            "id": int,
            "spider": str,
            "base_url": str,
            "started": str,
            "finished": str,
            "status": str,
            "pages": int,
            "items": int,
            "errors": int,
            "mode": str,
            "duration_s": float,
            "items_new": int,
            "items_changed": int,
            "items_unchanged": int,
            "problems": str,
            "errors_by_kind": str,
            "coverage": str,
            "stats": str,
        },
        "indexes": [["started"]],
    },
    # Every change a crawl saw to a stored record: the archive keeps each version.
    "revisions": {
        "pk": "id",
        "columns": {
            "id": int,
            "table_name": str,
            "record_id": str,
            "article_id": int,
            "field": str,
            "change": str,
            "old": str,
            "new": str,
            "diff": str,
            "seen": str,
            # "site": the site showed something else; "reparse": today's parsers read the same stored page
            # differently (knytscrape reparse)
            "cause": str,
        },
        "indexes": [["table_name", "record_id"], ["seen"], ["article_id"]],
        "defaults": {"cause": "site"},  # rows written before the column existed
    },
    # What the site last answered for each page: validators for conditional requests and a hash of
    # the body, written in the same transaction as the records read from the page.
    "pages": {
        "pk": "url_key",
        "columns": {
            "url_key": str,
            "etag": str,
            "last_modified": str,
            "body_hash": str,
            "fetched": str,
        },
    },
    # Comment counts a yearly archive printed for an article that was not stored yet (its page failed, or
    # comes later): folded into articles.comment_count_listed when the article is stored.
    "listed_counts": {
        "pk": "article_id",
        "columns": {
            "article_id": int,
            "comment_count": int,
            "seen": str,
        },
    },
    # The ledger of what is missing: every page that still failed after retries, arrived damaged, or
    # whose records could not be stored. Each run asks its open entries again until they are fetched
    # (resolved_at, outcome 'fetched') or proven gone (outcome 'gone'); rows are kept as history.
    "missing": {
        "pk": "id",
        "columns": {
            "id": str,
            "spider": str,
            "url": str,
            "url_key": str,
            "article_id": int,
            "kind": str,
            "reason": str,
            "attempts": int,
            "runs": int,
            "linked": int,
            "detail": str,
            "first_seen": str,
            "last_seen": str,
            "last_crawl": int,
            "resolved_at": str,
            "outcome": str,
        },
        "indexes": [["spider", "resolved_at"], ["article_id"]],
    },
    # The index of the WARC files (knytscrape/capture): one row per record of a page or picture as the site
    # sent it, where it lies (warc_file, offset, length), so any record's source pages can be found and
    # read again (knytscrape reparse). A revisit row's page is the capture it refers to (refers_to).
    "captures": {
        "pk": "id",
        "columns": {
            "id": int,
            "url": str,
            "url_key": str,
            "article_id": int,
            "spider": str,
            "crawl_id": int,
            "fetched_at": str,
            "status": int,
            "content_type": str,
            "record_type": str,
            "digest": str,
            "refers_to": int,
            "warc_file": str,
            "offset": int,
            "length": int,
        },
        "indexes": [["url_key"], ["article_id"], ["warc_file", "offset"], ["digest"]],
    },
}


def open_database(path: str | Path = DEFAULT_DB_PATH) -> sqlite_utils.Database:
    """Open (creating folders, tables, indexes and FTS as needed) the archive database."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        table = db[name]
        if not table.exists():
            table.create(spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys"))
        else:
            missing = {c: t for c, t in spec["columns"].items() if c not in table.columns_dict}
            for column, column_type in missing.items():
                table.add_column(column, column_type)
                if column in spec.get("defaults", {}):
                    db.execute(f"UPDATE [{name}] SET [{column}] = ?", [spec["defaults"][column]])
        for columns in spec.get("indexes", []):
            table.create_index(columns, if_not_exists=True)
        if name in search.SEARCH_COLUMNS and search.needs_index(db, name):
            with db.atomic():
                search.create_index(db, name)


def normalised_title(title: str | None) -> str:
    """Titles compared for linking a video to its article: case, spacing and a final stop aside."""
    return " ".join((title or "").split()).rstrip(".").casefold()


def link_videos_to_articles(db: sqlite_utils.Database) -> int:
    """Set each video's article_id: the article its page links to (linked_article_id) when that article
    is stored, else the article whose title equals the video's (the site prints a video's title as its
    companion article's title). Run after every spider, as the three spiders run side by side and an
    article may be stored after its video. Returns how many videos have an article."""
    if not db["videos"].exists() or not db["articles"].exists():
        return 0
    stored = {row[0] for row in db.execute("SELECT id FROM articles")}
    by_title: dict[str, int] = {}
    for article_id, title in db.execute("SELECT id, title FROM articles ORDER BY id"):
        if normalised_title(title):
            by_title.setdefault(normalised_title(title), article_id)
    linked = 0
    with db.atomic():
        rows = db.execute("SELECT id, title, linked_article_id, article_id, article_match FROM videos").fetchall()
        for video_id, title, link, current, current_match in rows:
            if link is not None and link in stored:
                article_id, match = link, "link"
            else:
                article_id = by_title.get(normalised_title(title))
                match = "title" if article_id is not None else None
            if (article_id, match) != (current, current_match):
                db.execute("UPDATE videos SET article_id = ?, article_match = ? WHERE id = ?",
                           [article_id, match, video_id])
            linked += article_id is not None
    return linked


# What each spider sees whole on every run: rows it did not see again have vanished from the site.
SPIDER_TABLES = {"videos": ("videos",), "calendar": ("events",)}


def mark_vanished(db: sqlite_utils.Database, spider: str, crawl_started: str, when: str) -> int:
    """Mark rows of ``spider``'s tables that this crawl did not see as removed (``removed_at``), never
    deleting them. A row seen again later is unmarked by storage. Returns how many were marked."""
    marked = 0
    with db.atomic():
        for table in SPIDER_TABLES.get(spider, ()):
            cursor = db.execute(
                f"UPDATE [{table}] SET removed_at = ? WHERE removed_at IS NULL AND julianday(last_seen) < julianday(?)",
                [when, crawl_started],
            )
            marked += cursor.rowcount
    return marked
