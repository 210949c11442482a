"""The demo's reading pages after its mirror has stopped: every picture and media file from the archive.

`knytscrape demo` runs as a person runs it (into a tmp database, on a free port): it crawls the offline
mirror with its settings (pictures and media files downloaded beside the database), stops the mirror and
serves the archive. The mirror no longer answers, and still every picture of a reading page loads.
"""

from __future__ import annotations

import contextlib
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

from tests.browser.conftest import DATABASE, stop
from tests.browser.helpers import open_page, wait
from tests.servers import fetch, free_port, wait_until_answers

pytestmark = pytest.mark.slow
DEMO_TIMEOUT = 300  # crawl and start: about 30 s here

ALL_PICTURES_SHOWN = """
const pictures = Array.from(document.querySelectorAll('img'));
return pictures.length > 0 && pictures.every(i => i.naturalWidth > 0);
"""
BROKEN_PICTURES = """
return Array.from(document.querySelectorAll('img')).filter(i => !(i.naturalWidth > 0))
  .map(i => i.currentSrc || i.src);
"""
POSTER_SHOWN = """
const done = arguments[arguments.length - 1];
const picture = new Image();
picture.onload = () => done(picture.naturalWidth > 0);
picture.onerror = () => done(false);
picture.src = arguments[0];
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`knytscrape demo` into a tmp database: (archive address, mirror address, database path)."""
    folder = tmp_path_factory.mktemp("demo")
    db_path = folder / f"{DATABASE}.db"
    port = free_port()
    script = Path(sys.executable).with_name("knytscrape")
    program = [str(script)] if script.is_file() else [sys.executable, "-m", "knytscrape.cli"]
    log_path = folder / "demo.log"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen([*program, "demo", "--db", str(db_path), "--port", str(port)], cwd=folder,
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base_url}/-/versions.json", process, log_path, DEMO_TIMEOUT)
        mirror = re.search(r"Offline mirror of the site on (\S+)", log_path.read_text(encoding="utf-8"))
        assert mirror, "the demo names its mirror"
        yield base_url, mirror.group(1), db_path
    finally:
        stop(process)


def stopped(url: str) -> bool:
    """Nothing listens at the address of ``url`` any more."""
    host, port = re.match(r"https?://([^:/]+):(\d+)", url).groups()
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


def article_with_pictures_and_a_media_file(db_path: Path) -> tuple[int, str]:
    """An article with a lead picture, pictures and a video the site serves as a file; that video's id."""
    connection = sqlite3.connect(db_path)
    try:
        row = connection.execute(
            "SELECT a.id, v.id FROM articles a JOIN videos v ON v.article_id = a.id AND v.provider = 'file' "
            "WHERE a.lead_image_url IS NOT NULL AND v.thumbnail_url IS NOT NULL "
            "ORDER BY (SELECT count(*) FROM images i WHERE i.article_id = a.id) DESC, a.id LIMIT 1").fetchone()
    finally:
        connection.close()
    assert row, "the demo's archive has an article with a lead picture, pictures and a media file"
    return row


def show_every_picture(driver) -> None:
    """Scroll each picture into view (they load lazily), then wait until every one has its pixels
    (``naturalWidth``: a lazy copy of a picture already shown may stay not ``complete`` in Chromium)."""
    for picture in driver.find_elements(By.CSS_SELECTOR, "img"):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", picture)
    with contextlib.suppress(TimeoutException):  # the assertion below names the pictures that did not load
        wait(driver, lambda d: d.execute_script(ALL_PICTURES_SHOWN), message="every picture loaded")
    assert driver.execute_script(BROKEN_PICTURES) == [], "pictures that did not load"


def test_the_demo_reads_with_pictures_and_media_after_its_mirror_stopped(demo, driver, screenshot, tmp_path):
    base_url, mirror_url, db_path = demo
    assert stopped(mirror_url), f"the demo's mirror {mirror_url} has stopped"
    article_id, video_id = article_with_pictures_and_a_media_file(db_path)

    open_page(driver, f"{base_url}/{DATABASE}/articles/{article_id}")
    view = driver.find_element(By.CSS_SELECTOR, "article.knyt-article")
    pictures = driver.find_elements(By.CSS_SELECTOR, "img")
    assert len(view.find_elements(By.CSS_SELECTOR, ".knyt-figure img")) >= 2
    assert view.find_elements(By.CSS_SELECTOR, ".knyt-lead-image img")
    show_every_picture(driver)
    for picture in pictures:
        assert picture.get_attribute("src").startswith(f"{base_url}/images/"), picture.get_attribute("src")
    driver.execute_script("window.scrollTo(0, 0);")
    driver.save_screenshot(str(tmp_path / "article-top.png"))
    screenshot("article-top")
    gallery = view.find_element(By.CSS_SELECTOR, ".knyt-pictures")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", gallery)
    time.sleep(0.2)
    driver.save_screenshot(str(tmp_path / "article-pictures.png"))
    screenshot("article-pictures")

    # the article's own address is the site's (knytpunkt.se), not the stopped mirror's
    original = view.find_element(By.CSS_SELECTOR, ".knyt-meta a.knyt-original")
    assert original.get_attribute("href") == f"https://knytpunkt.se/artiklar.php?id={article_id}"

    # its video plays the archive's copy of the media file, with the archive's copy of its picture
    player = view.find_element(By.CSS_SELECTOR, ".knyt-player video")
    media = player.get_attribute("src")
    assert media.startswith(f"{base_url}/images/media/"), media
    status, headers, body = fetch(media)
    assert status == 200 and body and "video/" in headers, (status, headers)
    poster = player.get_attribute("poster")
    assert poster.startswith(f"{base_url}/images/full/") and driver.execute_async_script(POSTER_SHOWN, poster)

    # the video's page: the same, and its address is the site's, not the stopped mirror's
    open_page(driver, f"{base_url}/{DATABASE}/videos/{video_id}")
    show_every_picture(driver)
    original = driver.find_element(By.CSS_SELECTOR, ".knyt-video .knyt-meta a.knyt-original")
    href = original.get_attribute("href")
    assert href.startswith("https://knytpunkt.se/") and not href.startswith(mirror_url), href
    assert original.text == "Originalsidan"
    driver.execute_script("window.scrollTo(0, 0);")
    driver.save_screenshot(str(tmp_path / "video.png"))
    screenshot("video")
