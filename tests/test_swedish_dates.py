"""Dates and times as the archive's pages write them (knytscrape.datasette_plugin.swedish).

The values are those the archive stores: ISO dates, times with Stockholm's offset (+01:00 in winter, +02:00
in summer), now and then a UTC value (Z), and, where the site's text could not be read, whatever it printed.
"""

from __future__ import annotations

import asyncio
import datetime

import pytest
from datasette.app import Datasette

from knytscrape.datasette_plugin.swedish import (
    printed_differs,
    sv_date,
    sv_number,
    sv_printed,
    sv_span,
    sv_span_parts,
)


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-06-13", "13 juni 2026"),
    ("2007-01-01", "1 januari 2007"),
    ("2026-06-13T12:00:00+02:00", "13 juni 2026 kl. 12.00"),
    ("2026-01-21T09:05:00+01:00", "21 januari 2026 kl. 09.05"),
    ("2026-06-13 12:00", "13 juni 2026 kl. 12.00"),  # no offset: the time as it is
    ("2026-06-13T00:00:00", "13 juni 2026 kl. 00.00"),
    ("2026-06-13T12:00:00.250000+02:00", "13 juni 2026 kl. 12.00"),
    (datetime.date(2017, 8, 26), "26 augusti 2017"),
    (datetime.datetime(2017, 8, 26, 14, 5), "26 augusti 2017 kl. 14.05"),
])
def test_a_date_and_a_time_in_swedish(value, shown):
    assert sv_date(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-06-13T10:00:00Z", "13 juni 2026 kl. 12.00"),  # summer: UTC+2
    ("2026-01-13T10:00:00Z", "13 januari 2026 kl. 11.00"),  # winter: UTC+1
    ("2026-06-13t10:00:00z", "13 juni 2026 kl. 12.00"),
    ("2026-06-13T10:00:00+00:00", "13 juni 2026 kl. 12.00"),
    ("2026-06-13T06:00:00-04:00", "13 juni 2026 kl. 12.00"),
    ("2025-12-31T23:30:00Z", "1 januari 2026 kl. 00.30"),  # another day, month and year in Stockholm
])
def test_a_time_with_another_offset_is_shown_in_stockholm(value, shown):
    assert sv_date(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-03-29T00:30:00Z", "29 mars 2026 kl. 01.30"),  # before the clocks go forward (01:00 UTC)
    ("2026-03-29T01:30:00Z", "29 mars 2026 kl. 03.30"),  # after: 02.30 never happened
    ("2026-10-25T00:30:00Z", "25 oktober 2026 kl. 02.30"),  # the first 02.30, summer time
    ("2026-10-25T01:30:00Z", "25 oktober 2026 kl. 02.30"),  # the second, winter time
    ("2026-10-25T02:30:00+02:00", "25 oktober 2026 kl. 02.30"),
    ("2026-10-25T02:30:00+01:00", "25 oktober 2026 kl. 02.30"),
])
def test_the_clock_change_is_stockholms(value, shown):
    assert sv_date(value) == shown


def test_a_weekday_and_a_day_without_its_time():
    assert sv_date("2026-06-13", weekday=True) == "lördag 13 juni 2026"
    assert sv_date("2026-06-15T08:00:00+02:00", weekday=True) == "måndag 15 juni 2026 kl. 08.00"
    assert sv_date("2025-01-05T08:00:00+01:00", clock=False) == "5 januari 2025"
    assert sv_date("2025-01-04T23:30:00Z", clock=False) == "5 januari 2025"  # the day in Stockholm


@pytest.mark.parametrize("value", ["18/5 kl. 19.00", "lördag 17 maj kl 13", "2013-02-30", "0000-00-00 00:00",
                                   "20260613", "2026-W24", "2026-06", "2026-06-13T12", "igår 14:05", "Publicerat"])
def test_what_is_not_an_iso_date_is_shown_as_it_is(value):
    assert sv_date(value) == value
    assert sv_span(value, "2026-06-13") == value


def test_nothing_is_nothing():
    assert sv_date(None) == "" and sv_date("") == ""
    assert sv_span(None) == "" and sv_span(None, "2026-06-13") == ""
    assert sv_printed(None, "2026-06-13") == "" and sv_printed("  ", "2026-06-13") == ""


@pytest.mark.parametrize(("start", "end", "all_day", "shown"), [
    ("2026-06-13T12:00:00+02:00", "2026-06-13T16:00:00+02:00", False, "13 juni 2026 kl. 12.00–16.00"),
    ("2026-06-13T12:00:00+02:00", None, False, "13 juni 2026 kl. 12.00"),
    ("2026-06-13T12:00:00+02:00", "2026-06-13T12:00:00+02:00", False, "13 juni 2026 kl. 12.00"),
    ("2026-06-13T10:00:00Z", "2026-06-13T14:00:00Z", False, "13 juni 2026 kl. 12.00–16.00"),
    # across midnight, the end of a month, the end of a year
    ("2026-06-13T22:00:00+02:00", "2026-06-14T02:00:00+02:00", False, "13 juni kl. 22.00 – 14 juni 2026 kl. 02.00"),
    ("2026-06-30T22:00:00+02:00", "2026-07-01T01:30:00+02:00", False, "30 juni kl. 22.00 – 1 juli 2026 kl. 01.30"),
    ("2026-12-31T22:00:00+01:00", "2027-01-01T02:00:00+01:00", False,
     "31 december 2026 kl. 22.00 – 1 januari 2027 kl. 02.00"),
    # the night the clocks go back: 4 hours by the clock on the wall
    ("2026-10-24T23:00:00+02:00", "2026-10-25T03:00:00+01:00", False,
     "24 oktober kl. 23.00 – 25 oktober 2026 kl. 03.00"),
    # days
    ("2026-06-13", None, True, "13 juni 2026"),
    ("2026-06-13", "2026-06-13", True, "13 juni 2026"),
    ("2024-08-09", "2024-08-11", True, "9–11 augusti 2024"),
    ("2026-06-30", "2026-07-02", True, "30 juni – 2 juli 2026"),
    ("2025-12-30", "2026-01-02", True, "30 december 2025 – 2 januari 2026"),
    ("2024-08-09", "2024-08-11", None, "9–11 augusti 2024"),
    # all day: no clock, even where the values have one
    ("2026-06-13T00:00:00+02:00", "2026-06-14T00:00:00+02:00", 1, "13–14 juni 2026"),
    ("2026-06-13T10:00:00+02:00", "2026-06-13T18:00:00+02:00", True, "13 juni 2026"),
    # one end with a time, one without: both as they are
    ("2026-06-13T12:00:00+02:00", "2026-06-15", False, "13 juni 2026 kl. 12.00 – 15 juni 2026"),
    # an end that is not ISO is not dropped
    ("2026-06-13T12:00:00+02:00", "sent", False, "13 juni 2026 kl. 12.00 – sent"),
])
def test_a_stretch_of_time(start, end, all_day, shown):
    assert sv_span(start, end, all_day) == shown


def test_a_stretch_in_parts_for_a_time_element_each():
    assert sv_span_parts("2026-06-13T12:00:00+02:00", "2026-06-13T16:00:00+02:00") == (
        "13 juni 2026 kl. 12.00", "–", "16.00")
    assert sv_span_parts("2026-06-13T22:00:00+02:00", "2026-06-14T02:00:00+02:00") == (
        "13 juni kl. 22.00", " – ", "14 juni 2026 kl. 02.00")
    assert sv_span_parts("2024-08-09", "2024-08-11", True) == ("9", "–", "11 augusti 2024")
    assert sv_span_parts("2026-06-13", None) == ("13 juni 2026", "", "")


@pytest.mark.parametrize(("printed", "values"), [
    ("2017-08-26", ("2017-08-26",)),
    ("26 augusti 2017", ("2017-08-26",)),
    ("Publicerat: 26 augusti 2017", ("2017-08-26",)),
    ("lördag 26 augusti 2017", ("2017-08-26",)),
    ("26/8 2017", ("2017-08-26",)),
    ("26.8.2017", ("2017-08-26",)),
    ("2017-08-26 14:05", ("2017-08-26T14:05:00+02:00",)),
    ("26 augusti 2017 kl. 14.05", ("2017-08-26T14:05:00+02:00",)),
    ("26/8 2017 kl 14.05", ("2017-08-26T14:05:00+02:00",)),
    ("Datum: 2026-06-13 | Tid: 12.00–16.00", ("2026-06-13T12:00:00+02:00", "2026-06-13T16:00:00+02:00")),
    ("Datum: 2026-06-13 | Tid: 12-16", ("2026-06-13T12:00:00+02:00", "2026-06-13T16:00:00+02:00")),
    ("13 juni 2026, kl 12-16", ("2026-06-13T12:00:00+02:00", "2026-06-13T16:00:00+02:00")),
    ("Datum: 2026-01-21 | kl. 09.00", ("2026-01-21T09:00:00+01:00", None)),
    ("2024-08-09 – 2024-08-11", ("2024-08-09", "2024-08-11")),
    ("9–11 augusti 2024", ("2024-08-09", "2024-08-11")),
])
def test_a_printed_date_that_says_the_same_is_not_repeated(printed, values):
    assert sv_printed(printed, *values) == ""


@pytest.mark.parametrize(("printed", "values"), [
    ("Lördag 26/8", ("2017-08-26",)),  # no year: the archive inferred it
    ("lördag 17 maj kl 13", ("2025-05-17T13:00:00+02:00",)),
    ("igår 14:05", ("2017-08-26T14:05:00+02:00",)),
    ("2017-08-27", ("2017-08-26",)),  # another day
    ("26 augusti 2017 kl. 14.05", ("2017-08-26T14:50:00+02:00",)),  # another time
    ("Datum: 2024-08-31 | Nytt datum: 2024-09-14", ("2024-09-14", None)),  # the earlier date too
    ("18/5 kl. 19.00", (None, None)),  # nothing could be read
    ("2013-02-30", (None,)),
    ("31/12 kl. 22–02", ("2026-12-31T22:00:00+01:00", "2027-01-01T02:00:00+01:00")),
])
def test_a_printed_date_that_says_more_or_else_is_shown(printed, values):
    assert sv_printed(printed, *values) == printed


def test_printed_text_is_compared_by_what_it_says():
    assert not printed_differs("Publicerat: 26 Augusti 2017", "26 augusti 2017")
    assert not printed_differs("kl. 09.00", "kl 9")
    assert printed_differs("26 augusti 2017", "27 augusti 2017")
    assert printed_differs("26 augusti", "2017-08-26", "26 augusti 2017")
    assert not printed_differs(None, "26 augusti 2017") and not printed_differs("", "26 augusti 2017")


def test_a_count_in_swedish():
    assert sv_number(0) == "0" and sv_number(999) == "999"
    assert sv_number(1234) == "1\u00a0234" and sv_number(1234567) == "1\u00a0234\u00a0567"
    assert sv_number(None) == "" and sv_number("12 st") == "12 st" and sv_number(True) == "True"


def test_the_filters_are_there_for_every_template():
    datasette = Datasette(memory=True)
    asyncio.run(datasette.invoke_startup())
    template = datasette.jinja_env.from_string(
        "{{ d|sv_date }} / {{ s|sv_span(e) }} / {{ p|sv_printed(d) }} / {{ n|sv_number }}")
    assert template.render(d="2017-08-26", s="2026-06-13T12:00:00+02:00", e="2026-06-13T16:00:00+02:00",
                           p="Lördag 26/8", n=1500) == (
        "26 augusti 2017 / 13 juni 2026 kl. 12.00–16.00 / Lördag 26/8 / 1\u00a0500")
