"""What the published pages must show, derived from the mirror's content (the truth), not from the database.

Search: the archive matches a word by its Swedish stem as a prefix. For a query that is its own stem
(``budget``, ``örebro``, ``park``: no ending the Swedish Snowball stemmer removes) that is exactly every
text with a word beginning with the query, so the expected hits need no stemmer: see ``search_hits``.
"""

from __future__ import annotations

import re
from collections import Counter

import snowballstemmer

from knytscrape.mirror import load_articles, load_events, load_videos

WORD = re.compile(r"\w+")


def words(*texts: str | None) -> list[str]:
    return [w for text in texts if text for w in WORD.findall(text.lower())]


def mentions(query: str, *texts: str | None) -> bool:
    return any(word.startswith(query.lower()) for word in words(*texts))


def forms(query: str, *texts: str | None) -> set[str]:
    """The word forms beginning with ``query`` in ``texts`` (lower-cased): budgeten, budgetförslaget..."""
    return {word for word in words(*texts) if word.startswith(query.lower())}


def is_own_stem(query: str) -> bool:
    """A precondition for ``search_hits``: the stemmer leaves the word as it is."""
    return snowballstemmer.stemmer("swedish").stemWord(query.lower()) == query.lower()


def search_hits(query: str) -> Counter:
    """Rows of the search_everything query for ``query``: (kind, article id) for articles, comments and
    images, (kind, title) for videos and events, counted. Searched columns as in knytscrape.search."""
    assert is_own_stem(query), f"{query!r} is not its own Swedish stem: pick another word"
    hits = Counter()
    for article in load_articles():
        if mentions(query, article["title"], article["lead"], *article["body"]):
            hits["article", str(article["id"])] += 1
        for comment in article["comments"] or []:
            if mentions(query, comment["author"], comment["text"]):
                hits["comment", str(article["id"])] += 1
        for image in article["images"]:
            if mentions(query, image["caption"]):
                hits["image", str(article["id"])] += 1
    for video in load_videos():
        if mentions(query, video["title"], video["description"]):
            hits["video", video["title"]] += 1
    for event in load_events():
        if mentions(query, event["title"], event["location"], event["description"]):
            hits["event", event["title"]] += 1
    return hits


def article_hits(query: str) -> set[int]:
    """Ids of the articles whose title, lead or body has a word beginning with ``query``."""
    assert is_own_stem(query), f"{query!r} is not its own Swedish stem: pick another word"
    return {a["id"] for a in load_articles() if mentions(query, a["title"], a["lead"], *a["body"])}


def articles_by_year() -> dict[int, set[int]]:
    years: dict[int, set[int]] = {}
    for article in load_articles():
        if article["published"]:
            years.setdefault(int(article["published"][:4]), set()).add(article["id"])
    return years


def script_comments() -> list[tuple[int, dict]]:
    """(article id, comment) of every comment whose text holds a <script> element."""
    return [(a["id"], c) for a in load_articles() for c in a["comments"] or [] if "<script" in c["text"].lower()]


# -- dates as the reading pages show them: the oracle of the tests, written apart from swedish.py ----------------

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]
ISO_IN_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
SWEDISH_IN_TEXT = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})\b", re.I)
NUMERIC_IN_TEXT = re.compile(r"\b(\d{1,2})/(\d{1,2})[ -](\d{4})\b")


def swedish_date(iso: str) -> str:
    """``2026-06-13T12:00:00+02:00`` -> ``13 juni 2026 kl. 12.00``. The mirror's times carry Stockholm's
    offset, so the wall-clock time is the one written in the value."""
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    text = f"{day} {MONTHS[month - 1]} {year}"
    return f"{text} kl. {iso[11:13]}.{iso[14:16]}" if "T" in iso else text


def swedish_span(start: str, end: str | None, all_day) -> str:
    """An event's time as its page says it: ``13 juni 2026 kl. 12.00–16.00``, ``9–11 augusti 2024``."""
    if all_day:
        start, end = start[:10], end and end[:10]
    if not end or end == start:
        return swedish_date(start)
    if "T" in start and "T" in end and start[:10] == end[:10]:
        return f"{swedish_date(start)}–{end[11:13]}.{end[14:16]}"
    if "T" not in start and "T" not in end and start[:7] == end[:7]:
        return f"{int(start[8:10])}–{swedish_date(end)}"
    raise AssertionError(f"the oracle knows no span like {start} – {end}: extend it")


def dates_in(text: str) -> set[str]:
    """The whole dates (with a year) written in ``text``, as ISO: 2024-08-31, 31 augusti 2024, 31/8 2024."""
    found = {f"{y}-{m}-{d}" for y, m, d in ISO_IN_TEXT.findall(text)}
    found |= {f"{y}-{MONTHS.index(m.lower()) + 1:02d}-{int(d):02d}" for d, m, y in SWEDISH_IN_TEXT.findall(text)}
    found |= {f"{y}-{int(m):02d}-{int(d):02d}" for d, m, y in NUMERIC_IN_TEXT.findall(text)}
    return found


def printed_says_more(printed: str | None, *stored: str | None) -> bool:
    """Whether the date text the site printed says something the stored dates do not: a date without its
    year, a date of its own (an earlier one), or no readable date at all. Then the page shows it."""
    if not printed:
        return False
    said = dates_in(printed)
    return not said or not said <= {value[:10] for value in stored if value}
