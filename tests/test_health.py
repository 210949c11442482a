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
