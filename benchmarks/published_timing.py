"""The published Datasette (in process, the app ``knytscrape serve`` runs) on the database a crawl left: p50
and p99 of the pages a reader opens most, and whether the streamed CSV of ``articles`` is complete."""

from __future__ import annotations

import asyncio
import csv
import io
import math
import sqlite3
import time
from pathlib import Path

from benchmarks.runner import BenchError

PAGES = ("table", "search", "reading", "csv")
LABELS = {
    "table": "articles table, first page",
    "search": "rare-word search in articles",
    "reading": "reading page (the biggest gallery)",
    "csv": "whole articles table as CSV (_stream=on)",
}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it (of 50
    requests, p99 is the slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rare_words(db: sqlite3.Connection, limit: int = 20) -> list[str]:
    """Words of the articles' search index in the fewest articles (at least one), longest-lived first: a
    search a reader makes for one story."""
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.article_words USING fts5vocab(main, articles_fts, row)")
    return [row[0] for row in db.execute(
        "SELECT term FROM temp.article_words WHERE doc >= 1 AND length(term) >= 7 AND term NOT GLOB '*[0-9_]*' "
        "ORDER BY doc, term LIMIT ?", [limit])]


def paths(db_path: Path) -> tuple[dict[str, str], dict]:
    """The request path of each page measured, and what they are (for the report)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        busiest = db.execute("SELECT article_id, count(*) FROM images GROUP BY article_id "
                             "ORDER BY count(*) DESC, article_id LIMIT 1").fetchone()
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        words = rare_words(db)
    finally:
        db.close()
    if not busiest or not words:
        raise BenchError(f"{db_path} holds no article with pictures, or no searchable word: was the crawl empty?")
    found = {
        "table": "/knytpunkt/articles",
        "search": None,
        "reading": f"/knytpunkt/articles/{busiest[0]}",
        "csv": "/knytpunkt/articles.csv?_stream=on&_size=max",
    }
    return found, {"articles": articles, "reading_article": busiest[0], "reading_pictures": busiest[1],
                   "words": words}


async def timed(app, path: str, requests: int) -> tuple[list[float], object]:
    """``requests`` sequential GETs of ``path`` after one unmeasured (caches warm): their times in seconds,
    and the last answer."""
    answer = await app.client.get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = await app.client.get(path)
        times.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise BenchError(f"Datasette answered {answer.status_code} to {path}")
    return times, answer


async def choose_search(app, words: list[str]) -> tuple[str, int]:
    """The first rare word whose search finds at least one article: its path and the number of hits."""
    for word in words:
        answer = await app.client.get(f"/knytpunkt/articles.json?_search={word}&_size=1")
        hits = (answer.json().get("filtered_table_rows_count") or 0) if answer.status_code == 200 else 0
        if hits:
            return word, hits
    raise BenchError(f"no search for the rare words {', '.join(words[:5])} ... finds an article")


def measure(db_path: Path, requests: int) -> tuple[dict[str, float], dict]:
    """Figures ``datasette.<page>.p50`` / ``.p99`` (seconds) and ``datasette.csv.complete`` (1 or 0), and what
    was measured."""
    from knytscrape.publish import datasette_app

    pages, context = paths(db_path)
    app = datasette_app(db_path)

    async def run() -> dict[str, float]:
        word, hits = await choose_search(app, context.pop("words"))
        pages["search"] = f"/knytpunkt/articles?_search={word}"
        context.update(search_word=word, search_hits=hits)
        figures = {}
        for page in PAGES:
            times, answer = await timed(app, pages[page], requests)
            figures[f"datasette.{page}.p50"] = percentile(times, 0.50)
            figures[f"datasette.{page}.p99"] = percentile(times, 0.99)
            if page == "csv":
                rows = sum(1 for _ in csv.reader(io.StringIO(answer.text))) - 1  # less the header
                figures["datasette.csv.complete"] = float(rows == context["articles"])
                context["csv_rows"] = rows
        return figures

    figures = asyncio.run(run())
    context.update(paths=pages, requests=requests)
    return figures, context
