"""The site's own chrome, learned from its pages: lines it prints on many pages of different records.

A footer, a banner or a "support us" line that no rule names still stands on page after page. Each page the
parsers read adds the plain lines of its text zone (lines without links: a list of related titles links, and
is left to the link rules) to a sliding window of the last ``window`` pages. A line is chrome on a page when
it stands on at least ``min_pages`` other pages of the window and on at least ``share`` of them: a site's
chrome is on nearly every page of its era, an author's stock phrase ("Fri entré.") on a few. The window
follows the site's template eras as a crawl walks through the years.

``zones.cut`` consults it for the text's tail only (``LEARNED_CHROME``): the lines of the article's own title,
lead and body are never tested, so a short paragraph that happens to repeat is kept. Memory is bounded by the
window: ``window`` pages of at most ``max_lines`` lines of at most ``max_length`` characters.

The first pages a crawl reads come before anything is learned; the articles spider therefore first reads the
newest captured pages of the page archive (``knytscrape.capture.pages``), and ``knytscrape reparse`` reads
every stored page again with what was learned.
"""

from __future__ import annotations

from collections import Counter, deque

from knytscrape.parsers.textflow import squash

WINDOW = 200
MIN_PAGES = 4
SHARE = 0.3
MAX_LINES = 400
MAX_LENGTH = 300


def line_key(text: str) -> str:
    return squash(text).casefold()


class SiteChrome:
    def __init__(self, window: int = WINDOW, min_pages: int = MIN_PAGES, share: float = SHARE):
        self.window = window
        self.min_pages = min_pages
        self.share = share
        self._pages: deque[tuple[str, frozenset[str]]] = deque()
        self._lines_of: dict[str, frozenset[str]] = {}  # page key -> its lines, for pages in the window
        self._count: Counter[str] = Counter()  # line -> pages of the window that print it
        self.pages_learned = 0
        self.lines_cut = 0  # lines left out of a text because they were learned as chrome

    def learn(self, page: str, lines: list[str]) -> None:
        """Add the plain lines of ``page``'s text zone; a page read again replaces what it added before."""
        keys = frozenset(line_key(text) for text in lines[:MAX_LINES] if 0 < len(text) <= MAX_LENGTH)
        if page in self._lines_of:
            self._forget(page)
        self._pages.append((page, keys))
        self._lines_of[page] = keys
        self._count.update(keys)
        self.pages_learned += 1
        while len(self._pages) > self.window:
            self._forget(self._pages[0][0])

    def _forget(self, page: str) -> None:
        keys = self._lines_of.pop(page)
        self._count.subtract(keys)
        for key in keys:
            if self._count[key] <= 0:
                del self._count[key]
        self._pages = deque(entry for entry in self._pages if entry[0] != page)

    def pages_printing(self, text: str, page: str | None = None) -> int:
        """How many pages of the window other than ``page`` print this line."""
        key = line_key(text)
        own = 1 if page is not None and key in self._lines_of.get(page, ()) else 0
        return self._count.get(key, 0) - own

    def is_chrome(self, text: str, page: str | None = None) -> bool:
        others = len(self._pages) - (1 if page in self._lines_of else 0)
        seen = self.pages_printing(text, page)
        return seen >= self.min_pages and seen >= self.share * others
