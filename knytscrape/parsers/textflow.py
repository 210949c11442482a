"""Turn any HTML page into the flow of text lines and images a reader sees.

The real site's markup is unknown, so parsers do not walk the DOM: they read this flow and anchor on
visible landmarks. The flow is the same whether the page uses <div>/<p>, nested tables with
``<br>``-separated text or bare text nodes:

* a ``Line`` is one visual line of text (whitespace and NBSP collapsed), with the links on it;
* lines of one paragraph share a ``block`` number; a block-level element or a blank line made by two
  ``<br>`` starts a new block;
* an ``Image`` is an ``<img>`` (or an element with a CSS ``background-image``) at its place in the flow;
* text struck through (``<s>``, ``<strike>``, ``<del>``, CSS ``line-through``) stays in the line's text, as a
  browser prints it, and is also listed in the line's ``struck``: a value the page has replaced.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, uses_netloc

from lxml import etree

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "legend",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
EMBED_TAGS = frozenset(["iframe", "video", "audio", "object", "embed",
                        "amp-video", "amp-audio", "amp-iframe", "amp-youtube", "amp-vimeo"])
# AMP's players are the same players under other names; amp-youtube and amp-vimeo name the provider's video id
AMP_TAGS = {"amp-video": "video", "amp-audio": "audio", "amp-iframe": "iframe"}
AMP_PROVIDERS = {"amp-youtube": "https://www.youtube.com/embed/{}", "amp-vimeo": "https://player.vimeo.com/video/{}"}
# Plyr names the provider and the video id in data attributes of an empty element
PLYR_PROVIDERS = {"youtube": "https://www.youtube.com/embed/{}", "vimeo": "https://player.vimeo.com/video/{}"}
# A page builder's video widget keeps its video's address in a JSON attribute (Elementor's data-settings)
SETTINGS_ATTRIBUTES = ("data-settings", "data-video-settings")
SKIPPED_TAGS = frozenset(
    ["head", "script", "style", "noscript", "template", "textarea", "select", "option", "svg",
     "amp-ad", "amp-embed", "amp-sticky-ad", "amp-auto-ads"]  # AMP's adverts: an ad slot, not the page's text
)
BLOCK_STYLE = re.compile(r"(?:^|;)\s*(?:float\s*:\s*(?:left|right)|display\s*:\s*(?:block|flex|grid|table))", re.I)
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-lazy")
PLACEHOLDER_SOURCE = re.compile(r"^\s*(?:about:|javascript:|data:|#)", re.IGNORECASE)
# A cover that loads the provider's player when clicked names the video in a data attribute
CLICK_TO_LOAD = {"data-youtube-id": "https://www.youtube.com/embed/{}", "data-yt-id": "https://www.youtube.com/embed/{}",
                 "data-vimeo-id": "https://player.vimeo.com/video/{}"}
SWFOBJECT = re.compile(r"swfobject|embedSWF", re.IGNORECASE)
# swfobject.embedSWF("player.swf", "target-id", ...): the Flash player replaces the element with that id
EMBED_SWF_CALL = re.compile(r"""embedSWF\s*\(\s*["'](?P<url>[^"'\s]+)["']\s*,\s*["'](?P<target>[^"'\s]+)["']""")
SCRIPT_SWF = re.compile(r"""["'](?P<url>[^"'\s]+\.swf(?:\?[^"'\s]*)?)["']""", re.IGNORECASE)
# A script that sets up a player, and the first media file or provider address in it
SCRIPT_PLAYER = re.compile(r"jwplayer|flowplayer|videojs|video\.js|swfobject|flashvars|\.setup\s*\(", re.IGNORECASE)
SCRIPT_MEDIA = re.compile(
    r"""["'](?P<url>(?:https?:)?(?:\\?/|[\w.-])[^"'\s]*?(?:\.(?:mp4|m4v|webm|ogv|mov|flv)(?:\?[^"'\s]*)?"""
    r"""|youtube(?:-nocookie)?\.com/(?:embed/|watch\?v=)[\w-]+|youtu\.be/[\w-]+|vimeo\.com/(?:video/)?\d+))["']""",
    re.IGNORECASE)
IMAGE_ADDRESS = re.compile(r"^\s*\S*[/.]\S*\s*$")  # "bilder/1.jpg", not "true" or "1"
BACKGROUND_URL = re.compile(r"background(?:-image)?\s*:[^;]*url\(\s*['\"]?([^'\")]+)", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
WHITESPACE = re.compile(r"[\s\u00a0\u2007\u202f]+")
# soft hyphen, zero-width space / joiners, word joiner, a stray BOM: a browser prints none of them
INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


# the usual classes of text for screen readers only (Drupal, Bootstrap, WordPress): not printed on screen
# (a class that ends in one of these names, as themes prefix them: "elementor-screen-only",
# "tribe-common-a11y-visual-hide"; never a bare "hidden", which lazy loaders and field labels use too)
SCREEN_READER_ONLY = re.compile(r"(?:^|[-_])(?:element-invisible|element-hidden|sr-only|visually-?hidden|visual-hide"
                                r"|screen-reader-text|screen-reader-only|screen-only|a11y-hidden|hidden-visually"
                                r"|offscreen)$", re.IGNORECASE)
HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
STRUCK_TAGS = frozenset(["s", "strike", "del"])
STRUCK_STYLE = re.compile(r"(?:^|;)\s*text-decoration(?:-line)?\s*:[^;]*\bline-through\b", re.I)


# Set by text_flow on what a person does not see although no attribute of its own says so
HIDDEN_MARK = "data-knyt-not-shown"
STYLE_RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
SIMPLE_SELECTOR = re.compile(r"^\s*(?P<tag>[a-z][a-z0-9]*)?(?P<kind>[.#])(?P<name>[\w-]+)\s*$", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
PRINT_MEDIA_BLOCK = re.compile(r"@media\s+(?:only\s+)?print\b[^{]*\{((?:[^{}]*\{[^{}]*\})*[^{}]*)\}", re.IGNORECASE)
SHOWN_STYLE = re.compile(r"(?:^|;)\s*display\s*:\s*(?!none)\w", re.IGNORECASE)
MAX_STYLESHEET = 256 * 1024
# A post embedded from a social network (its text is the network's, not the page's): the post's address
SOCIAL_POST = re.compile(r"^(?:https?:)?//(?:[\w-]+\.)?(?:facebook\.com/[^?#]*/(?:posts|videos|photos)/"
                         r"|instagram\.com/(?:p|reel)/|(?:twitter|x)\.com/[^/]+/status/|tiktok\.com/@[^/]+/video/)",
                         re.IGNORECASE)

Selector = tuple[str | None, str, str]  # (tag or None, "." or "#", name)
# What _is_embedded_post can be true of, and (with a class or an id) what a print-only selector can match
EMBEDDED_POST_CANDIDATES = etree.XPath("//*[@data-instgrm-permalink or @cite or @data-href] | //blockquote")
MARKABLE_WITH_NAMES = etree.XPath("//*[@class or @id or @data-instgrm-permalink or @cite or @data-href] | //blockquote")
# The words without which a page has no embedded post, and no element _player_address reads: checked in the
# page's text once, so that a page without them is not searched element by element
EMBEDDED_POST_WORDS = ("data-instgrm-permalink", "cite", "data-href", "blockquote")
PLAYER_ATTRIBUTES = (*CLICK_TO_LOAD, "data-plyr-provider", "data-plyr-embed-id", *SETTINGS_ATTRIBUTES)


def _selectors(css: str, style: re.Pattern) -> set[Selector]:
    """The simple selectors of the rules in ``css`` whose declarations match ``style``."""
    found: set[Selector] = set()
    for selectors, body in STYLE_RULE.findall(css):
        if style.search(body.strip()):
            for selector in selectors.split(","):
                match = SIMPLE_SELECTOR.match(selector)
                if match:
                    found.add(((match.group("tag") or "").lower() or None, match.group("kind"), match.group("name")))
    return found


def _mark_not_shown(root, embedded_posts: bool = True) -> None:
    """Mark what a person does not see although no attribute of its own says so: what the page's stylesheet
    shows only in print (hidden on screen, displayed in print: a print-only header; whatever a stylesheet only
    hides may be shown by a script, as a lightbox is), and posts embedded from a social network (a Facebook,
    Instagram, X or TikTok post quoted in a <blockquote> or a plugin element). ``embedded_posts``: False when
    the page's text has none of the words an embedded post is found by."""
    on_screen: set[Selector] = set()
    in_print: set[Selector] = set()
    for style in root.iter("style"):
        media = (style.get("media") or "all").lower()
        css = CSS_COMMENT.sub("", (style.text or "")[:MAX_STYLESHEET])
        if "print" in media:
            in_print |= _selectors(css, SHOWN_STYLE)
            continue
        for block in PRINT_MEDIA_BLOCK.findall(css):
            in_print |= _selectors(block, SHOWN_STYLE)
        on_screen |= _selectors(PRINT_MEDIA_BLOCK.sub("", css), HIDDEN_STYLE)
    print_only = on_screen & in_print
    if not (print_only or embedded_posts):
        return
    # only the elements an attribute (or a blockquote's links) can mark: found by lxml, not visited one by one
    for element in (MARKABLE_WITH_NAMES if print_only else EMBEDDED_POST_CANDIDATES)(root):
        if print_only and _matches(element, print_only):
            element.set(HIDDEN_MARK, "print only")
        elif _is_embedded_post(element):
            element.set(HIDDEN_MARK, "social post")


def _matches(element, hidden: set[Selector]) -> bool:
    tag = element.tag.lower()
    names = [(".", name) for name in (element.get("class") or "").split()]
    if element.get("id"):
        names.append(("#", element.get("id")))
    return any((t is None or t == tag) and (kind, name) in names for t, kind, name in hidden)


MAX_DATA_CELL = 60  # characters: a data table's cells are short (a layout table's hold the page)
PAGE_WRAPPER_TEXT = 2000  # characters: a form holding this much text wraps the page, it is no form


def _wraps_the_page(form) -> bool:
    """A <form> around the page's content (ASP.NET WebForms): it holds the page's headings or much text."""
    if form.find(".//h1") is not None or form.find(".//article") is not None or form.find(".//main") is not None:
        return True
    return len(visible_text(form)) > PAGE_WRAPPER_TEXT


def _is_data_table(table) -> bool:
    """A table of data inside the text (opening hours, results): its first row is column headers (<th>), it has
    two columns or more, and every cell is short text (no pictures, players or tables inside)."""
    rows = [row for row in table.iter("tr")]
    if len(rows) < 2:
        return False
    first = [c for c in rows[0] if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
    if len(first) < 2 or any(c.tag.lower() != "th" for c in first):
        return False
    for row in rows:
        for cell in row:
            if not isinstance(cell.tag, str):
                continue
            if any(isinstance(e.tag, str) and e.tag.lower() in ("img", "table", "iframe", "video", "object")
                   for e in cell.iterdescendants()):
                return False
            if len(clean_text(visible_text(cell))) > MAX_DATA_CELL:
                return False
    return True


def _is_embedded_post(element) -> bool:
    if element.get("data-instgrm-permalink"):
        return True
    if SOCIAL_POST.match(element.get("cite") or element.get("data-href") or ""):
        return True
    if element.tag.lower() == "blockquote":  # a tweet: a quote that ends with a link to the post
        links = [a.get("href") or "" for a in element.iter("a")]
        return bool(links) and bool(SOCIAL_POST.match(links[-1]))
    return False


def _is_hidden(element) -> bool:
    """An element a browser does not show: ``hidden``, ``display:none`` (its own or the page's stylesheet's),
    screen-reader-only text, or a post embedded from a social network."""
    get = element.get
    if get("hidden") is not None or get(HIDDEN_MARK) is not None:
        return True
    style, names = get("style"), get("class")
    return bool(style and _style_facts(style)[0]) or bool(names and _screen_reader_only(names))


# A page's style attributes and classes repeat on page after page: what they say is worked out once each (the
# usual short ones, in a bounded cache)
CACHED_ATTRIBUTE = 300  # characters


def _screen_reader_only(names: str) -> bool:
    return _screen_reader_only_cached(names) if len(names) <= CACHED_ATTRIBUTE else _screen_reader_classes(names)


def _screen_reader_classes(names: str) -> bool:
    return any(SCREEN_READER_ONLY.search(name) for name in names.split())


_screen_reader_only_cached = functools.lru_cache(maxsize=4096)(_screen_reader_classes)


def _style_facts(style: str) -> tuple[bool, bool, str | None, bool]:
    """(hides, makes a block, its background picture as written, strikes through) of a style attribute."""
    return _style_facts_cached(style) if len(style) <= CACHED_ATTRIBUTE else _read_style(style)


def _read_style(style: str) -> tuple[bool, bool, str | None, bool]:
    background = BACKGROUND_URL.search(style)
    return (bool(HIDDEN_STYLE.search(style)), bool(BLOCK_STYLE.search(style)),
            background.group(1) if background else None, bool(STRUCK_STYLE.search(style)))


_style_facts_cached = functools.lru_cache(maxsize=4096)(_read_style)


def visible_text(element) -> str:
    """The text a browser prints for an element: without scripts, styles, SVG and players' fallbacks."""
    if not len(element):  # no children (most links): its own text
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else None
        if tag is not None and tag not in SKIPPED_TAGS and tag not in EMBED_TAGS and not _is_hidden(child):
            parts.append(visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def clean_text(text: str) -> str:
    """The text as a browser shows it: invisible characters dropped, whitespace (NBSP too) collapsed,
    the ends stripped."""
    return WHITESPACE.sub(" ", INVISIBLE.sub("", text)).strip()


@dataclass
class Line:
    text: str
    block: int
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute href, link text)
    in_form: bool = False
    heading: bool = False  # inside <h1>..<h6>
    caption: bool = False  # inside a <figcaption> (a picture's or a player's caption)
    struck: list[str] = field(default_factory=list)  # runs of struck-through text on the line, as in ``text``

    @property
    def hrefs(self) -> list[str]:
        return [href for href, _ in self.links]


@dataclass
class Embed:
    """A player: ``<iframe>``, ``<video>``/``<audio>`` (with their ``<source>``), ``<object>``/``<embed>``."""

    tag: str
    src: str | None  # absolute URL of the player or file, when the element names one
    sources: list[str]  # absolute URLs of <source> children and <param name=movie|src|url>
    attributes: dict[str, str]  # the element's own attributes, as written (poster, flashvars, ...)
    params: dict[str, str]  # <param name=value> children of an <object>, lower-cased names
    block: int


@dataclass
class Image:
    src: str  # absolute URL
    alt: str
    block: int
    link: str | None = None  # absolute href of an enclosing <a>, if any
    background: bool = False  # from a CSS background-image rather than an <img>


Token = Line | Image | Embed


# lxml.html's parser, without its element classes (HtmlElement and its kin): the same tree, but lxml.html looks
# each element's class up in Python when the element is first touched, and the flow needs none of their methods
HTML_PARSER = etree.HTMLParser()

# Addresses resolved, by the folder of the page's address: (folder, address as written) -> (absolute, False)
_RESOLVED: dict[tuple, tuple[str, bool]] = {}
MAX_RESOLVED = 10_000
MAX_CACHED_ADDRESS = 300  # characters: at most a few MB however long the addresses

# How deep in block elements the memo looks (each level serialises its elements once: a bound on the work)
MEMO_DEPTH = 12
PAGE_TAGS = frozenset(["html", "body"])


class FlowMemo:
    """What each block element of one page gave the flow, by its markup and the state the reading entered it
    in: a later page that repeats an element takes that element's tokens from here instead of walking it.

    A gallery view (``&img=K``) is its article page again plus the picture it shows: read with the memo of the
    article page, only what the view adds is walked. The first page read with a memo fills it; later pages only
    read it. What a walk makes of an element depends on its markup alone (its attributes, text and descendants,
    all in its serialisation, the marks of ``_mark_not_shown`` included) and on the state the key names (see
    ``_FlowBuilder.walk``), so the tokens taken from the memo are those a walk would make."""

    def __init__(self):
        self.entries: dict[tuple, tuple] = {}
        self.filled = False  # after the first page: read only
        self.hits = 0  # elements taken from the memo instead of walked


def _moved(token: Token, block: int) -> Token:
    """A copy of a remembered token in block ``block`` (its lists copied too: no two flows share one)."""
    moved = object.__new__(token.__class__)  # a copy of its fields as they are, without __init__'s cost
    fields = moved.__dict__
    fields.update(token.__dict__)
    fields["block"] = block
    if "links" in fields:  # a Line
        fields["links"], fields["struck"] = list(token.links), list(token.struck)
    elif "sources" in fields:  # an Embed
        fields["sources"], fields["attributes"], fields["params"] = \
            list(token.sources), dict(token.attributes), dict(token.params)
    return moved


class _FlowBuilder:
    def __init__(self, base_url: str, memo: FlowMemo | None = None):
        self.base_url = base_url
        self.tokens: list[Token] = []
        self.block = 0
        self.parts: list[str] = []
        self.parts_struck: list[bool] = []  # per part of ``parts``: printed struck through
        self.struck_depth = 0
        self.links: list[tuple[str, str]] = []
        self.link_stack: list[str] = []
        self.form_depth = 0
        self.heading_depth = 0
        self.swf_targets: dict[str, str] = {}  # element id -> the Flash player a script puts there (absolute)
        self.caption_depth = 0
        # address as written -> (absolute, resolved against the page's whole address): each resolved once a page
        self.absolutes: dict[str, tuple[str, bool]] = {}
        self.whole_base_read = False  # an address resolved against the page's whole address (see absolute)
        base = urlsplit(base_url)
        # (scheme, host, folder) of the page's address: all that urljoin reads of it for an address with a path
        # or a host (None for an address without both, which urljoin reads otherwise)
        self.base_folder = (base.scheme, base.netloc, base.path[:base.path.rfind("/") + 1]) \
            if base.scheme in uses_netloc and base.scheme and base.netloc else None
        self.players_possible = True  # False when the page's text names none of PLAYER_ATTRIBUTES
        self.memo = memo
        self.memo_depth = 0
        # what the page sets for every element: the folder of its address (every relative address but "",
        # "?…" and "#…" is resolved against it alone) and its SWF targets
        self.page_state: tuple = ()

    def new_block(self) -> None:
        self.flush()
        self.block += 1

    def flush(self) -> bool:
        if not self.parts:
            return False  # (a link opened here still belongs to the line its text starts on)
        text = clean_text("".join(self.parts))
        struck = self._struck_runs() if True in self.parts_struck else []
        self.parts, self.parts_struck = [], []
        if not text:
            return False  # a link opened here still belongs to the line its text starts on
        links, self.links = self.links, []
        self.tokens.append(Line(text, self.block, links, in_form=self.form_depth > 0, heading=self.heading_depth > 0,
                                struck=struck, caption=self.caption_depth > 0))
        return True

    def _struck_runs(self) -> list[str]:
        """The runs of consecutive struck-through parts of the current line, whitespace collapsed."""
        runs: list[list[str]] = []
        previous = False
        for part, struck in zip(self.parts, self.parts_struck, strict=True):
            if struck:
                if not previous:
                    runs.append([])
                runs[-1].append(part)
            previous = struck
        return [text for run in runs if (text := clean_text("".join(run)))]

    def add_text(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            self.parts_struck.append(self.struck_depth > 0)

    def absolute(self, url: str) -> str:
        found = self.absolutes.get(url)
        if found is None:
            found = self.absolutes[url] = self._resolve(url)
        if found[1]:
            self.whole_base_read = True
        return found[0]

    def _resolve(self, url: str) -> tuple[str, bool]:
        """(the absolute address, whether it was resolved against the page's whole address). Every address but
        "", "?page=2" and "#top" resolves against the folder of the page's address alone: the same on every page
        of that folder, so it is resolved once a crawl (a bounded cache of the usual short addresses)."""
        key = (self.base_folder, url) if self.base_folder is not None and len(url) <= MAX_CACHED_ADDRESS else None
        found = _RESOLVED.get(key) if key is not None else None
        if found is not None:
            return found
        stripped = url.strip()
        parts = urlsplit(stripped)
        whole = not (parts.path or parts.netloc)  # "", "?…", "#…": against the page's file and query
        found = (urljoin(self.base_url, stripped), whole)
        if key is not None and not whole:
            if len(_RESOLVED) >= MAX_RESOLVED:
                _RESOLVED.clear()
            _RESOLVED[key] = found
        return found

    def add_embed(self, tag: str, element) -> None:
        self.flush()
        src = element.get("src") or element.get("data")
        lazy = next((element.get(name) for name in LAZY_SOURCES if IMAGE_ADDRESS.match(element.get(name) or "")), None)
        if lazy and (not src or PLACEHOLDER_SOURCE.match(src)):  # a lazy player: its real address waits in data-*
            src = lazy
        if not src and element.get("data-setup"):  # video.js names its sources in a JSON attribute
            found = SCRIPT_MEDIA.search(element.get("data-setup"))
            src = found.group("url") if found else None
        if src and src.strip().startswith("//"):
            src = "https:" + src.strip()  # a protocol-relative player is served over https
        sources = [self.absolute(s.get("src")) for s in element.iter("source") if s.get("src")]
        params = {}
        for param in element.iter("param"):
            name, value = (param.get("name") or "").lower(), param.get("value") or ""
            params[name] = value
            if name in ("movie", "src", "url", "filename") and value:
                sources.append(self.absolute(value))
        for nested in element.iter("embed"):
            if nested is not element and nested.get("src"):
                sources.append(self.absolute(nested.get("src")))
        attributes = {str(k).lower(): v for k, v in element.attrib.items()}
        if attributes.get("poster"):
            attributes["poster"] = self.absolute(attributes["poster"])
        self.tokens.append(Embed(tag, self.absolute(src) if src else None, sources, attributes, params, self.block))

    def add_script_player(self, code: str) -> None:
        """A player a script sets up (JW Player, Flowplayer, video.js, SWFObject with flashvars), where it
        stands in the page: an Embed of tag ``script`` with the media or provider address it names."""
        if not SCRIPT_PLAYER.search(code):
            return
        # SWFObject embeds a Flash player, which is the player (as an <object> would be); other scripts play
        # the file they name
        found = (SCRIPT_SWF.search(code) if SWFOBJECT.search(code) else None) or SCRIPT_MEDIA.search(code)
        if found is None:
            return
        self.flush()
        address = found.group("url").replace("\\/", "/")
        self.tokens.append(Embed("script", self.absolute(address), [], {}, {}, self.block))

    def add_table_rows(self, table) -> None:
        """A data table inside the text: one line a row, its cells joined by a tab (as a browser copies it)."""
        self.new_block()
        for row in table.iter("tr"):
            cells = [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th") and not _is_hidden(c)]
            text = "\t".join(clean_text(visible_text(cell)) for cell in cells)
            if text.strip():
                links = [(self.absolute(a.get("href")), clean_text(visible_text(a))) for a in row.iter("a")
                         if a.get("href") and clean_text(visible_text(a))]
                self.tokens.append(Line(text, self.block, links, in_form=self.form_depth > 0))
        self.new_block()

    @staticmethod
    def _player_address(element) -> str | None:
        """The provider or media address of an element that stands for a player without being one."""
        for name, address in CLICK_TO_LOAD.items():
            if element.get(name):
                return address.format(element.get(name).strip())
        provider, video = (element.get("data-plyr-provider") or "").lower(), element.get("data-plyr-embed-id")
        if provider in PLYR_PROVIDERS and video:
            return PLYR_PROVIDERS[provider].format(video.strip())
        for name in SETTINGS_ATTRIBUTES:
            found = SCRIPT_MEDIA.search((element.get(name) or "").replace("\\/", "/"))  # JSON escapes "/"
            if found:
                return found.group("url")
        return None

    def walk(self, element) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comments, processing instructions
            return
        tag = tag.lower()
        if tag == "script" and element.text:
            if not any(call.group("target") in self.swf_targets for call in EMBED_SWF_CALL.finditer(element.text)):
                self.add_script_player(element.text)  # (a player with its own target stands there instead)
            return
        if self.swf_targets:
            target = element.get("id")
            if target and target in self.swf_targets:  # the element SWFObject replaces: the player stands here
                self.flush()
                self.tokens.append(Embed("object", self.swf_targets[target], [], {}, {}, self.block))
                return  # its content is what a browser without Flash shows: not the page's text
        if tag in SKIPPED_TAGS or _is_hidden(element):
            return
        if tag in AMP_PROVIDERS and element.get("data-videoid"):  # <amp-youtube data-videoid="…">
            self.flush()
            self.tokens.append(Embed("iframe", AMP_PROVIDERS[tag].format(element.get("data-videoid").strip()), [],
                                     {}, {}, self.block))
            return
        if tag in EMBED_TAGS:
            self.add_embed(AMP_TAGS.get(tag, tag), element)
            return  # fallback text inside a player is not content
        address = self._player_address(element) if self.players_possible else None
        if address:  # a click-to-load cover, a Plyr element, a page builder's video widget
            self.flush()
            cover = next((img.get("src") for img in element.iter("img") if img.get("src")), None)
            if cover is None:  # a cover given as a CSS background inside the widget
                cover = next((m.group(1) for e in element.iter() if isinstance(e.tag, str)
                              for m in [BACKGROUND_URL.search(e.get("style") or "")] if m), None)
            self.tokens.append(Embed("iframe", address, [],
                                     {"poster": self.absolute(cover)} if cover else {}, {}, self.block))
            for child in element:  # its text (a caption, a consent line) is read; its cover picture is the poster
                if not (isinstance(child.tag, str) and child.tag.lower() == "img"):
                    self.walk(child)
                if child.tail:
                    self.add_text(child.tail)
            return
        style = element.get("style")
        # a floated or display:block element is a block whatever its tag (CSS makes it one)
        facts = _style_facts(style) if style else None
        is_block = tag in BLOCK_TAGS or bool(facts and facts[1])
        if is_block:
            self.new_block()
            # a <picture> around an element lends its <img>s <source>s from outside it: never remembered; nor
            # is the page (<html>, <body>): what a view adds is always inside it
            if (self.memo is not None and self.memo_depth < MEMO_DEPTH and tag not in PAGE_TAGS
                    and next(element.iterancestors("picture"), None) is None):
                self._remembered(element, tag, facts)
                return
        elif tag == "li":
            self.flush()  # a list item is a line of its list's block (ul/ol), as a browser shows it
        self._inside(element, tag, facts, is_block)

    def _remembered(self, element, tag: str, facts) -> None:
        """The inside of a block element, entered with no text waiting (its block just begun), taken from the
        memo or walked (and remembered when the memo is learning): what it gives depends on its markup and on
        the state in the key alone."""
        memo = self.memo
        key = (hashlib.blake2b(etree.tostring(element, with_tail=False), digest_size=16).digest(), self.page_state,
               self.form_depth > 0, self.heading_depth > 0, self.caption_depth > 0, self.struck_depth > 0,
               self.link_stack[-1] if self.link_stack else None, tuple(self.links))
        if memo.filled:
            found = memo.entries.get(key)
            # (an element with an address resolved against the whole page address counts only on that address)
            if found is not None and found[0] in (None, self.base_url):
                memo.hits += 1
                _, tokens, blocks, parts, struck, links = found
                self.tokens.extend(_moved(token, self.block + offset) for token, offset in tokens)
                self.block += blocks
                self.parts, self.parts_struck, self.links = list(parts), list(struck), list(links)
                if found[0] is not None:
                    self.whole_base_read = True
                return
        start, block, whole_base_read = len(self.tokens), self.block, self.whole_base_read
        self.whole_base_read = False
        self.memo_depth += 1
        self._inside(element, tag, facts, True)
        self.memo_depth -= 1
        if not memo.filled:
            memo.entries[key] = (self.base_url if self.whole_base_read else None,
                                 [(token, token.block - block) for token in self.tokens[start:]], self.block - block,
                                 tuple(self.parts), tuple(self.parts_struck), tuple(self.links))
        self.whole_base_read = self.whole_base_read or whole_base_read

    def _inside(self, element, tag: str, facts, is_block: bool) -> None:
        """What an element gives once its block (if it is one) has begun: its background picture, its rows (a
        data table), its picture (an <img>), or its text and children."""
        if facts and facts[2] is not None:
            self.flush()
            self.tokens.append(Image(self.absolute(facts[2]), "", self.block, background=True))
        if tag == "table" and _is_data_table(element):
            self.add_table_rows(element)
            return
        if tag == "br":
            if not self.flush():
                self.block += 1  # an empty line: the paragraph ends
            return
        if tag == "img":
            self.flush()
            # a lazy-loaded picture names its real file in data-*; its src is then a placeholder
            src = next((element.get(name) for name in LAZY_SOURCES if IMAGE_ADDRESS.match(element.get(name) or "")),
                       element.get("src") or "")
            if not src.strip() or PLACEHOLDER_SOURCE.match(src):  # only a srcset (its own or its <picture>'s)
                src = largest_candidate(_srcsets(element)) or src
            if src.strip():
                link = self.link_stack[-1] if self.link_stack else None
                self.tokens.append(Image(self.absolute(src), clean_text(element.get("alt") or ""), self.block, link))
            return
        in_form = tag == "form" and not _wraps_the_page(element)  # ASP.NET wraps a whole page in one <form>
        if in_form:
            self.form_depth += 1
        if tag in HEADING_TAGS:
            self.heading_depth += 1
        if tag == "figcaption":
            self.caption_depth += 1
        struck = tag in STRUCK_TAGS or bool(facts and facts[3])
        if struck:
            self.struck_depth += 1
        href = element.get("href") if tag == "a" else None
        if href is not None:
            href = self.absolute(href)
            self.link_stack.append(href)
            link_text = clean_text(visible_text(element))
            if link_text:  # the link belongs to the line its text starts on
                self.links.append((href, link_text))
        flushed_before, parts_before = len(self.tokens), len(self.parts)
        self.add_text(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.add_text(child.tail)
        if struck:
            self.struck_depth -= 1
        if href is not None:
            self.link_stack.pop()
            printed = len(self.tokens) > flushed_before or clean_text("".join(self.parts[parts_before:]))
            if not printed and self.links and self.links[-1][0] == href:
                self.links.pop()  # nothing of it was printed: it must not land on a later line
        if is_block:
            self.new_block()  # before leaving a form, so its last line is marked as in it
        elif tag == "li":
            self.flush()
        if in_form:
            self.form_depth -= 1
        if tag in HEADING_TAGS:
            self.heading_depth -= 1
        if tag == "figcaption":
            self.caption_depth -= 1


SRCSET_CANDIDATE = re.compile(r"^\s*(?P<url>\S+?)(?:\s+(?P<size>\d+(?:\.\d+)?)(?P<unit>[wx]))?\s*$")


def _srcsets(img) -> list[str]:
    """The srcsets that offer files for an <img>: its own (lazy first), then its <picture>'s <source>s."""
    found = [img.get(name) for name in ("data-srcset", "data-lazy-srcset", "srcset") if img.get(name)]
    picture = next((a for a in img.iterancestors() if isinstance(a.tag, str) and a.tag.lower() == "picture"), None)
    if picture is not None:  # (an HTML4 parser nests the <img> inside the <source>s it does not know as empty)
        for source in picture.iter("source"):
            found += [source.get(name) for name in ("data-srcset", "srcset") if source.get(name)]
    return found


def largest_candidate(srcsets: list[str]) -> str | None:
    """The largest file the first usable srcset offers ("a.jpg 480w, b.jpg 1024w" -> b.jpg; "1x, 2x" alike)."""
    for srcset in srcsets:
        best, best_size = None, -1.0
        for candidate in srcset.split(","):
            match = SRCSET_CANDIDATE.match(candidate)
            if not match or PLACEHOLDER_SOURCE.match(match.group("url")):
                continue
            size = float(match.group("size") or 1)
            if size > best_size:
                best, best_size = match.group("url"), size
        if best:
            return best
    return None


def text_flow(html: str, base_url: str, memo: FlowMemo | None = None) -> list[Token]:
    """The lines and images of a page in reading order. ``memo``: what an earlier page's elements gave (a
    gallery view's article page), taken for the elements this page repeats; an empty memo learns this page."""
    html = XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input that declares an encoding
    if not html.strip():
        return []
    try:
        root = etree.fromstring(html, HTML_PARSER)
    except (etree.ParserError, ValueError):
        return []
    if root is None:  # a document of nothing but a comment
        return []
    lowered = html.lower()  # for words without which a page needs no search element by element
    _mark_not_shown(root, any(word in lowered for word in EMBEDDED_POST_WORDS))
    base = root.find(".//base[@href]")  # <base href> moves every relative address, as in a browser
    builder = _FlowBuilder(urljoin(base_url, base.get("href").strip()) if base is not None else base_url, memo)
    # in <head> too: SWFObject is often called there
    calls = [call for script in root.iter("script") for call in EMBED_SWF_CALL.finditer(script.text or "")]
    if calls:
        ids = {value for value in root.xpath("//*/@id") if value}
        for call in calls:
            if call.group("target") in ids:
                builder.swf_targets.setdefault(call.group("target"), builder.absolute(call.group("url")))
    base = urlsplit(builder.base_url)
    builder.page_state = (base.scheme, base.netloc, base.path[:base.path.rfind("/") + 1],
                          tuple(sorted(builder.swf_targets.items())))
    builder.players_possible = any(name in lowered for name in PLAYER_ATTRIBUTES)
    builder.walk(root)
    builder.flush()
    if memo is not None:
        memo.filled = True
    return builder.tokens


def squash(text: str) -> str:
    """Text compared without regard to whitespace (the repeated lead is re-wrapped)."""
    return re.sub(r"\s+", " ", text).strip()


SEPARATORS = re.compile(r"[|•·:»«/\\–-]+")


def is_links_only(line: Line) -> bool:
    """A line of nothing but links (and separators between them): a menu, a pager, a back link."""
    if not line.links:
        return False
    text = squash(SEPARATORS.sub(" ", line.text))
    return text == squash(SEPARATORS.sub(" ", " ".join(t for _, t in line.links)))
