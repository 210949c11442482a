"""knytscrape's benchmarks. ``python -m benchmarks`` (benchmarks/bench.py) measures, side by side on this
machine, the ceiling of a plain client, a bare Scrapy spider, ``knytscrape crawl`` and ``knytscrape reparse``
on the same pages, and the published Datasette on what the crawl stored; it writes docs/benchmarks.md.

The scripts beside it measure one thing each and run on their own (``.venv/bin/python benchmarks/NAME.py``),
e.g. ``published_archive.py`` (the published pages), ``warc.py`` (the WARC files and a reparse),
``unseen_pages.py`` (the parsers on pages written without seeing them).
"""
