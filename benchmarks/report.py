"""The benchmark's figures as text: median (min–max) of the runs, the goals beside them, the machine, and
docs/benchmarks.md."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import sqlite3
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.published_timing import LABELS as PAGE_LABELS
from benchmarks.runner import PROJECT_ROOT

MB = 1_000_000
LARGE = 20_000
WHERE_THE_TIME_GOES = "## Where the time goes"
WHERE_PLACEHOLDER = (
    "To be filled from a profile of the crawl (`python -m cProfile`, or py-spy, of `knytscrape crawl` against\n"
    "the recorded site; `--keep DIR` leaves the recording and each run's database and logs in DIR). This\n"
    "section is written by hand: the benchmark keeps it when it writes this file again.\n"
)


@dataclass(frozen=True)
class Goal:
    compare: str  # ">=", "<=" or "all" (every run must be 1)
    value: float
    text: str

    def met(self, values: list[float]) -> bool:
        if self.compare == "all":
            return all(value == self.value for value in values)
        median = statistics.median(values)
        return median >= self.value if self.compare == ">=" else median <= self.value


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str  # "rate" (pages/s), "ratio", "bytes", "seconds", "cpu" (seconds, finer), "complete"
    goal: Goal | None = None


def size_figures() -> list[Figure]:
    """The figures of one size, in the order of the table."""
    figures = [
        Figure("a.pages_per_s", "(a) ceiling client (aiohttp, 64 connections, lxml), pages/s", "rate"),
        Figure("b.pages_per_s", "(b) bare Scrapy spider into a no-op pipeline, pages/s", "rate"),
        Figure("c.pages_per_s", "(c) `knytscrape crawl`, every pipeline, pages/s", "rate"),
        Figure("d.pages_per_s", "(d) `knytscrape reparse` of the pages (c) archived, pages/s", "rate"),
        Figure("c/a", "crawl / ceiling (c/a)", "ratio", Goal(">=", 0.25, "≥ 0.25 (then ≥ 0.35)")),
        Figure("c/b", "crawl / bare Scrapy (c/b)", "ratio"),
        Figure("c/a by CPU", "crawl / ceiling by CPU time a page (a's CPU a page / c's)", "ratio"),
        Figure("c/b by CPU", "crawl / bare Scrapy by CPU time a page (b's / c's)", "ratio"),
        Figure("a.cpu_per_page", "(a) CPU time a page", "cpu"),
        Figure("b.cpu_per_page", "(b) CPU time a page", "cpu"),
        Figure("c.cpu_per_page", "(c) crawl, CPU time a page", "cpu"),
        Figure("d.cpu_per_page", "(d) reparse, CPU time a page", "cpu"),
        Figure("a.rss", "(a) peak RSS", "bytes"),
        Figure("b.rss", "(b) peak RSS", "bytes"),
        Figure("c.rss", "(c) crawl, peak RSS", "bytes", Goal("<=", 250 * MB, "≤ 250 MB")),
        Figure("d.rss", "(d) reparse, peak RSS", "bytes"),
    ]
    goals = {"table": Goal("<=", 0.3, "≤ 300 ms"), "search": Goal("<=", 0.05, "≤ 50 ms")}
    for page, label in PAGE_LABELS.items():
        figures.append(Figure(f"datasette.{page}.p50", f"Datasette: {label}, p50", "seconds"))
        figures.append(Figure(f"datasette.{page}.p99", f"Datasette: {label}, p99", "seconds", goals.get(page)))
    figures.append(Figure("datasette.csv.complete", "Datasette: the streamed CSV holds every article", "complete",
                          Goal("all", 1.0, "every row")))
    return figures


def scale_figures(small: int, large: int) -> list[Figure]:
    return [
        Figure("scale.c.rss", f"crawl peak RSS at {large:,} / at {small:,} articles", "ratio",
               Goal("<=", 1.3, "≤ 1.3")),
        Figure("scale.c.pages_per_s", f"crawl pages/s at {large:,} / at {small:,} articles", "ratio",
               Goal(">=", 0.9, "≥ 0.9")),
    ]


def scale_samples(samples: dict[int, dict[str, list[float]]], small: int, large: int) -> dict[str, list[float]]:
    """Per-run ratios of the large size to the small one (run i with run i)."""
    found = {}
    for key in ("c.rss", "c.pages_per_s"):
        pairs = zip(samples.get(large, {}).get(key, []), samples.get(small, {}).get(key, []), strict=False)
        values = [high / low for high, low in pairs if low]
        if values:
            found[f"scale.{key}"] = values
    return found


# -- numbers ------------------------------------------------------------------------------------------


def number(value: float, kind: str) -> str:
    if kind == "rate":
        return f"{value:,.0f}"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "bytes":
        return f"{value / MB:,.0f}"
    if kind == "seconds":
        milliseconds = value * 1000
        return f"{milliseconds:,.1f}" if milliseconds < 100 else f"{milliseconds:,.0f}"
    if kind == "cpu":
        return f"{value * 1000:,.2f}"
    raise ValueError(f"unknown kind of figure {kind!r}")


UNITS = {"rate": "", "ratio": "", "bytes": " MB", "seconds": " ms", "cpu": " ms"}


def measured(values: list[float], kind: str) -> str:
    """``median (min–max) unit`` of the runs; one run: the value alone."""
    if not values:
        return "not measured"
    if kind == "complete":
        complete = sum(1 for value in values if value == 1)
        return "complete" if complete == len(values) else f"complete in {complete} of {len(values)} runs"
    median = number(statistics.median(values), kind)
    if len(values) == 1:
        return f"{median}{UNITS[kind]}"
    return f"{median} ({number(min(values), kind)}–{number(max(values), kind)}){UNITS[kind]}"


def verdict(figure: Figure, values: list[float]) -> str:
    if figure.goal is None:
        return ""
    if not values:
        return "not measured"
    return "yes" if figure.goal.met(values) else "**no**"


def table(figures: list[Figure], samples: dict[str, list[float]], runs: int) -> list[str]:
    heading = f"median (min–max) of {runs} runs" if runs > 1 else "1 run"
    lines = [f"| figure | measured, {heading} | goal | met? |", "| --- | --- | --- | --- |"]
    for figure in figures:
        values = samples.get(figure.key, [])
        if not values and figure.goal is None:
            continue  # a part left out with --only: no row, unless it has a goal to report as not measured
        goal = figure.goal.text if figure.goal else ""
        lines.append(f"| {figure.label} | {measured(values, figure.kind)} | {goal} | {verdict(figure, values)} |")
    return lines


# -- the machine --------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def commit() -> str:
    try:
        found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                               text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return found.stdout.strip() if found.returncode == 0 else "unknown"


def machine() -> dict[str, str]:
    import lxml.etree

    libxml2 = ".".join(map(str, lxml.etree.LIBXML_VERSION))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "CPU": f"{os.cpu_count()} cores, {cpu_model()}",
        "memory": memory_total(),
        "system": platform.platform(),
        "load average at the start (1, 5, 15 min)": load,
        "Python": platform.python_version(),
        "packages": (f"Scrapy {version('scrapy')}, Twisted {version('twisted')}, lxml {version('lxml')} "
                     f"(libxml2 {libxml2}), parsel {version('parsel')}, Datasette {version('datasette')}, "
                     f"sqlite-utils {version('sqlite-utils')}, aiohttp {version('aiohttp')}, "
                     f"SQLite {sqlite3.sqlite_version}"),
        "knytscrape": f"{version('knytscrape')}, commit {commit()}",
    }


# -- the document -------------------------------------------------------------------------------------


@dataclass
class Results:
    sizes: list[int]
    runs: int
    parts: list[str]
    command: str
    machine: dict[str, str]
    samples: dict[int, dict[str, list[float]]] = field(default_factory=dict)
    context: dict[int, dict] = field(default_factory=dict)
    started: str = field(default_factory=lambda: datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"))
    seconds: float = 0.0

    def add(self, size: int, key: str, value: float) -> None:
        self.samples.setdefault(size, {}).setdefault(key, []).append(value)


def duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def context_lines(size: int, context: dict) -> list[str]:
    lines = []
    if "pages" in context:
        kinds = ", ".join(f"{count:,} {kind}" for kind, count in context["pages"].items())
        recorded = (f"; recording it took {duration(context['recorded_in'])}" if "recorded_in" in context
                    else "; the recording of an earlier run")
        lines.append(f"- The site: {context['requests']:,} requests a run ({kinds}){recorded}.")
    if "database" in context:
        counts = ", ".join(f"{count:,} {table}" for table, count in context["database"].items())
        lines.append(f"- What the crawl stored: {counts}.")
    if context.get("unrecorded"):
        lines.append(f"- **The crawl asked for {context['unrecorded']:,} pages the recording did not hold** "
                     "(answered 404): its pages were not quite the recorded ones.")
    for unhealthy in context.get("unhealthy", []):
        lines.append(f"- **Unhealthy** (measured all the same): {unhealthy}.")
    published = context.get("datasette")
    if published:
        hits = plural(published["search_hits"], "article")
        lines.append(f"- Datasette: {published['requests']} requests of each page after one unmeasured; the search "
                     f"is for `{published['search_word']}` ({hits}); the reading page is article "
                     f"{published['reading_article']} with {published['reading_pictures']} pictures; the "
                     f"CSV had {published['csv_rows']:,} rows for {published['articles']:,} articles.")
    return lines


def figures_section(results: Results) -> list[str]:
    lines = []
    for size in results.sizes:
        lines += [f"## {size:,} generated articles", ""]
        lines += context_lines(size, results.context.get(size, {}))
        lines += ["", *table(size_figures(), results.samples.get(size, {}), results.runs), ""]
    if len(results.sizes) == 2:
        small, large = results.sizes
        lines += [f"## From {small:,} to {large:,} articles", ""]
        lines += [*table(scale_figures(small, large), scale_samples(results.samples, small, large), results.runs), ""]
    else:
        lines += ["The goals between sizes (crawl peak RSS at 20,000 articles / at 2,000 ≤ 1.3, and its pages/s "
                  "≥ 0.9 of those at 2,000) need `--large`, which measures both sizes in one run.", ""]
    return lines


def kept_section(existing: str | None) -> str:
    """The hand-written "Where the time goes" of the file being replaced (up to the next ``## `` heading)."""
    if existing and WHERE_THE_TIME_GOES in existing:
        after = existing.split(WHERE_THE_TIME_GOES, 1)[1]
        body = after.split("\n## ", 1)[0].strip("\n")
        if body.strip():
            return body + "\n"
    return WHERE_PLACEHOLDER


HOW_TO_RUN = """\
## How to run

From the project root, with nothing else running if the figures are to mean something:

```sh
.venv/bin/python -m benchmarks                     # 2,000 generated articles, 3 runs; writes this file
.venv/bin/python -m benchmarks --large             # 2,000 and 20,000 articles, and the figures between them
.venv/bin/python -m benchmarks --articles 300 --runs 1 --only c,d --output /tmp/bench.md   # a quick look
```

| option | meaning |
| --- | --- |
| `--articles N` | generated articles of the mirror (default 2,000) |
| `--large` | measure at 20,000 articles too, and the goals between the two sizes |
| `--runs N` | runs of each part (default 3); every figure is the median with the min–max |
| `--only a,b,c,d,datasette` | the parts to measure (default all); without c, d and Datasette get an unreported crawl |
| `--requests N` | requests of each Datasette page a run (default 50) |
| `--output FILE` | where to write this document (default docs/benchmarks.md); the same tables go to stdout |
| `--keep DIR` | keep the recorded site, each run's database, WARC files and logs in DIR (empty or new) |
| `--reuse DIR` | the recorded site from DIR (an earlier run's `--keep` folder): no recording crawl (minutes) |

Recording the site is the slowest step (it crawls the mirror, which renders every page in Python). A
recording is only right while the spiders ask for the same pages: a crawl that asks for one it lacks is
flagged in the figures' notes and on stderr. Progress goes to stderr. A bad argument is named with exit
status 2; a part that fails stops the benchmark with the end of its output and exit status 1.
"""

WHAT_IS_MEASURED = """\
## What is measured

- **The site.** The offline mirror (docs/mirror.md) with N generated articles is crawled once with
  `knytscrape crawl`, and every request that crawl made is kept with the mirror's answer (status, headers,
  body; robots.txt, the id walk's 404s and every gallery view included). A small asyncio server in a process
  of its own serves those bytes on 127.0.0.1 (benchmarks/static_site.py), so the mirror's own rendering is
  never what is measured. Parts (a) to (c) fetch the same requests from it.
- **(a) The ceiling** (benchmarks/ceiling.py): a plain aiohttp client with 64 connections fetching every
  request, each page parsed by lxml with the title, the `Publicerat` line and the links read
  (benchmarks/extract.py). No framework, not the project's parsers: the most this machine does with these pages.
- **(b) Bare Scrapy** (benchmarks/bare_scrapy.py): the same requests as a spider's start requests, the same
  reading of each page, items into a pipeline that does nothing; Scrapy's defaults, with the crawl's
  concurrency (16 requests, and `CONCURRENT_ITEMS` when knytscrape/settings.py sets it) and log level
  (WARNING). The framework's own cost.
- **(c) The crawl**: `knytscrape crawl` of the served copy, all three spiders and every pipeline, into a fresh
  database and WARC folder each run, politeness lifted as for the demo (no delay, no AutoThrottle, 16
  requests at once), pictures not downloaded (the default).
- **(d) The reparse**: `knytscrape reparse` of the database and WARC files that run's crawl left: every page
  read again from the page archive with the current parsers and pipelines, nothing fetched.
- **Datasette**: the published archive in process (the app `knytscrape serve` runs) on that database, after
  the reparse: each page once unmeasured, then N times in a row.

Pages/s is the requests answered (for (d), the pages replayed) over the wall time of the whole command, its
start-up included, as a person timing it would see. Peak RSS is the largest VmHWM of the command's
processes, read from /proc every 20 ms (not `ru_maxrss`, which Linux carries over from the parent across
exec); MB are 10^6 bytes. CPU time a page is the command's user and system time (from wait4) over its
pages; it moves much less than pages/s when other work shares the machine, and the ratios by CPU time are
roughly what the pages/s ratios become on an idle machine, where each part is bound by its own CPU (the
site server's CPU is in none of them). p50 and p99 are nearest-rank percentiles of the requests (of 50,
p99 is the slowest). Ratios are taken run by run. Each run does (a), (b), (c), (d) and Datasette in turn,
so a machine busy with something else weighs on all of them alike.
"""


def document(results: Results, existing: str | None) -> str:
    parts = ", ".join(results.parts)
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{results.command}` on {results.started}; the whole benchmark took "
        f"{duration(results.seconds)}. Parts measured: {parts}. Rerun it to refresh the figures (benchmarks/bench.py);",
        "the section \"Where the time goes\" is written by hand and kept when the file is written again.",
        "",
        "Goals: the crawl at least a quarter of the ceiling's pages/s (then 0.35), at most 250 MB of peak memory at",
        "2,000 and at 20,000 articles (at most 1.3 times as much at 20,000), at 20,000 articles at least 0.9 of its",
        "pages/s at 2,000; on the published archive a table page's p99 within 0.3 s, a selective search's p99 within",
        "50 ms, and the whole articles table as one complete CSV.",
        "",
        "## The machine",
        "",
        *(f"- {name}: {value}" for name, value in results.machine.items()),
        "",
        *figures_section(results),
        HOW_TO_RUN,
        WHAT_IS_MEASURED,
        WHERE_THE_TIME_GOES,
        "",
        kept_section(existing),
    ]
    return "\n".join(lines)


def stdout_tables(results: Results) -> str:
    return "\n".join(figures_section(results))
