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

from knytscrape.capture.warc_files import (
    Member,
    Stored,
    cut_torn_tail,
    is_torn_tail,
    members,
    record_of,
    warc_files,
)
from knytscrape.clock import STOCKHOLM
from knytscrape.state import url_key
from knytscrape.urls import article_id

logger = logging.getLogger(__name__)

INDEXED_TYPES = ("response", "revisit")
MAX_TORN_TAIL = 96 * 1024 * 1024  # more than one exchange can be (a picture is at most 32 MB)
# Files whose records a run could not all index (its database refused the rows): the next catch_up reads
# them whole, not only beyond their last indexed record. One name a line, in the WARC folder.
UNINDEXED_MARK = "unindexed.txt"


def mark_unindexed(directory: Path, names: set[str]) -> None:
    path = directory / UNINDEXED_MARK
    known = set(path.read_text().split()) if path.is_file() else set()
    if names - known:
        path.write_text("".join(f"{name}\n" for name in sorted(known | names)))


def _marked(directory: Path) -> set[str]:
    path = directory / UNINDEXED_MARK
    return set(path.read_text().split()) if path.is_file() else set()


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


def row_of_member(db, capture_id: int, warc_file: str, member: Member,
                  pending: dict[tuple[str, str], int] | None = None) -> dict | None:
    """The captures row of one record read from a file; None for warcinfo and request records.
    ``pending``: (url_key, digest) -> id of full captures read but not inserted yet, which a revisit may
    refer to."""
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
    refers_to = None
    if record.rec_type == "revisit" and digest:
        refers_to = (pending or {}).get((url_key(url), digest)) or payload_capture(db, url, digest)
    return capture_row(capture_id, url, local_time(headers.get_header("WARC-Date")), status,
                       http.get_header("Content-Type") if http else None, record.rec_type, digest,
                       Stored(warc_file, member.offset, member.length), refers_to)


@dataclass
class CatchUp:
    indexed: int = 0  # records the files held that the table did not
    torn: dict[str, int] = field(default_factory=dict)  # file -> bytes cut off its end
    damaged: dict[str, int] = field(default_factory=dict)  # file -> where its unreadable part starts (kept)


def indexed_end(db, warc_file: str) -> int:
    return db.execute("SELECT coalesce(max(offset + length), 0) FROM captures WHERE warc_file = ?",
                      [warc_file]).fetchone()[0]


def catch_up(db, directory: Path, repair: bool = True) -> CatchUp:
    """Index what the folder's files hold beyond the table's rows; with ``repair``, cut a torn tail off."""
    result = CatchUp()
    capture_id = next_capture_id(db)
    marked = _marked(directory)
    files = warc_files(directory)
    for path in files:
        start, known = indexed_end(db, path.name), set()
        if path.name in marked:  # rows of it were lost: read it whole, skipping what is indexed
            start, known = 0, {row[0] for row in db.execute("SELECT offset FROM captures WHERE warc_file = ?",
                                                            [path.name])}
        if start >= path.stat().st_size:
            continue
        end, rows, pending = start, [], {}
        for member in members(path, start):
            end = member.offset + member.length
            if member.offset in known:
                continue
            row = row_of_member(db, capture_id, path.name, member, pending)
            if row is not None:
                rows.append(row)
                if row["record_type"] == "response":
                    pending[(row["url_key"], row["digest"])] = capture_id
                capture_id += 1
                if len(rows) >= 200:
                    db["captures"].insert_all(rows, pk="id")
                    result.indexed += len(rows)
                    rows, pending = [], {}
        if rows:
            db["captures"].insert_all(rows, pk="id")
            result.indexed += len(rows)
        size = path.stat().st_size
        if end >= size:
            continue
        # A killed run leaves at most the one write it was making cut short, at the end of the newest file;
        # anything else unreadable (a damaged disk, a file edited by hand) is reported and never cut.
        if repair and path == files[-1] and size - end <= MAX_TORN_TAIL and is_torn_tail(path, end):
            result.torn[path.name] = cut_torn_tail(path, end)
            logger.warning("WARC file %s ended in a record cut short (%d bytes): cut off", path.name, size - end)
        else:
            result.damaged[path.name] = end
            logger.error("WARC file %s cannot be read beyond byte %d of %d: the records after it are not "
                         "indexed (the file is left as it is)", path.name, end, size)
    if marked:
        (directory / UNINDEXED_MARK).unlink(missing_ok=True)
    return result
