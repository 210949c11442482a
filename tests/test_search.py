"""Swedish-aware search through each content table's standard Datasette ``_search``."""

from __future__ import annotations

import asyncio
import re

import pytest

from knytscrape.datasette_plugin import rewrite_search
from knytscrape.mirror import load_articles
from knytscrape.publish import datasette_app
from knytscrape.search import fts_query, stems


def test_stems_and_queries():
    assert stems("Budgeten och parken") == "budget och park"
    assert fts_query("Budget, parken!") == '"budget"* "park"*'
    assert fts_query("  ,, ") is None


def test_rewrite_only_content_tables_and_only_plain_searches():
    assert rewrite_search("/knytpunkt/articles", b"_search=budgeten") == (
        b"_search=%22budget%22%2A&_searchmode=raw&_search_typed=budgeten")
    assert b"&_searchmode=raw&" in rewrite_search("/knytpunkt/articles.csv", b"_search=park&_size=max")
    assert rewrite_search("/knytpunkt/crawls", b"_search=park") == b"_search=park"
    assert rewrite_search("/knytpunkt/articles", b"_search=park&_searchmode=raw") == b"_search=park&_searchmode=raw"


def words(article: dict) -> list[str]:
    text = " ".join([article["title"], article["lead"], *article["body"]])
    return re.findall(r"\w+", text.lower())


@pytest.fixture(scope="module")
def app(crawled):
    _, db = crawled
    return datasette_app(db.conn.execute("PRAGMA database_list").fetchone()[2])


def search(app, table: str, query: str) -> set:
    response = asyncio.run(app.client.get(f"/knytpunkt/{table}.json?_search={query}&_shape=array&_size=max"))
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()}


@pytest.mark.parametrize("query", ["budget", "park", "cykel", "kommun", "torget"])
def test_word_forms_are_found(app, query):
    """Every article with a word beginning like the query (budgeten, budgetförslag; parken) is a hit."""
    expected = {a["id"] for a in load_articles() if any(w.startswith(query) for w in words(a))}
    assert expected, f"the mirror has no article for {query!r}"
    assert expected <= search(app, "articles", query)


def test_a_a_and_o_are_not_folded(app):
    with_o = {a["id"] for a in load_articles() if any(w.startswith("örebro") for w in words(a))}
    assert with_o and search(app, "articles", "Örebro") >= with_o
    assert not search(app, "articles", "orebro") & with_o - {
        a["id"] for a in load_articles() if any(w.startswith("orebro") for w in words(a))
    }


def test_comments_are_searchable_in_swedish(app):
    hits = search(app, "comments", "lindarna")
    assert hits  # "Rör inte lindarna!"


def test_search_everything_across_content_types(app):
    response = asyncio.run(app.client.get("/knytpunkt/search_everything.json?q=lindarna&_shape=array"))
    assert response.status_code == 200, response.text
    kinds = {row["kind"] for row in response.json()}
    assert {"artikel", "kommentar"} <= kinds


def test_canned_queries_answer(app):
    article = load_articles()[-1]
    for path in ("latest_articles.json?", "most_commented.json?", "upcoming_events.json?",
                 f"article_in_full.json?id={article['id']}&"):
        response = asyncio.run(app.client.get(f"/knytpunkt/{path}_shape=array"))
        assert response.status_code == 200, (path, response.text)
    rows = asyncio.run(app.client.get(f"/knytpunkt/article_in_full.json?id={article['id']}&_shape=array")).json()
    assert rows[0]["heading"] == article["title"]
    assert [r["part"] for r in rows].count("comment") == len(article["comments"] or [])


def test_one_search_box_on_the_home_page(app):
    page = asyncio.run(app.client.get("/")).text
    assert 'action="/-/sok"' in page and 'name="q"' in page


def test_a_searched_table_shows_the_words_typed_and_searches_afresh(tmp_path):
    """The page says what the person typed, not the FTS query; its form does not carry the raw mode on."""
    import asyncio

    from parsel import Selector

    from knytscrape.db import open_database
    from knytscrape.publish import datasette_app
    from knytscrape.search import index_row

    db = open_database(tmp_path / "knytpunkt.db")
    db["articles"].insert({"id": 1, "title": "Parkerna i Örebro", "published": "2020-01-01"})
    index_row(db, "articles", "id", 1)
    db.conn.close()
    app = datasette_app(tmp_path / "knytpunkt.db")
    page = Selector(text=asyncio.run(app.client.get("/knytpunkt/articles?_search=parkerna")).text)
    assert page.css("input#_search::attr(value)").get() == "parkerna"
    heading = " ".join(page.css("h3::text").getall())
    assert "som matchar sökningen ”parkerna”" in heading and "*" not in heading
    assert page.css("td.col-title a::text").getall() == ["Parkerna i Örebro"]
    hidden = page.css("form.filters input[type=hidden]::attr(name)").getall()
    assert "_searchmode" not in hidden and "_search_typed" not in hidden
