"""(b) A bare Scrapy spider: the benchmark's pages, fed as its start requests, each read with
benchmarks/extract.py (the ceiling's reading) and yielded as an item into a pipeline that does nothing.
Scrapy's default settings but the crawl's concurrency (16 requests; the benchmark passes the project's
``CONCURRENT_ITEMS`` with ``-s``) and log level (WARNING): the framework's own cost, to set beside the ceiling
(a) and the crawl (c).

    python -m benchmarks.bare_scrapy BASE_URL REQUESTS_FILE [--concurrency 16] [-s NAME=VALUE ...]

Prints one JSON line: pages fetched, items passed to the pipeline.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess

from benchmarks.extract import extract


class NoOpPipeline:
    def process_item(self, item):
        return item


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str, targets: list[str], **kwargs):
        super().__init__(**kwargs)
        self.base_url, self.targets = base_url, targets

    async def start(self):
        for target in self.targets:
            # every answer reaches parse (404s too, as in the crawl); a target asked twice is asked twice
            yield scrapy.Request(self.base_url + target, meta={"handle_httpstatus_all": True}, dont_filter=True)

    def parse(self, response):
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        yield {"url": response.url, "status": response.status, **extract(response.body, content_type)}


def main() -> None:
    parser = argparse.ArgumentParser(description="(b) the bare Scrapy spider")
    parser.add_argument("base_url")
    parser.add_argument("requests", type=Path)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="a further Scrapy setting (the benchmark passes the crawl's CONCURRENT_ITEMS)")
    args = parser.parse_args()
    targets = args.requests.read_text().splitlines()
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "ITEM_PIPELINES": {"benchmarks.bare_scrapy.NoOpPipeline": 300},
        **dict(setting.split("=", 1) for setting in args.settings),
    })
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, base_url=args.base_url.rstrip("/"), targets=targets)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"pages": stats.get("downloader/response_count", 0), "items": stats.get("item_scraped_count", 0),
                      "finish_reason": stats.get("finish_reason")}))


if __name__ == "__main__":
    main()
