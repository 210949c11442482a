"""Small real images made in code: PNG, GIF and baseline JPEG, so no binary files ship with the mirror.

Each image is valid for ordinary decoders. Its colour (PNG, GIF) and an embedded comment (JPEG) come
from the path, so two different paths give different bytes; a path always gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import math
import struct
import zlib

CONTENT_TYPES = {".png": "image/png", ".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def content_type(path: str) -> str | None:
    """The Content-Type for an image path, or None when the extension is not an image's."""
    dot = path.rfind(".")
    return CONTENT_TYPES.get(path[dot:].lower()) if dot >= 0 else None


def _size(path: str) -> tuple[int, int]:
    if path.endswith("logo.png"):
        return 160, 40
    if path.endswith("black.png"):
        return 1, 1
    if "/thumbs/" in path:
        return 16, 12
    return 64, 48


def _colour(path: str) -> tuple[int, int, int]:
    if path.endswith("black.png"):
        return 0, 0, 0
    digest = hashlib.sha1(path.encode("utf-8")).digest()
    return digest[0], digest[1], digest[2]


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def gif(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A one-colour GIF89a. The LZW stream sends a clear code before every pixel, so the code size
    stays at 3 bits: long-winded but valid."""
    clear, end = 4, 5  # minimum code size 2
    codes = []
    for _ in range(width * height):
        codes += [clear, 0]
    codes.append(end)
    bits = 0
    nbits = 0
    data = bytearray()
    for code in codes:
        bits |= code << nbits
        nbits += 3
        while nbits >= 8:
            data.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8
    if nbits:
        data.append(bits & 0xFF)
    blocks = bytearray()
    for i in range(0, len(data), 255):
        part = data[i : i + 255]
        blocks += bytes([len(part)]) + part
    return (
        b"GIF89a"
        + struct.pack("<HHBBB", width, height, 0x80, 0, 0)  # global colour table of 2 entries
        + bytes(rgb)
        + b"\x00\x00\x00"
        + b"\x2c"
        + struct.pack("<HHHHB", 0, 0, width, height, 0)
        + b"\x02"
        + bytes(blocks)
        + b"\x00;"
    )


def jpeg(width: int, height: int, comment: str = "") -> bytes:
    """A grey baseline JPEG: one component, every 8x8 block a DC difference of 0 and an EOB.

    Both Huffman tables hold a single one-bit code (DC category 0, AC end-of-block), so each block is
    the two bits ``00``.
    """

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">HH", marker, len(payload) + 2) + payload

    blocks = math.ceil(width / 8) * math.ceil(height / 8)
    nbits = 2 * blocks
    scan = bytearray(nbits // 8)
    if nbits % 8:
        scan.append((1 << (8 - nbits % 8)) - 1)  # pad the last byte with 1 bits
    one_code = bytes([1] + [0] * 15)
    return (
        b"\xff\xd8"
        + segment(0xFFE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + (segment(0xFFFE, comment.encode("utf-8")[:60000]) if comment else b"")
        + segment(0xFFDB, b"\x00" + bytes([1] * 64))
        + segment(0xFFC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
        + segment(0xFFC4, b"\x00" + one_code + b"\x00")
        + segment(0xFFC4, b"\x10" + one_code + b"\x00")
        + segment(0xFFDA, b"\x01\x01\x00\x00\x3f\x00")
        + bytes(scan)
        + b"\xff\xd9"
    )


@functools.lru_cache(maxsize=1024)
def image_bytes(path: str) -> bytes:
    """The bytes served for an image path (``bilder/...``); the format follows the extension."""
    kind = content_type(path)
    width, height = _size(path)
    if kind == "image/png":
        return png(width, height, _colour(path))
    if kind == "image/gif":
        return gif(width, height, _colour(path))
    if kind == "image/jpeg":
        return jpeg(width, height, comment=f"Knytpunkt mirror: {path}")
    raise ValueError(f"not an image path: {path!r}")
