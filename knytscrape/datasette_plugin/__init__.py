"""Datasette plugin of the published archive: feeds, Swedish-aware search, reading pages, pictures in tables.

* ``/-/feeds/events.ics``: the calendar (table events) as iCalendar, ``text/calendar; charset=utf-8``;
* ``/-/feeds/latest.atom``: the newest articles and videos as Atom, ``application/atom+xml; charset=utf-8``.
* ``/-/sok?q=WORDS``: the search page of the whole archive (search_page.py); the home page (templates/index.html)
  gets its newest articles, coming events and chart from home.py.

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

Bounds (bounds.py, functions.py): no request can make the server hold more than a bounded amount of memory
or time. Every connection gets SQLite's limits, sorts in memory and SQL functions that refuse calls one
could keep busy for minutes; the serving process caps SQLite's heap; the rows of each query are counted as
they are fetched, at their size in an answer, against a budget per query and one for the whole server; a
client that takes nothing is dropped, and a streamed CSV that fails halfway is cut off, not ended as if
complete. ``_json`` (which parses values into Python objects many times their size) is refused on
arbitrary SQL. The numbers and the reasons: docs/publishing.md, "Bounds".
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import re
import sys
from html import escape
from urllib.parse import parse_qsl, unquote, urlencode

from datasette import hookimpl
from datasette.utils import is_url, tilde_encode, urlsafe_components
from datasette.utils.asgi import Response
from markupsafe import Markup

from knytscrape.datasette_plugin import bounds, captures, home, search_page, swedish
from knytscrape.datasette_plugin.pagination import (
    KEYS,
    TABLE_PATH,
    add_tie_breaker,
    serving_table_page,
    table_of_request,
)
from knytscrape.db import TABLES
from knytscrape.feeds import atom_feed, events_ics
from knytscrape.publish import IMAGES_MOUNT, PLUGIN_NAME, PROCESS_LIMITS, PUBLIC_URL_ENV, valid_public_url
from knytscrape.reading import READING_TABLES, VIEWS, Copies, is_image_url, local_image_source
from knytscrape.search import SEARCH_COLUMNS, fts_query

EVENTS_PATH = "/-/feeds/events.ics"
ATOM_PATH = "/-/feeds/latest.atom"
ATOM_LIMIT = 50

# removed_at: what the site no longer shows stays in the feeds, marked (knytscrape.feeds)
EVENT_COLUMNS = ("id", "url", "title", "starts_at", "ends_at", "all_day", "date_raw", "location", "organiser",
                 "description", "status", "first_seen", "last_seen", "removed_at")
ARTICLE_COLUMNS = ("id", "url", "title", "published", "lead", "removed_at")
VIDEO_COLUMNS = ("id", "url", "title", "published", "description", "removed_at")
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


def _configured_public_url(datasette) -> str | None:
    return (datasette.plugin_config(PLUGIN_NAME) or {}).get("public_url") or os.environ.get(PUBLIC_URL_ENV)


def public_url(datasette) -> str | None:
    """The archive's home page as the public reaches it (``https://arkiv.example.org/``), from configuration
    only: the plugin's ``public_url`` in the metadata (``knytscrape serve --public-url``), else $KNYT_PUBLIC_URL.
    Never from the request: its Host header is whatever the client sent. One that is not an http(s)
    address is left aside (startup warns of it once)."""
    configured = _configured_public_url(datasette)
    try:
        return valid_public_url(configured) if configured else None
    except ValueError:
        return None


def warn_of_a_bad_public_url(datasette) -> str | None:
    """The warning (written to stderr) when the configured public address is unusable, else None."""
    configured = _configured_public_url(datasette)
    try:
        if configured:
            valid_public_url(configured)
        return None
    except ValueError as error:
        warning = (f"knytscrape: the archive's public address is left aside ({error}; from the plugin's "
                   f"public_url or ${PUBLIC_URL_ENV}): the Atom feed uses its fixed id and a relative self link")
        print(warning, file=sys.stderr, flush=True)
        return warning


async def atom_view(datasette, request):
    database = await _database(datasette, request)
    # Up to ATOM_LIMIT of each kind: enough for the ATOM_LIMIT newest of both merged.
    articles = await _rows(datasette, request, database, "articles", ARTICLE_COLUMNS, where=("published",),
                           order=("[published] DESC", "[id] DESC"), limit=ATOM_LIMIT)
    videos = await _rows(datasette, request, database, "videos", VIDEO_COLUMNS, where=("published",),
                         order=("[published] DESC", "[id] DESC"), limit=ATOM_LIMIT)
    home = public_url(datasette)

    def archive_url(table: str, key) -> str:
        """A record's reading page: the link of an entry whose page the site removed."""
        path = datasette.urls.row(database.name, table, tilde_encode(str(key)))
        return home + path[len(datasette.urls.path("/")):] if home else path

    if home:  # the feed's id and self link: its public address
        body = atom_feed(articles, videos, feed_url=home + ATOM_PATH.lstrip("/"), limit=ATOM_LIMIT,
                         archive_url=archive_url)
    else:  # the id is feeds.ATOM_FEED_ID; the self link a path, resolved by the reader against where it fetched it
        body = atom_feed(articles, videos, feed_url=datasette.urls.path(ATOM_PATH), limit=ATOM_LIMIT,
                         archive_url=archive_url)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/-/feeds/events\.ics$", events_view),
        (r"^/-/feeds/latest\.atom$", atom_view),
        (r"^/-/capture/(?P<capture_id>\d{1,18})$", captures.capture_view),
        (r"^/-/sok$", search_page.search_view),  # the search page of the whole archive (search_page.py)
    ]


# -- Swedish-aware search through Datasette's own ``_search`` parameter ---------------------------------

TYPED = "_search_typed"


def refused(query_string: bytes) -> str | None:
    """Why a request is refused before Datasette sees it, or None.

    ``_json=COLUMN`` parses a column's values into Python objects, up to 25 times the size of their text
    (``[[],[],...]``): on stored data that is harmless, on the values of arbitrary SQL it is a way around
    the result budget.
    """
    if not query_string:
        return None
    # parsed as Datasette parses it: a name may be percent-encoded (%5Fjson)
    names = {name for name, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)}
    if "_json" in names and "sql" in names:
        return ("_json is not available on arbitrary SQL: its values could grow many times over when parsed; "
                "use it on a table page (e.g. /knytpunkt/crawls.json?_json=stats)")
    return None


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
    """Swedish-aware ``_search`` (rewrite_search); table pages marked for the tie-breaker (pagination.py);
    the bounds of sending (bounds.send_bounded) and of streamed CSVs (bounds.stream_slot)."""

    def wrap(app):
        async def archive_requests(scope, receive, send):
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            path = scope.get("path", "")
            query_string = scope.get("query_string") or b""
            reason = refused(query_string)
            if reason:
                await Response.json({"ok": False, "error": reason, "status": 400, "title": None},
                                    status=400).asgi_send(send)
                return
            if query_string:
                new = rewrite_search(path, query_string)
                if new is not query_string:
                    scope = {**scope, "query_string": new}
            state = bounds.Serving(stream=bounds.is_stream(path, query_string))
            page_token = serving_table_page.set(table_of_request(path, query_string))
            query_token = serving_query.set(query_of_request(path))
            state_token = bounds.serving.set(state)
            try:
                async with bounds.stream_slot(state):
                    await app(scope, receive, bounds.send_bounded(send, scope, state))
            except bounds.ClientGone:
                await asyncio.sleep(0)  # the server notes the dropped connection before the request ends
            finally:
                bounds.serving.reset(state_token)
                serving_table_page.reset(page_token)
                serving_query.reset(query_token)

        return archive_requests

    return wrap


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Swedish dates for every template: ``sv_date``, ``sv_span``, ``sv_printed`` (see swedish.py)."""
    env.filters.update(swedish.FILTERS)


@hookimpl
def startup(datasette):
    """Every page of a sorted table in the same order (see pagination.py); the request's context in the SQL
    threads; SQLite's heap capped for the process unless the plugin's ``process_limits`` is false (as
    publish.datasette_app sets it); a warning for an unusable public address."""
    for name, database in datasette.databases.items():
        if name != "_internal":
            add_tie_breaker(database)
    bounds.carry_context(datasette)
    if (datasette.plugin_config(PLUGIN_NAME) or {}).get(PROCESS_LIMITS, True) is not False:
        bounds.set_heap_limits(datasette.setting("num_sql_threads"))
    warn_of_a_bad_public_url(datasette)


@hookimpl
def prepare_connection(conn):
    """``knyt_fts(text)`` in SQL: the Swedish-aware FTS query of knytscrape.search, for canned queries;
    and the bounds of every connection (bounds.bound_connection)."""
    conn.create_function("knyt_fts", 1, lambda text: fts_query(text or "") or '""', deterministic=True)
    bounds.bound_connection(conn)


def bound_error(exception) -> tuple[str, str, int] | None:
    """(title, message, status) of an error a bound caused, None for any other error. Datasette answers an
    OperationalError of a table page as "Invalid SQL" (the bound's error is then its context); SQLite's own
    bounds raised where no SQL thread turned them into QueryTooLarge (bounds.too_large) would be a 500."""
    from datasette.views.base import DatasetteError  # imports datasette.plugins, which imports this plugin

    cause = exception
    if isinstance(exception, DatasetteError) and exception.__context__ is not None:
        cause = exception.__context__
    if isinstance(cause, bounds.ServerBusy):
        return "Server busy", str(cause), 503
    if isinstance(cause, bounds.ResultTooLarge):
        return "Result too large", str(cause), 400
    too_large = bounds.too_large(cause)
    if too_large is not None:
        return "Query too large", str(too_large), 400
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    """The bounds answer with their own title, message and status (bound_error); a busy server is a 503."""
    from datasette.handle_exception import handle_exception as default_handle_exception
    from datasette.views.base import DatasetteError

    answer = bound_error(exception)
    if answer is None:
        return None
    title, message, status = answer
    return default_handle_exception(datasette, request, DatasetteError(message, title=title, status=status))


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
    if template == "index.html" and request is not None:  # the home page (home.py)
        return lambda: home.home_vars(datasette, request)
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

        db = datasette.get_database(database)
        view = await gather(db, components[0], row_url, images_url(datasette))
        if view is not None:  # the page as the site sent it, where the WARC files are at hand
            view["capture"] = await captures.latest_capture(datasette, db, view.get("source_url") or view.get("url"))
        return {name: view}

    return reading_vars


# The canned query (its name) a request shows, while it is served; None otherwise. render_cell has no request
# in Datasette 0.65, and a list's titles link to their reading pages only by knowing the list.
serving_query: contextvars.ContextVar[str | None] = contextvars.ContextVar("serving_query", default=None)
# The canned lists whose rows are rows of a reading table, by their id column.
QUERY_ROW_TABLES = {"latest_articles": "articles", "most_commented": "articles", "upcoming_events": "events"}


def query_of_request(path: str) -> str | None:
    """The name in a database's page address that is not a table: a canned query's (or nothing's)."""
    match = TABLE_PATH.match(path)
    if not match or match.group("table") in KEYS:
        return None
    return unquote(match.group("table"))


def query_title_row(row) -> tuple[str, str] | None:
    """(reading table, key) of a title in a query's results: a row of a canned list (QUERY_ROW_TABLES), or a
    row of the changes that names its table and record; None for any other."""
    keys = row.keys()
    table = QUERY_ROW_TABLES.get(serving_query.get())
    if table and "id" in keys and row["id"] is not None:
        return table, str(row["id"])
    if "table_name" in keys and "record_id" in keys and row["table_name"] in READING_TABLES and row["record_id"]:
        return row["table_name"], str(row["record_id"])
    return None


# Tables whose article_id names an article (a foreign key): on their row pages it links to it.
ARTICLE_ID_TABLES = {name for name, spec in TABLES.items()
                     if ("article_id", "articles", "id") in spec.get("foreign_keys", ())}
READING_LINK = re.compile(r"^(?:articles|videos|events)/[\w~.%-]+(?:#[\w-]+)?$")
IMAGE_COLUMNS = {("images", "url"), ("articles", "lead_image_url"), ("videos", "thumbnail_url")}


@hookimpl
def render_cell(value, column, table, database, row, datasette):
    """Pictures as pictures; titles as links to their reading page (in tables, canned lists and the changes);
    article ids in query results as links;
    long text cut on table pages (cut_text).

    Everything else is left to Datasette, which escapes it. Only HTML cells come here: CSV and JSON keep
    every value whole."""
    if not isinstance(value, (str, int)) or value == "":
        return None
    if (table, column) in IMAGE_COLUMNS and isinstance(value, str) and value.startswith("http"):
        return _picture(value, table, row, images_url(datasette), Copies(datasette, images_url(datasette)))
    if table in READING_TABLES and column == "title" and "id" in row.keys():  # noqa: SIM118 (sqlite3.Row)
        href = datasette.urls.row(database, table, tilde_encode(str(row["id"])))
        return Markup(f'<a href="{escape(href)}">{escape(str(value))}</a>')
    if table is None and column == "title" and isinstance(value, str) and (target := query_title_row(row)):
        href = datasette.urls.row(database, target[0], tilde_encode(target[1]))
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    if column == "article_id" and isinstance(value, int) and (table is None or table in ARTICLE_ID_TABLES):
        # a table page shows it as its article's title (Datasette's label, a dict here); a row page and a
        # query's results as the bare number, linked here so that a comment's or a picture's row leads on
        href = datasette.urls.row(database, "articles", str(value))
        return Markup(f'<a href="{escape(href)}">{value}</a>')
    if table is None and column == "link" and isinstance(value, str) and READING_LINK.match(value):
        # search_everything's link: a reading page counted from the database's address
        href = datasette.urls.database(database) + "/" + value
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    if isinstance(value, str) and table is not None and serving_table_page.get() == table:
        return cut_text(value, table, row, database, datasette)
    return None


# A table page shows this much of a long text (a body, a lead, a comment, a caption, a diff, a JSON column),
# so that a row is a few lines, not the height of an article; the row page shows it whole. A text of many
# short lines is shown folded into one paragraph, for the same reason.
CELL_TEXT_LIMIT = 240
CELL_LINES_LIMIT = 6


def excerpt(text: str, limit: int = CELL_TEXT_LIMIT) -> str | None:
    """What a table cell shows of a long text: its start, whitespace folded, ending at a word when one ends
    in the last third, with an ellipsis; a text of many lines but few words folded whole; None for a text
    short enough to show as it is."""
    many_lines = text.count("\n") >= CELL_LINES_LIMIT
    if len(text) <= limit and not many_lines:
        return None
    folded = " ".join(text.split())
    if len(folded) <= limit:
        return folded if many_lines else None
    start = folded[:limit]
    space = start.rfind(" ")
    if space > limit * 2 // 3:
        start = start[:space]
    return start.rstrip(" ,;:-–") + "…"


def cut_text(value: str, table: str, row, database: str, datasette) -> Markup | None:
    """A long text of a table page's cell: its excerpt and a link to the row page (the reading page for
    articles, videos and events), where it is whole. Addresses are left to Datasette."""
    shown = excerpt(value)
    if shown is None or is_url(value.strip()):
        return None
    key = KEYS.get(table)
    link = ""
    if key and key in row.keys():  # noqa: SIM118 (sqlite3.Row)
        href = datasette.urls.row(database, table, tilde_encode(str(row[key])))
        characters = f"{len(value):,}".replace(",", "\u00a0")  # Swedish: 12 345
        link = f' <a class="knyt-whole" href="{escape(href)}" title="{characters} tecken">hela texten</a>'
    return Markup(f'<span class="knyt-excerpt">{escape(shown)}</span>{link}')


def _picture(value: str, table: str, row, images: str | None, copies: Copies | None = None):
    """A small picture linked to the original; the downloaded thumbnail preferred when pictures are served
    (a lead picture's or a video's picture: the downloaded picture, found by its address)."""
    local = row["local_path"] if table == "images" and "local_path" in row.keys() else None  # noqa: SIM118
    source = local_image_source(value, local, images, size="small")
    if source == value and copies is not None:
        source = copies.source(value) or value
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
