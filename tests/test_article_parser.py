"""Article pages in shapes the mirror does not render (each a trap seen in review)."""

from knytscrape.parsers.article import ArticleParser

URL = "http://127.0.0.1:8000/artiklar.php?id=5"


def parse(body: str):
    return ArticleParser().parse(f"<html><body>{body}</body></html>", URL)


def test_lead_in_several_paragraphs_printed_twice():
    item = parse(
        "<p>Publicerat: 2020-05-05</p><h1>Titel.</h1><h2>Titel.</h2><p>Lead rad ett.</p><p>Lead rad två.</p>"
        '<img src="b/1.jpg"><p>© 2020 Johan Gullberg - knytpunkt.se</p><p>3 Klickbara bilder.</p>'
        "<p>Lead rad ett.</p><p>Lead   rad två.</p><p>Brödtext.</p><p>Mer.</p><a href='/'>Tillbaka</a>"
    )
    assert (item.lead, item.body, item.image_count) == ("Lead rad ett.\nLead rad två.", "Brödtext.\n\nMer.", 3)


def test_old_article_keeps_a_one_paragraph_lead():
    item = parse("<p>Publicerat: 2008-05-05</p><h1>Titel.</h1><p>Ingress.</p><p>Stycke ett.</p><p>Stycke två.</p>"
                 '<img src="b/1.jpg"><p>©2008 Johan Gullberg - knytpunkt.com</p><p>Bildtext.</p>')
    assert (item.lead, item.body) == ("Ingress.", "Stycke ett.\n\nStycke två.")
    assert [(i.caption, i.credit) for i in item.images] == [("Bildtext.", "©2008 Johan Gullberg - knytpunkt.com")]


def test_date_in_its_own_element_with_the_title_running_on():
    item = parse("<span>Publicerat:</span><div>2016-12-03 Vårens budget.</div><p>Ingress.</p>")
    assert (item.published_raw, item.title) == ("2016-12-03", "Vårens budget.")


def test_page_without_publicerat_is_not_an_article():
    assert parse("<p>Artikeln kunde inte hittas.</p>") is None
