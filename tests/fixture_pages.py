"""What the two hand-made page suites share (tests/pages, tests/section_pages): loading a page, reading a
field of an item, and decoding with a check that no character was garbled (the ``check`` fixture, one
assertion per field, is in conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

from knytscrape.encoding import decode_html


def load_page(folder: Path, name: str) -> tuple[dict, bytes]:
    meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return meta, (folder / f"{name}.html").read_bytes()


def field_of(obj, name):
    """A field of an item, whether the item exposes attributes or is a mapping."""
    if hasattr(obj, name):
        return getattr(obj, name)
    try:
        return obj[name]
    except (KeyError, TypeError, IndexError):
        return f"<no field {name!r}>"


def as_int(value):
    if value is None or isinstance(value, bool):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def decode_page(check, name: str, body: bytes, content_type: str | None) -> str:
    text, codec = decode_html(body, content_type)
    # Swedish letters, ©, ×, « and – must come through intact: no replacement characters, and no C1 control
    # characters (what windows-1252 bytes 0x80-0x9F turn into when decoded as strict ISO-8859-1).
    bad = sorted({f"U+{ord(c):04X}" for c in text if c == "\ufffd" or "\x80" <= c <= "\x9f"})
    check(f"decode[{name}] (codec {codec!r}) bad characters", bad, [])
    return text
