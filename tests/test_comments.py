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


# Round r (benchmarks/unseen/pages r03-r07, r09, r10): comment markup of CMSs, Disqus, Isso, Medium and K2.


def test_name_alone_then_text_then_a_date_before_the_buttons():
    """SiteVision: an avatar and the name head the comment, its footer holds the date and a "Gilla" button.
    Rules "date before the buttons" ("2016-09-10 15:43 Gilla" is the date) and "date under the text" (a date
    alone that is the comment's last line closes a comment headed by a name alone)."""
    _, comments = comments_of(
        "<h2>Kommentarer:</h2><ul><li><div><img src='/p.png' alt='Profilbild'><span>Elin Fors</span></div>"
        "<div><p>Äntligen ett ställe för cyklar.</p></div>"
        "<div><span>2016-09-10 15:43</span> <button>Gilla</button></div></li>"
        "<li><div><img src='/p.png' alt='Profilbild'><span>Bosse i Hjärsta</span></div>"
        "<div><p>Hittade en byrå.</p><p>Kommer tillbaka!</p></div>"
        "<div><span>2016-09-11 09:20</span> <button>Gilla</button></div></li></ul>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Elin Fors", "2016-09-10 15:43", "Äntligen ett ställe för cyklar."),
        ("Bosse i Hjärsta", "2016-09-11 09:20", "Hittade en byrå.\n\nKommer tillbaka!")]


def test_a_name_right_above_a_date_heads_the_comment_even_with_a_date_under_a_later_text():
    """"date under the text" is not read where a name alone stands right above a date alone (the header of
    the main reading): name, date and text cells keep their header reading, even when a short text that
    could be a name follows a date."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><div><div>Namn</div><div>Datum</div><div>Kommentar</div></div>"
        "<div><div>Gunnel Ryd</div><div>2020-02-15 20:31</div><div><p>Grattis!</p><p>Roligt att se.</p></div></div>"
        "<div><div>Testaren</div><div>2020-02-16 07:55</div><div>&lt;b&gt;hej&lt;/b&gt;</div></div>"
        "<div><div>Mats Öberg</div><div>2020-02-16 12:40</div><div>Hur kallt var det?</div></div>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Gunnel Ryd", "2020-02-15 20:31", "Grattis!\n\nRoligt att se."),
        ("Testaren", "2020-02-16 07:55", "<b>hej</b>"), ("Mats Öberg", "2020-02-16 12:40", "Hur kallt var det?")]


def test_a_data_table_of_comments_is_read_cell_by_cell():
    """Rule "table row cells": a table with a header row and short cells comes as tab-joined rows; in the
    comments each cell is read as its own line."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><table><tr><th>Namn</th><th>Datum</th><th>Kommentar</th></tr>"
        "<tr><td>Gunnel Ryd</td><td>2020-02-15 20:31</td><td>Grattis!</td></tr>"
        "<tr><td>Testaren</td><td>2020-02-16 07:55</td><td>&lt;b&gt;hej&lt;/b&gt;</td></tr></table>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Gunnel Ryd", "2020-02-15 20:31", "Grattis!"), ("Testaren", "2020-02-16 07:55", "<b>hej</b>")]


def test_footer_counters_claps_and_reply_counts_are_not_text():
    """Rule "footer counter": Medium's clap count "👏14" and "1 svar" under a response are not its text."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><div><div><a href='/@karin'>Karin Ek</a></div><div><a href='/r/1'><time>7 juni 2019"
        "</time></a></div><p>Grattis till alla studenter!</p><div><button><svg></svg></button><span>👏14</span></div>"
        "<div><a href='/r/1#svar'>1 svar</a></div></div>"
        "<div><div><a href='/@ebba'>Ebba Lund</a></div><div><a href='/r/2'><time>8 juni 2019</time></a></div>"
        "<p>Vi syns på bild 7 😊</p><div><button><svg></svg></button><span>👏9</span></div></div>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Karin Ek", "7 juni 2019", "Grattis till alla studenter!"),
        ("Ebba Lund", "8 juni 2019", "Vi syns på bild 7 😊")]


def test_a_comment_that_is_only_a_number_keeps_it():
    """"footer counter" never empties a comment: its first line stays text."""
    _, comments = comments_of("<h3>Kommentarer:</h3><p>Eva skrev 2017-10-29 14:32:</p><p>+1</p>")
    assert [c.text for c in comments] == ["+1"]


def test_counted_button_row():
    """Rule "counted button": "Gilla (3) · Svara · Anmäl", the like count in brackets, is a button row."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><div><img src='/a.jpg' alt='Profilbild för Anders Tell'><div><a href='/u/1'>Anders Tell"
        "</a> <span>15 mars 2014 kl. 10:21</span></div><div>Äntligen Glomman!</div><div><a href='#'>Gilla</a> (3) · "
        "<a href='#'>Svara</a> · <a href='#'>Anmäl</a></div></div>"
        "<div><div><span>Cyklist i Mosås</span> <span>15 mars 2014 kl. 12:48</span></div><div>Och vi?<br>Skriv om det."
        "</div><div><a href='#'>Gilla</a> (12) · <a href='#'>Svara</a> · <a href='#'>Anmäl</a></div></div>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Anders Tell", "15 mars 2014 kl. 10:21", "Äntligen Glomman!"),
        ("Cyklist i Mosås", "15 mars 2014 kl. 12:48", "Och vi?\nSkriv om det.")]


def test_isso_numbered_header_with_spacers_edited_note_and_score_before_the_reply():
    """Isso: "#1·Name·date" (the permalink number and the spacers are not the author), rule "edited note"
    ("(redigerad)" after the date is a note), rule "score before the buttons" ("14Svara", "-2Svara")."""
    def comment(number, author, when, text, score, note=""):
        return (f"<div><div><a href='#isso-{number}'>#{number}</a><span>·</span><span>{author}</span><span>·</span>"
                f"<time title='lång form'>{when}</time>{note}</div><div>{text}</div><div><span>{score}</span>"
                "<a href='#'><svg></svg></a><a href='#'>Svara</a></div></div>")
    _, comments = comments_of(
        "<h3>Kommentarer:</h3>" + comment(1, "Amal Hassan", "9 nov. 2024 19:02", "<p>Tack!</p>", "14")
        + comment(2, "Anonym", "9 nov. 2024 21:40", "<p>64&nbsp;miljoner …</p>", "-2")
        + comment(3, "<a href='https://x.se'>Per-Olof Gran</a>", "10 nov. 2024 08:15",
                  "<p>Fint – bra ljud.</p><p>Ja!</p>", "6", note="<span>(redigerad)</span>"))
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Amal Hassan", "9 nov. 2024 19:02", "Tack!"), ("Anonym", "9 nov. 2024 21:40", "64 miljoner …"),
        ("Per-Olof Gran", "10 nov. 2024 08:15", "Fint – bra ljud.\n\nJa!")]


def test_disqus_nested_replies_badge_parent_link_and_vote_counts():
    """Disqus: replies nested in <ul class=children> are read in page order; rule "byline extras" (a "Mod"
    badge and the link to the answered comment after the author's link are not the name); the vote count
    and the bullet of the footer are not text ("footer counter")."""
    def post(pid, author, extras, when, text, votes, children=""):
        return (f"<li><div><a href='#'><img src='/av.jpg' alt='Avatar'></a><header><span><span><a href='#'>{author}</a>"
                f"</span>{extras}</span> <span><span>•</span> <a href='#comment-{pid}'>{when}</a></span></header>"
                f"<div>{text}</div><footer><menu><li><a href='#'>{votes}</a></li><li>•</li><li><a href='#'>Svara</a>"
                f"</li></menu></footer></div>{children}</li>")
    parent = " <span><a href='#comment-{}'><i aria-label='svar till'></i> {}</a></span>"
    thread = post(1, "Lena Nordqvist", "", "21 aug 2021 18:47", "<p>Vem målade gäddan?</p>", "3", "<ul>" + post(
        2, "Johan Gullberg", " <span>Mod</span>" + parent.format(1, "Lena Nordqvist"), "21 aug 2021 19:10",
        "<p>Mira Haddad.</p>", "1", "<ul>" + post(3, "Lena Nordqvist", parent.format(2, "Johan Gullberg"),
                                                  "21 aug 2021 19:32", "<p>Tack!</p><p>Så fin.</p>", "") + "</ul>")
        + "</ul>") + post(4, "Hamnbo", "", "22 aug 2021 10:05", "<p>Äntligen.</p>", "5")
    _, comments = comments_of(f"<h3>Kommentarer:</h3><div><span>4 kommentarer</span> <span>Sortera efter Äldsta</span>"
                              f"</div><ul>{thread}</ul>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Lena Nordqvist", "21 aug 2021 18:47", "Vem målade gäddan?"),
        ("Johan Gullberg", "21 aug 2021 19:10", "Mira Haddad."),
        ("Lena Nordqvist", "21 aug 2021 19:32", "Tack!\n\nSå fin."),
        ("Hamnbo", "22 aug 2021 10:05", "Äntligen.")]


def test_words_after_a_linked_author_that_are_no_badge_stay_the_name():
    """"byline extras" drops only badges and links to other comments: other words after the link are kept."""
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><p><a href='http://anna.se/'>Anna</a> från Tybble, 2017-10-29 14:32</p><p>Bra.</p>")
    assert [(c.author, c.text) for c in comments] == [("Anna från Tybble", "Bra.")]


def test_k2_date_first_then_written_by_and_the_comment_link():
    """K2: rule "date, then written by" ("lördag, 23 september 2017 18:17 skrivet av Name": K2's label is not
    the author's); the permalink "Kommentarlänk" is a button, and K2's counter "3 kommentarer" is no comment."""
    def item(when, author, text):
        return (f"<li><span><a href='#comment1'>Kommentarlänk</a></span><img src='/g.jpg' alt='x'>"
                f"<span>\t{when}\t</span> <span>skrivet av {author}</span><p>{text}</p></li>")
    _, comments = comments_of(
        "<h3>Kommentarer:</h3><h3><span>3</span> kommentarer</h3><ul>"
        + item("lördag, 23 september 2017 18:17", "Sofia Bergkvist", "Så kul!")
        + item("lördag, 23 september 2017 21:05", "<a href='http://olle.se'>Olle</a>", "Tack!<br />Nästa år igen.")
        + item("söndag, 24 september 2017 10:42", "Margit Ahl", "Vackert.</p><p>Min morfar red.") + "</ul>")
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Sofia Bergkvist", "lördag, 23 september 2017 18:17", "Så kul!"),
        ("Olle", "lördag, 23 september 2017 21:05", "Tack!\nNästa år igen."),
        ("Margit Ahl", "söndag, 24 september 2017 10:42", "Vackert.\n\nMin morfar red.")]


def test_a_jump_link_to_the_comments_is_not_their_heading():
    """Rule "jump link": "Kommentarer (1)" as a toolbar link above the text is not the section's heading (read
    from there, the picture's credit "©2017 …" would end the section as the site's footer)."""
    flow = text_flow(
        "<html><body><div><a href='#comments'>Kommentarer (1)</a></div><p>Betygsätt detta objekt</p>"
        "<img src='/bild.jpg'><p>©2017 Johan Gullberg</p><p>Artikelns text.</p><h3>Kommentarer:</h3>"
        "<p>Eva skrev 2017-10-29 14:32:</p><p>Bra.</p>"
        f"{FORM}</body></html>", "http://x/")
    _, comments = parse_comments(flow)
    assert [(c.author, c.text) for c in comments] == [("Eva", "Bra.")]


def test_a_page_wide_form_does_not_end_the_comments():
    """Rule "page-wide form": ASP.NET wraps the whole page in one <form>; the comments inside it end at the
    comment form ("Lämna en kommentar"), not at the first line in a form."""
    flow = text_flow(
        "<html><body><form id='aspnetForm'><input type='hidden' name='__VIEWSTATE' value='x'><p>Artikelns text.</p>"
        "<h2>Kommentarer:</h2><div><span>Margareta Holm</span> <span>20 april 2013 16:22</span></div>"
        "<p>Vi åkte tre varv!</p><a href='#'>Anmäl</a><div><span>Pendlare från Tybble</span> "
        "<span>20 april 2013 19:47</span></div><p>Bussarna måste gå oftare.</p><a href='#'>Anmäl</a>"
        "<fieldset><legend>Lämna en kommentar</legend>Namn: <input name='n'></fieldset>"
        "<h2>I Kalendern:</h2></form></body></html>", "http://x/")
    _, comments = parse_comments(flow)
    assert [(c.author, c.posted_raw, c.text) for c in comments] == [
        ("Margareta Holm", "20 april 2013 16:22", "Vi åkte tre varv!"),
        ("Pendlare från Tybble", "20 april 2013 19:47", "Bussarna måste gå oftare.")]
