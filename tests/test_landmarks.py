"""The named landmarks against every variant the site model lists, and near-misses."""

import pytest

from knytscrape.parsers import landmarks as lm


@pytest.mark.parametrize(
    "line",
    [
        "© 2018 Johan Gullberg - knytpunkt.com",
        "©2018 Johan Gullberg - knytpunkt.se",
        "©2018 - Johan Gullberg - knytpunkt.com",
        "© Johan Gullberg - knytpunkt.se",
        "©copy;2018 Johan Gullberg - knytpunkt.com",
    ],
)
def test_credit_variants(line):
    assert lm.CREDIT.match(line)


@pytest.mark.parametrize("line", ["Copyright Johan", "Foto: Johan Gullberg", "2018 Johan Gullberg"])
def test_not_credit(line):
    assert not lm.CREDIT.match(line)


@pytest.mark.parametrize(
    ("line", "count"),
    [
        ("12 Klickbara bilder.", 12),
        ("12 klickbara bilder.", 12),
        ("1 Klickbar bild.", 1),
        ("24 Klickbara bilder från första dagen.", 24),
        ("7 Osorterade klickbara bilder.", 7),
    ],
)
def test_gallery_line_variants(line, count):
    match = lm.GALLERY.match(line)
    assert match and int(match.group("count")) == count


@pytest.mark.parametrize("line", ["Klickbara bilder finns nedan.", "Vi tog 12 bilder.", "12 bilar."])
def test_not_gallery_line(line):
    assert not lm.GALLERY.match(line)


def test_published_and_counts():
    assert lm.PUBLISHED.match("Publicerat: 2017-10-29").group("raw") == "2017-10-29"
    assert lm.PUBLISHED.match("Publicerat:").group("raw") == ""
    assert lm.COMMENT_COUNT.search("Kommentarer [ 3 ]").group("count") == "3"
    assert lm.COMMENT_COUNT.search("Kommentarer [0]").group("count") == "0"


def test_archive_line_splits_credit_from_title():
    match = lm.CREDIT_THEN_TEXT.match("© 2018 Johan Gullberg - knytpunkt.com Budgeten klubbad.")
    assert match.group("credit") == "© 2018 Johan Gullberg - knytpunkt.com"
    assert match.group("rest") == "Budgeten klubbad."


def test_chrome_lines():
    assert lm.is_chrome("I Kalendern:")
    assert lm.is_chrome("De senaste 5 videona.")
    assert lm.is_chrome("Du hitter fler videos under menyn Video.")
    assert not lm.is_chrome("Kalendern är full i maj.")
