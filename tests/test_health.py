"""When a finished crawl counts as unhealthy, from its stats alone."""

from knytscrape.health import crawl_health

GOOD = {"finish_reason": "finished", "response_received_count": 100, "item_scraped_count": 40,
        "knyt/pages/article": 40, "knyt/coverage/title": 1.0, "knyt/coverage/published": 0.98}


def test_a_good_crawl_is_healthy():
    assert crawl_health("articles", GOOD) == []


def test_each_reason_to_fail():
    assert "ended with 'shutdown'" in crawl_health("articles", {**GOOD, "finish_reason": "shutdown"})[0]
    assert "no page could be fetched" in crawl_health("articles", {**GOOD, "response_received_count": 0})[0]
    assert "errors" in crawl_health("articles", {**GOOD, "log_count/ERROR": 30})[0]
    assert "template may have changed" in crawl_health("articles", {**GOOD, "knyt/pages/article": 0})[0]
    assert "have a title" in crawl_health("articles", {**GOOD, "knyt/coverage/title": 0.5})[0]
    assert "menu link" in crawl_health("videos", {**GOOD, "knyt/video/menu_link_missing": 1})[0]
    broken = {**GOOD, "knyt/pages/calendar": 5, "item_scraped_count": 0}
    assert "nothing in it could be read" in crawl_health("calendar", broken)[0]
