"""Every answer of the site, kept in WARC files as it arrived, and indexed in the ``captures`` table.

Its process_response runs before HttpCompressionMiddleware's (590) and RedirectMiddleware's (600): the
record holds the body as the site sent it (gzip included, with its Content-Encoding), which a replay tool
and ``knytscrape reparse`` decode as the crawl did, and redirects are kept too. A 304, or a body whose
digest equals the newest capture of the same page, is a ``revisit`` record that refers to that capture
instead of another copy. A conditional request for a page the files do not hold yet (a database crawled
before it had WARC files) is sent without its conditions: a 304 would leave no copy of the page.

The three spiders of one ``knytscrape crawl`` share one writer per folder (``CaptureSession``): one file
at a time, one counter of capture ids. A record is written before its row; rows are committed in small
transactions, and what a killed run left unindexed is indexed by the next (capture.index.catch_up). The
records are compressed and written by a thread of their own (capture.background), so the crawl reads the next
page meanwhile.
"""

from __future__ import annotations

import datetime
import logging
from collections import OrderedDict
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from knytscrape.capture.background import BackgroundWriter, Job
from knytscrape.capture.index import (
    capture_row,
    catch_up,
    local_time,
    mark_unindexed,
    next_capture_id,
    warc_dir_for,
)
from knytscrape.capture.warc_files import Stored, WarcWriterFiles, payload_digest, warc_date
from knytscrape.db import open_database
from knytscrape.state import url_key

logger = logging.getLogger(__name__)

INDEX_BATCH = 50  # rows per transaction: short, so the storage pipelines' writes never wait long
# The newest captures remembered by page (a revisit refers to them); older ones are looked up in the index, so
# the memory does not grow with the archive. Far above INDEX_BATCH: rows not indexed yet are always remembered.
LATEST_KEPT = 4096
UNWRITTEN = Stored("", -1, 0)  # where a record lies, until the writer thread has written it


def _headers(headers) -> list[tuple[str, str]]:
    # Scrapy's Headers is a dict of normalised names to lists of values: read as one, not by getlist per name
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in dict.items(headers) for value in values]


class CaptureSession:
    """The WARC writer and captures index of one folder, shared by the crawlers of one process."""

    open_sessions: dict[tuple[Path, str], CaptureSession] = {}

    def __init__(self, directory: Path, db_path: str, max_bytes: int):
        self.directory = directory
        self.db_path = db_path
        self.files = WarcWriterFiles(directory, max_bytes)
        self.writer: BackgroundWriter | None = None  # started once the folder is caught up
        self.users = 0
        self.db = None
        self.pending: list[dict] = []
        # url_key -> (id, uri, WARC-Date, digest) of the LATEST_KEPT pages captured or looked up last
        self.latest: OrderedDict[str, tuple[int, str, str, str]] = OrderedDict()
        self.next_id = 1
        self.unindexed = 0  # rows that could not be written (marked for the next run's catch_up)

    @classmethod
    def join(cls, directory: Path, db_path: str, max_bytes: int, stats) -> CaptureSession:
        key = (directory, str(Path(db_path).resolve()))
        session = cls.open_sessions.get(key)
        if session is None:
            session = cls(directory, db_path, max_bytes)
            session.open(stats)  # registered only once open: a failed one is tried again by the next spider
            cls.open_sessions[key] = session
        session.users += 1
        return session

    def leave(self) -> None:
        """One crawler is done: what it handed over is written (its stats get their bytes) before it goes."""
        if self.writer is not None:
            self.writer.wait()
        self.users -= 1
        if self.users <= 0:
            self.close()
            CaptureSession.open_sessions = {k: v for k, v in self.open_sessions.items() if v is not self}

    def open(self, stats) -> None:
        self.db = open_database(self.db_path)
        try:
            caught = catch_up(self.db, self.directory)
        except BaseException:
            self.db.close()
            self.db = None
            raise
        if caught.indexed:
            stats.inc_value("knyt/warc/indexed_late", caught.indexed)
        if caught.torn:
            stats.inc_value("knyt/warc/torn_tails_cut", len(caught.torn))
        if caught.damaged:
            stats.set_value("knyt/warc/damaged_files", sorted(caught.damaged))
        self.next_id = next_capture_id(self.db)
        self.writer = BackgroundWriter(self.files)

    def has_page(self, url: str) -> bool:
        """Whether the files hold a full copy of ``url``'s page (a revisit of a 304 can refer to it)."""
        return self._newest_payload(url_key(url)) is not None

    def _newest_payload(self, key: str) -> tuple[int, str, str, str] | None:
        if key in self.latest:
            self.latest.move_to_end(key)
            return self.latest[key]
        found = self.db.execute("SELECT id, url, fetched_at, digest FROM captures WHERE url_key = ? "
                                "AND record_type = 'response' ORDER BY id DESC LIMIT 1", [key]).fetchone()
        if found is None:
            return None
        moment = datetime.datetime.fromisoformat(found[2])
        return self._remember(key, (found[0], found[1], warc_date(moment), found[3]))  # asked again by its response

    def _remember(self, key: str, newest: tuple[int, str, str, str]) -> tuple[int, str, str, str]:
        self.latest[key] = newest
        self.latest.move_to_end(key)
        if len(self.latest) > LATEST_KEPT:
            self.latest.popitem(last=False)
        return newest

    def capture(self, request, response, spider_name: str, crawl_id: int | None,
                on_written=None, on_failed=None) -> str:
        """Hand the exchange to the writer thread; returns the record type it gets (response or revisit).

        ``on_written(row, bytes)`` or ``on_failed(row, error)`` is called later, in this thread, from a later
        ``capture``, ``flush`` or ``leave``."""
        moment = datetime.datetime.now(datetime.UTC)
        key = url_key(response.url)
        digest = payload_digest(response.body)
        newest = self._newest_payload(key)
        not_modified = response.status == 304
        revisit = newest is not None and (not_modified or newest[3] == digest)
        records = self.files.maker.exchange(
            response.url, moment, request.method, _headers(request.headers), response.status,
            _headers(response.headers), response.body,
            revisit_of=(newest[1], newest[2], newest[3]) if revisit else None, not_modified=not_modified)
        raws = [self.files.maker.raw(record) for record in records]
        record_type = "revisit" if revisit else "response"
        capture_id = self.next_id
        self.next_id += 1
        content_type = response.headers.get("Content-Type")
        row = capture_row(
            capture_id, response.url, local_time(warc_date(moment)), response.status,
            content_type.decode("latin-1") if content_type else None, record_type,
            newest[3] if revisit else digest, UNWRITTEN, refers_to=newest[0] if revisit else None,
            spider=spider_name, crawl_id=crawl_id)
        if not revisit:
            self._remember(key, (capture_id, response.url, warc_date(moment), digest))
        job = Job(raws, row, self._written_by(on_written), self._failed_by(key, on_failed))
        try:
            self.writer.submit(job)
        except RuntimeError as error:  # the thread is gone: reported like a failed write, and forgotten
            job.on_failed(row, error)
        self.writer.collect()
        if len(self.pending) >= INDEX_BATCH:
            self.flush()
        return record_type

    def _written_by(self, on_written):
        def written(row: dict, size: int) -> None:
            self.pending.append(row)
            if on_written is not None:
                on_written(row, size)
        return written

    def _failed_by(self, key: str, on_failed):
        def failed(row: dict, error: BaseException) -> None:
            if self.latest.get(key, (None,))[0] == row["id"]:  # a later revisit must not refer to it
                del self.latest[key]
            if on_failed is not None:
                on_failed(row, error)
        return failed

    def flush(self) -> None:
        if self.writer is not None:
            self.writer.collect()
        if not self.pending or self.db is None:
            return
        rows, self.pending = self.pending, []
        try:
            with self.db.conn:
                self.db["captures"].insert_all(rows, pk="id")
        except Exception as error:  # the records are in the files: the next run's catch_up indexes them
            try:
                mark_unindexed(self.directory, {row["warc_file"] for row in rows})
            except OSError as mark_error:  # a full disk refuses the mark too: catch_up reads the newest file anyway
                logger.warning("Could not mark WARC files as unindexed (%s)", mark_error)
            self.unindexed += len(rows)
            logger.warning("Could not index %d WARC records now (%s); the next run indexes them", len(rows), error)

    def close(self) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
            self.flush()
        finally:
            self.files.close()
            if self.db is not None:
                self.db.close()
                self.db = None


class WarcCaptureMiddleware:
    """Downloader middleware: every response of the site into the WARC files (KNYT_WARC, KNYT_WARC_DIR)."""

    def __init__(self, crawler, directory: Path, max_bytes: int):
        self.crawler = crawler
        self.directory = directory
        self.max_bytes = max_bytes
        self.session: CaptureSession | None = None
        self.failed_once = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("KNYT_WARC", True):
            raise NotConfigured("KNYT_WARC is off")
        directory = settings.get("KNYT_WARC_DIR") or warc_dir_for(settings.get("KNYT_DB"))
        return cls(crawler, Path(directory).resolve(), settings.getint("KNYT_WARC_MAX_MB", 256) * 1024 * 1024)

    def spider_opened(self, spider):
        try:
            self.session = CaptureSession.join(self.directory, self.crawler.settings.get("KNYT_DB"),
                                               self.max_bytes, self.crawler.stats)
        except Exception as error:
            self._failed(error)

    def spider_closed(self, spider):
        if self.session is not None:
            self.session.leave()
            if self.session.unindexed:
                self.crawler.stats.set_value("knyt/warc/unindexed", self.session.unindexed)
            self.session = None

    def process_request(self, request):
        if self.session is None or not (request.headers.get("If-None-Match")
                                        or request.headers.get("If-Modified-Since")):
            return None
        try:
            held = self.session.has_page(request.url)
        except Exception:  # the index cannot be read: ask for the page whole, never lose a copy
            held = False
        if not held:
            request.headers.pop("If-None-Match", None)
            request.headers.pop("If-Modified-Since", None)
            self.crawler.stats.inc_value("knyt/warc/unconditional")
        return None

    def _failed(self, error: BaseException) -> None:
        self.crawler.stats.inc_value("knyt/warc/not_kept")
        self.crawler.stats.set_value("knyt/warc/error", f"{type(error).__name__}: {error}"[:300])
        if not self.failed_once:
            self.failed_once = True
            logger.error("Could not keep a page in the WARC files in %s: %s", self.directory, error)

    def process_response(self, request, response):
        if self.session is None:
            self._failed(RuntimeError("the WARC folder could not be opened"))
            return response
        spider = self.crawler.spider
        try:
            self.session.capture(request, response, spider.name, getattr(spider, "crawl_id", None),
                                 self._written, self._not_written)
        except Exception as error:  # the index cannot be read, the writer stopped: the page is still read
            self._failed(error)
        return response

    def _written(self, row: dict, size: int) -> None:
        self.crawler.stats.inc_value(f"knyt/warc/{row['record_type']}")
        self.crawler.stats.inc_value("knyt/warc/bytes", size)

    def _not_written(self, row: dict, error: BaseException) -> None:
        self._failed(error)  # a full disk, a folder gone: the page is still read; the run says so
