"""The mirror over HTTP on 127.0.0.1: a ThreadingHTTPServer around :func:`knytscrape.mirror.render`.

with MirrorServer() as mirror:
    fetch(mirror.base_url + "/index.php")
    assert "/index.php" in mirror.requests
"""

from __future__ import annotations

import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from knytscrape.mirror import schemes
from knytscrape.mirror.app import render
from knytscrape.mirror.model import ENCODINGS, LAYOUTS, get_site


class _Handler(BaseHTTPRequestHandler):
    server_version = "Apache/2.2.22"
    sys_version = "(Debian)"
    protocol_version = "HTTP/1.1"
    server: _Server

    def _answer(self, with_body: bool) -> None:
        mirror = self.server.mirror
        mirror._record(self.path)
        response = render(self.path, mirror.layout, mirror.encoding, mirror.extra_articles, mirror.scheme)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.mirror._record(self.path)
        body = b"Method Not Allowed\n"
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if self.server.mirror.verbose:
            super().log_message(format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    mirror: MirrorServer


class MirrorServer:
    """The mirror served from a daemon thread; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        layout: str | None = None,
        encoding: str | None = None,
        extra_articles: int = 0,
        verbose: bool = False,
        scheme: str = "a",
    ):
        if layout is not None and layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
        if encoding is not None and encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {encoding!r}; expected one of {ENCODINGS}")
        self.scheme = schemes.check(scheme)  # the URL scheme of the Video and Kalender sections
        self.layout = layout
        self.encoding = encoding
        self.extra_articles = extra_articles
        self.verbose = verbose
        self.requests: list[str] = []  # request targets (path + query), in the order served
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        get_site(extra_articles)  # build the model before the first request
        self._httpd = _Server((host, port), _Handler)
        self._httpd.mirror = self
        self.host, self.port = self._httpd.server_address[:2]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def start(self) -> MirrorServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8000,
    layout: str | None = None,
    encoding: str | None = None,
    extra_articles: int = 0,
    verbose: bool = False,
    scheme: str = "a",
) -> None:
    """Serve the mirror in the foreground until Ctrl-C (for the CLI)."""
    mirror = MirrorServer(host, port, layout, encoding, extra_articles, verbose, scheme)
    print(f"Knytpunkt mirror on {mirror.base_url}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, interrupt)  # stop as cleanly on SIGTERM as on Ctrl-C
    try:
        mirror._httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("Knytpunkt mirror stopped", file=sys.stderr, flush=True)
    finally:
        mirror._httpd.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
