"""Video pages: recognised by their content (a player outside the sidebars), never by their URL.

The player is the first ``<iframe>``, ``<video>``, ``<object>`` or ``<embed>`` of the page's own content.
Around it: the title (the nearest heading before the player, else the nearest plain line), the date
(``Publicerat:`` or a date line), the description (the paragraphs after the player), an optional
``Längd:`` line and an optional link to the companion article.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from knytscrape.dates import parse_date
from knytscrape.items import VideoItem
from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.chrome import content_runs
from knytscrape.parsers.labels import normalise_labelled_lines
from knytscrape.parsers.textflow import Embed, Image, Line, is_links_only, text_flow
from knytscrape.parsers.zones import text_lines
from knytscrape.urls import article_id

YOUTUBE_ID = re.compile(r"(?:youtube(?:-nocookie)?\.com/(?:embed/|v/|watch\?v=)|youtu\.be/)([\w-]{6,})", re.I)
# player.vimeo.com/video/ID, vimeo.com/ID, and the old Flash player moogaloop.swf?clip_id=ID
FACEBOOK_VIDEO = re.compile(r"facebook\.com/(?:[^/?#]+/)?videos/(?:[^/?#]+/)?(\d+)", re.I)
VIMEO_ID = re.compile(r"vimeo\.com/(?:video/|moogaloop\.swf\?(?:[^#]*&)?clip_id=)?(\d+)", re.I)
LABELS = ["publicerat", "publicerad", "datum", "inlagd", "längd", "speltid", "speltid totalt"]
DURATION_LINE = re.compile(r"^(?:Längd|Speltid|Tid)(?:\s+totalt)?\s*:\s*(?P<raw>.+)$", re.I)
# A date line whose label runs without a colon or with more words: "Publicerat den 1 maj 2016 av …",
# "Publicerat 14/5 2023"; the date is the longest run of words after it that dates.py reads
PUBLISHED_WORDS = re.compile(r"^(?:Publicera[dt]|Publ\.|Inlagd|Datum|Sändes|Sänt|Direktsänt)\s*(?:den\s+)?:?\s*"
                             r"(?P<rest>\S.*)$", re.I)
DATE_PART_SEPARATOR = re.compile(r"\s+[•·|]\s+")  # "27 jan. 2024 • 2 min läsning"
MAX_DATE_WORDS = 6
LABELLED_PART = re.compile(r"^[^\W\d][\w ]{0,30}:\s")
BYLINE_AFTER_DATE = re.compile(r"^(?:(?:Video|Film|Text|Foto)\s+)?av\s+[A-ZÅÄÖ]", re.I)
# Who filmed it, in a player's caption or under it: "Film: Johan Gullberg."
FILM_CREDIT = re.compile(r"^(?:Film|Filmat|Foto|Kamera|Klipp|Redigering|Video)(?:\s+och\s+\w+)?\s*(?:av)?\s*:\s*"
                         r"[A-ZÅÄÖ][\w.-]*(?:\s+[A-ZÅÄÖ][\w.-]*){0,3}\.?$")
# "Kategori: Video", "Skrivet av …": what a CMS prints about the page, not the video
CATEGORY_LINE = re.compile(r"^(?:Kategori|Kategorier|Sektion|Skrivet\s+av)\s*:?\s+\S", re.I)
# The label of the link to the video's article: "Läs artikeln:", "Artikel" (with the link on the next line)
ARTICLE_LABEL_LINE = re.compile(r"^(?:Läs\s+artikeln|Artikel)\s*:?$", re.I)
# A length printed in parentheses at the end of a line, after the player's link: "Se klippet » (2 min 15 sek)"
LENGTH_IN_PARENS = re.compile(r"\((?P<raw>(?:\d+\s*(?:h|tim)\.?\s*)?\d+\s*min\.?(?:\s*\d+\s*sek\.?)?|\d+\s*sek\.?"
                              r"|(?:\d+:)?\d{1,2}:\d{2})\)\s*$", re.I)
TOTAL_LENGTH = re.compile(r"\btotalt\s+(?P<raw>.+)$", re.I)
CLOCK_DURATION = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})$")
WORD_DURATION = re.compile(
    r"^(?:(?P<h>\d+)\s*(?:h|tim(?:me|mar)?)\.?\s*)?(?:(?P<m>\d+)\s*(?:min(?:ut(?:er)?)?)\.?\s*)?"
    r"(?:(?P<s>\d+)\s*(?:s|sek(?:und(?:er)?)?)\.?)?$",
    re.I,
)
DATE_ONLY = re.compile(
    r"^(?:(?:datum|publicerad|publicerat|inlagd)\s*:\s*)?(?:\w+dag\s+)?(?:den\s+)?"
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s+[a-zåäö]+\.?\s+\d{4})$",
    re.I,
)
MEDIA_FILE = re.compile(r"\.(?:mp4|m4v|webm|ogv|mov|flv|swf)$", re.I)
# A file a browser plugin plays (Windows Media Player, QuickTime, RealPlayer) from an <object>/<embed>
PLUGIN_MEDIA = re.compile(r"\.(?:wmv|asf|asx|avi|mpe?g|mov|mp4|m4v|rm|ram|3gp)$", re.I)
VIMEO_SHOWCASE = re.compile(r"vimeo\.com/(?:showcase|album)/(\d+)", re.I)
DAILYMOTION_ID = re.compile(r"(?:dailymotion\.com/(?:embed/)?video/|dai\.ly/)([a-z0-9]+)", re.I)
BAMBUSER_ID = re.compile(r"bambuser\.com/(?:v|broadcast)/(\d+)", re.I)
ARTICLE_LINK_TEXT = re.compile(r"artikel|läs mer|läs hela", re.I)
# A player's trace in a page whose player the parser cannot read: a player's script (never an element's class:
# the sidebar's players carry those on every page of the site)
PLAYER_HINT = re.compile(
    r"jwplayer|flowplayer|videojs|video\.js|swfobject|embedSWF"
    r"|<script[^>]+src\s*=\s*[\"'][^\"']*(?:spelare|player)[^\"']*[\"']", re.IGNORECASE)
# What a page says about its player rather than its video: loading, consent, plugin and provider-link lines
PLAYER_NOTE = re.compile(
    r"^(?:(?:Laddar|Loading)(?:\s+(?:videon|filmen|klippet|spelaren|video))?\s*(?:…|\.{1,3})?"
    r"|[▶►]?\s*Se\s+(?:klippet|filmen|videon)(?:\s+på\s+\w+)?\s*[»›]?\s*(?:\([^)]*\))?|[\W_]{1,3})$"
    r"|\bFlash[\s-]*(?:Player|spelare)\b|\b(?:aktivera|slå på)\s+JavaScript\b|\bladdas\s+(?:videon|filmen|klippet)\b",
    re.IGNORECASE)
SECTION_LABELS = re.compile(r"^(?:Video|Videos|Videor|Filmer|Film|Senaste videor)[.:]?$", re.I)
# "Inspelad: 2008-09-13": when it was filmed, a detail of the page (not its publication date)
RECORDED_LINE = re.compile(r"^(?:inspelad|inspelat|filmad|filmat|inspelningsdatum)\s*:\s*.+$", re.I)


def leading_date(text: str) -> str | None:
    """The longest run of words at the start of ``text`` that is a date dates.py reads, or None."""
    words = text.split()
    for count in range(min(len(words), MAX_DATE_WORDS), 0, -1):
        candidate = " ".join(words[:count]).rstrip(",")
        if parse_date(candidate):
            return candidate
    return None


def published_in(text: str) -> str | None:
    """The publication date a line prints (PUBLISHED_WORDS, or a date alone, or a date among other facts
    separated by • · |), as printed; None when the line is not a date line."""
    labelled = PUBLISHED_WORDS.match(text)
    if labelled:
        return leading_date(lm.split_published(labelled.group("rest"))[0] or "")
    for part in DATE_PART_SEPARATOR.split(text):
        if DATE_ONLY.match(part):
            return re.sub(r"^[^:]*:\s*", "", part) if ":" in part else part
        if LABELLED_PART.match(part):
            continue  # another labelled fact ("Inspelad: 2008-09-13" is when it was filmed)
        if len(part.split()) <= MAX_DATE_WORDS and parse_date(part):  # "06.02.2016", "lör 14/5 2023"
            return part
        found = leading_date(part)
        if found and BYLINE_AFTER_DATE.match(part[len(found):].strip()):  # "06.02.2016 Video av Johan Gullberg"
            return found
    return None


def parse_duration(raw: str | None) -> int | None:
    """ "3:45" -> 225, "1:02:03" -> 3723, "1 min 20 s" -> 80; None when unreadable."""
    if not raw:
        return None
    text = raw.strip().rstrip(".")
    total = TOTAL_LENGTH.search(text)
    if total:  # "6 filmer, totalt 24 min": a playlist's whole length
        text = total.group("raw").strip().rstrip(".")
    match = CLOCK_DURATION.match(text) or WORD_DURATION.match(text)
    if not match or not any(match.groupdict().values()):
        return None
    hours, minutes, seconds = (int(match.group(k) or 0) for k in ("h", "m", "s"))
    if CLOCK_DURATION.match(text) and seconds >= 60:
        return None
    return hours * 3600 + minutes * 60 + seconds


def provider_of(url: str) -> tuple[str, str] | None:
    """(provider, the provider's id) of a provider's address: a YouTube video (every URL form) or playlist
    (``embed/videoseries?list=…``: the playlist's id), a Vimeo video or showcase, a Dailymotion, Bambuser or
    Qbrick video, a Facebook video player."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "youtube" in parts.netloc and query.get("list") and (parts.path.endswith("/videoseries")
                                                              or parts.path.endswith("/playlist")):
        return "youtube", query["list"][0]
    youtube = YOUTUBE_ID.search(url)
    if youtube:
        return "youtube", youtube.group(1)
    vimeo = VIMEO_SHOWCASE.search(url) or VIMEO_ID.search(url)  # a showcase (a playlist): its id
    if vimeo and "vimeo" in parts.netloc:
        return "vimeo", vimeo.group(1)
    for provider, pattern in (("dailymotion", DAILYMOTION_ID), ("bambuser", BAMBUSER_ID)):
        found = pattern.search(url)
        if found:
            return provider, found.group(1)
    if parts.netloc.endswith("qbrick.com") and query.get("mediaId"):  # a Swedish video platform's player
        return "qbrick", query["mediaId"][0]
    if parts.netloc.endswith("facebook.com") and parts.path.startswith("/plugins/video"):
        video = FACEBOOK_VIDEO.search(unquote((query.get("href") or [""])[0]))
        if video:
            return "facebook", video.group(1)
    return None


def wrapped_address(url: str) -> str | None:
    """The provider address a player URL wraps in its query (a site's own oEmbed proxy, an Embedly frame):
    ``/media/oembed?url=https%3A//www.youtube.com/watch%3Fv%3D…`` -> the YouTube address."""
    for values in parse_qs(urlsplit(url).query).values():
        for value in values:
            if value.startswith(("http://", "https://", "//")) and provider_of(value):
                return value
    return None


def describe_player(embed: Embed) -> tuple[str | None, str | None, str | None]:
    """(provider, provider's id, absolute embed URL) of a player element."""
    candidates = [u for u in [embed.src, *embed.sources] if u]
    flashvars = embed.params.get("flashvars") or embed.attributes.get("flashvars") or ""
    for url in candidates:
        found = provider_of(url)
        if found:
            return found[0], found[1], url
    for url in candidates:
        inner = wrapped_address(url)
        if inner:
            provider, provider_id = provider_of(inner)
            return provider, provider_id, inner
    url = candidates[0] if candidates else None
    if embed.tag == "iframe" and not (url and MEDIA_FILE.search(urlsplit(url).path)):
        return None, None, None  # a map, a like box: not a video
    if embed.tag in ("video", "audio") or (embed.tag == "script" and url and MEDIA_FILE.search(urlsplit(url).path)):
        return "file", None, url
    plugin_file = next((u for u in candidates if PLUGIN_MEDIA.search(urlsplit(u).path)), None)
    if embed.tag in ("object", "embed") and plugin_file:
        return "file", None, plugin_file  # a media file a plugin plays, not a Flash player
    if embed.tag in ("object", "embed") or (url and url.lower().split("?")[0].endswith(".swf")):
        return "flash", None, url or _flashvars_file(flashvars)
    return ("iframe", None, url) if url else (None, None, None)


def _flashvars_file(flashvars: str) -> str | None:
    values = parse_qs(flashvars)
    for key in ("file", "video", "src", "flv"):
        if values.get(key):
            return values[key][0]
    return None


def video_id(provider: str | None, provider_id: str | None, media_url: str | None, page_url: str) -> str:
    """Stable id: the provider's own id, else a hash of the media file's path (independent of host and URL
    scheme). ``media_url`` is the video file itself where the page names it: one Flash player (.swf)
    may play many files."""
    if provider in ("youtube", "vimeo", "facebook") and provider_id:
        return f"{provider}:{provider_id}"
    basis = urlsplit(media_url or page_url)
    return "file:" + hashlib.sha1(f"{basis.path}?{basis.query}".encode()).hexdigest()[:16]


class VideoParser:
    def parse(self, html: str, url: str) -> VideoItem | None:
        """The video on the page, or None when the page's own content has no player and does not read as
        one video's page (see ``_without_player``)."""
        runs = content_runs(text_flow(html, url))
        content = [token for run in runs for token in run]
        run_of = [number for number, run in enumerate(runs) for _ in run]
        described = {id(t): describe_player(t) for t in content if isinstance(t, Embed)}  # each player once
        player_index = next((i for i, t in enumerate(content) if isinstance(t, Embed) and described[id(t)][2]), None)
        if player_index is None:
            return self._without_player(runs, url, bool(PLAYER_HINT.search(html)))
        # the description ends where a sidebar after the content begins (a footer follows it)
        content = [t for i, t in enumerate(content) if i <= player_index or run_of[i] == run_of[player_index]]
        embed: Embed = content[player_index]
        provider, provider_id, embed_url = described[id(embed)]
        before = normalise_labelled_lines([t for t in content[:player_index] if isinstance(t, Line)], LABELS)
        after = normalise_labelled_lines([t for t in content[player_index + 1:] if isinstance(t, Line)], LABELS)
        lines = before + after
        title = self._parse_title(before, after)
        later = content[player_index + 1:]
        next_player = next((i for i, t in enumerate(later) if isinstance(t, Embed) and described[id(t)][2]),
                           len(later))
        # ANOTHER_PLAYER: a second player (a trailer) and what follows it are not this video's description,
        # nor the heading that introduces it
        following = [t for t in later[:next_player] if isinstance(t, Line)]
        if next_player < len(later) and following and following[-1].heading:
            following.pop()
        caption = next((i for i, line in enumerate(following) if not line.caption), len(following))
        # the player's caption (its <figcaption>) is read for facts, never as description
        after = normalise_labelled_lines(following[caption:], LABELS)
        duration_raw = self._parse_duration_raw(lines)
        article_number = self._parse_article_id(lines)
        return VideoItem(
            id=video_id(provider, provider_id, self._media_file(embed, url) or embed_url, url),
            url=url,
            title=title,
            published_raw=self._parse_published_raw(lines),
            description=self._parse_description(after, title, url) or self._description_above(before, title),
            embed_url=embed_url,
            provider=provider,
            provider_id=provider_id,
            thumbnail_url=self._parse_thumbnail(embed, url),
            duration_raw=duration_raw,
            duration=parse_duration(duration_raw),
            article_id=article_number,
            article_link=article_number is not None,
        )

    def _without_player(self, runs: list[list], url: str, player_hint: bool) -> VideoItem | None:
        """A video page whose player is not one the parser knows (set up by a script from elsewhere, a
        plugin) or that only links to the provider ("Se klippet på YouTube"): stored when it reads as one
        video's page - a title, one date line and a description, not a list of entries - and something
        says a video is there: a provider link, a player's script or element (``player_hint``), or a length.
        (An event's page reads the same otherwise.) The player is the provider link when there is one, else
        unknown (``embed_url`` NULL, counted by validation)."""
        for run in runs:
            lines = normalise_labelled_lines([t for t in run if isinstance(t, Line)], LABELS)
            dated = [i for i, line in enumerate(lines) if lm.PUBLISHED.match(line.text) or published_in(line.text)]
            if dated:
                break
        else:
            return None
        # a list of videos shows many entries: links of one title each to other pages of the site, a date each
        here = urlsplit(url)
        entries = sum(1 for line in lines if is_links_only(line) and len(line.links) == 1
                      and len(line.text.split()) >= 3 and urlsplit(line.links[0][0]).netloc == here.netloc
                      and urlsplit(line.links[0][0]).path != here.path)
        if len(dated) > 1 or entries > 2:
            return None
        headings = [i for i, line in enumerate(lines) if line.heading and not self._is_meta(line)]
        before = [i for i in range(dated[0]) if not self._is_meta(lines[i])]
        title_index = headings[0] if headings else (before[-1] if before else None)
        if title_index is None:
            return None
        title = lines[title_index].text
        if lm.NOT_FOUND.match(title):
            return None  # "Videon finns inte längre"
        description = self._parse_description(lines[max(title_index, dated[0]) + 1:], title, url)
        if description is None:
            return None
        provider, provider_id, embed_url = None, None, None
        for line in lines:
            for href, _text in line.links:
                youtube, vimeo = YOUTUBE_ID.search(href), VIMEO_ID.search(href)
                if youtube or (vimeo and "vimeo" in urlsplit(href).netloc):
                    provider, provider_id = ("youtube", youtube.group(1)) if youtube else ("vimeo", vimeo.group(1))
                    embed_url = href
                    break
            if embed_url:
                break
        duration_raw = self._parse_duration_raw(lines)
        if not (embed_url or player_hint or duration_raw):
            return None
        article_number = self._parse_article_id(lines)
        # LINKED_STILL: the picture that links to the provider's page is the video's still
        still = next((t.src for t in run if isinstance(t, Image) and embed_url and t.link == embed_url and t.src), None)
        return VideoItem(id=video_id(provider, provider_id, None, url), url=url, title=title,
                         published_raw=self._parse_published_raw(lines), description=description,
                         embed_url=embed_url, provider=provider, provider_id=provider_id, thumbnail_url=still,
                         duration_raw=duration_raw, duration=parse_duration(duration_raw),
                         article_id=article_number, article_link=article_number is not None)

    @staticmethod
    def _is_meta(line: Line) -> bool:
        """A line that is not title or description: dates, lengths, labels, navigation."""
        text = line.text
        return bool(
            lm.PUBLISHED.match(text) or published_in(text) or DURATION_LINE.match(text) or FILM_CREDIT.match(text)
            or lm.is_header_meta(text) or lm.UPDATED.match(text) or CATEGORY_LINE.match(text)
            or ARTICLE_LABEL_LINE.match(text)
            or RECORDED_LINE.match(text) or SECTION_LABELS.match(text) or lm.CLOSE_BUTTON.match(text)
            or (len(text) <= 160 and PLAYER_NOTE.search(text))
            or is_links_only(line) or line.in_form
        )

    def _parse_title(self, before: list[Line], after: list[Line]) -> str | None:
        candidates = [line for line in before if not self._is_meta(line)]
        headings = [line for line in candidates if line.heading]
        if headings:
            return headings[-1].text
        if candidates:
            return candidates[-1].text
        following = [line for line in after if not self._is_meta(line)]
        return following[0].text if following else None

    def _parse_published_raw(self, lines: list[Line]) -> str | None:
        for line in lines:
            match = lm.PUBLISHED.match(line.text)
            if match:
                return lm.split_published(match.group("raw"))[0]
        for line in lines:
            found = published_in(line.text)
            if found:
                return found
        return None

    def _parse_duration_raw(self, lines: list[Line]) -> str | None:
        for line in lines:
            match = DURATION_LINE.match(line.text)
            if match:
                return re.split(r"\s*[|·•]\s*", match.group("raw"))[0].strip()  # "Längd: 3:12 | Läs artikeln"
        for line in lines:  # LENGTH_IN_PARENS: only beside a link (the player's), never in running text
            match = LENGTH_IN_PARENS.search(line.text) if line.links else None
            if match:
                return match.group("raw")
        return None

    def _parse_description(self, after: list[Line], title: str | None, url: str | None = None) -> str | None:
        """The paragraphs of the description zone (``zones.text_lines``), without dates, lengths and labels."""
        paragraphs: list[list[str]] = []
        previous_block = None
        for line in text_lines(after, url)[0]:
            if paragraphs and (self._parse_article_id([line]) is not None or ARTICLE_LABEL_LINE.match(line.text)):
                break  # the link to the article closes the description (a card with its teaser may follow)
            if paragraphs and line.text.startswith(("©", "Copyright")):
                break  # the page's footer after the description
            if self._is_meta(line) or line.text == title:
                previous_block = None
                continue
            if previous_block is not None and line.block == previous_block:
                paragraphs[-1].append(line.text)
            else:
                paragraphs.append([line.text])
            previous_block = line.block
        return "\n\n".join("\n".join(p) for p in paragraphs) or None

    def _description_above(self, before: list[Line], title: str | None) -> str | None:
        """The description printed between the title and the player, when none follows the player."""
        titles = [i for i, line in enumerate(before) if line.text == title]
        return self._parse_description(before[titles[-1] + 1:], title) if titles else None

    def _parse_article_id(self, lines: list[Line]) -> int | None:
        """The article a link names as this video's: by its words ("Läs artikeln"), or under a label line
        ("Artikel", "Läs artikeln:") with the article's title as the link."""
        for index, line in enumerate(lines):
            labelled = index > 0 and bool(ARTICLE_LABEL_LINE.match(lines[index - 1].text))
            for href, text in line.links:
                number = article_id(href)
                if number is not None and (labelled or ARTICLE_LINK_TEXT.search(text)
                                           or ARTICLE_LINK_TEXT.search(line.text)):
                    return number
        return None  # any other article link may be anything: the title match decides then

    @staticmethod
    def _media_file(embed: Embed, page_url: str) -> str | None:
        """The file a Flash player plays (flashvars ``file=``), absolute."""
        file = _flashvars_file(embed.params.get("flashvars") or embed.attributes.get("flashvars") or "")
        return urljoin(page_url, file) if file else None

    def _parse_thumbnail(self, embed: Embed, page_url: str) -> str | None:
        """The player's poster frame or the Flash player's ``image=``; no other image is assumed to be one."""
        if embed.attributes.get("poster"):
            return embed.attributes["poster"]
        flashvars = parse_qs(embed.params.get("flashvars") or embed.attributes.get("flashvars") or "")
        if flashvars.get("image"):  # old Flash players take their still image from flashvars
            return urljoin(page_url, flashvars["image"][0])  # Flash resolves it against the page
        return None
