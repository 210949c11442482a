"""Tests for knytscrape.dates: every expected value is written out literally, never computed."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from knytscrape.dates import (
    UNREADABLE,
    NonexistentTimeError,
    ParsedMoment,
    mentions_time,
    parse_date,
    parse_moment,
    parse_span,
    parse_time_range,
    says_daily,
    to_iso,
)

D = datetime.date
T = datetime.time
NBSP = "\u00a0"


# --- parse_moment: every form --------------------------------------------------------------------------

READABLE_MOMENTS = [
    # ISO
    ("2017-10-29", "2017-10-29"),
    ("2017-10-29 14:32", "2017-10-29T14:32:00+01:00"),
    ("2017-10-29 14.32", "2017-10-29T14:32:00+01:00"),
    ("2017-10-29 kl. 14.32", "2017-10-29T14:32:00+01:00"),
    ("2017-10-29 kl 14.32", "2017-10-29T14:32:00+01:00"),
    ("2017-10-29 kl.14.32", "2017-10-29T14:32:00+01:00"),
    ("2017-10-29 klockan 14", "2017-10-29T14:00:00+01:00"),
    ("2017-10-29, kl. 14.32", "2017-10-29T14:32:00+01:00"),
    ("2017-10-29T14:32", "2017-10-29T14:32:00+01:00"),
    ("2017-10-29t14:32", "2017-10-29T14:32:00+01:00"),
    ("2017-10-29T14:32:05", "2017-10-29T14:32:05+01:00"),
    ("2017-10-29 9.05", "2017-10-29T09:05:00+01:00"),
    ("2017-1-5", "2017-01-05"),
    # Swedish month names
    ("29 oktober 2017 kl. 14.32", "2017-10-29T14:32:00+01:00"),
    ("29 okt 2017 14:32", "2017-10-29T14:32:00+01:00"),
    ("29 okt. 2017", "2017-10-29"),
    ("29 OKTOBER 2017", "2017-10-29"),
    ("den 29 oktober 2017", "2017-10-29"),
    ("söndag 29 oktober 2017 kl 14", "2017-10-29T14:00:00+01:00"),
    ("Söndag 29 Oktober 2017 kl 14", "2017-10-29T14:00:00+01:00"),
    ("SÖNDAG 29 OKTOBER 2017", "2017-10-29"),
    ("söndag, 29 oktober 2017", "2017-10-29"),
    ("söndagen den 29 oktober 2017", "2017-10-29"),
    ("måndag 30 oktober 2017", "2017-10-30"),
    ("tisdag 31 oktober 2017", "2017-10-31"),
    ("onsdag 1 november 2017", "2017-11-01"),
    ("torsdag 2 november 2017", "2017-11-02"),
    ("fredag 3 november 2017", "2017-11-03"),
    ("lördag 4 november 2017", "2017-11-04"),
    ("1 januari 2018", "2018-01-01"),
    ("1 jan 2018", "2018-01-01"),
    ("1 februari 2018", "2018-02-01"),
    ("1 feb 2018", "2018-02-01"),
    ("1 mars 2018", "2018-03-01"),
    ("1 mar 2018", "2018-03-01"),
    ("1 april 2018", "2018-04-01"),
    ("1 apr 2018", "2018-04-01"),
    ("1 maj 2018", "2018-05-01"),
    ("1 juni 2018", "2018-06-01"),
    ("1 jun 2018", "2018-06-01"),
    ("1 juli 2018", "2018-07-01"),
    ("1 jul 2018", "2018-07-01"),
    ("1 augusti 2018", "2018-08-01"),
    ("1 aug 2018", "2018-08-01"),
    ("1 september 2018", "2018-09-01"),
    ("1 sep 2018", "2018-09-01"),
    ("1 sept 2018", "2018-09-01"),
    ("1 oktober 2018", "2018-10-01"),
    ("1 okt 2018", "2018-10-01"),
    ("1 november 2018", "2018-11-01"),
    ("1 nov 2018", "2018-11-01"),
    ("1 december 2018", "2018-12-01"),
    ("1 dec 2018", "2018-12-01"),
    # numeric day/month
    ("29/10 2017", "2017-10-29"),
    ("29/10-2017", "2017-10-29"),
    ("29/10/2017", "2017-10-29"),
    ("29.10.2017", "2017-10-29"),
    ("29/10 2017 kl. 19.30", "2017-10-29T19:30:00+01:00"),
    ("29.10.2017 19:30", "2017-10-29T19:30:00+01:00"),
    # labels, whitespace, punctuation
    ("Datum: 2024-05-18", "2024-05-18"),
    ("Publicerat: 2017-10-29", "2017-10-29"),
    ("Senast uppdaterad: 2017-10-29 14:32", "2017-10-29T14:32:00+01:00"),
    ("  2017-10-29  ", "2017-10-29"),
    (f"{NBSP}2017-10-29{NBSP}", "2017-10-29"),
    (f"29{NBSP}oktober{NBSP}2017{NBSP}kl.{NBSP}14.32", "2017-10-29T14:32:00+01:00"),
    ("29   oktober\t 2017", "2017-10-29"),
    ("2017-10-29:", "2017-10-29"),
    ("2017-10-29.", "2017-10-29"),
    ("29 oktober 2017 kl. 14.32.", "2017-10-29T14:32:00+01:00"),
    ("lo\u0308rdag 4 november 2017", "2017-11-04"),  # decomposed ö (NFD) is read as ö
    # two-digit years after day and month, with the pivot (00-69 -> 20xx, 70-99 -> 19xx)
    ("29/10-17", "2017-10-29"),
    ("29/10/17", "2017-10-29"),
    ("29.10.17", "2017-10-29"),
    ("29/10-17 kl 19", "2017-10-29T19:00:00+01:00"),
    ("12/3-99", "1999-03-12"),
    ("1/1-70", "1970-01-01"),
    ("31/12-69", "2069-12-31"),
    # short weekdays, with or without a full stop
    ("sön 29 oktober 2017", "2017-10-29"),
    ("tors. 2 november 2017 kl. 18.00", "2017-11-02T18:00:00+01:00"),
    ("tor 2 nov 2017", "2017-11-02"),
]


@pytest.mark.parametrize(("raw", "iso"), READABLE_MOMENTS)
def test_parse_moment_reads_every_form(raw, iso):
    assert parse_moment(raw).iso == iso


def test_parse_moment_fields():
    assert parse_moment("29 okt 2017 14:32") == ParsedMoment(
        D(2017, 10, 29), T(14, 32), "2017-10-29T14:32:00+01:00"
    )
    assert parse_moment("2017-10-29") == ParsedMoment(D(2017, 10, 29), None, "2017-10-29")
    assert parse_moment("2017-10-29").readable is True
    assert parse_moment("snart").readable is False


UNREADABLE_MOMENTS = [
    None,
    "",
    "   ",
    NBSP,
    "snart",
    "Datum:",
    "okänt datum",
    "2017-13-01",
    "2017-00-10",
    "2017-10-32",
    "2013-02-30",
    "31/2 2019",
    "31/2",  # impossible day even before a year is known
    "29 februari 2019",
    "29 oktobr 2017",
    "29 majs 2017",
    "20171029",
    "29.10",  # looks like a time; dotted dates need a year
    "29-10-17",  # a two-digit year where the order cannot be told (day-month-year or year-month-day?)
    "18/5 19.00",  # a day and month, then a time: never a two-digit year
    "mån 29 oktober 2017",  # a short weekday that does not match the date (a Sunday)
    "igår 21:10",  # relative dates depend on a "now" the page does not print
    "i förrgår",
    "3 dagar sedan",
    "nyss",
    "2017-10-29 14",  # a bare hour is not a time without "kl"
    "2017-10-29 kl",
    "2017-10-29 14:32 och mer",
    "2017-10-29T14:32:00+01:00",  # explicit offsets are not a supported form
    "2017-10-29T14:32Z",
    "mellan 2017-10-29 och 2017-10-30",
    "2024-08-09 – 2024-08-11",  # a span is not one moment
    "18 maj 1300",  # year out of range (likely a mistyped 13.00)
    "1 januari 1899",
    "1 januari 2100",
    "0000-01-01",
    "måndag 29 oktober 2017",  # 2017-10-29 was a Sunday
    "lördag 29 oktober 2017 kl 14",
    "14.32",  # a time without a date
    "kl 13",
]


@pytest.mark.parametrize("raw", UNREADABLE_MOMENTS)
def test_parse_moment_unreadable(raw):
    assert parse_moment(raw) == ParsedMoment(None, None, None)
    assert parse_moment(raw) == UNREADABLE


@pytest.mark.parametrize(
    "raw",
    [
        "2017-10-29 24:00",
        "2017-10-29 24.00",
        "2017-10-29 25.61",
        "2017-10-29 14.61",
        "2017-10-29 kl 25",
        "2017-10-29T14:32:60",
        "29 oktober 2017 kl. 99.00",
    ],
)
def test_invalid_time_makes_whole_moment_unreadable(raw):
    # the date on its own would be readable, but nothing is kept once a written time is impossible
    assert parse_moment("2017-10-29").iso == "2017-10-29"
    assert parse_moment(raw) == ParsedMoment(None, None, None)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2017-10-29 00:00", "2017-10-29T00:00:00+02:00"),
        ("2017-10-29 23:59", "2017-10-29T23:59:00+01:00"),
        ("2017-10-29 0.00", "2017-10-29T00:00:00+02:00"),
    ],
)
def test_time_bounds(raw, iso):
    assert parse_moment(raw).iso == iso


# --- offsets and DST ------------------------------------------------------------------------------------

OFFSETS = [
    # winter and summer
    ("2017-01-15 12:00", "2017-01-15T12:00:00+01:00"),
    ("2017-07-01 14:32", "2017-07-01T14:32:00+02:00"),
    ("2017-07-01T14:32", "2017-07-01T14:32:00+02:00"),
    ("2017-12-31 23:59", "2017-12-31T23:59:00+01:00"),
    # spring forward, 2017-03-26: 02:00-02:59 does not exist
    ("2017-03-26 01:59", "2017-03-26T01:59:00+01:00"),
    ("2017-03-26 03:00", "2017-03-26T03:00:00+02:00"),
    ("2017-03-26 12:00", "2017-03-26T12:00:00+02:00"),
    ("2017-03-25 02:30", "2017-03-25T02:30:00+01:00"),
    ("2017-03-27 02:30", "2017-03-27T02:30:00+02:00"),
    ("2017-03-26", "2017-03-26"),
    # fall back, 2017-10-29: 02:00-02:59 happens twice, first occurrence (+02:00) is used
    ("2017-10-29 01:59", "2017-10-29T01:59:00+02:00"),
    ("2017-10-29 02:00", "2017-10-29T02:00:00+02:00"),
    ("2017-10-29 02:30", "2017-10-29T02:30:00+02:00"),
    ("2017-10-29 02:59", "2017-10-29T02:59:00+02:00"),
    ("2017-10-29 03:00", "2017-10-29T03:00:00+01:00"),
    ("2017-10-28 02:30", "2017-10-28T02:30:00+02:00"),
    ("2017-10-30 02:30", "2017-10-30T02:30:00+01:00"),
    # another year's transition days (2024-03-31 and 2024-10-27)
    ("2024-03-31 03:30", "2024-03-31T03:30:00+02:00"),
    ("2024-10-27 02:15", "2024-10-27T02:15:00+02:00"),
    ("2024-10-27 03:15", "2024-10-27T03:15:00+01:00"),
]


@pytest.mark.parametrize(("raw", "iso"), OFFSETS)
def test_stockholm_offsets(raw, iso):
    assert parse_moment(raw).iso == iso


@pytest.mark.parametrize(
    "raw",
    ["2017-03-26 02:00", "2017-03-26 02:30", "2017-03-26 02:59", "26 mars 2017 kl. 2.30", "2024-03-31 02:30"],
)
def test_nonexistent_local_time_is_unreadable(raw):
    assert parse_moment(raw) == ParsedMoment(None, None, None)


# --- year-less dates ------------------------------------------------------------------------------------

YEARLESS = [
    ("18/5", "2024-05-18"),
    ("18 maj", "2024-05-18"),
    ("lördag 18 maj kl 13", "2024-05-18T13:00:00+02:00"),
    ("den 18 maj kl. 13.30", "2024-05-18T13:30:00+02:00"),
    ("18/5 13.00", "2024-05-18T13:00:00+02:00"),
    ("18 maj 19:00", "2024-05-18T19:00:00+02:00"),
    ("1/12", "2024-12-01"),
]


@pytest.mark.parametrize(("raw", "iso"), YEARLESS)
def test_yearless_with_default_year(raw, iso):
    assert parse_moment(raw, default_year=2024).iso == iso


@pytest.mark.parametrize(("raw", "_iso"), YEARLESS)
def test_yearless_without_default_year_is_unreadable(raw, _iso):
    assert parse_moment(raw) == ParsedMoment(None, None, None)


@pytest.mark.parametrize(("raw", "_iso"), YEARLESS)
def test_yearless_never_takes_the_year_from_the_clock(raw, _iso):
    with freeze_time("2024-05-18 12:00:00"):
        assert parse_moment(raw).iso is None
        assert parse_span(raw)[0].iso is None


def test_default_year_does_not_override_a_written_year():
    assert parse_moment("29 okt 2017", default_year=2024).iso == "2017-10-29"
    assert parse_moment("2017-10-29", default_year=2024).iso == "2017-10-29"


@pytest.mark.parametrize(
    ("raw", "default_year"),
    [
        ("lördag 18 maj", 2023),  # 2023-05-18 was a Thursday: the weekday exposes the wrong year
        ("29/2", 2023),  # no 29 February in 2023
        ("18 maj", 1800),  # out of range
    ],
)
def test_default_year_checked(raw, default_year):
    assert parse_moment(raw, default_year=default_year) == ParsedMoment(None, None, None)


def test_default_year_with_leap_day():
    assert parse_moment("29/2", default_year=2024).iso == "2024-02-29"


# --- parse_date -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2017-10-29", "2017-10-29"),
        (" 2017-10-29 ", "2017-10-29"),
        (f"{NBSP}2017-10-29{NBSP}", "2017-10-29"),
        ("Publicerat: 2017-10-29", "2017-10-29"),
        ("Publicerat:\u00a02017-10-29", "2017-10-29"),
        ("29 oktober 2017", "2017-10-29"),
        ("2017-10-29 14:32", "2017-10-29"),  # the time is dropped, the date kept
        ("2016-02-29", "2016-02-29"),
        ("2013-02-30", None),
        ("2017-02-29", None),
        ("2017-13-01", None),
        ("2017-10-29 25:00", None),
        ("2017-03-26 02:30", None),
        ("18/5", None),  # no year, and parse_date takes no default
        ("snart", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


# --- parse_time_range -----------------------------------------------------------------------------------

TIME_RANGES = [
    ("13.00-17.00", (T(13), T(17))),
    ("13.00–17.00", (T(13), T(17))),
    ("13.00—17.00", (T(13), T(17))),
    ("13.00 – 17.00", (T(13), T(17))),
    ("13:00-17:30", (T(13), T(17, 30))),
    ("Tid: 13.00 – 17.00", (T(13), T(17))),
    (f"Tid:{NBSP}13.00{NBSP}–{NBSP}17.00", (T(13), T(17))),
    ("TID: 13.00-17.00.", (T(13), T(17))),
    ("kl. 18.30", (T(18, 30), None)),
    ("kl 13", (T(13), None)),
    ("kl. 13", (T(13), None)),
    ("KL 13", (T(13), None)),
    ("klockan 13", (T(13), None)),
    ("kl 13-17", (T(13), T(17))),
    ("kl. 13.00-kl. 17.00", (T(13), T(17))),
    ("18:30", (T(18, 30), None)),
    ("18.30", (T(18, 30), None)),
    ("13.00 till 17.00", (T(13), T(17))),
    ("22.00-02.00", (T(22), T(2))),  # no date here: the order is checked by parse_span
]


@pytest.mark.parametrize(("raw", "expected"), TIME_RANGES)
def test_parse_time_range(raw, expected):
    assert parse_time_range(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "snart",
        "13",  # a bare number is not a time
        "13-17",  # nor a range of bare numbers without "kl"
        "Tid: 13-17",
        "24:00",
        "24.00",
        "25.61",
        "13.00-24.00",
        "13.00-25.00",
        "13.00-",
        "13.00-17.00-19.00",
        "2017-10-29",
        "2017-10-29 14:32",
        "29.10.2017",
        "18/5",
        "kl",
    ],
)
def test_parse_time_range_unreadable(raw):
    assert parse_time_range(raw) == (None, None)


# --- parse_span -----------------------------------------------------------------------------------------

SPANS = [
    ("2024-08-09 – 2024-08-11", "2024-08-09", "2024-08-11"),
    ("2024-08-09–2024-08-11", "2024-08-09", "2024-08-11"),
    ("2024-08-09 - 2024-08-11", "2024-08-09", "2024-08-11"),
    ("2024-08-09 till 2024-08-11", "2024-08-09", "2024-08-11"),
    ("2024-08-09 – 2024-08-09", "2024-08-09", "2024-08-09"),
    ("18 maj 2024 kl. 13.00–17.00", "2024-05-18T13:00:00+02:00", "2024-05-18T17:00:00+02:00"),
    ("18 maj 2024 kl. 13.00 - 17.00", "2024-05-18T13:00:00+02:00", "2024-05-18T17:00:00+02:00"),
    ("lördag 18 maj 2024 kl 13-17", "2024-05-18T13:00:00+02:00", "2024-05-18T17:00:00+02:00"),
    ("2024-05-18 18:00-23:30", "2024-05-18T18:00:00+02:00", "2024-05-18T23:30:00+02:00"),
    (
        "18 maj 2024 kl. 13.00 – 19 maj 2024 kl. 17.00",
        "2024-05-18T13:00:00+02:00",
        "2024-05-19T17:00:00+02:00",
    ),
    ("9–11 augusti 2024", "2024-08-09", "2024-08-11"),
    ("9-11 aug 2024", "2024-08-09", "2024-08-11"),
    # a day range in one month with a weekday on either end, month (abbreviated) and year written once
    ("fre 23 – sön 25 aug. 2013", "2013-08-23", "2013-08-25"),
    ("Datum: fre 23–sön 25 aug 2013", "2013-08-23", "2013-08-25"),
    ("fredag 23 till söndag 25 augusti 2013", "2013-08-23", "2013-08-25"),
    ("fredagen den 23 – söndagen den 25 augusti 2013", "2013-08-23", "2013-08-25"),
    ("23 – sön 25 aug. 2013", "2013-08-23", "2013-08-25"),
    ("9 aug – 11 aug 2024", "2024-08-09", "2024-08-11"),  # the end's year is shared
    ("fredag 9 augusti – söndag 11 augusti 2024", "2024-08-09", "2024-08-11"),
    ("29/10-2017 – 30/10-2017", "2017-10-29", "2017-10-30"),
    ("Datum: 2024-08-09 – 2024-08-11", "2024-08-09", "2024-08-11"),
    # across the autumn DST change: start in summer time, end in winter time
    ("2017-10-28 kl 20 – 2017-10-29 kl 04", "2017-10-28T20:00:00+02:00", "2017-10-29T04:00:00+01:00"),
    ("2017-10-29 kl. 01.30–03.30", "2017-10-29T01:30:00+02:00", "2017-10-29T03:30:00+01:00"),
]


@pytest.mark.parametrize(("raw", "start", "end"), SPANS)
def test_parse_span(raw, start, end):
    got_start, got_end = parse_span(raw)
    assert got_start.iso == start
    assert got_end is not None
    assert got_end.iso == end


def test_parse_span_fields():
    start, end = parse_span("18 maj 2024 kl. 13.00–17.00")
    assert start == ParsedMoment(D(2024, 5, 18), T(13), "2024-05-18T13:00:00+02:00")
    assert end == ParsedMoment(D(2024, 5, 18), T(17), "2024-05-18T17:00:00+02:00")


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-05-18", "2024-05-18"),
        ("18 maj 2024 kl. 13.00", "2024-05-18T13:00:00+02:00"),
        ("29/10 2017", "2017-10-29"),
    ],
)
def test_parse_span_single_moment_has_no_end(raw, iso):
    start, end = parse_span(raw)
    assert start.iso == iso
    assert end is None


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("lördag 18 maj kl 13", "2024-05-18T13:00:00+02:00", None),
        ("18 maj kl. 13.00–17.00", "2024-05-18T13:00:00+02:00", "2024-05-18T17:00:00+02:00"),
        ("18/5 – 19/5", "2024-05-18", "2024-05-19"),
        ("9–11 augusti", "2024-08-09", "2024-08-11"),
        ("fre 9 – sön 11 aug.", "2024-08-09", "2024-08-11"),
    ],
)
def test_parse_span_yearless_uses_default_year(raw, start, end):
    got_start, got_end = parse_span(raw, default_year=2024)
    assert got_start.iso == start
    assert (got_end.iso if got_end is not None else None) == end
    assert parse_span(raw) == (ParsedMoment(None, None, None), None)


def test_parse_span_written_year_beats_default_year():
    start, end = parse_span("9 aug – 11 aug 2023", default_year=2024)
    assert (start.iso, end.iso) == ("2023-08-09", "2023-08-11")


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("Tid: 13.00 – 17.00", "2024-05-18T13:00:00+02:00", "2024-05-18T17:00:00+02:00"),
        ("13.00-17.00", "2024-05-18T13:00:00+02:00", "2024-05-18T17:00:00+02:00"),
        ("kl 13-17", "2024-05-18T13:00:00+02:00", "2024-05-18T17:00:00+02:00"),
        ("kl. 18.30", "2024-05-18T18:30:00+02:00", None),
        ("kl 22-02", "2024-05-18T22:00:00+02:00", "2024-05-19T02:00:00+02:00"),  # past midnight
    ],
)
def test_parse_span_times_on_a_separate_date(raw, start, end):
    got_start, got_end = parse_span(raw, on_date=D(2024, 5, 18))
    assert got_start.iso == start
    assert (got_end.iso if got_end is not None else None) == end


def test_a_night_past_midnight_and_across_the_clock_change():
    start, end = parse_span("18 maj 2024 kl. 22.00–03.00")
    assert (start.iso, end.iso) == ("2024-05-18T22:00:00+02:00", "2024-05-19T03:00:00+02:00")
    start, end = parse_span("Tid: 22.00–03.00", on_date=D(2024, 10, 26))
    assert (start.iso, end.iso) == ("2024-10-26T22:00:00+02:00", "2024-10-27T03:00:00+01:00")


def test_parse_span_times_on_a_winter_date():
    start, end = parse_span("Tid: 13.00 – 17.00", on_date=D(2024, 12, 7))
    assert (start.iso, end.iso) == ("2024-12-07T13:00:00+01:00", "2024-12-07T17:00:00+01:00")


def test_parse_span_own_date_beats_on_date():
    start, end = parse_span("2024-08-09 – 2024-08-11", on_date=D(2024, 5, 18))
    assert (start.iso, end.iso) == ("2024-08-09", "2024-08-11")


@pytest.mark.parametrize(
    ("raw", "on_date"),
    [
        ("Tid: 13.00 – 17.00", None),  # times only, and no date given
        ("kl 13", None),
        ("snart", None),
        ("", None),
        ("2024-08-11 – 2024-08-09", None),  # end before start
        ("18 maj 2024 kl. 17.00–13.00", None),
        ("kl 17-13", D(2024, 5, 18)),  # 20 hours: a typo rather than the next day
        ("kl 18-06", D(2024, 10, 26)),  # 13 real hours across the autumn clock change
        ("30 december – 2 januari 2025", None),  # sharing the year would put the end first
        ("2024-08-09 – 2024-13-01", None),
        ("2024-08-09 – snart", None),
        ("18 maj 2024 kl. 13.00–25.00", None),
        ("18 maj 2024 kl. 13.00–24.00", None),
        ("kl 01.00-02.30", D(2017, 3, 26)),  # the end falls in the spring gap
        ("2017-03-26 kl 02.30 – 2017-03-26 kl 04", None),  # start in the spring gap
        ("18 maj 2024 – 17.00", None),  # an end time needs a start time
        ("9–11 augusti 2024 kl 10", None),
        ("31–32 augusti 2024", None),
        ("11–9 augusti 2024", None),
        ("2024-08-09 – 2024-08-10 – 2024-08-11", None),
        ("måndag 9 augusti – söndag 11 augusti 2024", None),  # 2024-08-09 was a Friday
        ("lör 23 – sön 25 aug. 2013", None),  # 2013-08-23 was a Friday: the start's weekday is checked
        ("fre 23 – lör 25 aug. 2013", None),  # and the end's
        ("fre 23 – sön 25 aug.", None),  # no year and no default year
        ("fre 23 – sön 25 aug. 2013 kl 10", None),  # a time after a day range is not a form
    ],
)
def test_parse_span_unreadable(raw, on_date):
    assert parse_span(raw, on_date=on_date) == (ParsedMoment(None, None, None), None)


# --- parse_span: ISO INTERVAL, FROM A TIME, DAILY HOURS, OCCASIONS ---------------------------------------


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("2025-05-10--11", "2025-05-10", "2025-05-11"),  # the end day only: month and year are the start's
        ("Datum: 2025-05-10--11", "2025-05-10", "2025-05-11"),
        ("2025-05-10 -- 11", "2025-05-10", "2025-05-11"),
        ("2025-05-10/11", "2025-05-10", "2025-05-11"),
        ("2025-05-10/06-02", "2025-05-10", "2025-06-02"),  # month and day: the year is the start's
        ("2025-05-10--2025-05-12", "2025-05-10", "2025-05-12"),
        ("2024-12-30/2025-01-02", "2024-12-30", "2025-01-02"),
    ],
)
def test_iso_interval(raw, start, end):
    got_start, got_end = parse_span(raw)
    assert (got_start.iso, got_end.iso if got_end is not None else None) == (start, end)


@pytest.mark.parametrize(
    "raw",
    [
        "2025-05-10-11",  # a single dash after an ISO date is not an interval separator
        "2025-05-10--09",  # the end before the start
        "2024-12-30--01",  # the left-out year is the start's: 2024-12-01, before the start
        "2025-05-10--32",
        "2025-05-10 kl 10--12",  # after a time "--" may be a typed dash between hours: never read as days
        "2025-05-10--11 kl 16",  # dates only
        "18/5--19/5",  # only after an ISO date
    ],
)
def test_iso_interval_unreadable(raw):
    assert parse_span(raw, default_year=2025) == (UNREADABLE, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("från kl. 10", (T(10), None)),
        ("Tid: från kl. 10", (T(10), None)),
        ("från 18.00", (T(18), None)),
        ("från kl. 10 till 15", (T(10), T(15))),
        ("10.00–16.00 båda dagarna", (T(10), T(16))),
        ("kl. 10–16, alla dagar", (T(10), T(16))),
        ("dagligen kl 10-16", (T(10), T(16))),
        ("varje dag 11.00-15.00", (T(11), T(15))),
    ],
)
def test_from_a_time_and_daily_hours(raw, expected):
    assert parse_time_range(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["från", "från 10", "båda dagarna", "10-16 båda dagarna", "kl 10 båda dagarna och kvällen", "dagligen"],
)
def test_from_a_time_and_daily_hours_unreadable(raw):
    assert parse_time_range(raw) == (None, None)


def test_from_a_time_after_a_date_and_on_a_separate_date():
    start, end = parse_span("lördagen den 1 juni 2024 från kl. 10")
    assert (start.iso, end) == ("2024-06-01T10:00:00+02:00", None)
    start, end = parse_span("Tid: från kl. 10", on_date=D(2024, 6, 1))
    assert (start.iso, end) == ("2024-06-01T10:00:00+02:00", None)
    start, end = parse_span("10.00–16.00 båda dagarna", on_date=D(2025, 5, 10))
    assert (start.iso, end.iso) == ("2025-05-10T10:00:00+02:00", "2025-05-10T16:00:00+02:00")


@pytest.mark.parametrize(
    ("raw", "default_year", "start", "end"),
    [
        # each with its own time span: the first one's start to the last one's end
        ("fredag 8 november 2024, kl. 19.00–21.00\nlördag 9 november 2024, kl. 15.00–17.00\n"
         "söndag 10 november 2024, kl. 15.00–17.00", None, "2024-11-08T19:00:00+01:00", "2024-11-10T17:00:00+01:00"),
        ("8 nov kl. 19\n10 nov kl. 15–17", 2024, "2024-11-08T19:00:00+01:00", "2024-11-10T17:00:00+01:00"),
        # days alone: all day, first day to last day
        ("lördag 4 maj 2024\n\nlördag 11 maj 2024\n", None, "2024-05-04", "2024-05-11"),
        # the last one prints a start only: the event ends on its day, at a time not printed
        ("2024-11-08 kl 19\n2024-11-10 kl 15", None, "2024-11-08T19:00:00+01:00", "2024-11-10"),
    ],
)
def test_occasions(raw, default_year, start, end):
    got_start, got_end = parse_span(raw, default_year=default_year)
    assert (got_start.iso, got_end.iso) == (start, end)


@pytest.mark.parametrize(
    ("raw", "default_year"),
    [
        ("8 november 2024 kl. 19\nsnart", None),  # every occasion must read
        ("10 november 2024 kl. 15\n8 november 2024 kl. 19", None),  # out of order
        ("8 november 2024 kl. 19–21\n8 november 2024 kl. 20", None),  # starts before the one before it ends
        ("30 dec kl 19\n2 jan kl 19", 2024),  # the shared year would put the second first: no year is guessed
        ("8 nov kl. 19\n10 nov kl. 15", None),  # no year
    ],
)
def test_occasions_unreadable(raw, default_year):
    assert parse_span(raw, default_year=default_year) == (UNREADABLE, None)


# --- parse_span: RECURRING WEEKDAY, APPROXIMATE END, DOORS BEFORE THE START, HOURS IN A TIME FIELD ----------


@pytest.mark.parametrize(
    ("raw", "default_year", "start", "end"),
    [
        # the first Tuesday of March 2025 is the 4th, the last the 25th: all day, first to last
        ("varje tisdag i mars 2025", None, "2025-03-04", "2025-03-25"),
        ("Datum: Varje tisdag i mars 2025", None, "2025-03-04", "2025-03-25"),
        ("alla lördagar under juni", 2024, "2024-06-01", "2024-06-29"),
        ("alla söndagarna i februari 2024", None, "2024-02-04", "2024-02-25"),
        # the times on each of them: the first one's start to the last one's end
        ("varje tisdag i mars 2025, kl. 18–20", None, "2025-03-04T18:00:00+01:00", "2025-03-25T20:00:00+01:00"),
        # a start time only: the last one's day, its end not printed
        ("varje onsdag i oktober 2024 kl 19", None, "2024-10-02T19:00:00+02:00", "2024-10-30"),
    ],
)
def test_recurring_weekday(raw, default_year, start, end):
    got_start, got_end = parse_span(raw, default_year=default_year)
    assert (got_start.iso, got_end.iso) == (start, end)


@pytest.mark.parametrize(
    ("raw", "default_year"),
    [
        ("varje tisdag i mars", None),  # no year: never guessed
        ("varje tisdag", 2025),  # no month
        ("varje tisdag i mars 2025 18-20", None),  # bare hours without "kl": not a time (outside a time field)
        ("varje tisdag i mars 2025, snart", None),  # what follows must be a time
        ("tisdag i mars 2025", None),  # one Tuesday, which one is not said
    ],
)
def test_recurring_weekday_unreadable(raw, default_year):
    assert parse_span(raw, default_year=default_year) == (UNREADABLE, None)


def test_approximate_end_is_the_announced_end():
    on = D(2013, 11, 14)
    for raw in ("kl 19–ca 22", "19.00–cirka 22.00", "19.00 - ca. 22.00", "kl. 19 till omkring 22"):
        start, end = parse_span(raw, on_date=on)
        assert (start.iso, end.iso) == ("2013-11-14T19:00:00+01:00", "2013-11-14T22:00:00+01:00"), raw
    start, end = parse_span("torsdag 14 november 2013 kl 19–ca 22")
    assert (start.iso, end.iso) == ("2013-11-14T19:00:00+01:00", "2013-11-14T22:00:00+01:00")
    assert parse_span("ca 19–22", on_date=on) == (UNREADABLE, None)  # an approximate start is not read


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("Dörrarna öppnar 18.30, start 19.00", "2016-10-22T19:00:00+02:00", None),
        ("Start 19.00, dörrarna öppnas 18.30", "2016-10-22T19:00:00+02:00", None),
        ("Insläpp 18.30. Konserten börjar 19.00–21.30", "2016-10-22T19:00:00+02:00", "2016-10-22T21:30:00+02:00"),
        ("insläpp från kl. 18; scenstart kl. 19", "2016-10-22T19:00:00+02:00", None),
    ],
)
def test_doors_before_the_start(raw, start, end):
    got_start, got_end = parse_span(raw, on_date=D(2016, 10, 22))
    assert (got_start.iso, got_end.iso if got_end else None) == (start, end)


@pytest.mark.parametrize(
    "raw",
    [
        "19.00 (insläpp 18.30)",  # no start word: which one is the start is not said
        "Dörrarna öppnar 18.30",  # doors only
        "Dörrarna öppnar 18.30, start 19.00, start 20.00",  # two starts
        "Dörrarna öppnar snart, start 19.00",  # a doors part that is no time
        "Dörrarna öppnar 18.30, fika 19.00",  # a part that is neither
    ],
)
def test_doors_before_the_start_unreadable(raw):
    assert parse_span(raw, on_date=D(2016, 10, 22)) == (UNREADABLE, None)


def test_hours_in_a_time_field():
    on = D(2013, 11, 14)
    start, end = parse_span("19–22", on_date=on, hours=True)
    assert (start.iso, end.iso) == ("2013-11-14T19:00:00+01:00", "2013-11-14T22:00:00+01:00")
    start, end = parse_span("Tid: 19–ca 22", on_date=on, hours=True)
    assert (start.iso, end.iso) == ("2013-11-14T19:00:00+01:00", "2013-11-14T22:00:00+01:00")
    assert parse_span("19", on_date=on, hours=True)[0].iso == "2013-11-14T19:00:00+01:00"
    # outside a time field a bare hour stays no time, and a time field never makes a number of another kind one
    assert parse_span("19–22", on_date=on) == (UNREADABLE, None)
    assert parse_time_range("Tid: 13-17") == (None, None)
    for raw in ("2 timmar", "1-2 timmar", "45", "2019-04-13 18"):
        assert parse_span(raw, on_date=on, hours=True) == (UNREADABLE, None), raw


# --- normalisation: MIDDLE DOT and ONE CLOCK --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "default_year", "start", "end"),
    [
        ("tors 9 okt · kl. 18–20.30", 2025, "2025-10-09T18:00:00+02:00", "2025-10-09T20:30:00+02:00"),
        ("tors 9 okt·kl. 18–20.30", 2025, "2025-10-09T18:00:00+02:00", "2025-10-09T20:30:00+02:00"),
        ("lördag 18 maj 2024 • 13.00", None, "2024-05-18T13:00:00+02:00", None),
    ],
)
def test_middle_dot_separates_like_a_comma(raw, default_year, start, end):
    got_start, got_end = parse_span(raw, default_year=default_year)
    assert (got_start.iso, got_end.iso if got_end else None) == (start, end)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("lördag 27 april 2019 10:00 AM 10:00", "2019-04-27T10:00:00+02:00"),
        ("söndag 28 april 2019 4:00 PM 16:00", "2019-04-28T16:00:00+02:00"),
        ("söndag 28 april 2019 16:00 4:00 p.m.", "2019-04-28T16:00:00+02:00"),
        ("söndag 28 april 2019 12:30 AM 00:30", "2019-04-28T00:30:00+02:00"),  # 12 am is midnight's hour
        ("söndag 28 april 2019 12:30 PM 12:30", "2019-04-28T12:30:00+02:00"),
        ("söndag 28 april 2019 4:00 PM 17:00", None),  # the two clocks disagree: unreadable
        ("söndag 28 april 2019 4:00 PM", None),  # a 12-hour time alone is not read
    ],
)
def test_one_clock(raw, iso):
    assert parse_moment(raw).iso == iso


def test_says_daily():
    assert says_daily("10.00–16.00 båda dagarna") and says_daily("21–01 båda kvällarna")
    assert not says_daily("21:00 - 01:00") and not says_daily(None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("kl. 15.30–17.00", True),
        ("ändrad till kl. 15.30", True),
        ("Tid: klockan 9", True),
        ("från 18:00", True),
        ("sön 15 maj 2022", False),
        ("27.10.2016", False),  # a date written with dots
        ("ny tid meddelas senare", False),
        (None, False),
    ],
)
def test_mentions_time(raw, expected):
    assert mentions_time(raw) is expected


# --- to_iso ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "time", "iso"),
    [
        (D(2017, 10, 29), None, "2017-10-29"),
        (D(2017, 10, 29), T(14, 32), "2017-10-29T14:32:00+01:00"),
        (D(2017, 7, 1), T(14, 32), "2017-07-01T14:32:00+02:00"),
        (D(2017, 7, 1), T(14, 32, 5, 999_999), "2017-07-01T14:32:05+02:00"),
        (D(2017, 10, 29), T(2, 30), "2017-10-29T02:30:00+02:00"),
        (D(2017, 10, 29), T(2, 30, fold=1), "2017-10-29T02:30:00+02:00"),  # always the first occurrence
        (D(2017, 3, 26), T(1, 59), "2017-03-26T01:59:00+01:00"),
        (D(2017, 3, 26), T(3, 0), "2017-03-26T03:00:00+02:00"),
    ],
)
def test_to_iso(date, time, iso):
    assert to_iso(date, time) == iso


def test_to_iso_nonexistent_time_raises():
    with pytest.raises(NonexistentTimeError):
        to_iso(D(2017, 3, 26), T(2, 30))
    with pytest.raises(ValueError):  # NonexistentTimeError is a ValueError
        to_iso(D(2024, 3, 31), T(2, 0))


def test_to_iso_rejects_datetime_and_aware_time():
    with pytest.raises(TypeError):
        to_iso(datetime.datetime(2017, 10, 29, 14, 32))
    with pytest.raises(ValueError):
        to_iso(D(2017, 10, 29), T(14, 32, tzinfo=datetime.timezone.utc))


# --- comment dates as blog and CMS software prints them (knytscrape/parsers/comments.py) ---------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("lör, 04/13/2019 - 18:47", "2019-04-13T18:47:00+02:00"),  # Drupal: month first, a dash before the time
        ("sön, 04/14/2019 - 09:12", "2019-04-14T09:12:00+02:00"),
        ("fre, 04/13/2019 - 18:47", None),  # 13 April 2019 was a Saturday
        ("04/05/2019", "2019-05-04"),  # the second number can be a month: day first, as before
        ("5 september, 2020 kl. 18:02", "2020-09-05T18:02:00+02:00"),  # WordPress: a comma before the year
        ("maj 19, 2018", "2018-05-19"),  # Squarespace: the month's name first
        ("maj 19", None),  # month first only with its comma and year
        ("27/9 -09 kl. 10.14", "2009-09-27T10:14:00+02:00"),
        ("2019-04-13-18", None),  # a dash before a bare hour is not a time
    ],
)
def test_comment_date_shapes(raw, iso):
    assert parse_moment(raw).iso == iso
