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


def lines_run_reading(html: str) -> int:
    """The lines of knytscrape/parsers/archive.py that run while ``html`` is read (a measure of work, not time)."""
    import sys

    from knytscrape.parsers import archive

    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != archive.__file__:
            return None
        count += event == "line"
        return tracer

    sys.settrace(tracer)
    try:
        entries = parse_archive(html, URL)
    finally:
        sys.settrace(None)
    assert entries
    return count


def test_a_list_ten_times_longer_is_read_with_about_ten_times_the_work():
    # A yearly archive of thousands of entries (or a page made to look like one) must not cost entries x lines:
    # cutting 5,000 entries took 9.5 s of CPU when every entry looked at every line.
    def archive(n: int) -> str:
        return date_first([(k, f"2015-{1 + k % 12:02d}-10", k % 5) for k in range(n, 0, -1)])

    short, long = lines_run_reading(archive(100)), lines_run_reading(archive(1000))
    assert long < 15 * short, (short, long)
