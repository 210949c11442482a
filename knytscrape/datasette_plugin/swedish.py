"""Dates and times as a Swedish reader writes them: ``13 juni 2026 kl. 12.00–16.00``.

The archive stores dates as ISO text (``2026-06-13``, ``2026-06-13T12:00:00+02:00``) and keeps what the site
printed beside them (``published_raw``, ``date_raw``). Pages show the Swedish form, and the printed one only
when it says something the Swedish form does not (see ``printed_differs``).

Times are shown as the site's own wall-clock time: a value with an offset is shown in Europe/Stockholm,
which is where the site's times were read; a value without one is shown as it is. Nothing here guesses: a
value that is not an ISO date is returned as it is.

Registered as Jinja filters (``sv_date``, ``sv_span``, ``sv_span_parts``, ``sv_printed``, and ``sv_number``
for counts: ``1 234``) by the plugin's ``prepare_jinja2_environment`` hook. Pure Python: the published
archive imports it without the crawler.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")

EN_DASH = "\u2013"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A date with a time, as the archive stores it: only this form counts as a moment. Python's fromisoformat
# alone would also read "20260613" or "2026-W24" (a week) as midnight, and they would be shown as a time.
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?$", re.I)


def _parse(value) -> datetime.date | datetime.datetime | None:
    """A date (no time given) or a wall-clock datetime in Stockholm; None when ``value`` is not ISO."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        return value
    else:
        text = str(value).strip()
        if ISO_DATE.match(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                return None
        if not ISO_MOMENT.match(text):
            return None
        try:
            moment = datetime.datetime.fromisoformat(text.upper().replace("Z", "+00:00").replace(",", "."))
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(STOCKHOLM)
    return moment.replace(tzinfo=None)


def _day(day: datetime.date, year: bool = True) -> str:
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def _clock(moment: datetime.datetime) -> str:
    return f"{moment.hour:02d}.{moment.minute:02d}"


def sv_date(value, weekday: bool = False, clock: bool = True) -> str:
    """``2026-06-13`` → ``13 juni 2026``; ``2026-06-13T12:00:00+02:00`` → ``13 juni 2026 kl. 12.00``.

    ``weekday=True`` puts the day's name first (``lördag 13 juni 2026``); ``clock=False`` leaves the time
    out (the day in Stockholm: ``2025-01-04T23:30:00Z`` is 5 januari 2025). A value that is not ISO is
    returned as text, unchanged; None becomes "".
    """
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    day = parsed.date() if isinstance(parsed, datetime.datetime) else parsed
    text = _day(day)
    if weekday:
        text = f"{WEEKDAYS[day.weekday()]} {text}"
    if clock and isinstance(parsed, datetime.datetime):
        text += f" kl. {_clock(parsed)}"
    return text


def sv_span_parts(start, end=None, all_day=False) -> tuple[str, str, str]:
    """``sv_span`` in its three parts: the start's text, the dash between, the end's text (``""`` and
    ``""`` when there is no end to show), so that a page can put each end in a ``<time>`` of its own:
    ``("13 juni 2026 kl. 12.00", "–", "16.00")``."""
    first, last = _parse(start), _parse(end)
    if first is None:
        return ("" if start is None else str(start)), "", ""
    if end not in (None, "") and last is None:  # an end that is not ISO: shown as it is
        return sv_date(first), f" {EN_DASH} ", str(end)
    if all_day:
        first = first.date() if isinstance(first, datetime.datetime) else first
        last = last.date() if isinstance(last, datetime.datetime) else last
    if last is None or last == first:
        return sv_date(first), "", ""
    first_day = first.date() if isinstance(first, datetime.datetime) else first
    last_day = last.date() if isinstance(last, datetime.datetime) else last
    same_year = first_day.year == last_day.year
    timed = isinstance(first, datetime.datetime) and isinstance(last, datetime.datetime)
    if timed and first_day == last_day:
        return f"{_day(first_day)} kl. {_clock(first)}", EN_DASH, _clock(last)
    if timed:
        return f"{_day(first_day, year=not same_year)} kl. {_clock(first)}", f" {EN_DASH} ", sv_date(last)
    if isinstance(first, datetime.datetime) or isinstance(last, datetime.datetime):
        # one end with a clock and one without: both as they are
        return sv_date(first), f" {EN_DASH} ", sv_date(last)
    if same_year and first_day.month == last_day.month:
        return str(first_day.day), EN_DASH, _day(last_day)
    return _day(first_day, year=not same_year), f" {EN_DASH} ", _day(last_day)


def sv_span(start, end=None, all_day=False) -> str:
    """A stretch of time: ``13 juni 2026 kl. 12.00–16.00``, ``13–15 juni 2026``, ``30 juni – 2 juli 2026``,
    ``13 juni kl. 22.00 – 14 juni 2026 kl. 02.00``, ``30 december 2025 – 2 januari 2026``. All-day events
    show no clock. A start that is not ISO is returned as it is; no start: ""."""
    return "".join(sv_span_parts(start, end, all_day))


def _plain(text: str) -> str:
    """Printed text reduced to what it says: lower case, no labels or punctuation, no leading zeros."""
    text = str(text).lower()
    text = re.sub(r"\b(publicerat|publicerad|datum|tid|när|uppdaterat)\b\s*:?", " ", text)
    text = re.sub(r"\b(kl|klockan)\b\.?", " ", text)
    text = re.sub(r"\b(\d{1,2})(?:[.:]00)+\b", r"\1", text)  # "kl. 12.00" says what "kl 12" says
    text = re.sub(r"[^\wåäö]+", " ", text)
    text = re.sub(r"\b0+(\d)", r"\1", text)
    return " ".join(text.split())


def _iso_wall(value) -> str:
    """``2026-01-21 09.00``: the ISO date and the wall-clock time, as sites often print them."""
    parsed = _parse(value)
    if isinstance(parsed, datetime.datetime):
        return f"{parsed.date().isoformat()} {_clock(parsed)}"
    return parsed.isoformat() if parsed else ""


def _numeric(value) -> str:
    """``2/9 2007 09.00``: day, month and year in figures (2/9 2007, 2.9.2007, 2/9-2007 read the same)."""
    parsed = _parse(value)
    if parsed is None:
        return ""
    day = parsed.date() if isinstance(parsed, datetime.datetime) else parsed
    text = f"{day.day}/{day.month} {day.year}"
    return f"{text} {_clock(parsed)}" if isinstance(parsed, datetime.datetime) else text


def printed_differs(printed, *shown) -> bool:
    """True when what the site printed says more than, or other than, the forms shown beside it.

    ``2017-08-26`` printed for a date stored as ``2017-08-26`` and shown as ``26 augusti 2017`` does not
    differ, nor does ``26/8 2017`` or ``lördag 26 augusti 2017 kl 14``; ``igår 14:05`` or ``Lördag 26/8``
    (no year: the archive inferred it) does, and is shown so a reader can check the reading."""
    if printed is None or not str(printed).strip():
        return False
    said = _plain(printed)
    return all(said != _plain(form) for form in shown if form)


def sv_printed(printed, *values) -> str:
    """The printed form when it differs from ``values`` (ISO) and their Swedish forms, else ""."""
    forms = []
    for value in values:
        if value:
            forms += [str(value), sv_date(value), sv_date(value, weekday=True), _iso_wall(value), _numeric(value)]
    if len([v for v in values if v]) > 1:
        forms.append(sv_span(*values[:2]))
        forms.append(" ".join(_iso_wall(v) for v in values[:2] if v))
        first, last = _parse(values[0]), _parse(values[1])
        if isinstance(first, datetime.datetime) and isinstance(last, datetime.datetime):
            forms.append(f"{first.date().isoformat()} {_clock(first)} {_clock(last)}")
    return str(printed) if printed_differs(printed, *forms) else ""


def sv_number(value) -> str:
    """A count as Swedish text writes it: ``1 234`` (a no-break space between thousands). Not a number: as is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "" if value is None else str(value)
    return f"{value:,}".replace(",", "\u00a0")


FILTERS = {"sv_date": sv_date, "sv_span": sv_span, "sv_span_parts": sv_span_parts, "sv_printed": sv_printed,
           "sv_number": sv_number}
