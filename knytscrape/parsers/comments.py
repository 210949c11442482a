"""Reader comments under ``Kommentarer:``.

The real site's comment markup has never been seen. We read the plausible range of author lines,
each followed by text that may span paragraphs:

    Anna Berg skrev 2017-10-29 14:32:           (author, "skrev", date-time)
    Skrivet av: Anna Berg  /  29 oktober 2017 kl. 14.32   (author line, then a date line)
    Anna Berg | 29/10 2017                      (author | date)
    Anna Berg, 2017-10-29 14:32  /  2017-10-29 Anna Berg   (a short line of a name and a date)
    Inlägg av Anna Berg, 27/9 -09 kl. 10.14     (a label before the author)
    Anna Berg säger:  /  Anna Berg sa...        (a WordPress or Blogger label after the author)
    lördag, 23 september 2017 18:17 skrivet av Anna Berg   (K2: the date, then a label and the author)
    #1·Anna Berg·9 nov. 2024 19:02 (redigerad)  (Isso: a number, spacers and a note around name and date)
    Anna Berg  /  text  /  2016-09-10 15:43 Gilla   (the name alone above, the date in the footer below)

Buttons ("Svara", "Gilla (3)"), vote and clap counts, badges ("Mod") and links to the answered comment are
never part of a comment's author or text.

The heading is ``Kommentarer:`` or, failing that, a count before the word (Blogger's "3 kommentarer:").
The section ends at the comment form (``Lämna en kommentar`` or any form field), at the page chrome
or at the end of the page. The date stays raw here; the dates pipeline turns it into ISO 8601.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from knytscrape.items import CommentItem
from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.textflow import Line, Token, is_links_only

MONTHS = lm.MONTH_NAME
# "DATE - 18:47": Drupal's default format puts a dash between the date and the time
TIME = r"(?:\s*(?:,|kl\.?|klockan|-|–)?\s*\d{1,2}(?:[:.]\d{2}){1,2})"
# case-insensitive inside: "12 OKTOBER 2011", "Lördag"; "igår 14:05" is a date as printed, kept raw.
# Also as printed by blog and CMS defaults: a weekday with a comma ("lör, 04/13/2019 - 18:47", Drupal, month
# first), a short year after a spaced dash ("27/9 -09"), a comma before the year ("5 september, 2020",
# WordPress) and the month first with a comma and the year ("maj 19, 2018", Squarespace).
DATE_TEXT = (
    r"(?i:(?:(?:mån|tis|ons|tors|fre|lör|sön)(?:dag(?:en)?|\.)?,?\s+)?(?:den\s+)?"
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:T\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    rf"|\d{{1,2}}/\d{{1,2}}(?:(?:[-/ ]|\s+[-–])\s*\d{{2,4}})?"
    rf"|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}|\d{{1,2}}\s+{MONTHS}(?:,?\s+\d{{4}})?|{MONTHS}\s+\d{{1,2}},\s*\d{{4}}"
    rf"|(?:i\s?går|i\s?dag|i\s?förrgår)(?={TIME}))"
    rf"{TIME}?)"
)
NAME = r"[^\s|:,(][^|:]{0,60}?"

SKREV = re.compile(rf"^(?P<author>{NAME})\s+skr(?:ev|iver)(?:\s+(?:den\s+)?(?P<when>{DATE_TEXT}))?\s*:?\s*$", re.I)
# Rule "says label": "Eva Lund säger:" (WordPress), "Anonym sa..." (Blogger): the label is not the author's.
# Only with its colon or its dots, the way the software prints it (a sentence may end on "sa").
SAYS = re.compile(rf"^(?P<author>{NAME})\s+(?:säger\s*:|sa\s*(?:\.\.\.|…))\s*$", re.I)
WRITTEN_BY = re.compile(
    r"^(?:(?:skrivet|skriven|postat|postad|inlagd|inlagt|inlägg|kommentar)\s+av\s*:?|(?:från|namn|av|signatur|författare)\s*:)"
    rf"\s*(?P<author>{NAME})(?:(?:\s*(?:,|den|-|–|\|)\s*|\s+)(?P<when>{DATE_TEXT}))?\s*:?\s*$",
    re.I,
)
# "Skrivet 2008-10-04 kl 19:12 av Gunnel": the date before the author
WRITTEN_ON_BY = re.compile(
    rf"^(?:skrivet|skriven|postat|postad|inlagd|inlagt|inskickad|inskickat)\s+(?:den\s+)?(?P<when>{DATE_TEXT})"
    rf"\s+av\s*:?\s*(?P<author>{NAME})\s*:?\s*$", re.I)
# Rule "date, then written by": K2 prints the date first, then "skrivet av Name" ("lördag, 23 september 2017
# 18:17 skrivet av Sofia Bergkvist"); the label is K2's, not the author's
DATE_WRITTEN_BY = re.compile(
    rf"^(?P<when>{DATE_TEXT})\s*(?:[|,·•-]\s*)?(?:skrivet|skriven|postat|postad|inlagd|inlagt|inlägg|kommentar)"
    rf"\s+av\s*:?\s*(?P<author>{NAME})\s*:?\s*$", re.I)
# The same two with an unreadable date: "skrev …:" and "|" are strong enough signals on their own.
SKREV_LOOSE = re.compile(rf"^(?P<author>{NAME})\s+skrev\s+(?P<when>[^:\d]{{0,20}}\d[^:]{{0,20}}?)\s*:\s*$", re.I)
PIPE = re.compile(rf"^(?P<author>{NAME})\s*\|\s*(?P<when>[^|]{{0,40}}?)\s*:?\s*$", re.I)
NAME_THEN_DATE = re.compile(rf"^(?P<author>{NAME})\s*(?:,|-|–|·|•|\(|den)\s*(?P<when>{DATE_TEXT})\s*\)?\s*:?\s*$", re.I)
# "Anna Berg 2017-10-29 kl 14:32" (name and date in two inline elements): only capitalised names
CAPITALISED_NAME = r"(?:[A-ZÅÄÖÉ][\w'-]*\s+){0,3}[A-ZÅÄÖÉ][\w'-]*"
NAME_SPACE_DATE = re.compile(rf"^(?P<author>{CAPITALISED_NAME})\s+(?P<when>{DATE_TEXT})\s*:?$")
# "Simmartjejen2023-05-04 21:03", "Jenny Åberg22 mars 2025 16:02": name and date in two touching elements (a
# flex row on screen); the date is an ISO date or a day, a month's name and a year, with an optional time
GLUED_NAME_DATE = re.compile(
    r"^(?P<author>[^\s\d|:,.!?][^|:.!?]{0,59}[^\W\d_])"
    rf"(?P<when>\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\d{{1,2}}[:.]\d{{2}})?|\d{{1,2}}\s+(?i:{MONTHS})\s+\d{{4}}{TIME}?)$")
# in a section whose comments are headed "Name 2014-10-11 20:14": any short name before a date
LOOSE_NAME_DATE = re.compile(rf"^(?P<author>[^\s|:,.!?][^|:.!?]{{0,60}}?)\s+(?P<when>{DATE_TEXT})\s*$")
DATE_THEN_NAME = re.compile(rf"^(?P<when>{DATE_TEXT})\s*(?:,|-|–|\|)?\s*(?P<author>{NAME})\s*:?\s*$", re.I)
DATE_LINE = re.compile(rf"^(?:datum\s*:\s*)?(?P<when>{DATE_TEXT})\s*:?\s*$", re.I)

AUTHOR_LINES = (SKREV, SAYS, SKREV_LOOSE, WRITTEN_BY, WRITTEN_ON_BY, DATE_WRITTEN_BY, PIPE, NAME_THEN_DATE,
                NAME_SPACE_DATE, DATE_THEN_NAME, GLUED_NAME_DATE)
MAX_NAME_WORDS = 6
# "Anders Å.", "Eva K.L.": a name that ends on an initial; its full stop is the name's, not a sentence's
ENDS_ON_INITIAL = re.compile(r"\S\s+(?:[A-ZÅÄÖÆØÜÉ]\.){1,3}$")


def _ends_sentence(text: str) -> bool:
    """Whether a line ends like a sentence (., ! or ?), a full stop after a name's initial aside."""
    return text.endswith(("!", "?")) or (text.endswith(".") and not ENDS_ON_INITIAL.search(text))


def _is_name(text: str) -> bool:
    """A line that can be a commenter's name on its own: a few words, no sentence punctuation (a
    closing initial's full stop, "Anders Å.", is the name's own)."""
    return (
        0 < len(text.split()) <= MAX_NAME_WORDS
        and len(text) <= 60
        and not _ends_sentence(text) and not text.endswith(":")
        and not DATE_LINE.match(text)
        and not lm.COMMENTS_HEADER.match(text)
    )


def is_date_line(text: str) -> bool:
    """A line that carries a comment's date, readable or not: a date, or a short line with a digit."""
    return bool(DATE_LINE.match(text)) or (len(text) <= 40 and bool(re.search(r"\d", text))
                                           and not text.endswith((".", "!", "?")))


@dataclass
class _Draft:
    author: str | None
    when: str | None
    lines: list[Line]
    needs_date: bool  # "Skrivet av:" lines carry the date on the next line
    from_name_date: bool = False  # read from "Name 2014-10-11 20:14"


# "Svara", "Svara ↓", "Svara · Citera", "Svara Gilla 2", "Gilla (3) · Svara · Anmäl", "Kommentarlänk" (K2's
# permalink): a comment's buttons, never its text. Rule "counted button": the count after a button, bare or in
# brackets, is the button's.
_ACTION = (r"(?:svara|kommentarlänk|permalänk|permalink|länk|citera|anmäl|rapportera|gilla|redigera|ta bort)"
           r"(?:\s*\(?\d+\)?)?(?:\s*[↓↑»›])?")
# Rule "score before the buttons": a vote score before the reply link, "14Svara", "-2 Svara" (Isso)
_SCORE = r"(?:[-+−]?\d{1,6}\s*)?"
COMMENT_ACTION = re.compile(rf"^{_SCORE}{_ACTION}(?:\s*[|·•]?\s*{_ACTION})*$", re.I)
# Rule "button row": two or more action words on one line ("Svara Gilla") are buttons even when they are
# not links (<a> without href, <button>); a single word must be a link or carry a count or an arrow.
BUTTON_ROW = re.compile(rf"^{_ACTION}(?:\s*[|·•]?\s*{_ACTION})+$", re.I)
# Rule "date before the buttons": a comment's footer of its date and its buttons ("2016-09-10 15:43 Gilla",
# SiteVision) is the date alone
DATE_THEN_BUTTONS = re.compile(rf"^(?P<when>{DATE_TEXT})\s*[|·•]?\s*{_SCORE}{_ACTION}(?:\s*[|·•]?\s*{_ACTION})*$",
                               re.I)
# Rule "footer counter": the counts in a comment's footer (a vote score "3" or "-2", claps "👏14", "♥ 5", the
# replies "1 svar") and the bullets between its buttons are not its text; read only at the end of a comment
FOOTER_COUNT = re.compile(
    r"^(?:[^\w\s]{0,3}\s*[-+−]?\d{1,6}\s*[^\w\s]{0,3}|\d{1,6}\s+(?:svar|gillar|röster|poäng|likes?|applåder)|[•·|]+)$",
    re.I)
# Rule "unverified marker": Drupal prints " (inte verifierad)" after an anonymous commenter's name
UNVERIFIED = re.compile(r"\s*\((?:inte|ej|not)\s+verifi(?:erad|ed)\)\s*$", re.I)
# Rule "counted heading": Blogger heads the section with the count, "3 kommentarer:" (read only when no
# "Kommentarer:" heading is there; the colon tells it from a count in a post's meta row)
COUNTED_HEADER = re.compile(r"^\d{1,4}\s+kommentar(?:er)?\s*:$", re.I)
# "Kommentar från Hans Ö": the name is what follows
AUTHOR_PREFIX = re.compile(r"^(?:Kommentar|Inlägg|Svar)\s+från\s+", re.I)
# "1. Anna Berg skrev …", "#1 Anna Berg 12 maj …", "#1·Amal Hassan·9 nov. 2024 19:02" (Isso's permalink, a spacer)
NUMBERED = re.compile(r"^(?:\d{1,3}[.)]\s+|#\d{1,4}(?:[.:]?\s+|\s*[·•|]\s*))")
# Rule "edited note": "(redigerad)" after a byline is the software's note, not part of the date or the name
EDITED_NOTE = re.compile(r"\s*[·•|]?\s*\((?:redigerad|redigerat|ändrad|ändrat|edited)\)\s*$", re.I)
# Rule "byline extras": after the author's link a byline may carry a badge ("Mod") and a link to the comment it
# answers (Disqus: "Johan Gullberg Mod ↪ Lena Nordqvist", the link to "#comment-…"); neither is the name
BADGE = re.compile(r"^(?:mod|moderator|admin|administratör|redaktör|redaktionen|skribent|författare)\b\s*", re.I)
# after a "#N": any nick before the date, "www.orebrobloggen.se igår 14:32" included
NUMBERED_NICK_DATE = re.compile(rf"^(?P<author>\S[^|:]{{0,60}}?)\s+(?P<when>{DATE_TEXT})\s*:?$")
COMMENT_REFERENCE = re.compile(r"^#\d{1,4}$")  # "#2 skrev:" quotes comment 2: not an author


def _author_line(line: Line) -> _Draft | None:
    if DATE_LINE.match(line.text) or CLOSING_DATE.match(line.text):
        return None  # a date alone (the second line of "Skrivet av:"), or "Inskickad <date>"
    numbered = NUMBERED.sub("", line.text)
    text = EDITED_NOTE.sub("", numbered)
    patterns = (*AUTHOR_LINES, NUMBERED_NICK_DATE) if numbered != line.text else AUTHOR_LINES
    for pattern in patterns:
        match = pattern.match(text)
        if not match:
            continue
        author = _byline_name(match.group("author").strip(" ,-–"), line)
        if not author or len(author.split()) > MAX_NAME_WORDS or DATE_LINE.match(author) \
                or COMMENT_REFERENCE.match(author):
            continue
        when = match.groupdict().get("when")
        if pattern in (NAME_THEN_DATE, NAME_SPACE_DATE, DATE_THEN_NAME, NUMBERED_NICK_DATE) \
                and _ends_sentence(author):
            continue  # a sentence that mentions a date, not an author line
        when = when.strip() if when else None
        return _Draft(author, when or None, [], pattern in (WRITTEN_BY, SKREV, SAYS) and not when,
                      from_name_date=pattern is NAME_SPACE_DATE)
    return None


def _byline_name(author: str, line: Line) -> str:
    """Rule "byline extras": the author's link alone when a badge or a link to another comment follows it."""
    for index, (_, name) in enumerate(line.links):
        name = name.strip()
        if not name or not author.startswith(name) or author == name:
            continue
        rest = author[len(name):].strip()
        replies_to = [text.strip() for href, text in line.links[index + 1:] if urlsplit(href).fragment and text.strip()]
        while rest:
            badge = BADGE.match(rest)
            linked = next((text for text in replies_to if rest.startswith(text)), None)
            if badge:
                rest = rest[badge.end():]
            elif linked:
                rest = rest[len(linked):].strip(" ↪→")
            else:
                break
        return name if not rest else author
    return author


def _is_footer(line: Line) -> bool:
    return line.text.startswith(("©", "Copyright"))


def _ends_section(line: Line) -> bool:
    """After the comments: the back link, a row of links, a copyright footer."""
    links_row = is_links_only(line) and not is_date_line(line.text) and not COMMENT_ACTION.match(line.text)
    return bool(lm.BACK.match(line.text)) or links_row or _is_footer(line)  # a linked date, "Svara": inside


def _row_cells(line: Line) -> list[Line]:
    """Rule "table row cells": a data table's row comes as one line of tab-joined cells; in the comments
    each cell (a name, a date, a text) is read as a line of its own."""
    if "\t" not in line.text:
        return [line]
    cells = [cell.strip() for cell in line.text.split("\t") if cell.strip()]
    return [Line(cell, line.block, [(href, text) for href, text in line.links if text and text in cell],
                 line.in_form, line.heading) for cell in cells]


def comment_zone(tokens: list[Token]) -> tuple[bool, list[Line]]:
    """Whether a ``Kommentarer:`` section exists, and its lines up to the form, the chrome or the footer.

    A form (or a "Lämna en kommentar" link) before the first comment is stepped over: some sites put
    the form first. Rule "jump link": "Kommentarer (3)" as a link (a toolbar's jump to the section) is not
    the heading when the section's own heading is on the page. Rule "page-wide form": when the heading
    itself is inside a form (ASP.NET wraps the whole page in one), being in a form says nothing; the
    section then ends at "Lämna en kommentar"."""
    lines = [cell for t in tokens if isinstance(t, Line) for cell in _row_cells(t)]
    headings = [i for i, line in enumerate(lines) if lm.COMMENTS_HEADER.match(line.text)]
    headings = [i for i in headings if not is_links_only(lines[i])] or headings
    headings = headings or [i for i, line in enumerate(lines) if COUNTED_HEADER.match(line.text)]
    if not headings:
        return False, []
    index = headings[0]
    zone: list[Line] = []
    seen_comment = False
    page_form = lines[index].in_form
    for following in lines[index + 1:]:
        if lm.is_chrome(following.text):
            break
        if (following.in_form and not page_form) or lm.COMMENT_FORM.match(following.text):
            if seen_comment or any(not lm.NO_COMMENTS.match(line.text) for line in zone):
                break  # the form after the comments (one before them is stepped over)
            continue
        header = _author_line(following)
        if seen_comment and _ends_section(following) and not header:
            break
        if zone and _is_footer(following):
            break  # the site's copyright footer, whatever the comments looked like
        seen_comment = seen_comment or header is not None
        zone.append(following)
    return True, zone


def _join_paragraphs(lines: list[Line]) -> str:
    text = ""
    previous_block = None
    for line in lines:
        if previous_block is not None:
            text += "\n" if line.block == previous_block else "\n\n"
        text += line.text
        previous_block = line.block
    return text


SIGNATURE_DASH = re.compile(r"^[—–/-]\s*")  # "— Anna Berg, 15 mars 2014", "/Marie L, 2019-06-08 21:40"
# "Inskickad 2015-08-29 22:05" under a comment whose author heads it: the date closes the comment
CLOSING_DATE = re.compile(
    rf"^(?:inskickad|inskickat|skickad|skickat|postad|postat|publicerad|publicerat)\s*:?\s+(?:den\s+)?"
    rf"(?P<when>{DATE_TEXT})\s*$", re.I)


def _signed_comments(zone: list[Line]) -> list[_Draft] | None:
    """Comments signed below their text ("…text… / — Anna Berg, 15 mars 2014", or "Sofia 2018-08-26
    09:14" under the text), when the section's first author line has text above it; else None."""
    zone = [line for line in zone if not lm.NO_COMMENTS.match(line.text)]
    first = next((i for i, line in enumerate(zone) if _author_line(line)), None)
    if not first:  # None, or 0: nothing above it
        return None
    dashed = bool(SIGNATURE_DASH.match(zone[first].text))
    if not dashed:
        # unmarked signatures only when the section ends on one, and the first is not a header form
        # that introduces the text below it ("Anna skrev:", "Skrivet av: Anna")
        headed = (SKREV, SAYS, SKREV_LOOSE, WRITTEN_BY, WRITTEN_ON_BY)
        if not _author_line(zone[-1]) or any(pattern.match(NUMBERED.sub("", zone[first].text)) for pattern in headed):
            return None
    drafts, text = [], []
    for line in zone:
        draft = _author_line(line) if dashed is bool(SIGNATURE_DASH.match(line.text)) else None
        if draft is None:
            text.append(line)
            continue
        drafts.append(_Draft(SIGNATURE_DASH.sub("", draft.author).strip(), draft.when, text, False))
        text = []
    return drafts


def _closing_date(zone: list[Line], index: int, bare_dates: bool) -> str | None:
    """The date that closes a comment headed by its author alone: a labelled date ("Inskickad 2015-08-29
    22:05"), or (``bare_dates``) a date alone that is the comment's last line (the next comment's name, the
    comment's buttons or the section's end follow it: rule "date under the text", SiteVision's footer)."""
    labelled = CLOSING_DATE.match(zone[index].text)
    if labelled:
        return labelled.group("when").strip()
    bare = DATE_LINE.match(zone[index].text) if bare_dates else None
    if not bare:
        return None
    following = _without_footer(zone[index + 1:])
    return bare.group("when").strip() if not following or _is_name(following[0].text) else None


def _without_footer(lines: list[Line]) -> list[Line]:
    """The lines from the first that is not a comment's button row or footer counter."""
    index = 0
    while index < len(lines) and (COMMENT_ACTION.match(lines[index].text) or FOOTER_COUNT.match(lines[index].text)):
        index += 1
    return lines[index:]


def _closed_by_dates(zone: list[Line]) -> list[_Draft] | None:
    """Comments headed by their author alone and closed by a date ("Göran P" / text / "Inskickad 2015-08-29
    22:05", or "Elin Fors" / text / "2016-09-10 15:43"), when the section is written that way (its first
    line a name, then text, not a date); else None. A date alone closes a comment only in a section where no
    name stands alone right above a date (that is the name-over-date header of the main reading)."""
    if len(zone) < 2 or not _is_name(zone[0].text) or _author_line(zone[0]) or DATE_LINE.match(zone[1].text):
        return None
    bare_dates = not any(_is_name(line.text) and DATE_LINE.match(following.text)
                         for line, following in zip(zone, zone[1:], strict=False))
    if not any(_closing_date(zone, index, bare_dates) for index in range(len(zone))):
        return None
    drafts: list[_Draft] = []
    closed = True
    for index, line in enumerate(zone):
        date = _closing_date(zone, index, bare_dates) if drafts and not closed else None
        if date:
            drafts[-1].when, closed = date, True
        elif closed and _is_name(line.text):
            drafts.append(_Draft(line.text, None, [], False))
            closed = False
        elif drafts:
            drafts[-1].lines.append(line)
    return drafts


def _date_cell_first(zone: list[Line]) -> bool:
    """Whether the section's first comment starts with its date alone, then its author alone (a date
    cell before the name cell): then every comment of the section is read that way round."""
    lines = [line for line in zone if not lm.NO_COMMENTS.match(line.text)]
    return (len(lines) >= 2 and _author_line(lines[0]) is None and bool(DATE_LINE.match(lines[0].text))
            and _is_name(lines[1].text) and _author_line(lines[1]) is None)


def _merge_name_date_lines(zone: list[Line]) -> list[Line]:
    """A name alone and a date alone on two lines of one paragraph ("Anna<br>2013-05-04 21:03") -> one
    "Anna, 2013-05-04 21:03" line, read like any author line (above its text or signed below it)."""
    merged: list[Line] = []
    index = 0
    while index < len(zone):
        line = zone[index]
        following = zone[index + 1] if index + 1 < len(zone) else None
        if (following is not None and following.block == line.block and _author_line(line) is None
                and _is_name(line.text) and DATE_LINE.match(following.text)):
            date = DATE_LINE.match(following.text).group("when").strip()
            merged.append(Line(f"{line.text}, {date}", line.block, line.links, line.in_form, line.heading))
            index += 2
            continue
        merged.append(line)
        index += 1
    return merged


def _date_without_buttons(line: Line) -> Line:
    """Rule "date before the buttons": "2016-09-10 15:43 Gilla" -> "2016-09-10 15:43"."""
    match = DATE_THEN_BUTTONS.match(line.text)
    if not match:
        return line
    return Line(match.group("when").strip(), line.block, line.links, line.in_form, line.heading)


def parse_comments(tokens: list[Token]) -> tuple[bool, list[CommentItem]]:
    """(has a comment section, the comments in page order)."""
    has_section, zone = comment_zone(tokens)
    zone = _merge_name_date_lines([_date_without_buttons(line) for line in zone])
    for layout in (_signed_comments, _closed_by_dates):
        drafts = layout(zone)
        if drafts is not None:
            return has_section, _items(drafts)
    drafts = []
    skip_next = False
    date_first = _date_cell_first(zone)
    for index, line in enumerate(zone):
        if skip_next:
            skip_next = False
            continue
        draft = _author_line(line)
        if draft is None and drafts and drafts[0].from_name_date:
            loose = LOOSE_NAME_DATE.match(line.text)  # "Mamma till en spelare 2014-10-12 10:31"
            draft = _Draft(loose.group("author").strip(), loose.group("when").strip(), [], False) if loose else None
        following = zone[index + 1].text if index + 1 < len(zone) else ""
        if draft is None and not date_first and _is_name(line.text) and DATE_LINE.match(following):
            # a name alone, then a date alone: table cells, or <b>name</b><br><i>date</i>
            draft = _Draft(line.text, DATE_LINE.match(following).group("when").strip(), [], False)
            skip_next = True
        elif draft is None and date_first and DATE_LINE.match(line.text) and _is_name(following):
            draft = _Draft(following, DATE_LINE.match(line.text).group("when").strip(), [], False)
            skip_next = True
        if draft is not None:
            drafts.append(draft)
            continue
        if not drafts or lm.NO_COMMENTS.match(line.text):
            continue  # text before the first author line ("Inga kommentarer än.")
        current = drafts[-1]
        if COMMENT_ACTION.match(line.text) and (is_links_only(line) or re.search(r"\d|[↓↑»›·|]", line.text)
                                                or BUTTON_ROW.match(line.text)):
            continue  # "Svara", "Permalänk", "Svara Gilla 2", "Svara Gilla": the comment's buttons, not its text
        if current.when is None and current.lines and DATE_LINE.match(line.text) and _closes_comment(zone, index):
            current.when = DATE_LINE.match(line.text).group("when").strip()
            continue  # "date after the text": the comment's footer (Blogger) closes it with its date
        if current.needs_date and not current.lines:
            current.needs_date = False
            if is_date_line(line.text):
                date = DATE_LINE.match(line.text)
                current.when = date.group("when").strip() if date else line.text
                continue
        current.lines.append(line)
    return has_section, _items(drafts)


def _closes_comment(zone: list[Line], index: int) -> bool:
    """Rule "date after the text": whether the line at ``index`` is the last of its comment (the section
    ends after it, or the next comment's author line, or the comment's buttons, follow it)."""
    following = _without_footer(zone[index + 1:])
    return not following or _author_line(following[0]) is not None


def _author_name(author: str | None) -> str | None:
    """The name alone: without a "Kommentar från" prefix or Drupal's " (inte verifierad)" marker."""
    if not author:
        return author
    return UNVERIFIED.sub("", AUTHOR_PREFIX.sub("", author)) or author


def _text_lines(lines: list[Line]) -> list[Line]:
    """Rule "footer counter": a comment's text without the counts and bullets of its footer (its last lines;
    a comment that is nothing but a number keeps it)."""
    lines = list(lines)
    while len(lines) > 1 and FOOTER_COUNT.match(lines[-1].text):
        lines.pop()
    return lines


def _items(drafts: list[_Draft]) -> list[CommentItem]:
    return [
        CommentItem(position=i, author=_author_name(d.author), posted_raw=d.when,
                    text=_join_paragraphs(_text_lines(d.lines)))
        for i, d in enumerate(drafts, start=1)
    ]
