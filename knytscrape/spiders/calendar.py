"""The ``calendar`` spider: the Kalender section, found from the menu and the ``I Kalendern:`` sidebar.

Sidebar entries with a link are followed to their event pages; those without one are events too
(a title on a date) and are yielded from the front page.
"""

from __future__ import annotations

from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.chrome import calendar_sidebar
from knytscrape.parsers.event import EventParser, sidebar_event
from knytscrape.spiders.section import SectionSpider


class CalendarSpider(SectionSpider):
    name = "calendar"
    section = "calendar"
    table = "events"
    menu_labels = (lm.CALENDAR_MENU, lm.CALENDAR_MENU_FALLBACK)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parser = EventParser()

    def sidebar_urls(self, flow) -> list[str]:
        return [entry.url for entry in calendar_sidebar(flow) if entry.url]

    def parse_sidebar(self, response, flow):
        yield from super().parse_sidebar(response, flow)
        for entry in calendar_sidebar(flow):
            if not entry.url:
                self.crawler.stats.inc_value("knyt/calendar/sidebar_only_event")
                yield sidebar_event(entry)

    def parse_page(self, response):
        return self.parser.parse(response.text, response.url)
