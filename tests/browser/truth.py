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
