"""Archive pages: entries cut at their dates or at their links, whatever else links articles."""

from knytscrape.parsers.archive import parse_archive

URL = "https://knytpunkt.se/art_ar.php?ar=2015&kat_id=1"
ENTRIES = [(12, "2015-09-10", 2), (11, "2015-05-10", 0), (10, "2015-03-10", 1)]


def entries_of(html: str):
    return [(e.article_id, e.published_raw, e.comment_count) for e in parse_archive(html, URL)]


def date_first(entries=ENTRIES) -> str:
    return "".join(f"<div><p>Publicerat: {d}</p><p>Kommentarer [ {c} ]</p><p>© 2015 Johan Gullberg - "
                   f"knytpunkt.com <a href='artiklar.php?id={n}'>Rubrik {n}.</a></p><p>Ingress.</p></div>"
                   for n, d, c in entries)


def test_sidebar_links_to_articles_do_not_shift_the_dates():
    sidebar = ("<p>De senaste 5 videona.</p><p><a href='artiklar.php?id=40'>Pride-tåget.</a></p>"
               "<p>Du hitter fler videos under menyn Video.</p>")
    assert entries_of(sidebar + date_first()) == ENTRIES


def test_a_box_of_latest_articles_above_the_list_is_not_an_entry():
    box = "<h3>Senaste artiklar</h3><p><a href='artiklar.php?id=50'>Ny sak</a></p>"
    assert entries_of(box + date_first()) == ENTRIES


def test_link_first_entries_with_the_date_in_their_footer():
    html = "".join(f"<div><h3><a href='artiklar.php?id={n}'>Rubrik {n}.</a></h3><p>Ingress.</p>"
                   f"<p>Publicerat: {d} · Kommentarer [ {c} ]</p></div>" for n, d, c in ENTRIES)
    assert entries_of(html) == ENTRIES
