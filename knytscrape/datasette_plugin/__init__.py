"""Datasette plugin of the published archive: feeds, Swedish-aware search, reading pages, pictures in tables.

* ``/-/feeds/events.ics``: the calendar (table events) as iCalendar, ``text/calendar; charset=utf-8``;
* ``/-/feeds/latest.atom``: the newest articles and videos as Atom, ``application/atom+xml; charset=utf-8``.

Registered through the ``datasette`` entry point in pyproject.toml. Both read the instance's first database
(the only one when published) with SELECTs through Datasette's async ``execute``: nothing is written.
A missing table, or one the request's actor may not view, counts as empty: the feed is then empty but valid.
The feeds themselves are built by knytscrape.feeds.

It also makes each content table's standard search (``?_search=``) the Swedish-aware one of
knytscrape.search, by rewriting the query before Datasette sees it.

Reading pages: the row pages of articles, videos and events show the record as a reader sees it (title,
date, lead, paragraphs, gallery with captions and credits, comments, player), from templates/row.html of
this package and the data gathered by knytscrape.reading; the stored record stays below, folded.
Pictures are shown as pictures in tables; titles link to their reading page.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl, unquote, urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from datasette.utils.asgi import Response
from markupsafe import Markup

from knytscrape.datasette_plugin.pagination import (
    TABLE_PATH,
    add_tie_breaker,
    serving_table_page,
    table_of_request,
)
from knytscrape.feeds import atom_feed, events_ics
from knytscrape.publish import IMAGES_MOUNT
from knytscrape.reading import READING_TABLES, VIEWS, is_image_url, local_image_source
from knytscrape.search import SEARCH_COLUMNS, fts_query

EVENTS_PATH = "/-/feeds/events.ics"
ATOM_PATH = "/-/feeds/latest.atom"
ATOM_LIMIT = 50

EVENT_COLUMNS = ("id", "url", "title", "starts_at", "ends_at", "all_day", "date_raw", "location", "organiser",
                 "description", "status", "first_seen", "last_seen")
ARTICLE_COLUMNS = ("id", "url", "title", "published", "lead")
VIDEO_COLUMNS = ("id", "url", "title", "published", "description")


async def _database(datasette, request):
    """The first database of the instance (None if it has none), after checking the actor may view it."""
    if not [name for name in datasette.databases if name != "_internal"]:
        await datasette.ensure_permissions(request.actor, ["view-instance"])
        return None
    database = datasette.get_database()
    await datasette.ensure_permissions(request.actor, [("view-database", database.name), "view-instance"])
    return database


async def _rows(datasette, request, database, table: str, columns: tuple[str, ...], where: str, order: str,
                limit: int | None = None) -> list[dict]:
    """Rows of ``table`` (only the ``columns`` it has), [] when the table is missing or not visible."""
    if database is None or not await database.table_exists(table):
        return []
    allowed = await datasette.permission_allowed(
        request.actor, "view-table", resource=(database.name, table), default=None
    )
    if allowed is False:
        return []
    present = set(await database.table_columns(table))
    if "id" not in present:
        return []
    selected = ", ".join(f"[{column}]" for column in columns if column in present)
    conditions = " AND ".join(f"[{column}] IS NOT NULL AND [{column}] != ''" for column in where if column in present)
    sql = f"SELECT {selected} FROM [{table}]"
    if conditions:
        sql += f" WHERE {conditions}"
    sql += f" ORDER BY {', '.join(column for column in order if column.split()[0].strip('[]') in present)}"
    params = {}
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    results = await database.execute(sql, params)
    return [dict(row) for row in results.rows]


async def events_view(datasette, request):
    database = await _database(datasette, request)
    events = await _rows(datasette, request, database, "events", EVENT_COLUMNS, where=("starts_at",),
                         order=("[starts_at]", "[id]"))
    return Response(events_ics(events), content_type="text/calendar; charset=utf-8")


async def atom_view(datasette, request):
    database = await _database(datasette, request)
    # Up to ATOM_LIMIT of each kind: enough for the ATOM_LIMIT newest of both merged.
    articles = await _rows(datasette, request, database, "articles", ARTICLE_COLUMNS, where=("published",),
                           order=("[published] DESC", "[id] DESC"), limit=ATOM_LIMIT)
    videos = await _rows(datasette, request, database, "videos", VIDEO_COLUMNS, where=("published",),
                         order=("[published] DESC", "[id] DESC"), limit=ATOM_LIMIT)
    feed_url = datasette.absolute_url(request, datasette.urls.path(ATOM_PATH))
    body = atom_feed(articles, videos, feed_url=feed_url, limit=ATOM_LIMIT)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/-/feeds/events\.ics$", events_view),
        (r"^/-/feeds/latest\.atom$", atom_view),
    ]


# -- Swedish-aware search through Datasette's own ``_search`` parameter ---------------------------------

TYPED = "_search_typed"


def rewrite_search(path: str, query_string: bytes) -> bytes:
    """``_search=budget`` on a content table -> the stemmed prefix query of knytscrape.search, in raw mode.

    Left alone: other paths, a request that already chose ``_searchmode``, and text with no words.
    What the person typed rides along as ``_search_typed``: the page shows it instead of the FTS query.
    """
    match = TABLE_PATH.match(path)
    if not match or unquote(match.group("table")) not in SEARCH_COLUMNS:
        return query_string
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if any(name == "_searchmode" for name, _ in pairs):
        return query_string
    rewritten, changed, typed = [], False, None
    for name, value in pairs:
        query = fts_query(value) if name == "_search" else None
        if query:
            typed, value, changed = value, query, True
        rewritten.append((name, value))
    if changed:
        rewritten += [("_searchmode", "raw"), (TYPED, typed)]
    return urlencode(rewritten).encode("latin-1") if changed else query_string


@hookimpl
def asgi_wrapper(datasette):
    """Swedish-aware ``_search`` (rewrite_search); table pages marked for the tie-breaker (pagination.py)."""

    def wrap(app):
        async def archive_requests(scope, receive, send):
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            query_string = scope.get("query_string") or b""
            if query_string:
                new = rewrite_search(scope.get("path", ""), query_string)
                if new is not query_string:
                    scope = {**scope, "query_string": new}
            token = serving_table_page.set(table_of_request(scope.get("path", ""), query_string))
            try:
                await app(scope, receive, send)
            finally:
                serving_table_page.reset(token)

        return archive_requests

    return wrap


@hookimpl
def startup(datasette):
    """Every page of a sorted table in the same order (see pagination.py)."""
    for name, database in datasette.databases.items():
        if name != "_internal":
            add_tie_breaker(database)


@hookimpl
def prepare_connection(conn):
    """``knyt_fts(text)`` in SQL: the Swedish-aware FTS query of knytscrape.search, for canned queries."""
    conn.create_function("knyt_fts", 1, lambda text: fts_query(text or "") or '""', deterministic=True)


# -- reading pages and links to them ---------------------------------------------------------------------


def search_as_typed(request) -> dict:
    """A table page searched through ``rewrite_search`` shows the words typed, not the FTS query
    (templates/table.html), and its search form does not carry the raw mode into the next search."""
    typed = request.args.get(TYPED)
    if typed is None or request.args.get("_searchmode") != "raw":
        return {}
    hidden = [(key, value) for key in request.args
              if key.startswith("_") and key not in ("_sort", "_sort_desc", "_search", "_next", "_searchmode", TYPED)
              and "__" not in key for value in request.args.getlist(key)]
    return {"search": typed, "form_hidden_args": hidden, "knyt_search_typed": typed,
            "knyt_search_query": request.args.get("_search", "")}


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """Row pages of articles, videos and events get what templates/row.html reads them with; searched
    table pages get the words as typed."""
    if request is None or not database:
        return {}
    if template == "table.html":
        return search_as_typed(request)
    if template != "row.html" or table not in VIEWS:
        return {}
    name, gather = VIEWS[table]

    async def reading_vars():
        components = urlsafe_components(request.url_vars.get("pks", ""))
        if len(components) != 1:
            return {}
        def row_url(other_table: str, key) -> str:
            return datasette.urls.row(database, other_table, tilde_encode(str(key)))

        return {name: await gather(datasette.get_database(database), components[0], row_url, images_url(datasette))}

    return reading_vars


IMAGE_COLUMNS = {("images", "url"), ("articles", "lead_image_url"), ("videos", "thumbnail_url")}


@hookimpl
def render_cell(value, column, table, database, row, datasette):
    """Pictures as pictures; titles as links to their reading page; article ids in query results as links.

    Everything else is left to Datasette, which escapes it."""
    if not isinstance(value, (str, int)) or value == "":
        return None
    if (table, column) in IMAGE_COLUMNS and isinstance(value, str) and value.startswith("http"):
        return _picture(value, table, row, images_url(datasette))
    if table in READING_TABLES and column == "title" and "id" in row.keys():  # noqa: SIM118 (sqlite3.Row)
        href = datasette.urls.row(database, table, tilde_encode(str(row["id"])))
        return Markup(f'<a href="{escape(href)}">{escape(str(value))}</a>')
    if table is None and column == "article_id" and isinstance(value, int):
        href = datasette.urls.row(database, "articles", str(value))
        return Markup(f'<a href="{escape(href)}">{value}</a>')
    return None


def _picture(value: str, table: str, row, images: str | None):
    """A small picture linked to the original; the downloaded thumbnail preferred when pictures are served."""
    local = row["local_path"] if table == "images" and "local_path" in row.keys() else None  # noqa: SIM118
    source = local_image_source(value, local, images, size="small")
    if source == value and not is_image_url(value):
        return None
    return Markup(
        f'<a href="{escape(value)}"><img src="{escape(source)}" alt="" loading="lazy" '
        f'style="max-width:160px;max-height:120px"></a>'
    )


def images_url(datasette) -> str | None:
    """Where the downloaded pictures are served: the ``images`` static mount (``--static images:DIR``)."""
    if any(mount == IMAGES_MOUNT for mount, _ in datasette.static_mounts):
        return datasette.urls.path(f"/{IMAGES_MOUNT}/")
    return None
