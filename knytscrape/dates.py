"""Read the dates and times the site writes, in Swedish, into ISO 8601 text.

Stored form:

* a date alone is ``YYYY-MM-DD``;
* a moment with a known time of day is ``YYYY-MM-DDTHH:MM:SS+HH:MM`` with the Europe/Stockholm offset of
  that local time: ``+01:00`` in winter, ``+02:00`` in summer.

A value that cannot be read with certainty is ``None``: nothing is ever guessed, and callers keep the raw
text next to it. In particular:

* a year is never taken from the clock. A date written without a year gets ``default_year`` only when the
  caller passes one (the caller knows the year for sure, e.g. from the page's own dates); otherwise it is
  unreadable;
* a weekday that does not match the date (``måndag 29 oktober 2017``; that was a Sunday) makes it
  unreadable; with ``default_year`` this also catches a wrong year;
* a time written with an impossible value (``24.00``, ``25.61``) makes the whole moment unreadable, not
  just its time: ``iso``, ``date`` and ``time`` are all ``None``;
* a local time that does not exist in Stockholm (clocks jump from 02:00 to 03:00 on the last Sunday of
  March, so ``2017-03-26 02:30`` never happened) is unreadable;
* a local time that happens twice (clocks go back from 03:00 to 02:00 on the last Sunday of October, so
  ``2017-10-29 02:30`` happened at +02:00 and again at +01:00) is read as its first occurrence,
  summer time ``+02:00`` (``fold=0``);
* years outside 1900-2099 are unreadable (``18 maj 1300`` is far likelier a mistyped ``13.00``);
* a bare hour counts as a time only after ``kl``/``kl.``/``klockan`` (``kl 13``), or as the end of a range
  whose start had it (``kl 13-17``); ``2017-10-29 14`` and ``Tid: 13-17`` are unreadable;
* day.month with dots needs a year (``29.10.2017``); ``29.10`` alone looks like a time and is unreadable.
  ``18/5`` and ``18 maj`` without a year are dates that need ``default_year``;
* an explicit UTC offset or ``Z`` in the text is not a supported form (unreadable);
* a two-digit year is read only after a day and month (``12/3-19``, ``12/3/19``, ``12.3.19``), never
  alone and never in ``12-03-19`` (which order?): 00-69 is 2000-2069, 70-99 is 1970-1999 (the pivot);
* a weekday may be written short (``tis``, ``tors.``, ``lör``) as well as whole;
* relative dates (``igår``, ``i förrgår``, ``3 dagar sedan``, ``nyss``) are unreadable: they depend on a
  "now" the page does not print, and the clock is never asked.

Text is matched case-insensitively after Unicode NFC normalisation; NBSP and other whitespace runs count as
one space, every Unicode dash counts as ``-``, spaces around a dash are ignored, trailing ``.``, ``:`` and
``,`` are dropped, and a leading label of one to three words ending with a colon (``Datum:``,
``Publicerat:``, ``Tid:``) is ignored.

Date forms: ``2017-10-29``, ``29 oktober 2017`` / ``29 okt 2017`` / ``29 okt. 2017`` (Swedish month names,
full or abbreviated, ``sep`` and ``sept`` both), ``29/10 2017``, ``29/10-2017``, ``29/10/2017``,
``29.10.2017``, ``18/5``, ``18 maj``, ``5 september, 2020``, ``maj 19, 2018``, ``04/13/2019`` (month first,
only when the day cannot be a month), each optionally preceded by a Swedish weekday (``söndag``,
``söndagen``, with or without a comma) and/or ``den``. In a span only, a day range of one month with the
month and year written once at the end: ``9–11 augusti 2024``, ``fre 23 – sön 25 aug. 2013`` (a weekday on
either end is checked against its day).
Time forms, after the date separated by a space (an optional comma before it), a dash before ``HH:MM``
(``04/13/2019 - 18:47``) or ``T`` after an ISO date:
``14:32``, ``14.32``, ``14:32:05``, ``kl 14``, ``kl. 14.32``, ``kl.14``, ``klockan 14``.

Spans (:func:`parse_span`) also read, each a named rule:

* ISO INTERVAL: an ISO date, ``--`` or ``/`` (ISO 8601's interval separators), and an end date that leaves
  out what it shares with the start (``2025-05-10--11``, ``2025-05-10/06-02``, ``2025-05-10--2025-05-12``).
  Dates only: after a time, ``--`` may be a typed dash between hours (``kl 10--12``), never days; and a
  single dash after an ISO date (``2025-05-10-11``) is not read;
* FROM A TIME: ``från kl. 10`` is a start with no end (``från kl. 10 till 15`` has one), alone or after
  a date;
* DAILY HOURS: ``båda dagarna``, ``alla dagar``, ``varje dag``, ``dagligen`` before or after a time or time
  range say the same hours hold every day of the event; the words are read past;
* OCCASIONS: a text of several lines, one occasion a line (the performances of a play), runs from the
  first occasion's start to the last occasion's end (the last one's day when it prints a start only).
  Every line must be readable and the occasions in order, or nothing is read;
* RECURRING WEEKDAY: ``varje tisdag i mars 2025``, ``alla lördagar under juni`` (with ``default_year``) runs
  from the first such weekday of the month to the last, a time or time range after it (``, kl. 18–20``) on
  each of them; without a year it is unreadable;
* APPROXIMATE END: ``ca``, ``cirka``, ``omkring``, ``ungefär`` before the end time (``19.00–ca 22.00``) are
  read past: the printed end is the announced end;
* DOORS BEFORE THE START: a doors time beside a named start (``dörrarna öppnar 18.30, start 19.00``,
  ``insläpp 18.30. Konserten börjar 19.00–21.00``) reads the start; every part must be a doors time or the one
  start (``19.00 (insläpp 18.30)`` names no start and stays unread);
* HOURS IN A TIME FIELD (``parse_span(..., hours=True)``): the caller knows the text is the value of a time
  field (an event's ``Tid:``), so times alone may be bare hours (``19–22``); ``parse_time_range("Tid: 13-17")``
  and every other reading keep the rule above.

Two more normalisations: MIDDLE DOT, a ``·`` or ``•`` between the parts of a date line
(``tors 9 okt · kl. 18–20.30``) separates them as a comma does; ONE CLOCK, a time written in both clocks side
by side (``10:00 AM 10:00``, ``16:00 4:00 PM``: templates print both and let a stylesheet hide one) is the
24-hour time when the two agree, and unreadable when they do not.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "STOCKHOLM",
    "UNREADABLE",
    "mentions_time",
    "says_daily",
    "NonexistentTimeError",
    "ParsedMoment",
    "parse_date",
    "parse_moment",
    "parse_span",
    "parse_time_range",
    "to_iso",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MIN_YEAR = 1900
MAX_YEAR = 2099


@dataclass(frozen=True)
class ParsedMoment:
    """One date with an optional time of day; all three fields are None when the text was unreadable."""

    date: datetime.date | None
    time: datetime.time | None  # None when only a date was given
    iso: str | None  # "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS+HH:MM"; None when unreadable

    @property
    def readable(self) -> bool:
        return self.iso is not None


UNREADABLE = ParsedMoment(None, None, None)


class NonexistentTimeError(ValueError):
    """A local time skipped by the switch to summer time: it never happened in Stockholm."""


# --- normalisation -----------------------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
_SPACED_DASH = re.compile(r" ?- ?")
_LABEL = re.compile(r"(?:[a-zåäö]+ ){0,2}[a-zåäö]+: ?")
# MIDDLE DOT: a middle dot or bullet between the parts of a date line ("tors 9 okt · kl. 18–20.30") separates
# them as a comma does
_MIDDLE_DOT = re.compile(r" ?[·•] ?")
# ONE CLOCK: a time written in both clocks, 12-hour and 24-hour side by side ("10:00 am 10:00", "16:00 4:00 pm"),
# as templates print both and let a stylesheet hide one; read as one time only when the two agree
_CLOCK_12 = r"(?P<h12>\d{1,2}):(?P<m12>\d{2}) ?(?P<half>[ap])\.?m\b\.?"
_CLOCK_24 = r"(?P<h24>\d{1,2})[.:](?P<m24>\d{2})(?![.:]?\d)"
_TWO_CLOCKS = (re.compile(rf"(?<![\d.:]){_CLOCK_12} {_CLOCK_24}"), re.compile(rf"(?<![\d.:]){_CLOCK_24} {_CLOCK_12}"))


def _normalise(raw: str | None) -> str:
    """Lower-cased text with whitespace, dashes and trailing punctuation tidied (see module docstring)."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFC", raw).translate(_ZERO_WIDTH).translate(_DASHES)
    text = " ".join(text.split()).lower()  # str.split() splits on NBSP and other Unicode spaces too
    text = _MIDDLE_DOT.sub(", ", text.strip(" ·•"))
    text = _SPACED_DASH.sub("-", text)
    for two_clocks in _TWO_CLOCKS:
        text = two_clocks.sub(_one_clock, text)
    text = text.rstrip(" .:,")
    label = _LABEL.match(text)
    if label:
        text = text[label.end() :]
    return text


def _one_clock(match: re.Match) -> str:
    """ONE CLOCK: the 24-hour time of a time written in both clocks, when the 12-hour one says the same;
    else the text as written (two different times: unreadable)."""
    hour_12, minute_12 = int(match["h12"]), int(match["m12"])
    if not 1 <= hour_12 <= 12:
        return match.group(0)
    hour = hour_12 % 12 + (12 if match["half"] == "p" else 0)  # 12:30 am is 00:30, 12:30 pm is 12:30
    if (hour, minute_12) != (int(match["h24"]), int(match["m24"])):
        return match.group(0)
    return f"{match['h24']}:{match['m24']}"


# --- tokens --------------------------------------------------------------------------------------------

_MONTHS = {
    "januari": 1, "jan": 1,
    "februari": 2, "feb": 2,
    "mars": 3, "mar": 3,
    "april": 4, "apr": 4,
    "maj": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "augusti": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {"måndag": 0, "tisdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lördag": 5, "söndag": 6,
             "mån": 0, "tis": 1, "ons": 2, "tors": 3, "tor": 3, "fre": 4, "lör": 5, "sön": 6}
TWO_DIGIT_YEAR_PIVOT = 70  # 00-69 -> 2000-2069, 70-99 -> 1970-1999

_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<mon>{_MONTH_ALT})\.?(?![a-zåäö])"

_WEEKDAY_ALT = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_WEEKDAY_RE = re.compile(rf"(?P<wd>{_WEEKDAY_ALT})(?:en|\.)?,? ")
_DEN_RE = re.compile(r"den ")
_DATE_FORMS = (
    ("iso", re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")),
    ("dotted", re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2}(?![.:]?\d))(?!\d)")),
    # MONTH FIRST WITH SLASHES (comment dates of US-made software, Drupal's "04/13/2019"): only when the second
    # number cannot be a month, so it never changes a date the day-first reading can read
    ("us_slash", re.compile(r"(?P<m>0?[1-9]|1[0-2])/(?P<d>1[3-9]|2\d|3[01])/(?P<y>\d{4})(?![\d/.:])")),
    # a two-digit year never when a month name follows: "12/3-19 april" is a span to the 19th
    ("slash", re.compile(rf"(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?:[ /-](?P<y>\d{{4}})|[/-](?P<yy>\d{{2}})"
                         rf"(?!\s*(?:{_MONTH_ALT})(?![a-zåäö])))?(?![\d/.:])")),
    ("named", re.compile(rf"(?P<d>\d{{1,2}}) {_MONTH}(?:,? (?P<y>\d{{4}}))?")),  # "5 september, 2020" (WordPress)
    # MONTH NAME FIRST: "maj 19, 2018" (Squarespace), with its comma and the year
    ("month_first", re.compile(rf"{_MONTH} (?P<d>\d{{1,2}}), (?P<y>\d{{4}})")),
)
# DAY RANGE IN ONE MONTH (spans only): "9-11 augusti 2024", and with a weekday on either end,
# "fre 23 – sön 25 aug. 2013", "fredag 23 till söndag 25 augusti": the month (and year) written once, at the end
_DAY_RANGE = re.compile(
    rf"(?:(?P<wd1>{_WEEKDAY_ALT})(?:en|\.)?,? )?(?:den )?(?P<d1>\d{{1,2}})(?:-| till )"
    rf"(?:(?P<wd2>{_WEEKDAY_ALT})(?:en|\.)?,? )?(?:den )?(?P<d2>\d{{1,2}}) {_MONTH}(?: (?P<y>\d{{4}}))?"
)

_TIME_RE = re.compile(
    r"(?:(?P<kl>kl\.?|klockan) ?)?(?P<h>\d{1,2})(?:[.:](?P<min>\d{2})(?::(?P<s>\d{2}))?)?(?!\d|[.:]\d)"
)
# a time of day written anywhere in a text: "kl 13", "klockan 9", "14.30", "18:00" (not "20.10.2016")
_TIME_IN_TEXT = re.compile(r"(?:\bkl\.?|\bklockan) ?\d{1,2}|(?<![\d.:])\d{1,2}[.:]\d{2}(?![.:]?\d)")
# FROM A TIME after a date: "1 juni 2024 från kl. 10"; DASH BEFORE THE TIME: Drupal's "04/13/2019 - 18:47"
# (spaces around a dash are dropped by normalisation), only before a time with minutes
_TIME_SEP = re.compile(r",? (?:från )?|-(?=\d{1,2}:\d{2})")
_ISO_TIME_SEP = re.compile(r"t")
_RANGE_SEP = re.compile(r"-| till ")
# ISO INTERVAL: "--" or "/" after an ISO date, then the end without what it shares with the start
_ISO_INTERVAL_SEP = re.compile(r"--|/")
_ISO_INTERVAL_END = re.compile(r"(?:(?:(?P<y>\d{4})-)?(?P<m>\d{1,2})-)?(?P<d>\d{1,2})")
# FROM A TIME: "från kl. 10" is a start with no end
_FROM = re.compile(r"från ")
# DAILY HOURS: the same hours every day of the event, written before or after the times
_DAILY_WORDS = (r"(?:(?:båda|bägge) (?:dagarna|kvällarna|nätterna)|alla (?:dagar|kvällar|nätter)(?:na)?"
                r"|samtliga (?:dagar|kvällar)|varje (?:dag|kväll|natt)|dagligen)")
_DAILY = re.compile(rf"^(?:{_DAILY_WORDS},? )?(?P<times>.*?)(?:,? {_DAILY_WORDS})?$")
# APPROXIMATE END: "19–ca 22", "18.00–cirka 21.00": the printed end is the announced end, the word is read past
_ABOUT = re.compile(r"(?:ca\.?|cirka|omkring|ungefär) ?")
# DOORS BEFORE THE START: "dörrarna öppnar 18.30, start 19.00", "insläpp 18.30. konserten börjar 19.00": the
# event starts at the time its start word names; the doors' time is not the start. Each part must be a doors
# time or the one start, or nothing is read ("19.00 (insläpp 18.30)" names no start: unread)
_DOORS_PART = re.compile(r"^(?:(?:dörrarna|dörrar) öppna[rs]|dörröppning|insläpp|entrén öppnar):? (?P<times>.+)$")
_START_PART = re.compile(r"^(?:start|starttid|scenstart|konsertstart|[a-zåäö]+ börjar|börjar):? (?P<times>.+)$")
_PARTS_SEP = re.compile(r"[,;] | och |(?<=\d)\. ")
# RECURRING WEEKDAY: "varje tisdag i mars 2025", "alla lördagar under juni": every such weekday of one month,
# from the first one to the last one, the times (if any) on each of them
_RECURRING = re.compile(
    rf"^(?:varje|alla) (?P<wd>{'|'.join(sorted(_WEEKDAYS, key=len, reverse=True))})(?:ar(?:na)?)? (?:i|under) "
    rf"{_MONTH}(?: (?P<y>\d{{4}}))?(?:,? (?P<times>.+))?$"
)


@dataclass(frozen=True)
class _DateParts:
    year: int | None
    month: int | None
    day: int
    weekday: int | None
    form: str


@dataclass(frozen=True)
class _TimeParts:
    hour: int
    minute: int
    second: int
    kl: bool


def _date_at(text: str, pos: int) -> tuple[_DateParts, int] | None:
    """A date starting at ``pos`` (optional weekday and "den" first) and the position after it."""
    weekday = None
    match = _WEEKDAY_RE.match(text, pos)
    if match:
        weekday = _WEEKDAYS[match["wd"]]
        pos = match.end()
    match = _DEN_RE.match(text, pos)
    if match:
        pos = match.end()
    for form, pattern in _DATE_FORMS:
        match = pattern.match(text, pos)
        if match:
            groups = match.groupdict()
            month = _MONTHS[groups["mon"]] if groups.get("mon") else int(groups["m"])
            year = int(groups["y"]) if groups["y"] else None
            if year is not None and len(groups["y"]) == 2 or groups.get("yy"):  # after day and month only
                short = int(groups.get("yy") or groups["y"])
                year = (2000 if short < TWO_DIGIT_YEAR_PIVOT else 1900) + short
            return _DateParts(year, month, int(groups["d"]), weekday, form), match.end()
    return None


def _time_at(text: str, pos: int, *, allow_bare_hour: bool = False) -> tuple[_TimeParts, int] | None:
    """A time starting at ``pos`` and the position after it. Values are not range-checked here."""
    match = _TIME_RE.match(text, pos)
    if not match:
        return None
    kl = match["kl"] is not None
    if match["min"] is None and not (kl or allow_bare_hour):
        return None  # a bare number is not a time
    parts = _TimeParts(int(match["h"]), int(match["min"] or 0), int(match["s"] or 0), kl)
    return parts, match.end()


def _moment_at(text: str, pos: int) -> tuple[_DateParts, _TimeParts | None, int] | None:
    """A date with an optional time starting at ``pos``, and the position after it."""
    found = _date_at(text, pos)
    if found is None:
        return None
    date_parts, pos = found
    separators = (_ISO_TIME_SEP, _TIME_SEP) if date_parts.form == "iso" else (_TIME_SEP,)
    for separator in separators:
        sep = separator.match(text, pos)
        if sep:
            timed = _time_at(text, sep.end())
            if timed:
                return date_parts, timed[0], timed[1]
    return date_parts, None, pos


def _times_text(text: str, hours: bool = False) -> tuple[_TimeParts, _TimeParts | None] | None:
    """The whole of ``text`` as one time or a time range, with DAILY HOURS words read past, an
    optional ``från`` (FROM A TIME) before it, "ca" before the end (APPROXIMATE END) and a doors time
    beside a named start (DOORS BEFORE THE START). ``hours``: HOURS IN A TIME FIELD, the text is the value
    of a time field, where a bare hour is an hour ("19–22")."""
    daily = _DAILY.match(text)
    text = daily["times"] if daily else text
    start_text = _doors_and_start(text, hours)
    text = start_text if start_text is not None else text
    from_word = _FROM.match(text)
    text = text[from_word.end():] if from_word else text
    first = _time_at(text, 0, allow_bare_hour=hours)
    if first is None:
        return None
    start, pos = first
    if pos == len(text):
        return start, None
    sep = _RANGE_SEP.match(text, pos)
    if not sep:
        return None
    about = _ABOUT.match(text, sep.end())
    second = _time_at(text, about.end() if about else sep.end(), allow_bare_hour=start.kl or hours)
    if second is None or second[1] != len(text):
        return None
    return start, second[0]


def _doors_and_start(text: str, hours: bool) -> str | None:
    """DOORS BEFORE THE START: the start's times of "dörrarna öppnar 18.30, start 19.00", or None when the
    text is not a doors time and one named start."""
    parts = _PARTS_SEP.split(text)
    if len(parts) < 2:
        return None
    starts = [match["times"] for part in parts if (match := _START_PART.match(part))]
    doors = [match["times"] for part in parts if (match := _DOORS_PART.match(part))]
    if len(starts) != 1 or len(starts) + len(doors) != len(parts):
        return None
    if any(_times_text(times, hours) is None for times in doors):
        return None  # a doors part without a readable time: the text is not what this rule reads
    return starts[0]


# --- building values --------------------------------------------------------------------------------


def _make_date(parts: _DateParts, year: int | None) -> datetime.date | None:
    if year is None or parts.month is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        date = datetime.date(year, parts.month, parts.day)
    except ValueError:
        return None
    if parts.weekday is not None and date.weekday() != parts.weekday:
        return None
    return date


def _make_time(parts: _TimeParts | None) -> datetime.time | None:
    if parts is None:
        return None
    try:
        return datetime.time(parts.hour, parts.minute, parts.second)  # 24:00 and 25.61 raise
    except ValueError:
        return None


def _moment(date: datetime.date | None, time: datetime.time | None) -> ParsedMoment:
    if date is None:
        return UNREADABLE
    try:
        return ParsedMoment(date, time, to_iso(date, time))
    except NonexistentTimeError:
        return UNREADABLE


def _aware(moment: ParsedMoment) -> datetime.datetime:
    assert moment.date is not None and moment.time is not None
    return datetime.datetime.combine(moment.date, moment.time, tzinfo=STOCKHOLM)


def _ends_before(end: ParsedMoment, start: ParsedMoment) -> bool:
    assert end.date is not None and start.date is not None
    if end.time is not None and start.time is not None:
        return _aware(end) < _aware(start)
    return end.date < start.date


def to_iso(date: datetime.date, time: datetime.time | None = None) -> str:
    """``YYYY-MM-DD``, or with a naive local ``time`` ``YYYY-MM-DDTHH:MM:SS+HH:MM`` in Stockholm time.

    Fractions of a second are dropped. A local time that happens twice gets its first occurrence (summer
    time); one that never happened raises :class:`NonexistentTimeError`.
    """
    if isinstance(date, datetime.datetime):
        raise TypeError("to_iso() takes a date and a time, not a datetime")
    if time is None:
        return date.isoformat()
    if time.tzinfo is not None:
        raise ValueError("to_iso() takes a naive local time")
    local = datetime.datetime.combine(date, time.replace(fold=0), tzinfo=STOCKHOLM)
    # A time in the spring gap does not survive a round trip through UTC: 02:30 comes back as 03:30.
    back = local.astimezone(datetime.timezone.utc).astimezone(STOCKHOLM)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentTimeError(f"{date} {time} does not exist in Europe/Stockholm")
    return local.isoformat(timespec="seconds")


# --- public parsers ---------------------------------------------------------------------------------


def parse_moment(raw: str | None, *, default_year: int | None = None) -> ParsedMoment:
    """One date with an optional time of day; :data:`UNREADABLE` when it cannot be read for certain.

    ``default_year`` is used only for a date written without a year.
    """
    text = _normalise(raw)
    found = _moment_at(text, 0)
    if found is None or found[2] != len(text):
        return UNREADABLE
    date_parts, time_parts, _ = found
    date = _make_date(date_parts, date_parts.year if date_parts.year is not None else default_year)
    time = _make_time(time_parts)
    if time_parts is not None and time is None:
        return UNREADABLE  # a time was written but is impossible: the whole moment is unreadable
    return _moment(date, time)


def mentions_time(raw: str | None) -> bool:
    """Whether a time of day is written somewhere in the text ("ändrad till kl. 15.30", "från 18.00"):
    that one is there, not what it is. A date written with dots (``20.10.2016``) is not a time."""
    return bool(_TIME_IN_TEXT.search(_normalise(raw)))


def says_daily(raw: str | None) -> bool:
    """Whether DAILY HOURS words ("båda dagarna", "varje kväll") are written in the text: its hours hold on
    every day of the event."""
    return bool(re.search(rf"\b{_DAILY_WORDS}\b", _normalise(raw)))


def parse_date(raw: str | None) -> str | None:
    """The calendar date as ``YYYY-MM-DD`` (e.g. an article's "Publicerat:"), or None.

    Any form :func:`parse_moment` reads is accepted, but the year must be written out (no default year).
    A time of day, if present, must be valid and is then dropped: only the date is returned.
    """
    moment = parse_moment(raw)
    return moment.date.isoformat() if moment.date is not None else None


def parse_time_range(raw: str | None) -> tuple[datetime.time | None, datetime.time | None]:
    """A start time and an optional end time; ``(None, None)`` when unreadable.

    ``13.00-17.00``, ``13.00 – 17.00``, ``Tid: 13.00 – 17.00``, ``kl. 18.30``, ``kl 13``, ``kl 13-17``,
    ``18:30``, ``13.00 till 17.00``. The end is not required to be later than the start here (no date is
    known); :func:`parse_span` checks that.
    """
    found = _times_text(_normalise(raw))
    if found is None:
        return None, None
    start, end = _make_time(found[0]), _make_time(found[1])
    if start is None or (found[1] is not None and end is None):
        return None, None
    return start, end


def parse_span(
    raw: str | None,
    *,
    default_year: int | None = None,
    on_date: datetime.date | None = None,
    hours: bool = False,
) -> tuple[ParsedMoment, ParsedMoment | None]:
    """A start and an optional end (None when the text gives no end).

    Forms: a single moment; ``2024-08-09 – 2024-08-11``; ``18 maj 2024 kl. 13.00 – 19 maj 2024 kl. 17.00``;
    ``18 maj 2024 kl. 13.00–17.00`` (end on the same day); ``9–11 augusti 2024`` and ``fre 23 – sön 25 aug. 2013``
    (a day range in one month); and times alone
    (``Tid: 13.00-17.00``, ``kl 13``) on ``on_date``, a date the caller found elsewhere. ``on_date`` is used
    only when the text has no date of its own. ``till`` works as well as a dash.

    A year written on only one side is shared with the other (``9 aug – 11 aug 2024``); ``default_year`` is
    used only when neither side has one. The whole span is read or nothing is: ``(UNREADABLE, None)`` when
    either side is unreadable or the end comes before the start. An end time alone that is earlier than
    the start time ends the next day, when the span is then at most 12 hours ("22.00–03.00").

    Also the ISO INTERVAL (``2025-05-10--11``), FROM A TIME (``från kl. 10``), DAILY HOURS
    (``10.00–16.00 båda dagarna``), OCCASIONS (several lines), RECURRING WEEKDAY (``varje tisdag i mars 2025``),
    APPROXIMATE END (``19.00–ca 22.00``) and DOORS BEFORE THE START (``dörrarna öppnar 18.30, start 19.00``) of
    the module docstring. ``hours``: HOURS IN A TIME FIELD, the caller knows the text is the value of a time
    field ("Tid: 19–22"), so a bare hour of times alone is an hour.
    """
    lines = [line for line in (raw or "").splitlines() if line.strip()]
    if len(lines) > 1:
        found = _occasions([_normalise(line) for line in lines], default_year)
    else:
        found = _span_text(_normalise(raw), default_year, on_date, hours)
    return found if found is not None else (UNREADABLE, None)


def _occasions(texts: list[str], default_year: int | None) -> tuple[ParsedMoment, ParsedMoment | None] | None:
    """OCCASIONS: one occasion a line (each with its own date), from the first one's start to the last one's
    end, or the last one's day when it prints a start only. None unless every line reads and the occasions
    are in order (each starts no earlier than the one before it ended)."""
    spans = []
    for text in texts:
        span = _span_text(text, default_year, None)
        if span is None:
            return None
        spans.append(span)
    previous_end = None
    for start, end in spans:
        if previous_end is not None and _ends_before(start, previous_end):
            return None
        previous_end = end or start
    last_start, last_end = spans[-1]
    if last_end is None:  # the last day; when it prints a start time only, its end time is not known
        last_end = last_start if last_start.time is None else _moment(last_start.date, None)
    return spans[0][0], last_end


def _span_text(
    text: str, default_year: int | None, on_date: datetime.date | None, hours: bool = False
) -> tuple[ParsedMoment, ParsedMoment | None] | None:
    times = _times_text(text, hours)
    if times is not None:
        if on_date is None:
            return None
        return _finish(on_date, times[0], on_date, times[1], has_end=times[1] is not None, same_day=True)

    recurring = _RECURRING.fullmatch(text)
    if recurring:
        return _recurring(recurring, default_year)

    days = _DAY_RANGE.fullmatch(text)
    if days:
        month, year = _MONTHS[days["mon"]], int(days["y"]) if days["y"] else default_year
        start, end = (
            _make_date(_DateParts(year, month, int(days[day]), _WEEKDAYS.get(days[weekday] or ""), "named"), year)
            for day, weekday in (("d1", "wd1"), ("d2", "wd2"))
        )
        return _finish(start, None, end, None, has_end=True)

    first = _moment_at(text, 0)
    if first is None:
        return None
    start_date, start_time, pos = first
    if pos == len(text):
        year = start_date.year if start_date.year is not None else default_year
        return _finish(_make_date(start_date, year), start_time, None, None, has_end=False)

    interval = _ISO_INTERVAL_SEP.match(text, pos) if start_date.form == "iso" and start_time is None else None
    if interval:
        return _iso_interval(text, interval.end(), start_date)

    sep = _RANGE_SEP.match(text, pos)
    if not sep:
        return None
    second = _moment_at(text, sep.end())
    same_day = False
    if second is not None and second[2] == len(text):
        end_date, end_time, _ = second
    else:
        # only a time after the separator: the end is on the start's day
        if start_time is None:
            return None
        about = _ABOUT.match(text, sep.end())  # APPROXIMATE END
        timed = _time_at(text, about.end() if about else sep.end(), allow_bare_hour=start_time.kl)
        if timed is None or timed[1] != len(text):
            return None
        end_date, end_time = start_date, timed[0]
        same_day = True

    year = start_date.year if start_date.year is not None else end_date.year
    end_year = end_date.year if end_date.year is not None else start_date.year
    if year is None:
        year = end_year = default_year
    return _finish(
        _make_date(start_date, year), start_time, _make_date(end_date, end_year), end_time, has_end=True,
        same_day=same_day,
    )


def _recurring(match: re.Match, default_year: int | None) -> tuple[ParsedMoment, ParsedMoment | None] | None:
    """RECURRING WEEKDAY: from the first such weekday of the month (at the start time, if one is printed) to
    the last one (at the end time; its day only when no end time is printed)."""
    year = int(match["y"]) if match["y"] else default_year
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    month, weekday = _MONTHS[match["mon"]], _WEEKDAYS[match["wd"]]
    days = [day for day in range(1, calendar.monthrange(year, month)[1] + 1)
            if datetime.date(year, month, day).weekday() == weekday]
    times = _times_text(match["times"]) if match["times"] else (None, None)
    if times is None:
        return None
    return _finish(datetime.date(year, month, days[0]), times[0], datetime.date(year, month, days[-1]), times[1],
                   has_end=True)


def _iso_interval(text: str, pos: int, start_date: _DateParts) -> tuple[ParsedMoment, ParsedMoment | None] | None:
    """ISO INTERVAL: the end date after ``--`` or ``/``, its left-out year and month the start's
    (``2025-05-10--11``, ``2025-05-10/06-02``, ``2025-05-10--2025-05-12``)."""
    match = _ISO_INTERVAL_END.fullmatch(text, pos)
    if match is None:
        return None
    year = int(match["y"]) if match["y"] else start_date.year
    month = int(match["m"]) if match["m"] else start_date.month
    end_parts = _DateParts(year, month, int(match["d"]), None, "iso")
    return _finish(_make_date(start_date, start_date.year), None, _make_date(end_parts, year), None, has_end=True)


OVERNIGHT_HOURS = 12


def _finish(
    start_date: datetime.date | None,
    start_time: _TimeParts | None,
    end_date: datetime.date | None,
    end_time: _TimeParts | None,
    *,
    has_end: bool,
    same_day: bool = False,
) -> tuple[ParsedMoment, ParsedMoment | None] | None:
    """Build and check both moments; None when any written part is impossible.

    ``same_day``: the end is a time alone ("22.00–03.00"); an end time before the start time is then
    the next day's, when that makes the span at most ``OVERNIGHT_HOURS`` long ("17.00–13.00" stays
    unreadable: more likely a typo than a 20-hour evening)."""
    moments = []
    for date, time_parts in ((start_date, start_time), (end_date, end_time))[: 2 if has_end else 1]:
        time = _make_time(time_parts)
        if time_parts is not None and time is None:
            return None
        moment = _moment(date, time)
        if not moment.readable:
            return None
        moments.append(moment)
    if not has_end:
        return moments[0], None
    start, end = moments
    if same_day and end_date is not None and end.time is not None and _ends_before(end, start):
        next_day = _moment(end_date + datetime.timedelta(days=1), end.time)
        hours = (_aware(next_day).timestamp() - _aware(start).timestamp()) / 3600 if next_day.readable else None
        if hours is not None and hours <= OVERNIGHT_HOURS:  # real hours, across a clock change too
            end = next_day
    if _ends_before(end, start):
        return None
    return start, end
