"""The progress of a crawl (knytscrape/extensions/progress.py): its figures and ETA from fake stats and a
fake clock, the live line on a terminal, the minute lines in the log elsewhere. No reactor, no timing."""

from __future__ import annotations

import io
import logging
from types import SimpleNamespace

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from knytscrape import settings as project_settings
from knytscrape.extensions.progress import Figures, Progress, Rate, estimate, format_eta, records_stored, walk_not_asked


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeStats:
    def __init__(self, **values):
        self.values = {name.replace("__", "/"): value for name, value in values.items()}

    def get_stats(self):
        return dict(self.values)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def fake_crawler(stats: dict, waiting: int = 0, in_flight: int = 0, **settings) -> SimpleNamespace:
    engine = SimpleNamespace(scheduler=[object()] * waiting, downloader=SimpleNamespace(active=set(range(in_flight))))
    return SimpleNamespace(settings=Settings(settings), stats=FakeStats(**stats), engine=engine)


def test_the_extension_is_enabled_and_can_be_turned_off():
    assert project_settings.EXTENSIONS["knytscrape.extensions.progress.Progress"]
    assert project_settings.KNYT_PROGRESS
    with pytest.raises(NotConfigured):
        Progress.from_crawler(fake_crawler({}, KNYT_PROGRESS="0"))


def test_figures_pages_of_about_a_total_and_records():
    stats = {"response_received_count": 40, "knyt/items/new": 5, "knyt/items/changed": 2, "knyt/items/unchanged": 30}
    assert records_stored(stats) == 37
    assert estimate(stats, pending=10, not_asked=50) == (40, 100)
    assert estimate({}, pending=0) == (0, 0)


def test_walk_not_asked_of_the_articles_spider(tmp_path):
    from tests.test_flat_memory import articles_spider

    spider = articles_spider(tmp_path)
    spider.evidence.add(500)
    spider.highest_found, spider.walked_up_to = 200, 100
    assert walk_not_asked(spider) == 400  # up to the evidence's 500
    spider.archive.highest_id = 900  # a full crawl walks to the highest stored id too
    assert walk_not_asked(spider) == 800
    spider.incremental = True  # ... an incremental one only probes above it
    assert walk_not_asked(spider) == 400
    for number in range(1, 1001):  # linked by the lists: more waiting than the walk has left
        spider.ask(number + 2000)
    assert walk_not_asked(spider) == 1000
    spider.only_ids = {7}
    assert walk_not_asked(spider) == 1000  # only what waits
    assert walk_not_asked(SimpleNamespace(name="videos")) == 0
    assert walk_not_asked(None) == 0


def test_the_rate_and_eta_follow_the_recent_pages():
    rate = Rate(window=300)
    assert rate.add(0, 0) is None
    assert rate.add(100, 100) == pytest.approx(1.0)
    assert rate.add(400, 1000) == pytest.approx(3.0)  # 100 .. 400: 900 pages
    assert rate.add(700, 1300) == pytest.approx(1.0)  # 400 .. 700: 300 pages
    clock = FakeClock(0)
    crawler = fake_crawler({"response_received_count": 0}, waiting=100)
    progress = Progress(crawler, stream=io.StringIO(), clock=clock)
    assert progress.figures().eta is None  # no rate yet
    clock.now, crawler.stats.values["response_received_count"] = 50, 100
    figures = progress.figures()
    assert (figures.pages, figures.total, figures.rate) == (100, 200, pytest.approx(2.0))
    assert figures.eta == pytest.approx(50)
    assert "100 of about 200 pages" in figures.line() and "ETA 50 s" in figures.line()


def test_eta_reads_as_people_read_it():
    assert format_eta(None) == "unknown"
    assert format_eta(42.4) == "42 s"
    assert format_eta(35 * 60) == "35 min"
    assert format_eta(2 * 3600 + 5 * 60) == "2 h 05 min"
    line = Figures(pages=1234, total=5600, records=1180, rate=2.1, eta=2100).line()
    assert line == "1,234 of about 5,600 pages, 1,180 records stored, 2.1 pages/s, ETA 35 min"


def test_a_terminal_gets_the_live_line_and_no_log_lines(caplog):
    terminal, clock = Terminal(), FakeClock()
    crawler = fake_crawler({"response_received_count": 3, "knyt/items/new": 2}, waiting=7)
    progress = Progress(crawler, stream=terminal, clock=clock)
    assert progress.live and not progress.log_lines
    progress.spider = SimpleNamespace(name="videos")
    progress.last_log = clock()
    progress.open_bar("videos")
    try:
        with caplog.at_level(logging.INFO, logger="knytscrape.progress"):
            for _ in range(3):
                clock.now += 61
                progress.tick()
        shown = terminal.getvalue()
        assert "videos: 3 of about 10 pages" in shown
        assert "2 records stored" in shown and "ETA" in shown
        assert not [r for r in caplog.records if r.name == "knytscrape.progress"]
    finally:
        progress.spider_closed(progress.spider, "finished")
    assert progress.bar is None


def test_without_a_terminal_a_progress_line_a_minute(caplog):
    clock = FakeClock(0)
    crawler = fake_crawler({"response_received_count": 0}, waiting=20)
    progress = Progress(crawler, stream=io.StringIO(), clock=clock, log_interval=60)
    assert not progress.live and progress.log_lines
    progress.spider = SimpleNamespace(name="articles")
    progress.last_log = clock()
    with caplog.at_level(logging.INFO, logger="knytscrape.progress"):
        for second in range(1, 181):  # three minutes, one tick a second
            clock.now = second
            crawler.stats.values["response_received_count"] = second // 2
            progress.tick()
    lines = [r.getMessage() for r in caplog.records if r.name == "knytscrape.progress"]
    assert len(lines) == 3
    assert all(line.startswith("progress: articles: ") for line in lines)
    assert lines[0].startswith("progress: articles: 30 of about 50 pages")
    assert "0.5 pages/s" in lines[-1] and "ETA 40 s" in lines[-1]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "knytscrape.progress")


def test_a_log_file_gets_the_minute_lines_beside_the_live_line():
    progress = Progress(fake_crawler({}, LOG_FILE="crawl.log"), stream=Terminal())
    assert progress.live and progress.log_lines
