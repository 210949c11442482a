"""Article pages (``artiklar.php?id=N``): HTML -> ArticleItem.

The page is read as a flow of lines and images (textflow) and cut at visible landmarks:

    chrome … Publicerat: DATE | title (twice in the modern template) | lead | [lead image] credit |
    gallery line + thumbnails | lead again | body … | Tillbaka | Kommentarer: … | Lämna en kommentar

The old template (2007–2010) prints the title once, has no gallery line and no repeated lead, and
carries its pictures inline: image, its own credit line, a caption.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from knytscrape.dates import parse_date
from knytscrape.items import ArticleItem, ImageItem
from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.chrome import without_chrome
from knytscrape.parsers.comments import parse_comments
from knytscrape.parsers.textflow import Embed, Image, Line, Token, is_links_only, squash, text_flow
from knytscrape.parsers.zones import HEADER_MARK, PULL_QUOTE, SENTENCE_LENGTH, cut, pull_quotes
from knytscrape.urls import article_id, canonical_article_url, gallery_position

MAX_LEAD_PARAGRAPHS = 3  # "The lead: one to three lines"
MAX_DATE_WORDS = 6  # "lördag den 24 april 2010"
# What stands between a title printed above the date line and the date line: bylines, avatars, separators
TITLE_REACH = 12
TITLE_AGAIN_WITHIN = 3  # lines after the title where it may stand again (after a picture's credit)
ISO_DATE_GLUED = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<rest>\S.*)$")  # "2019-06-078 min läsning"
DATE_PART_SEPARATOR = re.compile(r"\s+[•·|]\s+")  # "14 maj 2022 • 3 min läsning"


def same_title(a: str, b: str) -> bool:
    return squash(a).rstrip(".").casefold() == squash(b).rstrip(".").casefold()


@dataclass
class Picture:
    """An image with the credit and caption lines that follow it."""

    image: Image
    credit: str | None = None
    caption: list[str] | None = None
    before_body: bool = True  # seen before the first body paragraph (a modern lead image)


@dataclass
class Segment:
    kind: str  # "para", "image", "credit", "gallery"
    lines: list[str] = field(default_factory=list)
    image: Image | None = None
    count: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def content_ids(flow: list[Token]) -> set[int]:
    """The ``id`` of every token of the flow that is the page's own content (``without_chrome``)."""
    return {id(token) for token in without_chrome(flow)}


def find_published(flow: list[Token], content: set[int] | None = None) -> tuple[int, str | None] | None:
    """Index of the ``Publicerat:`` line and the raw date text; None when the page has none. The site's
    own form first; then the forms a template may print it in ("Publicerad 3 maj", "Publicerat den ...").
    ``content``: the flow's ``content_ids`` when the caller has them."""
    for pattern in (lm.PUBLISHED, lm.PUBLISHED_LOOSE):
        for index, token in enumerate(flow):
            if isinstance(token, Line):
                match = pattern.match(token.text)
                if match:
                    raw = match.group("raw").strip() or None
                    return index, raw
    if content is None:
        content = content_ids(flow)
    for index, token in enumerate(flow):  # DATE_HEADING: a heading that is a date and nothing else (a blog's)
        if (isinstance(token, Line) and token.heading and id(token) in content
                and len(token.text.split()) <= MAX_DATE_WORDS and parse_date(token.text)):
            return index, token.text
    return None


def is_not_found(item: ArticleItem) -> bool:
    return any(lm.NOT_FOUND.match(text) for text in (item.title, item.lead) if text)


def find_title_heading(flow: list[Token], content: set[int] | None = None) -> int | None:
    """Index of the page's first heading that is neither chrome nor a row of links: where an article whose
    date line cannot be found begins (its title). ``content``: the flow's ``content_ids`` when known."""
    if content is None:
        content = content_ids(flow)
    for index, token in enumerate(flow):
        if (isinstance(token, Line) and token.heading and id(token) in content and not is_links_only(token)
                and not token.in_form and not lm.is_chrome(token.text) and len(token.text) > 3):
            return index
    return None


def position_of(url: str) -> int | None:
    """``gallery_position``, remembered for the usual short addresses: a gallery's views print the same links,
    and every view reads them all."""
    return _position_cached(url) if len(url) <= 500 else gallery_position(url)


_position_cached = functools.lru_cache(maxsize=4096)(gallery_position)


def is_gallery_link(url: str | None) -> bool:
    return bool(url) and position_of(url) is not None


def is_navigation_only(line: Line) -> bool:
    """A line made only of links to gallery views ("1 2 3 4", "Visa bilderna »")."""
    return is_links_only(line) and all(is_gallery_link(href) for href in line.hrefs)


def same_picture(first: Image, second: Image) -> bool:
    """Two files of one picture side by side (a blurred preview and the picture, "tumme/1.jpg" then
    "stor/1.jpg"): the same file name in another folder or size."""
    name = PurePosixPath(urlsplit(first.src).path).name
    return bool(name) and name == PurePosixPath(urlsplit(second.src).path).name and first.src != second.src


def is_decoration(image: Image) -> bool:
    """The lightbox overlay or the logo: never content."""
    return bool(lm.OVERLAY_IMAGE.search(image.src)) or bool(lm.LOGO_ALT.search(image.alt))


class ArticleParser:
    """One ``_parse_<field>`` per field, each on the flow of the page, cut into zones by ``zones.cut``.

    ``site_chrome`` (a ``SiteChrome`` learned before the run from the page archive) names the lines the site
    prints on many pages, which are left out of the text's tail; without it, only the named rules apply."""

    def __init__(self, site_chrome=None):
        self.site_chrome = site_chrome

    def parse(self, html: str, url: str) -> ArticleItem | None:
        """The article on the page, or None when the page holds no article.

        A page at an article address is an article when it has the ``Publicerat:`` line; without one, when
        it has a title heading and something of an article after it (text, the credit, the gallery line or
        the comment section): then what can be read is, the date is NULL, and ``unread`` says why. A page
        with neither (a "not found" page, the front page a gap redirects to) is none."""
        return self.read(text_flow(html, url), url)

    def read(self, flow: list[Token], url: str) -> ArticleItem | None:
        """``parse`` of the page's flow (``text_flow``), for a caller that has it."""
        number = article_id(url)
        if number is None:
            return None
        content = content_ids(flow)  # the page without its chrome, worked out once for every landmark below
        found = find_published(flow, content)
        if found is None:
            title_index = find_title_heading(flow, content)
            if title_index is None:
                return None
            item = self._read(flow, url, number, title_index, None)
            if not (item.lead or item.body or item.credit or item.gallery_line or item.has_comment_section):
                return None
            if is_not_found(item):
                return None
            item.unread = "no Publicerat: line; the title is the page's first heading"
            return item
        pub_index, raw = found
        item = self._read(flow, url, number, pub_index + 1, raw,
                          *(self._title_before(flow, pub_index, content) or (None, [])))
        if not lm.PUBLISHED.match(flow[pub_index].text):
            heading = find_title_heading(flow, content)
            if is_not_found(item) or (heading is not None and lm.NOT_FOUND.match(flow[heading].text)):
                return None  # a "not found" page with a list of dated teasers
        return item

    @staticmethod
    def _title_before(flow: list[Token], pub_index: int, content: set[int]) -> tuple[str, list[Line]] | None:
        """A title heading printed above the date line (as some templates do), and the lead when one stands
        between them (an excerpt): going up from the date line over what a byline is made of (the author's
        link, an avatar, separators, a reading time), to the nearest heading. None when there is none.
        ``content``: the flow's ``content_ids``."""
        lead: list[Line] = []
        for index in range(pub_index - 1, max(-1, pub_index - TITLE_REACH), -1):
            token = flow[index]
            if not isinstance(token, Line):
                continue  # an avatar, a picture
            if id(token) not in content or lm.is_chrome(token.text):
                return None
            if (is_links_only(token) or HEADER_MARK.match(token.text) or lm.BY_WORD.match(token.text)
                    or lm.is_header_meta(token.text)):
                continue
            if token.heading:
                if len(token.text.split()) < 2:
                    return None  # the site's name, a section's label
                return token.text, lead
            if lead or len(token.text) <= SENTENCE_LENGTH:
                return None
            lead = [token]  # one paragraph of text between the title and its date line: the excerpt
        return None

    def _read(self, flow: list[Token], url: str, number: int, start: int, raw: str | None,
              title_before: str | None = None, lead_before: list[Line] | None = None) -> ArticleItem:
        """The article whose header starts at ``start`` of the flow (after its date line, if any)."""
        zones = cut(flow, start, url, self.site_chrome)
        published_raw, content = self._parse_published_raw(raw, zones.text)
        first = next((t for t in content if isinstance(t, Line)), None)
        if title_before and lead_before and (first is None or not first.heading):
            # title and lead above the date line, pictures and text below it
            title, duplicated = title_before, False
            content = [*lead_before, *content]
        elif title_before and first is not None and not first.heading and not same_title(first.text, title_before):
            title, duplicated = title_before, False  # the title stood above the date line; the text follows it
        else:
            title, duplicated, content = self._parse_title(content)
        segments = self._segments(content)
        lead, segments = self._parse_lead(segments)
        pictures, body, image_count, gallery_line, repeated_lead = self._read_sections(segments, lead, title)
        quoted = pull_quotes(body)
        if quoted:
            zones.count(PULL_QUOTE, len(quoted))
            body = [text for index, text in enumerate(body) if index not in quoted]
        modern = duplicated or gallery_line is not None or repeated_lead
        if lead is None and body and not modern:
            lead = body.pop(0)  # an old page whose pictures came before any text: its first paragraph
        # (the modern template prints its lead before the pictures: none there means no lead)
        lead_picture = pictures[0] if modern and pictures and pictures[0].before_body else None
        inline = [p for p in pictures if p is not lead_picture]
        has_section, comments = parse_comments(zones.after_body)
        return ArticleItem(
            id=number,
            url=canonical_article_url(number),
            source_url=url,
            title=title,
            published_raw=published_raw,
            lead=lead,
            body="\n\n".join(body) if body else None,
            credit=self._parse_credit(lead_picture, inline),
            image_count=image_count,
            gallery_line=gallery_line,
            lead_image_url=(lead_picture.image.src or None) if lead_picture else None,
            template="modern" if modern else "old",
            images=self._parse_images(inline, url),
            comments=comments,
            has_comment_section=has_section,
            gallery_positions=self._parse_gallery_positions(flow),
            zone_cuts=zones.cut_by,
        )

    # -- cutting the page -------------------------------------------------------------------------

    def _parse_published_raw(self, raw: str | None, content: list[Token]) -> tuple[str | None, list[Token]]:
        lines = [t for t in content if isinstance(t, Line)]
        if raw is None and lines and lm.PUBLISHED_VALUE.match(lines[0].text):
            # label and value in separate elements: the date is the next line
            first = lines[0]
            raw, rest = lm.split_published(first.text)
            others = [t for t in content if t is not first]
            return raw, ([Line(rest, first.block), *others] if rest else others)
        parts = DATE_PART_SEPARATOR.split(raw) if raw else []
        if len(parts) > 1 and (all(lm.is_header_meta(part) for part in parts[1:])
                               or lm.PUBLISHED_VALUE.match(parts[0])):
            raw = parts[0]  # "14 maj 2022 • 3 min läsning", "2024-11-09 · 4 min · Johan Gullberg": the line's facts
        glued = ISO_DATE_GLUED.match(raw or "")
        if glued and lm.is_header_meta(glued.group("rest")):
            raw = glued.group("date")  # a divider drawn by CSS between the date and the reading time
        raw, rest = lm.split_published(raw)
        if rest and lm.is_header_meta(rest):  # "2016-05-03 | Uppdaterad: ...", "2014-06-14 av Johan Gullberg"
            rest = None
        if rest:  # the title ran on after the date on the same line
            block = lines[0].block if lines else -1
            return raw, [Line(rest, block), *content]
        return raw, content

    def _parse_title(self, content: list[Token]) -> tuple[str | None, bool, list[Token]]:
        lines = [i for i, t in enumerate(content) if isinstance(t, Line)]
        if not lines:
            return None, False, content
        first = lines[0]
        title = content[first].text
        drop = {first}
        # the title printed again: next, or after a picture and its credit (a theme that puts the picture first)
        again = next((i for i in lines[1:TITLE_AGAIN_WITHIN + 1] if same_title(content[i].text, title)), None)
        duplicated = again is not None
        if duplicated:
            drop.add(again)
        return title, duplicated, [t for i, t in enumerate(content) if i not in drop]

    def _segments(self, content: list[Token]) -> list[Segment]:
        """Paragraphs, images, credit lines and gallery lines in page order."""
        segments: list[Segment] = []
        current: Segment | None = None
        current_block = None
        for token in content:
            if isinstance(token, Embed):
                continue  # a player in an article is not text (the videos spider reads players)
            if isinstance(token, Image):
                current = None
                if token.background or is_decoration(token) or is_gallery_link(token.link):
                    continue  # gallery thumbnails are read from their own &img=K views
                if segments and segments[-1].kind == "image" and same_picture(segments[-1].image, token):
                    segments[-1] = Segment("image", image=token)  # a preview, then the picture itself: one
                    continue
                segments.append(Segment("image", image=token))
                continue
            text = token.text
            if len(token.links) >= 2 and is_links_only(token):
                current = None
                continue  # a row of links in the article ("Dela på Facebook | Skriv ut"): not text
            gallery = lm.GALLERY.match(text)  # before the navigation check: the line may be a link
            if not gallery and is_navigation_only(token):
                current = None
                continue
            if gallery:
                segments.append(Segment("gallery", [text], count=int(gallery.group("count"))))
                current = None
            elif lm.CREDIT.match(text):
                run_on = lm.CREDIT_THEN_TEXT.match(text)
                credit, rest = (run_on.group("credit"), run_on.group("rest")) if run_on else (text, None)
                segments.append(Segment("credit", [credit]))
                current = None
                if rest:  # e.g. the gallery line beside the credit, one visual line apart
                    gallery = lm.GALLERY.match(rest)
                    segments.append(Segment("gallery", [rest], count=int(gallery.group("count"))) if gallery
                                    else Segment("para", [rest]))
            elif current is not None and current.kind == "para" and current_block == token.block:
                current.lines.append(text)
            else:
                current = Segment("para", [text])
                segments.append(current)
            current_block = token.block
        return segments

    def _parse_lead(self, segments: list[Segment]) -> tuple[str | None, list[Segment]]:
        """The first paragraph; or, in the modern template, all paragraphs before the pictures when the
        page prints them again after the pictures (a lead in several elements)."""
        for index, segment in enumerate(segments):
            if segment.kind == "para":
                several = self._lead_in_pieces(segments, index)
                if several:
                    return "\n".join(p.text for p in several), segments[index + len(several):]
                return segment.text, segments[index + 1:]
            if segment.kind in ("credit", "gallery"):
                # a picture before the lead (K2): the first paragraph is the lead when the page prints it again
                paras = [i for i, seg in enumerate(segments) if seg.kind == "para"]
                if len(paras) >= 2 and squash(segments[paras[0]].text) == squash(segments[paras[1]].text):
                    return segments[paras[0]].text, segments[:paras[0]] + segments[paras[0] + 1:]
                break  # no lead before the pictures
        return None, segments

    @staticmethod
    def _lead_in_pieces(segments: list[Segment], start: int) -> list[Segment] | None:
        pieces = []
        for segment in segments[start:start + MAX_LEAD_PARAGRAPHS + 1]:
            if segment.kind != "para":
                break
            pieces.append(segment)
        if not 1 < len(pieces) <= MAX_LEAD_PARAGRAPHS:
            return None
        rest = segments[start + len(pieces):]
        if not rest or rest[0].kind == "para":
            return None  # no pictures follow: these are lead and body
        candidate = squash(" ".join(p.text for p in pieces))
        after = [seg for seg in rest if seg.kind == "para"]
        repeated = squash(" ".join(p.text for p in after[: len(pieces) + 2]))
        return pieces if repeated.startswith(candidate) else None

    def _read_sections(self, segments: list[Segment], lead: str | None, title: str | None = None):
        """Pictures (image + credit + caption), body paragraphs, the gallery count, the repeated lead.
        The title printed again before the body (after the pictures) is not body."""
        pictures: list[Picture] = []
        body: list[str] = []
        image_count = gallery_line = None
        repeated_lead = False
        open_picture: Picture | None = None  # a picture that may still get its credit or caption
        awaiting_caption = False
        pending_repeat: list[str] = []  # paragraphs that may be the lead printed again in pieces
        for segment in segments:
            if segment.kind == "image":
                open_picture = Picture(segment.image, before_body=not body)
                pictures.append(open_picture)
                awaiting_caption = False
            elif segment.kind == "credit":
                if open_picture is not None and open_picture.credit is None:
                    open_picture.credit = segment.text
                    awaiting_caption = True
                else:
                    pictures.append(Picture(Image("", "", -1), credit=segment.text, before_body=not body))
                    open_picture, awaiting_caption = None, False
            elif segment.kind == "gallery":
                if image_count is None:
                    image_count, gallery_line = segment.count, segment.text
                open_picture, awaiting_caption = None, False
            elif title and not body and not pending_repeat and not awaiting_caption and same_title(segment.text, title):
                open_picture, awaiting_caption = None, False
            else:
                is_lead_again = (
                    lead is not None and not body and not repeated_lead and self._continues_lead(pending_repeat,
                                                                                              segment, lead)
                )
                if is_lead_again:
                    pending_repeat.append(segment.text)
                    if squash(" ".join(pending_repeat)) == squash(lead):
                        repeated_lead, pending_repeat = True, []
                    open_picture, awaiting_caption = None, False
                    continue
                body.extend(pending_repeat)
                pending_repeat = []
                if open_picture is not None and awaiting_caption:
                    open_picture.caption = segment.lines
                    open_picture, awaiting_caption = None, False
                    continue
                open_picture = None
                body.append(segment.text)
        body.extend(pending_repeat)
        return [p for p in pictures if p.image.src or p.credit], body, image_count, gallery_line, repeated_lead

    @staticmethod
    def _continues_lead(pending: list[str], segment: Segment, lead: str) -> bool:
        candidate = squash(" ".join([*pending, segment.text]))
        return squash(lead).startswith(candidate) and bool(candidate)

    # -- fields -----------------------------------------------------------------------------------

    def _parse_credit(self, lead_picture: Picture | None, inline: list[Picture]) -> str | None:
        if lead_picture and lead_picture.credit:
            return lead_picture.credit
        for picture in inline:
            if picture.credit:
                return picture.credit
        return None

    def _parse_images(self, pictures: list[Picture], url: str) -> list[ImageItem]:
        items = []
        for picture in pictures:
            if not picture.image.src:
                continue  # a credit line without an image: nothing to store as a picture
            items.append(
                ImageItem(
                    position=len(items) + 1,
                    url=picture.image.src,
                    caption="\n".join(picture.caption) if picture.caption else None,
                    credit=picture.credit,
                    kind="inline",
                    page_url=url,
                )
            )
        return items

    def _parse_gallery_positions(self, flow: list[Token]) -> list[int]:
        positions: set[int] = set()
        for token in flow:
            hrefs = [token.link] if isinstance(token, Image) else getattr(token, "hrefs", [])
            for href in hrefs:
                k = position_of(href) if href else None
                if k:
                    positions.add(k)
        return sorted(positions)
