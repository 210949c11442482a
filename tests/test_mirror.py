"""The offline mirror: its content covers every variant of the site model, every page renders, the
encodings produce the promised bytes and headers, and the HTTP server works on 127.0.0.1."""

from __future__ import annotations

import re
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
    MirrorServer,
    load_articles,
    load_site_config,
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


def crawl(extra_articles: int = 0):
    """Follow every link and image from / (mapping the site's other hosts back), as a crawler would."""
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue:
        target = queue.popleft()
        if target in seen:
            continue
        response = render(target, extra_articles=extra_articles)
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


def test_every_linked_page_renders(articles):
    seen = crawl()
    not_built_yet = {"/video.php", "/kalender.php"}
    failures = {t: s for t, s in seen.items() if s != 200 and t not in not_built_yet}
    assert failures == {}
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
     "/nope.php", "/bilder/2012/none.jpg", "/bilder/logo.gif", "/video.php"],
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
