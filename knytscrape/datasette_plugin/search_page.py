"""The archive's search page, ``/-/sok?q=WORDS``: every kind of record in one list of hits, best first.

What a person gets for a search: each hit with its kind (artikel, kommentar, bild, video, evenemang), a
title linking to where it is read (a comment or a picture: its article's reading page at the comment or the
picture), the date in Swedish, and a snippet with the matched words marked. The words are matched as in every
search of the archive (knytscrape.search: each word's Swedish stem as a prefix, all words required) and the
hits are ranked by FTS5's bm25, a title counting more than the text, and each kind weighed so that a
one-line caption or comment does not outrank an article about the word.

Bounded: at most PAGE_SIZE hits a page and MAX_PAGES pages, at most MAX_QUERY_CHARS characters and
MAX_WORDS words, the snippets cut by FTS5 (the bodies themselves are never fetched), and Datasette's time
limit on every query. Only SELECTs, through Datasette's ``execute``, after the permission checks the feeds
make: a table the actor may not view is left out of the search, as if it were missing. Any text typed is
searched for its words only (quotes, stars, ``OR`` are not FTS syntax here): nothing typed raises.

``search_everything`` (metadata.yml) is the same search as a canned query, linked as "visa SQL".
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from datasette.database import QueryInterrupted
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from datasette.version import __version__
from markupsafe import Markup

from knytscrape.reading import Copies, local_image_source, web_url
from knytscrape.search import SEARCH_COLUMNS, WORD, fts_query

SEARCH_PATH = "/-/sok"
TEMPLATE = "knyt_search.html"
CANNED_QUERY = "search_everything"
PAGE_SIZE = 50
MAX_PAGES = 20  # 1,000 hits: past that a search is better made narrower than paged through
MAX_QUERY_CHARS = 200
MAX_WORDS = 10
SNIPPET_TOKENS = 24
SEARCH_TIME_LIMIT_MS = None  # each query of a search: Datasette's sql_time_limit_ms (a lower one here is taken)
WHOLE_TEXT_CHARS = 300  # a text this short is shown whole, its words marked; a longer one as a snippet
# Markers FTS5 puts around a matched word, made <mark> after the text is escaped (escaping leaves them).
OPEN, CLOSE = "\x02", "\x03"


@dataclass(frozen=True)
class Kind:
    """One kind of hit: its table, its Swedish names and how its row is read and ranked."""

    key: str  # the Swedish word shown, and the value of ?typ=
    plural: str
    table: str
    weights: tuple[float, ...]  # bm25 weights of the table's searchable columns (stems last: 0, as it repeats them)
    boost: float  # bm25 times this: a one-line caption or comment otherwise outranks an article about the word
    title_column: str | None  # a searchable column holding the hit's own title (marked), or None: the article's
    text_columns: tuple[str, ...]  # where the snippet comes from: the one with the most words marked


KINDS = (
    Kind("artikel", "artiklar", "articles", (10.0, 4.0, 1.0, 0.0), 1.0, "title", ("lead", "body")),
    Kind("kommentar", "kommentarer", "comments", (2.0, 1.0, 0.0), 0.6, None, ("text",)),
    Kind("bild", "bilder", "images", (1.0, 0.0), 0.5, None, ("caption",)),
    Kind("video", "videor", "videos", (10.0, 1.0, 0.0), 0.9, "title", ("description",)),
    Kind("evenemang", "evenemang", "events", (10.0, 2.0, 1.0, 0.0), 0.9, "title", ("description",)),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}
# The columns every SELECT of the union gives, in this order (NULL where a kind has none). ``byline``: who
# wrote it (a commenter, a picture's credit, an event's organiser); ``place``: where an event is.
# ``link``: where it is read, relative to the database, as search_everything gives it (ties are ordered by it
# in both, so the page and the canned query list the same hits in the same order).
HIT_COLUMNS = ("kind", "id", "article_id", "title", "date", "ends", "all_day", "byline", "place", "position",
               "picture_url", "local_path", "removed_at", "score", "link", "title_marked", "snippet_0", "snippet_1")


def _marked(fts: str, column: str, index: int) -> str:
    """SQL for the column's text with its matched words between the markers: whole when short, else a snippet."""
    return (f"CASE WHEN length({column}) <= {WHOLE_TEXT_CHARS} THEN highlight({fts}, {index}, '{OPEN}', '{CLOSE}') "
            f"ELSE snippet({fts}, {index}, '{OPEN}', '{CLOSE}', '…', {SNIPPET_TOKENS}) END")


def _select(kind: Kind, with_articles: bool) -> str:
    """The SELECT of one kind's hits for the FTS query ``:fts`` (the record as ``r``, its article as ``a``)."""
    fts = f"[{kind.table}_fts]"
    indexed = SEARCH_COLUMNS[kind.table]
    values = dict.fromkeys(HIT_COLUMNS, "NULL")
    values.update(kind=f"'{kind.key}'", id="r.id", removed_at="r.removed_at",
                  score=f"bm25({fts}, {', '.join(str(weight) for weight in kind.weights)}) * {kind.boost}")
    if kind.title_column:
        values["title"] = f"r.[{kind.title_column}]"
        values["title_marked"] = _marked(fts, f"r.[{kind.title_column}]", indexed.index(kind.title_column))
    for number, column in enumerate(kind.text_columns):
        values[f"snippet_{number}"] = _marked(fts, f"r.[{column}]", indexed.index(column))
    joins = ""
    if kind.table in ("comments", "images") and with_articles:  # their title: the article's
        joins = " LEFT JOIN articles a ON a.id = r.article_id"
        values.update(title="a.title", date="a.published")
    if kind.table == "articles":
        values.update(article_id="r.id", date="r.published", picture_url="r.lead_image_url",
                      link="'articles/' || r.id")
    elif kind.table == "comments":
        values.update(article_id="r.article_id", date="r.posted",
                      byline=_marked(fts, "r.author", indexed.index("author")),
                      link="'articles/' || r.article_id || '#comment-' || r.id")
    elif kind.table == "images":
        values.update(article_id="r.article_id", byline="r.credit", position="r.position", picture_url="r.url",
                      local_path="r.local_path", link="'articles/' || r.article_id || '#image-' || r.position")
    elif kind.table == "videos":
        values.update(article_id="r.article_id", date="r.published", picture_url="r.thumbnail_url",
                      link="'videos/' || replace(r.id, ':', '~3A')")
    elif kind.table == "events":
        values.update(date="r.starts_at", ends="r.ends_at", all_day="r.all_day", byline="r.organiser",
                      place=_marked(fts, "r.location", indexed.index("location")),
                      link="'events/' || replace(r.id, ':', '~3A')")
    selected = ", ".join(f"{value} AS {name}" for name, value in values.items())
    return f"SELECT {selected} FROM {fts} JOIN [{kind.table}] r ON r.rowid = {fts}.rowid{joins} WHERE {fts} MATCH :fts"


def hits_sql(kinds: list[Kind], with_articles: bool) -> str:
    """One page of hits of ``kinds``, best first: bm25, then the newest; ties in the order of search_everything."""
    union = "\nUNION ALL\n".join(_select(kind, with_articles) for kind in kinds)
    return f"SELECT * FROM (\n{union}\n) ORDER BY score, date DESC, kind, link, id LIMIT :limit OFFSET :offset"


def counts_sql(kinds: list[Kind]) -> str:
    """The number of hits of each of ``kinds`` (the same join as the hits: only rows that are there)."""
    return "\nUNION ALL\n".join(
        f"SELECT '{kind.key}' AS kind, count(*) AS hits FROM [{kind.table}_fts] "
        f"JOIN [{kind.table}] r ON r.rowid = [{kind.table}_fts].rowid WHERE [{kind.table}_fts] MATCH :fts"
        for kind in kinds)


def marked(text: str | None) -> Markup:
    """Text from FTS5 with the markers around matched words -> escaped HTML with ``<mark>``."""
    if not text:
        return Markup("")
    html = escape(text, quote=False)
    html = re.sub(f"{OPEN}(.*?){CLOSE}", r"<mark>\1</mark>", html, flags=re.S)
    return Markup(html.replace(OPEN, "").replace(CLOSE, ""))  # a marker the site's own text held: dropped


@dataclass
class Search:
    """What the page shows for one request."""

    q: str = ""
    kind: Kind | None = None
    page: int = 1
    message: str | None = None
    hits: list[dict] | None = None
    counts: dict[str, int] | None = None

    @property
    def total(self) -> int:
        if not self.counts:
            return 0
        return self.counts.get(self.kind.key, 0) if self.kind else sum(self.counts.values())

    @property
    def total_text(self) -> str:
        return sv_number(self.total)


def sv_number(number: int) -> str:
    """12 345: a Swedish number, thousands apart by a (no-break) space."""
    return f"{number:,}".replace(",", "\u00a0")


def _page_number(text: str | None) -> int | None:
    if text in (None, ""):
        return 1
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) and int(text) >= 1 else None


async def _visible_kinds(datasette, request, database) -> tuple[list[Kind], bool]:
    """The kinds whose table and index are there and which the actor may view; whether articles are viewable
    (a comment's or a picture's title is its article's)."""
    visible = {}
    for table in {kind.table for kind in KINDS}:
        allowed = await datasette.permission_allowed(request.actor, "view-table", resource=(database.name, table),
                                                     default=None)
        visible[table] = allowed is not False and await database.table_exists(table)
    kinds = [kind for kind in KINDS if visible[kind.table] and await database.table_exists(f"{kind.table}_fts")]
    return kinds, visible["articles"]


def _hit(row: dict, kind: Kind, datasette, database_name: str, with_articles: bool, images: str | None,
         copies: Copies) -> dict:
    """A row of the union as the template shows it: its link, a picture, the marked title, byline and snippet."""

    def row_url(table: str, key) -> str:
        return datasette.urls.row(database_name, table, tilde_encode(str(key)))

    hit = {**row, "kind": kind.key, "table": kind.table}
    in_article = kind.table in ("comments", "images") and with_articles and row["article_id"] is not None
    if kind.table == "comments" and in_article:  # the reading page's anchor of a comment (_knyt_article.html)
        hit["href"] = f"{row_url('articles', row['article_id'])}#comment-{quote(str(row['id']), safe='')}"
    elif kind.table == "images" and in_article:  # ... and of a picture (_knyt_figure.html)
        anchor = f"#image-{row['position']}" if row["position"] is not None else ""
        hit["href"] = f"{row_url('articles', row['article_id'])}{anchor}"
    else:  # an article, video or event: its reading page; a comment or picture without its article: its row
        hit["href"] = row_url(kind.table, row["id"])
    if row["title_marked"]:
        hit["title_html"] = marked(row["title_marked"])
    elif row["title"]:
        hit["title_html"] = Markup(escape(row["title"], quote=False))
    elif row["article_id"] is not None and kind.table != "videos":
        hit["title_html"] = Markup(f"Artikel {escape(str(row['article_id']))}")
    else:
        hit["title_html"] = Markup("(utan titel)")
    snippets = [text for text in (row["snippet_0"], row["snippet_1"]) if text]
    # the text where most words are marked (the lead before the body when equal), else the start of the first
    best = max(snippets, key=lambda text: text.count(OPEN), default=None)
    hit["snippet_html"] = marked(best)
    hit["byline_html"] = marked(row["byline"])
    hit["place_html"] = marked(row["place"])
    url = web_url(row["picture_url"])
    if kind.table == "images" and url:
        hit["picture"] = local_image_source(url, row["local_path"], images, size="small")
    else:
        hit["picture"] = copies.source(url) if url else None
    return hit


async def run_search(datasette, request, database, search: Search) -> None:
    """Fill ``search`` with the counts and one page of hits (or a message saying why there are none)."""
    from knytscrape.datasette_plugin import images_url  # the package imports this module

    query = fts_query(search.q)
    if query is None:
        search.message = ("Sökningen har inga ord att söka efter. Skriv ett ord av bokstäver eller siffror; "
                          "citattecken och stjärnor behövs inte.")
        return
    kinds, with_articles = await _visible_kinds(datasette, request, database) if database else ([], False)
    if not kinds:
        search.message = "Arkivet har ännu inget att söka i."
        return
    params = {"fts": query}
    try:
        counted = await database.execute(counts_sql(kinds), params, custom_time_limit=SEARCH_TIME_LIMIT_MS)
        search.counts = {row["kind"]: row["hits"] for row in counted.rows}
        if search.total == 0:
            among = f" bland {search.kind.plural}" if search.kind else ""
            search.message = (f"Inga träffar för ”{search.q}”{among}. Prova början av ordet, ett ord mindre eller "
                              f"en annan stavning: å, ä och ö är egna bokstäver.")
            return
        last_page = min(MAX_PAGES, -(-search.total // PAGE_SIZE))
        if search.page > last_page:
            search.message = (f"Sidan {search.page} finns inte: sökningen visar {last_page} "
                              f"sid{'a' if last_page == 1 else 'or'}.")
            if search.total > MAX_PAGES * PAGE_SIZE:
                search.message += f" Högst {MAX_PAGES * PAGE_SIZE} träffar visas; lägg till ett ord."
            return
        shown = [search.kind] if search.kind else kinds  # a kind not searchable here has no hits: answered above
        params.update(limit=PAGE_SIZE, offset=(search.page - 1) * PAGE_SIZE)
        rows = (await database.execute(hits_sql(shown, with_articles), params,
                                       custom_time_limit=SEARCH_TIME_LIMIT_MS)).rows
    except QueryInterrupted:
        search.message = ("Sökningen tog för lång tid. Gör den snävare: ett längre ord, eller ett ord till.")
        search.counts = None
        return
    images = images_url(datasette)
    copies = Copies(datasette, images)
    search.hits = [_hit(dict(row), KIND_BY_KEY[row["kind"]], datasette, database.name, with_articles, images,
                        copies) for row in rows]


def _link(q: str, kind: Kind | None = None, page: int = 1) -> str:
    params = {"q": q}
    if kind:
        params["typ"] = kind.key
    if page > 1:
        params["sida"] = str(page)
    return "?" + urlencode(params)


async def search_view(datasette, request):
    """``/-/sok?q=WORDS[&typ=KIND][&sida=N]``: the search page."""
    from knytscrape.datasette_plugin import _database  # the package imports this module

    database = await _database(datasette, request)  # Forbidden when the actor may not view the archive
    search = Search(q=(request.args.get("q") or "").strip())
    kind_key = request.args.get("typ") or ""
    page = _page_number(request.args.get("sida"))
    if not search.q:
        search.message = ("Skriv ett eller flera ord i rutan. Sökningen går igenom artiklar, kommentarer, "
                          "bildtexter, videor och evenemang och hittar ordens böjningsformer: budget hittar också "
                          "budgeten och budgetförslaget.")
    elif len(search.q) > MAX_QUERY_CHARS:
        search.message = f"Sökningen är för lång: högst {MAX_QUERY_CHARS} tecken. Korta den och sök igen."
    elif len(WORD.findall(search.q)) > MAX_WORDS:
        search.message = f"Sökningen har för många ord: högst {MAX_WORDS}. Ta bort några och sök igen."
    elif kind_key and kind_key not in KIND_BY_KEY:
        search.message = f"Okänd sorts träff: ”{kind_key}”. Välj bland: {', '.join(KIND_BY_KEY)}."
    elif page is None:
        search.message = "Sidnumret ska vara ett heltal från 1 och uppåt."
    else:
        search.kind, search.page = KIND_BY_KEY.get(kind_key), page
        try:
            await run_search(datasette, request, database, search)
        except sqlite3.OperationalError:  # an index of an older layout, or a damaged one: said, not a 500
            search.message = "Sökningen kunde inte göras i det här arkivet (sökindexet kunde inte läsas)."
            search.counts, search.hits = None, None
    shown_q = search.q if len(search.q) <= MAX_QUERY_CHARS else search.q[:MAX_QUERY_CHARS]
    sql_url = None
    if search.counts is not None and await datasette.get_canned_query(database.name, CANNED_QUERY, request.actor):
        sql_url = datasette.urls.database(database.name) + f"/{CANNED_QUERY}?" + urlencode({"q": search.q})
    filters = []
    if search.counts:
        everything = sum(search.counts.values())
        filters.append({"label": "alla", "count": everything, "count_text": sv_number(everything),
                        "href": _link(search.q), "current": search.kind is None})
        filters += [{"label": kind.plural, "count": search.counts[kind.key],
                     "count_text": sv_number(search.counts[kind.key]), "href": _link(search.q, kind),
                     "current": search.kind is kind} for kind in KINDS if kind.key in search.counts]
    pages = {}
    if search.hits:
        last_page = min(MAX_PAGES, -(-search.total // PAGE_SIZE))
        pages = {"number": search.page, "last": last_page,
                 "previous": _link(search.q, search.kind, search.page - 1) if search.page > 1 else None,
                 "next": _link(search.q, search.kind, search.page + 1) if search.page < last_page else None,
                 "first_number": (search.page - 1) * PAGE_SIZE + 1,
                 "capped": search.total > MAX_PAGES * PAGE_SIZE, "max_hits": sv_number(MAX_PAGES * PAGE_SIZE)}
    context = {
        "metadata": datasette.metadata(),  # the title and the footer's links, as Datasette's own pages have them
        "datasette_version": __version__,
        "knyt_search": search,
        "q": shown_q,
        "max_query_chars": MAX_QUERY_CHARS,
        "action": datasette.urls.path(SEARCH_PATH),
        "sql_url": sql_url,
        "filters": filters,
        "pages": pages,
    }
    html = await datasette.render_template(TEMPLATE, context, request=request)
    return Response.html(html)
