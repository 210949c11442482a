"""Decode the bytes of a page of this site into text.

The site is an old PHP site: pages may be UTF-8, or ISO-8859-1 / windows-1252 with the charset in the
HTTP header, only in a ``<meta>`` tag, nowhere at all, or wrongly claimed as UTF-8. Browsers (and the
WHATWG encoding standard) read "iso-8859-1" as windows-1252, and so do we: that is how ``–`` (0x96)
survives. Scrapy's own guess for pages without any charset picked cp1250 and garbled ``å``.

The rule, in order:
1. a byte-order mark wins;
2. bytes that decode as strict UTF-8 and contain non-ASCII are UTF-8, whatever is declared (a Latin-1
   text with å ä ö essentially never forms valid UTF-8 sequences);
3. a declared charset (header, then meta) that is a label of the WHATWG Encoding Standard (what
   browsers accept), is not UTF-8 and decodes the bytes is used, with the Latin-1 family widened to
   windows-1252 as the standard says;
4. otherwise windows-1252, which maps every byte (UTF-8 for pure ASCII).

Only WHATWG labels count as charsets: a name Python's codecs know but no browser does (``idna``,
``punycode``, ``undefined``, ``base64``, ``rot13``, ``hex``, ``zlib``, ``utf-7``, EBCDIC ``cp037``, ...),
an empty, overlong or non-ASCII label, and the labels the standard maps to no usable decoder
(``replacement``, ``x-user-defined``) are ignored like no label at all. UTF-16 is only believed with its
byte-order mark: declared for 8-bit bytes it would turn every page into CJK characters. Every codec
this module returns decodes any bytes with ``errors="replace"``, and is what ``w3lib`` (Scrapy's
``response.text``) resolves its own name to, so a response given this encoding decodes the same way
in Scrapy and never raises.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import read_bom

LEGACY_ENCODING = "cp1252"

# The labels of the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels),
# per encoding, with the Python codec that decodes it as browsers do (w3lib makes the same choices:
# GBK as gb18030, Big5 as big5hkscs, Shift_JIS as cp932, EUC-KR as cp949).
_WHATWG_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"),
    ("cp866", "866 cp866 csibm866 ibm866"),
    ("iso8859-2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"),
    ("iso8859-3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"),
    ("iso8859-4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"),
    ("iso8859-5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
                  "iso_8859-5:1988"),
    ("iso8859-6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
                  "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"),
    ("iso8859-7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
                  "iso_8859-7 iso_8859-7:1987 sun_eu_greek"),
    ("iso8859-8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
                  "iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical"),
    ("iso8859-10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"),
    ("iso8859-13", "iso-8859-13 iso8859-13 iso885913"),
    ("iso8859-14", "iso-8859-14 iso8859-14 iso885914"),
    ("iso8859-15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"),
    ("iso8859-16", "iso-8859-16"),
    ("koi8-r", "cskoi8r koi koi8 koi8-r koi8_r"),
    ("koi8-u", "koi8-ru koi8-u"),
    ("mac-roman", "csmacintosh mac macintosh x-mac-roman"),
    ("cp874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"),
    ("cp1250", "cp1250 windows-1250 x-cp1250"),
    ("cp1251", "cp1251 windows-1251 x-cp1251"),
    ("cp1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
               "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"),
    ("cp1253", "cp1253 windows-1253 x-cp1253"),
    ("cp1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 "
               "latin5 windows-1254 x-cp1254"),
    ("cp1255", "cp1255 windows-1255 x-cp1255"),
    ("cp1256", "cp1256 windows-1256 x-cp1256"),
    ("cp1257", "cp1257 windows-1257 x-cp1257"),
    ("cp1258", "cp1258 windows-1258 x-cp1258"),
    ("mac-cyrillic", "x-mac-cyrillic x-mac-ukrainian"),
    ("gb18030", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030"),
    ("big5hkscs", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"),
    ("euc_jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"),
    ("iso2022_jp", "csiso2022jp iso-2022-jp"),
    ("cp932", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"),
    ("cp949", "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
              "ksc_5601 windows-949"),
    # Left out on purpose (ignored like an unknown label): "replacement" (csiso2022kr hz-gb-2312
    # iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement), UTF-16BE/LE (unicodefffe utf-16be csunicode
    # iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le: believed only with a byte-order mark)
    # and x-user-defined (no Python codec).
)

# label -> Python codec name
WHATWG_LABELS: dict[str, str] = {
    label: codecs.lookup(codec).name for codec, labels in _WHATWG_ENCODINGS for label in labels.split()
}
MAX_LABEL_LENGTH = 64  # the longest WHATWG label has 19 characters

# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">: the label is
# everything up to a delimiter, so that "utf-8é" or "latin1junk" are not read as a shorter valid label
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([^\s"'<>;,/]*)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]*)""", re.IGNORECASE)


def charset_from_content_type(content_type: str | bytes | None) -> str | None:
    """The charset parameter of a Content-Type header value, lower-cased, or None."""
    if not content_type:
        return None
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    match = HEADER_CHARSET.search(content_type)
    if match is None or not match.group(1):
        return None
    return match.group(1).lower()


def charset_from_meta(body: bytes) -> str | None:
    """The charset declared in a <meta> tag within the first 4 KB, lower-cased, or None."""
    match = META_CHARSET.search(body[:4096])
    if match is None or not match.group(1):
        return None
    return match.group(1).decode("latin-1").lower()


def codec_for_label(label: str | None) -> str | None:
    """The Python codec of a WHATWG encoding label (any case, surrounding whitespace ignored), or None
    for anything else: unknown, not a text encoding browsers use, empty, too long, not ASCII."""
    if not label or len(label) > MAX_LABEL_LENGTH or not label.isascii():
        return None
    return WHATWG_LABELS.get(label.strip("\t\n\f\r ").lower())


def detect_encoding(body: bytes, content_type: str | bytes | None = None) -> str:
    """The Python codec name to decode ``body`` with (see the module docstring for the rule)."""
    bom_encoding, _ = read_bom(body)
    if bom_encoding is not None:
        return bom_encoding
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not body.isascii():
            return "utf-8"
    for label in (charset_from_content_type(content_type), charset_from_meta(body)):
        name = codec_for_label(label)
        if name is None or name == "utf-8":
            continue  # no usable label; a UTF-8 claim for bytes that are not UTF-8 is wrong: fall through
        try:
            body.decode(name)
        except UnicodeError:
            continue
        return name
    return "utf-8" if body.isascii() else LEGACY_ENCODING


def decode_html(body: bytes, content_type: str | bytes | None = None) -> tuple[str, str]:
    """Decode a page: returns ``(text, codec name)``; never raises."""
    name = detect_encoding(body, content_type)
    _, bom = read_bom(body)
    if bom:
        body = body[len(bom):]
    return body.decode(name, errors="replace"), name
