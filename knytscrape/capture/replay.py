"""Answers from the WARC files instead of the site, for ``knytscrape reparse``.

``CaptureLibrary`` reads the folder's files once and keeps, for each page (its path and query, whatever the
host, as ``url_key``), where its newest capture lies; a revisit is answered with the payload it refers to.
An answer the crawl did not take as the page (a 5xx, 408 or 429 it gave up on, a 304 kept before the page
itself) yields to an older capture that is the page, when there is one.
``ReplayDownloadHandler`` is Scrapy's download handler for http and https in a reparse: a page the files
hold is answered as the site sent it (status, headers, body, gzip included), so the crawl's own middlewares,
spiders, parsers and pipelines read it as they did; a page they do not hold fails as ``not_captured``.
Nothing is ever asked of the network.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from knytscrape.capture.index import local_time
from knytscrape.capture.warc_files import members, read_member, record_of, warc_files
from knytscrape.state import url_key
from knytscrape.urls import article_id, gallery_position

logger = logging.getLogger(__name__)

# request meta: when the capture answered was made, and when the page was first captured (ISO, Stockholm)
CAPTURED_AT = "knyt_captured_at"
# Answers the crawl did not take as the page (given up on after retries; a 304 with no copy kept before it)
FAILED_ANSWERS = {"304", "408", "429", *(str(code) for code in range(500, 600))}
FIRST_CAPTURED_AT = "knyt_first_captured_at"


class NotCaptured(IgnoreRequest):
    """The WARC files hold no capture of the page asked for."""

    kind = "not_captured"


class UnreadableCapture(IgnoreRequest):
    """The WARC files hold the page, but its record cannot be read (the file changed since it was read)."""

    kind = "unreadable_capture"


@dataclass(frozen=True)
class Place:
    path: Path
    offset: int
    length: int


@dataclass(frozen=True)
class Capture:
    url: str
    captured_at: str  # when this answer was seen (a revisit's own time)
    first_captured_at: str  # the page's oldest capture
    payload: Place  # the record whose status, headers and body answer it


class CaptureLibrary:
    """The newest capture of every page in a folder of WARC files."""

    _loaded: dict[Path, CaptureLibrary] = {}

    def __init__(self, directory: Path):
        self.directory = directory
        self.newest: dict[str, Capture] = {}
        self.failed_only: dict[str, Capture] = {}  # pages whose every capture is a failed answer
        self.records = 0
        self.revisits_unresolved = 0
        self.damaged_files: list[str] = []

    @classmethod
    def of(cls, directory: Path) -> CaptureLibrary:
        """The library of ``directory``, read once per process (the spiders of a reparse share it)."""
        directory = directory.resolve()
        if directory not in cls._loaded:
            library = cls(directory)
            library.load()
            cls._loaded[directory] = library
        return cls._loaded[directory]

    @classmethod
    def forget(cls) -> None:
        cls._loaded.clear()

    def load(self) -> None:
        payloads: dict[tuple[str, str], Place] = {}  # (url_key, digest) -> the newest full capture of it
        for path in warc_files(self.directory):
            end = 0
            for member in members(path):
                end = member.offset + member.length
                try:
                    record = record_of(member.data)
                except Exception:
                    continue
                if record.rec_type not in ("response", "revisit"):
                    continue
                headers = record.rec_headers
                url = headers.get_header("WARC-Target-URI")
                key = url_key(url)
                digest = headers.get_header("WARC-Payload-Digest")
                place = Place(path, member.offset, member.length)
                self.records += 1
                if record.rec_type == "response":
                    payloads[(key, digest)] = place
                else:
                    place = payloads.get((key, digest))
                    if place is None:  # refers to a capture these files do not hold
                        self.revisits_unresolved += 1
                        continue
                moment = local_time(headers.get_header("WARC-Date"))
                known = self.newest.get(key) or self.failed_only.get(key)
                capture = Capture(url, moment, known.first_captured_at if known else moment, place)
                status = record.http_headers.get_statuscode() if record.http_headers else ""
                if record.rec_type == "response" and status in FAILED_ANSWERS:
                    if key not in self.newest:
                        self.failed_only[key] = capture
                    continue
                self.failed_only.pop(key, None)
                self.newest[key] = capture
            if end < path.stat().st_size:
                self.damaged_files.append(path.name)
        self.newest.update(self.failed_only)  # no better answer: the failure is what there is

    def article_ids(self) -> set[int]:
        """The articles whose page (not a gallery view) the files hold."""
        ids = set()
        for key in self.newest:
            number = article_id(key)
            if number is not None and gallery_position(key) is None:
                ids.add(number)
        return ids

    def origin(self) -> str | None:
        """scheme://host of the newest capture of the front page (else of any page): the copy of the site
        the captures were made from, which the spiders must name as their base URL."""
        capture = self.newest.get("/") or next(reversed(self.newest.values()), None)
        if capture is None:
            return None
        parts = urlsplit(capture.url)
        return f"{parts.scheme}://{parts.netloc}"

    def answer(self, url: str) -> tuple[Capture, object] | None:
        capture = self.newest.get(url_key(url))
        if capture is None:
            return None
        data = read_member(capture.payload.path, capture.payload.offset, capture.payload.length)
        return (capture, record_of(data)) if data is not None else None


class ReplayDownloadHandler(BaseDownloadHandler):
    lazy = False

    def __init__(self, crawler):
        super().__init__(crawler)
        self.library = CaptureLibrary.of(Path(crawler.settings.get("KNYT_WARC_DIR")))
        stats = crawler.stats
        if self.library.damaged_files:
            stats.set_value("knyt/warc/damaged_files", self.library.damaged_files)
        if self.library.revisits_unresolved:
            stats.set_value("knyt/reparse/revisits_unresolved", self.library.revisits_unresolved)

    async def download_request(self, request):
        if self.library.newest.get(url_key(request.url)) is None:
            self.crawler.stats.inc_value("knyt/reparse/not_captured")
            raise NotCaptured(f"no capture of {request.url} in the WARC files")
        found = self.library.answer(request.url)
        if found is None:  # indexed when the files were read, unreadable now: reported
            raise UnreadableCapture(f"the capture of {request.url} cannot be read from its WARC file")
        capture, record = found
        http = record.http_headers
        headers = Headers([(name, value) for name, value in http.headers])
        body = record.raw_stream.read()
        request.meta[CAPTURED_AT] = capture.captured_at
        request.meta[FIRST_CAPTURED_AT] = capture.first_captured_at
        self.crawler.stats.inc_value("knyt/reparse/pages")
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=int(http.get_statuscode()), headers=headers, body=body,
                   request=request, protocol="HTTP/1.1")


class CaptureTimeMiddleware:
    """Spider middleware of a reparse: every record read from a replayed page carries when the page was
    captured (and first captured), which storage writes as when it was seen, not the time of the reparse."""

    @staticmethod
    def _stamp(response, item):
        if hasattr(item, "captured_at") and response.meta.get(CAPTURED_AT):
            item.captured_at = response.meta[CAPTURED_AT]
            item.first_captured_at = response.meta.get(FIRST_CAPTURED_AT)
        return item

    def process_spider_output(self, response, result):
        for item in result:
            yield self._stamp(response, item)

    async def process_spider_output_async(self, response, result):
        async for item in result:
            yield self._stamp(response, item)
