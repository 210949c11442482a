"""Yearly archives (``art_ar.php?ar=YYYY&kat_id=K``) and any other list of articles.

Each entry shows ``Publicerat: DATE``, ``Kommentarer [ N ]``, the thumbnail credit and the linked title
on one line, and the lead. An entry is everything from one ``Publicerat:`` line to the next, so the
order of its parts does not matter. The spider uses the entries to find articles and to cross-check
comment counts.
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


def _entry(lines: list[Line]) -> ArchiveEntry | None:
    published, _ = lm.split_published(lm.PUBLISHED.match(lines[0].text).group("raw"))
    count = link = None
    for line in lines:
        counted = lm.COMMENT_COUNT.search(line.text)
        if counted and count is None:
            count = int(counted.group("count"))
        for href, text in line.links:
            if link is None and article_id(href) is not None and gallery_position(href) is None:
                link = (href, text)
    if link is None:
        return None
    href, text = link
    title = text
    split = lm.CREDIT_THEN_TEXT.match(text or "")
    if split:  # the thumbnail credit and the title share one line
        title = split.group("rest")
    return ArchiveEntry(article_id(href), href, title or None, published, count)


def parse_archive(html: str, url: str) -> list[ArchiveEntry]:
    groups: list[list[Line]] = []
    for token in text_flow(html, url):
        if not isinstance(token, Line):
            continue
        if lm.PUBLISHED.match(token.text):
            groups.append([token])
        elif groups:
            groups[-1].append(token)
    entries: dict[int, ArchiveEntry] = {}
    for group in groups:
        entry = _entry(group)
        if entry is not None and entry.article_id not in entries:
            entries[entry.article_id] = entry
    return list(entries.values())
