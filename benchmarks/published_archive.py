"""How fast the published archive answers: the pages a reader opens, on a crawled mirror of N articles.

    .venv/bin/python benchmarks/published_archive.py [--articles 2000] [--db PATH] [--runs 7]

Starts the offline mirror with N generated articles, crawls it into a fresh database (or reuses --db when
it exists), then asks the published Datasette (in process, the same app ``knytscrape serve`` runs) for
each page ``--runs`` times and prints the median and the slowest time. Timing lives here, not in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from knytscrape.cli import LOCAL_SETTINGS  # noqa: E402
from knytscrape.mirror import MirrorServer  # noqa: E402
from knytscrape.publish import datasette_app  # noqa: E402


def crawl(articles: int, db_path: Path) -> None:
    with MirrorServer(extra_articles=articles) as mirror:
        command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", mirror.base_url, "--db", str(db_path)]
        for name, value in LOCAL_SETTINGS.items():
            command += ["-s", f"{name}={value}"]
        command += ["-s", "LOG_LEVEL=WARNING"]
        started = time.monotonic()
        subprocess.run(command, cwd=PROJECT_ROOT, check=True, env={**os.environ, "KNYT_TODAY": "2026-11-25"})
        print(f"crawled {articles} extra articles in {time.monotonic() - started:.1f} s")


def pages(db) -> dict[str, str]:
    busiest = db.execute(
        "SELECT article_id FROM images GROUP BY article_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    return {
        "home page": "/",
        "articles table, first page": "/knytpunkt/articles",
        "articles table, year facet": "/knytpunkt/articles?year=2015",
        "table search 'budget'": "/knytpunkt/articles?_search=budget",
        "everything about 'park'": "/knytpunkt/search_everything?q=park",
        "reading page (biggest gallery)": f"/knytpunkt/articles/{busiest}",
        "latest articles query": "/knytpunkt/latest_articles",
        "articles as JSON, 1,000 rows": "/knytpunkt/articles.json?_size=max",
        "whole articles table, streamed CSV": "/knytpunkt/articles.csv?_stream=on&_size=max",
        "Atom feed": "/-/feeds/latest.atom",
        "iCalendar feed": "/-/feeds/events.ics",
    }


async def measure(app, path: str, runs: int) -> tuple[float, float, int]:
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = await app.client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.content)
    return statistics.median(times), max(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/knytscrape-bench/knytpunkt.db"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        crawl(args.articles, args.db)
    import sqlite3

    db = sqlite3.connect(args.db)
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "images", "comments")}
    print(f"database: {args.db} ({args.db.stat().st_size / 1e6:.1f} MB): {counts}")
    app = datasette_app(args.db)

    async def run() -> None:
        await app.client.get("/")  # startup and first connection
        for name, path in pages(db).items():
            median, slowest, size = await measure(app, path, args.runs)
            print(f"{name:40} median {median:7.1f} ms   slowest {slowest:7.1f} ms   {size / 1024:8.1f} KiB")

    asyncio.run(run())


if __name__ == "__main__":
    main()
