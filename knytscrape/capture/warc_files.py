"""WARC files: records written one gzip member each, rotated by size, read back one record at a time.

A record is built whole in memory and written with one ``write`` at the end of its file, so a crawl killed
at any moment leaves at most the last member cut short; ``scan`` finds where the complete members end and
``cut_torn_tail`` drops what follows, so the next run continues the file from a clean end.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from knytscrape import __version__

PREFIX = "knytpunkt-"
SUFFIX = ".warc.gz"
FILE_NAME = re.compile(r"^knytpunkt-\d{14}-\d+-\d{5}\.warc\.gz$")
WARC_VERSION = "WARC/1.1"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Headers of an answer that describe its transfer, not its content: Scrapy hands over the body already
# de-chunked, so the record says what its bytes are (Content-Length is set to them).
TRANSFER_HEADERS = {"transfer-encoding", "content-length"}
READ_CHUNK = 1 << 20
HEADER_BYTES = 256 * 1024  # of a record's start: its WARC and HTTP headers, with room to spare
# gzip's default level: pages come out 1% larger than at warcio's 9, in a little less time
COMPRESS_LEVEL = 6


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of a body: ``sha1:`` and the base32 of its SHA-1, as web archives write it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_warc_file(path: Path) -> bool:
    return bool(FILE_NAME.match(path.name)) and path.is_file()


def warc_files(directory: Path) -> list[Path]:
    """The folder's WARC files written by knytscrape, oldest first (their names start with the time)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if is_warc_file(path))


def _http_headers(status: int, headers: list[tuple[str, str]], body: bytes) -> StatusAndHeaders:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    kept = [(name, value) for name, value in headers if name.lower() not in TRANSFER_HEADERS]
    return StatusAndHeaders(f"{status} {phrase}", kept + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")


def _request_headers(method: str, url: str, headers: list[tuple[str, str]]) -> StatusAndHeaders:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(f"{method} {target} HTTP/1.1", [("Host", parts.netloc), *headers],
                            protocol="HTTP/1.1", is_http_request=True)


class RecordMaker:
    """WARC records of one exchange with the site."""

    def __init__(self):
        self.writer = WARCWriter(io.BytesIO(), gzip=True, warc_version=WARC_VERSION)

    def exchange(self, url: str, moment: datetime.datetime, method: str, request_headers: list[tuple[str, str]],
                 status: int, headers: list[tuple[str, str]], body: bytes,
                 revisit_of: tuple[str, str, str] | None = None, not_modified: bool = False) -> list:
        """[response or revisit, request]. ``revisit_of`` (uri, date, digest) of the capture holding the same
        payload: then no body is stored again (``not_modified``: the site answered 304)."""
        date = warc_date(moment)
        http = _http_headers(status, headers, b"" if revisit_of else body)
        if revisit_of:
            uri, refers_date, digest = revisit_of
            response = self.writer.create_revisit_record(url, digest, uri, refers_date, http_headers=http,
                                                         warc_headers_dict={"WARC-Date": date})
            if not_modified:
                response.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        else:
            response = self.writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                      http_headers=http, warc_headers_dict={"WARC-Date": date})
        request = self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0,
            http_headers=_request_headers(method, url, request_headers),
            warc_headers_dict={"WARC-Date": date,
                               "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})
        return [response, request]

    def warcinfo(self, filename: str) -> object:
        return self.writer.create_warcinfo_record(filename, {
            "software": f"knytscrape/{__version__} (Scrapy, warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iso.org/standard/68004.html",
            "description": "Pages of knytpunkt.se as the site sent them, kept by knytscrape",
        })

    def serialise(self, record) -> bytes:
        """One record as one gzip member."""
        return compress_member(self.raw(record))

    @staticmethod
    def raw(record) -> bytes:
        """One record's bytes before compression (cheap; the compression is what costs)."""
        out = io.BytesIO()
        WARCWriter(out, gzip=False, warc_version=WARC_VERSION).write_record(record)
        return out.getvalue()


def compress_member(raw: bytes) -> bytes:
    """A record's bytes as one gzip member, in one call: zlib lets go of the GIL meanwhile, so a writer thread
    compresses while the crawl reads pages (warcio's own gzip writer works in small pieces at level 9)."""
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(raw) + compressor.flush()


@dataclass(frozen=True)
class Stored:
    """Where a record lies: file name (in the WARC folder), offset and length of its gzip member."""
    warc_file: str
    offset: int
    length: int


class WarcWriterFiles:
    """Appends records to the WARC files of one folder, starting a new file past ``max_bytes``.

    The newest file is continued when it has room (a run stopped early leaves it short)."""

    def __init__(self, directory: Path, max_bytes: int):
        self.directory = directory
        self.max_bytes = max_bytes
        self.maker = RecordMaker()
        self.path: Path | None = None
        self.fd: int | None = None
        self.size = 0
        self.sequence = 0
        self.rotate = False  # a new file for the next record (this one could not be mended)

    def _open(self, needed: int) -> None:
        if self.fd is not None and (self.size + needed <= self.max_bytes or self.size == 0) and not self.rotate:
            return
        self.rotate = False
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        newest = (warc_files(self.directory) or [None])[-1]
        if self.path is None and newest is not None and newest.stat().st_size + needed <= self.max_bytes:
            self.path = newest  # the first file of this run: continue the last one
        else:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
            while True:
                self.sequence += 1
                self.path = self.directory / f"{PREFIX}{stamp}-{os.getpid()}-{self.sequence:05d}{SUFFIX}"
                if not self.path.exists():
                    break
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.size = os.fstat(self.fd).st_size
        if self.size == 0:
            self._append(self.maker.serialise(self.maker.warcinfo(self.path.name)))

    def _append(self, data: bytes) -> Stored:
        offset = self.size
        view = memoryview(data)
        try:
            while view:  # one write for a file on a local disk; a short one (disk full) goes on or raises
                written = os.write(self.fd, view)
                view = view[written:]
        except BaseException:
            # what was written of it must not stay between whole records: every later offset would be wrong
            try:
                os.ftruncate(self.fd, offset)
            except OSError:  # then the file ends torn: the next run's catch_up cuts it; this run writes anew
                self.close()
                self.rotate = True
            raise
        self.size += len(data)
        return Stored(self.path.name, offset, len(data))

    def write(self, records: list) -> list[Stored]:
        """Write ``records`` (each its own gzip member) together, in one file; where each lies."""
        return self.write_raw([self.maker.raw(record) for record in records])

    def write_raw(self, raws: list[bytes]) -> list[Stored]:
        """Write records given as their bytes before compression (RecordMaker.raw), each its own gzip member,
        together in one file; where each lies. Safe in a thread of its own while nothing else writes."""
        members = [compress_member(raw) for raw in raws]
        self._open(sum(map(len, members)))
        offset = self.size
        stored = []
        for member in members:
            stored.append(Stored(self.path.name, offset, len(member)))
            offset += len(member)
        self._append(b"".join(members))
        return stored

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


# -- reading ---------------------------------------------------------------------------------------------


@dataclass
class Member:
    """One complete gzip member of a WARC file: where it lies, and the start of its record decompressed
    (the WARC and HTTP headers; the whole record when it is short)."""
    offset: int
    length: int
    data: bytes


def members(path: Path, start: int = 0, keep: int = HEADER_BYTES) -> Iterator[Member]:
    """The complete gzip members of ``path`` from ``start`` on; stops at the first incomplete or damaged one
    (where the complete ones end is where that one starts). Each member is decompressed whole, to check that it
    ends and its checksum, but only its first ``keep`` bytes are kept: memory stays small whatever it holds."""
    with path.open("rb") as file:
        file.seek(start)
        offset, pending = start, b""
        while True:
            decompressor = zlib.decompressobj(wbits=31)
            parts, size, consumed, data, pending = [], 0, 0, pending, b""
            while not decompressor.eof:
                if not data:
                    data = file.read(READ_CHUNK)
                if data:
                    given = len(data)
                    try:
                        out = decompressor.decompress(data, READ_CHUNK)
                    except zlib.error:
                        return
                    data = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
                    consumed += given - len(data)
                else:  # all read: what zlib still holds of a limited output comes out without more input
                    try:
                        out = decompressor.flush()
                    except zlib.error:
                        return
                    if not decompressor.eof:
                        return  # the end of the file inside a member: a record cut short
                if size < keep:
                    parts.append(out[: keep - size])
                size += len(out)
            pending = data
            yield Member(offset, consumed, b"".join(parts))
            offset += consumed


def is_torn_tail(path: Path, end: int) -> bool:
    """Whether what follows ``end`` is the start of one gzip member cut short - what a write stopped
    halfway leaves - and not damage (bytes that do not decompress, or whole members after it)."""
    decompressor = zlib.decompressobj(wbits=31)
    with path.open("rb") as file:
        file.seek(end)
        while data := file.read(READ_CHUNK):
            try:
                while data and not decompressor.eof:
                    decompressor.decompress(data, READ_CHUNK)
                    data = decompressor.unconsumed_tail
            except zlib.error:
                return False
            if decompressor.eof:
                return False
    return True


def cut_torn_tail(path: Path, end: int) -> int:
    """Drop what follows the complete members (a record cut short by a killed crawl); bytes dropped."""
    size = path.stat().st_size
    if size > end:
        os.truncate(path, end)
    return max(size - end, 0)


def record_of(data: bytes):
    """The warcio record of one decompressed member (its whole body in memory)."""
    return next(iter(ArchiveIterator(io.BytesIO(data))))


def read_member(path: Path, offset: int, length: int, max_record: int = 64 * 1024 * 1024) -> bytes | None:
    """The decompressed record at ``offset`` of ``path``, or None when it is not a complete member there."""
    with path.open("rb") as file:
        file.seek(offset)
        raw = file.read(length)
    if len(raw) != length:
        return None
    decompressor = zlib.decompressobj(wbits=31)
    try:
        data = decompressor.decompress(raw, max_record + 1)
    except zlib.error:
        return None
    if not decompressor.eof or len(data) > max_record:
        return None
    return data
