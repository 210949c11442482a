"""The archive's home page, Datasette in process on small invented archives: the search box, the newest
articles, the coming events, the chart of each year, the ways in; and on an empty archive."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from datasette.app import Datasette
from parsel import Selector

from knytscrape.datasette_plugin import home
from knytscrape.db import open_database
from knytscrape.publish import datasette_app, load_settings, metadata_for
from knytscrape.reading import copy_path

TODAY = "2026-06-10"
SITE = "https://knytpunkt.se"


def article(number: int, published: str, **more) -> dict:
    return {"id": number, "title": f"Nyhet nummer {number} från Örebro", "published": published,
            "lead": f"Ingress till nyhet {number}.", "body": "Brödtext.", **more}


ARTICLES = [
    article(1, "2019-04-01"),
    article(2, "2019-09-12"),
    article(3, "2019-12-30"),
    article(4, "2021-02-02", lead_image_url=f"{SITE}/bilder/2021/4.jpg"),
    article(5, "2024-05-05", lead_image_url=f"{SITE}/bilder/2024/5.jpg"),
    article(6, "2025-01-20"),  # no lead picture: its first picture stands in
    article(7, "2025-11-02", lead=("Kommunfullmäktige sammanträdde i går kväll i Rådhuset och debatterade länge "
                                   "om skolorna, vården, bussarna och den nya simhallen vid Idrottsparken, "
                                   "innan budgeten till sist klubbades strax före midnatt.")),
    article(8, "2026-03-14"),
    article(9, "2026-05-30", removed_at="2026-06-01T10:00:00+02:00"),  # no longer on the site: not among the newest
    article(10, None),  # no date: not among the newest
]
COMMENTS = [{"id": f"k{number}", "article_id": 3, "position": number, "author": "Läsare",
             "posted": posted, "text": "Bra skrivet."}
            for number, posted in enumerate(["2019-12-31", "2020-01-02T10:00:00+01:00", "2020-01-03", "2021-03-01",
                                             "", None], start=1)]
IMAGES = [{"id": "6-1", "article_id": 6, "position": 1, "url": f"{SITE}/bilder/2025/6_1.jpg",
           "caption": "Bild ett.", "kind": "gallery", "local_path": "full/sex.jpg"},
          {"id": "6-2", "article_id": 6, "position": 2, "url": f"{SITE}/bilder/2025/6_2.jpg",
           "caption": "Bild två.", "kind": "gallery"}]
EVENTS = [
    {"id": "event:1", "title": "Vårkonsert i parken", "starts_at": "2026-05-20T18:00:00+02:00",
     "ends_at": "2026-05-20T20:00:00+02:00", "all_day": 0, "location": "Stadsparken", "status": "scheduled"},
    {"id": "event:2", "title": "Konstrunda", "starts_at": "2026-06-08", "ends_at": "2026-06-12", "all_day": 1,
     "location": "Ateljéer i stan", "status": "scheduled"},  # going on today
    {"id": "event:3", "title": "Midsommarfirande", "starts_at": "2026-06-19T12:00:00+02:00",
     "ends_at": "2026-06-19T16:00:00+02:00", "all_day": 0, "location": "Wadköping", "status": "cancelled"},
    {"id": "sidebar:4", "title": "Loppis på torget", "starts_at": "2026-06-13", "all_day": 1},
    {"id": "event:5", "title": "Borttaget evenemang", "starts_at": "2026-07-01", "all_day": 1,
     "removed_at": "2026-06-05T09:00:00+02:00"},
]


def build(tmp_path, **tables) -> str:
    path = tmp_path / "knytpunkt.db"
    db = open_database(path)
    for table in ("articles", "comments", "images", "videos", "events"):
        if tables.get(table):
            db[table].insert_all(tables[table], alter=True)
    db.conn.close()
    return path


@pytest.fixture
def archive(tmp_path, monkeypatch):
    """The invented archive, served with its downloaded pictures, on TODAY."""
    monkeypatch.setenv("KNYT_TODAY", TODAY)
    images = tmp_path / "images"
    for name in (copy_path(f"{SITE}/bilder/2021/4.jpg"), "thumbs/small/sex.jpg"):
        (images / name).parent.mkdir(parents=True, exist_ok=True)
        (images / name).write_bytes(b"\xff\xd8\xff")
    monkeypatch.setenv("KNYT_IMAGES_DIR", str(images))
    return datasette_app(build(tmp_path, articles=ARTICLES, comments=COMMENTS, images=IMAGES, events=EVENTS))


def get(app, path):
    return asyncio.run(app.client.get(path))


def home_page(app) -> Selector:
    response = get(app, "/")
    assert response.status_code == 200, response.text[:3000]
    return Selector(text=response.text)


def text(selector) -> str:
    return " ".join("".join(selector.css("::text").getall()).split())


def test_the_search_box_leads_to_the_search_page(archive):
    page = home_page(archive)
    assert text(page.css("h1")) == "Knytpunkt – arkivet"
    form = page.css("form.knyt-search")
    assert form.attrib["action"] == "/-/sok" and form.css("input[name=q]") and form.css("button[type=submit]")
    assert "Sök i hela arkivet" in text(form.css("label"))
    assert get(archive, "/-/sok?q=nyhet").status_code == 200


def test_the_newest_articles(archive):
    cards = home_page(archive).css("section.knyt-newest article.knyt-card")
    shown = [(card.css("h3 a::attr(href)").get(), text(card.css("h3")), text(card.css("time"))) for card in cards]
    assert shown == [
        ("/knytpunkt/articles/8", "Nyhet nummer 8 från Örebro", "14 mars 2026"),
        ("/knytpunkt/articles/7", "Nyhet nummer 7 från Örebro", "2 november 2025"),
        ("/knytpunkt/articles/6", "Nyhet nummer 6 från Örebro", "20 januari 2025"),
        ("/knytpunkt/articles/5", "Nyhet nummer 5 från Örebro", "5 maj 2024"),
        ("/knytpunkt/articles/4", "Nyhet nummer 4 från Örebro", "2 februari 2021"),
        ("/knytpunkt/articles/3", "Nyhet nummer 3 från Örebro", "30 december 2019"),
    ]
    leads = [text(card.css(".knyt-card-lead")) for card in cards]
    assert leads[0] == "Ingress till nyhet 8."
    long_lead = ARTICLES[6]["lead"]
    assert leads[1].endswith("…") and len(leads[1]) <= home.LEAD_CHARS + 1 and long_lead.startswith(leads[1][:-1])


def test_pictures_of_the_newest_articles_are_the_archives_copies(archive):
    pictures = {card.css("h3 a::attr(href)").get(): card.css("img::attr(src)").get()
                for card in home_page(archive).css("section.knyt-newest article.knyt-card")}
    assert pictures["/knytpunkt/articles/4"] == "/images/" + copy_path(f"{SITE}/bilder/2021/4.jpg")  # downloaded
    assert pictures["/knytpunkt/articles/5"] == f"{SITE}/bilder/2024/5.jpg"  # not downloaded: the site's
    assert pictures["/knytpunkt/articles/6"] == "/images/thumbs/small/sex.jpg"  # its first picture, downloaded
    assert pictures["/knytpunkt/articles/8"] is None
    for source in (pictures["/knytpunkt/articles/4"], pictures["/knytpunkt/articles/6"]):
        assert get(archive, source).status_code == 200


def test_the_coming_events(archive):
    items = home_page(archive).css("section.knyt-coming li")
    shown = [(item.css("a::attr(href)").get(), text(item.css("a")), text(item.css("time")),
              text(item.css(".knyt-place")), text(item.css(".knyt-status"))) for item in items]
    assert shown == [
        ("/knytpunkt/events/event~3A2", "Konstrunda", "8–12 juni 2026", "plats: Ateljéer i stan", ""),
        ("/knytpunkt/events/sidebar~3A4", "Loppis på torget", "13 juni 2026", "", ""),
        ("/knytpunkt/events/event~3A3", "Midsommarfirande", "19 juni 2026 kl. 12.00–16.00", "plats: Wadköping",
         "inställt"),
    ]


def test_the_chart_of_articles_and_comments_per_year(archive):
    page = home_page(archive)
    chart = page.css("section.knyt-chart svg.knyt-year-chart")
    assert chart, "no chart"
    bars = {(bar.attrib["class"].split()[-1], bar.attrib["data-year"]): bar for bar in chart.css("rect.knyt-bar")}
    counts = {key: int(bar.attrib["data-count"]) for key, bar in bars.items()}
    assert counts == {("knyt-bar-articles", "2019"): 3, ("knyt-bar-articles", "2021"): 1,
                      ("knyt-bar-articles", "2024"): 1, ("knyt-bar-articles", "2025"): 2,
                      ("knyt-bar-articles", "2026"): 2, ("knyt-bar-comments", "2019"): 1,
                      ("knyt-bar-comments", "2020"): 2, ("knyt-bar-comments", "2021"): 1}
    # Each bar says what it is, and is as tall as its number says.
    assert text(bars["knyt-bar-articles", "2019"].css("title")) == "2019: 3 artiklar"
    assert text(bars["knyt-bar-comments", "2021"].css("title")) == "2021: 1 kommentar"
    heights = {key: float(bar.attrib["height"]) for key, bar in bars.items()}
    assert heights["knyt-bar-articles", "2019"] == pytest.approx(3 * heights["knyt-bar-comments", "2021"])
    # Every year from the first to the last has its label, those without records too; numbers on the bars.
    assert [label for label in chart.css("text.knyt-axis::text").getall() if len(label) == 4] == [
        str(year) for year in range(2019, 2027)]
    assert sorted(chart.css("text.knyt-bar-number::text").getall()) == sorted(str(n) for n in counts.values())
    # A bar leads to its records.
    link = bars["knyt-bar-articles", "2019"].xpath("..")
    assert link.attrib["href"] == "/knytpunkt/articles?published__startswith=2019"
    assert "Nyhet nummer 1" in get(archive, link.attrib["href"]).text
    # The numbers as a table too.
    rows = [[text(cell) for cell in row.css("th, td")] for row in page.css(".knyt-chart-numbers tbody tr")]
    assert rows == [["2019", "3", "1"], ["2020", "0", "2"], ["2021", "1", "1"], ["2024", "1", "0"],
                    ["2025", "2", "0"], ["2026", "2", "0"]]
    assert "<script" not in page.css("section.knyt-chart").get()
    # What the chart cannot place is said: article 10 and two comments have no date that could be read.
    assert "1 artikel och 2 kommentarer" in text(page.css(".knyt-undated"))


def test_the_ways_in(archive):
    page = home_page(archive)
    links = {text(a): a.attrib["href"] for a in page.css("section.knyt-browse a")}
    assert links["artiklar"] == "/knytpunkt/articles" and links["kommentarer"] == "/knytpunkt/comments"
    assert links["evenemang"] == "/knytpunkt/events" and links["bilder"] == "/knytpunkt/images"
    assert links["senaste artiklarna"] == "/knytpunkt/latest_articles"
    assert links["mest kommenterade"] == "/knytpunkt/most_commented"
    assert links["de nyaste artiklarna och videorna (Atom)"] == "/-/feeds/latest.atom"
    assert links["kalendern (iCalendar, att prenumerera på)"] == "/-/feeds/events.ics"
    assert links["knytpunkt"] == "/knytpunkt"
    counts = text(page.css("section.knyt-browse"))
    assert "artiklar (10)" in counts and "kommentarer (6)" in counts and "videor (0)" in counts
    for href in links.values():
        assert get(archive, href).status_code == 200, href


def test_the_credits_stay(archive):
    intro = text(home_page(archive).css(".knyt-intro"))
    assert "Johan Gullberg" in intro and "tillhör sina upphovspersoner" in intro


@pytest.mark.parametrize("kind", ["empty", "other", "none"])
def test_an_archive_without_records_or_tables_has_a_home_page(tmp_path, kind):
    if kind == "empty":
        path = tmp_path / "knytpunkt.db"
        open_database(path).conn.close()
        app = datasette_app(path)
    elif kind == "other":
        path = tmp_path / "other.db"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE unrelated (x)")
        connection.commit()
        connection.close()
        app = datasette_app(path)
    else:  # no database at all
        app = Datasette([], metadata=metadata_for(tmp_path / "knytpunkt.db"), settings=load_settings())
    page = home_page(app)
    assert page.css("form.knyt-search input[name=q]")
    nothing = " ".join(page.css(".knyt-none::text").getall())
    assert "inga artiklar ännu" in nothing and "Inga kommande evenemang" in nothing and "Inga daterade" in nothing
    assert not page.css("svg.knyt-year-chart")
    assert page.css("a[href='/-/feeds/latest.atom']") and page.css("a[href='/-/feeds/events.ics']")


def test_what_an_actor_may_not_view_is_not_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("KNYT_TODAY", TODAY)
    path = build(tmp_path, articles=ARTICLES, comments=COMMENTS, events=EVENTS)
    metadata = metadata_for(path)
    metadata["databases"]["knytpunkt"]["tables"]["articles"]["allow"] = False
    app = Datasette([str(path)], metadata=metadata, settings=load_settings())
    page = home_page(app)
    assert not page.css("section.knyt-newest article") and "Nyhet nummer" not in page.get()
    assert [key for key in (bar.attrib["class"] for bar in page.css("rect.knyt-bar")) if "articles" in key] == []
    assert page.css("section.knyt-coming li")  # the rest is there
    assert "/knytpunkt/articles" not in page.css("section.knyt-browse").get()


def test_year_chart_scales():
    assert [home.nice_ceiling(n) for n in (0, 1, 2, 3, 7, 10, 11, 48, 120, 999)] == [1, 1, 2, 5, 10, 10, 20, 50, 200,
                                                                                    1000]
    chart = home.year_chart({"articles": {2000: 1, 2003: 4}, "comments": {}})
    assert [label["text"] for label in chart["labels"]] == ["2000", "2001", "2002", "2003"]
    assert {(bar["year"], bar["count"]) for bar in chart["bars"] if bar["series"] == "articles"} == {
        (2000, 1), (2001, 0), (2002, 0), (2003, 4)}
    assert home.year_chart({"articles": {}, "comments": {}}) is None
    wide = home.year_chart({"articles": {1900: 1, 2020: 2}, "comments": {}})
    assert [label["text"] for label in wide["labels"]] == ["1900", "2020"]  # a gap this wide is not drawn year by year
    assert home.undated_text({"articles": 0, "comments": 0}) is None
    assert home.undated_text({"articles": 3, "comments": 1}) == "3 artiklar och 1 kommentar"
