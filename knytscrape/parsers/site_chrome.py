"""The site's own chrome, learned from its pages: lines it prints on many pages of different articles.

A footer, a banner or a "support us" line that no rule names still stands on page after page. Before an
articles crawl reads its first page, it reads the newest captured article pages of the page archive
(``knytscrape.capture.pages``) and adds the lines of each one's body to this window (keyed by the page's path
and query, so a page captured on two hosts counts once). A line is chrome when it stands on at least
``min_pages`` pages of the window other than the page being read, and on at least ``share`` of them: a
site's chrome is on nearly every page of its era, an author's stock phrase on some.

What is learned is fixed for the whole run: a page's text never depends on the order the crawl read pages
in, and a re-run of an unchanged site reads every page the same way. ``zones.cut`` consults it for the
text's tail only (``LEARNED_CHROME``), above which the article's own text stands. A first crawl has no page
archive yet and learns nothing; ``knytscrape reparse`` reads the stored pages again with what the archive
teaches. Memory is bounded by the window: ``window`` pages of at most ``MAX_LINES`` lines (the last ones, where
footers stand) of at most ``MAX_LENGTH`` characters.
"""

from __future__ import annotations

from collections import Counter, deque
from urllib.parse import urlsplit

from knytscrape.parsers.textflow import squash

WINDOW = 200
MIN_PAGES = 20
SHARE = 0.6
MAX_LINES = 400
MAX_LENGTH = 300


def line_key(text: str) -> str:
    return squash(text).casefold()


def page_key(url: str) -> str:
    """A page whatever host or scheme it was fetched from: its path and query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


class SiteChrome:
    def __init__(self, window: int = WINDOW, min_pages: int = MIN_PAGES, share: float = SHARE):
        self.window = window
        self.min_pages = min_pages
        self.share = share
        self._pages: deque[str] = deque()  # page keys, in the order learned
        self._lines_of: dict[str, frozenset[str]] = {}  # page key -> its lines, for pages in the window
        self._count: Counter[str] = Counter()  # line -> pages of the window that print it
        self.pages_learned = 0
        self.lines_cut = 0  # lines left out of a text because they were learned as chrome

    def learn(self, url: str, lines: list[str]) -> None:
        """Add the lines of the page at ``url``; a page read again replaces what it added before."""
        page = page_key(url)
        keys = frozenset(line_key(text) for text in lines[-MAX_LINES:] if 0 < len(text) <= MAX_LENGTH)
        if page in self._lines_of:
            self._forget(page)
            self._pages.remove(page)  # rare (a page captured twice): O(window)
        else:
            self.pages_learned += 1
        self._pages.append(page)
        self._lines_of[page] = keys
        self._count.update(keys)
        while len(self._pages) > self.window:
            self._forget(self._pages.popleft())

    def _forget(self, page: str) -> None:
        keys = self._lines_of.pop(page)
        self._count.subtract(keys)
        for key in keys:
            if self._count[key] <= 0:
                del self._count[key]

    def pages_printing(self, text: str, url: str | None = None) -> int:
        """How many pages of the window other than the page at ``url`` print this line."""
        key = line_key(text)
        own = 1 if url is not None and key in self._lines_of.get(page_key(url), ()) else 0
        return self._count.get(key, 0) - own

    def is_chrome(self, text: str, url: str | None = None) -> bool:
        others = len(self._lines_of) - (1 if url is not None and page_key(url) in self._lines_of else 0)
        seen = self.pages_printing(text, url)
        return seen >= self.min_pages and seen >= self.share * others
