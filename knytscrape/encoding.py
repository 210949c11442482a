"""Decode the bytes of a page of this site into text.

The site is an old PHP site: pages may be UTF-8, or ISO-8859-1 / windows-1252 with the charset in the
HTTP header, only in a ``<meta>`` tag, nowhere at all, or wrongly claimed as UTF-8. Browsers (and the
WHATWG encoding standard) read "iso-8859-1" as windows-1252, and so do we: that is how ``–`` (0x96)
survives. Scrapy's own guess for pages without any charset picked cp1250 and garbled ``å``.

The rule, in order:
1. a byte-order mark wins;
2. bytes that decode as strict UTF-8 and contain non-ASCII are UTF-8, whatever is declared (a Latin-1
   text with å ä ö essentially never forms valid UTF-8 sequences);
3. a declared charset (header, then meta) that is not UTF-8 and decodes the bytes is used, with the
   Latin-1 family widened to windows-1252;
4. otherwise windows-1252, which maps every byte.
"""

from __future__ import annotations

import codecs
import re

LEGACY_ENCODING = "cp1252"

# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Latin-1 labels that browsers decode as windows-1252.
LATIN1_FAMILY = {"latin1", "latin-1", "iso-8859-1", "iso8859-1", "iso_8859-1", "l1", "ascii", "us-ascii",
                 "cp1252", "windows-1252", "cp819", "iso-ir-100"}

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def charset_from_content_type(content_type: str | bytes | None) -> str | None:
    """The charset parameter of a Content-Type header value, lower-cased, or None."""
    if not content_type:
        return None
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    return match.group(1).lower() if match else None


def charset_from_meta(body: bytes) -> str | None:
    """The charset declared in a <meta> tag within the first 4 KB, lower-cased, or None."""
    match = META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def _normalise_label(label: str) -> str | None:
    if label.replace("_", "-") in LATIN1_FAMILY or label in LATIN1_FAMILY:
        return LEGACY_ENCODING
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def detect_encoding(body: bytes, content_type: str | bytes | None = None) -> str:
    """The Python codec name to decode ``body`` with (see the module docstring for the rule)."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return name
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not body.isascii():
            return "utf-8"
    for label in (charset_from_content_type(content_type), charset_from_meta(body)):
        if not label:
            continue
        name = _normalise_label(label)
        if name is None or name == "utf-8":
            continue  # a UTF-8 claim for bytes that are not UTF-8 is wrong: fall through
        try:
            body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return name
    return "utf-8" if body.isascii() else LEGACY_ENCODING


def decode_html(body: bytes, content_type: str | bytes | None = None) -> tuple[str, str]:
    """Decode a page: returns ``(text, codec name)``."""
    name = detect_encoding(body, content_type)
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8):]
    return body.decode(name, errors="replace"), name
