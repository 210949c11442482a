"""When a finished crawl counts as unhealthy, from its stats alone."""

from knytscrape.health import crawl_health

GOOD = {"finish_reason": "finished", "response_received_count": 100, "item_scraped_count": 40,
        "knyt/pages/article": 40, "knyt/coverage/title": 1.0, "knyt/coverage/published": 0.98}


def test_a_good_crawl_is_healthy():
    assert crawl_health("articles", GOOD) == []


def test_each_reason_to_fail():
    assert "interrupted" in crawl_health("articles", {**GOOD, "finish_reason": "shutdown"})[0]
    memory = {**GOOD, "finish_reason": "memusage_exceeded"}
    assert "ended with 'memusage_exceeded'" in crawl_health("articles", memory)[0]
    assert "no page could be fetched" in crawl_health("articles", {**GOOD, "response_received_count": 0})[0]
    assert "unexpected error" in crawl_health("articles", {**GOOD, "spider_exceptions/count": 2})[0]
    missing = {**GOOD, "knyt/missing/open": 3, "knyt/missing/sample": ["http://x/a", "http://x/b"]}
    assert "3 pages still missing after retries" in crawl_health("articles", missing)[0]
    assert "http://x/a, http://x/b …" in crawl_health("articles", missing)[0]
    capped = {**GOOD, "knyt/bounds/gallery_capped": 1, "knyt/bounds/gallery_capped_sample": ["77 (31738)"]}
    assert "KNYT_GALLERY_MAX_VIEWS" in crawl_health("articles", capped)[0]
    assert "template may have changed" in crawl_health("articles", {**GOOD, "knyt/pages/article": 0})[0]
    assert "have a title" in crawl_health("articles", {**GOOD, "knyt/coverage/title": 0.5})[0]
    assert "menu link" in crawl_health("videos", {**GOOD, "knyt/video/menu_link_missing": 1})[0]
    broken = {**GOOD, "knyt/pages/calendar": 5, "item_scraped_count": 0}
    assert "nothing in it could be read" in crawl_health("calendar", broken)[0]


def test_retries_that_worked_are_not_errors():
    assert crawl_health("articles", {**GOOD, "retry/count": 40, "downloader/exception_count": 25,
                                     "log_count/ERROR": 3}) == []


def test_a_database_that_stopped_the_run_is_its_only_reason():
    stats = {**GOOD, "finish_reason": "database_full", "response_received_count": 0, "knyt/db/fatal": "full",
             "knyt/db/fatal_message": "database: the disk holding k.db is full (...)"}
    assert crawl_health("videos", stats) == ["database: the disk holding k.db is full (...)"]


def test_the_summary_names_what_each_zone_rule_kept_out_of_the_text():
    from knytscrape.health import summary

    stats = {**GOOD, "knyt/zone/link-list-tail": 3, "knyt/zone/learned-chrome": 12,
             "knyt/zone/advert-block": 0, "knyt/zone/chrome_learned_from_captures": 200}
    line = next(text for text in summary("articles", stats).splitlines() if "zone rule" in text)
    assert line.endswith("learned-chrome 12, link-list-tail 3")
    assert "zone rule" not in summary("articles", GOOD)


def test_a_section_whose_pages_lost_their_titles_is_unhealthy_and_the_summary_shows_coverage():
    from knytscrape.health import summary

    videos = {"finish_reason": "finished", "response_received_count": 30, "item_scraped_count": 25,
              "knyt/pages/video": 25, "knyt/coverage/videos": 25, "knyt/coverage/videos/title": 0.4,
              "knyt/coverage/videos/embed_url": 0.92}
    assert "only 40% of videos have a title" in crawl_health("videos", videos)[0]
    assert crawl_health("videos", {**videos, "knyt/coverage/videos/title": 1.0}) == []
    assert crawl_health("videos", {**videos, "knyt/coverage/videos": 3}) == []  # too few pages to judge
    assert "fields read: videos/embed_url 92%, videos/title 40%" in summary("videos", videos)


def test_validation_counts_missing_event_and_video_fields_and_their_coverage():
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from knytscrape.items import EventItem, VideoItem
    from knytscrape.pipelines.validation import ValidationPipeline

    stats = MemoryStatsCollector(get_crawler())
    pipeline = ValidationPipeline(stats)
    pipeline.process_item(EventItem(id="a", url="u", title="Vårmarknad", date_raw="x", location="Torget"))
    pipeline.process_item(EventItem(id="b", url="u2", title=None, date_raw="y"))
    pipeline.process_item(EventItem(id="c", url=None, title="Bara i sidans kant", date_raw="z", source="sidebar"))
    pipeline.process_item(VideoItem(id="v", url="v", title="Klipp", published_raw=None, description=None,
                                    embed_url=None, provider=None, provider_id=None))
    pipeline.close_spider()
    values = stats.get_stats()
    assert values["knyt/field/event_title/missing"] == 1 and values["knyt/field/event_starts_at/missing"] == 2
    assert values["knyt/coverage/events"] == 2 and values["knyt/coverage/events/location"] == 0.5
    assert values["knyt/coverage/videos/title"] == 1.0 and values["knyt/coverage/videos/embed_url"] == 0.0
