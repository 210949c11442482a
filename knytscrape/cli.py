"""The ``knytscrape`` command: crawl, mirror, serve, demo, package, publish."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from knytscrape import outcome
from knytscrape.db import DEFAULT_DB_PATH
from knytscrape.publish import PUBLIC_URL_ENV
from knytscrape.urls import DEFAULT_BASE_URL, normalise_base_url

SPIDERS = ("articles", "videos", "calendar")
# Settings that lift the politeness limits, for the local mirror only.
LOCAL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


# Exit statuses (knytscrape/outcome.py, the same for `scrapy crawl`): 0 healthy, 1 unhealthy, 2 a bad argument,
# 3 another crawl holds the database, 4 the demo's port is in use, 130 interrupted.
LOCKED = outcome.LOCKED
PORT_BUSY = outcome.PORT_BUSY
INTERRUPTED = outcome.INTERRUPTED


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


def spider_name(text: str) -> str:
    if text not in SPIDERS:
        raise argparse.ArgumentTypeError(outcome.unknown_spider(text, SPIDERS))
    return text


def run_crawl(base_url: str, db_path: str, settings: dict, spiders=SPIDERS, full: bool = False,
              spider_args: dict | None = None, verbose: bool = False) -> int:
    """Run the spiders in this process; returns the exit status (0 only when healthy)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "knytscrape.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    refused = outcome.take_database(db_path)  # before the site is asked anything
    if refused is not None:
        return refused
    project_settings = get_project_settings()
    for name, value in settings.items():
        project_settings.set(name, value, priority="cmdline")
    project_settings.set("KNYT_DB", db_path, priority="cmdline")
    if full:
        project_settings.set("KNYT_FULL", True, priority="cmdline")
    outcome.choose_log_level(project_settings, verbose=verbose)
    process = CrawlerProcess(project_settings)
    outcome.quiet_log(project_settings)
    crawlers = [process.create_crawler(name) for name in spiders]
    for crawler in crawlers:
        process.crawl(crawler, base_url=base_url, **(spider_args or {}).get(crawler.spidercls.name, {}))
    process.start()
    return outcome.report(crawlers, db_path)


# -- reparse --------------------------------------------------------------------------------------


def article_ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.replace(",", " ").split()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected article ids such as 12,345: {text!r}") from None
    if not ids or min(ids) < 1:
        raise argparse.ArgumentTypeError(f"expected article ids such as 12,345: {text!r}")
    return ids


def run_reparse(db_path: str, warc_dir: str | None, ids: list[int] | None, settings: dict,
                verbose: bool = False) -> int:
    """The stored captures read again into the database with today's parsers; nothing is fetched."""
    from knytscrape.capture.index import warc_dir_for
    from knytscrape.capture.replay import CaptureLibrary
    from knytscrape.reparse import reparse_settings

    directory = Path(warc_dir) if warc_dir else warc_dir_for(db_path)
    if not directory.is_dir():
        raise UsageError(f"no WARC folder at {directory} (a crawl writes one beside its database; --warc DIR)")
    started = time.monotonic()
    library = CaptureLibrary.of(directory)
    if not library.newest:
        raise UsageError(f"the WARC files in {directory} hold no page of the site")
    print(f"Reparsing {len(library.newest)} pages ({library.records} records) from {directory} into {db_path}; "
          f"the captures were made from {library.origin()}", flush=True)
    for name in library.damaged_files:
        print(f"WARNING: {name} ends in a record cut short; what precedes it is read", file=sys.stderr)
    status = run_crawl(library.origin(), db_path, {**reparse_settings(directory), **settings}, full=True,
                       spiders=("articles",) if ids else SPIDERS,
                       spider_args={"articles": {"ids": ",".join(map(str, ids))}} if ids else None, verbose=verbose)
    print(f"Reparse finished in {time.monotonic() - started:.1f} s", flush=True)
    return status


# -- serve ----------------------------------------------------------------------------------------


def run_serve(db_path: str, host: str | None, port: int, public: bool = False, public_url: str | None = None) -> int:
    """Datasette on the database, read-only and not immutable: what a running crawl commits is served as it
    comes, nothing is checkpointed or written first. ``public``: bind to every interface unless ``host`` is
    given, stricter settings (publish.PUBLIC_SETTINGS), a public address required (the feeds' ids and links)."""
    import sqlite3

    from knytscrape.publish import PUBLIC_SETTINGS, datasette_command, valid_public_url

    if not Path(db_path).is_file():
        raise UsageError(f"no database at {db_path}: run `knytscrape crawl` (or `knytscrape demo`) first")
    try:
        connection = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        reason = f"cannot read the database at {db_path}: {error}"
        shm = Path(f"{db_path}-shm")
        if not shm.exists() and not os.access(Path(db_path).resolve().parent, os.W_OK):
            reason += (f"; SQLite must create {shm.name} beside a WAL database to read it, and this user may "
                       "not write that folder: serve as the user that crawls, let this user write the folder, "
                       "or start while the -wal and -shm files are there (a crawl or another reader keeps them)")
        raise UsageError(reason) from None
    public_url = public_url or os.environ.get(PUBLIC_URL_ENV) or None
    if public_url:
        try:
            public_url = valid_public_url(public_url)
        except ValueError as error:
            raise UsageError(f"--public-url: {error}") from None
    elif public:
        raise UsageError("--public needs the archive's public address: --public-url https://… (or "
                         f"${PUBLIC_URL_ENV}); the Atom feed gives it as its id and link")
    host = host or ("0.0.0.0" if public else "127.0.0.1")
    mode = "public, " + ", ".join(f"{name} {value}" for name, value in PUBLIC_SETTINGS.items()) if public else "local"
    print(f"Datasette on http://{host}:{port}/ ({mode}; Ctrl-C to stop)", flush=True)
    if public_url:
        print(f"Public address: {public_url}", flush=True)
    try:
        return subprocess.call(datasette_command(db_path, host, port, public_url=public_url, public=public))
    except KeyboardInterrupt:
        return 0


# -- package and publish -------------------------------------------------------------------------


def run_package(db_path: str, tag: str | None, out: str | None, extra: list[str]) -> int:
    """``datasette package`` (a Docker image) of the archive, or with ``out`` its build context only."""
    from knytscrape import packaging

    try:
        packaging.require_database(db_path)
        if out is not None:
            if tag or extra:
                raise UsageError("--out only writes the build context: give --tag and other options to "
                                 "`docker build` there, or leave --out away to run `datasette package`")
            packaging.require_empty_dir(out)
            with packaging.prepared(db_path) as bundle:
                target = packaging.write_build_context(bundle, out)
            print(f"Build context of the archive in {target}; build and run it where Docker runs:")
            print(f"  docker build -t knytpunkt {shlex.quote(str(target))}")
            print("  docker run --rm -p 8001:8001 knytpunkt    # then http://127.0.0.1:8001/")
            return 0
        packaging.require_docker()
        with packaging.prepared(db_path) as bundle:
            command = packaging.package_command(bundle, [*(["--tag", tag] if tag else []), *extra])
            print(f"Running: {shlex.join(command)}", flush=True)
            return subprocess.call(command)
    except packaging.PackagingError as error:
        raise UsageError(str(error)) from None


def run_publish(target: str, db_path: str, extra: list[str]) -> int:
    """``datasette publish TARGET`` of the archive, with the user's further options."""
    from knytscrape import packaging

    try:
        packaging.require_database(db_path)
        packaging.require_publisher(target)
        with packaging.prepared(db_path) as bundle:
            command = packaging.publish_command(target, bundle, extra)
            print(f"Running: {shlex.join(command)}", flush=True)
            return subprocess.call(command)
    except packaging.PackagingError as error:
        raise UsageError(str(error)) from None


# -- mirror and demo ------------------------------------------------------------------------------


def run_mirror(host: str, port: int, articles: int, layout: str | None, encoding: str | None, scheme: str,
               faults=None) -> int:
    """The mirror in the foreground; ``faults``: a knytscrape.mirror.faults.Faults, or None for a clean site."""
    from knytscrape.mirror.server import serve_forever

    try:
        serve_forever(host, port, layout=layout, encoding=encoding, extra_articles=articles, scheme=scheme,
                      faults=faults)
    except ValueError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
    return 0


def port_unusable(host: str, port: int) -> str | None:
    """Why a server could not listen on ``host``:``port`` (another one listens there, a port this user may
    not open), or None when it can. Port 0 (any free port) always can."""
    import socket

    if port == 0:
        return None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return None


def run_demo(db_path: str, port: int, articles: int) -> int:
    from knytscrape.mirror.server import MirrorServer

    busy = port_unusable("127.0.0.1", port)  # before the crawl, which takes a while
    if busy:
        print(f"knytscrape: cannot serve the demo on 127.0.0.1:{port} ({busy}; another server?): nothing was "
              "crawled; choose another port with --port N", file=sys.stderr)
        return PORT_BUSY
    images = demo_images_dir(db_path)
    with MirrorServer(extra_articles=articles) as mirror:
        print(f"Offline mirror of the site on {mirror.base_url}", flush=True)
        settings = [f"{k}={v}" for k, v in {**LOCAL_SETTINGS, **demo_image_settings(images)}.items()]
        command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", mirror.base_url, "--db", db_path]
        for setting in settings:
            command += ["-s", setting]
        started = time.monotonic()
        status = subprocess.call(command)
        print(f"Crawl finished in {time.monotonic() - started:.1f} s with status {status}", flush=True)
    if status != 0:
        print("The crawl was not healthy; serving what was stored anyway.", file=sys.stderr)
    # The mirror is gone now: the reading pages show the pictures downloaded beside the database.
    os.environ["KNYT_IMAGES_DIR"] = str(images)
    print(f"Pictures downloaded to {images}, served at /images/", flush=True)
    return run_serve(db_path, "127.0.0.1", port)


def demo_images_dir(db_path: str) -> Path:
    """Where the demo keeps its pictures: ``images/`` beside its database (data/images/ for data/knyt.db,
    the folder `knytscrape serve` serves by default)."""
    return Path(db_path).resolve().parent / "images"


def demo_image_settings(images: Path) -> dict[str, str]:
    """The demo downloads every picture (the image pipeline, knytscrape/pipelines/image_files.py), so that
    its reading pages show them after the mirror has stopped."""
    return {"KNYT_DOWNLOAD_IMAGES": "True", "KNYT_IMAGES_DIR": str(images)}


# -- entry point ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="knytscrape", description="Scraper and archive of knytpunkt.se.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    crawl = commands.add_parser(
        "crawl", help="run all spiders (or the ones named) into the database",
        description="Crawl the site into the database: every spider, or only the ones named. The run ends with a "
                    "summary per spider and its exit status: 0 healthy, 1 unhealthy (the reasons on stderr, "
                    "UNHEALTHY: ...), 2 a bad argument, 3 another crawl holds the database, 130 interrupted. "
                    "Only warnings and errors are logged (a terminal also shows a live progress line); -v gives the "
                    "full log.")
    crawl.add_argument("spiders", nargs="*", type=spider_name, metavar="SPIDER",
                       help=f"only these spiders ({', '.join(SPIDERS)}; default all)")
    crawl.add_argument("--base-url", type=valid_base_url, default=DEFAULT_BASE_URL,
                       help=f"the copy of the site to crawl (default {DEFAULT_BASE_URL})")
    crawl.add_argument("--db", default=None,
                       help=f"SQLite file to write (default: -s KNYT_DB=…, $KNYT_DB or {DEFAULT_DB_PATH})")
    crawl.add_argument("--full", action="store_true",
                       help="fetch every article again instead of only new and recent ones")
    crawl.add_argument("-s", dest="settings", action="append", type=parse_setting, default=[],
                       metavar="NAME=VALUE", help="any Scrapy setting, as with `scrapy crawl -s`")
    crawl.add_argument("-v", "--verbose", action="store_true",
                       help="the full log (INFO); by default only warnings, errors and the summary")
    crawl.add_argument("-L", "--loglevel", default=None, metavar="LEVEL",
                       help="log level (DEBUG, INFO, WARNING, ERROR); wins over -v")

    reparse = commands.add_parser(
        "reparse", help="read the stored WARC captures again with the current parsers (fetches nothing)",
        description="Read every page kept in the WARC files again with the current parsers, through the same "
                    "pipelines, into the database: a parser correction reaches the whole archive without asking "
                    "the site anything. Into an empty database it rebuilds it. A value it changes is a revision "
                    "with cause 'reparse'.")
    reparse.add_argument("--db", default=os.environ.get("KNYT_DB", DEFAULT_DB_PATH), metavar="PATH",
                         help=f"the database to write (default: $KNYT_DB or {DEFAULT_DB_PATH})")
    reparse.add_argument("--warc", default=None, metavar="DIR",
                         help="the folder of WARC files (default: warc/ beside the database)")
    reparse.add_argument("--ids", type=article_ids, default=None, metavar="ID,ID...",
                         help="only these articles (their pages and galleries)")
    reparse.add_argument("-s", dest="settings", action="append", type=parse_setting, default=[],
                         metavar="NAME=VALUE", help="any Scrapy setting")
    reparse.add_argument("-v", "--verbose", action="store_true",
                         help="the full log (INFO); by default only warnings, errors and the summary")

    mirror = commands.add_parser("mirror", help="serve the offline mirror of the site")
    mirror.add_argument("--host", default="127.0.0.1")
    mirror.add_argument("--port", type=port_number, default=8000, help="0 picks a free port")
    mirror.add_argument("--articles", type=non_negative, default=0, help="add N generated articles")
    mirror.add_argument("--layout", default=None, help="serve every page in one markup layout")
    mirror.add_argument("--encoding", default=None, help="serve every page in one encoding")
    mirror.add_argument("--scheme", default="a", choices=["a", "b"],
                        help="URL scheme of the Video and Kalender sections (their real URLs are unknown)")
    from knytscrape.mirror import faults as mirror_faults

    mirror_faults.add_arguments(mirror)  # --fault-rate, --fault-seed, --fault-kinds, --hang-seconds

    serve = commands.add_parser(
        "serve", help="publish the database with Datasette (read-only; works while a crawl writes it)",
        description="Datasette on the database, read-only, with the project's metadata, settings and plugin. "
                    "It may run while a crawl writes the same database: each page shows what was committed "
                    "when it was asked. See docs/publishing.md.")
    serve.add_argument("--db", default=os.environ.get("KNYT_DB", DEFAULT_DB_PATH))
    serve.add_argument("--host", default=None,
                       help="bind address (default: 127.0.0.1, this machine only; 0.0.0.0 with --public)")
    serve.add_argument("--port", type=port_number, default=8001)
    serve.add_argument("--public", action="store_true",
                       help="serve anyone: binds 0.0.0.0 unless --host is given, stricter time limits, "
                            "needs --public-url")
    serve.add_argument("--public-url", default=None, metavar="URL",
                       help="the archive's home page as the public reaches it, e.g. https://arkiv.example.org/ "
                            f"(default ${PUBLIC_URL_ENV}); the Atom feed's id and self link")

    demo = commands.add_parser("demo", help="mirror + crawl + serve, no internet needed")
    demo.add_argument("--db", default=os.environ.get("KNYT_DB", DEFAULT_DB_PATH))
    demo.add_argument("--port", type=port_number, default=8001, help="Datasette port")
    demo.add_argument("--articles", type=non_negative, default=0, help="add N generated articles to the mirror")

    shipped = ("It holds the database (immutable), the project's metadata and settings (knytscrape/resources/),\n"
               "your templates in data/templates/ if any, the downloaded images and a wheel of knytscrape, whose\n"
               "plugin serves the reading pages, the feeds and the Swedish search.")
    package = commands.add_parser(
        "package", allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
        help="a Docker image of the published archive (datasette package), or its build context (--out)",
        usage="%(prog)s [-h] [--db PATH] [--tag TAG] [--out DIR] [DATASETTE-PACKAGE-OPTION ...]",
        description="Build a Docker image of the archive with `datasette package` (needs a running Docker).\n"
                    f"{shipped}\n\n"
                    "With --out DIR, write its complete build context (the Dockerfile of `datasette package`\n"
                    "and every file it copies) to DIR instead, for `docker build` on any machine: no Docker\n"
                    "needed here.",
        epilog="Other options go to `datasette package` (see `datasette package --help`),\n"
               "e.g. --port 8080 or --version-note TEXT.\n\n"
               "examples:\n"
               "  knytscrape package --tag knytpunkt\n"
               "  knytscrape package --out build/image && docker build -t knytpunkt build/image\n\n"
               "See docs/publishing.md.")
    package.add_argument("--db", default=os.environ.get("KNYT_DB", DEFAULT_DB_PATH), metavar="PATH",
                         help=f"the database to publish (default: $KNYT_DB or {DEFAULT_DB_PATH})")
    package.add_argument("-t", "--tag", default=None, help="name of the image (docker build -t)")
    package.add_argument("--out", default=None, metavar="DIR",
                         help="write the build context to DIR (new or empty) instead of building")

    publish = commands.add_parser(
        "publish", allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
        help="publish the archive with datasette publish TARGET (cloudrun, heroku, fly...)",
        usage="%(prog)s [-h] TARGET [--db PATH] [DATASETTE-PUBLISH-OPTION ...]",
        description="Publish the archive to a hosting service with `datasette publish TARGET`.\n"
                    f"{shipped}\n\n"
                    "TARGET is a publisher of Datasette: cloudrun and heroku are built in, fly comes with\n"
                    "`pip install datasette-publish-fly`. Each needs its provider's command, logged in.",
        epilog="TARGET comes first; other options go to `datasette publish TARGET`\n"
               "(see `datasette publish TARGET --help`).\n\n"
               "examples:\n"
               "  knytscrape publish cloudrun --service knytpunkt\n"
               "  knytscrape publish heroku --name knytpunkt-arkiv\n"
               "  knytscrape publish fly --app knytpunkt\n\n"
               "See docs/publishing.md.")
    publish.add_argument("target", metavar="TARGET", help="cloudrun, heroku, or a publisher plugin's name")
    publish.add_argument("--db", default=os.environ.get("KNYT_DB", DEFAULT_DB_PATH), metavar="PATH",
                         help=f"the database to publish (default: $KNYT_DB or {DEFAULT_DB_PATH})")
    return parser


PASS_THROUGH = ("package", "publish")  # commands whose unknown options go on to Datasette


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in PASS_THROUGH:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra[:1] == ["--"]:
        extra = extra[1:]
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if args.command == "crawl":
            settings = dict(args.settings)
            db_path = args.db or settings.pop("KNYT_DB", None) or os.environ.get("KNYT_DB", DEFAULT_DB_PATH)
            if args.loglevel:
                settings["LOG_LEVEL"] = args.loglevel.upper()
            spiders = tuple(dict.fromkeys(args.spiders)) or SPIDERS
            return run_crawl(args.base_url, db_path, settings, spiders=spiders, full=args.full, verbose=args.verbose)
        if args.command == "reparse":
            return run_reparse(args.db, args.warc, args.ids, dict(args.settings), verbose=args.verbose)
        if args.command == "mirror":
            from knytscrape.mirror.faults import from_arguments

            return run_mirror(args.host, args.port, args.articles, args.layout, args.encoding, args.scheme,
                              from_arguments(args))
        if args.command == "serve":
            return run_serve(args.db, args.host, args.port, public=args.public, public_url=args.public_url)
        if args.command == "demo":
            return run_demo(args.db, args.port, args.articles)
        if args.command == "package":
            return run_package(args.db, args.tag, args.out, extra)
        if args.command == "publish":
            return run_publish(args.target, args.db, extra)
    except UsageError as error:
        print(f"knytscrape: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
