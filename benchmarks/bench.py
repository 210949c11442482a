"""``python -m benchmarks``: the crawler and the published archive measured side by side on this machine.

    .venv/bin/python -m benchmarks [--articles 2000] [--large] [--runs 3] [--only a,b,c,d,datasette]
                                   [--requests 50] [--output docs/benchmarks.md] [--keep DIR]

On the same recorded copy of the offline mirror with N generated articles, each run measures (a) a plain
asyncio client with a minimal lxml parse (the ceiling), (b) a bare Scrapy spider into a no-op pipeline,
(c) ``knytscrape crawl`` with every pipeline, (d) ``knytscrape reparse`` of what (c) archived, and the
published Datasette on (c)'s database. Every figure is the median of the runs with the min–max; the goals
stand beside them. It writes docs/benchmarks.md (what each figure means is there) and prints the same
tables on stdout; progress goes to stderr. A benchmark, not a test: nothing here fails on a slow figure.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report
from benchmarks.runner import PROJECT_ROOT, BenchError, Measured, crawl_command, run_measured
from benchmarks.static_site import INDEX, Recording, SiteServer, record
from knytscrape.cli import LOCAL_SETTINGS

PARTS = ("a", "b", "c", "d", "datasette")
DEFAULT_OUTPUT = PROJECT_ROOT / "docs" / "benchmarks.md"
MAX_RUNS = 20
MAX_REQUESTS = 10_000
MAX_ARTICLES = 100_000
CONTENT_TABLES = ("articles", "images", "comments", "videos", "events")
# The settings of the bare spider that are the crawl's (the rest are Scrapy's defaults): how many requests
# and how many items of one response are handled at once.
SHARED_SETTINGS = ("CONCURRENT_ITEMS",)
HEALTHY_OR_NOT = (0, 1)  # a crawl that ends unhealthy (pages missing) has still done its work: measured, noted
CONCURRENCY = LOCAL_SETTINGS["CONCURRENT_REQUESTS"]  # the bare spider's, as the crawl's


class Progress:
    """One line a step on stderr, with the time since the start."""

    def __init__(self):
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{report.duration(time.monotonic() - self.started):>12}] {message}", file=sys.stderr, flush=True)


def bounded_int(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text.replace(",", "").replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low:,} to {high:,}, got {value:,}")
        return value

    return parse


def parts_list(text: str) -> list[str]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PARTS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown part {', '.join(unknown) or repr(text)}; "
                                         f"the parts are {','.join(PARTS)}")
    return [part for part in PARTS if part in names]  # in the order they run


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure the crawler and the published archive side by side on this machine "
                    "(see docs/benchmarks.md).")
    found.add_argument("--articles", type=bounded_int(1, MAX_ARTICLES), default=2000, metavar="N",
                       help="generated articles of the mirror (default 2,000)")
    found.add_argument("--large", action="store_true",
                       help=f"measure at {report.LARGE:,} articles too, and the goals between the two sizes")
    found.add_argument("--runs", type=bounded_int(1, MAX_RUNS), default=3, metavar="N",
                       help="runs of each part; figures are the median with the min-max (default 3)")
    found.add_argument("--only", type=parts_list, default=list(PARTS), metavar="PARTS",
                       help=f"comma-separated parts to measure, of {','.join(PARTS)} (default all)")
    found.add_argument("--requests", type=bounded_int(1, MAX_REQUESTS), default=50, metavar="N",
                       help="requests of each Datasette page a run (default 50)")
    found.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, metavar="FILE",
                       help="the document to write (default docs/benchmarks.md)")
    found.add_argument("--keep", type=Path, default=None, metavar="DIR",
                       help="keep the recorded site, databases and logs in DIR (empty or new)")
    found.add_argument("--reuse", type=Path, default=None, metavar="DIR",
                       help="take the recorded site of each size from DIR, the --keep folder of an earlier run, "
                            "instead of crawling the mirror again")
    return found


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    arguments = parser().parse_args(argv)
    problem = None
    if arguments.keep is not None and arguments.keep.exists() and (
            not arguments.keep.is_dir() or any(arguments.keep.iterdir())):
        problem = f"--keep {arguments.keep}: give a folder that is empty or does not exist yet"
    elif arguments.reuse is not None and not arguments.reuse.is_dir():
        problem = f"--reuse {arguments.reuse}: no such folder (give the --keep folder of an earlier run)"
    elif arguments.output.is_dir():
        problem = f"--output {arguments.output} is a folder; give a file name"
    elif not arguments.output.parent.is_dir():
        problem = f"--output {arguments.output}: the folder {arguments.output.parent} does not exist"
    if problem:
        parser().error(problem)
    return arguments


def sizes_of(arguments: argparse.Namespace) -> list[int]:
    sizes = [arguments.articles]
    if arguments.large and arguments.articles != report.LARGE:
        sizes.append(report.LARGE)
    return sorted(sizes)


def bare_spider_settings() -> list[str]:
    """``-s NAME=VALUE`` of the project's settings the bare spider shares with the crawl (SHARED_SETTINGS)."""
    from scrapy.settings import SETTINGS_PRIORITIES, Settings

    project = Settings()
    project.setmodule("knytscrape.settings", priority="project")
    return [argument for name in SHARED_SETTINGS if project.getpriority(name) == SETTINGS_PRIORITIES["project"]
            for argument in ("-s", f"{name}={project[name]}")]


def shown_command(argv: list[str]) -> str:
    """The command line as the document shows it: without the paths of --keep, --reuse and --output, which
    change no figure and are of no use on another machine."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--keep", "--reuse", "--output"):
            skip = True
        elif not arg.startswith(("--keep=", "--reuse=", "--output=")):
            shown.append(shlex.quote(arg))
    return " ".join(["python -m benchmarks", *shown])


def json_line(log: Path) -> dict:
    """The last line of a measured command's output: its JSON summary."""
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise BenchError(f"no summary at the end of {log}")


def reparsed_pages(db_path: Path) -> int:
    """Pages the reparse read again: the answers its spiders got, from its own rows of ``crawls``."""
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT coalesce(sum(pages), 0) FROM crawls WHERE mode = 'reparse'").fetchone()[0]
    finally:
        db.close()


def stored_counts(db_path: Path) -> dict[str, int]:
    db = sqlite3.connect(db_path)
    try:
        return {table: db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] for table in CONTENT_TABLES}
    finally:
        db.close()


def measure_size(size: int, arguments: argparse.Namespace, folder: Path, results: report.Results,
                 progress: Progress) -> None:
    """Record the site of ``size`` articles, then measure every part ``arguments.runs`` times on it."""
    context = results.context.setdefault(size, {})
    earlier = arguments.reuse / f"articles-{size}" / "site" if arguments.reuse else None
    if earlier is not None and (earlier / INDEX).is_file():
        progress(f"{size:,} articles: reusing the recorded site in {earlier}")
        recording = Recording(earlier)
    else:
        progress(f"{size:,} articles: crawling the mirror once to record the site")
        started = time.monotonic()
        recording = record(size, folder / "site", log=lambda message: progress(f"{size:,} articles: {message}"))
        context["recorded_in"] = time.monotonic() - started
    context.update(requests=len(recording.requests), pages=recording.summary())
    with SiteServer(recording) as server:
        progress(f"{size:,} articles: {len(recording.requests):,} requests served on {server.base_url}")
        for run in range(1, arguments.runs + 1):
            where = folder / f"run-{run}"
            where.mkdir()
            this_run = Run(f"{size:,} articles, run {run}/{arguments.runs}", where, recording, server, context,
                           progress)
            for key, value in this_run.measure(arguments.only, arguments.requests).items():
                results.add(size, key, value)


class Run:
    """One run of the parts on the served site, in ``where``: (a), (b), (c), (d), Datasette in turn."""

    def __init__(self, label: str, where: Path, recording, server: SiteServer, context: dict, progress: Progress):
        self.label, self.where, self.recording, self.server = label, where, recording, server
        self.context, self.progress = context, progress
        self.db_path = where / "knytpunkt.db"
        self.figures: dict[str, float] = {}

    def say(self, message: str) -> None:
        self.progress(f"{self.label}: {message}")

    def measure(self, parts: list[str], requests: int) -> dict[str, float]:
        if "a" in parts:
            self.client("a", "the ceiling client", ["benchmarks.ceiling", "--connections", "64"])
        if "b" in parts:
            self.client("b", "the bare Scrapy spider", ["benchmarks.bare_scrapy", "--concurrency", CONCURRENCY,
                                                        *bare_spider_settings()])
        if {"c", "d", "datasette"} & set(parts):
            self.crawl(reported="c" in parts)
        if "d" in parts:
            self.reparse()
        for ratio, low in (("c/a", "a"), ("c/b", "b")):
            if "c.pages_per_s" in self.figures and f"{low}.pages_per_s" in self.figures:
                self.figures[ratio] = self.figures["c.pages_per_s"] / self.figures[f"{low}.pages_per_s"]
                self.figures[f"{ratio} by CPU"] = self.figures[f"{low}.cpu_per_page"] / self.figures["c.cpu_per_page"]
        if "datasette" in parts:
            self.published(requests)
        return self.figures

    def check_health(self, what: str, result: Measured) -> None:
        """An unhealthy crawl or reparse (status 1) is measured all the same, and named in the notes."""
        if result.status == 0:
            return
        reasons = "; ".join(result.unhealthy()) or f"see {result.log}"
        self.context.setdefault("unhealthy", []).append(f"{self.label}, the {what}: {reasons}")
        self.say(f"warning: the {what} was unhealthy (exit status 1): {reasons}")

    def note(self, part: str, pages: int, result: Measured) -> None:
        self.figures[f"{part}.pages_per_s"] = pages / result.seconds
        self.figures[f"{part}.rss"] = result.peak_rss
        self.figures[f"{part}.cpu_per_page"] = result.cpu_seconds / pages

    def client(self, part: str, what: str, module_and_options: list[str]) -> None:
        """(a) or (b): every recorded request, fetched by a command that prints how many it got."""
        expected = len(self.recording.requests)
        self.server.count(reset=True)
        module, *options = module_and_options
        result = run_measured([sys.executable, "-m", module, self.server.base_url,
                               str(self.recording.requests_file), *options], self.where / f"{part}.log", what)
        pages = json_line(result.log)["pages"]
        if pages != expected:
            raise BenchError(f"{what} got {pages:,} answers of {expected:,} requests ({result.log})")
        self.note(part, pages, result)
        self.say(f"({part}) {what}: {pages / result.seconds:,.0f} pages/s, "
                 f"peak RSS {result.peak_rss / report.MB:,.0f} MB")

    def crawl(self, reported: bool) -> None:
        """(c): ``knytscrape crawl`` into a fresh database; it is also what (d) and Datasette read."""
        self.server.count(reset=True)
        result = run_measured(crawl_command(self.server.base_url, self.db_path), self.where / "c.log",
                              "knytscrape crawl", heartbeat=lambda seconds: self.say(
                                  f"crawling, {self.server.count()['served']:,} pages in {seconds:.0f} s"),
                              accept=HEALTHY_OR_NOT)
        self.check_health("crawl", result)
        served = self.server.count()
        self.context["unrecorded"] = max(self.context.get("unrecorded", 0), served["unrecorded"])
        if served["unrecorded"]:
            self.say(f"warning: the crawl asked for {served['unrecorded']:,} pages not recorded, "
                     f"e.g. {', '.join(served['sample'][:3])}")
        self.context["database"] = stored_counts(self.db_path)
        if not reported:
            self.say(f"crawled for d/datasette in {result.seconds:.1f} s (not reported)")
            return
        self.note("c", served["served"], result)
        self.say(f"(c) knytscrape crawl: {served['served']:,} pages in {result.seconds:.1f} s, "
                 f"{self.figures['c.pages_per_s']:,.0f} pages/s, peak RSS {result.peak_rss / report.MB:,.0f} MB")

    def reparse(self) -> None:
        """(d): ``knytscrape reparse`` of the database and WARC files the crawl left."""
        result = run_measured([sys.executable, "-m", "knytscrape.cli", "reparse", "--db", str(self.db_path),
                               "-s", "LOG_LEVEL=WARNING"], self.where / "d.log", "knytscrape reparse",
                              heartbeat=lambda seconds: self.say(f"reparsing, {seconds:.0f} s"),
                              accept=HEALTHY_OR_NOT)
        self.check_health("reparse", result)
        pages = reparsed_pages(self.db_path)
        self.note("d", pages, result)
        self.say(f"(d) knytscrape reparse: {pages:,} pages in {result.seconds:.1f} s, "
                 f"{pages / result.seconds:,.0f} pages/s, peak RSS {result.peak_rss / report.MB:,.0f} MB")

    def published(self, requests: int) -> None:
        from benchmarks.published_timing import PAGES, measure

        found, about = measure(self.db_path, requests)
        self.figures.update(found)
        self.context["datasette"] = about
        self.say("Datasette: " + ", ".join(f"{page} p99 {found[f'datasette.{page}.p99'] * 1000:,.1f} ms"
                                           for page in PAGES)
                 + ("" if found["datasette.csv.complete"] else ", the CSV is NOT complete"))


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    progress = Progress()
    started = time.monotonic()
    command = shown_command(sys.argv[1:] if argv is None else argv)
    results = report.Results(sizes=sizes_of(arguments), runs=arguments.runs, parts=arguments.only, command=command,
                             machine=report.machine())
    if arguments.keep is not None:
        arguments.keep.mkdir(parents=True, exist_ok=True)
        folder = arguments.keep
    else:
        folder = Path(tempfile.mkdtemp(prefix="knytscrape-bench-"))
    try:
        for size in results.sizes:
            size_folder = folder / f"articles-{size}"
            size_folder.mkdir()
            measure_size(size, arguments, size_folder, results, progress)
    except BenchError as error:
        print(f"python -m benchmarks: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("python -m benchmarks: interrupted", file=sys.stderr)
        return 130
    finally:
        if arguments.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    results.seconds = time.monotonic() - started
    existing = arguments.output.read_text() if arguments.output.is_file() else None
    arguments.output.write_text(report.document(results, existing))
    if arguments.keep is not None:
        (folder / "results.json").write_text(json.dumps(
            {"sizes": results.sizes, "runs": results.runs, "samples": results.samples, "context": results.context},
            indent=1, default=str))
    print(report.stdout_tables(results))
    progress(f"done in {report.duration(results.seconds)}; wrote {arguments.output}")
    return 0

