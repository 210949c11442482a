"""The mirror over HTTP on 127.0.0.1: a ThreadingHTTPServer around :func:`knytscrape.mirror.render`.

with MirrorServer() as mirror:
    fetch(mirror.base_url + "/index.php")
    assert "/index.php" in mirror.requests
    mirror.remove_article(986)              # the site changes for every following request
    mirror.truth()["articles"]              # ... and so does the truth

Every 200 answer carries ``ETag`` and ``Last-Modified`` and a conditional GET/HEAD that matches gets
304 (``conditional=False`` turns that off). See docs/mirror.md, "Changing the site between crawls".

``faults=Faults(rate, seed)`` (or setting ``mirror.faults`` while it runs) makes requests fail in
repeatable ways (500, 503, reset, short body, cut page, hang; see :mod:`knytscrape.mirror.faults`),
recorded in ``mirror.fault_log``; ``mirror.intercept(fn)`` lets a test answer a request itself.
See docs/mirror.md, "Faults".
"""

from __future__ import annotations

import signal
import socket
import struct
import sys
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple, TypeVar

from knytscrape.mirror import mutations, schemes
from knytscrape.mirror.app import MirrorResponse
from knytscrape.mirror.faults import Faults, applicable, cut_response, error_response
from knytscrape.mirror.history import SiteHistory, etag_of, http_date, not_modified
from knytscrape.mirror.model import ENCODINGS, LAYOUTS

T = TypeVar("T")
CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")
Intercept = Callable[[str, Mapping[str, str]], "MirrorResponse | None"]
NO_BODY_STATUSES = (204, 304)


class RequestRecord(NamedTuple):
    """One request as the server saw it: ``conditional`` is true when it carried If-None-Match or
    If-Modified-Since (whether or not it got 304)."""

    method: str
    path: str
    status: int
    conditional: bool


class _Handler(BaseHTTPRequestHandler):
    server_version = "Apache/2.2.22"
    sys_version = "(Debian)"
    protocol_version = "HTTP/1.1"
    server: _Server

    def _answer(self, with_body: bool) -> None:
        mirror = self.server.mirror
        target = self.path
        conditional = any(name in self.headers for name in CONDITIONAL_HEADERS)
        attempt, faults, intercepts = mirror._arrive(target)
        for fn in intercepts:
            answer = fn(target, self.headers)
            if answer is not None:
                mirror._record(self.command, target, answer.status, conditional)
                self._send_as_is(answer, with_body)
                return
        response = mirror._respond(target, self.headers)
        kind = faults.decide(target, attempt) if faults is not None else None
        if kind is None:
            mirror._record(self.command, target, response.status, conditional)
            self._send(response, with_body)
            return
        kind = applicable(kind, response, head=not with_body)
        status = {"500": 500, "503": 503, "cut_html": 200}.get(kind, 0)
        mirror._record(self.command, target, status, conditional, fault=kind)
        self.log_message("fault %s: %s %s", kind, self.command, target)
        if kind in ("500", "503"):
            self._send(error_response(status), with_body)
        elif kind == "cut_html":
            at = faults.cut_at(target, attempt, len(response.body))
            self._send(cut_response(response, at, etag_of), with_body)
        elif kind == "short_body":
            self._send_head(response)
            self.wfile.write(response.body[: len(response.body) // 2])
            self.close_connection = True
        elif kind == "reset":
            self._reset()
        else:  # hang: wait (the server's stop ends it at once), then close without an answer
            mirror._stopping.wait(faults.hang_seconds)
            self.close_connection = True

    def _send_head(self, response: MirrorResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, response: MirrorResponse, with_body: bool) -> None:
        self._send_head(response)
        if with_body and response.status not in NO_BODY_STATUSES:
            self.wfile.write(response.body)

    def _send_as_is(self, answer: MirrorResponse, with_body: bool) -> None:
        """An intercept's answer: its status, headers and body bytes as given. A missing Content-Length
        is added; when the one given is not the body's length the connection closes after the answer."""
        names = {name.lower(): value for name, value in answer.headers.items()}
        if "content-length" not in names and "transfer-encoding" not in names:
            answer = MirrorResponse(answer.status, {**answer.headers, "Content-Length": str(len(answer.body))},
                                    answer.body)
        elif names.get("content-length", "").strip() != str(len(answer.body)):
            self.close_connection = True
        self._send(answer, with_body)

    def _reset(self) -> None:
        """Close the connection with a TCP RST and no answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # the socket's file must go too, or close() would keep the connection open
        self.connection.close()
        self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.mirror._record("POST", self.path, 405, any(name in self.headers for name in CONDITIONAL_HEADERS))
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

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (a crawler's timeout, a reset) is part of the game, not a server error."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class MirrorServer:
    """The mirror served from a daemon thread; use as a context manager or call start()/stop().

    The site can be changed while it runs (:meth:`mutate` and the helpers below); every request
    answered after the call sees the change, and :meth:`truth` returns the changed truth.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        layout: str | None = None,
        encoding: str | None = None,
        extra_articles: int = 0,
        verbose: bool = False,
        scheme: str = "a",
        conditional: bool = True,
        faults: Faults | None = None,
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
        self.conditional = conditional  # ETag / Last-Modified / 304; False models a server without them
        self.requests: list[str] = []  # request targets (path + query), in the order served
        self.request_log: list[RequestRecord] = []  # (method, path, status, conditional), in the same order
        self.fault_log: list[tuple[str, str]] = []  # (target, kind) of each faulted request, in order
        self.faults = faults  # may be set or replaced while the server runs
        self._attempts: Counter[str] = Counter()  # GET/HEAD requests per target so far
        self._intercepts: list[Intercept] = []
        self._stopping = threading.Event()  # set by stop(): ends every hang at once
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._history = SiteHistory(extra_articles, layout, encoding, self.scheme)  # builds the model now
        self._httpd = _Server((host, port), _Handler)
        self._httpd.mirror = self
        self.host, self.port = self._httpd.server_address[:2]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def faults(self) -> Faults | None:
        """The faults of the following requests (None: every answer is clean)."""
        return self._faults

    @faults.setter
    def faults(self, faults: Faults | None) -> None:
        if faults is not None and not isinstance(faults, Faults):
            raise TypeError(f"faults must be a Faults or None, got {faults!r}")
        self._faults = faults

    def intercept(self, fn: Intercept) -> Intercept:
        """Let ``fn(target, request_headers)`` answer GET and HEAD requests before the site does: the
        first function that returns a :class:`MirrorResponse` (not None) wins, and its status, headers
        and body are sent as they are (no validators, no faults). Returns ``fn`` (usable as a decorator)."""
        with self._lock:
            self._intercepts.append(fn)
        return fn

    def clear_intercepts(self) -> None:
        with self._lock:
            self._intercepts.clear()

    def _arrive(self, target: str) -> tuple[int, Faults | None, list[Intercept]]:
        """A GET/HEAD of ``target`` arrives: its attempt number (earlier requests of the target on this
        server), the faults and the intercepts that apply to it."""
        with self._lock:
            attempt = self._attempts[target]
            self._attempts[target] += 1
            return attempt, self._faults, list(self._intercepts)

    def _record(self, method: str, path: str, status: int, conditional: bool, fault: str | None = None) -> None:
        with self._lock:
            self.requests.append(path)
            self.request_log.append(RequestRecord(method, path, status, conditional))
            if fault is not None:
                self.fault_log.append((path, fault))

    def _respond(self, target: str, request_headers=None) -> MirrorResponse:
        """The answer to a GET of ``target`` with ``request_headers``: 200 answers get the validators,
        a matching conditional request gets 304 (both only when ``conditional``)."""
        response, etag, last_modified = self._history.respond(target)
        if etag is None or not self.conditional:
            return response
        validators = {"ETag": etag, "Last-Modified": http_date(last_modified)}
        if request_headers is not None and not_modified(request_headers, etag, last_modified):
            return MirrorResponse(status=304, headers=validators, body=b"")
        return MirrorResponse(status=200, headers={**response.headers, **validators}, body=response.body)

    # -- the site and its changes -------------------------------------------------------------------------

    def render(self, target: str) -> MirrorResponse:
        """What a plain GET of ``target`` gets now (headers included), without HTTP."""
        return self._respond(target)

    @property
    def generation(self) -> int:
        """How many changes the site has had (0: the content files)."""
        return self._history.generation

    def truth(self) -> dict[str, list[dict]]:
        """The current truth, a deep copy: ``{"articles", "videos", "events"}`` in the shapes of
        ``load_articles(extra_articles)``, ``load_videos()`` and ``load_events()`` (``paths`` included)."""
        return self._history.truth()

    def mutate(self, fn: Callable[[dict[str, list[dict]]], T]) -> T:
        """Change the site: ``fn`` gets a deep copy of :meth:`truth` and edits it in place (the functions
        of ``knytscrape.mirror.mutations`` help). Every following request sees the result. Returns what
        ``fn`` returns; if ``fn`` raises, or the result cannot be served (ValueError), nothing changes."""
        return self._history.mutate(fn)

    def _record_of(self, kind: str, record_id: int) -> dict:
        return next(r for r in self.truth()[kind] if r["id"] == record_id)

    def add_article(self, article: dict) -> dict:
        """Add an article (``id``, ``title``, ``lead``, ``published_raw``; see ``mutations.new_article``);
        returns it as the truth has it."""
        return self._record_of("articles", self.mutate(lambda t: mutations.add_article(t, article)))

    def update_article(self, article_id: int, **fields) -> dict:
        """Replace fields of an article (``title=...``, ``body=[...]``, ``images=[...]``); returns it."""
        self.mutate(lambda t: mutations.update_article(t, article_id, **fields))
        return self._record_of("articles", article_id)

    def remove_article(self, article_id: int) -> dict:
        """Take an article off the site (404, gone from the lists); returns it."""
        return self.mutate(lambda t: mutations.remove_article(t, article_id))

    def add_comment(self, article_id: int, comment: dict, index: int | None = None) -> dict:
        """Add a comment (a full one, or ``{author, text, posted[, style]}``); returns it."""
        return self.mutate(lambda t: mutations.add_comment(t, article_id, comment, index))

    def remove_comment(self, article_id: int, index: int) -> dict:
        """Delete comment ``index`` of an article; returns it."""
        return self.mutate(lambda t: mutations.remove_comment(t, article_id, index))

    def add_video(self, video: dict) -> dict:
        """Add a video (see ``mutations.new_video``); returns it with its ``paths``."""
        return self._record_of("videos", self.mutate(lambda t: mutations.add_video(t, video)))

    def update_video(self, video_id: int, **fields) -> dict:
        self.mutate(lambda t: mutations.update_video(t, video_id, **fields))
        return self._record_of("videos", video_id)

    def remove_video(self, video_id: int) -> dict:
        return self.mutate(lambda t: mutations.remove_video(t, video_id))

    def add_event(self, event: dict) -> dict:
        """Add an event (see ``mutations.new_event``); returns it with its ``paths``."""
        return self._record_of("events", self.mutate(lambda t: mutations.add_event(t, event)))

    def update_event(self, event_id: int, **fields) -> dict:
        """Replace fields of an event (move it: ``date_text``, ``starts_at``, ...); returns it."""
        self.mutate(lambda t: mutations.update_event(t, event_id, **fields))
        return self._record_of("events", event_id)

    def remove_event(self, event_id: int) -> dict:
        """Take an event off the site (the list, the sidebar; its page 404); returns it."""
        return self.mutate(lambda t: mutations.remove_event(t, event_id))

    # -- running ------------------------------------------------------------------------------------------

    def start(self) -> MirrorServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
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
    conditional: bool = True,
    faults: Faults | None = None,
) -> None:
    """Serve the mirror in the foreground until Ctrl-C (for the CLI)."""
    mirror = MirrorServer(host, port, layout, encoding, extra_articles, verbose, scheme, conditional, faults)
    print(f"Knytpunkt mirror on {mirror.base_url}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    if faults is not None and faults.rate > 0:
        print(
            f"Faults: rate {faults.rate:g}, seed {faults.seed}, kinds {','.join(faults.kinds)}, "
            f"hang {faults.hang_seconds:g} s",
            file=sys.stderr,
            flush=True,
        )

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
        mirror._stopping.set()
        mirror._httpd.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
