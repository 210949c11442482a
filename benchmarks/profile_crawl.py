"""Where a crawl's time goes: a full crawl of the offline mirror under cProfile, by share.

    .venv/bin/python benchmarks/profile_crawl.py [--articles 300] [--dir DIR] [--no-profile] [--runs N]
                                                 [--dump FILE] [--port N] [--top N]

Starts the mirror (with N generated articles) in this process, runs ``knytscrape crawl`` of all three
spiders against it in a child process (the politeness lifted, as the demo and the tests crawl the mirror),
under cProfile (counting CPU time) unless ``--no-profile``, and prints:

* the wall time and CPU time, the pages fetched and pages/s of the crawl (without the profiler's overhead
  only with ``--no-profile``; ``--runs N`` repeats the crawl, each into a fresh folder, and prints each run);
* the share of the crawl's profiled CPU time taken by: the text flow (``textflow.text_flow``), the article
  parser, gallery views, the video and event parsers, list pages, date parsing (``knytscrape.dates``), the
  pipelines (storage and SQLite among them), the WARC capture, and Scrapy's engine (the own time of scrapy,
  twisted and asyncio);
* the calls of a few functions that tell how the time is spent (``urljoin``, elements walked, asyncio tasks);
* the top functions by cumulative and by own time.

``--dump FILE`` writes every row of the content tables (articles, images, comments, videos, events), sorted,
without the columns that tell when (first_seen, last_seen, removed_at) and with the mirror's address written
as {BASE}, to a JSON file: two crawls of the same mirror on the same ``--port`` that read the same fields
write the same file (``cmp`` them). The machine it runs on may be shared: compare shares, CPU times and call
counts, and time before and after back to back.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

ENV = {**os.environ, "KNYT_TODAY": "2026-11-25", "KNYT_PROGRESS": "0"}
CONTENT_TABLES = ("articles", "images", "comments", "videos", "events")
WHEN_COLUMNS = {"first_seen", "last_seen", "removed_at"}

# (label, file path part, function names): the cumulative time of the first of those functions that was called
# is the category's share (a later version may have renamed it)
CATEGORIES = [
    ("text flow (textflow.text_flow)", "parsers/textflow.py", ("text_flow",)),
    ("article pages (ArticleParser.read, .parse)", "parsers/article.py", ("read", "parse")),
    ("gallery views (spider parse_gallery)", "spiders/articles.py", ("parse_gallery",)),
    ("article page's fingerprint for its views", "parsers/gallery.py", ("flow_fingerprint", "page_fingerprint")),
    ("video pages (VideoParser.parse)", "parsers/video.py", ("parse",)),
    ("event pages (event parser)", "parsers/event.py", ("parse",)),
    ("list pages (parse_archive)", "parsers/archive.py", ("parse_archive",)),
    ("links of a page (site_links)", "spiders/base.py", ("site_links",)),
    ("WARC capture (middleware)", "middlewares/warc.py", ("process_response",)),
]
# functions whose cumulative times add up to a category (summed: they never call each other)
SUMMED = [
    ("date parsing (knytscrape.dates, all callers)", "knytscrape/dates.py",
     ("parse_date", "parse_moment", "parse_span")),
    ("pipelines, all (process_item)", "knytscrape/pipelines/", ("process_item",)),
    ("storage pipeline (SQLite)", "pipelines/storage.py", ("process_item", "close_spider")),
]
COUNTED = [
    ("urljoin", "urllib/parse.py", "urljoin"),
    ("text_flow", "parsers/textflow.py", "text_flow"),
    ("_FlowBuilder.walk", "parsers/textflow.py", "walk"),
    ("without_chrome", "parsers/chrome.py", "without_chrome"),
    ("describe_player", "parsers/video.py", "describe_player"),
    ("asyncio Task (create_task)", "asyncio/tasks.py", "create_task"),
    ("asyncio ensure_future", "asyncio/tasks.py", "ensure_future"),
    ("Deferred.fromFuture/asFuture", "twisted/internet/defer.py", "asFuture"),
    ("scrapy process_item calls (pipelines)", "knytscrape/pipelines/", "process_item"),
]


# -- the child: one crawl, profiled or not ----------------------------------------------------------------


def child(args) -> None:
    from knytscrape.cli import LOCAL_SETTINGS, run_crawl

    settings = {**LOCAL_SETTINGS, "LOG_LEVEL": "WARNING"}
    started, cpu_started = time.perf_counter(), time.process_time()
    if args.prof:
        profile = cProfile.Profile(time.process_time)  # CPU time: what the crawl spends, not what it waits
        profile.enable()
        try:
            status = run_crawl(args.base_url, args.db, settings)
        finally:
            profile.disable()
            profile.dump_stats(args.prof)
    else:
        status = run_crawl(args.base_url, args.db, settings)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    Path(args.db + ".seconds").write_text(f"{seconds:.3f} {cpu:.3f} {status}")


# -- the parent -----------------------------------------------------------------------------------------


def crawl_once(base_url: str, db_path: Path, prof: Path | None) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds of the crawl's process, pages fetched, exit status) of one crawl into ``db_path``."""
    command = [sys.executable, __file__, "--child", "--base-url", base_url, "--db", str(db_path)]
    if prof is not None:
        command += ["--prof", str(prof)]
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, env=ENV, stdout=subprocess.DEVNULL)
    seconds, cpu, status = Path(f"{db_path}.seconds").read_text().split()
    with sqlite3.connect(db_path) as db:
        pages = db.execute("SELECT coalesce(sum(pages), 0) FROM crawls").fetchone()[0]
    return float(seconds), float(cpu), pages, int(status)


def dump_fields(db_path: Path, out: Path, base_url: str) -> dict[str, int]:
    """Every row of the content tables, sorted, without the columns that tell when: to ``out`` as JSON (the
    mirror's address written as {BASE})."""
    db = sqlite3.connect(db_path)
    dump = {}
    for table in CONTENT_TABLES:
        cursor = db.execute(f"SELECT * FROM [{table}]")
        names = [column[0] for column in cursor.description]
        rows = [{k: v.replace(base_url, "{BASE}") if isinstance(v, str) else v
                 for k, v in zip(names, values, strict=True) if k not in WHEN_COLUMNS} for values in cursor]
        dump[table] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    out.write_text(json.dumps(dump, indent=1, sort_keys=True, ensure_ascii=False))
    return {table: len(rows) for table, rows in dump.items()}


def _matching(stats: pstats.Stats, path: str, name: str):
    for (file, _line, function), value in stats.stats.items():
        if function == name and path in file.replace(os.sep, "/"):
            yield value


def _cumulative(stats: pstats.Stats, path: str, name: str) -> tuple[float, int]:
    """(cumulative seconds, primitive calls) of the functions named ``name`` in files whose path holds ``path``."""
    seconds = calls = 0
    for primitive, _total, _own, cumulative, _callers in _matching(stats, path, name):
        seconds += cumulative
        calls += primitive
    return seconds, calls


def _calls(stats: pstats.Stats, path: str, name: str) -> int:
    total = sum(value[1] for value in _matching(stats, path, name))
    if total:
        return total
    # a C function shows as ('~', 0, "<built-in method ...>") or ("<method 'x' of 'y' objects>")
    return sum(value[1] for (file, _l, function), value in stats.stats.items()
               if file == "~" and name in function and path.split("/")[0] in function)


def report(prof: Path, top: int) -> None:
    stats = pstats.Stats(str(prof))
    total = stats.total_tt
    print(f"\nprofiled CPU time: {total:.1f} s (cumulative shares of it; categories may nest)")
    accounted = 0.0
    for label, path, names in CATEGORIES:
        seconds, calls = next((found for name in names if (found := _cumulative(stats, path, name))[1]), (0.0, 0))
        print(f"  {seconds / total:6.1%}  {seconds:7.2f} s  {calls:8d} calls  {label}")
    for label, path, names in SUMMED:
        seconds = calls = 0
        for name in names:
            s, c = _cumulative(stats, path, name)
            seconds, calls = seconds + s, calls + c
        print(f"  {seconds / total:6.1%}  {seconds:7.2f} s  {calls:8d} calls  {label}")
    own = {"knytscrape": 0.0, "scrapy": 0.0, "twisted": 0.0, "asyncio": 0.0, "lxml/parsel": 0.0, "sqlite": 0.0}
    for (file, _line, function), value in stats.stats.items():
        file = file.replace(os.sep, "/")
        if "/knytscrape/" in file:
            own["knytscrape"] += value[2]
        elif "/scrapy/" in file:
            own["scrapy"] += value[2]
        elif "/twisted/" in file:
            own["twisted"] += value[2]
        elif "asyncio" in file or "asyncio" in function or "_asyncio" in function:
            own["asyncio"] += value[2]
        elif "lxml" in file or "parsel" in file or "lxml" in function:
            own["lxml/parsel"] += value[2]
        elif "sqlite" in file or "sqlite3" in function:
            own["sqlite"] += value[2]
    accounted = sum(own.values())
    print("own time by package (tottime; builtins called from them count where they are named):")
    for name, seconds in own.items():
        print(f"  {seconds / total:6.1%}  {seconds:7.2f} s  {name}")
    print(f"  {(total - accounted) / total:6.1%}  {total - accounted:7.2f} s  the rest (stdlib, builtins, C calls)")
    engine = own["scrapy"] + own["twisted"] + own["asyncio"]
    print(f"  {engine / total:6.1%}  {engine:7.2f} s  Scrapy's engine: the own time of scrapy, twisted and asyncio")
    print("calls:")
    for label, path, name in COUNTED:
        print(f"  {_calls(stats, path, name):10d}  {label}")
    print(f"\ntop {top} by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)
    print(f"top {top} by own time:")
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="generated articles the mirror adds")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: a temporary folder)")
    parser.add_argument("--no-profile", action="store_true", help="time the crawl without the profiler")
    parser.add_argument("--runs", type=int, default=1, help="crawls in a row, each into a fresh database")
    parser.add_argument("--dump", type=Path, default=None, help="write the content tables' rows to this JSON file")
    parser.add_argument("--port", type=int, default=0, help="the mirror's port (fixed: dumps of two crawls compare "
                        "whole, content_hash included; the address itself is written as {BASE})")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--prof", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    from knytscrape.mirror import MirrorServer

    folder = args.dir or Path(tempfile.mkdtemp(prefix="knyt-profile-"))
    folder.mkdir(parents=True, exist_ok=True)
    with MirrorServer(port=args.port, extra_articles=args.articles) as mirror:
        for run in range(1, args.runs + 1):
            run_dir = folder / f"run-{run}"  # its own folder: the WARC files of a crawl lie beside its database
            if run_dir.exists():
                shutil.rmtree(run_dir)
            run_dir.mkdir()
            db_path = run_dir / "knytpunkt.db"
            prof = None if args.no_profile else run_dir / "crawl.prof"
            seconds, cpu, pages, status = crawl_once(mirror.base_url, db_path, prof)
            print(f"run {run}: {seconds:.1f} s ({cpu:.1f} s CPU), {pages} pages, {pages / seconds:.1f} pages/s "
                  f"({pages / cpu:.1f} pages per CPU second){' under cProfile' if prof else ''}, exit status "
                  f"{status}; {db_path}", flush=True)
        if args.dump:
            counts = dump_fields(db_path, args.dump, mirror.base_url)
            print(f"dump: {args.dump} ({', '.join(f'{n} {t}' for t, n in counts.items())})")
    if prof is not None:
        report(prof, args.top)


if __name__ == "__main__":
    main()
