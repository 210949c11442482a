"""Yearly archives (``art_ar.php?ar=YYYY&kat_id=K``) and any other list of articles.

Each entry shows ``Publicerat: DATE``, ``Kommentarer [ N ]``, the thumbnail credit and the linked title,
and the lead, in an order that differs between templates but is the same for every entry of a page. So
the page is cut into entries where each one starts: at its ``Publicerat:`` line when the page prints the
date before the first article link, else at the first link to an article the previous entry did not
link (the order is read from the first entry: its date and the article link nearest to it). An entry's
date and comment count are the ones inside it. An entry is an article linked in a part that has a date
or a comment count; sidebars are left out first. In a list that prints links first, an entry without a
date keeps ``published_raw`` None (where dates come first, an undated entry cannot be told apart). An
article listed twice is one entry, at its first place. The spider uses the entries to find articles
and to cross-check comment counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.chrome import without_chrome
from knytscrape.parsers.textflow import Image, Line, Token, text_flow
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


def _published(lines: list[Line], index: int) -> str | None:
    match = lm.PUBLISHED.match(lines[index].text)
    raw = match.group("raw")
    if not raw.strip() and index + 1 < len(lines) and lm.PUBLISHED_VALUE.match(lines[index + 1].text):
        raw = lines[index + 1].text  # label and date in two elements
    published, _ = lm.split_published(raw)
    return published


def _linked(tokens: list[Token]) -> list[tuple[int, list[tuple[int, str, str]], bool]]:
    """(index in ``lines``, article links, is a picture) for every line, a linked picture counting as a
    line of its own (at the index of the line after it)."""
    found = []
    line_index = -1
    for token in tokens:
        if isinstance(token, Line):
            line_index += 1
            found.append((line_index, _article_links(token), False))
        elif isinstance(token, Image) and token.link and article_id(token.link) is not None \
                and gallery_position(token.link) is None:
            found.append((line_index + 1, [(article_id(token.link), token.link, "")], True))
    return found


def _entry_starts(lines: list[Line], linked: list[tuple[int, list]]) -> list[tuple[int, int | None]]:
    """(line index where an entry starts, its article id when the start is a link).

    Two ways to cut the page: at each date, or at each link to a new article. The one that gives more
    parts with exactly one date and one article is the page's order (a tie goes to the dates).
    """
    dated = [(i, None) for i, line in enumerate(lines) if lm.PUBLISHED.match(line.text)]
    dates_before = _dates_before(lines)
    by_link, current = [], None
    for index, links, picture in linked:
        line = "" if picture or index >= len(lines) else lines[index].text
        if lm.PUBLISHED.match(line) or lm.COMMENT_COUNT.search(line):
            continue  # "Kommentarer [ 4 ]" links its article too: a count, not an entry's start
        for number, _, _ in links:
            # a new article starts an entry; so does the same one again after a date (a duplicate entry)
            dated_since = by_link and _dates_between(dates_before, by_link[-1][0], index) > 0
            if number != current or dated_since:
                by_link.append((index, number))
                current = number
            break
    if not dated:
        return by_link
    numbers_at: dict[int, set[int]] = {}
    for index, links, _ in linked:
        numbers_at.setdefault(index, set()).update(number for number, _, _ in links)
    return max((dated, by_link), key=lambda starts: _good_parts(starts, len(lines), dates_before, numbers_at))


def _dates_before(lines: list[Line]) -> list[int]:
    """``[k]``: how many of the first k lines are a ``Publicerat:`` line (k up to len(lines) + 1)."""
    counts = [0]
    for line in lines:
        counts.append(counts[-1] + bool(lm.PUBLISHED.match(line.text)))
    counts.append(counts[-1])  # a picture after the last line sits at len(lines)
    return counts


def _dates_between(dates_before: list[int], low: int, high: int) -> int:
    """How many ``Publicerat:`` lines lie strictly between line ``low`` and line ``high``."""
    last = len(dates_before) - 1
    return dates_before[min(max(high, 0), last)] - dates_before[min(max(low + 1, 0), last)] if high > low + 1 else 0


def _good_parts(starts: list[tuple[int, int | None]], line_count: int, dates_before: list[int],
                numbers_at: dict[int, set[int]]) -> int:
    """How many parts have exactly one date and one article (``numbers_at``: the article ids linked at each
    line). Each line is looked at once: a yearly archive of thousands of entries is read in linear time, not
    entries × lines."""
    good = 0
    for position, (start, _) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else line_count
        dates = dates_before[end] - dates_before[start] if end > start else 0
        articles = set().union(*(numbers_at.get(i, ()) for i in range(start, end)))
        good += dates == 1 and len(articles) == 1
    return good


def parse_archive(html: str, url: str) -> list[ArchiveEntry]:
    tokens = without_chrome(text_flow(html, url))  # the sidebars' links are not entries
    lines = [t for t in tokens if isinstance(t, Line)]
    linked = _linked(tokens)
    links_at: dict[int, list[tuple[int, str, str]]] = {}
    for index, links, _ in linked:
        links_at.setdefault(index, []).extend(links)
    starts = _entry_starts(lines, linked)
    entries: dict[int, ArchiveEntry] = {}
    for position, (start, number) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        part = range(start, max(end, start + 1))
        links = [link for i in part for link in links_at.get(i, [])]
        if number is None:
            number = links[0][0] if links else None
        if number is None or number in entries:
            continue  # a date without a link, or an article listed again
        dates = [_published(lines, i) for i in part if i < len(lines) and lm.PUBLISHED.match(lines[i].text)]
        counts = [lm.COMMENT_COUNT.search(lines[i].text) for i in part if i < len(lines)]
        counts = [int(c.group("count")) for c in counts if c]
        if not dates and not counts:
            continue  # links without a date or a count: a sidebar, a menu, "Läs mer"
        own = [(href, text) for n, href, text in links if n == number]
        href, text = next(((h, t) for h, t in own if t), own[0])
        entries[number] = ArchiveEntry(number, href, _title(text), dates[0] if dates else None,
                                       counts[0] if counts else None)
    return list(entries.values())
