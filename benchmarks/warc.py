"""What the WARC files cost and what a reparse saves, on the offline mirror with N generated articles.

    .venv/bin/python benchmarks/warc.py [--articles 300] [--dir DIR]

Crawls the mirror into a fresh database (its WARC files beside it), crawls it again unchanged (incremental,
then in full), then
rebuilds a second database from the WARC files alone with ``knytscrape reparse``, and prints: the WARC
bytes per article (all records, and the article pages alone), the share of revisits in the unchanged
re-run, and the time of the crawl and of the reparse. The crawls run with the politeness lifted (as the
demo does); at the real site's pace (a one-second delay, two requests at once) each page of a crawl costs
about a second, which the figure "polite crawl, estimated" shows. Timing lives here, not in tests.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from knytscrape.cli import LOCAL_SETTINGS  # noqa: E402
from knytscrape.mirror import MirrorServer  # noqa: E402

ENV = {**os.environ, "KNYT_TODAY": "2026-11-25"}


def timed(command: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, env=ENV, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def crawl_command(base_url: str, db_path: Path) -> list[str]:
    command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", base_url, "--db", str(db_path)]
    for name, value in LOCAL_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return [*command, "-s", "LOG_LEVEL=WARNING"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: a temporary folder)")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="knyt-warc-"))
    db_path = folder / "knytpunkt.db"
    with MirrorServer(extra_articles=args.articles) as mirror:
        crawl_s = timed(crawl_command(mirror.base_url, db_path))
        timed(crawl_command(mirror.base_url, db_path))  # the scheduled run: incremental
        timed([*crawl_command(mirror.base_url, db_path), "--full"])  # every page again
    db = sqlite3.connect(db_path)
    articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    first, second, third = [row[0] for row in db.execute("SELECT id FROM crawls WHERE spider = 'articles' ORDER BY id")]
    first_ids = [row[0] for row in db.execute("SELECT id FROM crawls WHERE id < ?", [second])]
    marks = ", ".join("?" * len(first_ids))
    total = db.execute(f"SELECT sum(length), count(*) FROM captures WHERE crawl_id IN ({marks})", first_ids).fetchone()
    pages = db.execute(f"SELECT sum(length), count(*) FROM captures WHERE crawl_id IN ({marks}) AND status = 200 "
                       "AND article_id IS NOT NULL", first_ids).fetchone()
    runs = {}
    for name, low, high in (("incremental", second, third), ("full (--full)", third, 10**9)):
        kinds = dict(db.execute("SELECT record_type, count(*) FROM captures WHERE crawl_id >= ? AND crawl_id < ? "
                                "GROUP BY 1", [low, high]))
        size = db.execute("SELECT sum(length) FROM captures WHERE crawl_id >= ? AND crawl_id < ?",
                          [low, high]).fetchone()[0]
        runs[name] = (sum(kinds.values()), kinds.get("revisit", 0), size)
    files = sum(path.stat().st_size for path in (folder / "warc").iterdir())
    rebuilt = folder / "rebuilt.db"
    reparse_s = timed([sys.executable, "-m", "knytscrape.cli", "reparse", "--db", str(rebuilt),
                       "--warc", str(folder / "warc"), "-s", "LOG_LEVEL=WARNING"])
    rebuilt_articles = sqlite3.connect(rebuilt).execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"articles: {articles} (rebuilt: {rebuilt_articles}); answers of the first crawl: {total[1]}")
    print(f"WARC bytes per article, all records of the first crawl: {total[0] / articles:,.0f} "
          f"(article pages and gallery views alone: {pages[0] / articles:,.0f}); files: {files:,} bytes")
    for name, (answers, revisits, size) in runs.items():
        print(f"unchanged re-run, {name}: {answers} answers, {revisits / max(answers, 1):.0%} revisits, "
              f"{size:,} bytes")
    print(f"first crawl (politeness lifted): {crawl_s:.1f} s; polite crawl, estimated: {total[1] / 60:.0f} min "
          f"(one second a page); reparse into an empty database: {reparse_s:.1f} s")


if __name__ == "__main__":
    main()
