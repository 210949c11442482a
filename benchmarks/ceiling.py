"""(a) The ceiling: a plain asyncio client (aiohttp, 64 connections) fetching the benchmark's pages and
reading each with benchmarks/extract.py. What fetching and a minimal parse of these pages cost here, with
no framework: the crawl is measured against it.

    python -m benchmarks.ceiling BASE_URL REQUESTS_FILE [--connections 64]

Prints one JSON line: pages fetched, the answers by status, links seen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from pathlib import Path

import aiohttp
from yarl import URL

from benchmarks.extract import extract


async def fetch_all(base_url: str, targets: list[str], connections: int) -> dict:
    statuses: Counter[int] = Counter()
    links = 0
    pending = iter(targets)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal links
        for target in pending:  # one shared iterator: each target is taken by one worker
            async with session.get(URL(base_url + target, encoded=True), allow_redirects=False) as response:
                body = await response.read()
                statuses[response.status] += 1
            links += len(extract(body, response.headers.get("Content-Type"))["links"])

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(connections)))
    return {"pages": sum(statuses.values()), "statuses": dict(statuses), "links": links}


def main() -> None:
    parser = argparse.ArgumentParser(description="(a) the ceiling client")
    parser.add_argument("base_url")
    parser.add_argument("requests", type=Path)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    targets = args.requests.read_text().splitlines()
    print(json.dumps(asyncio.run(fetch_all(args.base_url.rstrip("/"), targets, args.connections))))


if __name__ == "__main__":
    main()
