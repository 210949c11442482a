"""Stand-ins for the site's own player files (``flash/*.swf``, ``video/**/*.flv``, ``video/**/*.mp4``).

They are not playable: a few bytes with the right magic number and Content-Type, so that a spider that
checks a player URL gets a 200 with a plausible answer. A path always gives the same bytes.
"""

from __future__ import annotations

import struct

CONTENT_TYPES = {".swf": "application/x-shockwave-flash", ".flv": "video/x-flv", ".mp4": "video/mp4"}


def content_type(path: str) -> str:
    dot = path.rfind(".")
    return CONTENT_TYPES.get(path[dot:].lower(), "application/octet-stream") if dot >= 0 else "application/octet-stream"


def media_bytes(path: str) -> bytes:
    tag = path.encode("utf-8")
    if path.endswith(".swf"):
        body = tag
        return b"FWS\x0a" + struct.pack("<I", 8 + len(body)) + body
    if path.endswith(".flv"):
        return b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00" + tag
    if path.endswith(".mp4"):
        ftyp = b"ftypisom\x00\x00\x02\x00isomiso2mp41"
        free = b"free" + tag
        return struct.pack(">I", 4 + len(ftyp)) + ftyp + struct.pack(">I", 4 + len(free)) + free
    return tag
