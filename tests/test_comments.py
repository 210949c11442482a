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


# Round v (benchmarks/unseen/pages v01, v04, v06, v09, v10, v11): comment markup of blog and CMS software.


def test_says_label_after_the_author_and_the_date_on_the_next_line():
    """Rule "says label": WordPress's "Eva Lund säger:" is the author and a label; the permalink date follows
    (its comma before the year as printed); "Svara" is a button."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><ol><li><div><b>Eva Lund</b> säger:</div>"
        "<div><a href='#c1'><time>5 september, 2020 kl. 18:02</time></a></div><p>Mysig marknad!</p>"
        "<a href='?replytocom=1'>Svara</a></li>"
        "<li><div><b>Anders Lövgren</b> säger:</div><div><a href='#c2'>6 september, 2020 kl. 09:30</a></div>"
        "<p>Tack alla!</p><p>Musten finns kvar.</p><a href='?replytocom=2'>Svara</a></li></ol>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Eva Lund", "5 september, 2020 kl. 18:02", "Mysig marknad!"),
        ("Anders Lövgren", "6 september, 2020 kl. 09:30", "Tack alla!\n\nMusten finns kvar.")]


def test_blogger_counted_heading_says_label_and_the_date_after_the_text():
    """Rules "counted heading" ("3 kommentarer:"), "says label" ("Anonym sa...") and "date after the text"
    (Blogger's comment footer closes each comment with its date)."""
    _, comments = comments_of(
        "<h4>2 kommentarer:</h4><dl><dt>Anonym sa...</dt><dd><p>Bra jobbat!</p></dd>"
        "<dd><a href='#c1'>24 april 2010 20:15</a> <a href='/radera'><img src='/del.gif'></a></dd>"
        "<dt><a href='http://x.se/'>Lars Engström</a> sa...</dt><dd><p>Tack.<br>Nästa år igen!</p></dd>"
        "<dd><a href='#c2'>24 april 2010 21:02</a></dd></dl>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Anonym", "24 april 2010 20:15", "Bra jobbat!"),
        ("Lars Engström", "24 april 2010 21:02", "Tack.\nNästa år igen!")]


def test_a_sentence_that_ends_on_sa_is_text():
    """"says label" only as the software prints it, with its dots or "säger:" ending the line."""
    _, comments = comments_of("<h3>Kommentarer:</h3><p>Eva skrev 2017-10-29 14:32:</p><p>Precis som mormor sa.</p>"
                              "<p>Som hon sa: vänta inte</p>")
    assert [(c.author, c.text) for c in comments] == [("Eva", "Precis som mormor sa.\n\nSom hon sa: vänta inte")]


def test_a_counted_heading_is_only_read_without_a_kommentarer_heading():
    _, comments = comments_of(
        "<p>Läs också: 3 kommentarer:</p><h3>Kommentarer:</h3><p>Eva skrev 2017-10-29 14:32:</p><p>Bra.</p>")
    assert [(c.author, c.text) for c in comments] == [("Eva", "Bra.")]


def test_a_date_line_inside_the_text_is_not_the_closing_date():
    """"date after the text" only when the date is the comment's last line."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><p>Anonym sa...</p><p>Kom och fira med oss!</p><p>18 maj 2024</p><p>Välkomna!</p>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Anonym", None, "Kom och fira med oss!\n\n18 maj 2024\n\nVälkomna!")]


def test_inlagg_av_label_and_a_short_year_after_a_spaced_dash():
    """"Inlägg av Name, 27/9 -09 kl. 10.14": the label is not the author; the short date kept as printed."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><table><tr><td>Inlägg av <b>Gunnar L</b>, 27/9 -09 kl. 10.14<br>Tack för en fin kväll!"
        "<br>Det var som att vara tretton igen.</td></tr><tr><td>Inlägg av <b>Ylva (gammal scout)</b>, 28/9 -09 kl. "
        "19.55<br>Vi sjöng.</td></tr></table>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Gunnar L", "27/9 -09 kl. 10.14", "Tack för en fin kväll!\nDet var som att vara tretton igen."),
        ("Ylva (gammal scout)", "28/9 -09 kl. 19.55", "Vi sjöng.")]


def test_drupal_unverified_marker_and_month_first_date_with_a_dash_before_the_time():
    """Rule "unverified marker": " (inte verifierad)" is Drupal's, not the name's; "lör, 04/13/2019 - 18:47"
    (a weekday with a comma, a dash before the time) is a date line. A count under the heading is not a comment."""
    _, comments = comments_of(
        "<h2>Kommentarer:</h2><span>2</span>"
        "<article><div><img src='/avatar.svg'></div><div><span>Malin Eriksson (inte verifierad)</span></div>"
        "<div>lör, 04/13/2019 - 18:47</div><div><p>Äntligen!</p></div><ul><li><a href='/reply/1'>Svara</a></li></ul>"
        "</article><article><div><span>Hassan (inte verifierad)</span></div><div>sön, 04/14/2019 - 09:12</div>"
        "<div><p>Fint.<br>Och ett tak.</p></div><ul><li><a href='/reply/2'>Svara</a></li></ul></article>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Malin Eriksson", "lör, 04/13/2019 - 18:47", "Äntligen!"),
        ("Hassan", "sön, 04/14/2019 - 09:12", "Fint.\nOch ett tak.")]


def test_month_first_date_after_the_name_and_an_unlinked_button_row():
    """Squarespace: "<span>Name</span> <span>maj 19, 2018</span>"; rule "button row": "Svara Gilla" (<a>
    without href) are buttons, not text."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><div><div><span>Gunnel Ahlström</span> <span>maj 19, 2018</span></div>"
        "<div><p>Tack för en underbar kväll.</p></div><div><a class='reply'>Svara</a> <a class='like'>Gilla</a></div>"
        "</div><div><div><span>Maria Holm</span> <span>maj 21, 2018</span></div><div><p>Stort tack.</p></div>"
        "<div><a>Svara</a> <a>Gilla</a></div></div>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Gunnel Ahlström", "maj 19, 2018", "Tack för en underbar kväll."),
        ("Maria Holm", "maj 21, 2018", "Stort tack.")]


def test_a_single_unlinked_action_word_stays_text():
    _, comments = comments_of("<h3>Kommentarer:</h3><p>Eva skrev 2017-10-29 14:32:</p><p>Gilla</p>")
    assert [c.text for c in comments] == ["Gilla"]


def test_name_glued_to_a_date_with_a_month_name():
    """"Jenny Åberg22 mars 2025 16:02": name and date in touching elements, the date with a month's name."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><ul><li><div><span>Jenny Åberg</span><time>22 mars 2025 16:02</time></div>"
        "<p>Tack alla som kom!</p></li><li><div><span>Örjan P</span><time>22 mars 2025 19:48</time></div>"
        "<p>Bevara badet!</p></li></ul>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Jenny Åberg", "22 mars 2025 16:02", "Tack alla som kom!"), ("Örjan P", "22 mars 2025 19:48", "Bevara badet!")]
