"""Comment sections in the plausible range of formats (the real one has never been seen)."""

import pytest

from knytscrape.parsers.comments import parse_comments
from knytscrape.parsers.textflow import text_flow

FORM = "<form><b>Lämna en kommentar</b><br>Namn: <input name=n><br>Kommentar: <textarea></textarea></form>"


def comments_of(section_html: str):
    flow = text_flow(f"<html><body>{section_html}{FORM}<div>I Kalendern:</div></body></html>", "http://x/")
    return parse_comments(flow)


@pytest.mark.parametrize(
    ("html", "author", "posted_raw"),
    [
        ("<p>Anna Berg skrev 2017-10-29 14:32:</p><p>Bra skrivet.</p>", "Anna Berg", "2017-10-29 14:32"),
        ("<p>Skrivet av: Anna Berg</p><p>29 oktober 2017 kl. 14.32</p><p>Bra skrivet.</p>",
         "Anna Berg", "29 oktober 2017 kl. 14.32"),
        ("Anna Berg | 29/10 2017<br>Bra skrivet.", "Anna Berg", "29/10 2017"),
        ("<dt>Anna Berg, 2017-10-29 14:32</dt><dd>Bra skrivet.</dd>", "Anna Berg", "2017-10-29 14:32"),
        ("<dt>2017-10-29 14:32 Anna Berg</dt><dd>Bra skrivet.</dd>", "Anna Berg", "2017-10-29 14:32"),
        ("<p>Anna Berg skrev:</p><p>Bra skrivet.</p>", "Anna Berg", None),
    ],
)
def test_author_line_formats(html, author, posted_raw):
    has_section, comments = comments_of(f"<h3>Kommentarer:</h3>{html}")
    assert has_section
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [(author, posted_raw, "Bra skrivet.")]


def test_several_comments_with_paragraphs_in_order():
    html = (
        "<h3>Kommentarer:</h3>"
        "<div><b>Per Ek skrev 2017-10-29 14:32:</b><p>Första stycket.</p><p>Andra stycket.</p></div>"
        "<div><b>Lisa Holm skrev 2017-10-30 08:05:</b><p>Rad ett<br>rad två</p></div>"
    )
    _, comments = comments_of(html)
    assert [c.position for c in comments] == [1, 2]
    assert comments[0].text == "Första stycket.\n\nAndra stycket."
    assert comments[1].text == "Rad ett\nrad två"


def test_markup_like_text_is_kept_literally():
    html = "<h3>Kommentarer:</h3><p>Eva skrev 2017-10-29 14:32:</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    _, comments = comments_of(html)
    assert comments[0].text == "<script>alert(1)</script>"


def test_sentence_with_a_date_is_text_not_an_author():
    html = "<h3>Kommentarer:</h3><p>Eva skrev 2017-10-29 14:32:</p><p>Vi ses den 18 maj 2024.</p>"
    _, comments = comments_of(html)
    assert len(comments) == 1 and comments[0].text == "Vi ses den 18 maj 2024."


def test_form_and_chrome_are_not_comments():
    _, comments = comments_of("<h3>Kommentarer:</h3><p>Inga kommentarer än.</p>")
    assert comments == []


def test_no_section():
    assert comments_of("<p>Tillbaka</p>") == (False, [])


@pytest.mark.parametrize("header", ["Kommentarer (2)", "Kommentarer [ 2 ]", "Kommentarer:"])
def test_header_with_a_count_and_the_form_first(header):
    html = (f"<h3>{header}</h3><form>Namn: <input><br>Lämna en kommentar</form>"
            "<p>Eva skrev 2017-10-29 14:32:</p><p>Första.</p><p>Per skrev 2017-10-30 08:00:</p><p>Andra.</p>"
            "<p>© 2017 Knytpunkt</p>")
    flow = text_flow(f"<html><body>{html}</body></html>", "http://x/")
    _, comments = parse_comments(flow)
    assert [(c.author, c.text) for c in comments] == [("Eva", "Första."), ("Per", "Andra.")]


def test_date_cells_before_name_cells():
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><table><tr><td>2007-11-10 23:14</td><td>Marianne</td></tr><tr><td>Håller med</td></tr>"
        "<tr><td>2007-11-11 09:02</td><td>Ulf B</td></tr><tr><td>Kort svar</td></tr></table>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Marianne", "2007-11-10 23:14", "Håller med"), ("Ulf B", "2007-11-11 09:02", "Kort svar")]


def test_numbered_headers_relative_dates_and_a_quoted_reply():
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><div>#1 Stefan Å 12 OKTOBER 2011 21:40</div><div>Äntligen.</div>"
        "<div>#2 www.orebrobloggen.se igår 14:32</div><div>#1 skrev:<br>&gt; Äntligen.</div><div>Ja!</div>")
    assert [(c.author, c.posted_raw) for c in comments] == [
        ("Stefan Å", "12 OKTOBER 2011 21:40"), ("www.orebrobloggen.se", "igår 14:32")]
    assert comments[1].text == "#1 skrev:\n> Äntligen.\n\nJa!"


@pytest.mark.parametrize("above", ["<p>Visa alla 3 kommentarer</p>", "<p>Kommentarer modereras.</p>", ""])
def test_a_line_above_the_first_author_does_not_make_the_section_signed_below(above):
    _, comments = comments_of(
        f"<h3>Kommentarer:</h3>{above}<p>Anna Berg 2017-10-29 14:32</p><p>Bra skrivet, tack!</p>"
        "<p>Per Ek 2017-10-30 09:10</p><p>Håller med Anna.</p>")
    assert [(c.author, c.text) for c in comments] == [
        ("Anna Berg", "Bra skrivet, tack!"), ("Per Ek", "Håller med Anna.")]


@pytest.mark.parametrize("name", ["Anders Å.", "Eva K.L."])
def test_a_name_cell_that_ends_on_an_initial_is_a_name(name):
    """Rule "name ends on an initial": the initial's full stop belongs to the name, not to a sentence."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><table><tr><td>Elin</td><td>2012-03-08 19:45</td></tr><tr><td>Bra tal!</td></tr>"
        f"<tr><td>{name}</td><td>2012-03-09 12:30</td></tr><tr><td>Var var männen?</td></tr></table>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Elin", "2012-03-08 19:45", "Bra tal!"), (name, "2012-03-09 12:30", "Var var männen?")]


def test_a_name_that_ends_on_an_initial_before_its_date_on_one_line():
    _, comments = comments_of("<h3>Kommentarer:</h3><p>Anders Å., 2012-03-09 12:30</p><p>Var var männen?</p>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Anders Å.", "2012-03-09 12:30", "Var var männen?")]


def test_a_sentence_above_a_date_cell_is_still_text():
    """Only a closing initial keeps a full stop in a name: a short sentence above a date stays text."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><table><tr><td>Elin</td><td>2012-03-08 19:45</td></tr><tr><td>Bra tal av Sofia.</td>"
        "</tr><tr><td>Vi ses på torget.</td><td>2012-03-09 12:30</td></tr></table>")
    assert [(c.author, c.posted_raw) for c in comments] == [("Elin", "2012-03-08 19:45")]
