"""textflow: the same visible lines whatever the markup."""

from knytscrape.parsers.textflow import Image, Line, text_flow

URL = "http://127.0.0.1:8000/artiklar.php?id=5"


def lines(html):
    return [(t.text, t.block) for t in text_flow(html, URL) if isinstance(t, Line)]


def texts(html):
    return [t for t, _ in lines(html)]


def test_div_table_and_br_layouts_give_the_same_lines():
    div = "<div><p>Publicerat: 2012-05-03</p><h1>Titel.</h1><p>Ett stycke.</p></div>"
    table = "<TABLE><TR><TD><FONT>Publicerat:&nbsp;2012-05-03</FONT><BR>Titel.<BR><BR>Ett stycke.</TD></TR></TABLE>"
    flat = "<body>Publicerat: 2012-05-03<br>\nTitel.<br><br>\n   Ett   stycke.\n</body>"
    expected = ["Publicerat: 2012-05-03", "Titel.", "Ett stycke."]
    assert texts(div) == texts(table) == texts(flat) == expected


def test_blank_line_starts_a_new_block_single_br_does_not():
    result = lines("<td>rad ett<br>rad två<br><br>nästa stycke</td>")
    assert result[0][1] == result[1][1]
    assert result[2][1] != result[1][1]


def test_nbsp_and_whitespace_collapse():
    assert texts("<p>&nbsp; Publicerat:&nbsp;&nbsp; 2012-05-03 &nbsp;</p>") == ["Publicerat: 2012-05-03"]


def test_images_links_and_backgrounds_in_order():
    flow = text_flow(
        '<div style="background-image:URL(bilder/black.png)">×</div>'
        '<a href="artiklar.php?id=5&amp;img=2"><img src="bilder/t.jpg" alt="x"></a><p>Text <a href="/a">här</a></p>',
        URL,
    )
    assert isinstance(flow[0], Image) and flow[0].background and flow[0].src.endswith("/bilder/black.png")
    assert flow[1].text == "×"
    assert flow[2].src == "http://127.0.0.1:8000/bilder/t.jpg"
    assert flow[2].link == "http://127.0.0.1:8000/artiklar.php?id=5&img=2"
    assert flow[3].links == [("http://127.0.0.1:8000/a", "här")]


def test_scripts_styles_and_comments_are_not_text():
    assert texts("<script>var a='Publicerat:';</script><style>p{}</style><!-- x --><p>ja</p>") == ["ja"]


def test_form_lines_are_marked():
    flow = text_flow("<p>före</p><form>Namn: <input></form>", URL)
    assert [(t.text, t.in_form) for t in flow] == [("före", False), ("Namn:", True)]


def test_empty_and_broken_html():
    assert text_flow("", URL) == []
    assert texts("<p>öppen <b>tagg") == ["öppen tagg"]


def test_floated_and_display_block_elements_are_blocks():
    html = ('<div><a href="a.html" style="float:left">« Föregående</a><span style="float: right">Sista bilden</span>'
            '<span style="display:block">Egen rad</span><span style="color:red">samma</span> rad</div>')
    assert texts(html) == ["« Föregående", "Sista bilden", "Egen rad", "samma rad"]


def test_a_lazy_loaded_picture_is_its_real_file_not_the_placeholder():
    html = ('<img src="/grafik/platshallare.svg" data-src="bilder/1/stor/2.jpg">'
            '<img src="bilder/3.jpg" data-original="bilder/3-stor.jpg"><img src="bilder/4.jpg" data-lazy="true">')
    site = "http://127.0.0.1:8000"
    assert [t.src for t in text_flow(html, URL) if isinstance(t, Image)] == [
        f"{site}/bilder/1/stor/2.jpg", f"{site}/bilder/3-stor.jpg", f"{site}/bilder/4.jpg"]


def test_a_link_that_prints_nothing_does_not_land_on_a_later_line():
    html = ('<div><a href="https://facebook.com/x"><svg><title>Dela</title></svg></a>'
            '<a href="mailto:x"><script>document.write("x")</script></a></div><p>Tillbaka</p>'
            '<a href="artiklar.php?id=9"><div>Rubrik i kort</div><div>Ingress</div></a>')
    flow = [t for t in text_flow(html, URL) if isinstance(t, Line)]
    assert [(line.text, line.hrefs) for line in flow] == [
        ("Tillbaka", []), ("Rubrik i kort", ["http://127.0.0.1:8000/artiklar.php?id=9"]), ("Ingress", [])]


def test_a_picture_known_only_by_its_srcset_is_its_largest_file():
    from knytscrape.parsers.textflow import Image

    html = ('<html><body><img src="data:image/gif;base64,R0lGOD" data-srcset="bilder/a-480.jpg 480w, '
            'bilder/a-1024.jpg 1024w"><picture><source srcset="bilder/b.webp 1x, bilder/b@2x.webp 2x">'
            '<img src=""></picture><img src="bilder/c.jpg" srcset="bilder/c-2x.jpg 2x"></body></html>')
    images = [t.src for t in text_flow(html, "https://knytpunkt.se/artiklar.php?id=1") if isinstance(t, Image)]
    assert images == ["https://knytpunkt.se/bilder/a-1024.jpg", "https://knytpunkt.se/bilder/b@2x.webp",
                      "https://knytpunkt.se/bilder/c.jpg"]  # a real src stays: the file the page shows first


def test_a_data_table_in_the_text_is_a_line_a_row_with_tabs_a_layout_table_is_not():
    data = ('<table><tr><th>Dag</th><th>Öppet</th></tr><tr><td><p>Fredag</p></td><td>10–17</td></tr>'
            "<tr><td>Lördag</td><td>10–15</td></tr></table>")
    layout = "<table><tr><td>Meny</td><td>Artikeln står här.</td></tr><tr><td>A</td><td>B</td></tr></table>"
    texts = [t.text for t in text_flow(f"<html><body>{data}{layout}</body></html>", "https://knytpunkt.se/")
             if isinstance(t, Line)]
    assert texts == ["Dag\tÖppet", "Fredag\t10–17", "Lördag\t10–15", "Meny", "Artikeln står här.", "A", "B"]


def test_a_form_around_the_whole_page_is_no_form_a_comment_form_is():
    page = ('<html><body><form id="aspnetForm"><h1>Rubrik.</h1><p>Text.</p></form>'
            '<form><p>Lämna en kommentar</p><input name="n"></form></body></html>')
    lines = [t for t in text_flow(page, "https://knytpunkt.se/") if isinstance(t, Line)]
    assert [(t.text, t.in_form) for t in lines] == [("Rubrik.", False), ("Text.", False),
                                                    ("Lämna en kommentar", True)]
