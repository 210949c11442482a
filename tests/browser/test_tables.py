"""The articles table used in headless Chromium: its search box, a facet, and the CSV download."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from selenium.webdriver.common.by import By

from knytscrape.mirror import load_articles
from tests.browser import truth
from tests.browser.helpers import (
    open_page,
    result_rows,
    row_count_heading,
    shown_row_count,
    submit,
    type_into,
    wait_for_download,
)
from tests.expected import article_row

ARTICLES = "/knytpunkt/articles"


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
    screenshot("results", row_count_heading(driver), at="start")

    rows = result_rows(driver)
    ids = [int(row["id"]) for row in rows]
    assert sorted(ids) == sorted(expected)
    assert {row["title"] for row in rows} == {titles[i] for i in expected}
    assert shown_row_count(driver) == len(expected)


def test_a_year_facet_shows_exactly_that_years_articles(site, driver, screenshot):
    years = truth.articles_by_year()
    year = max(years, key=lambda y: (len(years[y]), y))  # the busiest year, the latest of a tie
    open_page(driver, site.url(ARTICLES))
    facet = driver.find_element(By.CSS_SELECTOR, ".facet-info[data-column='year']")
    link = facet.find_element(By.LINK_TEXT, str(year))
    entry = link.find_element(By.XPATH, "./ancestor::li[1]").text  # "2010 4"
    assert entry.split()[-1] == str(len(years[year])), entry
    screenshot("facet", link)
    submit(driver, link)
    screenshot("rows", row_count_heading(driver), at="start")

    assert f"year={year}" in driver.current_url, driver.current_url
    rows = result_rows(driver)
    assert sorted(int(row["id"]) for row in rows) == sorted(years[year])
    assert all(row["year"] == str(year) and row["published"].startswith(f"{year}-") for row in rows), rows
    assert shown_row_count(driver) == len(years[year])


def test_the_csv_download_holds_every_article(site, driver, screenshot, download_dir):
    articles = load_articles()
    assert any(set("åäöÅÄÖ") & set(a["title"]) for a in articles), "the mirror has Swedish titles"
    open_page(driver, site.url(ARTICLES))
    csv_link = driver.find_element(By.LINK_TEXT, "CSV")
    assert csv_link.is_displayed() and "/knytpunkt/articles.csv" in csv_link.get_attribute("href")

    # The export form under "advanced": download the file, streaming all rows where the page offers it.
    driver.find_element(By.LINK_TEXT, "advanced").click()
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/knytpunkt/articles.csv']")
    for name in ("_dl", "_stream"):
        for checkbox in form.find_elements(By.CSS_SELECTOR, f"input[type='checkbox'][name='{name}']"):
            if not checkbox.is_selected():
                checkbox.click()
    assert form.find_element(By.CSS_SELECTOR, "input[name='_dl']").is_selected()
    screenshot("export-form", form)
    form.find_element(By.CSS_SELECTOR, "[type='submit']").click()
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
