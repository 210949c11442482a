"""The home page and its one search box across the archive, used in headless Chromium."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, unquote, urlsplit

import feedparser
import icalendar
from selenium.webdriver.common.by import By

from knytscrape.clock import today
from knytscrape.mirror import load_articles, load_events, load_videos
from tests import servers
from tests.browser import truth
from tests.browser.helpers import (
    SEARCH_FORM,
    SEARCH_PATH,
    follow_link,
    hit_keys,
    home_search,
    open_page,
    result_rows,
    results,
    search_results,
    submit,
    type_into,
    visible_text,
)

TITLE = "Knytpunkt – arkivet"
NEWEST = 6  # the newest articles the home page shows


def fetch(url: str) -> tuple[str, bytes]:
    status, content_type, body = servers.fetch(url)
    assert status == 200, url
    return content_type, body


def in_view(driver, element) -> bool:
    """Whether the element is in the window (a link to an anchor scrolls the page to it)."""
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight;", element)


def picture_shown(driver, image) -> bool:
    return driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", image)


def test_home_page_shows_the_title_the_search_box_and_the_feeds(site, driver, screenshot):
    open_page(driver, site.url("/"))
    screenshot("home")
    headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h1") if h.is_displayed()]
    assert TITLE in headings, headings
    assert TITLE in driver.title
    assert "Johan Gullberg" in visible_text(driver)  # the credits to the site's author

    form = driver.find_element(By.CSS_SELECTOR, SEARCH_FORM)
    box = form.find_element(By.CSS_SELECTOR, "input[name='q']")
    button = form.find_element(By.CSS_SELECTOR, "[type='submit']")
    assert box.is_displayed() and box.is_enabled() and button.is_displayed() and button.text == "Sök"
    assert "Sök i hela arkivet" in form.text

    atom = driver.find_element(By.CSS_SELECTOR, "a[href$='/-/feeds/latest.atom']")
    ics = driver.find_element(By.CSS_SELECTOR, "a[href$='/-/feeds/events.ics']")
    for link in (atom, ics):
        assert link.is_displayed() and link.text.strip(), link.get_attribute("outerHTML")
        assert link.get_attribute("href").startswith(site.base_url), link.get_attribute("href")
    screenshot("feeds", driver.find_element(By.CSS_SELECTOR, "section.knyt-browse"))

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


def test_home_page_shows_the_newest_articles_and_the_coming_events(site, driver, screenshot):
    open_page(driver, site.url("/"))
    newest = sorted((a for a in load_articles() if a["published"]), key=lambda a: (a["published"], a["id"]),
                    reverse=True)[:NEWEST]
    section = driver.find_element(By.CSS_SELECTOR, "section.knyt-newest")
    screenshot("newest", section, at="start")
    assert section.find_element(By.TAG_NAME, "h2").text == "Senaste artiklarna"
    cards = section.find_elements(By.CSS_SELECTOR, "article.knyt-card")
    assert [card.find_element(By.TAG_NAME, "h3").text for card in cards] == [a["title"] for a in newest]
    assert [card.find_element(By.TAG_NAME, "time").text for card in cards] == [
        truth.swedish_date(a["published"]) for a in newest]
    for card, article in zip(cards, newest, strict=True):
        link = card.find_element(By.CSS_SELECTOR, "h3 a")
        assert urlsplit(link.get_attribute("href")).path == f"/knytpunkt/articles/{article['id']}"
        lead = card.find_element(By.CSS_SELECTOR, ".knyt-card-lead").text
        assert article["lead"].startswith(lead.removesuffix("…")), (lead, article["lead"])
        # A picture where the article has one, and it is seen (it loaded).
        pictures = card.find_elements(By.TAG_NAME, "img")
        has_picture = bool(article["lead_image"] or article["images"])
        assert bool(pictures) == has_picture, article["id"]
        for picture in pictures:
            assert picture.is_displayed() and picture_shown(driver, picture), picture.get_attribute("src")

    day = today().isoformat()
    coming = sorted((e for e in load_events() if e["starts_at"] and (e["ends_at"] or e["starts_at"]) >= day),
                    key=lambda e: e["starts_at"])[:6]
    section = driver.find_element(By.CSS_SELECTOR, "section.knyt-coming")
    screenshot("coming-events", section, at="start")
    assert section.find_element(By.TAG_NAME, "h2").text == "Kommande evenemang"
    items = section.find_elements(By.CSS_SELECTOR, "li")
    assert [item.find_element(By.TAG_NAME, "a").text for item in items] == [e["title"] for e in coming]
    assert [item.find_element(By.TAG_NAME, "time").text for item in items] == [
        truth.swedish_span(e["starts_at"], e["ends_at"], e["all_day"]) for e in coming]
    for item, event in zip(items, coming, strict=True):
        if event["location"]:
            assert f"plats: {event['location']}" in item.text
    if not coming:
        assert "Inga kommande evenemang" in section.text
    else:  # the event's own page, by its link
        submit(driver, items[0].find_element(By.TAG_NAME, "a"))
        assert "/knytpunkt/events/" in driver.current_url
        assert coming[0]["title"] in visible_text(driver)


def test_home_page_draws_articles_and_comments_per_year(site, driver, screenshot):
    articles = Counter(int(a["published"][:4]) for a in load_articles() if a["published"])
    comments = Counter(int(c["posted"][:4]) for a in load_articles() for c in a["comments"] or [] if c["posted"])
    open_page(driver, site.url("/"))
    chart = driver.find_element(By.CSS_SELECTOR, "section.knyt-chart")
    screenshot("chart", chart)
    assert chart.find_element(By.TAG_NAME, "h2").text == "Artiklar och kommentarer per år"
    svg = chart.find_element(By.CSS_SELECTOR, "svg.knyt-year-chart")
    assert svg.is_displayed() and svg.size["width"] > 500 and svg.size["height"] > 150, svg.size
    shown = {"articles": Counter(), "comments": Counter()}
    for bar in svg.find_elements(By.CSS_SELECTOR, "rect.knyt-bar"):
        series = "articles" if "knyt-bar-articles" in bar.get_attribute("class") else "comments"
        year, count = int(bar.get_attribute("data-year")), int(bar.get_attribute("data-count"))
        shown[series][year] = count
        word = {"articles": "artikel" if count == 1 else "artiklar",
                "comments": "kommentar" if count == 1 else "kommentarer"}[series]
        assert bar.find_element(By.TAG_NAME, "title").get_attribute("textContent") == f"{year}: {count} {word}"
    assert shown == {"articles": articles, "comments": comments}
    # The numbers can be read on the bars, and the years under them.
    numbers = [text.text for text in svg.find_elements(By.CSS_SELECTOR, "text.knyt-bar-number")]
    assert sorted(numbers) == sorted(str(n) for n in [*articles.values(), *comments.values()])
    labels = {text.text for text in svg.find_elements(By.CSS_SELECTOR, "text.knyt-axis")}
    assert {str(min(articles)), str(max(articles))} <= labels
    # What has no date the chart could place is said beside it, not dropped in silence.
    undated = (sum(1 for a in load_articles() if not a["published"]),
               sum(1 for a in load_articles() for c in a["comments"] or [] if not c["posted"]))
    assert undated == (1, 2), "the mirror has one article and two comments without a readable date"
    assert "1 artikel och 2 kommentarer" in chart.find_element(By.CSS_SELECTOR, ".knyt-undated").text
    # A bar opens that year's articles.
    year = max(articles, key=lambda y: (articles[y], y))
    bar = svg.find_element(By.CSS_SELECTOR, f"rect.knyt-bar-articles[data-year='{year}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", bar)
    submit(driver, bar)
    assert parse_qs(urlsplit(driver.current_url).query) == {"published__startswith": [str(year)]}
    screenshot("chart-year", results(driver), at="start")
    page = visible_text(driver)
    assert all(a["title"] in page for a in load_articles() if (a["published"] or "").startswith(str(year)))


def test_searching_in_swedish_finds_every_word_form(site, driver, screenshot):
    query = "budget"
    expected = truth.search_hits(query)
    assert expected, f"the mirror has nothing about {query!r}"
    home_search(driver, site, query, screenshot)
    screenshot("results")  # the top of the page: the box, the count, the kinds, the first hits

    rows = search_results(driver)
    assert hit_keys(rows) == expected
    assert f"{sum(expected.values())} träffar" in driver.find_element(By.CSS_SELECTOR, ".knyt-summary").text
    # What a person reads: the word marked where it is found, in other forms than the one typed too.
    marked = {word.lower() for row in rows for word in row["marked"]}
    assert marked and all(word.startswith(query) for word in marked), marked
    assert marked - {query}, f"only {marked} marked"
    assert all(row["marked"] for row in rows), [row for row in rows if not row["marked"]]
    assert query in driver.find_element(By.CSS_SELECTOR, "input[name='q']").get_attribute("value")


def test_every_kind_of_hit_leads_to_where_it_is_read(site, driver, screenshot):
    query = "cykel"
    expected = truth.search_hits(query)
    assert {kind for kind, _ in expected} == {"article", "comment", "image", "video", "event"}, expected
    home_search(driver, site, query)
    rows = search_results(driver)
    assert hit_keys(rows) == expected
    screenshot("hits", results(driver), at="start")
    first = {}
    for row in rows:
        first.setdefault(row["kind"], row)
    assert {kind: row["label"] for kind, row in first.items()} == {
        "article": "ARTIKEL", "comment": "KOMMENTAR", "image": "BILD", "video": "VIDEO", "event": "EVENEMANG"}
    titles = {a["id"]: a["title"] for a in load_articles()}
    videos = {v["title"]: v for v in load_videos()}
    events = {e["title"]: e for e in load_events()}

    for kind, row in first.items():
        # A comment's and a picture's title is its article's; the date is in Swedish.
        if kind in ("article", "comment", "image"):
            assert row["title"] == titles[int(row["article_id"])], row
        if kind == "video":
            assert row["date"] == truth.swedish_date(videos[row["title"]]["published"])
        if kind == "event":
            event = events[row["title"]]
            assert row["date"] == truth.swedish_span(event["starts_at"], event["ends_at"], event["all_day"])
        open_page(driver, site.url(f"{SEARCH_PATH}?q={query}"))
        follow_link(driver, "a.knyt-hit-title", row["href"])
        address = urlsplit(driver.current_url)
        screenshot(f"opened-{kind}")
        heading = driver.find_element(By.TAG_NAME, "h1").text
        if kind in ("article", "comment", "image"):
            assert address.path == f"/knytpunkt/articles/{row['article_id']}", driver.current_url
            assert heading == row["title"]
        if kind in ("comment", "image"):  # at the comment or the picture, which mentions the word
            anchor = unquote(address.fragment)
            assert anchor.startswith("comment-" if kind == "comment" else "image-"), driver.current_url
            target = driver.find_element(By.ID, anchor)
            assert target.is_displayed() and in_view(driver, target), anchor
            assert query in target.text.lower(), target.text
        if kind == "video":
            assert address.path.startswith("/knytpunkt/videos/") and heading == row["title"]
        if kind == "event":
            assert address.path.startswith("/knytpunkt/events/") and heading == row["title"]


def test_the_sql_is_one_click_away(site, driver, screenshot):
    query = "cykel"
    home_search(driver, site, query)
    hits = search_results(driver)
    link = driver.find_element(By.CSS_SELECTOR, "a.knyt-sql")
    assert link.text == "visa SQL"
    submit(driver, link)
    address = urlsplit(driver.current_url)
    assert address.path == "/knytpunkt/search_everything" and parse_qs(address.query) == {"q": [query]}
    screenshot("canned-query", results(driver), at="start")
    rows = result_rows(driver)
    # The same hits in the same order, each with its kind, its real title and where it is read.
    assert [(row["kind"], row["title"]) for row in rows] == [(hit["label"].lower(), hit["title"]) for hit in hits]
    assert [site.url("/knytpunkt/" + row["link"]) for row in rows] == [hit["href"] for hit in hits]


def test_searching_keeps_o_umlaut_apart_from_o(site, driver, screenshot):
    with_umlaut, without = truth.search_hits("örebro"), truth.search_hits("orebro")
    assert with_umlaut, "the mirror mentions Örebro"
    assert set(with_umlaut) != set(without)

    home_search(driver, site, "Örebro", screenshot)
    screenshot("results-orebro-umlaut", results(driver), at="start")
    assert hit_keys(search_results(driver)) == with_umlaut
    assert "Örebro" in visible_text(driver)

    # Again from the results page's own box, without the dots.
    box = driver.find_element(By.CSS_SELECTOR, "input[name='q']")
    type_into(box, "Orebro")
    submit(driver, box)
    screenshot("results-orebro-plain", driver.find_element(By.CSS_SELECTOR, "input[name='q']"))
    assert driver.find_element(By.CSS_SELECTOR, "input[name='q']").get_attribute("value") == "Orebro"
    assert hit_keys(search_results(driver)) == without
    if not without:
        assert "Inga träffar för ”Orebro”" in visible_text(driver)


def test_nothing_typed_or_nothing_found_is_said_in_swedish(site, driver, screenshot):
    home_search(driver, site, "")
    screenshot("empty")
    assert "Skriv ett eller flera ord" in visible_text(driver) and not search_results(driver)
    box = driver.find_element(By.CSS_SELECTOR, "input[name='q']")
    type_into(box, '"budget* OR')
    submit(driver, box)
    screenshot("malformed")
    assert driver.find_element(By.CSS_SELECTOR, "h1").text == "Sök i hela arkivet"
    assert "Inga träffar" in visible_text(driver) or search_results(driver)
