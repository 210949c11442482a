"""The table pages used in headless Chromium: the rows in the first screen, long text cut with a link to the
whole, the search box, the year facet in year order, the CSV download, Swedish labels."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from selenium.webdriver.common.by import By

from knytscrape.datasette_plugin import CELL_TEXT_LIMIT
from knytscrape.mirror import load_articles
from tests.browser import truth
from tests.browser.helpers import (
    open_page,
    result_rows,
    submit,
    type_into,
    visible_text,
    wait_for_download,
)
from tests.expected import article_row

ARTICLES = "/knytpunkt/articles"
FIRST_SCREEN = (1280, 2000)  # a laptop's window, as the issue measured it
CONTENT_TABLES = ("articles", "comments", "images", "videos", "events")
# What Datasette's own table page says in English; none of it may be left on the archive's.
ENGLISH = ("This data as", "Advanced export", "Apply", "Next page", "Suggested facets", "Data source",
           "View and edit SQL", "sorted by", " rows", "JSON shape", "CSV options", "Export CSV")


def row_count_line(driver):
    """The line above the rows that says how many there are ("4 rader där year = 2010, ...")."""
    return driver.find_element(By.CSS_SELECTOR, "h3.knyt-row-count")


def shown_row_count(driver) -> int:
    line = row_count_line(driver)
    count = int(line.get_attribute("data-rows"))
    assert line.text.startswith(f"{count} rad"), line.text  # 1 rad, 4 rader: what a person reads
    return count


@pytest.mark.parametrize("table", CONTENT_TABLES)
def test_the_rows_are_in_the_first_screen(site, driver, screenshot, table):
    driver.set_window_size(*FIRST_SCREEN)
    open_page(driver, site.url(f"/knytpunkt/{table}"))
    screenshot("first-screen")
    height = driver.execute_script("return window.innerHeight")
    rows = [tr for tr in driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
            if tr.is_displayed()]
    assert rows, f"{table}: no rows"
    tops = [tr.rect["y"] for tr in rows]
    first = rows[0].rect
    assert first["y"] + first["height"] <= height, f"{table}: the first row ends at {first} below {height}"
    assert sum(top < height for top in tops) >= min(3, len(rows)), f"{table}: fewer than 3 rows in {height} px"
    assert row_count_line(driver).rect["y"] < first["y"], "the count line is above the rows"

    # The column descriptions are one click away, folded.
    details = driver.find_element(By.CSS_SELECTOR, "details.knyt-column-descriptions")
    descriptions = details.find_element(By.CSS_SELECTOR, "dl.column-descriptions")
    assert not descriptions.is_displayed()
    details.find_element(By.TAG_NAME, "summary").click()
    assert descriptions.is_displayed() and descriptions.find_elements(By.TAG_NAME, "dt")
    screenshot("column-descriptions", details, at="start")

    # Facets are small boxes: none taller than a few lines.
    for box in driver.find_elements(By.CSS_SELECTOR, ".knyt-facets .facet-info"):
        assert box.rect["height"] <= 200, f"{table}: facet {box.get_attribute('data-column')} is {box.rect} tall"

    text = visible_text(driver)
    english = [word for word in ENGLISH if word in text]
    assert english == [], f"{table}: English on the page: {english}"
    for label in ("rader", "Sök:", "Ladda ner", "fler val", "Kolumnernas beskrivning"):
        assert label in text, f"{table}: {label!r} not shown"


PHONE = (390, 844)  # a phone held upright
# The cells of the page's table that end past the screen's right edge (their class names).
CELLS_PAST_THE_EDGE = """
const edge = document.documentElement.clientWidth;
return [...document.querySelectorAll('table.rows-and-columns td')]
    .filter(td => td.getBoundingClientRect().right > edge + 0.5).map(td => td.className);
"""


@pytest.mark.parametrize("path", [f"/knytpunkt/{table}" for table in CONTENT_TABLES]
                         + ["/knytpunkt/search_everything?q=budget"])
def test_on_a_phone_every_cell_and_the_sql_stay_on_the_screen(site, driver, screenshot, path):
    """On a phone Datasette shows each row as a card of its cells; the width tables.css gives a text cell on a
    wide screen pushed its words past the screen's edge, cut off, and a canned query's SQL widened the page."""
    driver.set_window_size(*PHONE)
    open_page(driver, site.url(path))
    screenshot("phone")
    width = driver.execute_script("return document.documentElement.clientWidth")
    assert width <= PHONE[0]
    cells = driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td")
    assert cells, f"{path}: no cells"
    assert cells[0].value_of_css_property("display") == "block", "the phone's layout: a row is a card"
    assert driver.execute_script(CELLS_PAST_THE_EDGE) == [], f"{path}: cells past the screen's edge"
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways"


def test_long_text_is_cut_and_the_whole_is_one_click_away(site, driver, screenshot):
    driver.set_window_size(*FIRST_SCREEN)
    longest = max(load_articles(), key=lambda a: len(article_row(a)["body"] or ""))
    body = article_row(longest)["body"]
    assert len(body) > CELL_TEXT_LIMIT * 1.5, "the mirror has an article longer than a cell shows"
    open_page(driver, site.url(f"{ARTICLES}?id={longest['id']}"))
    cell = driver.find_element(By.CSS_SELECTOR, "td.col-body")
    shown = cell.find_element(By.CSS_SELECTOR, ".knyt-excerpt").text
    screenshot("cut", cell)
    assert shown.endswith("…") and len(shown) <= CELL_TEXT_LIMIT + 1, shown
    assert " ".join(body.split()).startswith(shown[:-1])
    assert body.split("\n\n")[-1] not in cell.text, "the end of the article is not in the cell"

    submit(driver, cell.find_element(By.LINK_TEXT, "hela texten"))
    assert driver.current_url.endswith(f"/knytpunkt/articles/{longest['id']}"), driver.current_url
    screenshot("whole")
    assert longest["body"][-1] in visible_text(driver), "the reading page shows the article to its end"


def test_the_column_menu_speaks_swedish(site, driver, screenshot):
    open_page(driver, site.url(ARTICLES))
    driver.find_element(By.CSS_SELECTOR, "th.col-lead .dropdown-menu-icon").click()
    menu = driver.find_element(By.CSS_SELECTOR, "body > .dropdown-menu")
    screenshot("menu", menu)
    shown = [a.text for a in menu.find_elements(By.TAG_NAME, "a") if a.is_displayed()]
    assert shown[:2] == ["sortera stigande", "sortera fallande"] and "gör ett urval av kolumnen" in shown, shown
    assert menu.find_element(By.CSS_SELECTOR, ".dropdown-column-type").text.startswith("Typ: ")


@pytest.mark.parametrize("query", ["park", "järntorget"])
def test_the_table_search_box_finds_the_articles(site, driver, screenshot, query):
    expected = truth.article_hits(query)
    assert expected, f"the mirror has no article about {query!r}"
    titles = {a["id"]: a["title"] for a in load_articles()}
    open_page(driver, site.url(ARTICLES))
    box = driver.find_element(By.CSS_SELECTOR, "input[name='_search']")
    assert box.is_displayed()
    type_into(box, query)
    screenshot("typed", box)
    submit(driver, box)
    screenshot("results", row_count_line(driver), at="start")

    rows = result_rows(driver)
    ids = [int(row["id"]) for row in rows]
    assert sorted(ids) == sorted(expected)
    assert {row["title"] for row in rows} == {titles[i] for i in expected}
    assert shown_row_count(driver) == len(expected)
    assert f"som matchar sökningen ”{query}”" in row_count_line(driver).text


def test_a_year_facet_shows_exactly_that_years_articles(site, driver, screenshot):
    years = truth.articles_by_year()
    year = max(years, key=lambda y: (len(years[y]), y))  # the busiest year, the latest of a tie
    open_page(driver, site.url(ARTICLES))
    facet = driver.find_element(By.CSS_SELECTOR, ".facet-info[data-column='year']")
    assert facet.find_element(By.CSS_SELECTOR, ".facet-info-name").text.split()[0] == "år"
    listed = [int(a.get_attribute("textContent")) for a in facet.find_elements(By.CSS_SELECTOR, "li a")]
    assert listed == sorted(years, reverse=True), "every year, newest first"
    link = facet.find_element(By.XPATH, f".//li/a[normalize-space(.)='{year}']")
    entry = link.find_element(By.XPATH, "./ancestor::li[1]").text  # "2010 4"
    assert entry.split()[-1] == str(len(years[year])), entry
    screenshot("facet", link)
    submit(driver, link)
    screenshot("rows", row_count_line(driver), at="start")

    assert f"year={year}" in driver.current_url, driver.current_url
    rows = result_rows(driver)
    assert sorted(int(row["id"]) for row in rows) == sorted(years[year])
    assert all(row["year"] == str(year) and row["published"].startswith(f"{year}-") for row in rows), rows
    assert shown_row_count(driver) == len(years[year])
    assert f"där year = {year}" in row_count_line(driver).text


def test_the_csv_download_holds_every_article(site, driver, screenshot, download_dir):
    articles = load_articles()
    assert any(set("åäöÅÄÖ") & set(a["title"]) for a in articles), "the mirror has Swedish titles"
    open_page(driver, site.url(ARTICLES))
    csv_link = driver.find_element(By.LINK_TEXT, "CSV")
    assert csv_link.is_displayed() and "/knytpunkt/articles.csv" in csv_link.get_attribute("href")

    # The export form under "fler val": download the file, streaming all rows where the page offers it.
    driver.find_element(By.LINK_TEXT, "fler val").click()
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/knytpunkt/articles.csv']")
    for name in ("_dl", "_stream"):
        for checkbox in form.find_elements(By.CSS_SELECTOR, f"input[type='checkbox'][name='{name}']"):
            if not checkbox.is_selected():
                checkbox.click()
    assert form.find_element(By.CSS_SELECTOR, "input[name='_dl']").is_selected()
    screenshot("export-form", form)
    button = form.find_element(By.CSS_SELECTOR, "[type='submit']")
    assert button.get_attribute("value") == "Ladda ner CSV"
    button.click()
    downloaded = wait_for_download(download_dir, "*.csv")

    text = downloaded.read_bytes().decode("utf-8")  # strict: a broken å, ä or ö fails here
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    counts = Counter(int(row["id"]) for row in rows)
    assert [i for i, n in counts.items() if n > 1] == []
    assert sorted(counts) == sorted(a["id"] for a in articles)
    by_id = {int(row["id"]): row for row in rows}
    fields = ("title", "published", "lead", "body", "credit", "image_count", "comment_count")
    for article in articles:
        want = article_row(article)
        got = by_id[article["id"]]
        for field in fields:
            value = "" if want[field] is None else str(want[field])
            assert got[field] == value, f"article {article['id']} {field}: {got[field]!r} != {value!r}"
    assert any(len(row["body"]) > CELL_TEXT_LIMIT for row in rows), "the texts the table page cuts come whole"
