"""The archive's search page (/-/sok), Datasette in process on small invented archives: hits of every kind
linked to where they are read, ranked, with marked snippets; bounds and any text typed."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from datasette.app import Datasette
from parsel import Selector

from knytscrape.datasette_plugin import search_page
from knytscrape.db import open_database
from knytscrape.publish import datasette_app, load_settings, metadata_for
from knytscrape.search import create_index

FILLER = [  # articles that do not mention the words searched for: the words stay rare, as in a real archive
    {"id": 900 + number, "title": f"Notiser vecka {number}", "published": f"2019-03-{number + 1:02d}",
     "lead": "Kort om veckan som gick i stan.", "body": "Väder, trafik och sport."} for number in range(12)]


def build(tmp_path, articles=(), comments=(), images=(), videos=(), events=(), filler=True):
    """An archive database with these records and their search index: its path."""
    path = tmp_path / "knytpunkt.db"
    db = open_database(path)
    for table, rows in (("articles", [*articles, *(FILLER if filler else [])]), ("comments", comments),
                        ("images", images), ("videos", videos), ("events", events)):
        if rows:
            db[table].insert_all(rows)
            create_index(db, table)
    db.conn.close()
    return path


def get(app, path):
    return asyncio.run(app.client.get(path))


def page(app, path) -> Selector:
    response = get(app, path)
    assert response.status_code == 200, (path, response.status_code, response.text[:2000])
    assert "knyt-front" in response.text, response.text[:2000]
    return Selector(text=response.text)


def hits(selector: Selector) -> list[dict]:
    """The hits as the page lists them, in order."""
    found = []
    for li in selector.css("ol.knyt-hits > li"):
        found.append({
            "table": li.attrib["data-table"],
            "kind": li.css(".knyt-kind::text").get(),
            "title": "".join(li.css("a.knyt-hit-title ::text").getall()),
            "href": li.css("a.knyt-hit-title::attr(href)").get(),
            "meta": " ".join("".join(li.css(".knyt-hit-meta ::text").getall()).split()),
            "snippet_html": li.css(".knyt-snippet").get() or "",
            "snippet": "".join(li.css(".knyt-snippet ::text").getall()),
            "marked": li.css("mark::text").getall(),
            "picture": li.css("img::attr(src)").get(),
        })
    return found


def message(selector: Selector) -> str:
    return " ".join(selector.css(".knyt-message::text").getall())


COMMENT_ID = "c0ffee0000000001"
PARK = {
    "articles": [{"id": 1, "title": "Parkbänkarna målas om", "published": "2021-05-04",
                  "lead": "Kommunen målar alla parkbänkar i centrum gröna.", "body": "Arbetet tar två veckor."}],
    "comments": [{"id": COMMENT_ID, "article_id": 1, "position": 1, "author": "Greta",
                  "posted": "2021-05-05T08:30:00+02:00", "posted_raw": "5/5 2021 08:30",
                  "text": "Äntligen! Parkbänken vid dammen var helt grå."}],
    "images": [{"id": "1-2", "article_id": 1, "position": 2, "url": "https://knytpunkt.se/bilder/2021/1_2.jpg",
                "caption": "Parkbänken vid dammen före målningen.", "credit": "© 2021 Johan Gullberg",
                "kind": "gallery"}],
    "videos": [{"id": "youtube:Pb2021aaa", "url": "https://knytpunkt.se/video.php?id=9",
                "title": "Parkbänkar i vinterljus", "published": "2021-12-01", "description": "En film om stan.",
                "provider": "youtube"}],
    "events": [{"id": "event:7", "url": "https://knytpunkt.se/kalender.php?id=7", "title": "Parkbänkens dag",
                "starts_at": "2026-06-13T12:00:00+02:00", "ends_at": "2026-06-13T16:00:00+02:00", "all_day": 0,
                "location": "Stadsparken", "organiser": "Parkens vänner", "description": "Kom och måla en bänk.",
                "status": "scheduled"}],
}


@pytest.fixture
def park(tmp_path):
    return datasette_app(build(tmp_path, **PARK))


def test_every_kind_of_hit_links_where_it_is_read(park):
    found = {hit["table"]: hit for hit in hits(page(park, "/-/sok?q=parkbänk"))}
    assert set(found) == {"articles", "comments", "images", "videos", "events"}
    assert {table: hit["kind"] for table, hit in found.items()} == {
        "articles": "artikel", "comments": "kommentar", "images": "bild", "videos": "video", "events": "evenemang"}
    # A comment's and a picture's title is their article's, not the commenter's name or the credit.
    assert found["comments"]["title"] == found["images"]["title"] == "Parkbänkarna målas om"
    assert found["articles"]["href"] == "/knytpunkt/articles/1"
    assert found["comments"]["href"] == f"/knytpunkt/articles/1#comment-{COMMENT_ID}"
    assert found["images"]["href"] == "/knytpunkt/articles/1#image-2"
    assert found["videos"]["href"] == "/knytpunkt/videos/youtube~3APb2021aaa"
    assert found["events"]["href"] == "/knytpunkt/events/event~3A7"
    # Each link leads to a page that answers, and the anchors are on the article's reading page.
    for hit in found.values():
        assert get(park, hit["href"].split("#")[0]).status_code == 200, hit
    reading = get(park, "/knytpunkt/articles/1").text
    assert f'id="comment-{COMMENT_ID}"' in reading and 'id="image-2"' in reading
    assert found["videos"]["title"] == "Parkbänkar i vinterljus" and found["events"]["title"] == "Parkbänkens dag"


def test_dates_and_bylines_in_swedish(park):
    found = {hit["table"]: hit for hit in hits(page(park, "/-/sok?q=parkbänk"))}
    assert found["articles"]["meta"] == "4 maj 2021"
    assert found["comments"]["meta"] == "5 maj 2021 kl. 08.30 · av Greta"
    assert found["images"]["meta"] == "4 maj 2021 · foto: © 2021 Johan Gullberg"  # its article's date
    assert found["videos"]["meta"] == "1 december 2021"
    assert found["events"]["meta"] == "13 juni 2026 kl. 12.00–16.00 · plats: Stadsparken · arrangör: Parkens vänner"


def test_a_hit_without_a_date_starts_its_line_with_the_byline(tmp_path):
    """An undated picture's line read "· foto: …", the separator left before nothing."""
    app = datasette_app(build(tmp_path, articles=[
        {"id": 5, "title": "Ekdungen fälls", "published": None, "lead": "Ekarna vid ån fälls.", "body": ""}],
        comments=[{"id": "e1", "article_id": 5, "position": 1, "author": "<b>Ekvän</b>", "posted": None,
                   "text": "Rädda ekarna!"}],
        images=[{"id": "5-1", "article_id": 5, "position": 1, "url": "https://knytpunkt.se/bilder/5_1.jpg",
                 "caption": "Ekarna i april.", "credit": "© Johan Gullberg", "kind": "gallery"}]))
    found = {hit["table"]: hit for hit in hits(page(app, "/-/sok?q=ekarna"))}
    assert found["images"]["meta"] == "foto: © Johan Gullberg"
    assert found["comments"]["meta"] == "av <b>Ekvän</b>"  # the name as text, not markup
    assert found["articles"]["meta"] == ""
    assert "<b>Ekvän</b>" not in get(app, "/-/sok?q=ekarna").text


def test_snippets_mark_the_words_found(park):
    found = {hit["table"]: hit for hit in hits(page(park, "/-/sok?q=parkbänk"))}
    assert found["comments"]["snippet"] == PARK["comments"][0]["text"]  # short: whole, the word marked
    assert found["comments"]["marked"] == ["Parkbänken"]
    assert found["images"]["marked"] == ["Parkbänken"]
    assert found["articles"]["marked"] == ["Parkbänkarna", "parkbänkar"]  # the title, then the lead
    assert "<mark>parkbänkar</mark> i centrum" in found["articles"]["snippet_html"]
    assert found["events"]["snippet"] == "Kom och måla en bänk."  # matched in its title: the text to read on


def test_a_long_text_gives_a_short_snippet_around_the_word(tmp_path):
    body = " ".join(["Sammanträdet började med en lång rad frågor om skolan och vården."] * 20
                    + ["Till sist klubbades budgetförslaget efter en timmes debatt."]
                    + ["Sedan gick ledamöterna hem i snön genom den mörka staden."] * 20)
    app = datasette_app(build(tmp_path, articles=[{"id": 2, "title": "Sent i fullmäktige", "published": "2020-11-20",
                                                   "lead": "Ett långt möte.", "body": body}]))
    [hit] = hits(page(app, "/-/sok?q=budget"))
    assert hit["marked"] == ["budgetförslaget"]
    assert hit["snippet"].startswith("…") and hit["snippet"].endswith("…")
    assert len(hit["snippet"]) < 250 < len(body)


def test_the_snippet_is_where_most_words_are_found(tmp_path):
    app = datasette_app(build(tmp_path, articles=[
        {"id": 4, "title": "Höstens beslut", "published": "2023-10-01", "lead": "Skolan var först på listan.",
         "body": "Sedan kom frågan om budgeten för skolan, som blev en lång fråga om pengar och lärare."}]))
    [hit] = hits(page(app, "/-/sok?q=budget+skola"))
    assert hit["marked"] == ["budgeten", "skolan"] and "Skolan var först" not in hit["snippet"]
    [hit] = hits(page(app, "/-/sok?q=skola"))
    assert hit["snippet"] == "Skolan var först på listan."  # equal: the lead


def test_site_text_is_escaped_in_titles_and_snippets(tmp_path):
    app = datasette_app(build(tmp_path, articles=[
        {"id": 3, "title": "<b>Budget</b> & <i>annat</i>", "published": "2020-01-01", "lead": "Om budgeten.",
         "body": ""}], comments=[
        {"id": "s1", "article_id": 3, "position": 1, "author": "<img src=x onerror=alert(1)>",
         "posted": "2020-01-02", "text": '<script>alert("budget")</script>'}]))
    response = get(app, "/-/sok?q=budget")
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<img src=x" not in response.text and "<b>" not in response.text
    assert '&lt;script&gt;alert("<mark>budget</mark>")&lt;/script&gt;' in response.text
    assert "&lt;b&gt;<mark>Budget</mark>&lt;/b&gt; &amp; &lt;i&gt;annat&lt;/i&gt;" in response.text


def test_hits_are_ranked_by_relevance(tmp_path):
    app = datasette_app(build(tmp_path, articles=[
        {"id": 10, "title": "Biblioteket får nya öppettider", "published": "2024-01-10",
         "lead": "Från mars är biblioteket öppet längre.",
         "body": "Personalen har länge önskat det. Nämnden beslutade i går. Även budgeten för böcker ökar något."},
        {"id": 11, "title": "Budgeten klubbad", "published": "2020-01-10",
         "lead": "Fullmäktige antog budgeten efter lång debatt om budgetens skolpengar.", "body": "Mer om budget."},
        {"id": 12, "title": "Vinterns första snö", "published": "2024-02-10", "lead": "Snö i hela stan.",
         "body": "Plogbilarna var ute tidigt; kommunens budget för snöröjning räcker ändå."},
    ], comments=[
        {"id": "k1", "article_id": 12, "position": 1, "author": "Olle", "posted": "2024-02-11",
         "text": "Jag undrar vad hela vintern kostar kommunen och om budgeten för snöröjning räcker, för förra "
                 "året tog pengarna slut redan i februari och sedan plogades det knappt alls på vår gata."}]))
    found = hits(page(app, "/-/sok?q=budget"))
    # The article about the budget (the word in its title and lead) first, though it is the oldest.
    assert [hit["href"] for hit in found][0] == "/knytpunkt/articles/11"
    assert {hit["href"] for hit in found} == {"/knytpunkt/articles/10", "/knytpunkt/articles/11",
                                              "/knytpunkt/articles/12", "/knytpunkt/articles/12#comment-k1"}
    # Several words: every one required, all marked.
    both = hits(page(app, "/-/sok?q=budget+snöröjning"))
    assert {hit["href"] for hit in both} == {"/knytpunkt/articles/12", "/knytpunkt/articles/12#comment-k1"}
    for hit in both:
        for word in ("budget", "snöröjning"):
            assert [marked for marked in hit["marked"] if marked.lower().startswith(word)], (word, hit)


def test_the_sql_link_runs_the_same_search_as_a_canned_query(park):
    selector = page(park, "/-/sok?q=parkbänk")
    link = selector.css("a.knyt-sql")
    assert link.css("::text").get() == "visa SQL"
    href = link.attrib["href"]
    assert urlsplit(href).path == "/knytpunkt/search_everything" and parse_qs(urlsplit(href).query) == {
        "q": ["parkbänk"]}
    assert get(park, href).status_code == 200
    rows = get(park, href.replace("search_everything?", "search_everything.json?_shape=array&")).json()
    # The same hits in the same order, each with its kind, its real title and the link of the page.
    shown = hits(selector)
    assert [(row["kind"], "/knytpunkt/" + row["link"]) for row in rows] == [(hit["kind"], hit["href"])
                                                                             for hit in shown]
    assert [row["title"] for row in rows] == [hit["title"] for hit in shown]
    assert {row["kind"]: row["date"] for row in rows}["kommentar"] == "2021-05-05T08:30:00+02:00"
    # On the query's own page each link is a link to that reading page.
    sql_page = Selector(get(park, href).text)
    linked = [a.attrib["href"] for a in sql_page.css("td.col-link a")]
    assert linked == [hit["href"] for hit in shown]


def test_kinds_can_be_shown_apart(park):
    selector = page(park, "/-/sok?q=parkbänk")
    filters = {a.css("::text").get(): a.attrib["href"] for a in selector.css("nav.knyt-kinds a")}
    assert filters["kommentarer (1)"] == "?q=parkb%C3%A4nk&typ=kommentar"
    only = hits(page(park, "/-/sok" + filters["kommentarer (1)"]))
    assert [hit["table"] for hit in only] == ["comments"]
    assert "Okänd sorts träff" in message(page(park, "/-/sok?q=parkbänk&typ=tabell"))


def test_empty_and_missing_words_are_answered_in_swedish(park):
    for path in ("/-/sok", "/-/sok?q=", "/-/sok?q=+++"):
        selector = page(park, path)
        assert "Skriv ett eller flera ord" in message(selector) and not hits(selector)
        assert selector.css("form.knyt-search input[name=q]")
    assert "Inga träffar för ”zyxwvut”" in message(page(park, "/-/sok?q=zyxwvut"))
    assert "inga ord att söka efter" in message(page(park, "/-/sok?q=%22*%22"))


@pytest.mark.parametrize("typed", ['"parkbänk', 'parkbänk"', "parkbänk*", "*parkbänk", "parkbänk OR", "OR",
                                   "NEAR(parkbänk", "parkbänk AND NOT", "'", "\\", "%", "^parkbänk", "title:parkbänk",
                                   "(((", ")", "parkbänk -", "+parkbänk", "{parkbänk}", "\u00a0", "🙂 parkbänk",
                                   "parkbänk\u0000"])
def test_any_text_typed_is_searched_for_its_words(park, typed):
    response = get(park, "/-/sok?" + urlencode({"q": typed}))
    assert response.status_code == 200, response.text[:2000]
    selector = Selector(text=response.text)
    words = re.findall(r"\w+", typed)
    if not words:
        assert not hits(selector) and re.search("inga ord|Skriv ett", message(selector)), typed
        return
    plain = page(park, "/-/sok?" + urlencode({"q": " ".join(words)}))
    assert [hit["href"] for hit in hits(selector)] == [hit["href"] for hit in hits(plain)]
    if words == ["parkbänk"]:
        assert len(hits(selector)) == 5, typed  # the word found, the rest of what was typed left aside


def test_a_search_is_bounded(tmp_path, monkeypatch):
    articles = [{"id": number, "title": f"Cykelbana nummer {number}", "published": f"2022-01-{number % 28 + 1:02d}",
                 "lead": "Om cyklar.", "body": ""} for number in range(1, 121)]
    app = datasette_app(build(tmp_path, articles=articles))
    first = page(app, "/-/sok?q=cykel")
    assert len(hits(first)) == search_page.PAGE_SIZE == 50
    assert "120 träffar" in " ".join(first.css(".knyt-summary ::text").getall())
    seen = [hit["href"] for hit in hits(first)]
    next_link = first.css("a[rel=next]::attr(href)").get()
    assert next_link == "?q=cykel&sida=2"
    second = page(app, "/-/sok" + next_link)
    third = page(app, "/-/sok" + second.css("a[rel=next]::attr(href)").get())
    assert third.css("a[rel=next]").get() is None and third.css("ol.knyt-hits::attr(start)").get() == "101"
    seen += [hit["href"] for hit in hits(second) + hits(third)]
    assert len(seen) == len(set(seen)) == 120  # every hit once over the pages
    assert "Sidan 4 finns inte" in message(page(app, "/-/sok?q=cykel&sida=4"))
    for bad in ("0", "-1", "x", "1e3", "²", "99999999999"):
        assert "Sidnumret" in message(page(app, f"/-/sok?q=cykel&sida={bad}")), bad
    # No more than MAX_PAGES pages, whatever the number of hits.
    monkeypatch.setattr(search_page, "MAX_PAGES", 2)
    last = page(app, "/-/sok?q=cykel&sida=2")
    assert last.css("a[rel=next]").get() is None and "Högst 100 träffar visas" in message(last)
    assert "Sidan 3 finns inte" in message(page(app, "/-/sok?q=cykel&sida=3"))


def test_long_queries_are_refused_politely(park):
    too_long = "parkbänk " * 30
    selector = page(park, "/-/sok?q=" + too_long.replace(" ", "+"))
    assert "för lång" in message(selector) and not hits(selector)
    assert len(selector.css("input[name=q]::attr(value)").get()) <= search_page.MAX_QUERY_CHARS
    many = "+".join(["park"] * (search_page.MAX_WORDS + 1))
    assert "för många ord" in message(page(park, f"/-/sok?q={many}"))


def test_a_slow_search_ends_with_a_message(tmp_path, monkeypatch):
    """Datasette's time limit holds for the search (here 1 ms, for its queries alone): past it the page says so."""
    comments = [{"id": f"t{number}", "article_id": 1, "position": number, "author": "Läsare",
                 "text": f"Parkbänken nummer {number} behöver målas om, precis som de andra bänkarna i parken."}
                for number in range(3000)]
    app = datasette_app(build(tmp_path, articles=PARK["articles"], comments=comments))
    assert hits(page(app, "/-/sok?q=park&typ=artikel"))  # answered within the usual limit
    monkeypatch.setattr(search_page, "SEARCH_TIME_LIMIT_MS", 1)
    selector = page(app, "/-/sok?q=park")
    assert "tog för lång tid" in message(selector) and not hits(selector)


def restricted(path, **tables) -> Datasette:
    """The archive with some tables (``comments=False``) or all of it (``instance=False``) not viewable."""
    metadata = metadata_for(path)
    if tables.pop("instance", True) is False:
        metadata["allow"] = False
    for table, allowed in tables.items():
        metadata["databases"]["knytpunkt"]["tables"][table]["allow"] = allowed
    return Datasette([str(path)], metadata=metadata, settings=load_settings())


def test_permissions_hold(tmp_path):
    path = build(tmp_path, **PARK)
    found = hits(page(restricted(path, comments=False), "/-/sok?q=parkbänk"))
    assert {hit["table"] for hit in found} == {"articles", "images", "videos", "events"}
    # Without the articles, a picture neither shows its article's title nor links to it.
    without_articles = hits(page(restricted(path, articles=False), "/-/sok?q=parkbänk"))
    assert "articles" not in {hit["table"] for hit in without_articles}
    assert not [hit for hit in without_articles if "Parkbänkarna" in hit["title"] or "/articles/" in hit["href"]]
    assert get(restricted(path, instance=False), "/-/sok?q=parkbänk").status_code == 403


def test_pictures_of_hits_are_the_archives_copies_when_downloaded(tmp_path, monkeypatch):
    images = tmp_path / "images"
    (images / "thumbs" / "small").mkdir(parents=True)
    (images / "thumbs" / "small" / "abc.jpg").write_bytes(b"\xff\xd8\xff")
    monkeypatch.setenv("KNYT_IMAGES_DIR", str(images))
    downloaded = {**PARK["images"][0], "local_path": "full/abc.jpg"}
    app = datasette_app(build(tmp_path, articles=PARK["articles"], images=[downloaded]))
    [hit] = [hit for hit in hits(page(app, "/-/sok?q=dammen")) if hit["table"] == "images"]
    assert hit["picture"] == "/images/thumbs/small/abc.jpg"
    assert get(app, hit["picture"]).status_code == 200


def test_an_archive_without_tables_still_has_a_search_page(tmp_path):
    empty = tmp_path / "knytpunkt.db"
    open_database(empty).conn.close()
    assert "Inga träffar" in message(page(datasette_app(empty), "/-/sok?q=budget"))
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE unrelated (x)")
    connection.commit()
    connection.close()
    assert "inget att söka i" in message(page(datasette_app(other), "/-/sok?q=budget"))


def test_snippet_markers_in_site_text_do_not_break_the_page():
    assert str(search_page.marked("a \x02b\x03 c \x02 d \x03")) == "a <mark>b</mark> c <mark> d </mark>"
    assert str(search_page.marked("<\x02x\x03> \x03")) == "&lt;<mark>x</mark>&gt; "
    assert re.fullmatch(r"[^\x02\x03]*", str(search_page.marked("\x02\x02x\x03")))
