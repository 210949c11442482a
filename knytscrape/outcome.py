"""How a crawl run begins and ends, the same for both ways of starting one: ``knytscrape crawl`` (cli.py)
and ``scrapy crawl`` (commands/crawl.py).

Before the site is asked anything: the database's crawl lock and a check that the database can be
written (``take_database``). After the run: a summary per spider on stdout, with the new, changed and
removed records by title (``knytscrape.run_changes``), the reasons of an unhealthy
run on stderr (``UNHEALTHY: …``, one a line) and the exit status (``report``). In between, the log:
only warnings and errors by default, on a terminal (where the live progress line shows how far the run
is) as in cron, the full log (INFO) with ``-v`` (``choose_log_level``); the quiet log leaves out the
tracebacks of network failures, which the summary counts (``quiet_log``).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable

# Exit statuses, of `knytscrape crawl`, `knytscrape reparse`, `scrapy crawl` and `knytscrape demo`.
HEALTHY = 0
UNHEALTHY = 1  # the reasons are on stderr, one a line, starting UNHEALTHY:
USAGE = 2  # a bad argument (an unknown spider, a base URL that is not http(s), ...)
LOCKED = 3  # another crawl holds the database
PORT_BUSY = 4  # `knytscrape demo`: the port asked for Datasette cannot be served on
INTERRUPTED = 130  # stopped by Ctrl-C or SIGTERM (128 + SIGINT)

FULL_LOG = "INFO"  # -v / --verbose
QUIET_LOG = "WARNING"  # the default: a terminal has the progress line, cron needs only what went wrong


def default_log_level() -> str:
    """LOG_LEVEL of the project's settings: $KNYT_LOG_LEVEL, else only warnings and errors. On a terminal
    the progress line and the summary say how the run goes; Scrapy's INFO lines (hundreds in a demo) buried
    the summary, so they need ``-v``."""
    return os.environ.get("KNYT_LOG_LEVEL") or QUIET_LOG


def choose_log_level(settings, verbose: bool = False) -> None:
    """The run's log, in Scrapy ``settings``, before its CrawlerProcess is made. Its level: one given on the
    command line (``-L LEVEL``, ``-s LOG_LEVEL=…``) wins, then ``verbose`` (the full log), then
    $KNYT_LOG_LEVEL, then the full log when it goes to a file (``--logfile``, LOG_FILE), else the project's
    default (``default_log_level``). A quiet log (warnings and errors) gets the handler of ``quiet_log``
    instead of Scrapy's."""
    from scrapy.settings import get_settings_priority

    if (settings.getpriority("LOG_LEVEL") or 0) < get_settings_priority("cmdline"):
        to_file = bool(settings.get("LOG_FILE")) and not os.environ.get("KNYT_LOG_LEVEL")
        if verbose or to_file:
            settings.set("LOG_LEVEL", FULL_LOG, priority="cmdline")
    if is_quiet(settings) and settings.getbool("LOG_INSTALL_ROOT_HANDLER"):
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
        settings.set("KNYT_QUIET_LOG", True, priority="cmdline")


def is_quiet(settings) -> bool:
    level = settings.get("LOG_LEVEL")
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
    return isinstance(level, int) and level >= logging.WARNING


def _network_errors() -> tuple[type[BaseException], ...]:
    """The exceptions of a request that failed on the network: retried, then counted in the summary and
    kept in the ledger of what is missing; their tracebacks tell an operator nothing."""
    import scrapy.exceptions
    from twisted.internet import defer, error
    from twisted.web import _newclient

    names = [(scrapy.exceptions, n) for n in ("DownloadConnectionRefusedError", "CannotResolveHostError",
                                              "DownloadTimeoutError", "DownloadCancelledError",
                                              "DownloadFailedError", "ResponseDataLossError")]
    names += [(error, n) for n in ("ConnectError", "TimeoutError", "ConnectionLost", "ConnectionDone",
                                   "DNSLookupError")]
    names += [(_newclient, n) for n in ("ResponseFailed", "ResponseNeverReceived")]
    names += [(defer, "TimeoutError"), (defer, "CancelledError")]
    found = [getattr(module, name, None) for module, name in names]
    return (ConnectionError, *(cls for cls in found if isinstance(cls, type)))


class QuietLog(logging.Filter):
    """The quiet log: network failures without their tracebacks (their one line stays), and none of the
    notes of components turned off by a setting (``Disabled …``: configuration, not a problem)."""

    def __init__(self):
        super().__init__()
        self.network = _network_errors()

    def is_network(self, error: BaseException | None) -> bool:
        seen = set()
        while error is not None and id(error) not in seen:
            if isinstance(error, self.network):
                return True
            seen.add(id(error))
            error = error.__cause__ or error.__context__
        return False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "scrapy.middleware" and str(record.msg).startswith("Disabled "):
            return False
        if record.exc_info and self.is_network(record.exc_info[1]):
            record.exc_info = record.exc_text = None
        return True


def quiet_log(settings) -> None:
    """The handler of the quiet log on the root logger, with the QuietLog filter, after the CrawlerProcess
    is made (``choose_log_level`` kept Scrapy from installing its own, which it makes anew for every crawler
    and would lose the filter): to stderr, or to LOG_FILE, in Scrapy's LOG_FORMAT."""
    if not settings.getbool("KNYT_QUIET_LOG"):
        return
    for old in [h for h in logging.root.handlers if getattr(h, "knyt_quiet", False)]:  # of an earlier run
        logging.root.removeHandler(old)
        old.close()
    handler: logging.Handler
    if not settings.getbool("LOG_ENABLED"):
        handler = logging.NullHandler()
    elif settings.get("LOG_FILE"):
        mode = "a" if settings.getbool("LOG_FILE_APPEND") else "w"
        handler = logging.FileHandler(settings.get("LOG_FILE"), mode=mode, encoding=settings.get("LOG_ENCODING"))
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(fmt=settings.get("LOG_FORMAT"), datefmt=settings.get("LOG_DATEFORMAT")))
    level = settings.get("LOG_LEVEL")
    handler.setLevel(level.upper() if isinstance(level, str) else level)
    handler.addFilter(QuietLog())
    handler.knyt_quiet = True
    logging.root.setLevel(logging.NOTSET)
    logging.root.addHandler(handler)


def unknown_spider(name: str, names: Iterable[str]) -> str:
    """The one line for a spider name that does not exist."""
    return f"no spider named {name!r}; the spiders are: {', '.join(sorted(names))}"


def take_database(db_path: str, prog: str = "knytscrape") -> int | None:
    """The crawl lock of the database, and a check that it can be written, before the site is asked
    anything: None when the crawl may go on, else its exit status (the reason printed on stderr)."""
    from knytscrape import lock
    from knytscrape.db_errors import DatabaseUnusable, check_writable, unusable

    try:
        lock.acquire(db_path)
    except lock.CrawlLocked as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return LOCKED
    except OSError as error:  # the database file cannot be opened for its lock: a read-only folder, ...
        fatal = unusable(error, db_path)
        print(f"UNHEALTHY: {fatal or f'database: cannot take the crawl lock of {db_path}: {error}'}", file=sys.stderr)
        return UNHEALTHY
    try:
        check_writable(db_path)
    except DatabaseUnusable as error:
        print(f"UNHEALTHY: {error}", file=sys.stderr)
        return UNHEALTHY
    return None


def report(crawlers, db_path: str) -> int:
    """The end of a run: each spider's summary on stdout (with what it changed, by title:
    knytscrape/run_changes.py), the reasons of an unhealthy run on stderr
    (``UNHEALTHY: …``), the database's path; returns the exit status (HEALTHY only when healthy)."""
    from knytscrape.health import crawl_health, summary
    from knytscrape.run_changes import change_lines

    problems, interrupted, database = [], False, False
    for crawler in crawlers:
        name = crawler.spidercls.name
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        if "finish_reason" not in stats and not getattr(crawler, "spider", None):
            problems.append(f"{name}: the spider could not start (see the log)")
            continue
        print(summary(name, stats))
        if not stats.get("knyt/db/fatal"):  # what the run changed, by title, read from the database
            for line in change_lines(db_path, getattr(getattr(crawler, "spider", None), "crawl_id", None)):
                print(line)
        for problem in crawl_health(name, stats):
            if problem not in problems:  # a database's trouble is the same line for every spider
                problems.append(problem)
        interrupted |= stats.get("finish_reason") == "shutdown"
        database |= bool(stats.get("knyt/db/fatal"))
    for problem in problems:
        print(f"UNHEALTHY: {problem}", file=sys.stderr)
    print(f"Database: {db_path}", flush=True)
    sys.stderr.flush()
    if interrupted and not database:
        return INTERRUPTED
    return UNHEALTHY if problems else HEALTHY
