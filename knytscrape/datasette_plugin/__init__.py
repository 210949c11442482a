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

Bounds: no request can make the server hold more than a bounded amount of memory or time. Every
connection gets SQLite limits (the longest value, statement, columns ...) and SQLite's heap is capped; the
rows of each query are counted as they are fetched (BoundedRow) and a query whose rows outgrow
QUERY_BUDGET, or that would take what all requests hold together (rows alive, response bodies being sent)
past SERVER_BUDGET, ends with an error answer. SQL functions that one call could keep busy for minutes are
wrapped. ``_json`` (which parses values into Python objects many times their size) is refused on arbitrary
SQL. The numbers and the reasons: docs/publishing.md, "Bounds".
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import re
import sqlite3
import sys
import threading
import weakref
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
from knytscrape.publish import IMAGES_MOUNT, PLUGIN_NAME, valid_public_url
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


PUBLIC_URL_ENV = "KNYT_PUBLIC_URL"


def public_url(datasette) -> str | None:
    """The archive's home page as the public reaches it (``https://arkiv.example.org/``), from configuration
    only: the plugin's ``public_url`` in the metadata (``knytscrape serve --public-url``), else $KNYT_PUBLIC_URL.
    Never from the request: its Host header is whatever the client sent."""
    configured = (datasette.plugin_config(PLUGIN_NAME) or {}).get("public_url") or os.environ.get(PUBLIC_URL_ENV)
    try:
        return valid_public_url(configured) if configured else None
    except ValueError:
        return None


async def atom_view(datasette, request):
    database = await _database(datasette, request)
    # Up to ATOM_LIMIT of each kind: enough for the ATOM_LIMIT newest of both merged.
    articles = await _rows(datasette, request, database, "articles", ARTICLE_COLUMNS, where=("published",),
                           order=("[published] DESC", "[id] DESC"), limit=ATOM_LIMIT)
    videos = await _rows(datasette, request, database, "videos", VIDEO_COLUMNS, where=("published",),
                         order=("[published] DESC", "[id] DESC"), limit=ATOM_LIMIT)
    home = public_url(datasette)
    if home:  # the feed's id and self link: its public address
        body = atom_feed(articles, videos, feed_url=home + ATOM_PATH.lstrip("/"), limit=ATOM_LIMIT)
    else:  # the id is feeds.ATOM_FEED_ID; the self link a path, resolved by the reader against where it fetched it
        body = atom_feed(articles, videos, feed_url=datasette.urls.path(ATOM_PATH), limit=ATOM_LIMIT)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/-/feeds/events\.ics$", events_view),
        (r"^/-/feeds/latest\.atom$", atom_view),
    ]


# -- Swedish-aware search through Datasette's own ``_search`` parameter ---------------------------------

TYPED = "_search_typed"


def refused(path: str, query_string: bytes) -> str | None:
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


def counted(send):
    """``send`` that holds a long response body against SERVER_BUDGET until it is sent, in RESPONSE_CHUNK
    pieces: each waits until the client has taken the ones before, so a slow reader holds its own body,
    once, and no copies of it pile up in the connection's buffers."""

    async def send_counted(message):
        body = message.get("body", b"") if message.get("type") == "http.response.body" else b""
        if len(body) <= RESPONSE_CHUNK:
            await send(message)
            return
        size = 2 * len(body)  # the bytes, and the text Datasette encoded them from
        held.responses += size
        try:
            more = message.get("more_body", False)
            for start in range(0, len(body), RESPONSE_CHUNK):
                last = start + RESPONSE_CHUNK >= len(body)
                await send({"type": "http.response.body", "body": body[start:start + RESPONSE_CHUNK],
                            "more_body": more or not last})
        finally:
            held.responses -= size

    return send_counted


@hookimpl
def asgi_wrapper(datasette):
    """Swedish-aware ``_search`` (rewrite_search); table pages marked for the tie-breaker (pagination.py)."""

    def wrap(app):
        async def archive_requests(scope, receive, send):
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            query_string = scope.get("query_string") or b""
            reason = refused(scope.get("path", ""), query_string)
            if reason:
                await Response.json({"ok": False, "error": reason, "status": 400, "title": None},
                                    status=400).asgi_send(send)
                return
            if query_string:
                new = rewrite_search(scope.get("path", ""), query_string)
                if new is not query_string:
                    scope = {**scope, "query_string": new}
            token = serving_table_page.set(table_of_request(scope.get("path", ""), query_string))
            try:
                await app(scope, receive, counted(send))
            finally:
                serving_table_page.reset(token)

        return archive_requests

    return wrap


@hookimpl
def startup(datasette):
    """Every page of a sorted table in the same order (see pagination.py); the bounds' errors as answers."""
    for name, database in datasette.databases.items():
        if name != "_internal":
            add_tie_breaker(database)
            refuse_plainly(database)


# -- bounds: what one request can make the server hold ---------------------------------------------------

MB = 1024 * 1024

# SQLite's limits on every connection. The longest value a crawl of the mirror stores is 1,969 bytes (a
# crawls.stats JSON; the longest article body is 544 bytes, the longest row 2,217 bytes); a real article,
# its revision diff or a year of crawl statistics stays far below LENGTH too, which also bounds a whole row
# as SQLite sorts or groups it. zeroblob(), randomblob(), printf('%.*c', N, ...), group_concat() and
# json_group_array() all stop at LENGTH with "string or blob too big".
SQLITE_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 4 * MB,  # one value or row (SQLite's default: 1,000,000,000)
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # one statement; the longest canned query is 1.5 kB
    sqlite3.SQLITE_LIMIT_COLUMN: 100,  # columns of a result, a table, GROUP BY, ORDER BY; the widest table has 21
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 20,  # search_everything has 5
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 32,
    # One LIKE or GLOB cannot be interrupted and takes up to pattern x value: '%aaa…b' of 200 bytes on a
    # 4 MB value 1.4 s, of 100 bytes 0.6 s (5,000 bytes, SQLite's default limit is 50,000: 28 s).
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 100,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 5_000,  # Datasette names up to max_returned_rows (1,000) labels at once
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}
# SQLite's own heap, for the whole process: page caches shrink towards the soft limit; past the hard one
# an allocation fails (a statement's values, a sort, an FTS doclist) and the query ends with an error.
# It also bounds one result row, whose values SQLite holds while Python copies them.
SOFT_HEAP_LIMIT = 32 * MB
HARD_HEAP_LIMIT = 64 * MB
# The rows of one query (their values as Python objects): 1,000 articles of 8,000 characters each (a long
# article; typographic quotes make Python keep two bytes a character) take 16 MB, of the mirror 1.8 MB.
QUERY_BUDGET = 32 * MB
# What the whole server holds for results at once: rows alive in all requests and threads, and the response
# bodies being sent (twice their size: the text and its bytes). Three queries at their budget.
SERVER_BUDGET = 96 * MB
# The first rows of any query are never refused for the server's sake: small pages and Datasette's own
# schema queries keep working while big results fill the server.
QUERY_ALLOWANCE = 1 * MB
RESPONSE_CHUNK = 256 * 1024  # a long response body is sent in pieces, each after the client took the last
ROW_OVERHEAD = 64  # the Row object itself, beside its tuple of values


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows outgrew QUERY_BUDGET, or what all requests hold SERVER_BUDGET: an error answer."""


class ServerBusy(ResultTooLarge):
    """What all requests hold together would pass SERVER_BUDGET (a 503 on table pages)."""


class _Held:
    """Bytes the server holds for the results it serves: all BoundedRow objects alive, and the response
    bodies being sent (counted by the ASGI wrapper, in the event loop only).

    ``take`` (under a lock) runs in Datasette's SQL threads; ``free`` runs in ``__del__``, in whatever thread
    drops a row, even inside a garbage collection: it only appends to a deque (atomic) and never blocks.
    """

    def __init__(self, budget: int):
        self.budget = budget
        self.rows = 0
        self.responses = 0
        self._lock = threading.Lock()
        self._freed: collections.deque[int] = collections.deque()

    def take(self, size: int, allowed: bool = False) -> bool:
        """Count ``size`` more bytes of rows, unless they would pass the budget and are not ``allowed``."""
        with self._lock:
            while self._freed:
                self.rows -= self._freed.popleft()
            if not allowed and self.rows + self.responses + size > self.budget:
                return False
            self.rows += size
            return True

    def free(self, size: int) -> None:
        self._freed.append(size)


held = _Held(SERVER_BUDGET)


class _QueryTally(threading.local):
    """The cursor being fetched in this thread and the bytes of its rows so far."""

    def __init__(self):
        self.cursor = _no_cursor
        self.total = 0


def _no_cursor():
    return None


_tally = _QueryTally()


class BoundedRow(sqlite3.Row):
    """Datasette's row (sqlite3.Row) that counts the bytes of each cursor's rows as they are fetched.

    Past QUERY_BUDGET for its cursor, or past SERVER_BUDGET for all the server holds, the fetch stops with
    ResultTooLarge, an sqlite3.OperationalError that Datasette answers as an error page. The cursor is
    closed first, so its statement ends and the connection's read snapshot is released at once.
    """

    __slots__ = ("_knyt_size",)

    def __new__(cls, cursor, values):
        size = ROW_OVERHEAD + sys.getsizeof(values) + sum(map(sys.getsizeof, values))
        if _tally.cursor() is not cursor:
            _tally.cursor, _tally.total = weakref.ref(cursor), 0
        _tally.total += size
        if _tally.total > QUERY_BUDGET:
            error = ResultTooLarge(
                f"result too large: the rows of this query passed {QUERY_BUDGET // MB} MB, the most one query "
                "may return here; ask for fewer rows or shorter values (LIMIT, fewer columns, substr())")
        elif not held.take(size, allowed=_tally.total <= QUERY_ALLOWANCE):
            error = ServerBusy(
                f"server busy: the results being served hold {SERVER_BUDGET // MB} MB, the most this archive "
                "holds at once; try again in a moment")
        else:
            row = super().__new__(cls, cursor, values)
            row._knyt_size = size
            return row
        _tally.cursor, _tally.total = _no_cursor, 0
        # A Python that forbids closing here ends the statement when the cursor is dropped.
        with contextlib.suppress(sqlite3.ProgrammingError):
            cursor.close()
        raise error

    def __del__(self):
        held.free(getattr(self, "_knyt_size", 0))


# Built-in SQL functions whose one call can run for minutes, which SQLite cannot interrupt (the time limit
# is checked between virtual-machine instructions, not inside a function). Measured here: trim(X, Y) of two
# 100 kB strings 27 s; instr(X, Y) and replace(X, Y, Z) of 1 MB and 0.5 MB 6.5 s; json_patch() of two 0.5 MB
# objects 11 s; printf('%.*c', 2000000000, 'x') 11 s, whatever the length limit. Each is replaced by a
# wrapper that refuses a call past WORK_LIMIT ("string or blob too big") and otherwise runs SQLite's own
# function, on a private connection of the thread: same results, same types.
WORK_LIMIT = 100_000_000  # lengths multiplied; about 0.3 s for trim(), the slowest per unit
QUADRATIC_FUNCTIONS = {"replace": 3, "instr": 2, "trim": 2, "ltrim": 2, "rtrim": 2, "json_patch": 2, "unhex": 2}
PRINTF_FUNCTIONS = ("printf", "format")
_PRINTF_SPEC = re.compile(r"%[-+ #!,0]*(\*|[0-9]*)(?:\.(\*|[0-9]*))?")
_LEADING_NUMBER = re.compile(r"\s*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _Delegate(threading.local):
    """A private in-memory connection per thread, without the wrappers: SQLite's own functions."""

    connection: sqlite3.Connection | None = None

    def call(self, name: str, args: tuple):
        if self.connection is None:
            self.connection = sqlite3.connect(":memory:", check_same_thread=False)
            self.connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQLITE_LIMITS[sqlite3.SQLITE_LIMIT_LENGTH])
        placeholders = ", ".join("?" * len(args))
        try:
            return self.connection.execute(f"SELECT {name}({placeholders})", args).fetchone()[0]
        except (MemoryError, sqlite3.DataError):  # SQLite's heap or length limit: refused, without a traceback
            return _too_big()


_delegate = _Delegate()


def _length(value) -> int:
    return len(value) if isinstance(value, (str, bytes)) else len(str(value)) if value is not None else 0


def _as_count(value) -> int:
    """A width or precision as SQLite reads it from an argument (text: its leading number), made positive."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        match = _LEADING_NUMBER.match(value)
        value = float(match.group()) if match else 0
    try:
        return abs(int(value or 0))
    except (OverflowError, ValueError):  # inf, nan
        return WORK_LIMIT + 1


def printf_work(fmt, args: tuple) -> int:
    """An upper bound of the characters printf(fmt, *args) pads or repeats: its widths and precisions, and
    every numeric argument when one is given by ``*``."""
    if isinstance(fmt, bytes):  # SQLite reads a blob format as text
        fmt = fmt.decode("utf-8", "replace")
    if not isinstance(fmt, str):
        return 0
    work = 0
    for match in _PRINTF_SPEC.finditer(fmt):
        work += sum(int(part) for part in match.groups() if part and part != "*")
    if "*" in fmt:
        work += sum(_as_count(arg) for arg in args)
    return work


@functools.cache
def _too_big() -> str:
    """A text one byte longer than SQLITE_LIMIT_LENGTH: returned by a function, SQLite refuses it before
    copying it ("string or blob too big"). An exception would do the same, with a traceback in the log
    (Datasette turns sqlite3's callback tracebacks on)."""
    return "\0" * (SQLITE_LIMITS[sqlite3.SQLITE_LIMIT_LENGTH] + 1)


def _quadratic(name: str):
    def bounded(*args):
        if _length(args[0]) * _length(args[1]) > WORK_LIMIT:  # the text and what is sought or trimmed in it
            return _too_big()
        return _delegate.call(name, args)

    return bounded


def _printf(name: str):
    def bounded(*args):
        if args and printf_work(args[0], args[1:]) > SQLITE_LIMITS[sqlite3.SQLITE_LIMIT_LENGTH]:
            return _too_big()
        return _delegate.call(name, args)

    return bounded


def _bounded_functions() -> list[tuple[str, int, object]]:
    """(name, number of arguments, wrapper) for each of those functions this SQLite has."""
    try:
        present = {(name, narg) for name, narg in sqlite3.connect(":memory:").execute(
            "SELECT name, narg FROM pragma_function_list")}
    except sqlite3.Error:  # an SQLite built without it: wrap them all (a missing one then fails when called)
        present = {*QUADRATIC_FUNCTIONS.items(), *((name, -1) for name in PRINTF_FUNCTIONS)}
    functions = [(name, narg, _quadratic(name)) for name, narg in QUADRATIC_FUNCTIONS.items()
                 if (name, narg) in present]
    return functions + [(name, -1, _printf(name)) for name in PRINTF_FUNCTIONS if (name, -1) in present]


BOUNDED_FUNCTIONS = _bounded_functions()


def bound_connection(conn: sqlite3.Connection) -> None:
    """SQLite's limits, the heap limits, the bounded functions and the counted rows on one of Datasette's
    connections."""
    for limit, value in SQLITE_LIMITS.items():
        conn.setlimit(limit, value)
    for name, narg, function in BOUNDED_FUNCTIONS:
        conn.create_function(name, narg, function, deterministic=True)
    # Process-wide; SQLite only ever lowers a hard limit that is set.
    conn.execute(f"PRAGMA soft_heap_limit={SOFT_HEAP_LIMIT}").fetchall()
    conn.execute(f"PRAGMA hard_heap_limit={HARD_HEAP_LIMIT}").fetchall()
    if conn.row_factory is sqlite3.Row:  # as Datasette sets it; another plugin's factory is left alone
        conn.row_factory = BoundedRow


@hookimpl
def prepare_connection(conn):
    """``knyt_fts(text)`` in SQL: the Swedish-aware FTS query of knytscrape.search, for canned queries;
    and the bounds of every connection (bound_connection)."""
    conn.create_function("knyt_fts", 1, lambda text: fts_query(text or "") or '""', deterministic=True)
    bound_connection(conn)


class QueryTooLarge(ResultTooLarge):
    """A value past SQLITE_LIMIT_LENGTH, or SQLite out of its heap, as an OperationalError Datasette answers."""


def refuse_plainly(database) -> None:
    """Wrap one Datasette database's ``execute`` so that the bounds SQLite enforces end in an error answer.

    A value past SQLITE_LIMIT_LENGTH raises sqlite3.DataError and SQLite out of its heap MemoryError; both
    would be a 500 with a traceback on a table page, which catches only OperationalError.
    """
    execute = database.execute

    async def execute_refusing_plainly(sql, *args, **kwargs):
        try:
            return await execute(sql, *args, **kwargs)
        except sqlite3.DataError as error:
            raise QueryTooLarge(
                f"{error}: a value may be at most {SQLITE_LIMITS[sqlite3.SQLITE_LIMIT_LENGTH]:,} bytes here, and "
                "printf(), trim(), replace(), instr() and json_patch() refuse arguments that would keep them "
                "busy for long") from None
        except MemoryError:
            raise QueryTooLarge(f"the query needs more memory than SQLite may use here ({HARD_HEAP_LIMIT // MB} "
                                "MB); ask for fewer rows or shorter values") from None

    database.execute = execute_refusing_plainly


@hookimpl
def handle_exception(datasette, request, exception):
    """The bounds answer with their own title and status: Datasette calls any OperationalError of a table
    page "Invalid SQL"; a busy server is a 503. Whatever escaped refuse_plainly is a 400, not a 500."""
    # Imported here: these modules load datasette.plugins, which imports this plugin (a cycle at import time).
    from datasette.handle_exception import handle_exception as default_handle_exception
    from datasette.views.base import DatasetteError

    cause = exception.__context__ if isinstance(exception, DatasetteError) else exception
    if isinstance(cause, ServerBusy):
        title = "Server busy"
    elif isinstance(cause, QueryTooLarge) or (
            isinstance(cause, (MemoryError, sqlite3.DataError)) and not isinstance(exception, DatasetteError)):
        title = "Query too large"
    elif isinstance(cause, ResultTooLarge):
        title = "Result too large"
    else:
        return None
    message = str(cause) or "the query needs more memory than this archive gives one query"
    status = 503 if isinstance(cause, ServerBusy) else 400
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
