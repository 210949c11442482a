"""The archive's table pages, Datasette in process: rows first, long text cut in HTML only, the year facet in
year order, newest first, Swedish labels. On a real crawl of the mirror, and on a small archive of long texts."""

from __future__ import annotations

import asyncio
import csv
import io
import re

import pytest
from datasette.utils import tilde_encode
from parsel import Selector

from knytscrape.datasette_plugin import CELL_LINES_LIMIT, CELL_TEXT_LIMIT, excerpt
from knytscrape.db import open_database
from knytscrape.publish import METADATA_DB_NAME, datasette_app, metadata_for

CONTENT_TABLES = ("articles", "comments", "images", "videos", "events")
SWEDISH_TITLES = {"articles": "Artiklar", "comments": "Kommentarer", "images": "Bilder", "videos": "Videor",
                  "events": "Evenemang"}
# What Datasette's own table page says in English, none of which a visitor of the archive may see.
ENGLISH = ("This data as", "Advanced export", "Apply", "Next page", "Suggested facets", "Data source",
           "View and edit SQL", "sorted by", " rows", "0 records", "Search:", "- column -", "JSON shape",
           "CSV options", "download file", "stream all rows", "Export CSV", "descending")


def get(app, path: str):
    response = asyncio.run(app.client.get(path))
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
    return response


def page(app, path: str) -> Selector:
    return Selector(text=get(app, path).text)


def visible_text(selector: Selector) -> str:
    """The page's text without its scripts and styles (what a reader can see, folded parts included)."""
    return " ".join(t.strip() for t in selector.xpath("//body//text()[not(ancestor::script)"
                                                      " and not(ancestor::style)]").getall() if t.strip())


def tables_metadata() -> dict:
    return metadata_for("data/knytpunkt.db")["databases"][METADATA_DB_NAME]["tables"]


@pytest.fixture(scope="module")
def published(crawled):
    _, db = crawled
    return datasette_app(db.conn.execute("PRAGMA database_list").fetchone()[2]), db


# -- rows first -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", CONTENT_TABLES)
def test_the_rows_come_before_the_export_form_and_the_descriptions_are_folded(published, table):
    app, db = published
    html = get(app, f"/knytpunkt/{table}").text
    found = Selector(text=html)
    assert found.css("table.rows-and-columns tbody tr"), f"{table}: no rows"
    details = found.css("details.knyt-column-descriptions")
    assert details and details.attrib.get("open") is None, "the column descriptions are folded"
    assert details.css("summary::text").get().strip() == "Kolumnernas beskrivning"
    described = details.css("dl.column-descriptions dt::text").getall()
    assert described == list(tables_metadata()[table]["columns"]), "every description is one click away"
    assert not found.xpath("//dl[contains(@class, 'column-descriptions')][not(ancestor::details)]")
    # In the page: the count line, the facets (if any), then the rows; the export form after them.
    order = [html.index(marker) for marker in ('class="knyt-row-count"', 'class="rows-and-columns"',
                                               'id="export"')]
    assert order == sorted(order)
    if tables_metadata()[table].get("facets"):
        assert html.index('class="facet-results knyt-facets"') < html.index('class="rows-and-columns"')
    assert found.css("link[href$='/-/static-plugins/knytscrape/tables.css']"), "the table pages' CSS is linked"


def test_the_table_pages_css_is_served(published):
    app, _ = published
    css = get(app, "/-/static-plugins/knytscrape/tables.css").text
    assert ".knyt-facets .facet-info" in css and "max-height" in css


# -- long text cut ----------------------------------------------------------------------------------------

PARAGRAPH = "Kommunen planerar en ny park vid Svartån med bänkar, lindar och en lekplats för barnen i kvarteret."


def long_text(subject: str, paragraphs: int) -> str:
    """An invented Swedish text of several paragraphs, its last sentence unique to it."""
    body = "\n\n".join(f"{n}. {PARAGRAPH}" for n in range(1, paragraphs + 1))
    return f"{body}\n\nSlutord om {subject}: allt finns kvar i arkivet."


LONG = {
    ("articles", "body"): long_text("artikeln", 40),
    ("articles", "lead"): long_text("ingressen", 4),
    ("comments", "text"): long_text("kommentaren", 12),
    ("images", "caption"): long_text("bildtexten", 5),
    ("videos", "description"): long_text("videon", 8),
    ("events", "description"): long_text("evenemanget", 6),
    ("revisions", "diff"): long_text("ändringen", 20),
}
SHORT = "Kort text om Stortorget."


@pytest.fixture(scope="module")
def long_texts(tmp_path_factory):
    path = tmp_path_factory.mktemp("long") / "knytpunkt.db"
    db = open_database(path)
    db["articles"].insert_all([
        {"id": 7, "url": "https://knytpunkt.se/artiklar.php?id=7", "title": "Parken vid Svartån",
         "published": "2024-05-01", "year": 2024, "lead": LONG["articles", "lead"], "body": LONG["articles", "body"]},
        {"id": 8, "url": "https://knytpunkt.se/artiklar.php?id=8", "title": "Torget",
         "published": "2024-06-01", "year": 2024, "lead": SHORT, "body": SHORT},
    ])
    db["comments"].insert({"id": "c1", "article_id": 7, "position": 1, "author": "Åsa",
                           "posted": "2024-05-02", "text": LONG["comments", "text"]})
    db["images"].insert({"id": "7-1", "article_id": 7, "position": 1, "kind": "gallery",
                         "url": "https://knytpunkt.se/bilder/7-1.jpg", "caption": LONG["images", "caption"]})
    db["videos"].insert({"id": "youtube:abc", "url": "https://knytpunkt.se/video.php?id=1", "title": "Parken",
                         "published": "2024-05-03", "description": LONG["videos", "description"]})
    db["events"].insert({"id": "event:1", "url": "https://knytpunkt.se/kalender.php?id=1", "title": "Parkfest",
                         "starts_at": "2024-07-01", "description": LONG["events", "description"],
                         "status": "scheduled"})
    db["revisions"].insert({"id": 1, "table_name": "articles", "record_id": "7", "article_id": 7, "field": "body",
                            "change": "edited", "old": SHORT, "new": SHORT, "diff": LONG["revisions", "diff"],
                            "seen": "2024-05-04"})
    db.conn.commit()
    db.conn.close()
    return datasette_app(path)


def cell_of(found: Selector, column: str, key: str) -> Selector:
    """The cell of ``column`` in the row whose first cell (the key's link) reads ``key``."""
    rows = [tr for tr in found.css("table.rows-and-columns tbody tr")
            if "".join(tr.css("td:first-child ::text").getall()).strip() == key]
    assert len(rows) == 1, f"no single row {key!r}"
    return rows[0].css(f"td.col-{column}")


@pytest.mark.parametrize(("table", "column", "key"), [
    ("articles", "body", "7"), ("articles", "lead", "7"), ("comments", "text", "c1"), ("images", "caption", "7-1"),
    ("videos", "description", "youtube:abc"), ("events", "description", "event:1"), ("revisions", "diff", "1")])
def test_long_text_is_cut_in_the_table_page_and_whole_on_its_row_page(long_texts, table, column, key):
    whole = LONG[table, column]
    cell = cell_of(page(long_texts, f"/knytpunkt/{table}"), column, key)
    shown = "".join(cell.css(".knyt-excerpt ::text").getall())
    assert shown.endswith("…") and len(shown) <= CELL_TEXT_LIMIT + 1, shown
    assert " ".join(whole.split()).startswith(shown[:-1]), "the start of the text, its whitespace folded"
    assert "Slutord" not in "".join(cell.css("::text").getall()), "the end of the text is not in the cell"
    row_path = f"/knytpunkt/{table}/{tilde_encode(key)}"
    assert cell.css("a.knyt-whole::attr(href)").get() == row_path
    assert cell.css("a.knyt-whole::text").get() == "hela texten"
    row_page = get(long_texts, row_path).text
    assert f"Slutord om {whole.rsplit('Slutord om ', 1)[1].split(':')[0]}" in row_page, "whole on its row page"


@pytest.mark.parametrize(("table", "column"), sorted(LONG))
def test_exports_keep_the_whole_text(long_texts, table, column):
    as_csv = get(long_texts, f"/knytpunkt/{table}.csv?_size=max").text
    assert LONG[table, column] in [row[column] for row in csv.DictReader(io.StringIO(as_csv, newline=""))]
    as_json = get(long_texts, f"/knytpunkt/{table}.json?_shape=array").json()
    assert LONG[table, column] in [row[column] for row in as_json]


def test_short_text_and_titles_are_left_whole(long_texts):
    found = page(long_texts, "/knytpunkt/articles")
    for column in ("lead", "body"):
        cell = cell_of(found, column, "8")
        assert cell.css("::text").get() == SHORT and not cell.css("a.knyt-whole")
    assert cell_of(found, "title", "7").css("a::attr(href)").get() == "/knytpunkt/articles/7"


def test_a_row_page_is_not_cut(long_texts):
    """Datasette's own row page (a comment's) shows the stored text whole, without an excerpt."""
    found = page(long_texts, "/knytpunkt/comments/c1")
    assert not found.css(".knyt-excerpt")
    assert LONG["comments", "text"] in "".join(found.css("td.col-text ::text").getall())


def test_crawl_statistics_are_cut_in_the_table_and_whole_in_csv(published):
    app, db = published
    stats = db.execute("SELECT stats FROM crawls ORDER BY length(stats) DESC LIMIT 1").fetchone()[0]
    assert len(stats) > CELL_TEXT_LIMIT * 2, "a crawl's statistics are a long JSON text"
    cells = page(app, "/knytpunkt/crawls?_size=max").css("td.col-stats")
    assert cells and all(len("".join(c.css(".knyt-excerpt ::text").getall())) <= CELL_TEXT_LIMIT + 1 for c in cells)
    assert stats in [row["stats"] for row in csv.DictReader(io.StringIO(get(app, "/knytpunkt/crawls.csv").text))]


@pytest.mark.parametrize("text", [
    "ord " * 10,
    "a" * CELL_TEXT_LIMIT,
    "\n".join(["kort rad"] * (CELL_LINES_LIMIT - 1)),
    "kort  " * 40 + "\n\nslut",  # long only by its spaces, on few lines
])
def test_short_text_is_shown_as_it_is(text):
    assert excerpt(text) is None


def test_a_text_of_many_short_lines_is_folded_whole():
    text = "\n".join(f"rad {n}" for n in range(CELL_LINES_LIMIT + 4))
    assert excerpt(text) == " ".join(text.split()), "every word, on one line, no ellipsis"


def test_excerpt_ends_at_a_word_and_folds_whitespace():
    text = "\n\n".join(f"Stycke {n} om parken vid Svartån." for n in range(40))
    shown = excerpt(text)
    assert shown.endswith("…") and len(shown) <= CELL_TEXT_LIMIT + 1
    start = shown[:-1]
    assert "\n" not in start and "  " not in start
    folded = " ".join(text.split())
    assert folded.startswith(start) and folded[len(start)] == " ", "cut between words"
    unbroken = "x" * (CELL_TEXT_LIMIT * 2)
    assert excerpt(unbroken) == "x" * CELL_TEXT_LIMIT + "…", "a text without spaces is cut at the limit"


# -- the year facet, the facets' order ------------------------------------------------------------------


def test_the_year_facet_is_in_year_order_newest_first(published):
    app, db = published
    found = page(app, "/knytpunkt/articles")
    entries = [" ".join(li.css("::text").getall()).split()
               for li in found.css(".facet-info[data-column='year'] li")]
    shown = [(int(entry[0]), int(entry[-1])) for entry in entries]
    expected = db.execute("SELECT year, count(*) FROM articles WHERE year IS NOT NULL "
                          "GROUP BY year ORDER BY year DESC").fetchall()
    assert shown == [tuple(row) for row in expected]
    by_count = sorted(shown, key=lambda entry: -entry[1])
    assert shown != by_count, "the mirror's years differ in count: year order is not count order"


def test_a_chosen_year_is_shown_selected_and_removable(published):
    app, db = published
    year, count = db.execute("SELECT year, count(*) FROM articles WHERE year IS NOT NULL GROUP BY year "
                             "ORDER BY year LIMIT 1").fetchone()
    found = page(app, f"/knytpunkt/articles?year={year}")
    selected = found.css(".facet-info[data-column='year'] li.selected")
    assert len(selected) == 1 and " ".join(selected.css("::text").getall()).split()[0] == str(year)
    assert selected.css("a.cross::attr(href)").get()
    assert int(found.css("h3.knyt-row-count::attr(data-rows)").get()) == count


def test_facets_follow_the_metadata_order_with_swedish_names(published):
    app, _ = published
    found = page(app, "/knytpunkt/articles")
    assert found.css(".knyt-facets .facet-info::attr(data-column)").getall() == tables_metadata()["articles"][
        "facets"]
    names = [" ".join(n.css("::text").getall()).split()[0] for n in found.css(".knyt-facets .facet-info-name strong")]
    assert names[:2] == ["år", "foto"]
    comments = [" ".join(li.css("::text").getall()).split()[0]
                for li in found.css(".facet-info[data-column='has_comments'] li")]
    assert comments == ["ja", "nej"]


# -- newest first ---------------------------------------------------------------------------------------

NEWEST_FIRST = {"articles": "published", "videos": "published", "events": "starts_at", "comments": "posted",
                "images": "article_id", "revisions": "seen", "crawls": "started", "missing": "last_seen",
                "captures": "id"}


def test_the_metadata_sorts_every_content_table_newest_first():
    tables = tables_metadata()
    assert {name: tables[name].get("sort_desc") for name in NEWEST_FIRST} == NEWEST_FIRST
    assert not [name for name, spec in tables.items() if spec.get("sort")], "no table opens oldest first"


@pytest.mark.parametrize("table", ["articles", "videos", "events", "comments", "images", "crawls", "captures"])
def test_the_table_page_opens_newest_first(published, table):
    app, db = published
    column = NEWEST_FIRST[table]
    shown = [row[column] for row in get(app, f"/knytpunkt/{table}.json?_shape=array&_size=max").json()
             if row[column] is not None]
    newest = db.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]
    assert shown and shown[0] == newest and shown == sorted(shown, reverse=True)
    heading = page(app, f"/knytpunkt/{table}").css("h3.knyt-row-count::text").get()
    assert heading.endswith(f"sorterade efter {column} (fallande)"), heading


# -- Swedish labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", CONTENT_TABLES)
def test_the_table_page_speaks_swedish(published, table):
    app, db = published
    found = page(app, f"/knytpunkt/{table}")
    text = visible_text(found)
    assert found.css("h1::text").get().strip() == SWEDISH_TITLES[table]
    count = db[table].count
    assert found.css("h3.knyt-row-count::attr(data-rows)").get() == str(count)
    assert re.match(rf"{count} rader, sorterade efter \w+ \(fallande\)$",
                    found.css("h3.knyt-row-count::text").get()), found.css("h3.knyt-row-count::text").get()
    assert found.css("title::text").get().startswith(f"{SWEDISH_TITLES[table]}: {count} rader")
    for label in ("Sök:", "Ladda ner", "fler val", "Kolumnernas beskrivning", "spara som fil"):
        assert label in text, f"{table}: {label!r} missing"
    if tables_metadata()[table].get("facets"):
        assert found.css(".knyt-facets h2::text").get() == "Urval"
    assert " ".join(found.css("p.knyt-source ::text").getall()).split()[0] == "Källa:"
    assert found.css("input[type=submit]::attr(value)").getall() == ["Sök", "Filtrera", "Ladda ner CSV"]
    assert [o for o in found.css("select[name=_filter_op] option::text").getall()][:3] == ["=", "≠", "innehåller"]
    english = [word for word in ENGLISH if word in text]
    assert english == [], f"{table}: English left on the page: {english}"
    assert tables_metadata()[table]["description"] in text, "the table's description, in Swedish"


def test_a_table_of_more_rows_than_a_page_offers_the_next_page(published):
    app, db = published
    assert db["comments"].count > 50, "the mirror has more comments than a page shows"
    found = page(app, "/knytpunkt/comments")
    assert found.css("p.knyt-next a::text").get() == "nästa sida"
    assert "alla rader, inte bara den här sidan" in visible_text(found)


def test_the_count_line_names_the_search_and_the_filters_in_swedish(published):
    app, db = published
    year, count = db.execute("SELECT year, count(*) FROM articles WHERE year IS NOT NULL GROUP BY year "
                             "ORDER BY count(*) DESC, year DESC LIMIT 1").fetchone()
    line = page(app, f"/knytpunkt/articles?year={year}").css("h3.knyt-row-count::text").get()
    assert line == f"{count} rader där year = {year}, sorterade efter published (fallande)"
    line = page(app, "/knytpunkt/articles?title__contains=Stortorget&_sort=id").css("h3.knyt-row-count::text").get()
    found = db.execute("SELECT count(*) FROM articles WHERE title LIKE '%Stortorget%'").fetchone()[0]
    assert line == f"{found} {'rad' if found == 1 else 'rader'} där title innehåller ”Stortorget”, " \
                   f"{'sorterad' if found == 1 else 'sorterade'} efter id"
    searched = page(app, "/knytpunkt/articles?_search=parken")
    line = searched.css("h3.knyt-row-count::text").get()
    assert re.match(r"\d+ rad(er)? som matchar sökningen ”parken”, sorterade? efter published \(fallande\)$",
                    line), line
    assert searched.css("title::text").get().startswith("Artiklar: ")
    line = page(app, "/knytpunkt/articles?_search_title=parken").css("h3.knyt-row-count::text").get()
    assert "där title matchar ”parken”" in line and "sökningen" not in line, line
    empty = page(app, "/knytpunkt/articles?title=Ingen+s%C3%A5dan+rubrik")
    assert empty.css("h3.knyt-row-count::text").get().startswith("0 rader där title = ”Ingen sådan rubrik”")
    assert empty.css("p.zero-results::text").get() == "Inga rader."


def test_every_table_has_a_swedish_title_and_description():
    for name, spec in tables_metadata().items():
        assert spec.get("title") and spec.get("description"), name
        unquoted = re.sub(r'"[^"]*"', "", spec["description"])  # quoted: what a page or the README says
        english = [word for word in (" the ", " of ", " when ", " and ") if word in f" {unquoted} "]
        assert english == [], f"{name}: {english}"
