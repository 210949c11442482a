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
    assert item.body.endswith("remissvaren från föreningarna finns.") and not item.zone_cuts.get(zones.LINK_DENSE_TAIL)


def test_text_end_a_link_back_to_the_list_ends_a_video_description():
    html = (f"<html><body>{MENU}<h1>Ljus längs ån.</h1><p>Publicerat: 2017-11-18</p>"
            '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe>'
            "<p>Konstnärerna tänder sina verk varje kväll.</p>"
            '<p><a href="/video.php">« Alla videor</a></p><div>Knytpunkt – lokala nyheter</div></body></html>')
    item = VideoParser().parse(html, "https://knytpunkt.se/video.php?id=3")
    assert item.description == "Konstnärerna tänder sina verk varje kväll."


@pytest.mark.parametrize("link", ["« Till del 1 av serien", "‹ Fler bilder från kvällen"])
def test_text_end_an_arrowed_link_in_the_text_is_not_a_link_back_to_the_list(link):
    item = read(4, body=f'<p><a href="/artiklar.php?id=3">{link}</a></p>'
                        "<p>Sista stycket berättar hur det gick till slut när alla hade gått hem för kvällen.</p>")
    assert item.body.endswith("hade gått hem för kvällen.")


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


def learn_pages(site_chrome: SiteChrome, count: int, line: str = FOOTER, first: int = 10) -> None:
    """What a crawl does before it reads a page: learn from the bodies of stored pages."""
    for number in range(first, first + count):
        site_chrome.learn(article_url(number), read(number, tail=f"<p>{line}</p>").body.split("\n"))


def test_learned_chrome_a_line_on_most_pages_leaves_the_text_tail():
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 25)
    item = read(1, tail=f"<p>{FOOTER}</p>", site_chrome=site_chrome)
    assert FOOTER not in item.body and item.zone_cuts[zones.LEARNED_CHROME] == 1
    assert "Andra stycket i artikel 1" in item.body


def test_learned_chrome_needs_many_other_pages():
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 19)  # MIN_PAGES is 20
    assert read(1, tail=f"<p>{FOOTER}</p>", site_chrome=site_chrome).body.endswith(FOOTER)


def test_learned_chrome_a_page_on_two_hosts_or_read_twice_counts_once():
    site_chrome = SiteChrome()
    for _ in range(3):
        for host in ("knytpunkt.se", "www.knytpunkt.com"):
            site_chrome.learn(f"http://{host}/artiklar.php?id=10", [FOOTER])
    assert site_chrome.pages_printing(FOOTER) == 1 and site_chrome.pages_learned == 1


def test_learned_chrome_a_phrase_on_some_pages_stays():
    """An author's stock phrase on 25 of 60 pages is below the share (0.6): it stays text."""
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 25, "Fri entré.")
    learn_pages(site_chrome, 35, "Välkomna!", first=100)
    assert read(1, tail="<p>Fri entré.</p>", site_chrome=site_chrome).body.endswith("Fri entré.")


def test_learned_chrome_never_takes_the_body_before_the_tail():
    """A repeated line with the article's own text after it is the article's."""
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 25)
    item = read(1, body=f"<p>{FOOTER}</p><p>Sedan kom regnet, och alla gick hem till sig tidigare än väntat.</p>",
                site_chrome=site_chrome)
    assert FOOTER in item.body


def test_learned_chrome_is_fixed_while_pages_are_read():
    """Reading pages teaches nothing: a page reads the same whatever was read before it (no crawl-order effect,
    no churn on a re-run)."""
    site_chrome = SiteChrome()
    learn_pages(site_chrome, 25)
    before = read(1, tail=f"<p>{FOOTER}</p><p>Sista raden.</p>", site_chrome=site_chrome)
    for number in range(200, 260):
        read(number, tail="<p>Sista raden.</p>", site_chrome=site_chrome)
    assert site_chrome.pages_learned == 25
    assert read(1, tail=f"<p>{FOOTER}</p><p>Sista raden.</p>", site_chrome=site_chrome) == before


def test_learned_chrome_forgets_pages_beyond_its_window():
    site_chrome = SiteChrome(window=10)
    learn_pages(site_chrome, 5)
    learn_pages(site_chrome, 5, first=10)  # the same pages again, not new ones
    learn_pages(site_chrome, 10, "Något annat.", first=100)
    assert site_chrome.pages_printing(FOOTER) == 0 and len(site_chrome._lines_of) == 10


@pytest.mark.parametrize("text", ["Ladda ner", "Mer information"])
def test_navigation_tail_never_takes_the_first_line(text):
    flow = text_flow(f'<html><body><p><a href="/a">{text}</a></p><p><a href="/b">B</a></p>'
                     '<p><a href="/c">C</a></p></body></html>', article_url(1))
    assert zones.navigation_tail(flow, zones.Zones(), page_url=article_url(1)) == 2  # B and C, never the first


@pytest.mark.parametrize(("line", "rule"), [
    ('<a href="/author/johan/">Johan Gullberg</a>', zones.HEADER_LINKS),
    ('<a href="/kategori/kultur">Kultur</a>', zones.HEADER_LINKS),
    ('<a href="https://facebook.com/sharer.php?u=x">Facebook</a>', zones.HEADER_LINKS),
    ("·", zones.HEADER_MARKS),
    ("412", zones.HEADER_MARKS),
    ("Av", zones.HEADER_MARKS),
    ("Läsningstid: 3 min", zones.HEADER_META),
])
def test_header_lines_before_the_title_are_never_the_title(line, rule):
    item = ArticleParser().parse(f"<html><body>{MENU}<p>Publicerat: 2017-06-17</p><p>{line}</p>"
                                 "<p>Båten lade ut från hamnen.</p><p>" + "Efter två års renovering lade båten ut. " * 3
                                 + "</p></body></html>", article_url(1))
    assert item.title == "Båten lade ut från hamnen." and item.zone_cuts[rule] == 1


def test_a_gallery_line_as_a_link_before_a_short_lead_is_not_header():
    item = ArticleParser().parse(f"<html><body>{MENU}<p>Publicerat: 2017-06-17</p><h1>Båten.</h1><p>Kort ingress.</p>"
                                 '<p><img src="/b/1.jpg"></p><p>© 2017 Johan Gullberg - knytpunkt.se</p>'
                                 '<p><a href="/artiklar.php?id=1&img=1">3 Klickbara bilder.</a></p></body></html>',
                                 article_url(1))
    assert item.gallery_line == "3 Klickbara bilder." and item.image_count == 3


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
    site_chrome = SiteChrome(min_pages=4)
    for url, html in pages:
        site_chrome.learn(url, ArticleParser().parse(html, url).body.split("\n"))
    assert FOOTER not in read(1, tail=f"<p>{FOOTER}</p>", site_chrome=site_chrome).body
    assert list(newest_article_pages(tmp_path / "none.db", warc, 200)) == []


@pytest.mark.parametrize("tail", [
    '<p>Mer på <a href="https://www.orebro.se">Örebro kommuns webbplats</a> och '
    '<a href="https://www.lansstyrelsen.se">Länsstyrelsen i Örebro län</a>.</p>',
    '<p>Medverkar gör <a href="https://a.se">Anna Andersson från Kumla</a>, <a href="https://b.se">Bertil Ek</a> '
    'och <a href="https://c.se">Cecilia Holm</a>.</p>',
    '<p>Kontakt: <a href="mailto:anna@example.se">Anna Svensson</a>, <a href="tel:019123456">019-12 34 56</a></p>',
    '<p>Källor: <a href="https://www.scb.se">SCB</a>, <a href="https://www.orebro.se">Örebro kommun</a></p>'
    '<p><a href="https://www.orebro.se/r.pdf">Hela rapporten (pdf)</a></p>',
    '<p><a href="https://a.se/program.pdf">Ladda ner programmet (pdf)</a></p>'
    '<p><a href="https://b.se/anmalan">Anmälan till loppet</a></p>',
    '<p>Konserten med <a href="/artiklar.php?id=7">Kent</a> och <a href="/artiklar.php?id=8">Veronica Maggio</a>.</p>',
])
def test_link_tails_keep_the_authors_links(tail):
    """Links elsewhere (sources, contacts, tickets) and sentences are the article's: found by a second read."""
    item = read(5, tail=tail)
    assert not item.zone_cuts.get(zones.LINK_DENSE_TAIL) and not item.zone_cuts.get(zones.LINK_LIST_TAIL)


def test_a_caption_of_links_after_the_last_picture_stays():
    item = read(6, tail='<p><img src="/bilder/1.jpg"></p><p>© 2016 Johan Gullberg - knytpunkt.se</p>'
                        '<p><a href="/artiklar.php?id=7">Anna Berg</a> och <a href="/artiklar.php?id=8">Per Ek</a></p>')
    assert item.images[0].caption == "Anna Berg och Per Ek"


def test_a_video_description_sentence_with_links_after_the_date_line_stays():
    html = (f"<html><body>{MENU}<h1>Konsert i parken.</h1>"
            '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe><p>Publicerat: 2017-11-18</p>'
            '<p>Konserten med <a href="/artiklar.php?id=7">Kent</a> och <a href="/artiklar.php?id=8">Veronica '
            "Maggio</a>.</p></body></html>")
    item = VideoParser().parse(html, "https://knytpunkt.se/video.php?id=3")
    assert item.description == "Konserten med Kent och Veronica Maggio."


SENTENCE = "Nästa marknad på gården blir julmarknaden den första advent i år."


def test_form_in_text_a_sign_up_box_with_the_article_after_it_is_left_out():
    item = read(7, tail='<form><h3>Få nyhetsbrevet!</h3><p>Varje fredag i din inkorg.</p><input name="e"></form>'
                        f"<p>{SENTENCE}</p>")
    assert item.body.endswith(SENTENCE) and "nyhetsbrevet" not in item.body
    assert item.zone_cuts[zones.FORM_IN_TEXT] == 2


def test_form_in_text_a_comment_form_ends_the_text():
    item = read(7, tail=f'<form><p>Lämna en kommentar</p><input name="n"></form><p>{SENTENCE}</p>')
    assert SENTENCE not in item.body and not item.zone_cuts.get(zones.FORM_IN_TEXT)


def test_form_title_a_polls_question_goes_with_its_form():
    item = read(7, tail='<h3>Tyck till: Ska badet räddas?</h3><form><label><input type="radio"> Ja</label></form>'
                        "<p>412 röster hittills</p>")
    assert "Tyck till" not in item.body and item.zone_cuts[zones.FORM_TITLE] == 1


def test_pull_quote_printed_again_in_full_is_kept_once():
    quote = "Biblioteket är vårt vardagsrum. Här får alla plats."
    item = read(8, body=f"<p>Inledning om biblioteket som fyller tio år i höst och firar hela veckan.</p>"
                        f"<blockquote><p>{quote}</p><cite>Sanna Mäkinen, bibliotekarie</cite></blockquote>"
                        f"<p>- {quote[:-1]}, sa bibliotekarien Sanna Mäkinen.</p>")
    assert quote not in item.body.split("\n\n") and "Sanna Mäkinen, bibliotekarie" not in item.body
    assert item.zone_cuts[zones.PULL_QUOTE] == 2


def test_pull_quote_a_short_repeated_phrase_is_not_one():
    item = read(8, body="<p>Fri entré.</p><p>Konserten börjar sju och det är fri entré för alla barn.</p>")
    assert item.body.split("\n\n")[0] == "Fri entré." and not item.zone_cuts.get(zones.PULL_QUOTE)


def test_text_end_a_tag_list_ends_the_text_even_with_an_author_box_after_it():
    item = read(9, tail='<p>Taggar:</p><p><a href="/tag/a">Nationaldagen</a></p>'
                        "<p>Johan driver Knytpunkt sedan 2007 och bevakar det som händer i Örebro, i ord och bild, "
                        "varje dag året runt.</p>")
    assert "Taggar" not in item.body and "Johan driver" not in item.body


@pytest.mark.parametrize("embed", [
    '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/Cx3k/">'
    '<a href="https://www.instagram.com/p/Cx3k/">Visa det här inlägget på Instagram</a></blockquote>',
    '<div data-href="https://www.facebook.com/klubb/posts/pfbid02"><blockquote><p>Nu är vi över 3 000!</p>'
    'Upplagd av <a href="https://www.facebook.com/klubb">Klubben</a></blockquote></div>',
    '<blockquote><p>Vilken kväll!</p>&mdash; Anna (@anna) <a href="https://twitter.com/anna/status/123">'
    "6 juni 2024</a></blockquote>",
])
def test_a_post_embedded_from_a_social_network_is_not_the_articles_text(embed):
    item = read(10, body=f"<p>{SENTENCE}</p>{embed}<p>Sedan kom regnet och alla gick hem tidigare än väntat.</p>")
    assert item.body == f"{SENTENCE}\n\nSedan kom regnet och alla gick hem tidigare än väntat."


def test_a_print_only_header_is_not_shown_but_a_lightbox_hidden_by_a_stylesheet_is_read():
    html = ('<html><head><style media="screen">.utskrift { display: none; } #ljus { display:none }</style>'
            '<style media="print">.utskrift { display: block; }</style></head><body>'
            '<div class="utskrift">Utskrift från Knytpunkt.com</div><div id="ljus">Bildtext i ljuslådan</div>'
            "</body></html>")
    texts = [t.text for t in text_flow(html, article_url(1)) if hasattr(t, "text")]
    assert texts == ["Bildtext i ljuslådan"]


def test_sign_up_call_a_short_subscribe_box_is_left_out_a_sentence_about_it_stays():
    box = ('<div><div>📬</div><div>Vill du få nyheterna i mejlen? <a href="#/portal/signup">Prenumerera på '
           "nyhetsbrevet</a> – det är gratis.</div></div>")
    item = read(11, body=f"<p>{SENTENCE}</p>{box}<p>Sedan kom regnet och alla gick hem tidigare än väntat.</p>")
    assert item.body == f"{SENTENCE}\n\nSedan kom regnet och alla gick hem tidigare än väntat."
    assert item.zone_cuts[zones.SIGN_UP_CALL] == 2
    long = ("Föreningen har nu över tusen medlemmar, och den som vill stödja arbetet med att rusta upp båten kan "
            '<a href="https://example.se">bli medlem</a> eller skänka en slant, berättar ordföranden som har '
            "drivit frågan i många år.")
    assert "bli medlem" in read(11, body=f"<p>{long}</p>").body


@pytest.mark.parametrize("line", ["Textstorlek minska öka", "Betygsätt detta objekt", "(7 röster)", "Innehåll",
                                  '<a href="#kommentarer">Kommentarer (3)</a>'])
def test_the_pages_tools_above_the_text_are_header(line):
    item = ArticleParser().parse(f"<html><body>{MENU}<p>Publicerat: 2017-09-23</p><h1>Hästens dag.</h1>"
                                 f"<p>{line}</p><p>" + "Hovslagare och ponnyridning lockade tusentals. " * 2
                                 + "</p><p>Tillbaka</p></body></html>", article_url(1))
    assert item.lead.startswith("Hovslagare") and item.title == "Hästens dag."


def test_a_picture_before_the_lead_and_the_title_again_after_it():
    """K2's item view: title, picture and credit, the title again, the lead, the gallery line, the lead again."""
    lead = "Hovslagare, travhästar och ponnyridning lockade omkring 4 000 besökare på lördagen."
    html = (f"<html><body>{MENU}<p>Publicerat: 2017-09-23</p><h1>Hästens dag.</h1><p><img src='/b/1.jpg'></p>"
            f"<p>©2017 Johan Gullberg - knytpunkt.se</p><p>Hästens dag.</p><p>{lead}</p>"
            "<p><a href='/artiklar.php?id=1&img=1'>10 Klickbara bilder.</a></p>"
            f"<p>{lead}</p><p>Dagen arrangerades av ryttarföreningen.</p></body></html>")
    item = ArticleParser().parse(html, article_url(1))
    assert (item.title, item.lead, item.body) == ("Hästens dag.", lead, "Dagen arrangerades av ryttarföreningen.")
    assert item.credit == "©2017 Johan Gullberg - knytpunkt.se" and item.image_count == 10


def test_a_preview_then_the_picture_is_one_picture_and_a_date_glued_to_the_reading_time_is_the_date():
    html = (f"<html><body>{MENU}<p>Publicerat: <time>2019-06-07</time><span></span><span>8 min läsning</span></p>"
            "<h1>Studenterna.</h1><p>Tusentals studenter sprang ut i solen på fredagen i hela Örebro.</p>"
            "<p><img src='/b/tumme/1.jpg'><img src='/b/stor/1.jpg'></p><p>© 2019 Johan Gullberg - knytpunkt.se</p>"
            "<p>Sedan rullade flaken genom centrum hela eftermiddagen och kvällen.</p>"
            "<p><img src='/b/2.jpg'></p><p>© 2019 Johan Gullberg - knytpunkt.se</p><p>Bildtext.</p></body></html>")
    item = ArticleParser().parse(html, article_url(1))
    assert item.published_raw == "2019-06-07"
    assert [image.url for image in item.images] == ["https://knytpunkt.se/b/stor/1.jpg", "https://knytpunkt.se/b/2.jpg"]
