"""A reader comment that reads ``<script>…</script>`` is shown as those characters and runs nothing."""

from __future__ import annotations

import re

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from tests.browser import truth
from tests.browser.helpers import hit_keys, home_search, open_page, result_rows, results, submit, visible_text

# Installed in every page before its own scripts: a dialog the page opens is recorded, not shown.
DIALOG_RECORDER = """
window.__knytDialogs = [];
for (const name of ["alert", "confirm", "prompt"]) {
    window[name] = (message) => { window.__knytDialogs.push(name + ": " + message); };
}
"""


@pytest.fixture
def script_comment():
    found = truth.script_comments()
    assert found, "the mirror has a comment that reads <script>"
    article_id, comment = found[0]
    payload = re.search(r"<script[^>]*>(.*?)</script>", comment["text"], re.S | re.I).group(1)
    assert payload.strip(), comment["text"]
    return article_id, comment, payload


def assert_shown_and_inert(driver, text: str, payload: str) -> None:
    assert text in visible_text(driver), "the comment is not visible as text"
    scripts = driver.execute_script("return Array.from(document.scripts).map(s => s.textContent)")
    assert not [s for s in scripts if payload in s], "the comment's script is an element of the page"
    dialogs = driver.execute_script("return window.__knytDialogs")
    assert dialogs is not None, "the dialog recorder is not installed"
    assert dialogs == [], "the page opened a dialog: a script ran"
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert


def test_a_script_comment_is_text_in_tables_row_pages_and_search(site, driver, screenshot, script_comment):
    article_id, comment, payload = script_comment
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DIALOG_RECORDER})

    # The comments table, filtered to the article's comments.
    open_page(driver, site.url(f"/knytpunkt/comments?article_id={article_id}"))
    cells = [td for td in driver.find_elements(By.CSS_SELECTOR, "td.col-text") if td.text == comment["text"]]
    assert len(cells) == 1, result_rows(driver)
    cell = cells[0]
    screenshot("comments-table", cell)
    assert_shown_and_inert(driver, comment["text"], payload)
    assert cell.find_elements(By.TAG_NAME, "script") == []

    # Its own row page, by the link in the table.
    row = cell.find_element(By.XPATH, "./ancestor::tr[1]")
    submit(driver, row.find_element(By.CSS_SELECTOR, "td.col-id a"))
    assert "/knytpunkt/comments/" in driver.current_url, driver.current_url
    screenshot("comment-row", driver.find_element(By.CSS_SELECTOR, "td.col-text"))
    assert_shown_and_inert(driver, comment["text"], payload)

    # The archive's search, for a word of the comment.
    word = max((w for w in truth.words(comment["text"]) if truth.is_own_stem(w)), key=len)
    home_search(driver, site, word, screenshot)
    screenshot("search-results", results(driver), at="start")
    rows = result_rows(driver)
    assert hit_keys(rows) == truth.search_hits(word)
    assert [r for r in rows if r["kind"] == "comment" and r["text"] == comment["text"]], rows
    assert_shown_and_inert(driver, comment["text"], payload)

