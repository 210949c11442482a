"""Players of every kind the site may have used since 2007, and the text around them."""

import pytest

from knytscrape.parsers.textflow import Embed, text_flow
from knytscrape.parsers.video import VideoParser, describe_player, parse_duration, video_id

PAGE = "http://127.0.0.1:8000/video.php?id=4"
CHROME = (
    '<div>×</div><img alt="Logotyp Knytpunkt" src="bilder/logo.png"><a href="video.php">Video</a>'
    "<div>I Kalendern:</div><div>2025-12-06</div><div>Julmarknad</div>"
    '<div>De senaste 5 videona.</div><div>En annan film</div><iframe src="https://www.youtube.com/embed/SIDEBAR1"></iframe>'
    "<p>Du hitter fler videos under menyn Video.</p>"
)


def player(markup: str) -> Embed:
    return next(t for t in text_flow(f"<body>{markup}</body>", PAGE) if isinstance(t, Embed))


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<iframe src="//www.youtube.com/embed/Ab3_x-9?rel=0"></iframe>',
         ("youtube", "Ab3_x-9", "https://www.youtube.com/embed/Ab3_x-9?rel=0")),
        ('<iframe src="https://www.youtube-nocookie.com/embed/Zz12345"></iframe>',
         ("youtube", "Zz12345", "https://www.youtube-nocookie.com/embed/Zz12345")),
        ('<iframe src="https://player.vimeo.com/video/123456"></iframe>',
         ("vimeo", "123456", "https://player.vimeo.com/video/123456")),
        ('<video controls poster="p.jpg"><source src="video/a.mp4" type="video/mp4"></video>',
         ("file", None, "http://127.0.0.1:8000/video/a.mp4")),
        ('<video src="/video/b.webm"></video>', ("file", None, "http://127.0.0.1:8000/video/b.webm")),
        ('<object data="flash/spelare.swf"><param name="flashvars" value="file=film.flv"></object>',
         ("flash", None, "http://127.0.0.1:8000/flash/spelare.swf")),
        ('<object><param name="movie" value="flash/spelare.swf"><embed src="flash/spelare.swf"></object>',
         ("flash", None, "http://127.0.0.1:8000/flash/spelare.swf")),
        ('<embed src="http://www.youtube.com/v/OldFlash1" type="application/x-shockwave-flash">',
         ("youtube", "OldFlash1", "http://www.youtube.com/v/OldFlash1")),
    ],
)
def test_player_kinds(markup, expected):
    assert describe_player(player(markup)) == expected


@pytest.mark.parametrize(("raw", "seconds"), [("3:45", 225), ("1:02:03", 3723), ("1 min 20 s", 80),
                                               ("45 sekunder", 45), ("2 min", 120), ("3:75", None), ("lång", None)])
def test_durations(raw, seconds):
    assert parse_duration(raw) == seconds


def test_page_fields_and_sidebar_player_ignored():
    html = (
        f"<body>{CHROME}<h1>Video</h1><h2>Vårens första cykeltur.</h2><p>Publicerat: 2015-03-02</p>"
        '<video poster="bilder/v/7.jpg" src="video/7.mp4"></video><p>Längd: 1:20</p>'
        "<p>Ett hundratal cyklister trampade runt sjön.</p><p>Rad ett<br>rad två</p>"
        '<p><a href="artiklar.php?id=1002">Läs artikeln</a></p><p><a href="video.php">« Tillbaka</a></p></body>'
    )
    video = VideoParser().parse(html, PAGE)
    assert (video.title, video.published_raw, video.duration, video.article_id) == (
        "Vårens första cykeltur.", "2015-03-02", 80, 1002)
    assert video.description == "Ett hundratal cyklister trampade runt sjön.\n\nRad ett\nrad två"
    assert video.thumbnail_url == "http://127.0.0.1:8000/bilder/v/7.jpg"
    assert video.provider == "file" and video.embed_url == "http://127.0.0.1:8000/video/7.mp4"


def test_page_without_own_player_is_not_a_video():
    assert VideoParser().parse(f"<body>{CHROME}<h1>Video</h1><p>Inga filmer.</p></body>", PAGE) is None


def test_ids_are_stable_across_hosts_and_schemes():
    assert video_id("youtube", "Ab3", "https://www.youtube.com/embed/Ab3", "http://a/video.php?id=1") == "youtube:Ab3"
    one = video_id("file", None, "http://127.0.0.1:1/video/a.mp4", "http://127.0.0.1:1/video.php?id=1")
    two = video_id("file", None, "https://knytpunkt.se/video/a.mp4", "https://knytpunkt.se/media/1-a.html")
    assert one == two


def test_a_map_or_like_box_is_not_a_video():
    embed = player('<iframe src="https://www.google.com/maps/embed?pb=abc"></iframe>')
    assert describe_player(embed) == (None, None, None)
    page = f'<body>{CHROME}<h1>Hitta hit</h1><iframe src="https://www.google.com/maps/embed?pb=1"></iframe></body>'
    assert VideoParser().parse(page, PAGE) is None
