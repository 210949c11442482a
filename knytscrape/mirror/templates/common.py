"""What the three layouts share: the page context and a few markup-free text helpers.

Layouts share the content model (``knytscrape.mirror.model``), never markup: each layout module
writes its own HTML from scratch.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from knytscrape.mirror.model import Chrome


@dataclass
class Page:
    """One page being rendered: the chrome data, the variant and the <title> text."""

    chrome: Chrome
    layout: str
    encoding: str
    doc_title: str


def esc(text: str) -> str:
    """Text node escaping (quotes stay as they are)."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Attribute value escaping."""
    return html.escape(text, quote=True)


def lines(text: str) -> list[str]:
    """A text with line breaks (a lead, a caption) as its lines."""
    return text.split("\n")


def paragraphs(text: str) -> list[str]:
    """A comment's text as its paragraphs (separated by a blank line in the truth)."""
    return [p for p in text.split("\n\n")]


def loosen(text: str) -> str:
    """The same text with different whitespace in the source: double spaces after sentences and a line
    break in the middle. Browsers (and a whitespace-normalising parser) see the same text."""
    words = text.replace(". ", ".  ").split(" ")
    if len(words) > 6:
        middle = len(words) // 2
        words[middle] = "\n            " + words[middle]
    return " ".join(words)


def comment_head(comment: dict) -> list[str]:
    """The author line(s) of a comment as plain text, per style (layouts add their own markup)."""
    author, raw = comment["author"], comment["posted_raw"]
    style = comment["style"]
    if style == "skrev":
        return [f"{author} skrev {raw}:"]
    if style == "skrivet_av":
        return [f"Skrivet av: {author}", raw]
    if style == "pipe":
        return [f"{author} | {raw}"]
    raise ValueError(f"unknown comment style {style!r}")
