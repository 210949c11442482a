"""Every parser, every field, on every article of the mirror in every layout and encoding (no engine)."""

from __future__ import annotations

import pytest

from knytscrape.encoding import decode_html
from knytscrape.mirror import ENCODINGS, LAYOUTS, load_articles, render
from knytscrape.parsers.archive import parse_archive
from knytscrape.parsers.article import ArticleParser
from knytscrape.parsers.gallery import page_fingerprint, parse_gallery_view
from tests.expected import article_row, comment_rows

BASE = "http://127.0.0.1:8000"
ARTICLES = load_articles()
VARIANTS = [(layout, encoding) for layout in LAYOUTS for encoding in ENCODINGS]
PARSED_FIELDS = ("title", "published_raw", "lead", "body", "credit", "image_count")


def page(path: str, layout: str, encoding: str) -> str:
    response = render(path, layout=layout, encoding=encoding)
    assert response.status == 200, path
    text, _ = decode_html(response.body, response.headers.get("Content-Type"))
    return text


@pytest.mark.parametrize(("layout", "encoding"), VARIANTS, ids=[f"{a}-{b}" for a, b in VARIANTS])
def test_article_fields(layout, encoding):
    parser = ArticleParser()
    wrong = []
    for article in ARTICLES:
        url = f"{BASE}/artiklar.php?id={article['id']}"
        item = parser.parse(page(f"/artiklar.php?id={article['id']}", layout, encoding), url)
        expected = article_row(article)
        for name in PARSED_FIELDS:
            if getattr(item, name, "<no item>") != expected[name]:
                wrong.append((article["id"], name, getattr(item, name, "<no item>"), expected[name]))
        got_comments = [(c.author, c.posted_raw, c.text) for c in (item.comments if item else [])]
        want_comments = [(c["author"], c["posted_raw"], c["text"]) for c in comment_rows(article)]
        if got_comments != want_comments:
            wrong.append((article["id"], "comments", got_comments, want_comments))
        if article["template"] == "old":
            got = [(i.url, i.caption, i.credit) for i in item.images]
            want = [(f"{BASE}/{i['src']}", i["caption"], i["credit"]) for i in article["images"]]
            if got != want:
                wrong.append((article["id"], "images", got, want))
    assert wrong == []


@pytest.mark.parametrize(("layout", "encoding"), VARIANTS, ids=[f"{a}-{b}" for a, b in VARIANTS])
def test_gallery_views(layout, encoding):
    wrong = []
    for article in ARTICLES:
        if article["template"] != "modern" or not article["image_count"]:
            continue
        base_url = f"{BASE}/artiklar.php?id={article['id']}"
        known_images, known_lines = page_fingerprint(page(f"/artiklar.php?id={article['id']}", layout, encoding),
                                                     base_url)
        for k in range(1, article["image_count"] + 1):
            path = f"/artiklar.php?id={article['id']}&img={k}"
            image = parse_gallery_view(page(path, layout, encoding), BASE + path, known_images, known_lines)
            truth = article["images"][k - 1] if k <= len(article["images"]) else None
            got = (image.url, image.caption, image.credit) if image else None
            want = (f"{BASE}/{truth['src']}", truth["caption"], truth["credit"]) if truth else None
            if got != want:
                wrong.append((article["id"], k, got, want))
    assert wrong == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gallery_view_without_the_plain_page(layout):
    """Without the difference to the plain page, the lightbox landmarks still find image K."""
    article = next(a for a in ARTICLES if a["template"] == "modern" and len(a["images"]) >= 2)
    path = f"/artiklar.php?id={article['id']}&img=2"
    image = parse_gallery_view(page(path, layout, "utf8"), BASE + path)
    assert image.url == f"{BASE}/{article['images'][1]['src']}"


def test_archives_list_every_archived_article_with_its_comment_count():
    seen = {}
    years = sorted({int(a["published_raw"][:4]) for a in ARTICLES if a["published_raw"][:4].isdigit()})
    categories = sorted({a["category"] for a in ARTICLES})
    for year in years:
        for category in categories:
            response = render(f"/art_ar.php?ar={year}&kat_id={category}")
            if response.status != 200:
                continue
            text, _ = decode_html(response.body, response.headers.get("Content-Type"))
            for entry in parse_archive(text, f"{BASE}/art_ar.php?ar={year}&kat_id={category}"):
                seen[entry.article_id] = (entry.published_raw, entry.comment_count)
    expected = {a["id"]: (a["published_raw"], len(a["comments"] or [])) for a in ARTICLES if a["in_archive"]}
    assert seen == expected
