"""Calendar pages: an event page, or a list of events, recognised by content, never by URL.

An event page has a title and a date: labelled lines (``Datum:``, ``Tid:``, ``Plats:``, ``Arrangör:``,
``Nytt datum:``, ``Ändrad tid:``) or an unlabelled date line under the title (``lördag 18 maj kl 13``,
``2024-08-09 – 2024-08-11``). A list page has several dated, linked entries. Status comes from words
on the page ("Inställt", "Uppskjutet", "Framflyttat", "Nytt datum") and from a date or time struck through
(the event was moved). Struck-through text is an OLD value: never the current date, time or place. Dates
stay raw here; the dates pipeline reads them, with a year only where the page makes it certain.

An event with several OCCASIONS (a play's performances, one a line in a list under the title) hands all of
them to the dates pipeline, one a line: it runs from the first one's start to the last one's end. A DATE
REMARK in brackets after a date ("kl. 19.00–21.00 (premiär)") is a note, not part of the date.

Also: a SITE HEADING (a heading with the site's menu straight under it, the logo's tagline) is never the
title; a MAP LINK at the end of a line ("Conventum Arena, hall C (Karta)") names the place before it when no
label does, and is no part of a labelled place; two date lines with a time each are the event's START AND END
when the page's OPENING HOURS ("Öppet 10–16") run from the one to the other (else they stay occasions).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from knytscrape.dates import mentions_time, parse_span, parse_time_range
from knytscrape.items import EventItem
from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.chrome import SidebarEntry, calendar_sidebar, is_menu_line, without_chrome
from knytscrape.parsers.labels import normalise_labelled_lines
from knytscrape.parsers.textflow import Line, Token, clean_text, is_links_only, text_flow
from knytscrape.parsers.zones import ends_text as is_content_end
from knytscrape.parsers.zones import text_lines
from knytscrape.urls import article_id, page_name, query_int

LABELS = ["datum", "dag", "tid", "klockan", "när", "plats", "var", "lokal", "adress", "samling", "samlingsplats",
          "mötesplats", "arrangör", "arrangörer", "arrangeras av", "arr", "anordnare", "anordnas av", "nytt datum",
          "ny tid", "ny dag", "ändrat datum", "ändrad dag", "ändrad tid", "ändrad starttid", "tidigare datum",
          "ursprungligt datum", "status"]
LABELLED = re.compile(rf"^(?P<label>{'|'.join(LABELS)})\s*:\s*(?P<value>.*)$", re.I)
DATE_LABELS = {"datum", "dag", "när"}
TIME_LABELS = {"tid", "klockan"}
NEW_DATE_LABELS = {"nytt datum", "ny dag", "ändrat datum", "ändrad dag"}
NEW_TIME_LABELS = {"ny tid", "ändrad tid", "ändrad starttid"}
OLD_DATE_LABELS = {"tidigare datum", "ursprungligt datum"}
PLACE_LABELS = {"plats", "var", "lokal", "adress", "samling", "samlingsplats", "mötesplats"}
ORGANISER_LABELS = {"arrangör", "arrangörer", "arrangeras av", "arr", "anordnare", "anordnas av"}

MONTH = lm.MONTH_NAME
DATE_IN_TEXT = re.compile(
    rf"\b(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}\s+{MONTH}(?:\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}(?:[ -/]\d{{2,4}})?)",
    re.I,
)
YEAR_IN_DATE = re.compile(rf"\b((?:19|20)\d{{2}})-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}\s+{MONTH}\s+((?:19|20)\d{{2}})", re.I)
TIME_LINE = re.compile(r"^(?:kl\.?|klockan)\s*\d{1,2}(?:[.:]\d{2})?(?:\s*[-–]\s*\d{1,2}(?:[.:]\d{2})?)?$", re.I)
MONTH_HEADING = re.compile(rf"^{MONTH}\s+(?:19|20)\d{{2}}$", re.I)
CANCELLED = re.compile(r"\b(?:inställ(?:t|d|da|es)|avlyst|avbokat|avbokad)\b", re.I)
POSTPONED = re.compile(r"\b(?:uppskjut(?:et|en|na|s)|framflytta(?:t|d|de|s)|flyttat|flyttas|nytt datum|ny tid"
                       r"|ändrad (?:tid|starttid|dag|datum)|ändrat datum)\b", re.I)
MAX_ADDRESS_LINE = 40  # "Hamnplan 4", "702 10 Örebro"
SECTION_LABELS = re.compile(r"^(?:Kalender|Kalendern|Kalendarium|Evenemang|På gång)[.:]?$", re.I)
# A line that announces the status ("Uppskjutet. Nytt datum meddelas senare."), not description.
STATUS_LINE = re.compile(
    r"^[\W_]*(?:inställt|inställd|uppskjutet|uppskjuten|framflyttat|framflyttad|avlyst|nytt datum"
    r"|ändrad (?:tid|starttid|dag)|ändrat datum)\b", re.I
)
STATUS_ONLY = re.compile(r"^[\W_]*(?:inställt|inställd|uppskjutet|uppskjuten|framflyttat|avlyst)[\W_]*$", re.I)


# DATE REMARK: a word or two in brackets after a date or time, "(premiär)", "(fredag)", "(OBS!)". Never one
# with a number (a date or time of its own: "(insläpp 18.30)", "(regndag 19 maj)") or a status word
# ("(inställt)", "(flyttat till 25 maj)"): then the whole line stays as printed (raw, unread).
DATE_REMARK = re.compile(r"\s*\((?P<remark>[^()\d]{1,30})\)$")


def without_remark(text: str | None) -> str | None:
    """A date or time without the DATE REMARK in brackets after it."""
    match = DATE_REMARK.search(text) if text else None
    if match is None or not text[:match.start()].strip() or CANCELLED.search(match["remark"]) \
            or POSTPONED.search(match["remark"]):
        return text
    return text[:match.start()]


def is_date_line(text: str) -> bool:
    """A short line whose main content is a date (with or without time and weekday), a DATE REMARK
    after it or not."""
    text = without_remark(text)
    if len(text) > 60 or not DATE_IN_TEXT.search(text):
        return False
    rest = DATE_IN_TEXT.sub("", text)
    rest = re.sub(r"\b(?:kl\.?|klockan|den|\w+dag(?:en)?|(?:mån|tis|ons|tors?|fre|lör|sön)\.?|till)\b|[\d.:–\-/,|]",
                  "", rest, flags=re.I)
    return len(rest.strip()) <= 3


# What a place line may carry after the place: "– fri entré", "- 18 år, entré 120 kr", "(arr. Föreningen X)"
PLACE_FACTS = re.compile(
    r"\s+[–-]\s+(?:fri\s+entré|fritt\s+inträde|gratis|entré\b|inträde\b|\d+\s*(?:år|kr)\b|åldersgräns|biljett).*$",
    re.IGNORECASE)
PLACE_ORGANISER = re.compile(r"\s*\((?:arr\.|arrangör:?|arrangeras\s+av)\s+(?P<organiser>[^)]+)\)\s*$", re.IGNORECASE)


# MAP LINK: a link to a map after a place ("(Karta)", "Visa karta", "Hitta hit", or any text linking to a map service)
MAP_LINK_TEXT = re.compile(r"^\(?\s*(?:karta|kartan|visa (?:på |i )?karta|visa (?:större|stor) karta|se karta"
                           r"|hitta hit|vägbeskrivning|(?:visa (?:på |i ))?google maps)\s*\)?$", re.IGNORECASE)
MAP_ADDRESS = re.compile(r"^(?:https?:)?//(?:maps\.google\.|(?:www\.)?google\.[a-z.]+/maps|goo\.gl/maps"
                         r"|maps\.app\.goo\.gl|(?:www\.)?openstreetmap\.org|(?:www\.)?hitta\.se/kartan"
                         r"|kartor\.eniro\.se|(?:www\.)?bing\.com/maps|maps\.apple\.com)", re.IGNORECASE)
MAX_PLACE_LINE = 60


def _map_link(line: Line) -> str | None:
    """The text of the MAP LINK that ends the line, if one does."""
    if not line.links:
        return None
    href, text = line.links[-1]
    text = text.strip()
    if not text or not line.text.endswith(text) or not (MAP_LINK_TEXT.match(text) or MAP_ADDRESS.match(href)):
        return None
    return text


def without_map_link(value: str | None, line: Line) -> str | None:
    """A place line without the MAP LINK after the place ("Stortorget (Karta)")."""
    link = _map_link(line)
    if not value or link is None or not MAP_LINK_TEXT.match(link) or not value.endswith(link):
        return value
    return value[: len(value) - len(link)].strip(" –-|·,:") or None


def map_linked_place(line: Line) -> str | None:
    """MAP LINK: the place a line names before the link to a map that ends it ("Conventum Arena, hall C (Karta)"),
    or the place's own text when it is the link to the map. Never a sentence, a date or a long line."""
    link = _map_link(line)
    if link is None or line.heading or line.in_form:
        return None
    place = without_map_link(line.text, line) if MAP_LINK_TEXT.match(link) else line.text
    if not place or len(place) > MAX_PLACE_LINE or place.endswith((".", "!", "?")) or is_date_line(place) \
            or LABELLED.match(place):
        return None
    return place


def place_and_facts(value: str | None) -> tuple[str | None, str | None]:
    """The place of a place line without the facts printed after it (entry, age, price), and the organiser
    a parenthesis names ("(arr. Örebro hembygdsförening)")."""
    if not value:
        return value, None
    organiser = None
    match = PLACE_ORGANISER.search(value)
    if match:
        organiser, value = match.group("organiser").strip(), value[:match.start()]
    return PLACE_FACTS.sub("", value).strip() or None, organiser


def event_id(url: str | None, title: str | None = None, date_raw: str | None = None) -> str:
    """The site's own id (``?id=N``) when the address has one, else a hash of the address's path (the same
    on every host); a sidebar-only entry is identified by its date and title."""
    if url:
        number = query_int(url, "id")
        if number is not None:
            return f"event:{number}" if page_name(url).startswith("kalend") else f"event:{page_name(url)}:{number}"
        parts = urlsplit(url)
        return "event:" + hashlib.sha1(f"{parts.path}?{parts.query}".encode()).hexdigest()[:16]
    return "sidebar:" + hashlib.sha1(f"{date_raw}|{title}".encode()).hexdigest()[:16]


# What is left of a fact once its struck-through part is taken out: separators, not a value
LEFTOVER_SEPARATORS = " ,;|–-"


def with_struck_runs(content: list[Line], flow: list[Token]) -> list[Line]:
    """The content lines with the struck-through runs of the text flow on them.

    Content lines are re-cut after the flow (chrome split off, a label joined to its value, run-on labels
    split) but keep their block: a run belongs to the first line of its block that prints it."""
    waiting: dict[int, list[str]] = {}
    for token in flow:
        if isinstance(token, Line) and token.struck:
            waiting.setdefault(token.block, []).extend(token.struck)
    result = []
    for line in content:
        runs = waiting.get(line.block, [])
        mine = [run for run in runs if run in line.text]
        for run in mine:
            runs.remove(run)
        result.append(dataclasses.replace(line, struck=mine) if mine or line.struck else line)
    return result


def split_struck(text: str, struck: list[str], start: int = 0) -> tuple[str | None, str | None]:
    """(the text from ``start`` that is not struck through, the struck-through text): the current value
    and the old one it replaces. Either is None when there is none."""
    marked = [False] * len(text)
    position = 0
    for run in struck:
        at = text.find(run, position)
        at = text.find(run) if at < 0 else at
        if at >= 0:
            marked[at: at + len(run)] = [True] * len(run)
            position = at + len(run)
    current = "".join(ch if not mark else " " for ch, mark in zip(text[start:], marked[start:], strict=True))
    old = "".join(ch if mark else " " for ch, mark in zip(text[start:], marked[start:], strict=True))
    current, old = clean_text(current).strip(LEFTOVER_SEPARATORS), clean_text(old).strip(LEFTOVER_SEPARATORS)
    return current or None, old or None


@dataclass
class _Fields:
    date_lines: list[str]
    date_text: str | None = None
    time_text: str | None = None
    previous: str | None = None
    location: str | None = None
    organiser: str | None = None
    month_heading: str | None = None  # "Maj 2025" above the title: makes the year of "17 maj" certain
    date_struck: bool = False  # the date fact was printed struck through (an old date)
    time_struck: bool = False  # the time fact was printed struck through (an old time)
    remarks: list[str] = field(default_factory=list)  # what a struck fact says instead ("FLYTTAD", "INSTÄLLT")
    old_parts: list[str] = field(default_factory=list)  # the struck-through text of the date lines
    start_unknown: bool = False  # dated, but its time struck through with no new one

    def without_old(self, text: str) -> str:
        """A date line without its struck-through text."""
        for old in self.old_parts:
            text = text.replace(old, " ", 1)
        return text

    @property
    def moved(self) -> bool:
        return self.date_struck or self.time_struck

    @property
    def dated(self) -> bool:
        """The page prints the event's date, current or struck through (then the start is unknown)."""
        return self.date_text is not None or self.date_struck or self.start_unknown


BREADCRUMB_SEPARATOR = re.compile(r"\s*[›»>/|]\s*")


def _month_in_breadcrumb(text: str) -> str | None:
    """The "mars 2025" part of a breadcrumb line, if it has exactly one such part."""
    parts = BREADCRUMB_SEPARATOR.split(text)
    months = [part for part in parts if MONTH_HEADING.match(part)] if len(parts) > 1 else []
    return months[0] if len(months) == 1 else None


def _year_listed(entries: list[SidebarEntry], url: str) -> int | None:
    """The year of this very event in the site's own calendar column ("2025-03-14" beside a link to this
    page): a year-less date on the page is in it."""
    years = {int(match.group(1) or match.group(2)) for entry in entries
             if entry.url and entry.date_raw and entry.url.split("#")[0] == url
             for match in YEAR_IN_DATE.finditer(entry.date_raw)}
    return years.pop() if len(years) == 1 else None


def _site_headings(flow: list[Token]) -> set[tuple[str, int]]:
    """SITE HEADING: the headings with the site's menu straight under them (a logo's heading, the site's name or
    tagline: "Lokala nyheter från Örebro"), as (text, block). The menu is the run of link lines after the
    heading that names both the Video and the Kalender section; a breadcrumb never names both."""
    lines = [token for token in flow if isinstance(token, Line)]
    found = set()
    for index, line in enumerate(lines):
        if not line.heading:
            continue
        labels = []
        for after in lines[index + 1:]:
            if not (is_links_only(after) or is_menu_line(after)):
                break
            labels += [text.strip() for _, text in after.links]
        if any(lm.VIDEO_MENU.match(text) for text in labels) and any(lm.CALENDAR_MENU.match(text) for text in labels):
            found.add((line.text, line.block))
    return found


# OPENING HOURS in the event's text: "Öppet 10–16", "Öppettider: 10.00–16.00"
OPENING_HOURS = re.compile(r"\böppet(?:tider)?\s*:?\s*(?:kl\.?\s*)?(?P<hours>\d{1,2}(?:[.:]\d{2})?\s*[–-]\s*"
                           r"\d{1,2}(?:[.:]\d{2})?)(?![\d:]|\.\d)", re.IGNORECASE)


def _start_and_end(date_text: str | None, content: list[Line], title_index: int,
                   default_year: int | None) -> str | None:
    """START AND END BY THE OPENING HOURS: two date lines with a time each ("lördag 27 april 2019 10:00",
    "söndag 28 april 2019 16:00") are OCCASIONS, the last one's end unknown; but when the event's text prints
    opening hours that run from the first line's time to the second's ("Öppet 10–16 lördag och söndag"), the
    two lines are the event's start and its end: the date text becomes one span. Nothing else changes."""
    lines = date_text.split("\n") if date_text else []
    if len(lines) != 2:
        return date_text
    spans = [parse_span(line, default_year=default_year) for line in lines]
    if any(not start.readable or start.time is None or end is not None for start, end in spans):
        return date_text
    printed = set()
    for line in content[title_index + 1:]:
        if not line.in_form and not is_content_end(line):
            for match in OPENING_HOURS.finditer(line.text):
                opens, closes = parse_time_range(f"kl {match['hours']}")
                printed.add((opens, closes))
    if printed != {(spans[0][0].time, spans[1][0].time)}:
        return date_text  # no opening hours, several, or others than the two lines' times
    return " – ".join(lines)


def _names_a_record(href: str) -> bool:
    """``kalender.php?visa=12``, ``/kalendarium/1271-slug``: one record, not the section's own page."""
    target = urlsplit(href)
    return bool(target.query) or any(ch.isdigit() for ch in target.path)


def _elsewhere_on_site(href: str, url: str) -> bool:
    """A link to another page of the same host (not the page itself, not a fragment of it)."""
    target, here = urlsplit(href), urlsplit(url)
    return bool(url) and target.netloc == here.netloc and (target.path, target.query) != (here.path, here.query)


class EventParser:
    def parse(self, html: str, url: str) -> EventItem | None:
        """The event on the page, or None for a list page or a page without an event."""
        flow = text_flow(html, url)
        content = [t for t in without_chrome(flow) if isinstance(t, Line)]
        content = with_struck_runs(normalise_labelled_lines(content, LABELS), flow)
        if self.is_list(content, url):
            return None
        title_index = self._title_index(content, _site_headings(flow))
        if title_index is None:
            return None
        fields = self._read_fields(content, title_index)
        default_year = self._certain_year(fields) or _year_listed(calendar_sidebar(flow), url)
        fields.date_text = _start_and_end(fields.date_text, content, title_index, default_year)
        if not fields.dated and not (fields.location or fields.organiser):
            return None  # neither a date nor a labelled place or organiser: not an event's page
        # (an event whose date cannot be read, "Datum: meddelas senare" or none printed, is stored undated)
        title = content[title_index].text
        status = self._parse_status(content, fields, title)
        return EventItem(
            id=event_id(url),
            url=url,
            title=title,
            date_raw=" | ".join(fields.date_lines) or None,
            location=fields.location,
            organiser=fields.organiser,
            description=self._parse_description(content, title_index, url, fields.location),
            status=status,
            previous_date_raw=fields.previous,
            default_year=default_year,
            date_text=fields.date_text,
            time_text=fields.time_text,
        )

    # -- page kind ----------------------------------------------------------------------------

    @staticmethod
    def is_list(content: list[Line], url: str = "") -> bool:
        """Dated, linked entries: a list page, not one event. Several entries; or one whose heading links
        to another page of the site (a month with a single event), since an event page's own title is
        not a link away from it."""
        entries = heading_entries = 0
        first_fact = next((i for i, line in enumerate(content) if LABELLED.match(line.text)), len(content))
        for index, line in enumerate(content):
            links = [h for h, _ in line.links if article_id(h) is None]
            if not links or len(line.links) != 1:
                continue
            nearby = content[max(0, index - 1): index + 2]
            if any(DATE_IN_TEXT.search(other.text) for other in nearby):
                entries += 1
                # a heading linked away before any "Datum:"-like fact: the facts are that entry's, a list's
                whole = line.links[0][1].strip() == line.text
                if line.heading and index < first_fact and whole and _elsewhere_on_site(links[0], url) \
                        and _names_a_record(links[0]):
                    heading_entries += 1
        return entries >= 2 or heading_entries >= 1

    # -- fields -------------------------------------------------------------------------------

    def _title_index(self, content: list[Line], site_headings: set[tuple[str, int]] = frozenset()) -> int | None:
        def usable(line: Line) -> bool:
            return (line.text, line.block) not in site_headings and not (
                SECTION_LABELS.match(line.text) or LABELLED.match(line.text) or is_date_line(line.text)
                or lm.CLOSE_BUTTON.match(line.text) or is_links_only(line) or STATUS_ONLY.match(line.text)
                or lm.PUBLISHED.match(line.text)
            )

        for index, line in enumerate(content):
            if line.heading and usable(line):
                return index
        return next((i for i, line in enumerate(content) if usable(line)), None)

    def _read_fields(self, content: list[Line], title_index: int) -> _Fields:
        fields = _Fields(date_lines=[])
        organiser_hint = None  # "(arr. X)" after the place: the organiser, unless a line of its own names one
        unlabelled_date = unlabelled_old = None
        unlabelled_lines: list[str] = []  # the unlabelled date line(s), as printed
        occasions: list[str] = []  # OCCASIONS: the unlabelled date lines listed together, without remarks
        occasion_at = None  # the index of the last of them
        struck_date_at = None  # the index of a struck date with no new date beside it
        map_place = None  # the place before a MAP LINK
        text_ended = False  # past the end of the page's own text (a back link, a share row, the footer's ©)
        for index, line in enumerate(content):
            if line.in_form or is_content_end(line):
                text_ended = text_ended or index > title_index
                continue
            match = LABELLED.match(line.text)
            if match:
                label = match.group("label").lower()
                # STRUCK IS OLD: the value of a fact is its text not struck through
                value, old = split_struck(line.text, line.struck, match.start("value"))
                first_date = fields.date_text is None and not fields.date_struck
                first_time = fields.time_text is None and not fields.time_struck
                if old is not None and label in DATE_LABELS and first_date:
                    self._struck_date(fields, line.text, value, old)
                    struck_date_at = index if fields.date_text is None else None
                elif old is not None and (label in TIME_LABELS or label in DATE_LABELS) and first_time:
                    self._struck_time(fields, line.text, value, old)
                elif label in DATE_LABELS and first_date:
                    fields.date_text = without_remark(value)
                    fields.date_lines.append(line.text)
                elif label in DATE_LABELS and first_time:
                    # "När: lördag 18 maj kl 13" beside "Datum: 2024-05-18"
                    fields.time_text = without_remark(value)
                    fields.date_lines.append(line.text)
                elif label in TIME_LABELS and first_time:
                    fields.time_text = without_remark(value)
                    fields.date_lines.append(line.text)
                elif label in NEW_DATE_LABELS or label in NEW_TIME_LABELS:
                    fields.date_lines.append(line.text)
                    if value is None:
                        pass  # "Nytt datum:" with nothing after it: no new value
                    elif label in NEW_DATE_LABELS or DATE_IN_TEXT.search(value):
                        # NEW TIME WITH A DATE: "Ändrad tid: lördag 21 maj kl 15" moves the date too
                        fields.previous = fields.date_text if fields.date_text is not None else fields.previous
                        fields.date_text = without_remark(value)
                        if label in NEW_TIME_LABELS:
                            fields.time_text = None  # the old date's time
                    else:
                        fields.time_text = without_remark(value)
                elif label in OLD_DATE_LABELS:
                    fields.previous = value
                    fields.date_lines.append(line.text)
                elif label in PLACE_LABELS and fields.location is None:
                    place, organiser_hint = place_and_facts(without_map_link(value, line))
                    fields.location = self._with_address(place, content, index)
                elif label in ORGANISER_LABELS and fields.organiser is None:
                    fields.organiser = value
                continue
            current, old = split_struck(line.text, line.struck)
            if struck_date_at == index - 1 and content[struck_date_at].block == line.block and old is None \
                    and is_date_line(line.text):
                # NEW DATE BELOW A STRUCK ONE: "Datum: <s>20 okt. 2016</s><br>27 okt. 2016"
                struck_date_at = None
                if fields.date_struck and fields.date_text is None:
                    fields.date_text = line.text
                    fields.date_lines.append(line.text)
                else:
                    unlabelled_date = line.text
                    unlabelled_lines.append(line.text)
            elif old is not None and is_date_line(old) and not unlabelled_lines:
                # a date line struck through: "<s>lördag 18 maj kl 13</s> söndag 19 maj kl 13"
                unlabelled_lines.append(line.text)
                unlabelled_old = old
                fields.old_parts.append(old)
                if current is not None and is_date_line(current):
                    unlabelled_date = current
                else:
                    struck_date_at = index
                    if current is not None:
                        fields.remarks.append(current)
            elif old is not None and TIME_LINE.match(old) and fields.time_text is None and not fields.time_struck:
                self._struck_time(fields, line.text, current, old)  # "<s>kl. 18.30</s>" under "Datum: …"
            elif not unlabelled_lines and is_date_line(line.text):
                unlabelled_date = without_remark(line.text)
                unlabelled_lines.append(line.text)
                occasions, occasion_at = [unlabelled_date], index
            elif occasion_at == index - 1 and content[occasion_at].block == line.block and old is None \
                    and is_date_line(line.text):
                # OCCASIONS: the next date line of the same list ("lördag 9 november 2024, kl. 15.00–17.00")
                occasions.append(without_remark(line.text))
                unlabelled_lines.append(line.text)
                occasion_at = index
            elif fields.time_text is None and TIME_LINE.match(line.text):
                fields.time_text = line.text  # "kl. 18.30" under "Datum: …", or the new time under a struck one
                fields.date_lines.append(line.text)
            elif MONTH_HEADING.match(line.text):
                fields.month_heading = line.text
            elif fields.month_heading is None and (crumb := _month_in_breadcrumb(line.text)):
                fields.month_heading = crumb  # "Kalendern › mars 2025 › Bildkväll"
            elif map_place is None and index > title_index and not text_ended \
                    and (place := map_linked_place(line)):
                map_place = place  # MAP LINK: the place, when no label names one
        if fields.location is None and map_place is not None:
            fields.location = map_place
        if len(occasions) > 1:
            unlabelled_date = "\n".join(occasions)  # one occasion a line: the dates pipeline spans them
        if fields.date_text is None and not fields.date_struck and unlabelled_lines:
            fields.date_text = unlabelled_date
            fields.date_lines[0:0] = unlabelled_lines
            if unlabelled_old is not None:
                fields.date_struck = True
                fields.previous = fields.previous or unlabelled_old
        if fields.time_struck and fields.time_text is None and fields.date_text is not None \
                and not mentions_time(fields.date_text):
            # STRUCK TIME, NO NEW TIME: on its date, at a time not known yet: the start is unknown (not all day)
            fields.date_text, fields.start_unknown = None, True
        if fields.organiser is None and organiser_hint:
            fields.organiser = organiser_hint
        return fields

    @staticmethod
    def _struck_date(fields: _Fields, text: str, current: str | None, old: str) -> None:
        """STRUCK DATE: the struck-through date is the old one (the event was moved); the text left
        is the new date when it holds one ("<s>20 okt.</s> 27 okt."), else a remark ("<s>…</s> FLYTTAD").
        With no new date here or under a new-date label, the start is unknown."""
        fields.date_struck = True
        fields.previous = fields.previous or old
        fields.old_parts.append(old)
        fields.date_lines.append(text)
        if current is not None and DATE_IN_TEXT.search(current):
            fields.date_text = current
        elif current is not None:
            fields.remarks.append(current)

    @staticmethod
    def _struck_time(fields: _Fields, text: str, current: str | None, old: str) -> None:
        """STRUCK TIME: the struck-through time is the old one (the event was moved); the text left is
        the new time when it holds one ("<s>kl. 14.00</s> kl. 15.30"), else a remark; a new time may
        also follow under its own label ("Ändrad tid: kl. 15.30–17.00") or on the next line."""
        fields.time_struck = True
        fields.old_parts.append(old)
        fields.date_lines.append(text)
        if current is not None and mentions_time(current):
            fields.time_text = current
        elif current is not None:
            fields.remarks.append(current)

    @staticmethod
    def _with_address(value: str | None, content: list[Line], index: int) -> str | None:
        """A place and its address printed on the following lines of the same paragraph
        ("Plats: Galleri Kvarnen<br>Hamnplan 4"), lines joined with a newline."""
        lines = [value] if value else []
        for line in content[index + 1:]:
            if line.block != content[index].block or LABELLED.match(line.text) or is_date_line(line.text) \
                    or TIME_LINE.match(line.text) or line.links or len(line.text) > MAX_ADDRESS_LINE \
                    or line.text.endswith((".", "!", "?")):
                break  # a sentence after the place is description, not its address
            lines.append(line.text)
        return "\n".join(lines) or None

    def _parse_status(self, content: list[Line], fields: _Fields, title: str = "") -> str:
        """From the title, lines that announce a status, the status label and what a struck-through date
        or time says instead ("<s>20 okt.</s> INSTÄLLT"): not from the description, where "inte inställt"
        or "flyttat till Stortorget" may stand. A date or time struck through moved the event."""
        announced = [line.text for line in content if STATUS_LINE.match(line.text) or STATUS_ONLY.match(line.text)]
        labelled = [line.text for line in content if (m := LABELLED.match(line.text)) and m.group("label").lower()
                    in ("status", *NEW_DATE_LABELS, *NEW_TIME_LABELS)]
        text = " ".join([title, *announced, *labelled, *fields.remarks])
        if CANCELLED.search(text):
            return "cancelled"
        if POSTPONED.search(text) or fields.previous or fields.moved:  # MOVED: a date or time struck through
            return "postponed"
        return "scheduled"

    @staticmethod
    def _certain_year(fields: _Fields) -> int | None:
        """The one year that the event's own date lines name, if exactly one: then a year-less date
        on the same page ("lördag 18 maj kl 13") is certain to be in it. The year of a struck-through (old)
        date does not count: the event was moved, maybe into another year."""
        years = set()
        for text in [*map(fields.without_old, fields.date_lines), fields.month_heading or ""]:
            heading = MONTH_HEADING.match(text)
            if heading:
                years.add(int(text.split()[-1]))
            for match in YEAR_IN_DATE.finditer(text):
                years.add(int(match.group(1) or match.group(2)))
        return years.pop() if len(years) == 1 else None

    def _parse_description(self, content: list[Line], title_index: int, url: str | None = None,
                           location: str | None = None) -> str | None:
        """The paragraphs of the description zone (``zones.text_lines``), without the labelled facts (nor the
        place a MAP LINK names)."""
        paragraphs: list[list[str]] = []
        previous_block = None
        for line in text_lines(content[title_index + 1:], url)[0]:
            text = line.text
            if (LABELLED.match(text) or is_date_line(text) or is_links_only(line) or STATUS_LINE.match(text)
                    or SECTION_LABELS.match(text) or lm.PUBLISHED.match(text) or TIME_LINE.match(text)
                    or MONTH_HEADING.match(text) or (location is not None and map_linked_place(line) == location)):
                previous_block = None
                continue
            if previous_block is not None and line.block == previous_block:
                paragraphs[-1].append(text)
            else:
                paragraphs.append([text])
            previous_block = line.block
        return "\n\n".join("\n".join(p) for p in paragraphs) or None


def sidebar_event(entry: SidebarEntry) -> EventItem:
    """An ``I Kalendern:`` entry with no page of its own: a title on a date, all day."""
    return EventItem(
        id=event_id(None, entry.title, entry.date_raw),
        url=None,
        title=entry.title,
        date_raw=entry.date_raw,
        date_text=entry.date_raw,
        source="sidebar",
    )
