"""``knytscrape reparse``: read the stored captures again with today's parsers, asking the site nothing.

The three spiders run as in a full crawl, through the same middlewares, parsers and pipelines, but Scrapy's
http and https download handler is the replay handler (knytscrape/capture/replay.py): every page is
answered from the WARC files with its newest capture. Records carry when their page was captured, so
``first_seen`` / ``last_seen`` say when the site showed them, and a value that differs from the stored one
is a revision with cause ``reparse`` (the stored version came from that capture or a later one: a parser
reads it differently) or ``site`` (the stored version is older than the capture).
"""

from __future__ import annotations

from pathlib import Path

REPLAY_HANDLER = "knytscrape.capture.replay.ReplayDownloadHandler"


def reparse_settings(warc_dir: Path) -> dict:
    """Scrapy settings of a reparse: replayed answers, no pacing, nothing written to the WARC files again."""
    return {
        "KNYT_REPARSE": True,
        "KNYT_FULL": True,
        "KNYT_WARC": False,
        "KNYT_WARC_DIR": str(warc_dir),
        "DOWNLOAD_HANDLERS": {"http": REPLAY_HANDLER, "https": REPLAY_HANDLER,
                              "ftp": None, "s3": None, "file": None, "data": None},
        "ROBOTSTXT_OBEY": False,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "KNYT_DOWNLOAD_IMAGES": False,
        "SPIDER_MIDDLEWARES": {"knytscrape.middlewares.page_errors.PageErrorsMiddleware": 950,
                               "knytscrape.capture.replay.CaptureTimeMiddleware": 960},
    }
