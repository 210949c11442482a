"""What a browser test does with a page: open it, submit a form, read what it shows, wait for a download."""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 20
# The home page's search box: the archive's search page.
SEARCH_PATH = "/-/sok"
SEARCH_FORM = f"form[action$='{SEARCH_PATH}']"
# A hit's table (data-table on the search page) -> the kind truth.search_hits counts it as.
KIND_OF_TABLE = {"articles": "article", "comments": "comment", "images": "image", "videos": "video",
                 "events": "event"}


def wait(driver, condition, timeout: float = TIMEOUT, message: str = ""):
    return WebDriverWait(driver, timeout).until(condition, message)


def page_loaded(driver) -> bool:
    return driver.execute_script("return document.readyState") == "complete"


def open_page(driver, url: str) -> None:
    driver.get(url)
    wait(driver, page_loaded, message=f"{url} did not load")


def submit(driver, element) -> None:
    """Press Enter in a text box, or click a button or link, and wait until the next page has loaded."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    if element.tag_name == "input" and element.get_attribute("type") in ("text", "search"):
        element.send_keys(Keys.ENTER)
    else:
        element.click()
    wait(driver, EC.staleness_of(old_page), message="the page did not change")
    wait(driver, page_loaded, message="the next page did not load")


def follow_link(driver, css: str, href: str, attempts: int = 3) -> None:
    """Click the link matching `css` whose address is `href`, and wait for the page it opens.

    The link is looked up afresh on each attempt: an element found before the page settled can belong to
    a document the browser has since replaced (seen under load), and clicking it raises a stale-element error.
    """
    for attempt in range(attempts):
        try:
            link = wait(driver, lambda d: next((a for a in d.find_elements(By.CSS_SELECTOR, css)
                                                if a.get_attribute("href") == href), False),
                        message=f"no link {css} to {href}")
            submit(driver, link)
            return
        except StaleElementReferenceException:
            if attempt == attempts - 1:
                raise


def type_into(element, text: str) -> None:
    element.clear()
    element.send_keys(text)
    assert element.get_attribute("value") == text, "the text box does not show what was typed"


def visible_text(driver) -> str:
    """The page's text as a person sees it (rendered, hidden parts left out)."""
    return driver.find_element(By.TAG_NAME, "body").text


def result_rows(driver) -> list[dict[str, str]]:
    """The visible rows of the page's result table: {column: text of the cell}, by Datasette's col-* classes.
    On the search page, its hits (search_results)."""
    if not driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns") and driver.find_elements(
            By.CSS_SELECTOR, "ol.knyt-hits"):
        return search_results(driver)
    rows = []
    for tr in driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr"):
        if not tr.is_displayed():
            continue
        row = {}
        for td in tr.find_elements(By.TAG_NAME, "td"):
            column = next((c[4:] for c in (td.get_attribute("class") or "").split() if c.startswith("col-")), None)
            if column:
                row[column] = td.text
        rows.append(row)
    return rows


ROW_COUNT = re.compile(r"\b([\d\s,]+) rader\b|\b(1) rad\b")


def row_count_heading(driver):
    """The heading that says how many rows the page shows ("4 rader där year = 2010"), or None."""
    for heading in driver.find_elements(By.CSS_SELECTOR, "h3.knyt-row-count, h2, h3"):
        if heading.is_displayed() and (heading.get_attribute("data-rows") or ROW_COUNT.search(heading.text)):
            return heading
    return None


def shown_row_count(driver) -> int | None:
    """The row count the page prints in a heading above its table (None if it prints none); the table page's
    heading carries it as data-rows too, the number as printed ("1 234 rader") otherwise."""
    heading = row_count_heading(driver)
    if heading is None:
        return None
    if heading.get_attribute("data-rows"):
        return int(heading.get_attribute("data-rows"))
    match = ROW_COUNT.search(heading.text)
    return int(re.sub(r"[\s,]", "", match.group(1) or match.group(2)))


def results(driver):
    """Where the results are: the result table or the search page's hits, else the row count heading, else
    the page."""
    tables = driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns, ol.knyt-hits")
    return tables[0] if tables else row_count_heading(driver) or driver.find_element(By.TAG_NAME, "body")


def wait_for_download(folder: Path, pattern: str, timeout: float = TIMEOUT) -> Path:
    """The one finished file matching ``pattern`` in ``folder`` (Chromium writes *.crdownload until done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = sorted(folder.glob(pattern))
        if done and not list(folder.glob("*.crdownload")):
            size = done[0].stat().st_size
            time.sleep(0.2)
            if done[0].stat().st_size == size:
                assert len(done) == 1, f"more than one download: {done}"
                return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {pattern} downloaded into {folder} within {timeout} s: {sorted(os.listdir(folder))}")


def home_search(driver, site, query: str, screenshot=None) -> None:
    """Type ``query`` into the home page's search box and click its button: the search page opens."""
    open_page(driver, site.url("/"))
    form = driver.find_element(By.CSS_SELECTOR, SEARCH_FORM)
    box = form.find_element(By.CSS_SELECTOR, "input[name='q']")
    type_into(box, query)
    if screenshot:
        screenshot(f"typed-{query}", form)
    submit(driver, form.find_element(By.CSS_SELECTOR, "[type='submit']"))
    assert SEARCH_PATH in driver.current_url, driver.current_url


def search_results(driver) -> list[dict]:
    """The hits of the search page as a person sees them, in order: ``kind`` (as truth.search_hits names it,
    from the hit's table), ``label`` (the kind shown: artikel, kommentar ...), ``article_id``, ``title``,
    ``href`` (the title's link), ``date`` and the rest of the line under it (``meta``), ``text`` (the
    snippet) and ``marked`` (the words marked in the hit)."""
    hits = []
    for li in driver.find_elements(By.CSS_SELECTOR, "ol.knyt-hits > li"):
        if not li.is_displayed():
            continue
        title = li.find_element(By.CSS_SELECTOR, "a.knyt-hit-title")
        snippets = li.find_elements(By.CSS_SELECTOR, ".knyt-snippet")
        times = li.find_elements(By.CSS_SELECTOR, ".knyt-hit-meta time")
        hits.append({
            "kind": KIND_OF_TABLE[li.get_attribute("data-table")],
            "label": li.find_element(By.CSS_SELECTOR, ".knyt-kind").text,
            "article_id": li.get_attribute("data-article-id") or "",
            "title": title.text,
            "href": title.get_attribute("href"),
            "date": times[0].text if times else "",
            "meta": li.find_element(By.CSS_SELECTOR, ".knyt-hit-meta").text,
            "text": snippets[0].text if snippets else "",
            "marked": [mark.text for mark in li.find_elements(By.TAG_NAME, "mark")],
        })
    return hits


def hit_keys(rows: list[dict]) -> Counter:
    """What truth.search_hits counts, read off the hits a person sees."""
    keys = Counter()
    for row in rows:
        kind = row["kind"]
        keys[kind, row["article_id"] if kind in ("article", "comment", "image") else row["title"]] += 1
    return keys
