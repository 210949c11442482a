"""The text flow's memo: a gallery view read with its article page's memo reads exactly as when read alone, and
what the memo saves is real (the view's repeated elements are not walked again). Also: each landmark pass of an
article page and each player of a video page is worked out once."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from knytscrape.encoding import decode_html
from knytscrape.mirror import LAYOUTS, load_articles, render
from knytscrape.parsers import article as article_module
from knytscrape.parsers import textflow
from knytscrape.parsers import video as video_module
from knytscrape.parsers.article import ArticleParser
from knytscrape.parsers.gallery import flow_fingerprint, page_fingerprint, parse_gallery_view
from knytscrape.parsers.textflow import FlowMemo, text_flow
from knytscrape.parsers.video import VideoParser

BASE = "http://127.0.0.1:8000"
GALLERY = next(article for article in load_articles() if len(article["images"]) >= 3)


def page(path: str, layout: str) -> str:
    response = render(path, layout=layout, encoding="utf8")
    assert response.status == 200, path
    return decode_html(response.body, response.headers.get("Content-Type"))[0]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_view_read_with_its_article_pages_memo_reads_as_alone(layout):
    article_url = f"{BASE}/artiklar.php?id={GALLERY['id']}"
    memo = FlowMemo()
    flow = text_flow(page(f"/artiklar.php?id={GALLERY['id']}", layout), article_url, memo)
    assert flow == text_flow(page(f"/artiklar.php?id={GALLERY['id']}", layout), article_url)
    known_images, known_lines = flow_fingerprint(flow)
    for k in range(1, len(GALLERY["images"]) + 1):
        html, url = page(f"/artiklar.php?id={GALLERY['id']}&img={k}", layout), f"{article_url}&img={k}"
        hits = memo.hits
        assert text_flow(html, url, memo) == text_flow(html, url)
        assert memo.hits > hits, "the view repeats its article page: elements are taken from the memo"
        assert parse_gallery_view(html, url, known_images, known_lines, memo=memo) == \
            parse_gallery_view(html, url, known_images, known_lines)


def test_a_view_walks_only_what_it_adds(monkeypatch):
    layout = LAYOUTS[0]
    article_url = f"{BASE}/artiklar.php?id={GALLERY['id']}"
    memo = FlowMemo()
    text_flow(page(f"/artiklar.php?id={GALLERY['id']}", layout), article_url, memo)
    view = page(f"/artiklar.php?id={GALLERY['id']}&img=1", layout)
    walked = []
    original = textflow._FlowBuilder.walk
    monkeypatch.setattr(textflow._FlowBuilder, "walk",
                        lambda self, element: (walked.append(1), original(self, element)))
    text_flow(view, f"{article_url}&img=1")
    alone = len(walked)
    walked.clear()
    text_flow(view, f"{article_url}&img=1", memo)
    assert len(walked) < alone / 3


ADDRESSES = """<html><body><div id="lada">{lightbox}</div>
<div class="innehall"><p>Publicerat: 2016-05-03</p><h1>Rubrik.</h1>
<p>Till <a href="#">toppen</a>, <a href="?sida=2">nästa sida</a>, <a href="">den här sidan</a>
och <a href="bilder/1.jpg">en bild</a>.</p></div></body></html>"""


def test_addresses_resolved_against_the_whole_page_address_are_the_views_own():
    """"#", "?sida=2" and "" resolve against the page's file and query, which a view does not share with its
    article page: an element holding one is never taken from the article page's memo."""
    memo = FlowMemo()
    text_flow(ADDRESSES.format(lightbox=""), f"{BASE}/artiklar.php?id=7", memo)
    view_url = f"{BASE}/artiklar.php?id=7&img=2"
    view = ADDRESSES.format(lightbox='<img src="bilder/stor/2.jpg"><p>Bildtext.</p>')
    flow = text_flow(view, view_url, memo)
    assert flow == text_flow(view, view_url)
    links = dict((text, href) for token in flow if isinstance(token, textflow.Line) for href, text in token.links)
    assert links["toppen"] == view_url
    assert links["nästa sida"] == f"{BASE}/artiklar.php?sida=2"
    assert links["den här sidan"] == view_url
    assert links["en bild"] == f"{BASE}/bilder/1.jpg"


@pytest.mark.parametrize("around", ["<form>{}</form>", "<h2>{}</h2>", "<s>{}</s>", "<figcaption>{}</figcaption>",
                                    '<a href="x.php">{}</a>', "<picture><source srcset='b.jpg 800w'>{}</picture>"])
def test_the_same_element_in_another_state_is_not_taken_from_the_memo(around):
    """The same markup inside a form, a heading, struck text, a caption, a link or a <picture> reads otherwise:
    the view that puts it there reads as alone."""
    element = '<div><p>Stycke med <a href="y.php">länk</a>.</p><img data-src="" src="" alt="bild"></div>'
    memo = FlowMemo()
    text_flow(f"<html><body>{element}</body></html>", f"{BASE}/artiklar.php?id=3", memo)
    view = f"<html><body>{around.format(element)}</body></html>"
    assert text_flow(view, f"{BASE}/artiklar.php?id=3&img=1", memo) == \
        text_flow(view, f"{BASE}/artiklar.php?id=3&img=1")


def test_the_spiders_road_reads_the_article_as_parse_does():
    for layout in LAYOUTS:
        html, url = page(f"/artiklar.php?id={GALLERY['id']}", layout), f"{BASE}/artiklar.php?id={GALLERY['id']}"
        flow = text_flow(html, url, FlowMemo())
        assert ArticleParser().read(flow, url) == ArticleParser().parse(html, url)
        assert flow_fingerprint(flow) == page_fingerprint(html, url)


def test_an_article_page_leaves_its_chrome_out_once(monkeypatch):
    """find_published (its date-heading pass), find_title_heading and the title above the date line share one
    chrome-free reading of the page."""
    calls = []
    original = article_module.without_chrome
    monkeypatch.setattr(article_module, "without_chrome", lambda flow: (calls.append(1), original(flow))[1])
    html = ("<html><body><h2>En rubrik före datumet</h2><p>Publicerad 3 maj 2016</p><p>Ingressen här.</p>"
            "<p>Brödtexten.</p></body></html>")
    item = ArticleParser().parse(html, f"{BASE}/artiklar.php?id=9")
    assert item is not None and item.title == "En rubrik före datumet"
    assert len(calls) == 1
    calls.clear()
    ArticleParser().parse("<html><body><h1>Rubrik utan datum</h1><p>Text av artikeln.</p></body></html>",
                          f"{BASE}/artiklar.php?id=9")
    assert len(calls) == 1


def test_a_video_page_describes_each_player_once(monkeypatch):
    described = []
    original = video_module.describe_player
    monkeypatch.setattr(video_module, "describe_player",
                        lambda embed: (described.append(embed.src), original(embed))[1])
    html = ("<html><body><h1>Konserten</h1><p>Publicerat: 2019-06-06</p>"
            '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe><p>Hela konserten i parken.</p>'
            '<h2>Trailer</h2><iframe src="https://player.vimeo.com/video/123456"></iframe></body></html>')
    item = VideoParser().parse(html, f"{BASE}/video.php?id=1")
    assert item is not None and item.provider_id == "abcdefghijk"
    assert sorted(described) == sorted(set(described)) and len(described) == 2


def test_an_address_is_resolved_against_its_own_pages_folder():
    """Addresses are resolved once a crawl by the folder of the page's address: pages in other folders, or an
    address that reads the page's file and query, each resolve as urljoin does."""
    html = '<p><a href="bilder/1.jpg">bild</a> <a href="?sida=2">nästa</a> <a href="/om.php">om</a></p>'
    for url in ("http://127.0.0.1:8000/a/artiklar.php?id=1", "http://127.0.0.1:8000/b/artiklar.php?id=2",
                "http://127.0.0.1:8000/a/video.php?id=3", "https://knytpunkt.se/a/artiklar.php?id=1"):
        for _ in range(2):  # the second time from the cache
            links = [link for token in text_flow(html, url) for link in token.links]
            assert links == [(urljoin(url, "bilder/1.jpg"), "bild"), (urljoin(url, "?sida=2"), "nästa"),
                             (urljoin(url, "/om.php"), "om")]
