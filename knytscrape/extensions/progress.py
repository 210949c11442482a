"""Progress of a crawl that people can read: pages done of an estimated total, records stored and an ETA.

On a terminal (stderr is a tty) a single live line, drawn by tqdm on stderr a few times a second and erased
when the spider closes; log lines of the run clear it first, so they do not run into it. Where no terminal is
attached (cron, systemd, a pipe), or when the log goes to a file (``--logfile``), one line a minute on the
logger ``knytscrape.progress`` at INFO::

    progress: articles: 1,234 of about 5,600 pages, 1,180 records stored, 2.1 pages/s, ETA 35 min

INFO lines do not show in the quiet log of a run without a terminal (only warnings and errors): ``-v``,
KNYT_LOG_LEVEL=INFO or ``--logfile`` (the full log) show them. KNYT_PROGRESS=0 turns the extension off.

The figures (``Figures``): pages done are the responses received (``response_received_count``); the total
is an estimate, hence "about": the pages done, the requests waiting in the scheduler and in the downloader,
and for the ``articles`` spider the ids its id walk has not asked for yet (up to the highest id it has
evidence of, or the highest stored id in a full crawl; spiders/id_walk.py), or the articles waiting for the
walk's window when there are more of those. Pages that turn up later (gallery
views, links) make it grow. Records stored are the items of the storage pipeline: new, changed and unchanged.
The ETA is the pages left at the rate of the last few minutes.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
import time
from collections import deque
from dataclasses import dataclass

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger("knytscrape.progress")

LIVE_TICK = 0.25  # seconds between two updates of the live line
LOG_TICK = 1.0  # seconds between two looks at the clock without a terminal
LOG_INTERVAL = 60.0  # seconds between two log lines
RATE_WINDOW = 300.0  # the ETA follows the rate of the last five minutes


@dataclass(frozen=True)
class Figures:
    pages: int  # pages done
    total: int  # the estimated total of pages, never below ``pages``
    records: int  # records stored (new, changed, unchanged)
    rate: float | None  # pages a second, recently; None before there are two samples apart
    eta: float | None  # seconds left; None when the rate is unknown or zero

    def line(self) -> str:
        rate = f"{self.rate:.1f} pages/s" if self.rate is not None else "rate unknown"
        return (f"{self.pages:,} of about {self.total:,} pages, {self.records:,} records stored, {rate}, "
                f"ETA {format_eta(self.eta)}")


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def records_stored(stats: dict) -> int:
    return sum(stats.get(f"knyt/items/{kind}", 0) or 0 for kind in ("new", "changed", "unchanged"))


def estimate(stats: dict, pending: int, not_asked: int = 0) -> tuple[int, int]:
    """Pages done and the estimated total: done + ``pending`` (scheduler, downloader) + ``not_asked``
    (pages the spider will still ask for, as far as it knows)."""
    pages = stats.get("response_received_count", 0) or 0
    return pages, pages + max(0, pending) + max(0, not_asked)


class Rate:
    """Pages a second over the last ``window`` seconds, from (time, pages) samples."""

    def __init__(self, window: float = RATE_WINDOW):
        self.window = window
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, pages: int) -> float | None:
        self.samples.append((now, pages))
        # keep one sample at or before the start of the window
        while len(self.samples) > 2 and self.samples[1][0] <= now - self.window:
            self.samples.popleft()
        first_time, first_pages = self.samples[0]
        if now - first_time <= 0:
            return None
        return max(0.0, (pages - first_pages) / (now - first_time))


def walk_not_asked(spider) -> int:
    """Article requests the ``articles`` spider has still to make, by its own count (its walk up to its frontier,
    or the articles waiting for the walk's window); 0 for other spiders."""
    not_asked = getattr(spider, "not_asked", None)
    if not callable(not_asked):
        return 0
    return max(0, not_asked())


def terminal_width() -> int:
    """The terminal's width, 100 where it does not say (a pseudo-terminal without a size)."""
    return shutil.get_terminal_size((100, 24)).columns or 100


def terminal_height() -> int:
    """The terminal's height, 24 where it does not say (tqdm draws nothing on a terminal of 0 lines)."""
    return shutil.get_terminal_size((100, 24)).lines or 24


class _ClearBar(logging.Filter):
    """On a terminal's log handler: the live line is erased before a log line is written (the next tick
    draws it again)."""

    def __init__(self, bar):
        super().__init__()
        self.bar = bar

    def filter(self, record: logging.LogRecord) -> bool:
        with contextlib.suppress(Exception):  # never lose a log line to the progress line
            self.bar.clear()
        return True


class Progress:
    def __init__(self, crawler, stream=None, clock=time.monotonic, log_interval: float = LOG_INTERVAL):
        self.crawler = crawler
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.log_interval = log_interval
        try:
            self.live = bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self.live = False
        # the minute lines when there is no live line, and whenever the log goes to a file
        self.log_lines = not self.live or bool(crawler.settings.get("LOG_FILE"))
        self.spider = None
        self.rate = Rate()
        self.last_log: float | None = None
        self.bar = None
        self.loop = None
        self.filters: list[tuple[logging.Handler, logging.Filter]] = []

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("KNYT_PROGRESS", True):
            raise NotConfigured("KNYT_PROGRESS is off")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # -- the figures ------------------------------------------------------------------------------

    def pending(self) -> int:
        """Requests waiting in the scheduler and in the downloader."""
        engine = getattr(self.crawler, "engine", None)
        if engine is None:
            return 0
        waiting = 0
        with contextlib.suppress(AttributeError, TypeError):  # a scheduler without a length
            scheduler = engine.scheduler
            waiting += len(scheduler) if scheduler is not None else 0
        with contextlib.suppress(AttributeError, TypeError):
            waiting += len(engine.downloader.active)
        return waiting

    def figures(self, now: float | None = None) -> Figures:
        stats = self.crawler.stats.get_stats()
        pages, total = estimate(stats, self.pending(), walk_not_asked(self.spider))
        rate = self.rate.add(self.clock() if now is None else now, pages)
        eta = (total - pages) / rate if rate else None
        return Figures(pages, total, records_stored(stats), rate, eta)

    # -- the run ----------------------------------------------------------------------------------

    def spider_opened(self, spider):
        self.spider = spider
        self.last_log = self.clock()
        if self.live:
            self.open_bar(spider.name)
        from twisted.internet import task

        self.loop = task.LoopingCall(self.tick)
        self.loop.start(LIVE_TICK if self.live else LOG_TICK, now=False)

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.loop = None
        self.close_bar()

    def tick(self) -> None:
        try:
            figures = self.figures()
            if self.bar is not None:
                self.draw(figures)
            now = self.clock()
            if self.log_lines and (self.last_log is None or now - self.last_log >= self.log_interval):
                self.last_log = now
                name = getattr(self.spider, "name", "crawl")
                logger.info("progress: %s: %s", name, figures.line())
        except Exception:  # progress must never stop a crawl
            logger.debug("progress failed", exc_info=True)

    # -- the live line ----------------------------------------------------------------------------

    def open_bar(self, name: str) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=1, desc=name, unit="pages", file=self.stream, leave=False, ncols=terminal_width(),
                        nrows=terminal_height(),
                        mininterval=LIVE_TICK, bar_format="{desc}: {n_fmt} of about {total_fmt} pages |{bar}|{postfix}")
        for handler in logging.root.handlers:
            if getattr(handler, "stream", None) in (self.stream, sys.stderr) and not isinstance(
                    handler, logging.FileHandler):
                clear = _ClearBar(self.bar)
                handler.addFilter(clear)
                self.filters.append((handler, clear))

    def draw(self, figures: Figures) -> None:
        self.bar.ncols = terminal_width()
        self.bar.total = max(figures.total, 1)
        self.bar.n = figures.pages
        self.bar.set_postfix_str(f"{figures.records:,} records stored, ETA {format_eta(figures.eta)}", refresh=False)
        self.bar.refresh()

    def close_bar(self) -> None:
        for handler, clear in self.filters:
            handler.removeFilter(clear)
        self.filters = []
        if self.bar is not None:
            self.bar.close()
            self.bar = None
