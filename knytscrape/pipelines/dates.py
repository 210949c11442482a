"""Dates: the printed Swedish date text -> ISO 8601, raw text kept, nothing guessed."""

from __future__ import annotations

import datetime
import re

from knytscrape.dates import parse_date, parse_moment, parse_span, says_daily
from knytscrape.items import ArticleItem, EventItem, VideoItem
from knytscrape.pipelines.base import StatsPipeline

TIME_IN_TEXT = re.compile(r"(?:\bkl\.?|\bklockan)\s*\d{1,2}|\b\d{1,2}[.:]\d{2}\b", re.IGNORECASE)


def event_times(date_text: str | None, time_text: str | None, default_year: int | None):
    """(starts_at, ends_at, all_day) of an event from its date part and its separate time part.

    The year of a year-less date comes only from ``default_year``, which the parser sets when the page
    makes it certain; otherwise the moment is unreadable (None).

    The time part is the value of a time field: a bare hour there is an hour (HOURS IN A TIME FIELD,
    "Tid: 19–ca 22"). Times on a span of days hold on each of them, so evenings past midnight end the morning
    after the last day ("9–11 augusti", "18.00–01.00"); but ONE NIGHT: a span of two days in a row whose
    hours run past midnight is that one night ("31 dec 2024 - 01 jan 2025", "21:00 - 01:00" ends on
    1 January), unless DAILY HOURS words say the hours hold every day ("båda kvällarna").
    """
    if not date_text:
        return None, None, None
    start, end = parse_span(date_text, default_year=default_year)
    if not start.readable:
        timed = any(TIME_IN_TEXT.search(text) for text in (date_text, time_text) if text)
        return None, None, (False if timed else None)  # a printed time says "not all day" even so
    if time_text and start.time is None:
        # the time part may repeat the date, without its year: the date part's year is certain then
        timed_start, timed_end = parse_span(time_text, on_date=start.date, default_year=start.date.year,
                                            hours=True)
        if timed_start.readable and timed_start.date == start.date:
            if end is not None and end.readable and timed_end is not None and timed_end.time is not None:
                overnight = timed_end.date is not None and timed_end.date > timed_start.date  # "18.00–01.00"
                one_night = overnight and end.date == start.date + datetime.timedelta(days=1) \
                    and not says_daily(time_text)
                last_day = end.date + datetime.timedelta(days=1) if overnight and not one_night else end.date
                end = parse_moment(f"{last_day.isoformat()} {timed_end.time.strftime('%H:%M')}")
            else:
                end = timed_end or end
            start = timed_start
    all_day = start.time is None
    if all_day and time_text and TIME_IN_TEXT.search(time_text):
        all_day = None  # a time is printed but cannot be read ("19.00 (insläpp 18.30)"): not known to be all day
    return start.iso, (end.iso if end is not None and end.readable else None), all_day


class DatesPipeline(StatsPipeline):

    def process_item(self, item):
        if isinstance(item, ArticleItem):
            self._article(item)
        elif isinstance(item, VideoItem):
            item.published = parse_moment(item.published_raw).iso if item.published_raw else None
            if item.published_raw and item.published is None:
                self.stats.inc_value("knyt/dates/video_published/unreadable")
        elif isinstance(item, EventItem):
            self._event(item)
        return item

    def _article(self, item: ArticleItem) -> None:
        item.published = parse_date(item.published_raw)
        if item.published is None:
            self.stats.inc_value("knyt/dates/published/unreadable")
        for comment in item.comments:
            comment.posted = parse_moment(comment.posted_raw).iso if comment.posted_raw else None
            if comment.posted_raw and comment.posted is None:
                self.stats.inc_value("knyt/dates/comment_posted/unreadable")

    def _event(self, item: EventItem) -> None:
        item.starts_at, item.ends_at, item.all_day = event_times(item.date_text, item.time_text, item.default_year)
        if item.starts_at is None:
            self.stats.inc_value("knyt/dates/event_start/unreadable")
        if item.previous_date_raw:
            item.previous_starts_at, _, _ = event_times(item.previous_date_raw, None, item.default_year)
