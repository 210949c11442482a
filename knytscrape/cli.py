"""The ``knytscrape`` command: crawl, mirror, serve, demo."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from knytscrape.db import DEFAULT_DB_PATH
from knytscrape.urls import DEFAULT_BASE_URL, normalise_base_url

SPIDERS = ("articles", "videos", "calendar")
# Settings that lift the politeness limits, for the local mirror only.
LOCAL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


LOCKED = 3  # exit status when another crawl holds the database


class UsageError(Exception):
    """A bad argument: reported in one line, exit status 2."""


def parse_setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


def valid_base_url(text: str) -> str:
    try:
        return normalise_base_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range: {port}")
    return port


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


# -- crawl ----------------------------------------------------------------------------------------


def run_crawl(base_url: str, db_path: str, settings: dict[str, str], spiders=SPIDERS, full: bool = False) -> int:
    """Run the spiders in this process; returns the exit status (0 only when healthy)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "knytscrape.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from knytscrape import lock

    try:
        lock.acquire(db_path)
    except lock.CrawlLocked as error:
        print(f"knytscrape: {error}", file=sys.stderr)
        return LOCKED
    project_settings = get_project_settings()
    for name, value in settings.items():
        project_settings.set(name, value, priority="cmdline")
    project_settings.set("KNYT_DB", db_path, priority="cmdline")
    if full:
        project_settings.set("KNYT_FULL", True, priority="cmdline")
    process = CrawlerProcess(project_settings)
    crawlers = []
    for name in spiders:
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        process.crawl(crawler, base_url=base_url)
    process.start()
    from knytscrape.health import crawl_health, summary

    problems = []
    for crawler in crawlers:
        stats = crawler.stats.get_stats()
        print(summary(crawler.spidercls.name, stats))
        problems += crawl_health(crawler.spidercls.name, stats)
    for problem in problems:
        print(f"UNHEALTHY: {problem}", file=sys.stderr)
    print(f"Database: {db_path}")
    return 1 if problems else 0


# -- serve ----------------------------------------------------------------------------------------


def run_serve(db_path: str, host: str, port: int) -> int:
    from knytscrape.publish import checkpoint, datasette_command

    if not Path(db_path).is_file():
        raise UsageError(f"no database at {db_path}: run `knytscrape crawl` (or `knytscrape demo`) first")
    checkpoint(db_path)
    print(f"Datasette on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        return subprocess.call(datasette_command(db_path, host, port))
    except KeyboardInterrupt:
        return 0


# -- mirror and demo ------------------------------------------------------------------------------


def run_mirror(host: str, port: int, articles: int, layout: str | None, encoding: str | None, scheme: str) -> int:
    from knytscrape.mirror.server import serve_forever

    try:
        serve_forever(host, port, layout=layout, encoding=encoding, extra_articles=articles, scheme=scheme)
    except ValueError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
    return 0


def run_demo(db_path: str, port: int, articles: int) -> int:
    from knytscrape.mirror.server import MirrorServer

    with MirrorServer(extra_articles=articles) as mirror:
        print(f"Offline mirror of the site on {mirror.base_url}", flush=True)
        settings = [f"{k}={v}" for k, v in LOCAL_SETTINGS.items()]
        command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", mirror.base_url, "--db", db_path]
        for setting in settings:
            command += ["-s", setting]
        started = time.monotonic()
        status = subprocess.call(command)
        print(f"Crawl finished in {time.monotonic() - started:.1f} s with status {status}", flush=True)
    if status != 0:
        print("The crawl was not healthy; serving what was stored anyway.", file=sys.stderr)
    return run_serve(db_path, "127.0.0.1", port)


# -- entry point ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="knytscrape", description="Scraper and archive of knytpunkt.se.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    crawl = commands.add_parser("crawl", help="run all spiders into the database")
    crawl.add_argument("--base-url", type=valid_base_url, default=DEFAULT_BASE_URL,
                       help=f"the copy of the site to crawl (default {DEFAULT_BASE_URL})")
    crawl.add_argument("--db", default=None,
                       help=f"SQLite file to write (default: -s KNYT_DB=…, $KNYT_DB or {DEFAULT_DB_PATH})")
    crawl.add_argument("--full", action="store_true",
                       help="fetch every article again instead of only new and recent ones")
    crawl.add_argument("-s", dest="settings", action="append", type=parse_setting, default=[],
                       metavar="NAME=VALUE", help="any Scrapy setting, as with `scrapy crawl -s`")

    mirror = commands.add_parser("mirror", help="serve the offline mirror of the site")
    mirror.add_argument("--host", default="127.0.0.1")
    mirror.add_argument("--port", type=port_number, default=8000, help="0 picks a free port")
    mirror.add_argument("--articles", type=non_negative, default=0, help="add N generated articles")
    mirror.add_argument("--layout", default=None, help="serve every page in one markup layout")
    mirror.add_argument("--encoding", default=None, help="serve every page in one encoding")
    mirror.add_argument("--scheme", default="a", choices=["a", "b"],
                        help="URL scheme of the Video and Kalender sections (their real URLs are unknown)")

    serve = commands.add_parser("serve", help="publish the database with Datasette")
    serve.add_argument("--db", default=os.environ.get("KNYT_DB", DEFAULT_DB_PATH))
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default: this machine only)")
    serve.add_argument("--port", type=port_number, default=8001)

    demo = commands.add_parser("demo", help="mirror + crawl + serve, no internet needed")
    demo.add_argument("--db", default=os.environ.get("KNYT_DB", DEFAULT_DB_PATH))
    demo.add_argument("--port", type=port_number, default=8001, help="Datasette port")
    demo.add_argument("--articles", type=non_negative, default=0, help="add N generated articles to the mirror")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if args.command == "crawl":
            settings = dict(args.settings)
            db_path = args.db or settings.pop("KNYT_DB", None) or os.environ.get("KNYT_DB", DEFAULT_DB_PATH)
            return run_crawl(args.base_url, db_path, settings, full=args.full)
        if args.command == "mirror":
            return run_mirror(args.host, args.port, args.articles, args.layout, args.encoding, args.scheme)
        if args.command == "serve":
            return run_serve(args.db, args.host, args.port)
        if args.command == "demo":
            return run_demo(args.db, args.port, args.articles)
    except UsageError as error:
        print(f"knytscrape: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
