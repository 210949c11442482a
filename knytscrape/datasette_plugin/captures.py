"""The pages as the site sent them: ``/-/capture/<id>`` serves a stored capture from the WARC files.

The site's page must not run anything in the archive's origin: it is served with a Content-Security-Policy
``sandbox`` (no scripts, no forms, an origin of its own) and ``default-src 'none'`` (it loads nothing, from
the site or anywhere: what shows is the page's own text and markup), ``nosniff``, and never as more than
MAX_SHOWN bytes. The WARC files lie in ``warc/`` beside the database, or the plugin's ``warc_dir``; a
published copy usually has none, and then the reading pages link no capture.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from datasette.utils.asgi import Response

from knytscrape.capture.warc_files import FILE_NAME, read_member, record_of
from knytscrape.state import url_key

# What one request may make the server hold: a page is at most 4 MB (KNYT_PAGE_MAXSIZE); a larger capture (a
# picture of up to 32 MB) is not shown. The record is read and decoded in a worker thread, bounded at each step.
MAX_SHOWN = 8 * 1024 * 1024
RECORD_HEADERS = 64 * 1024  # the WARC and HTTP headers of a record, beside its body
# Captures read at once, whatever the visitors ask (each holds a few times MAX_SHOWN while it is read and
# decoded); more wait their turn.
READERS = 2
_readers: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


def _reader_slot() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _readers:
        _readers[loop] = asyncio.Semaphore(READERS)
    return _readers[loop]
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
CAPTURE_PATH = "/-/capture/{}"


def warc_dir(datasette, database) -> Path | None:
    """The WARC folder of ``database``: the plugin's ``warc_dir``, else ``warc/`` beside its file."""
    configured = (datasette.plugin_config("knytscrape") or {}).get("warc_dir")
    if configured:
        return Path(configured)
    return Path(database.path).resolve().parent / "warc" if database.path else None


async def _capture_row(database, capture_id: int) -> dict | None:
    try:
        rows = (await database.execute("SELECT * FROM captures WHERE id = ?", [capture_id])).rows
    except Exception:  # a database from before the captures table
        return None
    return dict(rows[0]) if rows else None


async def latest_capture(datasette, database, url: str | None) -> dict | None:
    """The newest capture of ``url``'s page that answered 200 and whose WARC file is here: its id, date and
    link; None when there is none (no WARC files, a database from before them)."""
    if not url:
        return None
    try:
        rows = (await database.execute(
            "SELECT id, fetched_at, warc_file FROM captures WHERE url_key = ? AND status = 200 "
            "AND (record_type = 'response' OR refers_to IS NOT NULL) ORDER BY id DESC LIMIT 1", [url_key(url)])).rows
    except Exception:
        return None
    folder = warc_dir(datasette, database)
    if not rows or folder is None or not (folder / rows[0]["warc_file"]).is_file():
        return None
    return {"id": rows[0]["id"], "fetched_at": rows[0]["fetched_at"],
            "href": datasette.urls.path(CAPTURE_PATH.format(rows[0]["id"]))}


def _refused(status: int, message: str) -> Response:
    return Response.text(message, status=status, headers={"Content-Security-Policy": SANDBOX})


def _read(path: Path, offset: int, length: int):
    """(record, body with gzip and the like undone, at most MAX_SHOWN + 1 bytes), or None."""
    data = read_member(path, offset, length, max_record=MAX_SHOWN + RECORD_HEADERS)
    if data is None:
        return None
    record = record_of(data)
    return record, record.content_stream().read(MAX_SHOWN + 1)


async def capture_view(datasette, request):
    """One stored capture, as the site sent it (its body decoded), sandboxed."""
    databases = [db for name, db in datasette.databases.items() if name != "_internal"]
    if not databases:
        return _refused(404, "No database.")
    database = databases[0]
    row = await _capture_row(database, int(request.url_vars["capture_id"]))
    if row is not None and row["record_type"] == "revisit" and row["refers_to"]:
        fetched_at = row["fetched_at"]
        row = await _capture_row(database, row["refers_to"])  # the payload it refers to
        if row is not None:
            row["fetched_at"] = fetched_at
    folder = warc_dir(datasette, database)
    if row is None or folder is None or not FILE_NAME.match(row["warc_file"] or ""):
        return _refused(404, "No such capture.")
    if row["record_type"] != "response":
        return _refused(404, "This capture refers to a page the WARC files do not hold.")
    path = folder / row["warc_file"]
    if not path.is_file():
        return _refused(404, "The WARC file of this capture is not here (a published copy keeps only the database).")
    too_large = _refused(413, f"The capture is larger than {MAX_SHOWN // (1024 * 1024)} MB and is not shown here.")
    if row["length"] > MAX_SHOWN + RECORD_HEADERS:
        return too_large
    async with _reader_slot():
        found = await asyncio.to_thread(_read, path, row["offset"], row["length"])
    if found is None:
        return _refused(404, "The capture could not be read from its WARC file.")
    record, body = found
    if len(body) > MAX_SHOWN:
        return too_large
    http = record.http_headers
    content_type = (http.get_header("Content-Type") if http else None) or "application/octet-stream"
    return Response(body, status=200, content_type=content_type, headers={
        "Content-Security-Policy": SANDBOX,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    })
