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
    root: str = ""  # "/" for pages below the root (scheme "b" sections): relative links become root-relative


def esc(text: str) -> str:
    """Text node escaping (quotes stay as they are)."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Attribute value escaping."""
    return html.escape(text, quote=True)


def lines(text: str) -> list[str]:
    """A text with line breaks (a lead, a caption) as its lines."""
    return text.split("\n")


def br_lines(text: str) -> str:
    """The lines of ``text`` escaped and joined by ``<br>``."""
    return "<br>\n".join(esc(line) for line in lines(text))


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


def is_local(url: str) -> bool:
    """A path on the site itself (not absolute, not protocol-relative)."""
    return "://" not in url and not url.startswith("//")


def player_html(video: dict, local, quote, upper: bool = False) -> str:
    """The embed code of a video's player, as pasted into the page.

    ``local`` turns a site-local path into the URL the page writes (page-relative, or root-relative);
    ``quote`` writes an attribute value (``&amp;`` or, in the old table layout, a raw ``&``);
    ``upper`` writes the Flash-era tag names in upper case.
    """
    player, thumbnail = video["player"], video["thumbnail"]
    kind, markup, src = player["kind"], player["markup"], player["src"]
    url = local(src) if is_local(src) else src

    def tag(name: str) -> str:
        return name.upper() if upper else name

    if markup == "iframe":
        if kind == "vimeo":
            return (
                f'<iframe src="{quote(url)}" width="640" height="360" frameborder="0" '
                'allow="autoplay; fullscreen" allowfullscreen></iframe>'
            )
        return f'<iframe width="560" height="315" src="{quote(url)}" frameborder="0" allowfullscreen></iframe>'
    if markup == "video":
        poster = f' poster="{quote(local(thumbnail))}"' if thumbnail else ""
        if player.get("source_element"):
            return (
                f'<video controls width="640" height="360"{poster}>\n'
                f'  <source src="{quote(url)}" type="video/mp4">\n'
                "  Din webbläsare kan inte visa videon.\n</video>"
            )
        return f'<video src="{quote(url)}"{poster} controls width="640" height="360"></video>'
    if markup == "object" and kind == "youtube":
        return (
            f'<{tag("object")} width="425" height="344"><{tag("param")} name="movie" value="{quote(url)}">'
            f'</{tag("param")}><{tag("param")} name="allowFullScreen" value="true"></{tag("param")}>'
            f'<{tag("embed")} src="{quote(url)}" type="application/x-shockwave-flash" allowfullscreen="true" '
            f'width="425" height="344"></{tag("embed")}></{tag("object")}>'
        )
    if markup == "object":
        flashvars = "file=" + local(player["file"])
        if thumbnail:
            flashvars += "&image=" + local(thumbnail)
        return (
            f'<{tag("object")} type="application/x-shockwave-flash" data="{quote(url)}" width="400" height="300">\n'
            f'<{tag("param")} name="movie" value="{quote(url)}">\n'
            f'<{tag("param")} name="flashvars" value="{quote(flashvars)}">\n'
            f'<{tag("embed")} src="{quote(url)}" flashvars="{quote(flashvars)}" '
            'type="application/x-shockwave-flash" width="400" height="300">\n'
            f"</{tag('object')}>"
        )
    if markup == "embed":
        return (
            f'<{tag("embed")} src="{quote(url)}" type="application/x-shockwave-flash" width="400" height="300" '
            'quality="high">'
        )
    raise ValueError(f"unknown player markup {markup!r}")
