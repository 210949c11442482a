"""The offline mirror: its content covers every variant of the site model, every page renders, the
encodings produce the promised bytes and headers, and the HTTP server works on 127.0.0.1."""

from __future__ import annotations

import email.utils
import hashlib
import math
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter, deque
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import parsel
import pytest

from knytscrape.mirror import (
    ENCODINGS,
    LAYOUTS,
    SCHEMES,
    MirrorServer,
    load_articles,
    load_events,
    load_site_config,
    load_videos,
    make_comment,
    mutations,
    render,
)

TZ = ZoneInfo("Europe/Stockholm")
MONTHS = [
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
    "november", "december",
]  # fmt: skip
SITE_HOSTS = {"knytpunkt.se", "www.knytpunkt.se", "knytpunkt.com", "www.knytpunkt.com"}

GALLERY_FORMS = {
    "Klickbara": re.compile(r"^\d+ Klickbara bilder\.$"),
    "klickbara": re.compile(r"^\d+ klickbara bilder\.$"),
    "Klickbar bild": re.compile(r"^1 Klickbar bild\.$"),
    "första dagen": re.compile(r"^\d+ Klickbara bilder från första dagen\.$"),
    "Osorterade": re.compile(r"^\d+ Osorterade klickbara bilder\.$"),
}
CREDIT_FORMS = {
    "© YYYY .com": re.compile(r"^© \d{4} Johan Gullberg - knytpunkt\.com$"),
    "©YYYY .se": re.compile(r"^©\d{4} Johan Gullberg - knytpunkt\.se$"),
    "©YYYY - .com": re.compile(r"^©\d{4} - Johan Gullberg - knytpunkt\.com$"),
    "no year": re.compile(r"^© Johan Gullberg - knytpunkt\.se$"),
    "broken entity": re.compile(r"^©copy;\d{4} Johan Gullberg - knytpunkt\.com$"),
}
ANY_CREDIT = re.compile(r"^©(?:copy;)?\s?(?:\d{4}\s)?(?:- )?Johan Gullberg - knytpunkt\.(?:se|com)$")


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return load_articles()


@pytest.fixture(scope="module")
def by_id(articles) -> dict[int, dict]:
    return {a["id"]: a for a in articles}


def all_comments(articles):
    return [c for a in articles for c in (a["comments"] or [])]


def norm(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def decode(response) -> str:
    ctype = response.headers["Content-Type"]
    if "charset=utf-8" in ctype and b"charset=windows-1252" not in response.body:
        try:
            return response.body.decode("utf-8")
        except UnicodeDecodeError:  # the wrong-header lie
            pass
    return response.body.decode("cp1252")


def visible_text(html: str) -> str:
    sel = parsel.Selector(text=html)
    nodes = sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    return norm(" ".join(nodes))


def lightbox_html(html: str) -> str:
    """The part of the page before the logo: the lightbox region."""
    end = html.lower().index('alt="logotyp knytpunkt"')
    return html[: html.rindex("<", 0, end)]


# -- the content ---------------------------------------------------------------------------------------


def test_content_counts_ids_and_gaps(articles):
    ids = [a["id"] for a in articles]
    assert len(articles) >= 42
    assert ids == sorted(set(ids))
    assert ids[0] in range(110, 130) and ids[-1] in range(1300, 1330)
    assert sum(a["template"] == "old" for a in articles) >= 10
    assert sum(not a["in_archive"] for a in articles) >= 3
    assert len(set(range(ids[0], ids[-1] + 1)) - set(ids)) > 100  # gaps
    dated = [a for a in articles if a["published"]]
    assert [a["published"] for a in dated] == sorted(a["published"] for a in dated)  # ids rise with date
    assert date.fromisoformat(dated[0]["published"]).year == 2007
    assert date.fromisoformat(dated[-1]["published"]).year == 2025


def test_article_fields(articles):
    for a in articles:
        year = int(a["published_raw"][:4])
        assert a["template"] == ("old" if year <= 2010 else "modern"), a["id"]
        assert a["category"] in (1, 2, 3, 4)
        assert 2 <= len(a["body"]) <= 8, a["id"]
        assert a["lead"] not in a["body"]
        assert isinstance(a["in_archive"], bool)
        try:
            assert a["published"] == date.fromisoformat(a["published_raw"]).isoformat()
        except ValueError:
            assert a["published"] is None
        if a["gallery_line"] is None:
            assert a["image_count"] is None
        else:
            assert a["image_count"] == int(a["gallery_line"].split()[0])
            assert len(a["images"]) <= a["image_count"]
        if a["credit"] is not None:
            assert ANY_CREDIT.match(a["credit"]), a["credit"]
        for image in a["images"]:
            assert image["src"].startswith("bilder/")
            assert image["credit"] is None or ANY_CREDIT.match(image["credit"])
    unreadable = [a for a in articles if a["published"] is None]
    assert [a["published_raw"] for a in unreadable] == ["2013-02-30"]


def test_text_is_stored_as_seen(articles):
    def texts(a):
        yield a["title"]
        yield from a["lead"].split("\n")
        yield from a["body"]
        for image in a["images"]:
            yield from (image["caption"] or "").split("\n")
        for c in a["comments"] or []:
            yield c["author"]
            yield from c["text"].split("\n\n")

    everything = ""
    for a in articles:
        for text in texts(a):
            assert "\xa0" not in text and "  " not in text and text == text.strip(), (a["id"], text)
            everything += text
    for ch in "åäöÅÄÖ–©”":
        assert ch in everything + "".join(a["credit"] or "" for a in articles), ch
    assert any(not a["title"].endswith(".") for a in articles)
    assert sum(a["title"].endswith(".") for a in articles) > len(articles) // 2
    for typo in ("kommunfullmäktie", "eftermidagen", "Stortoget"):
        assert typo in everything
    assert any("\n" in a["lead"] for a in articles)


def test_modern_variants(articles):
    modern = [a for a in articles if a["template"] == "modern"]
    lines = [a["gallery_line"] for a in modern if a["gallery_line"]]
    for name, pattern in GALLERY_FORMS.items():
        assert any(pattern.match(line) for line in lines), name
    assert any(a["gallery_line"] is None and a["images"] == [] for a in modern)
    assert any(a["image_count"] and a["image_count"] > len(a["images"]) for a in modern)
    credits = [a["credit"] for a in modern if a["credit"]]
    for name, pattern in CREDIT_FORMS.items():
        assert any(pattern.match(c) for c in credits), name
    differs = [
        a for a in modern
        if a["credit"] and a["published"] and re.search(r"\d{4}", a["credit"])
        and re.search(r"\d{4}", a["credit"]).group() != a["published"][:4]
    ]  # fmt: skip
    assert differs
    assert any(a["lead_image"] is None for a in modern)
    images = [i for a in modern for i in a["images"]]
    assert any(i["caption"] is None for i in images)
    assert any(i["credit"] is None for i in images)
    assert any(i["caption"] and "\n" in i["caption"] for i in images)
    quotes = [p for a in modern for p in a["body"] if p.startswith("- ")]
    assert any(re.search(r", sa [A-ZÅÄÖ]\w+ [A-ZÅÄÖ]\w+\.$", q) for q in quotes)
    assert any(re.search(r"[^,] sa [A-ZÅÄÖ]\w+ [A-ZÅÄÖ]\w+\.$", q) for q in quotes)


def test_old_variants(articles):
    old = [a for a in articles if a["template"] == "old"]
    for a in old:
        assert a["gallery_line"] is None and a["image_count"] is None and a["lead_image"] is None
        assert a["credit"] == (a["images"][0]["credit"] if a["images"] else None)
        for image in a["images"]:
            assert image["caption"] and image["credit"]
            assert 0 <= image["after_paragraph"] <= len(a["body"])
    assert any(not a["images"] for a in old)
    assert any(len(a["images"]) > 1 for a in old)
    assert any("\n" in i["caption"] for a in old for i in a["images"])
    leaked = 'style="width:100%;background-image:URL(bilder/black.png)">'
    assert any(leaked in p for a in old for p in a["body"])
    assert any(a["comments"] for a in old) and any(a["comments"] is None for a in old)


def expected_posted(comment):
    raw = comment["posted_raw"]
    try:
        if comment["style"] == "skrev":
            return datetime.strptime(raw, "%Y-%m-%d %H:%M").replace(tzinfo=TZ).isoformat()
        if comment["style"] == "skrivet_av":
            day, month, year, _, hm = raw.split(" ")
            hour, minute = hm.split(".")
            return datetime(int(year), MONTHS.index(month) + 1, int(day), int(hour), int(minute), tzinfo=TZ).isoformat()
        day_month, year = raw.split(" ")
        day, month = day_month.split("/")
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def test_comments(articles):
    comments = all_comments(articles)
    assert {c["style"] for c in comments} == {"skrev", "skrivet_av", "pipe"}
    for c in comments:
        assert c["posted"] == expected_posted(c), c
        assert c["author"] and c["text"]
    assert any(c["text"] == '<script>alert("hej")</script>' for c in comments)
    assert any(c["posted"] is None for c in comments)
    assert any("\n\n" in c["text"] for c in comments)
    assert any(re.search("[åäö]", c["text"]) for c in comments)
    assert any(c["posted"] == "2017-10-29T14:32:00+01:00" for c in comments)  # the day summer time ends
    assert any(c["posted"] and c["posted"].endswith("+02:00") for c in comments)
    assert sum(len(a["comments"] or []) >= 3 for a in articles) >= 4
    assert any(a["comments"] == [] for a in articles)
    assert any(a["comments"] is None for a in articles)


def test_site_config(articles):
    config = load_site_config()
    titles = {a["title"] for a in articles if a["in_archive"]}
    videos = [v["title"] for v in config["sidebar_videos"]]
    assert len(videos) == 4 and set(videos) <= titles
    assert config["categories"] == {"1": "Politik", "2": "Kultur", "3": "Debatt", "4": "Evenemang"}
    assert all(date.fromisoformat(e["date"]) and e["title"] for e in config["calendar"])
    assert config["labels"]["videos_more"] == "Du hitter fler videos under menyn Video."


def test_every_layout_encoding_pair_is_used_by_default(articles):
    pairs = {(a["layout"], a["encoding"]) for a in articles}
    assert pairs == {(lay, enc) for lay in LAYOUTS for enc in ENCODINGS}
    for a in articles:
        if a["template"] == "old":
            assert a["layout"] in ("table", "flat") and a["encoding"] != "utf8"


def test_load_articles_returns_a_copy():
    first = load_articles()
    first[0]["title"] = "changed"
    assert load_articles()[0]["title"] != "changed"


# -- the pages -----------------------------------------------------------------------------------------


def crawl(extra_articles: int = 0, scheme: str = "a", layout: str | None = None, server: MirrorServer | None = None):
    """Follow every link and image from / (mapping the site's other hosts back), as a crawler would.
    With ``server``: its current site (``server.render``), the other arguments are ignored."""
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue:
        target = queue.popleft()
        if target in seen:
            continue
        if server is not None:
            response = server.render(target)
        else:
            response = render(target, layout=layout, extra_articles=extra_articles, scheme=scheme)
        seen[target] = response.status
        if not response.headers["Content-Type"].startswith("text/html") or response.status != 200:
            continue
        sel = parsel.Selector(text=decode(response))
        for url in sel.xpath("//a/@href").getall() + sel.xpath("//img/@src").getall():
            if url.startswith(("javascript:", "#", "mailto:")):
                continue
            parts = urlsplit(urljoin("http://mirror" + target, url))
            if parts.hostname not in SITE_HOSTS | {"mirror"}:
                continue
            local = parts.path + ("?" + parts.query if parts.query else "")
            if not local.startswith("/admin"):  # robots.txt
                queue.append(local)
    return seen


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_linked_page_renders(articles, scheme):
    seen = crawl(scheme=scheme)
    failures = {t: s for t, s in seen.items() if s != 200}
    assert failures == {}
    assert {v["paths"][scheme] for v in load_videos()} <= set(seen)
    assert {e["paths"][scheme] for e in load_events() if e["has_page"]} <= set(seen)
    reached = {int(m.group(1)) for t in seen if (m := re.fullmatch(r"/artiklar\.php\?id=(\d+)", t))}
    assert reached == {a["id"] for a in articles if a["in_archive"]}  # orphans only by walking ids
    img_pages = [t for t in seen if "&img=" in t]
    assert len(img_pages) == sum(a["image_count"] or 0 for a in articles if a["in_archive"])
    assert any(t.startswith("/bilder/thumbs/") for t in seen)
    assert "/om.php" in seen


@pytest.mark.parametrize("layout", LAYOUTS)
def test_article_pages_show_the_truth(articles, layout):
    for a in articles:
        response = render(f"/artiklar.php?id={a['id']}", layout=layout)
        assert response.status == 200
        html = decode(response)
        text = visible_text(html)
        content = text.split("Du hitter fler videos under menyn Video.", 1)[1]
        assert f"Publicerat: {a['published_raw']}" in content
        assert content.count(a["title"]) == (2 if a["template"] == "modern" else 1), (a["id"], layout)
        lead = norm(a["lead"])
        assert content.count(lead) == (2 if a["template"] == "modern" else 1), (a["id"], layout)
        for paragraph in a["body"]:
            assert paragraph in content, (a["id"], layout, paragraph)
        for needle in (a["credit"], a["gallery_line"]):
            if needle:
                assert needle in content
        for image in a["images"] if a["template"] == "old" else []:
            assert norm(image["caption"]) in content and image["credit"] in content
        assert "Tillbaka" in content
        if a["comments"] is None:
            assert "Kommentarer:" not in content and "Lämna en kommentar" not in content
        else:
            assert "Kommentarer:" in content and "Lämna en kommentar" in content
            for c in a["comments"]:
                assert c["author"] in content and c["posted_raw"] in content
                for part in c["text"].split("\n\n"):
                    assert part in content
        assert lightbox_html(html).count("<img") + lightbox_html(html).count("<IMG") == 0


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gallery_image_lives_in_the_lightbox(by_id, layout):
    for a in by_id.values():
        for k, image in enumerate(a["images"] if a["template"] == "modern" else [], start=1):
            html = decode(render(f"/artiklar.php?id={a['id']}&img={k}", layout=layout))
            box = lightbox_html(html)
            assert visible_text(box).startswith("×")
            sel = parsel.Selector(text=box)
            assert [src.lstrip("/") for src in sel.xpath("//img/@src").getall()] == [image["src"]]
            box_text = visible_text(box)
            if image["caption"]:
                assert norm(image["caption"]) in box_text
            if image["credit"]:
                assert image["credit"] in box_text
            assert a["title"] in visible_text(html)  # the article is repeated
    # declared but missing, out of range, not a number: the page with an empty lightbox
    declared = next(a for a in by_id.values() if a["image_count"] and a["image_count"] > len(a["images"]))
    for img in (declared["image_count"], 0, 99, "x"):
        response = render(f"/artiklar.php?id={declared['id']}&img={img}", layout=layout)
        assert response.status == 200
        assert "<img" not in lightbox_html(decode(response)).lower()


def test_chrome_on_every_page():
    for target in ("/", "/artiklar.php?id=119", "/art_ar.php?ar=2013&kat_id=2", "/om.php"):
        for layout in LAYOUTS:
            html = decode(render(target, layout=layout))
            text = visible_text(html)
            order = ["×", "Start", "Arkiv", "Video", "Kalender", "Om Knytpunkt", "I Kalendern:",
                     "De senaste 5 videona.", "Du hitter fler videos under menyn Video."]  # fmt: skip
            positions = [text.index(label) for label in order]
            assert positions == sorted(positions), (target, layout)
            logo = parsel.Selector(text=html).xpath('//img[@alt="Logotyp Knytpunkt"]/@src').getall()
            assert logo == ["bilder/logo.png"]
            assert "background-image:URL(bilder/black.png)" in html
            assert re.search(r'href="/?admin/"', html)


def test_home_page(articles):
    html = decode(render("/"))
    newest = [a for a in reversed(articles) if a["in_archive"]][:10]
    text = visible_text(html)
    for a in newest:
        assert a["title"] in text and norm(a["lead"]) in text
    assert text.count("Publicerat:") == 10
    assert "https://knytpunkt.se/artiklar.php?id=" in html
    assert render("/index.php").body == render("/").body


def test_archive_pages(articles):
    listed = [a for a in articles if a["in_archive"]]
    for a in listed:
        year = a["published_raw"][:4]
        html = decode(render(f"/art_ar.php?ar={year}&kat_id={a['category']}"))
        text = visible_text(html)
        entry = text[text.index(f"Publicerat: {a['published_raw']}") :]
        n = len(a["comments"] or [])
        assert entry.startswith(f"Publicerat: {a['published_raw']} Kommentarer [ {n} ]")
        head = f"{a['credit']} {a['title']}" if a["credit"] else a["title"]
        assert entry[len(f"Publicerat: {a['published_raw']} Kommentarer [ {n} ] ") :].startswith(head)
    for a in articles:
        if not a["in_archive"]:
            page = decode(render(f"/art_ar.php?ar={a['published_raw'][:4]}&kat_id={a['category']}"))
            assert f'id={a["id"]}"' not in page
    # newest first
    html = decode(render("/art_ar.php?ar=2014&kat_id=1"))
    assert 0 < html.index("id=833") < html.index("id=801")
    some = decode(render("/art_ar.php?ar=2018&kat_id=3"))
    assert "http://knytpunkt.com/artiklar.php?id=1003" in some
    assert "http://www.knytpunkt.com/art_ar.php?ar=2009" in decode(render("/"))


@pytest.mark.parametrize(
    "target",
    ["/artiklar.php?id=120", "/artiklar.php?id=500", "/artiklar.php?id=1320", "/artiklar.php?id=99999",
     "/artiklar.php?id=abc", "/artiklar.php", "/art_ar.php?ar=2012&kat_id=9", "/art_ar.php?kat_id=1",
     "/nope.php", "/bilder/2012/none.jpg", "/bilder/logo.gif", "/media/filmer/"],
)  # fmt: skip
def test_not_found(target):
    response = render(target)
    assert response.status == 404
    assert b"Not Found" in response.body


def test_robots_and_admin():
    robots = render("/robots.txt")
    assert robots.status == 200 and robots.headers["Content-Type"].startswith("text/plain")
    assert b"User-agent: *" in robots.body and b"Disallow: /admin/" in robots.body
    assert render("/admin/").status == 403 and render("/admin/login.php").status == 403


MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/gif": b"GIF89a", "image/jpeg": b"\xff\xd8\xff"}


@pytest.mark.parametrize(
    "path",
    ["/bilder/logo.png", "/bilder/black.png", "/bilder/2017/986_3.jpg", "/bilder/thumbs/2017/986_3.jpg",
     "/bilder/2009/cykelbanan_svartan.gif", "/bilder/2008/kulturnatt_1.jpg"],
)  # fmt: skip
def test_images_are_real_images(path):
    response = render(path)
    assert response.status == 200
    ctype = response.headers["Content-Type"]
    assert response.body.startswith(MAGIC[ctype])
    assert int(response.headers["Content-Length"]) == len(response.body)
    if ctype == "image/png":
        assert response.body.endswith(b"IEND\xaeB`\x82")
    if ctype == "image/jpeg":
        assert response.body.endswith(b"\xff\xd9")
    if ctype == "image/gif":
        assert response.body.endswith(b"\x00;")
    assert render(path).body == response.body


# -- encodings and layouts -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_encodings(layout, encoding):
    response = render("/artiklar.php?id=833", layout=layout, encoding=encoding)  # title with "–" and "å"
    body, ctype = response.body, response.headers["Content-Type"]
    title = "Valvaka i Rådhuset – spänning in i det sista."
    meta = re.search(rb"<meta[^>]*charset=[\"']?([\w-]+)", body, re.I)
    if encoding == "utf8":
        assert ctype == "text/html; charset=utf-8"
        assert meta and meta.group(1).lower() == b"utf-8"
        assert title.encode("utf-8") in body
    else:
        assert title.encode("cp1252") in body
        assert b"\xe5" in body and b"\x96" in body and "å".encode() not in body
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
    if encoding == "latin1":
        assert ctype == "text/html; charset=iso-8859-1" and meta is None
    if encoding == "cp1252-meta":
        assert ctype == "text/html" and meta and meta.group(1).lower() == b"windows-1252"
    if encoding == "nocharset":
        assert ctype == "text/html" and b"charset" not in body.lower()
    if encoding == "wrong-header":
        assert ctype == "text/html; charset=utf-8" and b"charset" not in body.lower()


def test_default_variants_by_page(by_id):
    assert render("/artiklar.php?id=119").headers["Content-Type"] == "text/html; charset=iso-8859-1"
    assert render("/artiklar.php?id=204").headers["Content-Type"] == "text/html"  # flat, nocharset
    assert b"<TABLE" in render("/artiklar.php?id=119").body
    assert b"<center>" in render("/artiklar.php?id=204").body
    assert render("/artiklar.php?id=1321").body.startswith(b"<!DOCTYPE html>")


def test_layouts_differ():
    pages = {layout: decode(render("/artiklar.php?id=986", layout=layout)) for layout in LAYOUTS}
    assert pages["div"].startswith("<!DOCTYPE html>") and "<p>" in pages["div"]
    assert "HTML 4.01 Transitional" in pages["table"] and "<TABLE" in pages["table"]
    assert "<font face=" in pages["table"] and "&aring;" in pages["table"] and "&copy;" in pages["table"]
    assert "<br><br>" in pages["table"]
    assert "<!DOCTYPE" not in pages["flat"] and "<center>" in pages["flat"] and "<dl>" in pages["flat"]
    assert '<span class="etikett">Publicerat:</span>' in pages["flat"]
    assert len({visible_text(p).count("Kulturnatten 2017 slog publikrekord.") for p in pages.values()}) == 1
    with pytest.raises(ValueError):
        render("/", layout="nope")
    with pytest.raises(ValueError):
        render("/", encoding="nope")


def test_escaping_traps(by_id):
    script = decode(render("/artiklar.php?id=1003"))
    assert "<script>alert" not in script and '&lt;script&gt;alert("hej")&lt;/script&gt;' in script
    assert '<script>alert("hej")</script>' in visible_text(script)
    for layout in LAYOUTS:
        leaked = decode(render("/artiklar.php?id=345", layout=layout))
        assert 'style="width:100%;background-image:URL(bilder/black.png)">' in visible_text(leaked)
        assert "©copy;2009 Johan Gullberg" in visible_text(decode(render("/artiklar.php?id=312", layout=layout)))


# -- synthetic articles and the server -----------------------------------------------------------------


def test_extra_articles():
    base = load_articles()
    more = load_articles(30)
    assert more[: len(base)] == base and len(more) == len(base) + 30
    extra = more[len(base) :]
    assert extra == load_articles(30)[len(base) :]  # deterministic
    assert min(a["id"] for a in extra) > max(a["id"] for a in base)
    for a in extra:
        assert a["template"] == "modern" and a["gallery_line"] and a["images"] and a["in_archive"]
        assert a["image_count"] == len(a["images"])
        assert a["published"] >= base[-1]["published"] and a["published"].startswith("2025")
        for c in a["comments"] or []:
            assert c["posted"] == expected_posted(c)
    assert sum(bool(a["comments"]) for a in extra) >= 5
    a = extra[-1]
    assert render(f"/artiklar.php?id={a['id']}").status == 404
    assert render(f"/artiklar.php?id={a['id']}&img=1", extra_articles=30).status == 200
    archive = decode(render(f"/art_ar.php?ar=2025&kat_id={a['category']}", extra_articles=30))
    assert f'artiklar.php?id={a["id"]}"' in archive
    seen = crawl(extra_articles=30)
    assert {f"/artiklar.php?id={x['id']}" for x in extra} <= set(seen)


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_server_over_http():
    with MirrorServer() as mirror:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", mirror.base_url)
        status, headers, body = fetch(mirror.base_url + "/index.php")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert body == render("/index.php").body
        status, _, body = fetch(mirror.base_url + "/robots.txt")
        assert status == 200 and b"Disallow: /admin/" in body
        assert fetch(mirror.base_url + "/artiklar.php?id=120")[0] == 404
        assert fetch(mirror.base_url + "/admin/")[0] == 403
        status, headers, body = fetch(mirror.base_url + "/bilder/logo.png")
        assert status == 200 and headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")
        assert mirror.requests == [
            "/index.php", "/robots.txt", "/artiklar.php?id=120", "/admin/", "/bilder/logo.png",
        ]  # fmt: skip
    with MirrorServer(layout="table", encoding="nocharset", extra_articles=3) as mirror:
        status, headers, body = fetch(mirror.base_url + "/artiklar.php?id=1322")
        assert status == 200 and headers["Content-Type"] == "text/html" and b"<TABLE" in body
        assert Counter(mirror.requests) == {"/artiklar.php?id=1322": 1}


# -- the Video and Kalender sections -------------------------------------------------------------------

CLOCK = date(2026, 11, 25)  # the machine clock of the project
ISO_DAY = r"\d{4}-\d{2}-\d{2}"
HM = r"(\d{1,2})\.(\d{2})"
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
LIST_TEXTS = re.compile(r"^(?:\d+|« Föregående|Nästa sida »)$")


@pytest.fixture(scope="module")
def videos() -> list[dict]:
    return load_videos()


@pytest.fixture(scope="module")
def events() -> list[dict]:
    return load_events()


def page_links(html: str, page_path: str) -> list[tuple[str, str]]:
    """(request target on the mirror, normalised link text) of every on-site link of a page."""
    out = []
    for a in parsel.Selector(text=html).xpath("//a[@href]"):
        href = a.attrib["href"]
        if href.startswith(("javascript:", "#", "mailto:")):
            continue
        parts = urlsplit(urljoin("http://mirror" + page_path, href))
        if parts.hostname not in SITE_HOSTS | {"mirror"}:
            continue
        out.append(
            (parts.path + ("?" + parts.query if parts.query else ""), norm(" ".join(a.xpath(".//text()").getall())))
        )
    return out


def content_text(html: str) -> str:
    """The visible text after the chrome (the video sidebar ends it)."""
    return visible_text(html).split("Du hitter fler videos under menyn Video.", 1)[1]


def get(target: str, scheme: str, layout: str | None = None, encoding: str | None = None) -> str:
    response = render(target, layout=layout, encoding=encoding, scheme=scheme)
    assert response.status == 200, (target, scheme, layout, response.status)
    return decode(response)


def list_path(section: str, scheme: str) -> str:
    return {("video", "a"): "/video.php", ("video", "b"): "/media/filmer/",
            ("calendar", "a"): "/kalender.php", ("calendar", "b"): "/evenemang/"}[(section, scheme)]  # fmt: skip


def expected_embed(video: dict) -> str:
    return urljoin("http://mirror/", video["embed_url"])


def resolve_player_url(url: str, page_path: str) -> str:
    return "https:" + url if url.startswith("//") else urljoin("http://mirror" + page_path, url)


def duration_seconds(raw: str) -> int:
    if m := re.fullmatch(r"(\d+) min (\d+) s", raw):
        return int(m.group(1)) * 60 + int(m.group(2))
    total = 0
    for part in raw.split(":"):
        total = total * 60 + int(part)
    return total


def words_date(raw: str) -> str | None:
    m = re.fullmatch(r"(\d{1,2}) ([a-zåäö]+) (\d{4})", raw)
    return date(int(m.group(3)), MONTHS.index(m.group(2)) + 1, int(m.group(1))).isoformat() if m else None


def at(day: str, hm: tuple[str, str] | None) -> str:
    if hm is None:
        return day
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, int(hm[0]), int(hm[1]), tzinfo=TZ).isoformat()


def expected_times(event: dict) -> tuple[str | None, str | None, str | None, str]:
    """(starts_at, ends_at, previous_starts_at, form) read from the printed date lines, one rule per form."""
    lines = event["date_text"]
    day = start = end = previous = None
    heading_year = None
    form = None
    for line in lines:
        if m := re.fullmatch(rf"Datum: ({ISO_DAY})", line):
            day, form = m.group(1), form or "Datum"
        elif m := re.fullmatch(rf"Tid: {HM}[–-]{HM}", line):
            start, end, form = m.group(1, 2), m.group(3, 4), "Datum+Tid"
        elif m := re.fullmatch(rf"kl\. {HM}", line):
            start, form = m.group(1, 2), "Datum+kl"
        elif m := re.fullmatch(rf"({ISO_DAY}) – ({ISO_DAY})", line):
            return m.group(1), m.group(2), None, "multi-day"
        elif m := re.fullmatch(r"(\d{1,2}) ([a-zåäö]+) (\d{4})", line):
            day, form = words_date(line), "words"
        elif m := re.fullmatch(r"([A-ZÅÄÖ][a-zåäö]+) (\d{4})", line):
            heading_year = (MONTHS.index(m.group(1).lower()) + 1, int(m.group(2)))
        elif m := re.fullmatch(r"([a-zåäö]+) (\d{1,2}) ([a-zåäö]+) kl (\d{1,2})", line):
            month = MONTHS.index(m.group(3)) + 1
            assert heading_year and heading_year[0] == month, line  # the heading makes the year certain
            d = date(heading_year[1], month, int(m.group(2)))
            assert WEEKDAYS[d.weekday()] == m.group(1)
            day, start, form = d.isoformat(), (m.group(4), "00"), "weekday+heading"
        elif m := re.fullmatch(rf"\d{{1,2}}/\d{{1,2}} kl\. {HM}", line):
            return None, None, None, "no year"
        elif m := re.fullmatch(rf"Framflyttat! Nytt datum: ({ISO_DAY})", line):
            previous, day, form = day, m.group(1), "moved"
        elif re.fullmatch(ISO_DAY, line):
            day, form = line, "sidebar"
        else:
            raise AssertionError(f"unknown date line {line!r}")
    return at(day, start), at(day, end) if end else None, previous, form


def test_video_truth(videos, articles):
    by_title = {a["title"]: a for a in articles}
    ids = [v["id"] for v in videos]
    assert len(videos) >= 12 and ids == sorted(set(ids)) and len(set(range(1, ids[-1] + 1)) - set(ids)) >= 2
    dated = [v for v in videos if v["published"]]
    assert [v["published"] for v in dated] == sorted(v["published"] for v in dated)  # ids rise with the date
    assert dated[0]["published"][:4] == "2008" and dated[-1]["published"][:4] == "2025"
    for v in videos:
        player = v["player"]
        assert v["slug"] and re.fullmatch(r"[a-z0-9-]+", v["slug"])
        raw = v["published_raw"]
        if raw is None:
            assert v["published"] is None
        elif re.fullmatch(ISO_DAY, raw):
            assert v["published"] == raw
        else:
            assert v["published"] == words_date(raw)
        assert v["duration"] == (duration_seconds(v["duration_raw"]) if v["duration_raw"] else None)
        src = player["src"]
        assert v["embed_url"] == ("https:" + src if src.startswith("//") else src)
        assert v["thumbnail_url_path"] == v["thumbnail"]
        if player["kind"] in ("youtube", "vimeo"):
            assert player["provider_id"] and player["provider_id"] in src
        else:
            assert player["provider_id"] is None and not re.match(r"(https?:)?//", src)
        if v["article_id"] is not None and not v["article_link"]:
            assert by_title[v["title"]]["id"] == v["article_id"]  # matched by title only
        if v["article_link"]:
            assert v["article_href"].endswith(f"artiklar.php?id={v['article_id']}")
        if v["description"]:
            assert "\n\n\n" not in v["description"] and v["description"] == v["description"].strip()
    kinds = Counter((v["player"]["kind"], v["player"]["markup"]) for v in videos)
    for pair in [("youtube", "iframe"), ("youtube", "object"), ("vimeo", "iframe"), ("file", "video"),
                 ("flash", "object"), ("flash", "embed")]:  # fmt: skip
        assert kinds[pair], pair
    srcs = [v["player"]["src"] for v in videos if v["player"]["kind"] == "youtube"]
    assert any(s.startswith("//") and "?" in s for s in srcs) and any(s.startswith("//") and "?" not in s for s in srcs)
    assert any(s.startswith("https://") and "?" in s for s in srcs)
    assert any(s.startswith("https://") and "?" not in s for s in srcs)
    files = [v for v in videos if v["player"]["markup"] == "video"]
    assert {v["player"]["source_element"] for v in files} == {True, False} and all(v["thumbnail"] for v in files)
    flash = [v for v in videos if v["player"]["markup"] == "object" and v["player"]["kind"] == "flash"]
    assert all(v["player"]["file"] for v in flash) and all(v["published"] < "2011" for v in flash)
    assert any(v["thumbnail"] for v in flash) and any(not v["thumbnail"] for v in flash)
    raws = [v["duration_raw"] for v in videos]
    assert None in raws and any(re.fullmatch(r"\d+:\d{2}", r or "") for r in raws)
    assert any(re.fullmatch(r"\d+ min \d+ s", r or "") for r in raws)
    published = [v["published_raw"] for v in videos]
    assert sum(bool(re.fullmatch(ISO_DAY, r or "")) for r in published) > len(videos) // 2
    assert any(r and words_date(r) for r in published)
    assert sum(v["article_id"] is None for v in videos) >= 2
    assert any(v["article_link"] for v in videos)
    assert any(v["article_id"] and not v["article_link"] for v in videos)
    assert any(v["description"] is None for v in videos) and any("\n\n" in (v["description"] or "") for v in videos)
    assert any(all(ch in v["title"] for ch in "åäö–") for v in videos)
    sidebar = [v["title"] for v in load_site_config()["sidebar_videos"]]
    assert sidebar == [v["title"] for v in reversed(videos)][:4]
    assert all(by_title[t]["id"] == next(v["article_id"] for v in videos if v["title"] == t) for t in sidebar)
    assert {(v["layout"], v["encoding"]) for v in videos} >= {("table", "latin1"), ("div", "utf8"), ("flat", "utf8")}


def test_event_truth(events):
    ids = [e["id"] for e in events]
    assert len(events) >= 14 and ids == sorted(set(ids))
    forms = set()
    for e in events:
        starts, ends, previous, form = expected_times(e)
        forms.add(form)
        assert (e["starts_at"], e["ends_at"], e["previous_starts_at"]) == (starts, ends, previous), e["id"]
        assert e["all_day"] == (e["starts_at"] is not None and "T" not in e["starts_at"]) or form == "no year"
        assert e["status"] in ("scheduled", "cancelled", "postponed")
        if e["status"] != "scheduled" or e["previous_starts_at"]:
            raw = e["status_raw"]
            assert raw in e["title"] or raw in e["date_text"] or raw.startswith(("Inställt", "Uppskjutet"))
        if e["in_sidebar"]:
            assert e["sidebar_date"] == e["starts_at"][:10]
        else:
            assert e["sidebar_date"] is None
        if not e["has_page"]:
            assert e["in_sidebar"] and e["all_day"] and e["date_text"] == [e["sidebar_date"]]
            assert e["location"] is e["organiser"] is e["description"] is None
    assert forms == {"Datum", "Datum+Tid", "Datum+kl", "multi-day", "words", "weekday+heading", "no year", "moved",
                     "sidebar"}  # fmt: skip
    offsets = {e["starts_at"][-6:] for e in events if e["starts_at"] and "T" in e["starts_at"]}
    assert offsets == {"+01:00", "+02:00"}
    late_october = [
        e for e in events if e["starts_at"] and e["starts_at"][5:10] >= "10-26" and e["starts_at"][5:7] == "10"
    ]
    assert late_october and all(e["starts_at"].endswith("+01:00") for e in late_october)
    late_march = [e["starts_at"] for e in events if e["starts_at"] and e["starts_at"][5:10] >= "03-25"
                  and e["starts_at"][5:7] == "03"]  # fmt: skip
    assert {s[-6:] for s in late_march} == {"+01:00", "+02:00"}
    assert any(" – " not in line and "–" in line for e in events for line in e["date_text"])  # Tid: 13.00–17.00
    assert any(re.search(r"\d-\d", line) and line.startswith("Tid:") for e in events for line in e["date_text"])
    statuses = Counter(e["status"] for e in events)
    assert statuses["cancelled"] >= 2 and statuses["postponed"] >= 1
    assert any(e["status"] == "cancelled" and e["title"].startswith("INSTÄLLT") for e in events)
    assert any(e["status"] == "cancelled" and e["status_raw"] == "Inställt." for e in events)
    assert any(e["previous_starts_at"] for e in events)
    assert sum(not e["has_page"] for e in events) >= 2
    assert any(e["location"] for e in events) and any(e["location"] is None and e["has_page"] for e in events)
    assert any(e["organiser"] for e in events) and any(e["organiser"] is None and e["has_page"] for e in events)
    starts = [date.fromisoformat(e["starts_at"][:10]) for e in events if e["starts_at"]]
    assert any(d < CLOCK for d in starts) and any(d > CLOCK for d in starts)
    assert sum(2024 <= d.year <= 2027 for d in starts) > len(starts) * 3 // 4
    config = load_site_config()
    sidebar = sorted((e for e in events if e["in_sidebar"]), key=lambda e: e["sidebar_date"])
    assert config["calendar"] == [{"date": e["sidebar_date"], "title": e["title"]} for e in sidebar]


def test_load_videos_and_events_return_copies():
    first, events = load_videos(), load_events()
    first[0]["title"] = events[0]["title"] = "changed"
    assert load_videos()[0]["title"] != "changed" and load_events()[0]["title"] != "changed"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_menu_links_point_to_the_list_pages(videos, events, scheme, layout):
    targets = ["/", "/artiklar.php?id=119", "/om.php", list_path("video", scheme), list_path("calendar", scheme),
               videos[0]["paths"][scheme], next(e for e in events if e["has_page"])["paths"][scheme]]  # fmt: skip
    for target in targets:
        links = page_links(get(target, scheme, layout), target)
        assert [t for t, text in links if text == "Video"] == [list_path("video", scheme)], (target, layout)
        assert [t for t, text in links if text == "Kalender"] == [list_path("calendar", scheme)], (target, layout)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_sidebars_link_their_entries(videos, events, scheme, layout):
    for target in ("/", list_path("video", scheme), videos[3]["paths"][scheme]):
        html = get(target, scheme, layout)
        text = visible_text(html)
        sidebar = text[text.index("I Kalendern:") : text.index("Du hitter fler videos")]
        links = page_links(html, target)
        position = 0
        for e in sorted((e for e in events if e["in_sidebar"]), key=lambda e: e["sidebar_date"]):
            entry = f"{e['sidebar_date']} {e['title']}"
            position = sidebar.index(entry, position)  # a date line, then the title, in date order
            linked = [t for t, text in links if text == e["title"]]
            assert linked == ([e["paths"][scheme]] if e["has_page"] else []), (e["title"], layout)
        head = sidebar.index("De senaste 5 videona.")
        titles = [v["title"] for v in reversed(videos)][:4]
        assert [sidebar.index(t, head) for t in titles] == sorted(sidebar.index(t, head) for t in titles)
        for v in videos[-4:]:
            assert (v["paths"][scheme], v["title"]) in links


def walk_list(section: str, scheme: str, layout: str | None) -> dict[str, str]:
    """Every list page reached from the menu link by the pagination links: {target: html}."""
    start = list_path(section, scheme)
    pages, queue = {}, [start]
    while queue:
        target = queue.pop(0)
        if target in pages:
            continue
        pages[target] = get(target, scheme, layout)
        content = pages[target][pages[target].index("Du hitter fler videos") :]
        queue += [t for t, text in page_links(content, target) if LIST_TEXTS.match(text)]
    return pages


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_pagination_reaches_every_entry(videos, events, scheme, layout):
    pages = walk_list("video", scheme, layout)
    assert len(pages) == 3
    found = {}
    for target, html in pages.items():
        content = html[html.index("Du hitter fler videos") :]
        for t, text in page_links(content, target):
            found.setdefault(text, set()).add(t)
    for v in videos:
        assert found[v["title"]] == {v["paths"][scheme]}, v["id"]
    first = content_text(pages[list_path("video", scheme)])
    newest = videos[-1]
    assert first.index(newest["published_raw"]) < first.index(newest["title"]) < first.index(videos[-2]["title"])
    assert "Nästa sida »" in first and "« Föregående" not in first

    pages = walk_list("calendar", scheme, layout)
    assert len(pages) == math.ceil(len(events) / 5)
    texts = " ".join(content_text(html) for html in pages.values())
    linked = {}
    for target, html in pages.items():
        for t, text in page_links(html[html.index("Du hitter fler videos") :], target):
            linked[text] = t
    for e in events:
        day = e["starts_at"][:10] if e["starts_at"] else e["date_text"][0]
        assert f"{day} {e['title']}" in texts, e["id"]
        assert linked.get(e["title"]) == e["paths"][scheme], e["id"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_video_pages_show_the_truth(videos, scheme, layout):
    for v in videos:
        target = v["paths"][scheme]
        html = get(target, scheme, layout)
        text = content_text(html)
        assert text.count(v["title"]) == 1
        if v["published_raw"]:
            assert f"Publicerat: {v['published_raw']}" in text
            assert text.index("Publicerat:") < text.index(v["title"])
        else:
            assert "Publicerat:" not in text
        assert (f"Längd: {v['duration_raw']}" in text) == bool(v["duration_raw"]) and ("Längd:" in text) == bool(
            v["duration_raw"]
        )
        for paragraph in (v["description"] or "").split("\n\n"):
            assert paragraph in text
        links = page_links(html, target)
        article = [t for t, label in links if label == "Läs artikeln"]
        assert article == ([f"/artiklar.php?id={v['article_id']}"] if v["article_link"] else [])
        assert [t for t, label in links if label == "Tillbaka"] == [list_path("video", scheme)]
        sel = parsel.Selector(text=html)
        markup = v["player"]["markup"]
        element = sel.xpath(f"//{markup}")
        assert len(element) >= 1, (v["id"], layout)
        if markup == "iframe":
            urls = element.xpath("@src").getall()
        elif markup == "video":
            urls = element.xpath("@src | source/@src").getall()
            assert [resolve_player_url(u, target) for u in element.xpath("@poster").getall()] == [
                urljoin("http://mirror/", v["thumbnail"])
            ]
        elif markup == "object":
            urls = element.xpath("@data | param[@name='movie']/@value | .//embed/@src").getall()
        else:
            urls = element.xpath("@src").getall()
        assert {resolve_player_url(u, target) for u in urls} == {expected_embed(v)}, (v["id"], layout, urls)
        if v["player"]["file"]:
            flashvars = element.xpath("param[@name='flashvars']/@value").get()
            assert resolve_player_url(flashvars.split("file=")[1].split("&")[0], target) == urljoin(
                "http://mirror/", v["player"]["file"]
            )
            if v["thumbnail"]:
                assert "image=" + urlsplit(urljoin("http://mirror/", v["thumbnail"])).path in flashvars.replace(
                    "image=bilder", "image=/bilder"
                )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_event_pages_show_the_truth(events, scheme, layout):
    for e in events:
        if not e["has_page"]:
            assert e["paths"] == {"a": None, "b": None}
            continue
        target = e["paths"][scheme]
        html = get(target, scheme, layout)
        text = content_text(html)
        assert text.count(e["title"]) == 1
        position = 0
        for line in e["date_text"]:
            position = text.index(line, position)
        headings = [line for line in e["date_text"] if re.fullmatch(r"[A-ZÅÄÖ][a-zåäö]+ \d{4}", line)]
        for heading in headings:  # the month heading sits above the title
            assert text.index(heading) < text.index(e["title"])
        assert ("Plats:" in text) == bool(e["location"]) and ("Arrangör:" in text) == bool(e["organiser"])
        if e["location"]:
            assert f"Plats: {e['location']}" in text
        if e["organiser"]:
            assert f"Arrangör: {e['organiser']}" in text
        if e["status_raw"]:
            assert e["status_raw"] in text
        if e["status"] == "scheduled" and not e["previous_starts_at"]:
            assert not re.search(r"inställt|uppskjutet|framflyttat", text, re.I)
        for paragraph in (e["description"] or "").split("\n\n"):
            assert paragraph in text
        assert [t for t, label in page_links(html, target) if "Tillbaka" in label] == [list_path("calendar", scheme)]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_section_pages_in_every_layout_and_encoding(videos, events, scheme):
    targets = [v["paths"][scheme] for v in videos[:3]] + [e["paths"][scheme] for e in events if e["has_page"]][:3]
    targets += [list_path("video", scheme), list_path("calendar", scheme)]
    title = next(v for v in videos if all(ch in v["title"] for ch in "åäö–"))
    for layout in LAYOUTS:
        for encoding in ENCODINGS:
            for target in targets:
                assert render(target, layout=layout, encoding=encoding, scheme=scheme).status == 200
            body = render(title["paths"][scheme], layout=layout, encoding=encoding, scheme=scheme).body
            assert title["title"].encode("utf-8" if encoding == "utf8" else "cp1252") in body
    # each page's default variant
    for v in videos:
        response = render(v["paths"][scheme], scheme=scheme)
        assert response.headers["Content-Type"] == {"utf8": "text/html; charset=utf-8",
            "latin1": "text/html; charset=iso-8859-1", "cp1252-meta": "text/html", "nocharset": "text/html",
            "wrong-header": "text/html; charset=utf-8"}[v["encoding"]]  # fmt: skip
        assert (b"<TABLE" in response.body) == (v["layout"] == "table")


def test_chrome_on_section_pages(videos, events):
    order = ["×", "Start", "Arkiv", "Video", "Kalender", "Om Knytpunkt", "I Kalendern:", "De senaste 5 videona.",
             "Du hitter fler videos under menyn Video."]  # fmt: skip
    for scheme in SCHEMES:
        for target in (list_path("video", scheme), videos[-1]["paths"][scheme], list_path("calendar", scheme),
                       events[0]["paths"][scheme]):  # fmt: skip
            for layout in LAYOUTS:
                html = get(target, scheme, layout)
                text = visible_text(html)
                positions = [text.index(label) for label in order]
                assert positions == sorted(positions), (target, layout)
                sel = parsel.Selector(text=html)
                logo = sel.xpath('//img[@alt="Logotyp Knytpunkt"]/@src').getall()
                assert [resolve_player_url(src, target) for src in logo] == ["http://mirror/bilder/logo.png"]
                assert "background-image:URL(bilder/black.png)" in html
                assert ("/admin/", "Logga in") in page_links(html, target)


def test_scheme_b_links_are_paths_only():
    for target, html in walk_list("video", "b", None).items():
        assert "?" not in target
        for t, _ in page_links(html, target):
            assert not re.search(r"(video|kalender)\.php", t)
    html = get("/", "b")
    assert "video.php" not in html and "kalender.php" not in html
    assert html.replace("/media/filmer/", "").replace("/evenemang/", "") != html


@pytest.mark.parametrize(
    ("scheme", "target"),
    [("a", "/video.php?id=5"), ("a", "/video.php?id=999"), ("a", "/video.php?id=abc"), ("a", "/video.php?id="),
     ("a", "/video.php?sida=0"), ("a", "/video.php?sida=4"), ("a", "/video.php?sida=x"), ("a", "/kalender.php?id=10"),
     ("a", "/kalender.php?id=12"), ("a", "/kalender.php?id=99"), ("a", "/kalender.php?sida=5"),
     ("a", "/media/filmer/"), ("a", "/evenemang/"),
     ("b", "/video.php"), ("b", "/video.php?id=1"), ("b", "/kalender.php"), ("b", "/kalender.php?id=1"),
     ("b", "/media/filmer/5-x.html"), ("b", "/media/filmer/10-fel-slug.html"), ("b", "/media/filmer/999-x.html"),
     ("b", "/media/filmer/sida-1/"), ("b", "/media/filmer/sida-4/"), ("b", "/media/filmer/10"),
     ("b", "/evenemang/arkiv-1.html"), ("b", "/evenemang/arkiv-5.html"),
     ("b", "/evenemang/2024/09/14/skordefest-i-wadkoping/"),
     ("b", "/evenemang/2025/12/13/luciakonsert-i-nikolaikyrkan/"),
     ("b", "/evenemang/odaterat/nope/"), ("b", "/evenemang/2024/05/18/varmarknad-pa-stortorget")],
)  # fmt: skip
def test_section_not_found(scheme, target):
    response = render(target, scheme=scheme)
    assert response.status == 404, (scheme, target)
    assert b"Not Found" in response.body


def test_scheme_b_redirects_the_bare_directory():
    response = render("/media/filmer", scheme="b")
    assert response.status == 301 and response.headers["Location"] == "/media/filmer/"
    assert render("/evenemang", scheme="b").headers["Location"] == "/evenemang/"
    with pytest.raises(ValueError):
        render("/", scheme="c")
    with pytest.raises(ValueError):
        MirrorServer(scheme="c")


def test_thumbnails_and_player_files_are_served(videos):
    for v in videos:
        if v["thumbnail"]:
            response = render("/" + v["thumbnail"])
            assert response.status == 200 and response.body.startswith(MAGIC["image/jpeg"])
        for url in (v["player"]["src"], v["player"]["file"]):
            if url and not re.match(r"(https?:)?//", url):
                response = render("/" + url)
                assert response.status == 200 and response.headers["Content-Type"].startswith(
                    ("video/", "application/")
                )
    assert render("/video/2099/none.mp4").status == 404


def test_server_and_cli_serve_scheme_b():
    with MirrorServer(scheme="b") as mirror:
        status, _, body = fetch(mirror.base_url + "/media/filmer/")
        assert status == 200 and body == render("/media/filmer/", scheme="b").body
        assert fetch(mirror.base_url + "/video.php")[0] == 404
    command = [sys.executable, "-m", "knytscrape.mirror", "--port", "0", "--scheme", "b"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        base = re.search(r"http://127\.0\.0\.1:\d+", line).group()
        assert fetch(base + "/evenemang/")[0] == 200 and fetch(base + "/kalender.php")[0] == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- changing the site between crawls ------------------------------------------------------------------


@pytest.fixture
def changing():
    """A fresh server (scheme "a") for one test that changes its site."""
    with MirrorServer() as server:
        yield server


def served(server: MirrorServer, target: str) -> str:
    response = server.render(target)
    assert response.status == 200, (target, response.status)
    return decode(response)


def status_of(server: MirrorServer, target: str) -> int:
    return server.render(target).status


def home_ids(server: MirrorServer) -> list[int]:
    return [int(i) for i in re.findall(r'artiklar\.php\?id=(\d+)"', served(server, "/"))]


def last_modified(server: MirrorServer, target: str) -> datetime:
    return email.utils.parsedate_to_datetime(server.render(target).headers["Last-Modified"])


def by_key(records: list[dict]) -> dict[int, dict]:
    return {r["id"]: r for r in records}


def test_a_new_server_serves_the_content_files(changing):
    changing.remove_article(1321)
    changing.remove_event(13)
    with MirrorServer(extra_articles=3) as fresh:
        assert fresh.generation == 0
        assert fresh.truth() == {"articles": load_articles(3), "videos": load_videos(), "events": load_events()}
        for target in ("/", "/artiklar.php?id=1321", "/kalender.php?id=13", "/video.php", "/om.php"):
            assert fresh.render(target).body == render(target, extra_articles=3).body
    assert changing.generation == 2
    assert render("/artiklar.php?id=1321").status == 200 and 1321 in by_key(load_articles())
    assert MirrorServer().truth()["events"] == load_events()


def test_truth_is_a_copy_and_mutate_gets_one(changing):
    truth = changing.truth()
    truth["articles"][0]["title"] = "changed"
    assert changing.truth()["articles"][0]["title"] != "changed"
    kept = {}

    def edit(t):
        kept["article"] = by_key(t["articles"])[1321]
        kept["article"]["title"] = "Ny rubrik."
        return "done"

    assert changing.mutate(edit) == "done"
    kept["article"]["title"] = "Ändrad efteråt."  # a reference kept by fn does not reach the served site
    assert by_key(changing.truth()["articles"])[1321]["title"] == "Ny rubrik."
    assert "Ny rubrik." in served(changing, "/artiklar.php?id=1321")


CREDIT_2025 = "© 2025 Johan Gullberg - knytpunkt.com"


def test_new_article(changing):
    before = home_ids(changing)
    stored = changing.add_article(
        {
            "id": 1330,
            "category": 2,
            "published_raw": "2025-11-01",
            "title": "Nytt konstverk invigt vid Svartån.",
            "lead": "Skulpturen föreställer en häger.",
            "lead_image": "bilder/2025/1330_0.jpg",
            "credit": CREDIT_2025,
            "body": ["Konstnären var på plats.", "Verket kostade 400 000 kronor."],
            "images": [
                {"src": "bilder/2025/1330_1.jpg", "caption": "Hägern i brons.", "credit": CREDIT_2025},
                {"src": "bilder/2025/1330_2.jpg", "caption": "Invigningen.", "credit": CREDIT_2025},
            ],
            "comments": [make_comment("Anna", "Fin!", datetime(2025, 11, 1, 18, 5))],
        }
    )  # fmt: skip
    truth = by_key(changing.truth()["articles"])
    assert truth[1330] == stored
    assert stored["published"] == "2025-11-01" and stored["gallery_line"] == "2 Klickbara bilder."
    assert (
        stored["image_count"] == 2
        and stored["in_archive"]
        and (stored["layout"], stored["encoding"]) == ("div", "utf8")
    )
    assert stored["comments"][0]["posted"] == "2025-11-01T18:05:00+01:00" == expected_posted(stored["comments"][0])
    assert home_ids(changing) == [1330] + before[:9]  # the newest first; the tenth drops off
    archive = served(changing, "/art_ar.php?ar=2025&kat_id=2")
    assert 0 < archive.index("id=1330") < archive.index("id=1311")
    assert "Kommentarer [ 1 ]" in visible_text(archive)
    for layout in LAYOUTS:
        with MirrorServer(layout=layout) as server:
            server.add_article(stored)
            text = content_text(served(server, "/artiklar.php?id=1330"))
            assert text.count(stored["title"]) == 2 and "2 Klickbara bilder." in text and "Anna" in text
            assert all(p in text for p in stored["body"])
            box = lightbox_html(served(server, "/artiklar.php?id=1330&img=2"))
            assert [u.lstrip("/") for u in parsel.Selector(text=box).xpath("//img/@src").getall()] == [
                "bilder/2025/1330_2.jpg"
            ]
    seen = crawl(server=changing)
    assert {t: s for t, s in seen.items() if s != 200} == {}
    assert {"/artiklar.php?id=1330", "/artiklar.php?id=1330&img=2", "/bilder/thumbs/2025/1330_1.jpg"} <= set(seen)
    assert status_of(changing, "/bilder/2025/1330_0.jpg") == 200
    with pytest.raises(ValueError, match="already"):
        changing.add_article(stored)
    with pytest.raises(ValueError, match="needs"):
        changing.add_article({"id": 1331, "title": "Utan ingress."})


def test_edited_article(changing):
    old = by_key(changing.truth()["articles"])[986]
    about = last_modified(changing, "/om.php")
    credit = "© 2017 Johan Gullberg - knytpunkt.com"
    images = [{"src": f"bilder/2017/986_ny{k}.jpg", "caption": f"Ny bild {k}.", "credit": credit} for k in (1, 2, 3)]
    edited = changing.update_article(
        986,
        title="Tusentals i Kulturnatten, rättad.",
        lead="En ny ingress.",
        body=["Första stycket är nytt.", "Andra stycket med."],
        credit=credit,
        images=images,
        gallery_line="3 Klickbara bilder.",
        image_count=3,
    )
    assert by_key(changing.truth()["articles"])[986] == edited and edited["comments"] == old["comments"]
    text = content_text(served(changing, "/artiklar.php?id=986"))
    assert text.count("Tusentals i Kulturnatten, rättad.") == 2 and old["title"] not in text
    assert "En ny ingress." in text and old["lead"] not in text
    assert "Första stycket är nytt." in text and not any(p in text for p in old["body"])
    assert "3 Klickbara bilder." in text and old["gallery_line"] not in text and old["credit"] not in text
    box = lightbox_html(served(changing, "/artiklar.php?id=986&img=3"))
    assert "bilder/2017/986_ny3.jpg" in box and "Ny bild 3." in visible_text(box)
    assert "<img" not in lightbox_html(served(changing, "/artiklar.php?id=986&img=4")).lower()
    assert (
        status_of(changing, "/bilder/2017/986_ny2.jpg") == status_of(changing, "/bilder/thumbs/2017/986_ny2.jpg") == 200
    )
    assert status_of(changing, "/bilder/2017/986_5.jpg") == 404
    archive = visible_text(served(changing, "/art_ar.php?ar=2017&kat_id=4"))
    assert "© 2017 Johan Gullberg - knytpunkt.com Tusentals i Kulturnatten, rättad." in archive
    assert old["title"] not in archive
    # the chrome did not change: other pages keep their date, the article's is later
    assert last_modified(changing, "/om.php") == about < last_modified(changing, "/artiklar.php?id=986")
    with pytest.raises(ValueError, match="unknown article field"):
        changing.update_article(986, titel="Stavfel")
    with pytest.raises(KeyError):
        changing.update_article(987, title="Finns inte")


def test_comments_added_and_removed(changing):
    added = changing.add_comment(1302, {"author": "Sven", "text": "Första!\n\nOch andra stycket.",
                                        "posted": "2025-05-17T20:15", "style": "skrivet_av"})  # fmt: skip
    assert added["posted_raw"] == "17 maj 2025 kl. 20.15" and added["posted"] == expected_posted(added)
    removed = changing.remove_comment(1321, 0)
    assert removed["text"] == "Rör inte lindarna!"
    truth = by_key(changing.truth()["articles"])
    assert truth[1302]["comments"] == [added] and len(truth[1321]["comments"]) == 3
    text = content_text(served(changing, "/artiklar.php?id=1302"))
    assert "Kommentarer:" in text and "Skrivet av: Sven" in text and "Och andra stycket." in text
    assert "Rör inte lindarna!" not in served(changing, "/artiklar.php?id=1321")
    assert "Kommentarer [ 1 ]" in visible_text(served(changing, "/art_ar.php?ar=2025&kat_id=4"))
    assert "Kommentarer [ 3 ]" in visible_text(served(changing, "/art_ar.php?ar=2025&kat_id=3"))
    last = changing.remove_comment(1302, -1)
    assert last == added and by_key(changing.truth()["articles"])[1302]["comments"] == []
    assert "Kommentarer:" in served(changing, "/artiklar.php?id=1302")  # the section and the form stay
    with pytest.raises(IndexError):
        changing.remove_comment(1311, 0)  # no comment section


def test_removed_article(changing):
    before = home_ids(changing)
    removed = changing.remove_article(1293)
    assert removed["id"] == 1293 and 1293 not in by_key(changing.truth()["articles"])
    for target in ("/artiklar.php?id=1293", "/artiklar.php?id=1293&img=1"):
        assert status_of(changing, target) == 404
    older = next(a["id"] for a in reversed(load_articles()) if a["in_archive"] and a["id"] not in before)
    assert home_ids(changing) == [i for i in before if i != 1293] + [older]
    assert "Inga artiklar." in visible_text(served(changing, "/art_ar.php?ar=2025&kat_id=1"))
    assert "art_ar.php?ar=2025&amp;kat_id=1" not in served(changing, "/om.php")  # its archive left the chrome
    seen = crawl(server=changing)
    assert {t: s for t, s in seen.items() if s != 200} == {}
    reached = {int(m.group(1)) for t in seen if (m := re.fullmatch(r"/artiklar\.php\?id=(\d+)", t))}
    assert reached == {a["id"] for a in changing.truth()["articles"] if a["in_archive"]}
    with pytest.raises(KeyError):
        changing.remove_article(1293)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_moved_event(scheme):
    with MirrorServer(scheme=scheme) as server:
        before = by_key(server.truth()["events"])[13]
        moved = server.update_event(
            13,
            date_text=["Datum: 2026-01-21", "Framflyttat! Nytt datum: 2027-01-13"],
            starts_at="2027-01-13",
            all_day=True,
            previous_starts_at="2026-01-21",
            status="postponed",
            status_raw="Framflyttat! Nytt datum: 2027-01-13",
        )
        assert moved["sidebar_date"] == "2027-01-13"  # follows starts_at
        assert moved["paths"] == before["paths"]  # the URL keeps the old date
        assert expected_times(moved)[:3] == (moved["starts_at"], moved["ends_at"], moved["previous_starts_at"])
        text = content_text(served(server, moved["paths"][scheme]))
        assert "Framflyttat! Nytt datum: 2027-01-13" in text
        html = served(server, "/")
        sidebar = visible_text(html)[: visible_text(html).index("De senaste 5 videona.")]
        assert "2027-01-13 Kommunfullmäktige sammanträder" in sidebar and "2026-01-21" not in sidebar
        assert sidebar.index("2026-12-12") < sidebar.index("2027-01-13")  # date order
        calendar = " ".join(content_text(served(server, t)) for t in walk_server_list(server, "calendar", scheme))
        assert "2027-01-13 Kommunfullmäktige sammanträder" in calendar
        assert by_key(server.truth()["events"])[13] == moved


def walk_server_list(server: MirrorServer, section: str, scheme: str) -> list[str]:
    """The list pages reached from the list's first page by its pagination links."""
    pages, queue = [], [list_path(section, scheme)]
    while queue:
        target = queue.pop(0)
        if target in pages:
            continue
        pages.append(target)
        html = served(server, target)
        queue += [
            t for t, text in page_links(html[html.index("Du hitter fler videos") :], target) if LIST_TEXTS.match(text)
        ]
    return pages


@pytest.mark.parametrize("scheme", SCHEMES)
def test_removed_events(scheme):
    with MirrorServer(scheme=scheme) as server:
        removed = server.remove_event(17)
        assert status_of(server, removed["paths"][scheme]) == 404
        assert 17 not in by_key(server.truth()["events"])
        for target in ("/", list_path("video", scheme)):
            assert removed["title"] not in visible_text(served(server, target))
        lists = walk_server_list(server, "calendar", scheme)
        assert len(lists) == 4 and all(removed["title"] not in served(server, t) for t in lists)
        server.mutate(lambda truth: [mutations.remove_event(truth, i) for i in (18, 19, 20, 21)])
        assert server.generation == 2
        events = server.truth()["events"]
        assert len(events) == 15 and len(walk_server_list(server, "calendar", scheme)) == 3
        last = {"a": "/kalender.php?sida=", "b": "/evenemang/arkiv-"}[scheme]
        suffix = "" if scheme == "a" else ".html"
        assert status_of(server, f"{last}3{suffix}") == 200 and status_of(server, f"{last}4{suffix}") == 404
        sidebar = visible_text(served(server, "/")).split("I Kalendern:", 1)[1].split("De senaste 5 videona.")[0]
        assert norm(sidebar) == " ".join(f"{e['sidebar_date']} {e['title']}" for e in events if e["in_sidebar"])


@pytest.mark.parametrize("scheme", SCHEMES)
def test_new_and_removed_videos(scheme):
    with MirrorServer(scheme=scheme) as server:
        title = by_key(server.truth()["articles"])[1321]["title"]
        new = server.add_video(
            {
                "id": 19,
                "slug": "lindarna-i-stadsparken",
                "title": title,
                "published_raw": "2025-10-12",
                "description": "Ett reportage om lindarna.",
                "player": {"kind": "file", "markup": "video", "src": "video/2025/lindarna.mp4"},
                "thumbnail": "bilder/video/19.jpg",
                "duration_raw": "1:30",
                "duration": 90,
                "article_id": 1321,
                "article_link": True,
                "article_href": "artiklar.php?id=1321",
            }
        )
        assert new["paths"] == {"a": "/video.php?id=19", "b": "/media/filmer/19-lindarna-i-stadsparken.html"}
        assert new["published"] == "2025-10-12" and new["embed_url"] == "video/2025/lindarna.mp4"
        assert (new["layout"], new["encoding"]) == ("div", "utf8")
        text = content_text(served(server, new["paths"][scheme]))
        assert "Publicerat: 2025-10-12" in text and "Längd: 1:30" in text and "Läs artikeln" in text
        for path in ("/bilder/video/19.jpg", "/video/2025/lindarna.mp4"):
            assert status_of(server, path) == 200
        videos = server.truth()["videos"]
        links = page_links(served(server, "/"), "/")
        video_pages = {v["paths"][scheme] for v in videos}
        sidebar = [t for t, _ in links if t in video_pages]
        assert sidebar == [v["paths"][scheme] for v in reversed(videos[-4:])]  # 19 pushed 15 out
        assert len(walk_server_list(server, "video", scheme)) == 4  # 16 videos
        removed = server.remove_video(17)
        assert status_of(server, removed["paths"][scheme]) == 404
        assert (
            status_of(server, "/" + removed["thumbnail"]) == 404
            and status_of(server, "/" + removed["player"]["src"]) == 404
        )
        assert [t for t, _ in page_links(served(server, "/"), "/") if t in video_pages] == [
            by_key(videos)[i]["paths"][scheme] for i in (19, 18, 16, 15)
        ]
        pages = walk_server_list(server, "video", scheme)
        assert len(pages) == 3 and all(f">{removed['title']}<" not in served(server, t) for t in pages)
        assert [v["id"] for v in server.truth()["videos"]][-4:] == [15, 16, 18, 19]


def test_bad_mutations_change_nothing(changing):
    body = changing.render("/").body

    def broken(truth):
        truth["articles"].pop()
        raise RuntimeError("halfway")

    with pytest.raises(RuntimeError):
        changing.mutate(broken)
    for edit in (
        lambda t: t["articles"].append(dict(t["articles"][0])),  # a duplicate id
        lambda t: t["videos"][0].update(slug="Med mellanslag"),
        lambda t: t["events"][0].pop("date_text"),
        lambda t: t["articles"][0].update(category=9),
        lambda t: t["articles"][-1]["comments"].append({"author": "x"}),
        lambda t: t.pop("events"),
        lambda t: mutations.add_video(  # a Flash <object> without flashvars cannot be written
            t, {"id": 19, "slug": "x", "title": "X", "player": {"kind": "flash", "markup": "object", "src": "f.swf"}}
        ),
    ):
        with pytest.raises(ValueError):
            changing.mutate(edit)
    assert changing.generation == 0 and changing.render("/").body == body
    assert changing.truth() == {"articles": load_articles(), "videos": load_videos(), "events": load_events()}


def test_make_comment_styles():
    when = datetime(2017, 10, 29, 14, 32)
    assert make_comment("A", "t", when)["posted_raw"] == "2017-10-29 14:32"
    assert make_comment("A", "t", when, "skrivet_av")["posted_raw"] == "29 oktober 2017 kl. 14.32"
    assert make_comment("A", "t", when, "pipe") == {"author": "A", "posted_raw": "29/10 2017", "posted": "2017-10-29",
                                                    "text": "t", "style": "pipe"}  # fmt: skip
    for style in ("skrev", "skrivet_av", "pipe"):
        comment = make_comment("A", "t", when, style)
        assert comment["posted"] == expected_posted(comment)
    with pytest.raises(ValueError):
        make_comment("A", "t", date(2017, 10, 29), "skrev")


def fetch_with(url: str, method: str = "GET", **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method, headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_etag_last_modified_and_304(changing):
    base = changing.base_url
    status, headers, body = fetch_with(base + "/artiklar.php?id=986")
    assert status == 200 and body == render("/artiklar.php?id=986").body
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert etag == '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    assert email.utils.parsedate_to_datetime(modified) == datetime(2025, 11, 16, tzinfo=ZoneInfo("UTC"))
    assert fetch_with(base + "/artiklar.php?id=986")[1]["ETag"] == etag  # stable
    assert fetch_with(base + "/bilder/logo.png")[1]["ETag"]  # every 200 answer
    later = "Wed, 25 Nov 2026 10:00:00 GMT"
    matching = [{"If-None-Match": etag}, {"If-None-Match": f'"x", W/{etag}'}, {"If-None-Match": "*"},
                {"If-Modified-Since": modified}, {"If-Modified-Since": later}]  # fmt: skip
    for headers_sent in matching:
        status, headers, body = fetch_with(base + "/artiklar.php?id=986", **headers_sent)
        assert (status, body, headers["ETag"], headers["Last-Modified"]) == (304, b"", etag, modified), headers_sent
        assert "Content-Type" not in headers
    earlier = "Sat, 15 Nov 2025 23:59:59 GMT"
    other = [{"If-None-Match": '"other"'}, {"If-Modified-Since": earlier}, {"If-Modified-Since": "not a date"},
             {"If-None-Match": '"other"', "If-Modified-Since": modified}]  # If-None-Match decides  # fmt: skip
    for headers_sent in other:
        assert fetch_with(base + "/artiklar.php?id=986", **headers_sent)[0] == 200, headers_sent
    assert fetch_with(base + "/artiklar.php?id=986", "HEAD", If_None_Match=etag)[0] == 304
    status, headers, _ = fetch_with(base + "/artiklar.php?id=120", If_None_Match="*")
    assert status == 404 and "ETag" not in headers and "Last-Modified" not in headers
    # the site changes: the changed page answers 200 with new validators, the others still 304
    changing.add_comment(986, make_comment("Ny läsare", "Hej!", datetime(2025, 11, 20, 9, 0)))
    status, headers, body = fetch_with(base + "/artiklar.php?id=986", If_None_Match=etag)
    assert status == 200 and "Ny läsare" in body.decode() and headers["ETag"] != etag
    assert fetch_with(base + "/artiklar.php?id=986", If_Modified_Since=modified)[0] == 200
    changed = headers["Last-Modified"]
    assert email.utils.parsedate_to_datetime(changed) > email.utils.parsedate_to_datetime(modified)
    assert fetch_with(base + "/artiklar.php?id=986", If_Modified_Since=changed)[0] == 304
    assert fetch_with(base + "/om.php", If_Modified_Since=modified)[0] == 304
    assert fetch_with(base + "/art_ar.php?ar=2017&kat_id=4", If_Modified_Since=modified)[0] == 200  # the count
    # a later change elsewhere keeps the article's date; a change back still dates from the change
    changing.update_article(1321, title="Annan rubrik.")
    assert fetch_with(base + "/artiklar.php?id=986", If_Modified_Since=changed)[0] == 304
    changing.update_article(1321, title=load_articles()[-1]["title"])
    assert last_modified(changing, "/artiklar.php?id=1321") > last_modified(changing, "/artiklar.php?id=986")
    assert changing.requests[:2] == ["/artiklar.php?id=986", "/artiklar.php?id=986"]
    log = changing.request_log
    assert log[0] == ("GET", "/artiklar.php?id=986", 200, False)
    assert ("GET", "/artiklar.php?id=986", 304, True) in log and ("HEAD", "/artiklar.php?id=986", 304, True) in log
    assert ("GET", "/artiklar.php?id=120", 404, True) in log
    assert [r.path for r in log] == changing.requests and log[0].method == "GET"


def test_server_without_conditional_requests():
    with MirrorServer(conditional=False) as server:
        status, headers, body = fetch_with(server.base_url + "/", If_None_Match="*",
                                           If_Modified_Since="Wed, 25 Nov 2026 10:00:00 GMT")  # fmt: skip
        assert status == 200 and body == render("/").body
        assert "ETag" not in headers and "Last-Modified" not in headers
        assert server.request_log == [("GET", "/", 200, True)]
        assert fetch_with(server.base_url + "/", "POST")[0] == 405
        assert server.request_log[-1] == ("POST", "/", 405, False)


def test_changes_while_requests_run(changing):
    """Every answer is one whole generation of the page, old or new, never a mix."""
    titles = {f"Rubrik nummer {i}." for i in range(15)}
    errors = []

    def reader():
        for _ in range(40):
            status, headers, body = fetch_with(changing.base_url + "/artiklar.php?id=1321")
            text = body.decode("utf-8")
            shown = {t for t in titles | {load_articles()[-1]["title"]} if t in text}
            if status != 200 or len(shown) != 1 or int(headers["Content-Length"]) != len(body):
                errors.append((status, shown))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for i in range(15):
        changing.update_article(1321, title=f"Rubrik nummer {i}.")
    for thread in threads:
        thread.join()
    assert errors == []
    assert "Rubrik nummer 14." in served(changing, "/artiklar.php?id=1321")
