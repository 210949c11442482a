"""Event pages and every Swedish date and time form of the calendar; summer and winter offsets."""

import pytest

from knytscrape.parsers.event import EventParser, event_id
from knytscrape.parsers.textflow import Line, text_flow
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


# --- struck-through text is an old value --------------------------------------------------------------


def test_the_text_flow_lists_struck_through_text_and_keeps_it_in_the_line():
    html = ("<p>Datum: <s>torsdag 20 okt. 2016</s><br>Tid: <del>kl. 14</del> kl. 15<br>"
            "Plats: <strike>Aulan</strike> <span style='color:red; text-decoration: line-through'>Sal B</span>"
            " Sal C<br>Arrangör: <span style='text-decoration:underline'>Klubben</span></p>")
    flow = [(t.text, t.struck) for t in text_flow(html, URL) if isinstance(t, Line)]
    assert flow == [("Datum: torsdag 20 okt. 2016", ["torsdag 20 okt. 2016"]), ("Tid: kl. 14 kl. 15", ["kl. 14"]),
                    ("Plats: Aulan Sal B Sal C", ["Aulan", "Sal B"]), ("Arrangör: Klubben", [])]


def test_a_struck_time_with_the_changed_time_after_it_in_a_definition_list():
    item = event("<h1>Stadsvandring</h1><p><strong>Ändrad tid!</strong> Vandringen börjar senare.</p>"
                 "<dl><dt>Datum</dt><dd>sön 15 maj 2022</dd>"
                 "<dt>Tid</dt><dd><s>kl. 14.00–15.30</s> Ändrad tid: kl. 15.30–17.00</dd>"
                 "<dt>Samling</dt><dd>Södra station</dd></dl><p>Guiden visar Söder.</p>")
    assert times(item) == ("2022-05-15T15:30:00+02:00", "2022-05-15T17:00:00+02:00", False)
    assert (item.status, item.location, item.description) == ("postponed", "Södra station", "Guiden visar Söder.")
    assert "kl. 14.00–15.30" in item.date_raw  # the old time is kept as printed


def test_a_struck_time_with_the_new_time_beside_it_or_on_the_next_line():
    beside = event("<h2>Konsert</h2><p>Datum: 2024-05-18<br>Tid: <s>kl. 14.00</s> kl. 15.30</p>")
    below = event("<h2>Konsert</h2><p>Datum: 2024-05-18<br>Tid: <s>kl. 14.00</s><br>kl. 15.30</p>")
    for item in (beside, below):
        assert times(item) == ("2024-05-18T15:30:00+02:00", None, False)
        assert item.status == "postponed"


def test_a_struck_time_without_a_new_one_leaves_the_start_unknown():
    item = event("<h2>Konsert</h2><p>Datum: 2024-05-18<br>Tid: <s>kl. 14.00</s> ny tid meddelas senare</p>")
    assert item is not None and item.status == "postponed"
    assert times(item) == (None, None, None)  # not "all day": the time is only not known
    assert item.date_raw == "Datum: 2024-05-18 | Tid: kl. 14.00 ny tid meddelas senare"


def test_a_struck_date_without_a_new_one_leaves_the_start_unknown():
    item = event("<h2>Debatt</h2><p>UPPSKJUTET – nytt datum meddelas senare</p>"
                 "<p>Datum: <s>torsdag 20 okt. 2016</s><br>Tid: kl. 18.30–20.00<br>Plats: Medborgarhuset</p>")
    assert item is not None and (item.status, item.location) == ("postponed", "Medborgarhuset")
    assert times(item) == (None, None, None)
    assert item.previous_date_raw == "torsdag 20 okt. 2016"
    assert item.date_raw == "Datum: torsdag 20 okt. 2016 | Tid: kl. 18.30–20.00"


def test_a_struck_date_alone_marks_the_event_as_moved():
    item = event("<h2>Debatt</h2><p>Datum: <s>2016-10-20</s></p>")
    assert (item.status, times(item), item.previous_date_raw) == ("postponed", (None, None, None), "2016-10-20")


def test_a_struck_date_with_the_new_date_beside_it_or_under_a_label():
    beside = event("<h2>Debatt</h2><p>Datum: <s>20 okt. 2016</s> 27 okt. 2016</p><p>Tid: kl. 18</p>")
    labelled = event("<h2>Debatt</h2><p>Datum: <del>ons 12 mar. 2025</del> FLYTTAD</p>"
                     "<p>Nytt datum: ons 2 apr. 2025</p>")
    assert (beside.status, beside.previous_date_raw) == ("postponed", "20 okt. 2016")
    assert times(beside) == ("2016-10-27T18:00:00+02:00", None, False)
    assert (labelled.status, labelled.previous_date_raw) == ("postponed", "ons 12 mar. 2025")
    assert times(labelled) == ("2025-04-02", None, True)


def test_a_struck_date_with_the_new_date_on_the_next_line():
    labelled = event("<h2>Debatt</h2><p>Datum: <s>20 okt. 2016</s><br>27 okt. 2016</p>")
    unlabelled = event("<h2>Debatt</h2><p><s>torsdag 20 okt. 2016</s><br>torsdag 27 okt. 2016</p>")
    for item in (labelled, unlabelled):
        assert (item.status, times(item)) == ("postponed", ("2016-10-27", None, True))
        assert item.previous_date_raw in ("20 okt. 2016", "torsdag 20 okt. 2016")
    elsewhere = event("<h2>Debatt</h2><p>Datum: <s>20 okt. 2016</s></p><p>Anmälan senast</p><p>15 okt. 2016</p>")
    assert times(elsewhere) == (None, None, None)  # only the line right under it is the new date


def test_a_struck_date_with_cancelled_beside_it_is_cancelled():
    item = event("<h2>Debatt</h2><p>Datum: <s>20 okt. 2016</s> INSTÄLLT</p>")
    assert item.status == "cancelled"


def test_the_year_of_a_struck_date_does_not_make_a_new_year_less_date_certain():
    item = event("<h2>Nyårskonsert</h2><p>Datum: <s>30 dec. 2016</s> 5 jan</p>")
    assert (item.date_text, item.default_year, times(item)) == ("5 jan", None, (None, None, None))


def test_an_unlabelled_struck_date_line_under_the_title():
    moved = event("<h2>Loppis</h2><p><s>lördag 18 maj 2024 kl 13</s> söndag 19 maj 2024 kl 13</p>")
    assert (moved.status, times(moved)) == ("postponed", ("2024-05-19T13:00:00+02:00", None, False))
    assert moved.previous_date_raw == "lördag 18 maj 2024 kl 13"
    unknown = event("<h2>Loppis</h2><p><s>lördag 18 maj 2024 kl 13</s></p><p>Uppskjuten.</p>")
    assert (unknown.status, times(unknown)) == ("postponed", (None, None, None))


def test_a_changed_time_that_names_a_date_moves_the_date():
    item = event("<h2>Konsert</h2><p>Datum: 2022-05-15</p><p>Tid: kl. 14</p>"
                 "<p>Ändrad tid: lördag 21 maj 2022 kl 15</p>")
    assert (item.status, item.previous_date_raw) == ("postponed", "2022-05-15")
    assert times(item) == ("2022-05-21T15:00:00+02:00", None, False)


def test_a_struck_place_is_not_the_place_and_does_not_move_the_date():
    item = event("<h2>Debatt</h2><p>Datum: 2024-05-18</p><p>Plats: <s>Aulan</s> Medborgarhuset, sal B</p>")
    assert (item.location, item.status) == ("Medborgarhuset, sal B", "scheduled")


def test_the_meeting_point_of_a_walk_is_its_place():
    for label in ("Samling", "Samlingsplats:", "Mötesplats:"):
        item = event(f"<h2>Stadsvandring</h2><p>Datum: 2022-05-15</p><dl><dt>{label}</dt><dd>Södra station</dd></dl>")
        assert item.location == "Södra station", label


def test_a_weekend_written_as_a_day_range_with_weekdays_is_all_day():
    item = event("<h2>Stadsfest</h2><p>Datum: fre 23 – sön 25 aug. 2013</p>"
                 "<p>Plats: Stortorget – fri entré hela helgen</p>")
    assert times(item) == ("2013-08-23", "2013-08-25", True)
    assert (item.location, item.status) == ("Stortorget", "scheduled")


def test_occasions_listed_under_the_title_run_from_the_first_start_to_the_last_end():
    item = event("<h2>Kulissen spelar Fadren</h2><h3>Föreställningar</h3><ul>"
                 "<li>fredag 8 november 2024, kl. 19.00–21.00 (premiär)</li>"
                 "<li>lördag 9 november 2024, kl. 15.00–17.00</li><li>söndag 10 november 2024, kl. 15.00–17.00</li>"
                 "</ul><p>Plats: Kulissens scen</p><p>Biljetterna släpps måndag 21 oktober 2024 kl. 12.</p>")
    assert times(item) == ("2024-11-08T19:00:00+01:00", "2024-11-10T17:00:00+01:00", False)
    assert item.date_raw.startswith("fredag 8 november 2024, kl. 19.00–21.00 (premiär) | lördag 9 november")
    assert (item.title, item.location, item.status) == ("Kulissen spelar Fadren", "Kulissens scen", "scheduled")
    assert "premiär" not in (item.description or "")  # the occasion line is a fact, not description


def test_occasions_are_the_date_lines_of_one_list_only():
    # a date line in a paragraph of its own after the list is not one of its occasions
    apart = event("<h2>Teater</h2><ul><li>lördag 9 november 2024, kl. 15.00–17.00</li></ul>"
                  "<p>söndag 10 november 2024</p>")
    assert times(apart) == ("2024-11-09T15:00:00+01:00", "2024-11-09T17:00:00+01:00", False)
    # occasions out of order: nothing is guessed
    unordered = event("<h2>Teater</h2><ul><li>söndag 10 november 2024, kl. 15</li>"
                      "<li>fredag 8 november 2024, kl. 19</li></ul>")
    assert times(unordered) == (None, None, False)


def test_a_date_remark_in_brackets_is_a_note_unless_it_holds_a_number_or_a_status():
    noted = event("<h2>Konsert</h2><p>Datum: 18 maj 2024 (lördag)</p><p>Tid: 19.00 (premiär)</p>")
    assert times(noted) == ("2024-05-18T19:00:00+02:00", None, False)
    # a remark with a time or a status word of its own: the line stays as printed, unread
    own_time = event("<h2>Konsert</h2><p>Datum: 18 maj 2024</p><p>Tid: 19.00 (insläpp 18.30)</p>")
    assert (own_time.time_text, times(own_time)[:2]) == ("19.00 (insläpp 18.30)", ("2024-05-18", None))
    moved = event("<h2>Konsert</h2><p>Datum: 18 maj 2024 (flyttat)</p>")
    assert (moved.date_text, times(moved)) == ("18 maj 2024 (flyttat)", (None, None, None))


def test_an_iso_interval_with_daily_hours_both_days():
    item = event("<h2>Plantmarknad</h2><dl><dt>Datum:</dt><dd>2025-05-10--11</dd>"
                 "<dt>Tid:</dt><dd>10.00–16.00 båda dagarna</dd></dl>")
    assert times(item) == ("2025-05-10T10:00:00+02:00", "2025-05-11T16:00:00+02:00", False)


def test_an_original_date_unstruck_a_new_date_and_a_start_from_a_time():
    item = event("<h2>Loppis</h2><ul><li>Ursprungligt datum: lördag 25 maj 2024</li>"
                 "<li>Nytt datum: lördagen den 1 juni 2024</li><li>Tid: från kl. 10</li></ul>"
                 "<p>Säljarna ställer upp sina bord från kl. 8.</p>")
    assert (item.status, item.previous_date_raw) == ("postponed", "lördag 25 maj 2024")
    assert times(item) == ("2024-06-01T10:00:00+02:00", None, False)


def test_a_visually_hidden_label_is_not_the_value():
    # The Events Calendar: the <dt> is for screen readers only; a person sees the heading and the value
    item = event("<h2>Skördemarknad</h2><p>Datum: 14 september 2024</p>"
                 "<h3>Plats</h3><dl><dt class='tribe-common-a11y-visual-hide'>Platsens namn</dt>"
                 "<dd>Stortorget, Örebro</dd></dl>"
                 "<h3>Arrangör</h3><dl><dt class='screen-reader-text'>Arrangörens namn</dt>"
                 "<dd>Örebro handelsförening</dd></dl>")
    assert (item.location, item.organiser) == ("Stortorget, Örebro", "Örebro handelsförening")


def test_an_event_page_without_a_readable_date_is_stored_undated():
    """Never dropped: a title and a labelled place make an event's page; its date stays NULL."""
    from knytscrape.parsers.event import EventParser

    html = ("<html><body><h1>Loppis i Folkets park.</h1><p>Plats: Folkets park, Kumla</p>"
            "<p>Tid och dag meddelas senare på sidan.</p></body></html>")
    item = EventParser().parse(html, "https://knytpunkt.se/kalender.php?id=77")
    assert (item.title, item.location, item.date_raw, item.date_text) == (
        "Loppis i Folkets park.", "Folkets park, Kumla", None, None)
    assert EventParser().parse("<html><body><h1>Om kalendern</h1><p>Här listas evenemang i Örebro.</p>"
                               "</body></html>", "https://knytpunkt.se/kalender.php?sida=om") is None


def test_a_printed_time_that_cannot_be_read_is_not_called_all_day():
    assert event_times("2024-05-18", "19.00 (insläpp 18.30)", None) == ("2024-05-18", None, None)
    assert event_times("2024-05-18", None, None) == ("2024-05-18", None, True)
    assert event_times("2024-05-18", "19.00", None)[2] is False


def test_one_night_across_midnight_ends_the_morning_after_its_first_day():
    # ONE NIGHT: two days in a row and hours past midnight are that one night (New Year's Eve)
    assert event_times("31 dec 2024 - 01 jan 2025", "21:00 - 01:00", 2024) == (
        "2024-12-31T21:00:00+01:00", "2025-01-01T01:00:00+01:00", False)
    # with words that say the hours hold every evening, it is two evenings, the last one past midnight
    assert event_times("fre 6 – lör 7 sep 2024", "22.00–02.00 båda kvällarna", 2024)[:2] == (
        "2024-09-06T22:00:00+02:00", "2024-09-08T02:00:00+02:00")


def test_a_time_field_of_bare_hours_with_an_approximate_end():
    item = event("<h1>INSTÄLLD: Föreläsning</h1><table><tr><th>Datum</th><td>torsdag 14 november 2013</td></tr>"
                 "<tr><th>Tid</th><td>19–ca 22</td></tr></table>")
    assert item.status == "cancelled"
    assert times(item) == ("2013-11-14T19:00:00+01:00", "2013-11-14T22:00:00+01:00", False)


def test_a_recurring_weekday_runs_from_the_first_to_the_last_of_the_month():
    item = event("<h1>Språkcafé</h1><ul><li>Datum: varje tisdag i mars 2025</li><li>Tid: 18.00–20.00</li></ul>"
                 "<p>Den sista träffen, den 25 mars, avslutar vi med en frågesport kl. 19.30.</p>")
    assert times(item) == ("2025-03-04T18:00:00+01:00", "2025-03-25T20:00:00+01:00", False)
    unsure = event("<h1>Språkcafé</h1><p>Datum: varje tisdag i mars</p><p>Tid: 18.00–20.00</p>")
    assert (unsure.date_text, times(unsure)) == ("varje tisdag i mars", (None, None, False))  # no year: unread


def test_doors_and_a_named_start_read_the_start():
    item = event("<h2>Storbandskonsert</h2><p>Lördag 22 oktober 2016</p>"
                 "<p><strong>Tid:</strong> Dörrarna öppnar 18.30, start 19.00</p>")
    assert times(item) == ("2016-10-22T19:00:00+02:00", None, False)


SITE_HEADER = ("<header><h1><img src='logo.png' alt='Knytpunkt'><span>Lokala nyheter från Örebro</span></h1></header>"
               "<nav><ul><li><a href='/'>Start</a></li><li><a href='/video'>Video</a></li>"
               "<li><a href='/kalender'>Kalender</a></li><li><a href='/arkiv'>Arkiv</a></li></ul></nav>")


def test_a_heading_with_the_site_menu_under_it_is_not_the_title():
    # SITE HEADING: the logo's tagline above the menu; the event's title is a <div>, not a heading
    html = f"{SITE_HEADER}<div>Svartå Big Band</div><div>Lördag 22 oktober 2016</div><p>Plats: Frimis</p>"
    item = EventParser().parse(html, URL)
    assert (item.title, item.location) == ("Svartå Big Band", "Frimis")
    assert "Lokala nyheter" not in (item.description or "")
    # the menu in one line of links is the menu too
    one_line = html.replace("</li><li>", " | ")
    assert EventParser().parse(one_line, URL).title == "Svartå Big Band"
    # a breadcrumb under the event's own heading does not make it the site's
    crumb = ("<h1>Bildkväll</h1><p><a href='/kalender'>Kalender</a> / <a href='/kalender/2025/03'>Mars 2025</a></p>"
             "<p>Datum: 14/3</p>")
    assert EventParser().parse(crumb, URL).title == "Bildkväll"


def test_a_map_link_after_a_line_names_the_place():
    maps = "http://maps.google.com?q=Fabriksgatan%2015"
    item = event(f"<h1>Vårmässan</h1><p>lördag 27 april 2019</p>"
                 f"<ul><li>Conventum Arena, hall C <a href='{maps}'>(Karta)</a></li></ul><p>Välkomna!</p>")
    assert (item.location, item.description) == ("Conventum Arena, hall C", "Välkomna!")
    # the place's own text linked to a map
    linked = event(f"<h1>Vårmässan</h1><p>lördag 27 april 2019</p><p><a href='{maps}'>Conventum Arena</a></p>")
    assert linked.location == "Conventum Arena"
    # a labelled place: the map link is no part of it, and the label wins over a map-linked line
    labelled = event(f"<h1>Vårmässan</h1><p>Datum: 2019-04-27</p><p>Plats: Stortorget <a href='{maps}'>Karta</a></p>"
                     f"<p>Entrén <a href='{maps}'>(Karta)</a></p>")
    assert labelled.location == "Stortorget"
    # a sentence that ends with a map link is not a place
    sentence = event(f"<h1>Vårmässan</h1><p>Datum: 2019-04-27</p>"
                     f"<p>Mässan har flyttat till Conventum Arena. <a href='{maps}'>Visa karta</a></p>")
    assert sentence.location is None


def test_opening_hours_make_two_date_lines_the_start_and_the_end():
    lines = "<ul><li>lördag 27 april 2019 10:00</li><li>söndag 28 april 2019 16:00</li></ul>"
    item = event(f"<h1>Vårmässan</h1>{lines}<p>Öppet 10–16 lördag och söndag. Entré 40 kr.</p>")
    assert times(item) == ("2019-04-27T10:00:00+02:00", "2019-04-28T16:00:00+02:00", False)
    # without opening hours (or with others) the two lines stay occasions: the end's time is not known
    for text in ("<p>Välkomna!</p>", "<p>Öppet 11–15 båda dagarna.</p>"):
        occasions = event(f"<h1>Vårmässan</h1>{lines}{text}")
        assert times(occasions) == ("2019-04-27T10:00:00+02:00", "2019-04-28", False), text


def test_a_time_written_in_both_clocks_and_a_middle_dot_before_the_time():
    # ONE CLOCK: the 12-hour twin that the page's stylesheet hides (the text flow keeps it) is the same time
    item = event("<style>.t12 { display: none; }</style><h1>Vårmässan</h1><ul>"
                 "<li><time>lördag 27 april 2019</time> <span class=t12>10:00 AM</span> <span>10:00</span></li>"
                 "<li><time>söndag 28 april 2019</time> <span class=t12>4:00 PM</span> <span>16:00</span></li></ul>"
                 "<p>Öppet 10–16.</p>")
    assert times(item) == ("2019-04-27T10:00:00+02:00", "2019-04-28T16:00:00+02:00", False)
    # MIDDLE DOT, the year from the breadcrumb ("Oktober 2025")
    dotted = event("<ol><li><a href='/kalender/'>Kalender</a></li><li>/</li>"
                   "<li><a href='/kalender/2025/10/'>Oktober 2025</a></li></ol>"
                   "<h1>Släktforska</h1><span>Fullbokat</span><p><time datetime='2025-10-09'>tors 9 okt</time>"
                   "<span>·</span>kl. <time>18</time>–<time>20.30</time></p><dl><dt>Lokal:</dt><dd>Sal B</dd></dl>")
    assert (dotted.title, dotted.status, dotted.location) == ("Släktforska", "scheduled", "Sal B")
    assert times(dotted) == ("2025-10-09T18:00:00+02:00", "2025-10-09T20:30:00+02:00", False)


def test_a_map_link_after_the_end_of_the_text_names_no_place():
    maps = "https://www.google.com/maps/place/Storgatan+5"
    item = event("<form><input name=q><button>Sök</button></form><h1>Vårmässan</h1><p>Datum: 2019-04-27</p>"
                 "<p>Välkomna!</p><p><a href='kalender.php'>« Tillbaka</a></p>"
                 f"<p>Knytpunkt, Storgatan 5 <a href='{maps}'>Hitta hit</a></p>")
    assert item.location is None
