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
