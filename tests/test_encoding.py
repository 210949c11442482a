"""knytscrape.encoding: every way this site may (mis)declare its charset."""

import pytest

from knytscrape.encoding import decode_html, detect_encoding

TEXT = "Publicerat: 2012-05-03 – Örebro, Stortorget, åäö ÅÄÖ ©"


def page(charset_meta: str = "") -> str:
    return f"<html><head>{charset_meta}</head><body><p>{TEXT}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        pytest.param(page().encode("utf-8"), "text/html; charset=utf-8", "utf-8", id="utf8-declared"),
        pytest.param(page().encode("utf-8"), "text/html", "utf-8", id="utf8-undeclared"),
        pytest.param(page().encode("cp1252"), "text/html; charset=iso-8859-1", "cp1252", id="latin1-header"),
        pytest.param(page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')
                     .encode("cp1252"), "text/html", "cp1252", id="cp1252-meta-only"),
        pytest.param(page().encode("cp1252"), "text/html", "cp1252", id="no-charset-anywhere"),
        pytest.param(page().encode("cp1252"), None, "cp1252", id="no-content-type"),
        pytest.param(page().encode("cp1252"), "text/html; charset=utf-8", "cp1252", id="wrong-utf8-header"),
        pytest.param(page('<meta charset="utf-8">').encode("cp1252"), "text/html", "cp1252", id="wrong-utf8-meta"),
        pytest.param(b"\xef\xbb\xbf" + page().encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8", id="bom"),
    ],
)
def test_detect_and_decode(body, content_type, expected):
    assert detect_encoding(body, content_type) == expected
    text, _ = decode_html(body, content_type)
    assert TEXT in text


def test_ascii_page_is_utf8():
    assert detect_encoding(b"<p>hej</p>", "text/html; charset=iso-8859-1") in ("utf-8", "cp1252")
    assert decode_html(b"<p>hej</p>", None)[0] == "<p>hej</p>"


def test_en_dash_byte_survives_latin1_label():
    # 0x96 is a C1 control in ISO-8859-1 but "–" in windows-1252, which browsers use for that label
    text, codec = decode_html("a – b".encode("cp1252"), "text/html; charset=ISO-8859-1")
    assert (text, codec) == ("a – b", "cp1252")


# -- hostile charset labels: every one falls back to the rule, and the text comes out right ---------------

# Labels Python's codecs know but refuse, misuse or decode into nonsense, labels browsers map to no
# decoder, and labels that are no label at all. None of them may raise, and none may be believed.
HOSTILE_LABELS = [
    "idna", "punycode", "undefined", "base64", "base64_codec", "rot13", "rot_13", "hex", "hex_codec", "zlib",
    "zlib_codec", "bz2", "uu", "quopri", "unicode_escape", "raw_unicode_escape", "utf-7", "UTF-7", "utf-16",
    "utf-16le", "utf-16be", "utf-32", "utf_32_be", "ucs-2", "unicode", "x-user-defined", "replacement",
    "iso-2022-kr", "hz-gb-2312", "cp037", "cp500", "mbcs", "oem", "utf-8-sig", "charmap", "", "x" * 10_000,
    "latin1" + "x" * 200, "utf-8é", "latin1é", "\u212aoi8-r",
]
BODY_ENCODINGS = ["utf-8", "cp1252"]


def label_id(label: str) -> str:
    return label if len(label) < 30 else f"{label[:12]}...({len(label)} chars)"


def _hostile_cases():
    for label in HOSTILE_LABELS:
        for body_encoding in BODY_ENCODINGS:
            for where in ("header", "meta-charset", "meta-http-equiv"):
                yield pytest.param(label, body_encoding, where, id=f"{label_id(label)}-{body_encoding}-{where}")


HOSTILE_CASES = list(_hostile_cases())


def declared(label: str, body_encoding: str, where: str) -> tuple[bytes, bytes]:
    """(body bytes, Content-Type header bytes) of a page declaring ``label`` in ``where``."""
    raw_label = label.encode(body_encoding, errors="replace")  # non-ASCII labels become non-ASCII bytes
    if where == "header":
        return page().encode(body_encoding), b"text/html; charset=" + raw_label
    if where == "meta-charset":
        meta = b'<meta charset="' + raw_label + b'">'
    else:
        meta = b'<meta http-equiv="Content-Type" content="text/html; charset=' + raw_label + b'">'
    head, tail = page("@@").encode(body_encoding).split(b"@@")
    return head + meta + tail, b"text/html"


@pytest.mark.parametrize(("label", "body_encoding", "where"), HOSTILE_CASES)
def test_hostile_label_falls_back_to_the_rule(label, body_encoding, where):
    body, content_type = declared(label, body_encoding, where)
    assert detect_encoding(body, content_type) == body_encoding
    for header in (content_type, content_type.decode("latin-1")):  # Scrapy gives bytes, callers may give str
        text, codec = decode_html(body, header)
        assert (codec, TEXT in text) == (body_encoding, True)


@pytest.mark.parametrize(("label", "body_encoding", "where"), HOSTILE_CASES)
def test_middleware_response_text_never_raises(label, body_encoding, where):
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from knytscrape.middlewares.encoding import LegacyEncodingMiddleware

    body, content_type = declared(label, body_encoding, where)
    url = "http://127.0.0.1/artiklar.php?id=1"
    response = HtmlResponse(url, headers={"Content-Type": content_type}, body=body)
    middleware = LegacyEncodingMiddleware.from_crawler(get_crawler())
    processed = middleware.process_response(Request(url), response)
    assert processed.encoding == body_encoding
    assert TEXT in processed.text  # Scrapy's own decoding of the response the middleware returns
    assert processed.xpath("string(//p)").get() == TEXT


@pytest.mark.parametrize("cls_name", ["TextResponse", "XmlResponse"])
def test_middleware_decodes_other_text_responses_too(cls_name):
    from scrapy import http
    from scrapy.utils.test import get_crawler

    from knytscrape.middlewares.encoding import LegacyEncodingMiddleware

    body = f'<?xml version="1.0" encoding="rot13"?><p>{TEXT}</p>'.encode("cp1252")
    response = getattr(http, cls_name)("http://127.0.0.1/x", headers={"Content-Type": "text/xml; charset=idna"},
                                       body=body)
    processed = LegacyEncodingMiddleware.from_crawler(get_crawler()).process_response(http.Request(response.url),
                                                                                       response)
    assert TEXT in processed.text


@pytest.mark.parametrize(
    ("label", "codec"),
    [("ISO-8859-1", "cp1252"), (" Windows-1252 ", "cp1252"), ("latin1", "cp1252"), ("US-ASCII", "cp1252"),
     ("iso_8859-1:1987", "cp1252"), ("iso-8859-15", "iso8859-15"), ("windows-1250", "cp1250"),
     ("koi8-r", "koi8-r"), ("shift_jis", "cp932"), ("gbk", "gb18030"), ("utf8", "utf-8"), ("rot13", None),
     ("utf-16", None), ("x-user-defined", None), ("", None), (None, None)],
)
def test_only_whatwg_labels_name_a_codec(label, codec):
    from knytscrape.encoding import codec_for_label

    assert codec_for_label(label) == codec


def test_every_codec_decodes_any_bytes_as_scrapy_would():
    from w3lib.encoding import html_to_unicode, resolve_encoding

    from knytscrape.encoding import WHATWG_LABELS

    every_byte = bytes(range(256)) * 2
    for codec in sorted(set(WHATWG_LABELS.values())):
        assert resolve_encoding(codec) == codec, codec  # Scrapy's response.text decodes with this very codec
        html_to_unicode(f"charset={codec}", every_byte)  # never raises


def test_declared_legacy_charset_is_still_used():
    body = "Łódź – żółw".encode("cp1250")
    assert decode_html(body, "text/html; charset=windows-1250") == ("Łódź – żółw", "cp1250")
    text, codec = decode_html(b'<meta charset="rot13"><meta charset="x">' + body, "text/html; charset=idna")
    assert codec == "cp1252"  # neither label is one a browser knows: the rule's fallback


def test_utf16_with_its_byte_order_mark_is_believed():
    body = "\ufeff<p>åäö</p>".encode("utf-16-le")
    assert decode_html(body, "text/html; charset=utf-16") == ("<p>åäö</p>", "utf-16-le")


# -- end to end: gzip-compressed pages that declare hostile labels, crawled by Scrapy's real engine --------

HOSTILE_SWAPS = {  # every charset the mirror declares becomes one no browser honours
    b"charset=utf-8": b"charset=utf-7",
    b"charset=iso-8859-1": b"charset=idna",
    b"charset=windows-1252": b"charset=rot13",
}


@pytest.mark.slow
def test_compressed_pages_with_hostile_labels_are_read_right(tmp_path):
    """The rule must apply after HttpCompressionMiddleware has inflated the body (it resets the encoding),
    and before anything else reads the text (MetaRefreshMiddleware does, for every HTML page)."""
    import gzip

    import sqlite_utils

    from knytscrape.mirror import MirrorServer
    from knytscrape.mirror.app import MirrorResponse
    from tests.conftest import crawl
    from tests.expected import article_row

    with MirrorServer() as site:
        swapped = []

        @site.intercept
        def hostile_and_gzipped(target, headers):
            page = site.render(target)
            if not page.content_type.startswith("text/html"):
                return None
            body, content_type = page.body, page.content_type.encode()
            for honest, hostile in HOSTILE_SWAPS.items():
                body, content_type = body.replace(honest, hostile), content_type.replace(honest, hostile)
            swapped.append(body != page.body or content_type != page.content_type.encode())
            kept = {k: v for k, v in page.headers.items() if k.lower() not in ("content-length", "content-type")}
            return MirrorResponse(page.status, {**kept, "Content-Type": content_type.decode(),
                                                "Content-Encoding": "gzip"}, gzip.compress(body))

        result = crawl(site.base_url, tmp_path / "knytpunkt.db")
        truth = site.truth()["articles"]
    assert any(swapped)
    log = (result.stdout + result.stderr)[-3000:]
    db = sqlite_utils.Database(tmp_path / "knytpunkt.db")
    columns = ", ".join(article_row(truth[0]))
    stored = {row["id"]: row for row in db.query(f"SELECT {columns} FROM articles")}
    wrong = [(a["id"], column, stored.get(a["id"], {}).get(column), value)
             for a in truth for column, value in article_row(a).items() if stored.get(a["id"], {}).get(column) != value]
    assert wrong == [], log
    assert "Traceback" not in result.stderr, log


@pytest.mark.parametrize("read_first", [False, True])
def test_the_middleware_sets_the_encoding_whether_or_not_the_page_was_read_before(read_first):
    from scrapy.http import HtmlResponse

    from knytscrape.middlewares.encoding import LegacyEncodingMiddleware

    class Stats(dict):
        def inc_value(self, key, count=1, start=0):
            self[key] = self.get(key, start) + count

    body = "<html><body><p>Publicerat: 2009-03-14. Körsång på Järntorget i Örebro.</p></body></html>".encode("latin-1")
    # the header says UTF-8, the bytes are Latin-1 (a wrong header): Scrapy alone would decode as UTF-8
    response = HtmlResponse("http://127.0.0.1/artiklar.php?id=3", body=body,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    if read_first:  # something decoded it with Scrapy's guess before: the middleware must not keep that text
        response.text  # noqa: B018
    stats = Stats()
    read = LegacyEncodingMiddleware(stats).process_response(None, response)
    assert read.encoding == "cp1252"
    assert "Körsång på Järntorget i Örebro" in read.text
    assert read.css("p::text").get().endswith("Järntorget i Örebro.")
    assert stats == {"knyt/encoding/cp1252": 1}
