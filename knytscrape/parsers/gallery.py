"""Gallery views (``artiklar.php?id=N&img=K``): the one place where gallery image K lives.

The view is the article page again plus image K shown large with its caption and credit. Where on the
page is unknown, so the image is found in this order:

1. by difference: the image (and lines) the view has that the plain article page does not; when the view
   has several (a viewer such as PhotoSwipe preloads pictures K-1 and K+1 next to K), the one whose file is
   numbered K (``…/stor/K.jpg``, the site's naming);
2. in the lightbox: an image between the ``×`` close button and the logo (the site's chrome order);
3. the first content image that is neither a thumbnail, the logo, the overlay nor the lead image.

Its caption and credit are the lines that follow it (a ``©`` line is the credit), up to the next image
or landmark, leaving out lines that the plain article page also shows. A viewer that prints caption,
credit and counter in touching inline elements (Lightbox2's ``lb-caption``/``lb-number`` spans) glues
them into one line: that line is cut apart again (see ``_unglue``). The preloaded neighbours printed right
after the picture, before its caption, are stepped over.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

from knytscrape.items import ImageItem
from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.article import find_published, is_decoration, is_gallery_link, is_navigation_only
from knytscrape.parsers.textflow import FlowMemo, Image, Line, Token, text_flow
from knytscrape.urls import gallery_position

MAX_CAPTION_LINES = 6
# Rule "counter glued at the end": "…Ali Khan.Bild 4 av 12" -> the view's own counter ends the line
GLUED_COUNTER = re.compile(r"\s*bild\s*(?P<k>\d{1,4})\s*(?:av|/)\s*\d{1,4}\s*$", re.IGNORECASE)
# Rule "credit glued after the caption": "…Ali Khan.© 2013 Johan Gullberg" -> a sentence, then a credit
GLUED_CREDIT = re.compile(r"^(?P<caption>.*?\S[.!?)])\s*(?P<credit>©[^©]*)$")
# Rule "picture numbered K": the number a picture's file carries ("/bilder/1298/stor/5.jpg?w=2000" -> 5)
FILE_NUMBER = re.compile(r"/(?P<k>\d{1,4})\.[a-z0-9]{2,5}(?:[?#].*)?$", re.IGNORECASE)


def _file_number(src: str) -> int | None:
    match = FILE_NUMBER.search(src)
    return int(match.group("k")) if match else None


def _is_stop(line: Line) -> bool:
    return (
        bool(lm.PUBLISHED.match(line.text))
        or lm.is_chrome(line.text)
        or bool(lm.GALLERY.match(line.text))
        or bool(lm.CLOSE_BUTTON.match(line.text))
        or line.in_form
    )


def _candidates(flow: list[Token], known_images: Collection[str] = ()) -> list[int]:
    """Images that may be the gallery image: not the logo or overlay, and not a thumbnail linking to a
    gallery view, unless the plain page does not have it (a large image that links to the next view)."""
    return [
        i for i, t in enumerate(flow)
        if isinstance(t, Image) and not is_decoration(t)
        and (not is_gallery_link(t.link) or (known_images and t.src not in known_images))
    ]


def _is_gallery_nav(line: Line) -> bool:
    """Links to other views ("1 2 3", "Nästa »"), or the same printed as text ("Bild 3 av 12")."""
    return is_navigation_only(line) or bool(lm.GALLERY_NAV.match(line.text))


def _in_lightbox(flow: list[Token], index: int) -> bool:
    """Whether a token sits in the lightbox: after its close button (×), before the site's logo."""
    close = next((i for i, t in enumerate(flow) if isinstance(t, Line) and lm.CLOSE_BUTTON.match(t.text)), None)
    logo = next((i for i, t in enumerate(flow) if isinstance(t, Image) and lm.LOGO_ALT.search(t.alt)), None)
    return close is not None and logo is not None and close < index < logo


def _locate(flow: list[Token], known_images: Collection[str], lead_image: str | None,
            position: int | None = None) -> int | None:
    candidates = _candidates(flow, known_images)
    if known_images:
        new = [i for i in candidates if flow[i].src not in known_images]
        numbered = [i for i in new if position is not None and _file_number(flow[i].src) == position]
        if len(new) > 1 and len(numbered) == 1:
            return numbered[0]  # "picture numbered K": the others are the viewer's preloaded neighbours
        if new:
            return new[0]
    boxed = [i for i in candidates if _in_lightbox(flow, i)]
    if boxed:
        return boxed[0]
    published = find_published(flow)
    pub_index = published[0] if published else len(flow)
    others = [i for i in candidates if flow[i].src != lead_image and flow[i].src not in known_images]
    before = [i for i in others if i < pub_index]
    return (before or others or [None])[0]


def _credit_above(before: list[Token]) -> str | None:
    """A credit line printed just above the picture (navigation in between is stepped over)."""
    for token in reversed(before):
        if not isinstance(token, Line):
            return None
        if _is_gallery_nav(token):
            continue
        return token.text if lm.CREDIT.match(token.text) else None
    return None


def parse_gallery_view(
    html: str,
    url: str,
    known_images: Collection[str] = (),
    known_lines: Collection[str] = (),
    lead_image: str | None = None,
    memo: FlowMemo | None = None,
) -> ImageItem | None:
    """Gallery image K of the view at ``url``; None when the view shows no image.

    ``known_images``/``known_lines``: image URLs and line texts of the plain article page, when the
    caller has them (they make finding the image independent of the markup). ``memo``: the article page's
    ``FlowMemo``, when the caller read it with one: only what the view adds to the page is walked.
    """
    position = gallery_position(url)
    flow = text_flow(html, url, memo)
    index = _locate(flow, set(known_images), lead_image, position)
    if position is None or index is None:
        return None
    image: Image = flow[index]
    # inside the lightbox (before its logo) every line is the picture's own, even one the article repeats
    lines_known = set() if _in_lightbox(flow, index) else set(known_lines)
    # "preloaded neighbours": the other pictures the view adds (a viewer's slides K-1 and K+1)
    neighbours = {t.src for t in flow if isinstance(t, Image) and t.src != image.src} - set(known_images) \
        if known_images else set()
    credit, caption = _read_caption(flow[index + 1:], lines_known, position=position, neighbours=neighbours)
    if credit is None:
        credit = _credit_above(flow[:index])
    if not caption:
        # some layouts print the caption (or the credit) above the image
        credit_before, caption = _read_caption(reversed(flow[:index]), set(known_lines), backwards=True,
                                               position=position)
        credit = credit or credit_before
    return ImageItem(
        position=position,
        url=image.src,
        caption="\n".join(caption) if caption else None,
        credit=credit,
        kind="gallery",
        page_url=url,
    )


def _unglue(line: Line, position: int | None) -> list[Line]:
    """One line as the pieces a viewer printed in touching inline elements, in page order.

    "counter glued at the end": a trailing "Bild K av N" whose K is this view's position is the viewer's
    counter, never caption or credit (it is dropped). "credit glued after the caption": a line that is
    a sentence and then a ``©`` credit is the caption, then the credit."""
    text = line.text
    counter = GLUED_COUNTER.search(text)
    if counter and counter.start() > 0 and position is not None and int(counter.group("k")) == position:
        text = text[:counter.start()].rstrip()
    glued = GLUED_CREDIT.match(text)
    if glued and lm.CREDIT.match(glued.group("credit")):
        texts = [glued.group("caption"), glued.group("credit").strip()]
    else:
        texts = [text]
    return [replace(line, text=t) for t in texts]


def _pieces(tokens, position: int | None, backwards: bool):
    """The tokens with each line cut into its glued pieces (kept in reading order)."""
    for token in tokens:
        if not isinstance(token, Line):
            yield token
            continue
        pieces = _unglue(token, position)
        yield from (reversed(pieces) if backwards else pieces)


def _read_caption(tokens, known_lines: set[str], backwards: bool = False, position: int | None = None,
                  neighbours: Collection[str] = ()) -> tuple[str | None, list[str]]:
    """(credit, caption lines) read from ``tokens`` up to the next picture or landmark. ``neighbours``: the
    view's preloaded neighbouring pictures, stepped over while nothing of the caption has been read."""
    credit: str | None = None
    caption: list[str] = []
    for token in _pieces(tokens, position, backwards):
        if isinstance(token, Image) and token.src in neighbours and not caption and credit is None:
            continue
        if not isinstance(token, Line) or len(caption) >= MAX_CAPTION_LINES:
            break
        if _is_stop(token):
            break
        if _is_gallery_nav(token):
            continue
        if len(token.text) <= 80 and lm.VIEW_ACTIONS.search(token.text):
            break  # "Dela bilden på Facebook · Ladda ner bilden": the view's buttons, after its caption
        if lm.CREDIT.match(token.text):  # may equal the article's credit, so checked before known lines
            if credit is not None:
                break
            credit = token.text
        elif token.text in known_lines:
            break
        else:
            caption.append(token.text)
    if backwards:
        caption.reverse()
    return credit, caption


def page_fingerprint(html: str, url: str) -> tuple[set[str], set[str]]:
    """Image URLs and line texts of a plain article page, to tell a gallery view's additions apart."""
    return flow_fingerprint(text_flow(html, url))


def flow_fingerprint(flow: list[Token]) -> tuple[set[str], set[str]]:
    """``page_fingerprint`` of the page's flow, for a caller that has read it."""
    images: set[str] = set()
    lines: set[str] = set()
    for token in flow:
        if isinstance(token, Image):
            images.add(token.src)
        elif isinstance(token, Line):
            lines.add(token.text)
    return images, lines
