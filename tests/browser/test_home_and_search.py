"""The home page and its one search box across the archive, used in headless Chromium."""

from __future__ import annotations

import feedparser
import icalendar
from selenium.webdriver.common.by import By

from knytscrape.mirror import load_articles, load_events
from tests import servers
from tests.browser import truth
from tests.browser.helpers import (
    SEARCH_FORM,
    hit_keys,
    home_search,
    open_page,
    result_rows,
    results,
    submit,
    type_into,
    visible_text,
)

TITLE = "Knytpunkt – arkivet"


def fetch(url: str) -> tuple[str, bytes]:
    status, content_type, body = servers.fetch(url)
    assert status == 200, url
    return content_type, body


def test_home_page_shows_the_title_the_search_box_and_the_feeds(site, driver, screenshot):
    open_page(driver, site.url("/"))
    screenshot("home")
    headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h1") if h.is_displayed()]
    assert TITLE in headings, headings
    assert TITLE in driver.title

    form = driver.find_element(By.CSS_SELECTOR, SEARCH_FORM)
    box = form.find_element(By.CSS_SELECTOR, "input[name='q']")
    button = form.find_element(By.CSS_SELECTOR, "[type='submit']")
    assert box.is_displayed() and box.is_enabled() and button.is_displayed()

    atom = driver.find_element(By.CSS_SELECTOR, "a[href$='/-/feeds/latest.atom']")
    ics = driver.find_element(By.CSS_SELECTOR, "a[href$='/-/feeds/events.ics']")
    for link in (atom, ics):
        assert link.is_displayed() and link.text.strip(), link.get_attribute("outerHTML")
        assert link.get_attribute("href").startswith(site.base_url), link.get_attribute("href")
    screenshot("feeds", ics)

    # Following the links: a calendar application and a feed reader get what they expect.
    content_type, body = fetch(ics.get_attribute("href"))
    assert content_type.startswith("text/calendar"), content_type
    calendar = icalendar.Calendar.from_ical(body)
    summaries = sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))
    assert summaries == sorted(e["title"] for e in load_events() if e["starts_at"])

    content_type, body = fetch(atom.get_attribute("href"))
    assert content_type.startswith("application/atom+xml"), content_type
    newest = max((a for a in load_articles() if a["published"]), key=lambda a: (a["published"], a["id"]))
    assert newest["title"] in [entry.title for entry in feedparser.parse(body).entries]


def test_searching_in_swedish_finds_every_word_form(site, driver, screenshot):
    query = "budget"
    expected = truth.search_hits(query)
    assert expected, f"the mirror has nothing about {query!r}"
    home_search(driver, site, query, screenshot)
    screenshot("results", results(driver), at="start")

    rows = result_rows(driver)
    assert hit_keys(rows) == expected
    # What a person reads in the results: the word in other forms than the one typed (budgeten, budgetförslaget).
    shown = truth.forms(query, *(row.get("title") for row in rows), *(row.get("text") for row in rows))
    assert shown - {query}, f"only {shown} shown"
    assert query in driver.find_element(By.CSS_SELECTOR, "input[name='q']").get_attribute("value")


def test_searching_keeps_o_umlaut_apart_from_o(site, driver, screenshot):
    with_umlaut, without = truth.search_hits("örebro"), truth.search_hits("orebro")
    assert with_umlaut, "the mirror mentions Örebro"
    assert set(with_umlaut) != set(without)

    home_search(driver, site, "Örebro", screenshot)
    screenshot("results-orebro-umlaut", results(driver), at="start")
    assert hit_keys(result_rows(driver)) == with_umlaut
    assert "Örebro" in visible_text(driver)

    # Again from the results page's own box, without the dots.
    box = driver.find_element(By.CSS_SELECTOR, "input[name='q']")
    type_into(box, "Orebro")
    submit(driver, box)
    screenshot("results-orebro-plain", driver.find_element(By.CSS_SELECTOR, "input[name='q']"))
    assert driver.find_element(By.CSS_SELECTOR, "input[name='q']").get_attribute("value") == "Orebro"
    assert hit_keys(result_rows(driver)) == without
