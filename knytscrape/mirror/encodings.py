"""How a page's text becomes bytes and headers: the five charset situations of old PHP sites.

| name           | bytes        | Content-Type header             | in the document                     |
| -------------- | ------------ | ------------------------------- | ----------------------------------- |
| utf8           | UTF-8        | text/html; charset=utf-8        | meta charset utf-8                  |
| latin1         | windows-1252 | text/html; charset=iso-8859-1   | nothing                             |
| cp1252-meta    | windows-1252 | text/html                       | meta http-equiv ... windows-1252    |
| nocharset      | windows-1252 | text/html                       | nothing                             |
| wrong-header   | windows-1252 | text/html; charset=utf-8 (lie)  | nothing                             |

windows-1252 is what such sites really send when they say ISO-8859-1: "–" is byte 0x96, "”" 0x94.
Characters windows-1252 cannot hold become numeric character references.
"""

from __future__ import annotations

from knytscrape.mirror.model import ENCODINGS

_HEADER = {
    "utf8": "text/html; charset=utf-8",
    "latin1": "text/html; charset=iso-8859-1",
    "cp1252-meta": "text/html",
    "nocharset": "text/html",
    "wrong-header": "text/html; charset=utf-8",
}


def check(encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; expected one of {ENCODINGS}")
    return encoding


def content_type(encoding: str) -> str:
    return _HEADER[check(encoding)]


def meta_tag(encoding: str, html5: bool = False) -> str:
    """The charset declaration to put in <head> (empty when the page declares none)."""
    check(encoding)
    if encoding == "utf8":
        if html5:
            return '<meta charset="utf-8">'
        return '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    if encoding == "cp1252-meta":
        return '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    return ""


def encode(text: str, encoding: str) -> bytes:
    if check(encoding) == "utf8":
        return text.encode("utf-8")
    return text.encode("cp1252", errors="xmlcharrefreplace")
