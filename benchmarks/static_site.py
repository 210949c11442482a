"""The site every part of the benchmark fetches: the offline mirror's answers, rendered once, served fast.

``record()`` crawls the offline mirror (``MirrorServer(extra_articles=N)``) once with ``knytscrape crawl``
and keeps every request target the crawl asked for, in order, and the mirror's answer to each (status,
headers with the validators, body) as the raw bytes of an HTTP response, in one file with an index. The
mirror renders pages in a thread of this process, so it is not fast; the recorded site is.

``python -m benchmarks.static_site FOLDER`` serves a recording on 127.0.0.1 from another process: an
asyncio server that looks the target up and writes the stored bytes (memory-mapped), so that the server is
never what limits the clients measured. It prints ``port N`` on stdout once it listens. Two targets are
its own: ``/__bench__/count`` answers the requests served since the last ``/__bench__/reset`` as JSON,
with those of targets that are not in the recording (answered 404).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mmap
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from benchmarks.runner import CRAWL_ENV, PROJECT_ROOT, BenchError, crawl_command, tail, wait

PAGES = "pages.bin"
INDEX = "index.json"
REQUESTS = "requests.txt"
CONTROL = b"/__bench__/"
MAX_HEAD = 64 * 1024  # a request head longer than this closes the connection (nothing we run sends one)


@dataclass
class Recording:
    """A recorded site in ``folder``: the targets asked for, in order, and the answers."""

    folder: Path

    @property
    def requests_file(self) -> Path:
        return self.folder / REQUESTS

    @property
    def requests(self) -> list[str]:
        return self.requests_file.read_text().splitlines()

    def summary(self) -> dict[str, int]:
        """Requests by kind of page: what the benchmark's pages are."""
        index = json.loads((self.folder / INDEX).read_text())
        kinds: dict[str, int] = {}
        for target in self.requests:
            status = index[target][3]
            kind = page_kind(target) if status == 200 else f"answered {status}"
            kinds[kind] = kinds.get(kind, 0) + 1
        return dict(sorted(kinds.items(), key=lambda item: (KINDS.index(item[0]) if item[0] in KINDS else len(KINDS),
                                                            item[0])))


KINDS = ["article pages", "gallery views", "yearly archives", "video pages and lists", "calendar pages and lists",
         "other pages (front page, robots.txt)"]


def page_kind(target: str) -> str:
    if target.startswith("/artiklar.php") and "&img=" in target:
        return "gallery views"
    if target.startswith("/artiklar.php"):
        return "article pages"
    if target.startswith("/art_ar.php"):
        return "yearly archives"
    if target.startswith(("/video", "/media/")):
        return "video pages and lists"
    if target.startswith(("/kalender", "/evenemang")):
        return "calendar pages and lists"
    return "other pages (front page, robots.txt)"


def raw_response(status: int, headers: dict[str, str], body: bytes) -> tuple[bytes, bytes]:
    """The head and body of an HTTP/1.1 answer, as the mirror's server sends them (keep-alive)."""
    headers = {name: value for name, value in headers.items() if name.lower() != "connection"}
    if not any(name.lower() == "content-length" for name in headers):
        headers["Content-Length"] = str(len(body))
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Server: Apache/2.2.22 (Debian)",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), body


def record(articles: int, folder: Path, log=print) -> Recording:
    """Crawl the mirror of ``articles`` generated articles and keep what the crawl fetched in ``folder``."""
    from knytscrape.mirror import MirrorServer

    folder.mkdir(parents=True, exist_ok=True)
    with MirrorServer(extra_articles=articles) as mirror:
        started = time.monotonic()
        with open(folder / "crawl.log", "wb") as out:
            process = subprocess.Popen(crawl_command(mirror.base_url, folder / "knytpunkt.db"), cwd=PROJECT_ROOT,
                                       env=CRAWL_ENV, stdout=out, stderr=subprocess.STDOUT)
            try:
                status, _ = wait(process, started, lambda seconds: log(f"recording: {len(mirror.requests):,} requests "
                                                                    f"in {seconds:.0f} s"))
            except BaseException:
                process.kill()
                process.wait()
                raise
        if status != 0:
            raise BenchError(f"the recording crawl of the mirror ended with status {status}:\n"
                             f"{tail(folder / 'crawl.log')}")
        targets = [entry.path for entry in mirror.request_log if entry.method == "GET"]
        log(f"recorded {len(targets):,} requests in {time.monotonic() - started:.0f} s; rendering them")
        return write_recording(folder, targets, mirror.render)


def write_recording(folder: Path, targets: list[str], render) -> Recording:
    """Keep ``targets`` (in order, repeats included) and ``render(target)``'s answer to each in ``folder``."""
    index: dict[str, list[int]] = {}
    offset = 0
    with open(folder / PAGES, "wb") as pages:
        for target in targets:
            if target in index:
                continue
            answer = render(target)
            head, body = raw_response(answer.status, answer.headers, answer.body)
            pages.write(head + body)
            index[target] = [offset, len(head), len(head) + len(body), answer.status]
            offset += len(head) + len(body)
    (folder / INDEX).write_text(json.dumps(index))
    (folder / REQUESTS).write_text("".join(f"{target}\n" for target in targets))
    return Recording(folder)


# -- the server --------------------------------------------------------------------------------------


class Site:
    def __init__(self, folder: Path):
        self._file = open(folder / PAGES, "rb")  # noqa: SIM115 (open while the server runs)
        self.pages = memoryview(mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ))
        self.index = {target.encode("latin-1"): tuple(entry[:3])
                      for target, entry in json.loads((folder / INDEX).read_text()).items()}
        self.served = 0
        self.unrecorded: list[str] = []
        self.not_found = raw_response(404, {"Content-Type": "text/plain"}, b"not in the recording\n")

    def answer(self, method: bytes, target: bytes) -> bytes | memoryview:
        if target.startswith(CONTROL):
            return self.control(target[len(CONTROL):])
        self.served += 1
        entry = self.index.get(target)
        if entry is None:
            self.unrecorded.append(target.decode("latin-1"))
            head, body = self.not_found
            return head if method == b"HEAD" else head + body
        offset, head_length, length = entry
        return self.pages[offset:offset + (head_length if method == b"HEAD" else length)]

    def control(self, command: bytes) -> bytes:
        counts = {"served": self.served, "unrecorded": len(self.unrecorded), "sample": self.unrecorded[:10]}
        if command == b"reset":
            self.served, self.unrecorded = 0, []
        head, body = raw_response(200, {"Content-Type": "application/json"}, json.dumps(counts).encode())
        return head + body


class Connection(asyncio.Protocol):
    def __init__(self, site: Site):
        self.site = site
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            line, _, rest = head.partition(b"\r\n")
            parts = line.split(b" ")
            if len(parts) != 3:
                self.transport.close()
                return
            method, target, version = parts
            self.transport.write(self.site.answer(method, target))
            if version == b"HTTP/1.0" or b"connection: close" in rest.lower():
                self.transport.close()
                return


async def serve(folder: Path, port: int) -> None:
    site = Site(folder)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(site), "127.0.0.1", port, backlog=1024)
    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    loop.add_signal_handler(signal.SIGINT, stopped.set)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await stopped.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a recorded site on 127.0.0.1 (see benchmarks/static_site.py).")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if not (args.folder / INDEX).is_file():
        parser.error(f"no recording in {args.folder}")
    asyncio.run(serve(args.folder, args.port))


class SiteServer:
    """The recorded site served by ``python -m benchmarks.static_site`` in a process of its own."""

    def __init__(self, recording: Recording):
        self.recording = recording
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> SiteServer:
        self.process = subprocess.Popen([sys.executable, "-m", "benchmarks.static_site", str(self.recording.folder)],
                                        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("port "):
            self.process.kill()
            raise BenchError("the recorded site's server did not start")
        self.port = int(line.split()[1])
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, reset: bool = False) -> dict:
        """Requests served since the last reset (and resets the count when ``reset``)."""
        import urllib.request

        with urllib.request.urlopen(f"{self.base_url}/__bench__/{'reset' if reset else 'count'}", timeout=10) as answer:
            return json.loads(answer.read())


if __name__ == "__main__":
    main()
