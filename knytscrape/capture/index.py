"""The ``captures`` table: where each page the site sent lies in the WARC files.

Rows are written as the crawl writes records (knytscrape/middlewares/warc.py), and brought up to date with
the files at the start of every run (``catch_up``): a run killed after a record was written but before its
row was committed leaves nothing unindexed for long, and a record cut short at the end of a file is cut
off there.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from knytscrape.capture.warc_files import Member, Stored, cut_torn_tail, members, record_of, warc_files
from knytscrape.clock import STOCKHOLM
from knytscrape.state import url_key
from knytscrape.urls import article_id

logger = logging.getLogger(__name__)

INDEXED_TYPES = ("response", "revisit")


def warc_dir_for(db_path: str | Path) -> Path:
    """The default WARC folder: ``warc/`` beside the database (``data/warc/`` for ``data/knytpunkt.db``)."""
    return Path(db_path).resolve().parent / "warc"


def local_time(warc_date: str) -> str:
    """A WARC-Date (UTC) as the archive writes moments: ISO 8601 with the Stockholm offset."""
    moment = datetime.datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    return moment.astimezone(STOCKHOLM).isoformat(timespec="seconds")


def capture_row(capture_id: int, url: str, fetched_at: str, status: int | None, content_type: str | None,
                record_type: str, digest: str | None, stored: Stored, refers_to: int | None = None,
                spider: str | None = None, crawl_id: int | None = None) -> dict:
    return {
        "id": capture_id, "url": url, "url_key": url_key(url), "article_id": article_id(url), "spider": spider,
        "crawl_id": crawl_id, "fetched_at": fetched_at, "status": status, "content_type": content_type,
        "record_type": record_type, "digest": digest, "refers_to": refers_to, "warc_file": stored.warc_file,
        "offset": stored.offset, "length": stored.length,
    }


def next_capture_id(db) -> int:
    return (db.execute("SELECT max(id) FROM captures").fetchone()[0] or 0) + 1


def payload_capture(db, url: str, digest: str) -> int | None:
    """The newest full capture of ``url``'s page with the payload ``digest`` (what a revisit refers to)."""
    found = db.execute("SELECT id FROM captures WHERE url_key = ? AND digest = ? AND record_type = 'response' "
                       "ORDER BY id DESC LIMIT 1", [url_key(url), digest]).fetchone()
    return found[0] if found else None


def row_of_member(db, capture_id: int, warc_file: str, member: Member) -> dict | None:
    """The captures row of one record read from a file; None for warcinfo and request records."""
    try:
        record = record_of(member.data)
    except Exception:  # a member that is not a WARC record: not ours to index
        return None
    if record.rec_type not in INDEXED_TYPES:
        return None
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    digest = headers.get_header("WARC-Payload-Digest")
    http = record.http_headers
    status = int(http.get_statuscode()) if http and http.get_statuscode().isdigit() else None
    refers_to = payload_capture(db, url, digest) if record.rec_type == "revisit" and digest else None
    return capture_row(capture_id, url, local_time(headers.get_header("WARC-Date")), status,
                       http.get_header("Content-Type") if http else None, record.rec_type, digest,
                       Stored(warc_file, member.offset, member.length), refers_to)


@dataclass
class CatchUp:
    indexed: int = 0  # records the files held that the table did not
    torn: dict[str, int] = field(default_factory=dict)  # file -> bytes cut off its end


def indexed_end(db, warc_file: str) -> int:
    return db.execute("SELECT coalesce(max(offset + length), 0) FROM captures WHERE warc_file = ?",
                      [warc_file]).fetchone()[0]


def catch_up(db, directory: Path, repair: bool = True) -> CatchUp:
    """Index what the folder's files hold beyond the table's rows; with ``repair``, cut a torn tail off."""
    result = CatchUp()
    capture_id = next_capture_id(db)
    for path in warc_files(directory):
        start = indexed_end(db, path.name)
        if start >= path.stat().st_size:
            continue
        end, rows = start, []
        for member in members(path, start):
            end = member.offset + member.length
            row = row_of_member(db, capture_id, path.name, member)
            if row is not None:
                rows.append(row)
                capture_id += 1
                if len(rows) >= 200:  # flushed as it goes: a revisit may refer to a capture just read
                    db["captures"].insert_all(rows, pk="id")
                    result.indexed += len(rows)
                    rows = []
        if rows:
            db["captures"].insert_all(rows, pk="id")
            result.indexed += len(rows)
        if repair:
            torn = cut_torn_tail(path, end)
            if torn:
                result.torn[path.name] = torn
                logger.warning("WARC file %s ended in a record cut short (%d bytes): cut off", path.name, torn)
    return result
