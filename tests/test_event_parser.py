"""Event pages and every Swedish date and time form of the calendar; summer and winter offsets."""

import pytest

from knytscrape.parsers.event import EventParser, event_id
from knytscrape.pipelines.dates import event_times

URL = "http://127.0.0.1:8000/kalender.php?id=7"


def event(content: str):
    html = (
        '<body><div>×</div><img alt="Logotyp Knytpunkt" src="l.png"><a href="kalender.php">Kalender</a>'
        "<div>I Kalendern:</div><div>2025-12-06</div><div>Julmarknad</div><div>De senaste 5 videona.</div>"
        f"<p>Du hitter fler videos under menyn Video.</p>{content}</body>"
    )
    return EventParser().parse(html, URL)


def times(item):
    return event_times(item.date_text, item.time_text, item.default_year)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("<p>Datum: 2024-05-18</p><p>Tid: 13.00–17.00</p>",
         ("2024-05-18T13:00:00+02:00", "2024-05-18T17:00:00+02:00", False)),
        ("<p>Datum: 2024-12-18</p><p>Tid: kl. 18.30</p>", ("2024-12-18T18:30:00+01:00", None, False)),
        ("<p>2024-08-09 – 2024-08-11</p>", ("2024-08-09", "2024-08-11", True)),
        ("<p>18 maj 2024</p>", ("2024-05-18", None, True)),
        ("<p>lördag 18 maj 2024 kl 13</p>", ("2024-05-18T13:00:00+02:00", None, False)),
        ("<p>Datum: 2024-05-18</p><p>När: lördag 18 maj kl 13</p>", ("2024-05-18T13:00:00+02:00", None, False)),
        ("<p>18/5</p>", (None, None, None)),
        ("<p>Datum: 2024-10-27</p><p>Tid: 10.00-12.00</p>",
         ("2024-10-27T10:00:00+01:00", "2024-10-27T12:00:00+01:00", False)),
        ("<p>Datum: 2024-03-31</p><p>Tid: 10.00</p>", ("2024-03-31T10:00:00+02:00", None, False)),
    ],
)
def test_date_and_time_forms(lines, expected):
    item = event(f"<h2>Vårkonsert i parken</h2>{lines}<p>Musik för alla.</p>")
    assert item is not None and item.title == "Vårkonsert i parken"
    assert times(item) == expected


def test_labels_status_and_description():
    item = event(
        "<h2>INSTÄLLT: Loppis på Järntorget</h2><p>Datum: 2024-05-18</p><p>Plats: Järntorget</p>"
        "<p>Arrangör: Föreningen Gamla Stan</p><p>Loppisen är inställd på grund av regn.</p><p>Nästa år igen.</p>"
    )
    assert (item.status, item.location, item.organiser) == ("cancelled", "Järntorget", "Föreningen Gamla Stan")
    assert item.description == "Loppisen är inställd på grund av regn.\n\nNästa år igen."


def test_moved_event_keeps_the_previous_start():
    item = event("<h2>Skördefest</h2><p>Datum: 2024-09-07</p><p>Framflyttat!</p><p>Nytt datum: 2024-09-14</p>")
    assert item.status == "postponed"
    assert times(item)[0] == "2024-09-14"
    assert event_times(item.previous_date_raw, None, None)[0] == "2024-09-07"


def test_postponed_without_new_date():
    assert event("<h2>Konsert</h2><p>Datum: 2024-06-01</p><p>Uppskjutet till hösten.</p>").status == "postponed"


def test_list_page_is_not_an_event():
    html = "".join(
        f'<p>2024-05-{d:02d}</p><p><a href="kalender.php?id={d}">Evenemang {d}</a></p>' for d in (3, 10, 17)
    )
    assert event(f"<h1>Kalender</h1>{html}<a href='kalender.php?sida=2'>Nästa sida »</a>") is None


def test_ids():
    assert event_id("http://127.0.0.1:1/kalender.php?id=7") == "event:7"
    assert event_id("http://a/evenemang/2024/05/18/loppis/") == event_id("https://knytpunkt.se/evenemang/2024/05/18/loppis/")
    assert event_id(None, "Julmarknad", "2025-12-06").startswith("sidebar:")


def test_sidebars_on_both_sides_of_the_content():
    html = (
        "<table><tr><td>I Kalendern:<br>2025-12-06<br>Julmarknad</td>"
        "<td><h2>Vårkonsert</h2><p>Datum: 2024-05-18</p><p>Musik i parken.</p></td>"
        "<td>De senaste 5 videona.<br>Film A<br>Du hitter fler videos under menyn Video.</td></tr></table>"
    )
    item = EventParser().parse(html, URL)
    assert (item.title, item.description) == ("Vårkonsert", "Musik i parken.")


def test_status_comes_from_announcements_not_from_the_description():
    item = event("<h2>Sommarfest</h2><p>Datum: 2024-06-01</p><p>Festen blir inte inställd, trots regnet.</p>")
    assert item.status == "scheduled"


def test_multi_day_event_with_a_start_time_keeps_its_last_day():
    assert event_times("2024-08-09 – 2024-08-11", "kl 13", None)[:2] == ("2024-08-09T13:00:00+02:00", "2024-08-11")


def test_a_year_less_date_takes_its_year_from_the_breadcrumb():
    item = event('<p><a href="kalender.php">Kalendern</a> › <a href="kalender.php?manad=2025-03">mars 2025</a> › '
                 "Bildkväll</p><h1>Bildkväll</h1><p>Datum: 14/3</p><p>Tid: 19.00–21.30</p>")
    assert times(item) == ("2025-03-14T19:00:00+01:00", "2025-03-14T21:30:00+01:00", False)


def test_a_year_less_date_takes_its_year_from_the_sites_own_listing_of_this_event():
    html = ("<body><div>I Kalendern:</div><p>2026-01-09<br><a href='kalender.php?id=6'>Annat</a></p>"
            "<p>2025-03-14<br><a href='kalender.php?id=7'>Bildkväll</a></p><div>De senaste 5 videona.</div>"
            "<p>Du hitter fler videos under menyn Video.</p><h1>Bildkväll</h1><p>Datum: 14/3</p></body>")
    item = EventParser().parse(html, URL)
    assert times(item) == ("2025-03-14", None, True)
    assert times(EventParser().parse(html.replace("id=7'", "id=8'"), URL)) == (None, None, None)


def test_a_linked_heading_after_the_events_facts_is_not_a_list():
    html = ("<h1>Bildkväll</h1><p>Datum: 2025-03-14</p><p>Plats: Folkets hus</p><h3>Nästa evenemang</h3>"
            "<h4><a href='kalender.php?id=80'>Stadsvandring</a></h4><p>2025-03-20</p>")
    assert EventParser().parse(html, URL).title == "Bildkväll"
    linked_section = ("<h2><a href='/kalender.php'>Kalendern</a></h2><p>2025-03-14</p>"
                      "<h1>Bildkväll</h1><p>Datum: 2025-03-14</p>")
    assert EventParser().parse(linked_section, URL).title == "Bildkväll"


def test_share_icons_do_not_take_the_title():
    html = ("<div><a href='https://facebook.com/x'><svg><title>Dela på Facebook</title></svg></a>"
            "<a href='https://twitter.com/x'><svg><title>Dela</title></svg></a></div>"
            "<h1>Bildkväll</h1><p>Datum: 2025-03-14</p><p>Välkomna!</p>")
    item = EventParser().parse(html, URL)
    assert (item.title, item.description) == ("Bildkväll", "Välkomna!")


def test_a_multi_day_event_with_evenings_past_midnight_ends_after_the_last_evening():
    assert event_times("9–11 augusti 2024", "18.00–01.00", 2024) == (
        "2024-08-09T18:00:00+02:00", "2024-08-12T01:00:00+02:00", False)


def test_a_place_with_its_address_on_the_next_line_but_not_a_sentence():
    assert event("<h2>Vernissage</h2><p>Datum: 2024-05-18</p><p>Plats: Galleri Kvarnen<br>Hamnplan 4</p>"
                 ).location == "Galleri Kvarnen\nHamnplan 4"
    assert event("<h2>Vernissage</h2><p>Datum: 2024-05-18</p><p>Plats: Galleri Kvarnen<br>Välkomna alla!</p>"
                 ).location == "Galleri Kvarnen"
