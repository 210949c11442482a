"""The page as the site sent it: "som hämtad" (as fetched on) from a reading page, shown without running anything."""

from __future__ import annotations

import datetime
import re

from selenium.webdriver.common.by import By

from knytscrape.capture.index import catch_up
from knytscrape.capture.warc_files import WarcWriterFiles
from knytscrape.db import open_database
from knytscrape.mirror import load_articles
from tests.browser.helpers import open_page, submit, visible_text

HOSTILE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sida med skript</title>
<script>document.title = "skriptet körde"; document.documentElement.setAttribute("data-ran", "script");
fetch("/knytpunkt/articles.json").then(() => document.documentElement.setAttribute("data-fetched", "1"));</script>
</head><body>
<h1>Sida med skript</h1>
<img src="/does-not-exist.png" onerror="document.documentElement.setAttribute('data-ran', 'onerror')">
<p>Publicerat: 1 december 2026. Texten står kvar även när skripten inte får köra.</p>
</body></html>"""


def test_the_page_as_fetched_is_linked_from_its_article_and_shown(site, driver, screenshot):
    article = next(a for a in load_articles() if a["comments"])
    open_page(driver, site.url(f"/knytpunkt/articles/{article['id']}"))
    link = driver.find_element(By.CSS_SELECTOR, "a.knyt-capture")
    assert re.fullmatch(r"som hämtad \d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|"
                        r"november|december) 20\d\d", link.text), link.text
    submit(driver, link)
    assert "/-/capture/" in driver.current_url
    text = visible_text(driver)
    assert article["title"] in text and "Publicerat" in text  # the site's own page, its own words
    screenshot("page")


def test_a_stored_page_runs_no_script_in_the_archive(site, driver):
    warc = site.db_path.parent / "warc"
    files = WarcWriterFiles(warc, max_bytes=1 << 30)
    files.write(files.maker.exchange(
        "http://127.0.0.1:1/artiklar.php?id=999999", datetime.datetime.now(datetime.UTC), "GET", [], 200,
        [("Content-Type", "text/html; charset=utf-8")], HOSTILE_PAGE.encode()))
    files.close()
    db = open_database(site.db_path)
    try:
        catch_up(db, warc)
        capture_id = db.execute("SELECT id FROM captures WHERE url_key = '/artiklar.php?id=999999'").fetchone()[0]
    finally:
        db.close()
    open_page(driver, site.url(f"/-/capture/{capture_id}"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sida med skript"  # shown
    assert driver.title == "Sida med skript"  # its script did not run
    root = driver.find_element(By.TAG_NAME, "html")
    assert root.get_attribute("data-ran") is None and root.get_attribute("data-fetched") is None
    assert driver.execute_script("return window.origin") == "null"  # an origin of its own, not the archive's
