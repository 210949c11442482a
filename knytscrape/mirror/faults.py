"""Repeatable transient faults of the mirror: which request fails, and how.

``Faults(rate=0.2, seed=7)`` makes about one request in five fail. Whether a request fails, and how,
is a pure function of the seed, the request target (path + query) and the attempt number of that
target (0 for its first request on a server, 1 for the next, ...): the same seed gives the same
faults whatever the order of requests for different targets, and a retry of a target gets a decision
of its own. Several clients asking for the same target (three spiders fetching robots.txt) share its
attempt numbers in the order they arrive. :class:`knytscrape.mirror.server.MirrorServer` applies them on the wire:

| kind         | what the client gets                                                                 |
| ------------ | ------------------------------------------------------------------------------------ |
| ``500``      | ``500 Internal Server Error`` with a small HTML page                                 |
| ``503``      | ``503 Service Unavailable`` with a small HTML page and ``Retry-After: 1``            |
| ``reset``    | no answer: the connection is reset (TCP RST)                                         |
| ``short_body`` | the headers with the full ``Content-Length``, half of the body, then the connection closes |
| ``cut_html`` | ``200`` with the HTML page cut at 30-90 % of its bytes and a matching ``Content-Length`` |
| ``hang``     | nothing for ``hang_seconds``, then the connection closes without an answer           |

A kind that cannot show on an answer becomes ``500``: ``cut_html`` needs a GET answered 200 with an
HTML page, ``short_body`` a GET whose answer has a body (not a HEAD, not a 304). See docs/mirror.md,
"Faults". The mirror never imports the crawler: this is the truth it is tested against.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from knytscrape.mirror.app import MirrorResponse

FAULT_KINDS = ("500", "503", "reset", "short_body", "cut_html", "hang")
CUT_RANGE = (0.3, 0.9)  # a cut_html page keeps this share of its bytes (from, to)
RETRY_AFTER = "1"  # seconds, on a 503
_REASONS = {500: ("Internal Server Error", "The server encountered an internal error and was unable to "
                  "complete your request."),
            503: ("Service Unavailable", "The server is temporarily unable to service your request. "
                  "Please try again later.")}

PathRule = Callable[[str], bool] | str | None


@dataclass(frozen=True)
class Faults:
    """Which requests fail and how.

    ``rate``: the share of requests that fail, 0 to 1. ``seed``: any integer; another seed, other
    faults. ``kinds``: the kinds to choose from (each equally likely; a kind named twice is twice as
    likely). ``hang_seconds``: how long a ``hang`` keeps the client waiting. ``paths``: which targets
    may fail: None (all, robots.txt included), a regular expression searched in the target
    (``r"^/artiklar\\.php"``), or a function ``target -> bool``.
    """

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = FAULT_KINDS
    hang_seconds: float = 5.0
    paths: PathRule = None

    def __post_init__(self) -> None:
        if isinstance(self.rate, bool) or not isinstance(self.rate, int | float) or not 0 <= self.rate <= 1:
            raise ValueError(f"fault rate must be from 0 to 1 (a number), got {self.rate!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"fault seed must be an integer, got {self.seed!r}")
        kinds = (self.kinds,) if isinstance(self.kinds, str) else tuple(self.kinds)
        if not kinds:
            raise ValueError("no fault kinds given")
        unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind {unknown[0]!r}; expected some of {', '.join(FAULT_KINDS)}")
        object.__setattr__(self, "kinds", kinds)
        hang = self.hang_seconds
        if isinstance(hang, bool) or not isinstance(hang, int | float) or not (math.isfinite(hang) and hang >= 0):
            raise ValueError(f"hang time must be 0 seconds or more (a number), got {hang!r}")
        if isinstance(self.paths, str):
            try:
                re.compile(self.paths)
            except re.error as error:
                raise ValueError(f"paths is not a regular expression: {error}") from None
        elif self.paths is not None and not callable(self.paths):
            raise ValueError(f"paths must be None, a regular expression or a function, got {self.paths!r}")

    def _digest(self, target: str, attempt: int) -> bytes:
        return hashlib.sha256(f"{self.seed}\0{target}\0{attempt}".encode()).digest()

    def applies_to(self, target: str) -> bool:
        """Whether ``target`` may fail at all (the ``paths`` rule)."""
        if self.paths is None:
            return True
        if isinstance(self.paths, str):
            return re.search(self.paths, target) is not None
        return bool(self.paths(target))

    def decide(self, target: str, attempt: int) -> str | None:
        """The fault kind of request number ``attempt`` (0, 1, ...) of ``target``, or None (a clean
        answer). Deterministic: the same seed, target and attempt always give the same decision."""
        if self.rate <= 0 or not self.applies_to(target):
            return None
        digest = self._digest(target, attempt)
        if _unit(digest[0:8]) >= self.rate:
            return None
        return self.kinds[int.from_bytes(digest[8:16], "big") % len(self.kinds)]

    def cut_at(self, target: str, attempt: int, length: int) -> int:
        """Where a ``cut_html`` answer of ``length`` bytes is cut: a position from 30 % to 90 % of it,
        fixed by the seed, target and attempt, and always inside (1 .. length - 1) when length >= 2."""
        low, high = CUT_RANGE
        share = low + (high - low) * _unit(self._digest(target, attempt)[16:24])
        return min(max(int(length * share), 1), max(length - 1, 0))


def _unit(eight: bytes) -> float:
    """Eight bytes of a hash as a number in [0, 1)."""
    return int.from_bytes(eight, "big") / 2**64


def applicable(kind: str, response: MirrorResponse, head: bool) -> str:
    """``kind``, or ``"500"`` when it cannot show on this answer (see the module's docstring)."""
    if kind == "cut_html" and (
        head or response.status != 200 or not response.content_type.startswith("text/html") or len(response.body) < 2
    ):
        return "500"
    if kind == "short_body" and (head or response.status in (204, 304) or not response.body):
        return "500"
    return kind


def error_response(status: int) -> MirrorResponse:
    """The small Apache-style page of a ``500`` or ``503`` fault."""
    reason, message = _REASONS[status]
    body = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head>\n<title>{status} {reason}</title>\n</head><body>\n"
        f"<h1>{reason}</h1>\n<p>{html.escape(message)}</p>\n</body></html>\n"
    ).encode("ascii")
    headers = {"Content-Type": "text/html; charset=iso-8859-1", "Content-Length": str(len(body))}
    if status == 503:
        headers["Retry-After"] = RETRY_AFTER
    return MirrorResponse(status=status, headers=headers, body=body)


def cut_response(response: MirrorResponse, at: int, etag: Callable[[bytes], str] | None = None) -> MirrorResponse:
    """``response`` with its body cut at byte ``at`` and a ``Content-Length`` that matches; an ``ETag``
    is recomputed with ``etag`` (the server's rule: a hash of the body that is sent)."""
    body = response.body[:at]
    headers = {**response.headers, "Content-Length": str(len(body))}
    if etag is not None and "ETag" in headers:
        headers["ETag"] = etag(body)
    return MirrorResponse(status=response.status, headers=headers, body=body)


def with_body(response: MirrorResponse, body: bytes) -> MirrorResponse:
    """``response`` (e.g. ``MirrorServer.render(target)``) with another body, for an intercept: the
    ``Content-Length`` follows the body, the validators of the old body are dropped."""
    headers = {name: value for name, value in response.headers.items() if name not in ("ETag", "Last-Modified")}
    headers["Content-Length"] = str(len(body))
    return MirrorResponse(status=response.status, headers=headers, body=body)


# -- command-line argument types (argparse: a bad value is one line and exit status 2) -------------------


def _checked(field: str, parse: Callable[[str], object], what: str = "a number") -> Callable[[str], object]:
    """An argparse type for the ``Faults`` field ``field``: read with ``parse`` (``what`` it must be), then
    checked by ``Faults`` itself, so that the rules live in one place."""

    def convert(text: str):
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {text!r}") from None
        try:
            Faults(**{field: value})
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        return value

    return convert


def _kinds(text: str) -> tuple[str, ...]:
    return tuple(kind.strip() for kind in text.split(",") if kind.strip())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The fault options of ``knytscrape mirror`` and ``python -m knytscrape.mirror``."""
    parser.add_argument("--fault-rate", type=_checked("rate", float), default=0.0, metavar="R",
                        help="share of requests that fail, 0 to 1 (default 0: none)")
    parser.add_argument("--fault-seed", type=_checked("seed", int, "a whole number"), default=0, metavar="S",
                        help="which requests fail: the same seed, the same faults (default 0)")
    parser.add_argument("--fault-kinds", type=_checked("kinds", _kinds), default=FAULT_KINDS, metavar="K,K,...",
                        help=f"how they fail, some of {','.join(FAULT_KINDS)} (default all)")
    parser.add_argument("--hang-seconds", type=_checked("hang_seconds", float), default=5.0, metavar="N",
                        help="how long a 'hang' fault waits before closing the connection (default 5)")


def from_arguments(args: argparse.Namespace) -> Faults | None:
    """The :class:`Faults` of parsed :func:`add_arguments` options; None when the rate is 0."""
    if not args.fault_rate:
        return None
    return Faults(rate=args.fault_rate, seed=args.fault_seed, kinds=args.fault_kinds, hang_seconds=args.hang_seconds)
