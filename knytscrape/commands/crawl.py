"""``scrapy crawl SPIDER``, as this project runs it: Scrapy's own command (found through COMMANDS_MODULE in
knytscrape/settings.py) with the beginning and the end of ``knytscrape crawl`` (knytscrape/outcome.py).

Before the site is asked anything, the crawl lock and a check that the database can be written; after the
run, the spider's summary, the ``UNHEALTHY:`` reasons and the same exit statuses: 0 healthy, 1 unhealthy,
2 a bad argument (an unknown spider, a base URL that is not http(s)), 3 another crawl holds the database,
130 interrupted. The log is quiet (warnings and errors; a terminal also shows the progress line); ``-v``
gives the full log, ``-L LEVEL`` any level. Scrapy's other options (``-a``, ``-s``, ``-o``, ``--logfile``...) work
as they always do.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from knytscrape import outcome
from knytscrape.urls import normalise_base_url

PROG = "scrapy crawl"


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider of the project: its summary, health verdict and exit status at the end"

    def long_desc(self) -> str:
        return ("Run one spider of the project (articles, videos or calendar) into the database (-s KNYT_DB=PATH), "
                "against -a base_url=URL (default the live site). The run ends with its summary, the reasons "
                "of an unhealthy run on stderr (UNHEALTHY: ...) and the exit status of `knytscrape crawl`: 0 "
                "healthy, 1 unhealthy, 2 a bad argument, 3 another crawl holds the database, 130 interrupted. "
                "Only warnings and errors are logged; -v gives the full log.")

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("-v", "--verbose", action="store_true",
                            help="the full log (INFO); by default only warnings, errors and the summary; "
                                 "-L LEVEL wins over it")

    def process_options(self, args: list[str], opts) -> None:
        super().process_options(args, opts)
        outcome.choose_log_level(self.settings, verbose=opts.verbose)

    def fail(self, status: int, message: str) -> None:
        print(f"{PROG}: {message}", file=sys.stderr)
        self.exitcode = status

    def run(self, args: list[str], opts) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported "
                             "(`knytscrape crawl` runs them all)")
        name = args[0]
        assert self.crawler_process is not None and self.settings is not None
        names = self.crawler_process.spider_loader.list()
        if name not in names:
            return self.fail(outcome.USAGE, outcome.unknown_spider(name, names))
        if "base_url" in opts.spargs:
            try:
                opts.spargs["base_url"] = normalise_base_url(opts.spargs["base_url"])
            except ValueError as error:
                return self.fail(outcome.USAGE, f"-a base_url: {error}")
        db_path = self.settings.get("KNYT_DB")
        refused = outcome.take_database(db_path, prog=PROG)
        if refused is not None:
            self.exitcode = refused
            return None
        outcome.quiet_log(self.settings)
        crawler = self._create_crawler(name)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        self.exitcode = outcome.report([crawler], db_path)
        return None
