"""Why a request failed, as a short kind and one plain line, for the ledger of what is missing."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.internet.defer import TimeoutError as DeferTimeoutError

# (exception classes, kind, what it means) in the order they are tested
_KINDS = (
    ((DownloadTimeoutError, DeferTimeoutError, tx_error.TimeoutError), "timeout", "no answer in time"),
    ((ResponseDataLossError,), "short_body", "the body was shorter than the site said"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "refused", "the connection was refused"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns", "the host name could not be resolved"),
    ((tx_error.ConnectionLost, tx_error.ConnectionDone, tx_error.ConnectError), "connection_lost",
     "the connection was lost"),
    ((DownloadFailedError,), "download_failed", "the download failed"),
    ((DownloadCancelledError,), "cancelled", "the download was cancelled"),
)
SIZE_WORDS = ("larger than", "max size", "maxsize", "DOWNLOAD_MAXSIZE", "KNYT_PAGE_MAXSIZE")


class DamagedPage(IgnoreRequest):
    """The page arrived cut off (no end of the HTML document) on every attempt."""

    kind = "incomplete_html"


def describe(exception: BaseException) -> tuple[str, str] | None:
    """(kind, reason) of a failed request; None when nothing is missing (robots.txt forbids the page)."""
    text = str(exception).strip()
    if isinstance(exception, HttpError):
        status = exception.response.status
        if status in (404, 410):  # gone (proven so by a second run): see knytscrape.ledger
            return "not_found", f"the site answered {status}"
        return f"http_{status}", f"the site answered {status} on every attempt"
    kind = getattr(exception, "kind", None)
    if isinstance(kind, str):  # our own IgnoreRequest subclasses (damaged, off the site) name their kind
        return kind, text or kind
    if isinstance(exception, IgnoreRequest | DownloadCancelledError) and any(w in text for w in SIZE_WORDS):
        return "too_large", text  # the size bounds of settings.py, before or after decompression
    if isinstance(exception, IgnoreRequest):
        if "robots.txt" in text:  # Scrapy's RobotsTxtMiddleware: "Forbidden by robots.txt"
            return None
        return "ignored", text or "ignored"
    for classes, kind, meaning in _KINDS:
        if isinstance(exception, classes):
            return kind, f"{meaning}: {text}" if text else meaning
    if "ResponseFailed" in type(exception).__name__ or "DataLoss" in text:
        return "connection_lost", f"the connection was lost mid-answer: {text}"
    return type(exception).__name__.lower(), text or type(exception).__name__
