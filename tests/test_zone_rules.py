"""The zone rules of ``knytscrape.parsers.zones``, one test (at least) per named rule, and the site's chrome
learned from its pages (``site_chrome``): what each rule leaves out of the text, and what it must keep."""

from __future__ import annotations

import pytest

from knytscrape.parsers import zones
from knytscrape.parsers.article import ArticleParser
from knytscrape.parsers.site_chrome import SiteChrome
from knytscrape.parsers.textflow import text_flow
from knytscrape.parsers.video import VideoParser

MENU = '<p><a href="/">Start</a> | <a href="/video.php">Video</a> | <a href="/kalender.php">Kalender</a></p>'
FOOTER = "Knytpunkt drivs ideellt sedan 2007 av en enda redaktör i Örebro."


def article_url(number: int) -> str:
    return f"https://knytpunkt.se/artiklar.php?id={number}"


def article_html(number: int, tail: str = "", body: str | None = None) -> str:
    body = body or (f"<p>Andra stycket i artikel {number} berättar mer om vad som hände och varför det blev så, "
                    "med många ord som bara finns här.</p>")
    return (f"<html><body>{MENU}<p>Publicerat: 2016-05-0{number % 9 + 1}</p><h1>Rubrik nummer {number}.</h1>"
            f"<p>Ingressen till artikel {number} är en mening som bara står här och ingen annanstans.</p>"
            f"{body}{tail}<p>Tillbaka</p></body></html>")


def read(number: int, tail: str = "", body: str | None = None, site_chrome: SiteChrome | None = None):
    return ArticleParser(site_chrome).parse(article_html(number, tail, body), article_url(number))


def test_rule_names_are_unique_and_each_is_documented():
    assert len(set(zones.RULES)) == len(zones.RULES)
    from pathlib import Path
    doc = (Path(__file__).resolve().parent.parent / "docs" / "parsing.md").read_text()
    assert all(f"`{rule}`" in doc for rule in zones.RULES)


def test_link_list_tail_two_link_lines_at_the_end_are_a_list():
    item = read(1, tail='<p><a href="/artiklar.php?id=7">Förra årets marknad.</a></p>'
                     '<p><a href="/artiklar.php?id=8">Torget byggs om.</a></p>')
    assert "Förra årets" not in item.body and "Torget byggs om." not in item.body
    assert item.zone_cuts[zones.LINK_LIST_TAIL] == 2


def test_link_list_tail_one_link_alone_is_kept_as_the_articles_source():
    item = read(1, tail='<p><a href="https://www.orebro.se/beslut">Kommunens beslut i sin helhet</a></p>')
    assert item.body.endswith("Kommunens beslut i sin helhet")


def test_link_dense_tail_a_block_of_links_with_a_label_is_navigation():
    item = read(2, tail='<p>Fler nyheter: <a href="/artiklar.php?id=7">Marknaden</a>, '
                     '<a href="/artiklar.php?id=8">Torget</a> och <a href="/artiklar.php?id=9">Bron</a></p>')
    assert "Fler nyheter" not in item.body and item.zone_cuts[zones.LINK_DENSE_TAIL] == 1


def test_link_dense_tail_a_sentence_with_a_link_stays():
    sentence = ('Läs hela rapporten på <a href="https://www.orebro.se/r">kommunens webbplats</a>, där även '
                'bilagorna och remissvaren från föreningarna finns.')
    item = read(2, tail=f"<p>{sentence}</p>")
    assert item.body.endswith("remissvaren från föreningarna finns.") and not item.zone_cuts


def test_text_end_a_link_back_to_the_list_ends_a_video_description():
    html = (f"<html><body>{MENU}<h1>Ljus längs ån.</h1><p>Publicerat: 2017-11-18</p>"
            '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe>'
            "<p>Konstnärerna tänder sina verk varje kväll.</p>"
            '<p><a href="/video.php">« Alla videor</a></p><div>Knytpunkt – lokala nyheter</div></body></html>')
    item = VideoParser().parse(html, "https://knytpunkt.se/video.php?id=3")
    assert item.description == "Konstnärerna tänder sina verk varje kväll."


def test_text_end_back_to_list_is_only_a_link():
    """The words alone, in the text, are text."""
    html = (f"<html><body>{MENU}<h1>Ljus längs ån.</h1><p>Publicerat: 2017-11-18</p>"
            '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe>'
            "<p>« Alla videor från kvällen ligger i listan.</p><p>Konstnärerna tänder sina verk.</p></body></html>")
    item = VideoParser().parse(html, "https://knytpunkt.se/video.php?id=3")
    assert item.description.endswith("Konstnärerna tänder sina verk.")


def test_header_meta_and_advert_block_are_counted_by_rule():
    item = read(3, body="<p>Av Johan Gullberg</p><p>Annons</p><p>Köp bilen hos Bilhuset.</p>"
                        "<p>Andra stycket berättar vad som hände vid ån igår, med fler detaljer om allt.</p>")
    # the byline stood after the lead here: it is text then, never the header (only before the text)
    assert item.zone_cuts.get(zones.ADVERT_BLOCK) == 2 and "Bilhuset" not in (item.body or "")


def learn_pages(site_chrome: SiteChrome, count: int, line: str = FOOTER) -> None:
    for number in range(10, 10 + count):
        read(number, tail=f"<p>{line}</p>", site_chrome=site_chrome)


def test_learned_chrome_a_line_on_many_pages_leaves_the_text_tail():
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 5)
    item = read(1, tail=f"<p>{FOOTER}</p>", site_chrome=site_chrome)
    assert FOOTER not in item.body and item.zone_cuts[zones.LEARNED_CHROME] == 1
    assert "Andra stycket i artikel 1" in item.body


def test_learned_chrome_needs_enough_other_pages():
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 3)  # MIN_PAGES is 4: three other pages are not "many"
    item = read(1, tail=f"<p>{FOOTER}</p>", site_chrome=site_chrome)
    assert item.body.endswith(FOOTER)


def test_learned_chrome_a_page_read_again_does_not_count_twice():
    site_chrome = SiteChrome()
    for _ in range(6):
        read(10, tail=f"<p>{FOOTER}</p>", site_chrome=site_chrome)
    assert site_chrome.pages_printing(FOOTER) == 1
    assert read(1, tail=f"<p>{FOOTER}</p>", site_chrome=site_chrome).body.endswith(FOOTER)


def test_learned_chrome_a_phrase_on_a_few_pages_of_many_stays():
    """An author's stock phrase on 5 of 40 pages is below the share (0.3): it stays text."""
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 5, "Fri entré.")
    for number in range(100, 135):
        read(number, site_chrome=site_chrome)
    assert read(1, tail="<p>Fri entré.</p>", site_chrome=site_chrome).body.endswith("Fri entré.")


def test_learned_chrome_never_takes_the_body_before_the_tail():
    """A repeated line with the article's own text after it is the article's."""
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 6)
    item = read(1, body=f"<p>{FOOTER}</p><p>Sedan kom regnet, och alla gick hem till sig tidigare än väntat.</p>",
                site_chrome=site_chrome)
    assert FOOTER in item.body


def test_learned_chrome_forgets_pages_beyond_its_window():
    site_chrome = SiteChrome(window=10)
    learn_pages(site_chrome, 5)
    for number in range(100, 110):
        read(number, site_chrome=site_chrome)
    assert site_chrome.pages_printing(FOOTER) == 0 and len(site_chrome._pages) == 10


def test_learned_chrome_in_a_video_description():
    site_chrome = SiteChrome()
    parser = VideoParser(site_chrome)

    def video(number: int):
        html = (f"<html><body>{MENU}<h1>Klipp nummer {number}.</h1><p>Publicerat: 2017-11-18</p>"
                f'<iframe src="https://www.youtube.com/embed/abcdefghij{number % 10}"></iframe>'
                f"<p>Beskrivningen av klipp {number} är bara dess egen.</p><p>{FOOTER}</p></body></html>")
        return parser.parse(html, f"https://knytpunkt.se/video.php?id={number}")

    first = video(1)
    for number in range(2, 8):
        last = video(number)
    assert first.description.endswith(FOOTER)  # nothing learned yet: kept
    assert last.description == "Beskrivningen av klipp 7 är bara dess egen."


@pytest.mark.parametrize("text", ["Ladda ner", "Mer information"])
def test_navigation_tail_never_takes_the_first_line(text):
    flow = text_flow(f'<html><body><p><a href="/a">{text}</a></p><p><a href="/b">B</a></p></body></html>',
                     article_url(1))
    cut = zones.cut(flow, 0)
    assert cut.text and cut.text[0].text == text


def test_link_dense_tail_a_sentence_with_two_links_stays():
    sentence = ('Läs hela rapporten på <a href="https://www.orebro.se/r">kommunens webbplats</a> och '
                'remissvaren på <a href="https://www.lansstyrelsen.se/r">länsstyrelsens sidor</a>.')
    item = read(2, tail=f"<p>{sentence}</p>")
    assert item.body.endswith("länsstyrelsens sidor.")


def test_the_newest_captured_article_pages_teach_the_site_chrome(tmp_path):
    """What a crawl learns before it reads its first page: the newest good captures of article pages (not
    gallery views, not error answers), each page once."""
    import datetime

    from knytscrape.capture.index import catch_up
    from knytscrape.capture.pages import newest_article_pages
    from knytscrape.capture.warc_files import WarcWriterFiles
    from knytscrape.db import open_database

    warc = tmp_path / "warc"
    files = WarcWriterFiles(warc, max_bytes=10_000_000)

    def keep(url: str, body: str, status: int = 200, charset: str = "utf-8"):
        moment = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
        files.write(files.maker.exchange(url, moment, "GET", [], status,
                                         [("Content-Type", f"text/html; charset={charset}")], body.encode(charset)))

    base = "http://127.0.0.1:8000/artiklar.php?id="
    for number in range(10, 16):
        keep(f"{base}{number}", article_html(number, f"<p>{FOOTER}</p>"), charset="latin-1" if number % 2 else "utf-8")
    keep(f"{base}10", article_html(10, f"<p>{FOOTER}</p>"))  # the same page again: once
    keep(f"{base}11&img=2", "<html><body><p>Bild 2 av 3</p></body></html>")
    keep(f"{base}12", "<html><body><h1>Serverfel</h1></body></html>", status=500)
    files.close()
    db = open_database(tmp_path / "knytpunkt.db")
    catch_up(db, warc)
    db.close()
    pages = list(newest_article_pages(tmp_path / "knytpunkt.db", warc, 200))
    assert sorted(url for url, _ in pages) == [f"{base}{n}" for n in range(10, 16)]
    assert all("Örebro" in html for _, html in pages)  # decoded by the page's own charset
    site_chrome = SiteChrome()
    for url, html in pages:
        ArticleParser(site_chrome).parse(html, url)
    assert FOOTER not in read(1, tail=f"<p>{FOOTER}</p>", site_chrome=site_chrome).body
    assert list(newest_article_pages(tmp_path / "none.db", warc, 200)) == []
