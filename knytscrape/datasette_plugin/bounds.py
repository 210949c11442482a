"""Bounds of the published archive: what one request can make the server hold, and for how long.

* every connection gets SQLite's limits (the longest value, statement, columns ...), ``temp_store=MEMORY``
  (a sort or a temporary table never goes to disk) and the bounded functions of functions.py;
* the serving process caps SQLite's heap, which with temp_store=MEMORY also bounds sorts and temporary
  tables: sized so that ``num_sql_threads`` queries as large as the largest legitimate one fit at once
  (process_limits; not in a process that opted out, as publish.datasette_app does);
* the rows of each query are counted as they are fetched (BoundedRow), each row at the larger of its size
  as Python holds it and its size written into an answer at worst (JSON escapes a NUL to six bytes, an
  ``å`` too, and repeats the column names in every row): past QUERY_BUDGET the query ends with an error;
* what all requests hold together (rows alive, response bodies being sent) may not pass SERVER_BUDGET:
  a query that would take it past ends with "server busy", except its first QUERY_ALLOWANCE and the pages
  of a streamed CSV (at most STREAMS at once, the others wait), which must not fail halfway;
* a client that takes no part of its answer for SEND_TIMEOUT is dropped, and what it held released;
* a streamed CSV that fails after its first page (Datasette would end it as if complete, with the error as
  its last line) is cut off instead: the client sees an incomplete download.

The numbers and the reasons: docs/publishing.md, "Bounds".
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import contextvars
import sqlite3
import sys
import threading
import weakref
from urllib.parse import parse_qsl

from knytscrape.datasette_plugin import functions

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
    # 4 MB value 1.4 s, of 100 bytes 0.6 s (5,000 bytes, SQLite's default limit is 50,000: 28 s). The
    # pattern of ?column__contains=TEXT is TEXT with a % on each side: TEXT may have 98 bytes.
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 100,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 5_000,  # Datasette names up to max_returned_rows (1,000) labels at once
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}
functions.set_length_limit(SQLITE_LIMITS[sqlite3.SQLITE_LIMIT_LENGTH])

# SQLite's own heap, for the whole process: page caches shrink towards the soft limit; past the hard one an
# allocation fails (a statement's values, a sort, a temporary table, an FTS doclist) and the query ends
# with an error. With temp_store=MEMORY it is what bounds sorts and temporary tables. The largest
# legitimate need measured: a one-letter prefix search (``?_search=b``) of 20,000 articles of 8,000
# characters, 23 MB (a page of them sorted by a column without index: 9 MB). Each SQL thread may run one
# such query at once, and page caches (2 MB a connection) come on top.
QUERY_HEAP = 32 * MB


def heap_limits(sql_threads: int) -> tuple[int, int]:
    """(soft, hard) heap limits for a server of ``sql_threads`` SQL threads: each thread's query, and one
    more for page caches and the functions' private connections."""
    hard = (max(sql_threads, 1) + 1) * QUERY_HEAP
    return hard // 2, hard


def set_heap_limits(sql_threads: int) -> tuple[int, int]:
    """Set the process-wide heap limits (serving processes only: they apply to every SQLite connection of
    the process, a crawl or a test's included). SQLite's pragma only ever lowers a hard limit already set."""
    soft, hard = heap_limits(sql_threads)
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f"PRAGMA soft_heap_limit={soft}").fetchall()
        connection.execute(f"PRAGMA hard_heap_limit={hard}").fetchall()
    finally:
        connection.close()
    return soft, hard


# The rows of one query, counted at the larger of their Python size and their size in an answer: 1,000
# articles of 8,000 characters each (a long article; typographic quotes make Python keep two bytes a
# character) take 16 MB, of the mirror 1.8 MB.
QUERY_BUDGET = 32 * MB
# What the whole server holds for results at once: rows alive in all requests and threads, and the response
# bodies being sent (twice their size: the text and its bytes). Three queries at their budget.
SERVER_BUDGET = 96 * MB
# The first rows of any query are never refused for the server's sake: small pages and Datasette's own
# schema queries keep working while big results fill the server.
QUERY_ALLOWANCE = 1 * MB
RESPONSE_CHUNK = 256 * 1024  # a long response body is sent in pieces, each after the client took the last
# A client that takes no part of its answer for this long is dropped (a piece of RESPONSE_CHUNK, or the
# 64 kB the server's buffer holds: at least 25 kB/s; a reverse proxy reads at once).
SEND_TIMEOUT = 10.0
# Streamed CSVs at once. Each holds up to two pages of rows (32 MB each at most) whatever the server
# holds, so that it never fails halfway for being busy; more wait for their turn.
STREAMS = 4
ROW_OVERHEAD = 64  # the Row object itself, beside its tuple of values
CELL_OVERHEAD = 32  # a value's frame in an answer: JSON's quotes, colon and comma; an HTML cell's tags


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows outgrew QUERY_BUDGET, or what all requests hold SERVER_BUDGET: an error answer."""


class ServerBusy(ResultTooLarge):
    """What all requests hold together would pass SERVER_BUDGET (a 503 on table pages)."""


class QueryTooLarge(sqlite3.OperationalError):
    """SQLite's own bounds as an OperationalError with the reason (too_large): Datasette answers it as an
    error page, where sqlite3.DataError and MemoryError would be a 500 with a traceback in the log."""


LIKE_TOO_LONG = "LIKE or GLOB pattern too complex"  # SQLite's message past SQLITE_LIMIT_LIKE_PATTERN_LENGTH


def too_large(error: BaseException) -> QueryTooLarge | None:
    """The error answer for a bound SQLite enforces itself: a value past SQLITE_LIMIT_LENGTH (or a function
    call refused: sqlite3.DataError), its heap full (MemoryError), a LIKE pattern too long; else None."""
    if isinstance(error, QueryTooLarge):
        return error
    if isinstance(error, sqlite3.DataError):
        return QueryTooLarge(
            f"{error}: a value may be at most {SQLITE_LIMITS[sqlite3.SQLITE_LIMIT_LENGTH]:,} bytes here, and "
            "printf(), trim(), replace(), instr() and json_patch() refuse arguments that would keep them busy "
            "for long")
    if isinstance(error, MemoryError):
        return QueryTooLarge(
            "the query needs more memory than SQLite may use here (its heap is shared by the queries running at "
            "once): ask for fewer rows, shorter values or a narrower search, or try again in a moment")
    if isinstance(error, sqlite3.OperationalError) and str(error) == LIKE_TOO_LONG:
        length = SQLITE_LIMITS[sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH]
        return QueryTooLarge(
            f"{LIKE_TOO_LONG}: a LIKE or GLOB pattern may have at most {length} bytes here (?column__contains="
            f"TEXT: TEXT at most {length - 2}), as one comparison cannot be interrupted; search with ?_search= "
            "instead")
    return None


class ClientGone(BaseException):
    """The client's connection was dropped (it took nothing for SEND_TIMEOUT, or its streamed CSV failed).

    Not an Exception: nothing of Datasette's catches it on its way to the plugin's ASGI wrapper, which ends
    the request there."""


# -- the request being served, known in the SQL threads too ---------------------------------------------


class Serving:
    """What the plugin knows of the request being served, shared by the event loop and the SQL threads
    that run its queries (ContextExecutor carries it there)."""

    __slots__ = ("stream", "failed")

    def __init__(self, stream: bool = False):
        self.stream = stream  # a streamed CSV (?_stream=on): its pages are never refused as "server busy"
        self.failed: str | None = None  # why one of its queries failed, if one did


serving: contextvars.ContextVar[Serving | None] = contextvars.ContextVar("knyt_serving", default=None)


def is_stream(path: str, query_string: bytes) -> bool:
    """A streamed CSV, as Datasette decides it: a ``.csv`` page with a non-empty ``_stream``."""
    if not path.endswith(".csv") or b"_stream" not in query_string.replace(b"%5F", b"_").replace(b"%5f", b"_"):
        return False
    return any(name == "_stream" and value
               for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))


def _run_in_request(fn, /, *args, **kwargs):
    """One call in an SQL thread: a failure noted on its request; SQLite's own bounds (a value too long, its
    heap full) raised as QueryTooLarge, which Datasette answers plainly instead of with a logged traceback."""
    try:
        return fn(*args, **kwargs)
    except (sqlite3.DataError, MemoryError) as error:
        failure = too_large(error)
        _note(failure)
        raise failure from None
    except BaseException as error:
        _note(error)
        raise


def _note(error: BaseException) -> None:
    state = serving.get()
    if state is not None and state.failed is None:
        state.failed = str(error) or type(error).__name__


class ContextExecutor(concurrent.futures.Executor):
    """Datasette's pool of SQL threads, running each call in the context of the request that made it (as
    ``asyncio.to_thread`` does), so that the rows counted there know their request (a streamed CSV), a
    query's failure is noted on it, and SQLite's own bounds end as QueryTooLarge (_run_in_request).
    Datasette has no hook for this: the plugin's startup puts it in place of ``datasette.executor``, which
    Datasette only ever hands to ``run_in_executor``."""

    def __init__(self, inner: concurrent.futures.Executor):
        self.inner = inner

    def submit(self, fn, /, *args, **kwargs):
        return self.inner.submit(contextvars.copy_context().run, _run_in_request, fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)


def carry_context(datasette) -> None:
    if datasette.executor is not None and not isinstance(datasette.executor, ContextExecutor):
        datasette.executor = ContextExecutor(datasette.executor)


# -- counting what the server holds ----------------------------------------------------------------------


class _Held:
    """Bytes the server holds for the results it serves: all BoundedRow objects alive, and the response
    bodies being sent (counted by send_bounded, in the event loop only).

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

# Bytes of UTF-8 that an answer writes as they are: printable ASCII but the characters JSON escapes (" \)
# and HTML escapes (< > & ' ") into up to six bytes. The others are counted at their worst: an ASCII
# control character six bytes (\u0000), each byte of a multi-byte character three (\u00e5 for two bytes,
# \ud83d\ude00 for four).
_PLAIN = bytes(byte for byte in range(0x20, 0x7F) if chr(byte) not in "\"\\<>&'")
_NON_ASCII = bytes(range(0x80, 0x100))


def text_size(text: str) -> int:
    """The most bytes ``text`` takes written into an answer (JSON, CSV or an HTML cell), quotes aside."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data) + 5 * len(data.translate(None, _PLAIN))
    data = text.encode("utf-8", "surrogatepass")
    special = data.translate(None, _PLAIN)
    ascii_special = len(special.translate(None, _NON_ASCII))
    return len(data) + 5 * ascii_special + 2 * (len(special) - ascii_special)


def value_size(value) -> int:
    """The larger of what ``value`` takes as Python holds it and written into an answer (a blob: in base64)."""
    held_size = sys.getsizeof(value)
    if value.__class__ is str:
        return max(held_size, text_size(value) + 2)
    if value.__class__ is bytes:
        return max(held_size, len(value) * 4 // 3 + 40)
    return max(held_size, 24)  # a number's text: at most 24 characters


def row_size(values: tuple) -> int:
    """What one row's values take: as Python holds them, or written into an answer, whichever is larger
    (the texts of a row measured together: one pass for a row of short values)."""
    held_size = sys.getsizeof(values) + sum(map(sys.getsizeof, values))
    texts = [value for value in values if value.__class__ is str]
    written = sum(value_size(value) for value in values if value.__class__ is not str)
    if texts:
        written += text_size("".join(texts)) + 2 * len(texts)
    return max(held_size, written)


def _frame(cursor) -> int:
    """What every row of ``cursor`` adds in an answer beside its values: the Row object, and each column's
    name (JSON objects repeat it in every row: a 30 kB name made a 180 MB answer of 1,000 tiny rows)."""
    names = [column[0] for column in cursor.description or ()]
    return ROW_OVERHEAD + sum(text_size(str(name)) + CELL_OVERHEAD for name in names)


class _QueryTally(threading.local):
    """The cursor being fetched in this thread, the bytes of its rows so far, what each row adds."""

    def __init__(self):
        self.cursor = _no_cursor
        self.total = 0
        self.frame = 0
        self.stream = False

    def start(self, cursor) -> None:
        self.cursor, self.total, self.frame = weakref.ref(cursor), 0, _frame(cursor)
        state = serving.get()
        self.stream = state is not None and state.stream

    def end(self) -> None:
        self.cursor, self.total = _no_cursor, 0


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
        tally = _tally
        if tally.cursor() is not cursor:
            tally.start(cursor)
        size = tally.frame + row_size(values)
        tally.total += size
        if tally.total > QUERY_BUDGET:
            error = ResultTooLarge(
                f"result too large: the rows of this query passed {QUERY_BUDGET // MB} MB, the most one query "
                "may return here (counted as written into the answer: escaped characters and column names "
                "too); ask for fewer rows or shorter values (LIMIT, fewer columns, substr())")
        elif not held.take(size, allowed=tally.total <= QUERY_ALLOWANCE or tally.stream):
            error = ServerBusy(
                f"server busy: the results being served hold {SERVER_BUDGET // MB} MB, the most this archive "
                "holds at once; try again in a moment")
        else:
            row = super().__new__(cls, cursor, values)
            row._knyt_size = size
            return row
        tally.end()
        # A Python that forbids closing here ends the statement when the cursor is dropped.
        with contextlib.suppress(sqlite3.ProgrammingError):
            cursor.close()
        raise error

    def __del__(self):
        held.free(getattr(self, "_knyt_size", 0))


def bound_connection(conn: sqlite3.Connection) -> None:
    """SQLite's limits, temp_store=MEMORY, the bounded functions and the counted rows on one connection.
    (The heap limits are process-wide: set_heap_limits.)"""
    for limit, value in SQLITE_LIMITS.items():
        conn.setlimit(limit, value)
    for name, narg, function in BOUNDED_FUNCTIONS:
        conn.create_function(name, narg, function, deterministic=True)
    # Sorts and temporary tables in SQLite's heap, bounded by its limit, instead of temporary files that
    # nothing bounds (a sorted join of large values wrote 1.8 GB in the 3 s a query may run).
    conn.execute("PRAGMA temp_store=MEMORY").fetchall()
    if conn.row_factory is sqlite3.Row:  # as Datasette sets it; another plugin's factory is left alone
        conn.row_factory = BoundedRow


BOUNDED_FUNCTIONS = functions.bounded_functions()


# -- sending: a long body in counted pieces, a stalled client dropped, a failed stream cut off -----------


def drop_connection(send) -> None:
    """Close the client's connection at once, unsent bytes discarded: through uvicorn's transport when it
    can be reached (``send`` is its cycle's method). Otherwise the request ends without completing its
    answer, and the server closes the connection once its buffer is sent."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    abort = getattr(transport, "abort", None)
    if callable(abort):
        abort()


def _log(scope, message: str) -> None:
    path = scope.get("path", "")
    query = (scope.get("query_string") or b"").decode("latin-1")
    sys.stderr.write(f"knytscrape: {scope.get('method', 'GET')} {path}{'?' + query if query else ''}: {message}\n")
    sys.stderr.flush()


def send_bounded(send, scope, state: Serving):
    """``send`` that:

    * holds a long response body against SERVER_BUDGET until it is sent, in RESPONSE_CHUNK pieces, each
      after the client took the ones before (no copies of it pile up in the connection's buffers);
    * drops a client that takes nothing for SEND_TIMEOUT, which releases what it held;
    * cuts off a streamed CSV one of whose pages failed after the answer began (Datasette would write the
      error as its last line and end it as if complete), so that the client sees a failed download.

    After a drop it raises ClientGone, which ends the request in the plugin's ASGI wrapper.
    """
    status = [None]

    async def timed(message):
        try:
            async with asyncio.timeout(SEND_TIMEOUT):
                await send(message)
        except TimeoutError:
            drop_connection(send)
            _log(scope, f"client took nothing for {SEND_TIMEOUT:.0f} s: dropped")
            raise ClientGone from None

    async def send_counted(message):
        if message.get("type") == "http.response.start":
            status[0] = message.get("status")
            await timed(message)
            return
        if message.get("type") != "http.response.body":
            await send(message)
            return
        if state.stream and state.failed is not None and status[0] == 200:
            drop_connection(send)
            _log(scope, f"streamed CSV failed after it began ({state.failed}): cut off, so that it shows as "
                        "incomplete")
            raise ClientGone
        body = message.get("body", b"")
        if len(body) <= RESPONSE_CHUNK:
            await timed(message)
            return
        size = 2 * len(body)  # the bytes, and the text Datasette encoded them from
        held.responses += size
        try:
            more = message.get("more_body", False)
            for start in range(0, len(body), RESPONSE_CHUNK):
                last = start + RESPONSE_CHUNK >= len(body)
                await timed({"type": "http.response.body", "body": body[start:start + RESPONSE_CHUNK],
                             "more_body": more or not last})
        finally:
            held.responses -= size

    return send_counted


_stream_slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def stream_slot(state: Serving):
    """One of STREAMS places for a streamed CSV (waiting for one when all are taken); nothing for others."""
    if not state.stream:
        return contextlib.nullcontext()
    loop = asyncio.get_running_loop()
    slots = _stream_slots.get(loop)
    if slots is None:
        slots = _stream_slots[loop] = asyncio.Semaphore(STREAMS)
    return slots
