"""Scrapy settings: polite defaults for a one-person site.

Every value can be overridden with ``-s NAME=VALUE`` (``scrapy crawl`` and ``knytscrape crawl``) or the
environment variables named below.
"""

import os

from knytscrape import __version__
from knytscrape.outcome import default_log_level

BOT_NAME = "knytscrape"
SPIDER_MODULES = ["knytscrape.spiders"]
NEWSPIDER_MODULE = "knytscrape.spiders"
# The project's own `scrapy crawl` (knytscrape/commands/crawl.py): the summary, the health verdict and the
# exit statuses of `knytscrape crawl`, and its quiet log where no terminal is attached.
COMMANDS_MODULE = "knytscrape.commands"

# Where the archive is written: -s KNYT_DB=PATH or the KNYT_DB environment variable.
KNYT_DB = os.environ.get("KNYT_DB", "data/knytpunkt.db")
# Stop walking ids above the highest article found after this many misses in a row.
KNYT_ID_PROBE_MISSES = 30
# The id walk starts here (the oldest articles, from 2007, have ids around 119).
KNYT_ID_FLOOR = 1
# Store articles in transactions of this many (one article's rows are always in one transaction).
KNYT_DB_BATCH = 50
# Incremental crawls (the default once the database holds articles): articles published within this
# many days are fetched again (conditionally) for new comments and edits. KNYT_FULL=1 (or
# `knytscrape crawl --full`) fetches everything.
KNYT_RECHECK_DAYS = 60
KNYT_FULL = False
# Incremental crawls probe this many ids above the newest known one (the front page lists new ones too).
KNYT_ID_PROBE_MISSES_INCREMENTAL = 5
# How many links away from a section's entry page (Video, Kalender) the section crawl may go.
KNYT_SECTION_DEPTH = 6
# Bounds, whatever the site sends. The id walk goes only as far as the site's evidence reaches in steps
# of at most KNYT_ID_MAX_GAP ids (a lone link to id 99999999 is asked for itself and reported, not walked
# to), with at most KNYT_WALK_WINDOW article requests (walked, linked, rechecked) waiting at once: the rest wait
# as ids, a bit each, so the scheduler's queue does not grow with the archive; and at most KNYT_LIST_WINDOW list
# pages (a yearly archive of thousands of articles is megabytes) fetched or read at once. A gallery is read up to
# KNYT_GALLERY_MAX_VIEWS views, a page's links up to KNYT_MAX_LINKS_PER_PAGE; hitting a bound is reported.
KNYT_ID_MAX_GAP = 1000
KNYT_WALK_WINDOW = 100
KNYT_LIST_WINDOW = 1
# The id walk asks for each article once by itself: Scrapy's duplicate filter keeps no fingerprint of those
# requests, which would grow with the archive (knytscrape/extensions/dupefilter.py); all others it filters.
DUPEFILTER_CLASS = "knytscrape.extensions.dupefilter.WalkAwareDupeFilter"
KNYT_GALLERY_MAX_VIEWS = 500
KNYT_MAX_LINKS_PER_PAGE = 2000
# At most this many list pages (front page, yearly archives) and pages of each section a run.
KNYT_MAX_LIST_PAGES = 1000
KNYT_SECTION_MAX_PAGES = 2000
# Pages of the ledger of what is missing asked again per run (oldest first; see knytscrape/ledger.py).
KNYT_LEDGER_PER_RUN = 500

# An honest User-Agent, set here once: who we are and how to reach the operator.
KNYT_CONTACT = os.environ.get("KNYT_CONTACT", "operator contact not set, see KNYT_CONTACT")
USER_AGENT = f"knytscrape/{__version__} (archive of Knytpunkt, Örebro; {KNYT_CONTACT})"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 60
# The engine's own cost per page (docs/parsing.md, "Speed"): Scrapy starts CONCURRENT_ITEMS asyncio tasks for
# every callback's output, 100 by default, whatever it yields; a callback here yields one record and a few
# requests, so one task handles them in order. And it reads the source of every callback it has not seen lately,
# to warn of a generator's return value (a programming error the tests would show).
CONCURRENT_ITEMS = 1
WARN_ON_GENERATOR_RETURN_VALUE = False
# Download size bounds in bytes, of the body as received and as decompressed (gzip, deflate, br, zstd):
# pictures (a few MB) up to DOWNLOAD_MAXSIZE, pages (tens of kB) up to KNYT_PAGE_MAXSIZE
# (middlewares/sizes.py). A larger answer is dropped after that many bytes instead of being held in memory.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
KNYT_PAGE_MAXSIZE = 4 * 1024 * 1024
KNYT_PAGE_WARNSIZE = 1024 * 1024
# Memory (the resident size this process holds now, checked every minute): a warning at MEMUSAGE_WARNING_MB;
# past MEMUSAGE_LIMIT_MB the crawl closes itself (status memusage_exceeded, unhealthy, resumed by the next run)
# rather than being killed by the system. What a crawl holds does not grow with the archive (benchmarks/
# memory_crawl.py): some 120 MB, plus about 18 times the size of the list page being read (a yearly archive of
# 5,000 articles, 2.7 MB: 50 MB), plus over 100 MB while a downloaded picture near KNYT_IMAGE_MAX_PIXELS is
# decoded. A crawl past 512 MB holds something that grows where it should not: worth a warning.
MEMUSAGE_ENABLED = True
MEMUSAGE_WARNING_MB = 512
MEMUSAGE_LIMIT_MB = 1024

# Development: KNYT_HTTPCACHE=1 keeps every response under .scrapy/httpcache.
HTTPCACHE_ENABLED = os.environ.get("KNYT_HTTPCACHE") == "1"
HTTPCACHE_EXPIRATION_SECS = 0

# The site is read without a session: no cookie is kept or sent (nor its cost paid on every request)
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control runs Python sent to an HTTP port on localhost: never in this crawler.
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    # the memory bound on the memory this process holds, not a parent's peak (knytscrape/extensions/memory.py)
    "scrapy.extensions.memusage.MemoryUsage": None,
    "knytscrape.extensions.memory.CurrentMemoryUsage": 0,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "knytscrape.extensions.crawl_record.CrawlRecord": 500,
    "knytscrape.extensions.progress.Progress": 510,
}
# Progress (knytscrape/extensions/progress.py): on a terminal a live line with pages done of an estimated
# total, records stored and an ETA; otherwise the same figures in the log once a minute, at INFO (so not in
# the quiet log: -v, KNYT_LOG_LEVEL=INFO or --logfile show them). KNYT_PROGRESS=0 turns it off.
KNYT_PROGRESS = os.environ.get("KNYT_PROGRESS", "1") != "0"

SPIDER_MIDDLEWARES = {
    # a parser that fails on a page puts it in the ledger of what is missing (knytscrape/ledger.py)
    "knytscrape.middlewares.page_errors.PageErrorsMiddleware": 950,
}

DOWNLOADER_MIDDLEWARES = {
    # first of all: no request leaves the crawled copy of the site (redirects, dont_filter, pictures and
    # robots.txt included); replaces Scrapy's OffsiteMiddleware, which checks host names only
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "knytscrape.middlewares.site_only.SiteOnlyMiddleware": 10,
    # pages get the smaller KNYT_PAGE_MAXSIZE / KNYT_PAGE_WARNSIZE
    "knytscrape.middlewares.sizes.PageSizeMiddleware": 20,
    # a page cut off before its end is retried, not read (its process_response runs after decompression)
    "knytscrape.middlewares.incomplete.IncompletePageMiddleware": 582,
    "knytscrape.middlewares.conditional.ConditionalRequestsMiddleware": 560,
    # responses pass downloader middlewares in decreasing order: below HttpCompressionMiddleware (590), so
    # that it sees the inflated body (inflating resets the encoding), and above MetaRefreshMiddleware (580),
    # the first to read response.text
    "knytscrape.middlewares.encoding.LegacyEncodingMiddleware": 585,
    # every answer into the WARC files as it arrived: above HttpCompressionMiddleware (590), so the record
    # holds the body as the site sent it, and above RedirectMiddleware (600), so redirects are kept too
    "knytscrape.middlewares.warc.WarcCaptureMiddleware": 650,
}

# Every answer of the site is kept in WARC files (request and response records, gzip per record), in
# KNYT_WARC_DIR (default: the folder warc/ beside KNYT_DB), a new file past KNYT_WARC_MAX_MB. KNYT_WARC=0
# turns it off. `knytscrape reparse` reads them again with the current parsers.
KNYT_WARC = os.environ.get("KNYT_WARC", "1") != "0"
KNYT_WARC_DIR = os.environ.get("KNYT_WARC_DIR", "")
KNYT_WARC_MAX_MB = 256

# Download every picture (and a thumbnail) under KNYT_IMAGES_DIR: off by default, one setting to turn on.
KNYT_DOWNLOAD_IMAGES = os.environ.get("KNYT_DOWNLOAD_IMAGES") == "1"
KNYT_IMAGES_DIR = "data/images"
# A downloaded picture of more pixels than this is not decoded (a small file can inflate to gigabytes).
KNYT_IMAGE_MAX_PIXELS = 40_000_000
IMAGES_THUMBS = {"small": (240, 240)}
IMAGES_STORE = KNYT_IMAGES_DIR

ITEM_PIPELINES = {
    "knytscrape.pipelines.dates.DatesPipeline": 100,
    "knytscrape.pipelines.images.ImagesPipeline": 200,
    "knytscrape.pipelines.comments.CommentsPipeline": 300,
    "knytscrape.pipelines.image_files.ImageFilesPipeline": 400,
    "knytscrape.pipelines.validation.ValidationPipeline": 800,
    "knytscrape.pipelines.storage.StoragePipeline": 900,
}

# The log: only warnings and errors, on a terminal (which also shows a live progress line) as in cron, without
# the tracebacks of network failures (the end-of-run summary counts them). The full log:
# -v (`scrapy crawl -v`, `knytscrape crawl -v`), or KNYT_LOG_LEVEL=INFO in the environment; a level given
# on the command line (-L LEVEL, -s LOG_LEVEL=LEVEL) wins over both. See knytscrape/outcome.py.
LOG_LEVEL = default_log_level()
FEED_EXPORT_ENCODING = "utf-8"
