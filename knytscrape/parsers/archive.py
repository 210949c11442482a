"""Yearly archives (``art_ar.php?ar=YYYY&kat_id=K``) and any other list of articles.

Each entry shows ``Publicerat: DATE``, ``Kommentarer [ N ]``, the thumbnail credit and the linked title
on one line, and the lead, in an order that may differ between templates. So the parts are paired by
distance, not by order: each ``Publicerat:`` line goes to the nearest line that links an article
(the following one on a tie); a comment count goes to the article linked on its own line, else to
the entry whose ``Publicerat:`` line came last before it. The spider uses the entries to find
articles and to cross-check comment counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.textflow import Line, text_flow
from knytscrape.urls import article_id, gallery_position


@dataclass
class ArchiveEntry:
    article_id: int
    url: str
    title: str | None
    published_raw: str | None
    comment_count: int | None


def _article_links(line: Line) -> list[tuple[int, str, str]]:
    return [
        (article_id(href), href, text)
        for href, text in line.links
        if article_id(href) is not None and gallery_position(href) is None
    ]


def _title(text: str) -> str | None:
    split = lm.CREDIT_THEN_TEXT.match(text or "")
    return (split.group("rest") if split else text) or None  # the credit and title may share a line


def _nearest(index: int, candidates: list[int]) -> int | None:
    """The candidate closest to ``index``, the later one on a tie."""
    return min(candidates, key=lambda c: (abs(c - index), c < index), default=None)


def parse_archive(html: str, url: str) -> list[ArchiveEntry]:
    lines = [t for t in text_flow(html, url) if isinstance(t, Line)]
    link_lines: dict[int, list[int]] = {}  # article id -> indices of lines linking it
    first_link: dict[int, tuple[str, str]] = {}
    for index, line in enumerate(lines):
        for number, href, text in _article_links(line):
            link_lines.setdefault(number, []).append(index)
            if number not in first_link or (text and not first_link[number][1]):
                first_link[number] = (href, text)
    owner_of_line = {i: n for n, indices in link_lines.items() for i in indices}
    entries: dict[int, ArchiveEntry] = {}
    entry_of_published: list[tuple[int, int]] = []  # (index of the Publicerat line, article id)
    for index, line in enumerate(lines):
        match = lm.PUBLISHED.match(line.text)
        if not match:
            continue
        free = [i for i, n in owner_of_line.items() if n not in entries]
        nearest = _nearest(index, free)
        if nearest is None:
            continue
        number = owner_of_line[nearest]
        href, text = first_link[number]
        raw = match.group("raw")
        if not raw.strip() and index + 1 < len(lines) and lm.PUBLISHED_VALUE.match(lines[index + 1].text):
            raw = lines[index + 1].text  # label and date in two elements
        published, _ = lm.split_published(raw)
        entries[number] = ArchiveEntry(number, href, _title(text), published, None)
        entry_of_published.append((index, number))
    for index, line in enumerate(lines):
        counted = lm.COMMENT_COUNT.search(line.text)
        if not counted:
            continue
        # on a line that links its article: that one; else the entry whose Publicerat line came last
        on_line = [owner_of_line[index]] if owner_of_line.get(index) in entries else []
        before = [number for at, number in entry_of_published if at <= index]
        number = (on_line or before[-1:] or [None])[0]
        if number is not None and entries[number].comment_count is None:
            entries[number].comment_count = int(counted.group("count"))
    order = {n: min(link_lines[n]) for n in entries}
    return sorted(entries.values(), key=lambda e: order[e.article_id])
