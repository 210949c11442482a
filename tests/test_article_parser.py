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


# Gallery views (knytscrape/parsers/gallery.py): a viewer's caption, credit and counter glued into one line.

GALLERY_BASE = (
    "<p>Publicerat: 2013-06-08</p><h1>Titel.</h1><p>Ingress.</p>"
    '<a href="artiklar.php?id=5&img=1"><img src="/bilder/5/stor/1.jpg"></a>'
    "<p>© 2013 Johan Gullberg - knytpunkt.se</p><p>12 Klickbara bilder.</p><p>Brödtext.</p>"
    "<a href='/'>Tillbaka</a><div>© 2013 Knytpunkt · Drivs med WordPress</div>"
)


def gallery_view(details: str, position: int = 4):
    from knytscrape.parsers.gallery import page_fingerprint, parse_gallery_view

    known_images, known_lines = page_fingerprint(f"<html><body>{GALLERY_BASE}</body></html>", URL)
    view = (f'<html><body>{GALLERY_BASE}<div class="lightbox"><img src="/bilder/5/stor/{position}.jpg">'
            f'<div class="lb-details">{details}</div><a href="{URL}">×</a></div></body></html>')
    return parse_gallery_view(view, f"{URL}&img={position}", known_images, known_lines)


def test_gallery_caption_credit_and_counter_glued_at_the_end_of_the_body_are_cut_apart():
    """Rules "credit glued after the caption" and "counter glued at the end" (Lightbox2's touching spans)."""
    image = gallery_view('<span>Ebba, 5 år, fick hålla i slangen.</span><span>© 2013 Johan Gullberg - knytpunkt.se'
                         '</span><span>Bild 4 av 12</span>')
    assert (image.url, image.caption, image.credit) == (
        "http://127.0.0.1:8000/bilder/5/stor/4.jpg", "Ebba, 5 år, fick hålla i slangen.",
        "© 2013 Johan Gullberg - knytpunkt.se")


def test_gallery_caption_keeps_a_copyright_sign_that_does_not_follow_a_sentence():
    image = gallery_view("<span>Loggan med ©-tecknet på brandbilen</span><span>Bild 4 av 12</span>")
    assert image.caption == "Loggan med ©-tecknet på brandbilen"


def test_gallery_caption_keeps_a_trailing_picture_number_that_is_not_this_view():
    image = gallery_view("<span>Samma brandbil som på bild 3 av 12</span>")
    assert image.caption == "Samma brandbil som på bild 3 av 12"


def photoswipe_view(slides: str, position: int = 5):
    """A view with a PhotoSwipe-like viewer open at the end of the page (no close-button text, no logo)."""
    from knytscrape.parsers.gallery import page_fingerprint, parse_gallery_view

    known_images, known_lines = page_fingerprint(f"<html><body>{GALLERY_BASE}</body></html>", URL)
    view = f'<html><body>{GALLERY_BASE}<div class="pswp pswp--open">{slides}</div></body></html>'
    return parse_gallery_view(view, f"{URL}&img={position}", known_images, known_lines)


def test_gallery_picture_numbered_k_among_preloaded_neighbours_and_its_caption_after_them():
    """Rules "picture numbered K" and "preloaded neighbours": PhotoSwipe loads pictures 4 and 6 next to 5 (and
    hides a thumbnail placeholder); the picture is the file numbered 5, and its caption, after the next slide
    and the counter "5 / 12", is read past them."""
    image = photoswipe_view(
        '<div class="pswp__item"><img src="/bilder/5/stor/4.jpg"></div>'
        '<div class="pswp__item"><img src="/bilder/5/tumme/5.jpg" style="display: none">'
        '<img src="/bilder/5/stor/5.jpg"></div>'
        '<div class="pswp__item"><img src="/bilder/5/stor/6.jpg"></div>'
        '<div class="pswp__counter">5 / 12</div>'
        '<div class="pswp__caption">Starten vid Slottet.<br><small>© 2013 Johan Gullberg - knytpunkt.se</small></div>')
    assert (image.url, image.caption, image.credit) == (
        "http://127.0.0.1:8000/bilder/5/stor/5.jpg", "Starten vid Slottet.", "© 2013 Johan Gullberg - knytpunkt.se")


def test_gallery_slides_with_their_own_captions_keep_the_next_slides_caption_out():
    """A neighbour is stepped over only before anything of the caption: a slide's own caption ends at the
    next slide."""
    image = photoswipe_view(
        '<figure><img src="/bilder/5/stor/4.jpg"><figcaption>Bild fyra.</figcaption></figure>'
        '<figure><img src="/bilder/5/stor/5.jpg"><figcaption>Bild fem.</figcaption></figure>'
        '<figure><img src="/bilder/5/stor/6.jpg"><figcaption>Bild sex.</figcaption></figure>')
    assert (image.url, image.caption) == ("http://127.0.0.1:8000/bilder/5/stor/5.jpg", "Bild fem.")
