"""Dates and times as a Swedish reader writes them: ``13 juni 2026 kl. 12.00–16.00``.

The archive stores dates as ISO text (``2026-06-13``, ``2026-06-13T12:00:00+02:00``) and keeps what the site
printed beside them (``published_raw``, ``date_raw``). Pages show the Swedish form, and the printed one only
when it says something the Swedish form does not (see ``printed_differs``).

Times are shown as the site's own wall-clock time: a value with an offset is shown in Europe/Stockholm,
which is where the site's times were read; a value without one is shown as it is. Nothing here guesses: a
value that is not an ISO date is returned as it is.

Registered as Jinja filters (``sv_date``, ``sv_span``, ``sv_printed``) by the plugin's
``prepare_jinja2_environment`` hook. Pure Python: the published archive imports it without the crawler.
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
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
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


def sv_date(value, weekday: bool = False) -> str:
    """``2026-06-13`` → ``13 juni 2026``; ``2026-06-13T12:00:00+02:00`` → ``13 juni 2026 kl. 12.00``.

    ``weekday=True`` puts the day's name first (``lördag 13 juni 2026``). A value that is not ISO is
    returned as text, unchanged; None becomes "".
    """
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    day = parsed.date() if isinstance(parsed, datetime.datetime) else parsed
    text = _day(day)
    if weekday:
        text = f"{WEEKDAYS[day.weekday()]} {text}"
    if isinstance(parsed, datetime.datetime):
        text += f" kl. {_clock(parsed)}"
    return text


def sv_span(start, end=None, all_day=False) -> str:
    """A stretch of time: ``13 juni 2026 kl. 12.00–16.00``, ``13–15 juni 2026``, ``30 juni – 2 juli 2026``,
    ``13 juni kl. 22.00 – 14 juni 2026 kl. 02.00``. All-day events show no clock. No start: ""."""
    first, last = _parse(start), _parse(end)
    if first is None:
        return "" if start is None else str(start)
    if all_day:
        first = first.date() if isinstance(first, datetime.datetime) else first
        last = last.date() if isinstance(last, datetime.datetime) else last
    if last is None or last == first:
        return sv_date(first)
    first_day = first.date() if isinstance(first, datetime.datetime) else first
    last_day = last.date() if isinstance(last, datetime.datetime) else last
    timed = isinstance(first, datetime.datetime) and isinstance(last, datetime.datetime)
    if timed and first_day == last_day:
        return f"{_day(first_day)} kl. {_clock(first)}{EN_DASH}{_clock(last)}"
    if timed:
        same_year = first_day.year == last_day.year
        return f"{_day(first_day, year=not same_year)} kl. {_clock(first)} {EN_DASH} {sv_date(last)}"
    if isinstance(first, datetime.datetime) or isinstance(last, datetime.datetime):
        # one end with a clock and one without: both as they are
        return f"{sv_date(first)} {EN_DASH} {sv_date(last)}"
    if first_day.year == last_day.year and first_day.month == last_day.month:
        return f"{first_day.day}{EN_DASH}{_day(last_day)}"
    same_year = first_day.year == last_day.year
    return f"{_day(first_day, year=not same_year)} {EN_DASH} {_day(last_day)}"


def _plain(text: str) -> str:
    """Printed text reduced to what it says: lower case, no labels or punctuation, no leading zeros."""
    text = str(text).lower()
    text = re.sub(r"\b(publicerat|publicerad|datum|tid|när|uppdaterat)\b\s*:?", " ", text)
    text = re.sub(r"\bkl\b\.?", " ", text)
    text = re.sub(r"[^\wåäö]+", " ", text)
    text = re.sub(r"\b0+(\d)", r"\1", text)
    return " ".join(text.split())


def _iso_wall(value) -> str:
    """``2026-01-21 09.00``: the ISO date and the wall-clock time, as sites often print them."""
    parsed = _parse(value)
    if isinstance(parsed, datetime.datetime):
        return f"{parsed.date().isoformat()} {_clock(parsed)}"
    return parsed.isoformat() if parsed else ""


def printed_differs(printed, *shown) -> bool:
    """True when what the site printed says more than, or other than, the forms shown beside it.

    ``2017-08-26`` printed for a date stored as ``2017-08-26`` and shown as ``26 augusti 2017`` does not
    differ; ``igår 14:05`` or ``Lördag 26/8`` does, and is shown so a reader can check the reading."""
    if printed is None or not str(printed).strip():
        return False
    said = _plain(printed)
    return all(said != _plain(form) for form in shown if form)


def sv_printed(printed, *values) -> str:
    """The printed form when it differs from ``values`` (ISO) and their Swedish forms, else ""."""
    forms = []
    for value in values:
        if value:
            forms += [str(value), sv_date(value), _iso_wall(value)]
    if len([v for v in values if v]) > 1:
        forms.append(sv_span(*values[:2]))
        forms.append(" ".join(_iso_wall(v) for v in values[:2] if v))
        first, last = _parse(values[0]), _parse(values[1])
        if isinstance(first, datetime.datetime) and isinstance(last, datetime.datetime):
            forms.append(f"{first.date().isoformat()} {_clock(first)} {_clock(last)}")
    return str(printed) if printed_differs(printed, *forms) else ""


FILTERS = {"sv_date": sv_date, "sv_span": sv_span, "sv_printed": sv_printed}
