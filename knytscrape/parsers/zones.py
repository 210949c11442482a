"""A page's own content cut once into zones, the same way for every page type.

    chrome (menu, sidebars, link rows: ``chrome.py``) | header | text | after-body | comments | form

* **header**: the lines around the title that are not the title: updated lines, bylines, counters, a share
  row standing before the text (``HEADER_META``, ``HEADER_SHARE_ROW``);
* **text**: the title, lead, pictures and body, in order; an advert inside it is cut out with its label
  (``ADVERT_BLOCK``);
* **after-body**: from the first line that ends the text (``TEXT_END``: the back link, a share or print row, a
  list label, the comment section, the form) and the tail of the text that reads as navigation rather than
  body (``LINK_LIST_TAIL``, ``LINK_DENSE_TAIL``) or that the site prints on many pages (``LEARNED_CHROME``,
  see ``site_chrome.py``);
* **comments** and **form**: read from the after-body by ``comments.py``.

Every rule has a name (the constants in ``RULES``), a docstring that says why, and a test page that pins it
(tests/test_zones.py and the saved pages under tests/). The parsers of articles, videos and events ask these
functions; none keeps a rule of its own for where the text ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.textflow import Embed, Image, Line, Token, is_links_only

# -- rule names (shown in docs/parsing.md; tests name the rule they pin) --------------------------------------
HEADER_META = "header-meta"  # an updated line, a byline, a counter before the text: header, not title or lead
HEADER_SHARE_ROW = "header-share-row"  # "Dela:" before the text: header
HEADER_LINKS = "header-links"  # before the text, a line of nothing but links (author, category, share, count)
HEADER_MARKS = "header-marks"  # before the text: a separator, a bare count, a lone "Av", the page's tools
UPDATED_ANYWHERE = "updated-line"  # "Uppdaterad: 2019-05-26 10:15" anywhere: never text
ADVERT_BLOCK = "advert-block"  # "Annons" and the short block it introduces (with its picture)
TEXT_END = "text-end"  # back link, share/print row, list label, comment section, form, sidebar header
LIST_IN_TEXT = "list-in-text"  # a list label followed by more text stood inside the article
FORM_IN_TEXT = "form-in-text"  # a box with a form (a newsletter sign-up) with the article's text after it
FORM_TITLE = "form-title"  # the heading right before a form (a poll's question) is the form's
SIGN_UP_CALL = "sign-up-call"  # "Prenumerera på nyhetsbrevet" as a link in a short paragraph, or its emoji
PULL_QUOTE = "pull-quote"  # a paragraph printed again in full later (a pull quote) and its attribution
LINK_LIST_TAIL = "link-list-tail"  # two or more lines of nothing but links at the end of the text
LINK_DENSE_TAIL = "link-dense-tail"  # a last block of two links or more that are most of its text
LEARNED_CHROME = "learned-chrome"  # a line the site prints on many pages of other records
RULES = (HEADER_META, HEADER_SHARE_ROW, HEADER_LINKS, HEADER_MARKS, UPDATED_ANYWHERE, ADVERT_BLOCK, TEXT_END,
         LIST_IN_TEXT, FORM_IN_TEXT, FORM_TITLE, SIGN_UP_CALL, PULL_QUOTE, LINK_LIST_TAIL,
         LINK_DENSE_TAIL, LEARNED_CHROME)

# A line of text this long (or longer) is a sentence of the article: share rows in the header come before it.
SENTENCE_LENGTH = 60
# A block of two links or more at the text's end is navigation when the words outside its links are at most a
# label ("Fler nyheter:", "och"), or when links make this share of its text.
LINK_LABEL_WORDS = 3
LINK_DENSITY = 0.7
BACK_WORD = re.compile(r"\bTillbaka\b", re.IGNORECASE)
HEADER_MARK = re.compile(r"^(?:[^\w]+|\d{1,7})$")  # "·", "-", "|", "412": no words
SIGN_UP_LINK = re.compile(r"\b(?:prenumerera|nyhetsbrev(?:et)?|bli\s+medlem|swisha|stöd\s+knytpunkt)\b", re.I)
SIGN_UP_MAX = 140  # characters: a call to sign up is a line or two
DECORATION = re.compile(r"^[^\w]{1,3}$")  # "📬", "✉": a callout's emoji


@dataclass
class Zones:
    """The page's own content from its start (the line after the date line, or the title) on."""

    header: list[Token] = field(default_factory=list)
    text: list[Token] = field(default_factory=list)
    after_body: list[Token] = field(default_factory=list)
    adverts: list[Token] = field(default_factory=list)  # cut out of the text by ADVERT_BLOCK
    cut_by: dict[str, int] = field(default_factory=dict)  # rule name -> lines it moved out of the text

    def count(self, rule: str, lines: int = 1) -> None:
        self.cut_by[rule] = self.cut_by.get(rule, 0) + lines


def ends_text(line: Line) -> bool:
    """TEXT_END: a line after which nothing is the page's own text any more."""
    return (
        line.in_form
        or bool(lm.BACK.match(line.text))
        or (is_links_only(line) and bool(lm.BACK_TO_LIST.match(line.text)))  # "« Alla videor", as a link
        or (is_links_only(line) and any(BACK_WORD.search(text) for _, text in line.links))  # "Läs mer | Tillbaka"
        or bool(lm.COMMENTS_HEADER.match(line.text))
        or bool(lm.COMMENT_FORM.match(line.text))
        or lm.is_chrome(line.text)
        or lm.is_after_body(line.text)  # share rows, "Läs också:" lists
    )


def is_comment_link(line: Line) -> bool:
    """"Kommentarer (3)" as a link (to the comment section below): in the header it is a count, not the section."""
    return is_links_only(line) and bool(lm.COMMENTS_HEADER.match(line.text))


def text_follows(flow: list[Token], index: int, within: int = 12) -> bool:
    """LIST_IN_TEXT: whether a paragraph of text follows a list label's links: then the list stood inside the
    article."""
    for token in flow[index + 1:index + 1 + within]:
        if isinstance(token, Line) and (lm.COMMENTS_HEADER.match(token.text) or lm.COMMENT_FORM.match(token.text)):
            return False
        if isinstance(token, Line) and not token.links and len(token.text) > 100:
            return True
    return False


def cut(flow: list[Token], start: int, page_url: str | None = None, site_chrome=None) -> Zones:
    """The zones of the page's content that begins at ``start`` of its (chrome-free or whole) flow.

    ``site_chrome`` (a ``SiteChrome``, learned before the run), when given, cuts from the text's tail what the
    site prints on many other pages; ``page_url`` is the page's address."""
    zones = Zones()
    texted = False
    end = len(flow)
    boxes: set[int] = set()  # FORM_IN_TEXT: the lines of a form the article's text goes on after
    for index in range(start, len(flow)):
        token = flow[index]
        if not isinstance(token, Line) or index in boxes:
            continue
        if token.in_form and texted:
            box = form_box(flow, index)
            if box:
                boxes |= box
                zones.count(FORM_IN_TEXT, sum(isinstance(flow[i], Line) for i in box))
                continue
        if (ends_text(token) and (texted or not (lm.is_after_body(token.text) or is_comment_link(token)))
                and not (lm.LIST_LABEL.match(token.text) and text_follows(flow, index))):
            end = index  # a share or print row ends the text only once there is text: before, it is the header's
            break
        texted = texted or len(token.text) > SENTENCE_LENGTH
    zones.after_body = list(flow[end:])
    content = [t for i, t in enumerate(flow[start:end], start) if i not in boxes]
    if end < len(flow) and isinstance(flow[end], Line) and flow[end].in_form:
        last = next((i for i in range(len(content) - 1, -1, -1) if isinstance(content[i], Line)), None)
        if last is not None and last > 0 and content[last].heading:  # FORM_TITLE: "Tyck till: …?" above a poll
            zones.after_body.insert(0, content.pop(last))
            zones.count(FORM_TITLE)
    _split_header(content, zones)
    tail = navigation_tail(zones.text, zones, site_chrome, page_url)
    if tail:
        zones.after_body = zones.text[-tail:] + zones.after_body
        zones.text = zones.text[:-tail]
    return zones


def text_lines(lines: list[Line], page_url: str) -> tuple[list[Line], Zones]:
    """The lines of a text that has no header of its own (a video's or an event's description): up to the first
    line that ends the text (``TEXT_END``), without the tail that is the site's navigation."""
    zones = Zones()
    end = next((i for i, line in enumerate(lines) if ends_text(line)), len(lines))
    text = lines[:end]
    tail = navigation_tail(text, zones, page_url=page_url)
    return text[:len(text) - tail], zones


def form_box(flow: list[Token], index: int) -> set[int]:
    """FORM_IN_TEXT: the indices of the form that starts at ``index`` when it is a box inside the article: no
    comment form, and a sentence of the article's text follows it. Empty otherwise (the form ends the text)."""
    box, after = set(), None
    for i in range(index, min(len(flow), index + 200)):
        token = flow[i]
        if isinstance(token, Line) and not token.in_form:
            after = token
            break
        if isinstance(token, Line) and (lm.COMMENT_FORM.match(token.text) or lm.COMMENTS_HEADER.match(token.text)):
            return set()
        box.add(i)
    if (after is None or ends_text(after) or after.links or len(after.text) < 30
            or not after.text.rstrip().endswith((".", "!", "?"))):
        return set()
    return box


def is_sign_up_call(content: list[Token], index: int) -> bool:
    """SIGN_UP_CALL: a short paragraph whose link asks to subscribe ("Vill du få nyheterna i mejlen?
    Prenumerera på nyhetsbrevet"), or the emoji standing beside one in its box."""
    line = content[index]
    if any(SIGN_UP_LINK.search(text) for _, text in line.links):
        block = [t for t in content if isinstance(t, Line) and t.block == line.block]
        return sum(len(t.text) for t in block) <= SIGN_UP_MAX
    if DECORATION.match(line.text):
        following = next((t for t in content[index + 1:] if isinstance(t, Line)), None)
        return following is not None and any(SIGN_UP_LINK.search(text) for _, text in following.links)
    return False


def pull_quotes(paragraphs: list[str]) -> set[int]:
    """PULL_QUOTE: the paragraphs that are printed again in full in a later paragraph (a quote pulled out
    of the text), with the short line naming who said it right after each."""
    found: set[int] = set()
    squashed = [" ".join(p.split()) for p in paragraphs]
    for i, text in enumerate(squashed):
        quote = text.rstrip(".!?…”\"' ")
        if len(quote) >= 20 and any(quote in later and later != text for later in squashed[i + 1:]):
            found.add(i)
            following = squashed[i + 1] if i + 1 < len(squashed) else ""
            if following and len(following) <= 60 and not following.endswith((".", "!", "?")):
                found.add(i + 1)  # "Sanna Mäkinen, bibliotekarie"
    return found


def _split_header(content: list[Token], zones: Zones) -> None:
    """HEADER_META, HEADER_SHARE_ROW, UPDATED_ANYWHERE and ADVERT_BLOCK: what the header and the text carry that
    is not the article."""
    skipped, texted = set(), False
    for index, token in enumerate(content):
        if index in skipped:
            continue
        if isinstance(token, Line):
            header = not texted and not token.heading  # the header: before the first sentence of text
            if header and lm.is_header_meta(token.text):
                zones.header.append(token)
                zones.count(HEADER_META)
                continue
            if header and len(token.text) <= 40 and lm.SHARE_ROW.match(token.text):
                zones.header.append(token)
                zones.count(HEADER_SHARE_ROW)
                continue
            if header and is_links_only(token) and not (lm.GALLERY.match(token.text) or lm.CREDIT.match(token.text)):
                zones.header.append(token)  # the title is never a bare link beside its date; a heading may be
                zones.count(HEADER_LINKS)
                continue
            if header and (HEADER_MARK.match(token.text) or lm.BY_WORD.match(token.text)
                           or lm.PAGE_TOOLS.match(token.text)):
                zones.header.append(token)
                zones.count(HEADER_MARKS)
                continue
            if len(token.text) <= SENTENCE_LENGTH and lm.UPDATED.match(token.text):
                zones.header.append(token)
                zones.count(UPDATED_ANYWHERE)
                continue
            if is_sign_up_call(content, index):
                zones.adverts.append(token)
                zones.count(SIGN_UP_CALL)
                continue
            if lm.ADVERT.match(token.text):
                advert = advert_lines(content, index)
                skipped |= advert
                zones.adverts.extend(content[i] for i in sorted(advert))
                zones.count(ADVERT_BLOCK, 1 + len(advert))
                continue
            texted = texted or len(token.text) > SENTENCE_LENGTH
        zones.text.append(token)


def advert_lines(content: list[Token], label: int) -> set[int]:
    """ADVERT_BLOCK: the lines an "Annons" label introduces: the next line when it runs on in the label's block,
    else the next block - when short (an advert is a line or two; longer text after the label is the
    article's)."""
    lines = [(i, t) for i, t in enumerate(content) if i > label and isinstance(t, Line)]
    if not lines:
        return set()
    first_index, first = lines[0]
    if first.block == content[label].block:
        chosen = {first_index} if len(first.text) <= 120 else set()
    else:
        block = [(i, t) for i, t in lines if t.block == first.block]
        chosen = {i for i, _ in block} if len(block) <= 3 and sum(len(t.text) for _, t in block) <= 200 else set()
    # the advert's picture: between the label and the end of its text (or the next line, when it has none)
    end = max(chosen, default=first_index)
    return chosen | {i for i in range(label + 1, end + 1) if isinstance(content[i], Image)}


def _blocks_from_end(text: list[Token]) -> list[tuple[int, list[Line]]]:
    """The text's trailing lines grouped by block, last block first, as (index of its first token, lines).
    It stops at the last picture, player, credit or gallery line, and the block right after one of those
    (a picture's caption) is not among them: what stands there is the article's."""
    blocks: list[tuple[int, list[Line]]] = []
    for index in range(len(text) - 1, -1, -1):
        token = text[index]
        if isinstance(token, (Image, Embed)) or lm.CREDIT.match(token.text) or lm.GALLERY.match(token.text):
            return blocks[:-1]  # the block right after it is its caption
        if blocks and blocks[-1][1][0].block == token.block:
            blocks[-1] = (index, [token, *blocks[-1][1]])
        else:
            blocks.append((index, [token]))
    return blocks


def links_here(lines: list[Line], page_url: str | None) -> bool:
    """Every link of the lines leads to another page of this site (its articles, sections, lists): a
    related list or the site's navigation. A link elsewhere is the author's (a source, a ticket seller)."""
    host = urlsplit(page_url).netloc if page_url else None
    hrefs = [href for line in lines for href, _ in line.links]
    return bool(hrefs) and all(urlsplit(href).netloc == host for href in hrefs)


def is_sentence(lines: list[Line]) -> bool:
    """The block ends like a sentence of the article (a full stop, ! or ?): "Konserten med Kent och Veronica
    Maggio." is text, whatever links it holds."""
    last = lines[-1]
    return last.text.rstrip().endswith((".", "!", "?")) and not is_links_only(last)  # a linked title is no sentence


def is_link_dense(lines: list[Line]) -> bool:
    """LINK_DENSE_TAIL: two links or more with at most a label and separators between them ("Fler nyheter:
    A, B och C"), or that make nearly all the block's text. A sentence with two links has words of its own."""
    links = [text for line in lines for _, text in line.links]
    if len(links) < 2:
        return False
    total = sum(len(line.text) for line in lines)
    rest = " ".join(line.text for line in lines)
    for text in links:
        rest = rest.replace(text, " ", 1)
    own_words = [word for word in rest.split() if any(ch.isalpha() for ch in word)]
    return len(own_words) <= LINK_LABEL_WORDS or sum(len(text) for text in links) >= LINK_DENSITY * total


def navigation_tail(text: list[Token], zones: Zones, site_chrome=None, page_url: str | None = None) -> int:
    """How many tokens at the end of the text are not body: lines the site prints on many pages, a block of
    links to the site's own pages, or two or more lines of nothing but such a link. It goes up from the end
    and stops at the first block that is the article's: a sentence, a link elsewhere, a caption, a credit.
    Never the whole text: the first line (the title, or the lead) stays."""
    cut_at = len(text)
    links_only_run: list[int] = []
    for index, lines in _blocks_from_end(text):
        if index == 0:
            break
        if site_chrome is not None and all(site_chrome.is_chrome(line.text, page_url) for line in lines):
            zones.count(LEARNED_CHROME, len(lines))
            site_chrome.lines_cut += len(lines)
            cut_at = index
            continue
        if is_sentence(lines) or not links_here(lines, page_url):
            break
        if is_link_dense(lines):
            zones.count(LINK_DENSE_TAIL, len(lines))
            cut_at = index
            continue
        if all(is_links_only(line) and len(line.links) == 1 for line in lines):
            links_only_run.append(index)  # one link alone may be the article's own: two in a row are a list
            continue
        break
    if len(links_only_run) >= 2 and links_only_run[-1] < cut_at:
        zones.count(LINK_LIST_TAIL, len(links_only_run))
        cut_at = links_only_run[-1]
    return len(text) - cut_at
