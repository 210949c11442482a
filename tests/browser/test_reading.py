"""Reading an article, its video and an event in the browser, as a person finds them: from the tables."""

from __future__ import annotations

import sqlite3

from datasette.utils import tilde_encode
from selenium.webdriver.common.by import By

from knytscrape.mirror import load_articles, load_events, load_videos
from tests.browser.helpers import open_page, submit, visible_text, wait
from tests.browser.truth import printed_says_more, swedish_date, swedish_span

PRINTED = "så stod det på sidan"


def richest_article() -> dict:
    """The article with the most gallery pictures among those with comments and a video."""
    with_video = {video["article_id"] for video in load_videos() if video["article_id"]}
    candidates = [a for a in load_articles() if a["comments"] and a["id"] in with_video and a["images"]]
    assert candidates, "the mirror has an article with pictures, comments and a video"
    return max(candidates, key=lambda a: (len(a["images"]), len(a["comments"])))


def link_titled(driver, title: str):
    """The title link a person clicks in a table."""
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, "td.col-title a") if a.text == title]
    assert links, f"no title link {title!r} in the table"
    return links[0]


def picture_shown(driver, picture) -> bool:
    return driver.execute_script("const i = arguments[0]; return i.complete && i.naturalWidth > 0;", picture)


def test_an_article_reads_with_its_gallery_comments_and_video(site, driver, screenshot):
    article = richest_article()
    open_page(driver, site.url("/knytpunkt/articles?_sort_desc=published&_size=max"))
    submit(driver, link_titled(driver, article["title"]))
    assert driver.current_url.endswith(f"/knytpunkt/articles/{article['id']}"), driver.current_url
    assert driver.title == article["title"]
    view = driver.find_element(By.CSS_SELECTOR, "article.knyt-article")
    screenshot("top", view, at="start")

    assert view.find_element(By.CSS_SELECTOR, "h1").text == article["title"]
    date = view.find_element(By.CSS_SELECTOR, ".knyt-meta time")
    assert date.get_attribute("datetime") == article["published"]
    assert date.text == swedish_date(article["published"])  # "12 september 2020", as a reader writes it
    meta = view.find_element(By.CSS_SELECTOR, ".knyt-meta").text
    assert meta.startswith(f"Publicerad {swedish_date(article['published'])}"), meta
    assert (PRINTED in meta) == printed_says_more(article["published_raw"], article["published"]), meta
    assert "\n".join(p.text for p in view.find_elements(By.CSS_SELECTOR, "p.knyt-lead")) == article["lead"]
    paragraphs = [p.text for p in view.find_elements(By.CSS_SELECTOR, ".knyt-body p")]
    assert paragraphs == article["body"]

    figures = view.find_elements(By.CSS_SELECTOR, "figure.knyt-figure")
    assert len(figures) == len(article["images"])
    for figure, image in zip(figures, article["images"], strict=True):
        picture = figure.find_element(By.TAG_NAME, "img")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", picture)
        wait(driver, lambda d, p=picture: picture_shown(d, p), message=f"picture {image['src']} is not shown")
        caption = figure.find_element(By.TAG_NAME, "figcaption").text
        for part in (image["caption"], image["credit"]):
            if part:
                assert part in caption, (part, caption)
    screenshot("gallery", view.find_element(By.CSS_SELECTOR, ".knyt-gallery"), at="start")

    comments = view.find_elements(By.CSS_SELECTOR, ".knyt-comment")
    assert [c.find_element(By.CSS_SELECTOR, ".knyt-author").text for c in comments] == [
        comment["author"] for comment in article["comments"]]
    assert ["\n\n".join(p.text for p in c.find_elements(By.CSS_SELECTOR, ".knyt-comment-text")) for c in comments] \
        == [comment["text"] for comment in article["comments"]]
    assert [c.find_element(By.CSS_SELECTOR, ".knyt-comment-head").text for c in comments] == [
        f"{comment['author']} {swedish_date(comment['posted'])}" for comment in article["comments"]]
    assert view.find_element(By.CSS_SELECTOR, ".knyt-comments h2").text == f"Kommentarer ({len(comments)})"
    screenshot("comments", view.find_element(By.CSS_SELECTOR, ".knyt-comments"), at="start")

    [video] = [v for v in load_videos() if v["article_id"] == article["id"]]
    submit(driver, view.find_element(By.CSS_SELECTOR, ".knyt-videos h2 a"))
    video_view = driver.find_element(By.CSS_SELECTOR, "article.knyt-video")
    assert video_view.find_element(By.TAG_NAME, "h1").text == video["title"]
    screenshot("video", video_view, at="start")
    submit(driver, video_view.find_element(By.CSS_SELECTOR, ".knyt-companion a"))
    assert driver.current_url.endswith(f"/knytpunkt/articles/{article['id']}"), "back at the article"


def test_the_stored_record_is_folded_under_the_reading_view(site, driver):
    article = richest_article()
    open_page(driver, site.url(f"/knytpunkt/articles/{article['id']}"))
    record = driver.find_element(By.CSS_SELECTOR, "details.knyt-record")
    assert not record.find_element(By.CSS_SELECTOR, "table.rows-and-columns").is_displayed()
    record.find_element(By.TAG_NAME, "summary").click()
    table = record.find_element(By.CSS_SELECTOR, "table.rows-and-columns")
    assert table.is_displayed() and article["published_raw"] in table.text
    assert record.find_element(By.LINK_TEXT, "JSON").is_displayed()


def facts(view) -> dict[str, str]:
    """An event's facts as a person reads them: {label: text}."""
    labels = [dt.text for dt in view.find_elements(By.CSS_SELECTOR, ".knyt-facts dt")]
    return dict(zip(labels, [dd.text for dd in view.find_elements(By.CSS_SELECTOR, ".knyt-facts dd")], strict=True))


def test_an_event_reads_with_its_status_time_and_place(site, driver, screenshot):
    postponed = [e for e in load_events() if e["status"] == "postponed" and e["location"]]
    assert postponed, "the mirror has a postponed event with a place"
    event = max(postponed, key=lambda e: (bool(e["ends_at"]), "T" in (e["starts_at"] or "")))  # a time, if any
    open_page(driver, site.url("/knytpunkt/events?_facet=status&status=postponed"))
    submit(driver, link_titled(driver, event["title"]))
    view = driver.find_element(By.CSS_SELECTOR, "article.knyt-event")
    screenshot("event", view, at="start")
    assert view.find_element(By.TAG_NAME, "h1").text == event["title"]
    status = view.find_element(By.CSS_SELECTOR, ".knyt-status").text
    if event["previous_starts_at"]:
        assert status == f"Flyttat (tidigare datum: {swedish_date(event['previous_starts_at'])})", status
    else:
        assert status == "Uppskjutet", status
    shown = facts(view)
    when = swedish_span(event["starts_at"], event["ends_at"], event["all_day"])  # 13 juni 2026 kl. 12.00–16.00
    printed = " | ".join(event["date_text"] or [])
    assert shown["När"].startswith(when), shown
    assert (PRINTED in shown["När"]) == printed_says_more(printed, event["starts_at"], event["ends_at"]), shown
    assert shown["Plats"] == event["location"]
    assert event["location"] in visible_text(driver)
    starts = view.find_element(By.CSS_SELECTOR, "dd time").get_attribute("datetime")
    assert starts == event["starts_at"]


def test_every_events_time_reads_as_people_write_it(site, driver):
    """Each event of the calendar, its page opened: the time in Swedish, the printed form only where it says
    more (an earlier date, a date without its year, a text that could not be read)."""
    open_page(driver, site.url("/knytpunkt/events?_size=max"))
    pages = {a.text: a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "td.col-title a")}
    shown_printed = 0
    for event in load_events():
        open_page(driver, pages[event["title"]])
        when = facts(driver.find_element(By.CSS_SELECTOR, "article.knyt-event"))["När"]
        expected = swedish_span(event["starts_at"], event["ends_at"], event["all_day"]) if event["starts_at"] \
            else "datumet kunde inte läsas"
        assert when.startswith(expected), (event["id"], when, expected)
        says_more = printed_says_more(" | ".join(event["date_text"] or []), event["starts_at"], event["ends_at"])
        assert (PRINTED in when) == says_more, (event["id"], when)
        shown_printed += says_more
    assert 0 < shown_printed < len(load_events()), "the mirror has printed dates of both kinds"


def test_removed_comments_are_greyed_in_their_place_and_counted_apart(driver, screenshot, tmp_path, monkeypatch):
    """An article whose comments the site removed over three crawls (the real storage pipeline), served by
    ``knytscrape serve`` of its own: the removed ones greyed where they stood, the heading counting the rest."""
    import subprocess

    from tests.browser.conftest import PROJECT_ROOT, serve_command, stop
    from tests.servers import free_port, wait_until_answers
    from tests.test_reading_pages import crawl_article

    db_path = tmp_path / "knytpunkt.db"
    everyone = [("Anna", "Först."), ("Bo", "Andra."), ("Cia", "Tredje."), ("Dan", "Fjärde.")]
    crawl_article(db_path, everyone, "2025-01-10T12:00:00+01:00", monkeypatch)
    crawl_article(db_path, [everyone[0], everyone[2], everyone[3]], "2025-01-11T12:00:00+01:00", monkeypatch)
    crawl_article(db_path, everyone[2:], "2025-01-12T12:00:00+01:00", monkeypatch)
    port, log_path = free_port(), tmp_path / "serve.log"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(serve_command(db_path, port), cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answers(base + "/-/versions.json", process, log_path, 60)
        open_page(driver, base + "/knytpunkt/articles/7")
        section = driver.find_element(By.CSS_SELECTOR, ".knyt-comments")
        assert section.find_element(By.TAG_NAME, "h2").text == "Kommentarer (2) · 2 borttagna från sidan"
        comments = section.find_elements(By.CSS_SELECTOR, ".knyt-comment")
        assert [c.find_element(By.CSS_SELECTOR, ".knyt-author").text for c in comments] == ["Anna", "Bo", "Cia", "Dan"]
        opacity = [float(c.value_of_css_property("opacity")) for c in comments]
        assert opacity[0] < 1 and opacity[1] < 1 and opacity[2:] == [1, 1], "the removed ones are greyed"
        assert "borttagen från sidan 12 januari 2025" in comments[0].text
        assert "borttagen från sidan 11 januari 2025" in comments[1].text
        screenshot("comments", section, at="start")
    finally:
        stop(process)


def test_a_video_file_plays_in_a_player_of_the_columns_width(site, driver, screenshot):
    """A video the site serves as a file plays in the page; before it loads, its player had only its small
    picture to size itself by, and was a dark box too small to see or use."""
    with sqlite3.connect(site.db_path) as db:
        video_id, title = db.execute("SELECT id, title FROM videos WHERE provider = 'file' ORDER BY id").fetchone()
    for width, height in ((1280, 1000), (390, 844)):
        driver.set_window_size(width, height)
        open_page(driver, site.url(f"/knytpunkt/videos/{tilde_encode(video_id)}"))
        view = driver.find_element(By.CSS_SELECTOR, "article.knyt-video")
        assert view.find_element(By.TAG_NAME, "h1").text == title
        player = view.find_element(By.CSS_SELECTOR, ".knyt-player video")
        screenshot(f"player-{width}", view, at="start")
        column = view.rect["width"]
        assert player.rect["width"] >= min(column, 600) - 1, (width, player.rect, column)
        assert player.rect["height"] >= player.rect["width"] * 9 / 16 - 2, player.rect
