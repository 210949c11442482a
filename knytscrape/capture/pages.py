"""The newest captured pages of one kind, read back as text: what a crawl learns the site's chrome from
before it fetches anything (``knytscrape.parsers.site_chrome``)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from knytscrape.capture.warc_files import FILE_NAME, read_member, record_of
from knytscrape.encoding import decode_html
from knytscrape.urls import gallery_position

logger = logging.getLogger(__name__)

MAX_PAGE = 4 * 1024 * 1024  # as the crawl's page bound
RECORD_HEADERS = 256 * 1024


def newest_article_pages(db_path: str | Path, warc_dir: Path, limit: int) -> Iterator[tuple[str, str]]:
    """(url, html) of the newest good answers (200) of up to ``limit`` distinct article pages (not gallery
    views), newest first. Nothing when the database has no captures or a file cannot be read (a capture that cannot
    be read is only skipped here: the reparse and health checks report it)."""
    if not Path(db_path).is_file() or not warc_dir.is_dir():
        return
    try:
        db = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
        try:  # each page's newest good answer; gallery views are not article pages
            rows = db.execute(
                "SELECT url, url_key, warc_file, offset, length, content_type FROM captures WHERE id IN ("
                " SELECT max(id) FROM captures WHERE record_type = 'response' AND status = 200"
                " AND article_id IS NOT NULL AND url_key NOT LIKE '%img=%' GROUP BY url_key)"
                " AND length <= ? ORDER BY id DESC LIMIT ?", (MAX_PAGE + RECORD_HEADERS, limit)).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return  # no captures table yet (a database from before the page archive)
    for url, _key, warc_file, offset, length, content_type in rows:
        path = warc_dir / (warc_file or "")
        if gallery_position(url) is not None or not FILE_NAME.match(warc_file or "") or not path.is_file():
            continue
        try:
            data = read_member(path, offset, length, max_record=MAX_PAGE + RECORD_HEADERS)
            body = record_of(data).content_stream().read(MAX_PAGE + 1) if data is not None else None
        except Exception:  # an unreadable capture is only skipped here: reparse and health report it
            logger.debug("Capture of %s could not be read back", url, exc_info=True)
            continue
        if body is not None and len(body) <= MAX_PAGE:
            yield url, decode_html(body, content_type)[0]
