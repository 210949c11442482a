"""The "div" layout: HTML5, <div>/<p>/<h1>/<h2>, one <p> per paragraph.

Gallery image K (``&img=K``) sits inside the lightbox <div> at the top of <body>, after the ``×``
close link: an <img>, then the caption (a <p>, lines joined by <br>), then the credit (a <p>).
"""

from __future__ import annotations

from knytscrape.mirror import encodings
from knytscrape.mirror.model import LOGO_SRC, OVERLAY_STYLE, ArchiveEntry, ArticleView
from knytscrape.mirror.sections import EventList, EventView, VideoList, VideoView, rooted
from knytscrape.mirror.templates.common import Page, attr, br_lines, esc, lines, loosen, player_html

STYLE = """
body { font-family: Georgia, serif; margin: 0; background: #f4f1ea; }
#lightbox { display: none; position: fixed; top: 0; left: 0; height: 100%; z-index: 10; }
#lightbox.open { display: block; }
.wrap { max-width: 980px; margin: 0 auto; background: #fff; }
#meny ul { list-style: none; margin: 0; padding: 0; }
#meny li { display: inline-block; margin-right: 1em; }
#sidebar { float: right; width: 240px; }
#innehall { margin-right: 260px; padding: 1em; }
""".strip()


def _lightbox(view: ArticleView | None) -> str:
    inner = ""
    if view is not None and view.lightbox is not None:
        image = view.lightbox
        parts = [f'    <img class="lb-bild" src="{attr(image["src"])}" alt="">']
        if image.get("caption"):
            parts.append(f'    <p class="lb-text">{br_lines(image["caption"])}</p>')
        if image.get("credit"):
            parts.append(f'    <p class="lb-foto">{esc(image["credit"])}</p>')
        inner = '  <div class="lb-inner">\n' + "\n".join(parts) + "\n  </div>\n"
    opened = " open" if inner else ""
    return (
        f'<div id="lightbox" class="lb{opened}" style="{OVERLAY_STYLE}">\n'
        '  <a href="#" class="lb-stang" title="Stäng">×</a>\n'
        f"{inner}</div>\n"
    )


def _chrome(page: Page) -> str:
    chrome = page.chrome
    labels = chrome.labels
    menu = []
    for key, label, href in chrome.menu:
        item = f'<li><a href="{attr(href)}">{esc(label)}</a>'
        if key == "archive":
            years = []
            for year, cats in chrome.archive:
                links = " ".join(f'<a href="{attr(h)}">{esc(name)}</a>' for name, h in cats)
                years.append(f'      <li><span class="ar">{year}</span> {links}</li>')
            item += '\n    <ul class="arkiv">\n' + "\n".join(years) + "\n    </ul>\n  "
        menu.append("  " + item + "</li>")
    calendar = []
    for entry in chrome.calendar:
        title = esc(entry["title"])
        if entry.get("href"):
            title = f'<a href="{attr(entry["href"])}">{title}</a>'
        calendar.append(
            f'    <div class="kal-post"><p class="kal-datum">{esc(entry["date"])}</p>'
            f'<p class="kal-titel">{title}</p></div>'
        )
    videos = []
    for video in chrome.videos:
        title = esc(video["title"])
        if video.get("href"):
            title = f'<a href="{attr(video["href"])}">{title}</a>'
        videos.append(f'      <li class="video">{title}</li>')
    videos.append('      <li class="video spelare"><div class="videospelare" data-video=""></div></li>')
    return (
        f'<div id="logo"><a href="{page.root}index.php">'
        f'<img alt="Logotyp Knytpunkt" src="{page.root}{LOGO_SRC}"></a></div>\n'
        '<nav id="meny">\n<ul>\n' + "\n".join(menu) + "\n</ul>\n</nav>\n"
        '<aside id="sidebar">\n'
        '  <section class="kalender">\n'
        f"    <h3>{esc(labels['calendar_heading'])}</h3>\n" + "\n".join(calendar) + "\n  </section>\n"
        '  <section class="videor">\n'
        f"    <h3>{esc(labels['videos_heading'])}</h3>\n"
        "    <ul>\n" + "\n".join(videos) + "\n    </ul>\n"
        f'    <p class="fler">{esc(labels["videos_more"])}</p>\n'
        "  </section>\n"
        "</aside>\n"
    )


def _document(page: Page, content: str, view: ArticleView | None = None) -> str:
    labels = page.chrome.labels
    meta = encodings.meta_tag(page.encoding, html5=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="sv">\n<head>\n' + (meta + "\n" if meta else "") + f"<title>{esc(page.doc_title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>\n{STYLE}\n</style>\n"
        "</head>\n<body>\n"
        + _lightbox(view)
        + '<div class="wrap">\n'
        + _chrome(page)
        + '<main id="innehall">\n'
        + content
        + "</main>\n"
        f'<footer><p>{esc(labels["footer"])} · <a href="{attr(page.chrome.admin_href)}" rel="nofollow">'
        f"{esc(labels['login'])}</a></p></footer>\n"
        "</div>\n</body>\n</html>\n"
    )


def _publicerat(raw: str) -> str:
    return f'<p class="publicerat">Publicerat:&nbsp;&nbsp;{esc(raw)}&nbsp;</p>\n'


def home(page: Page, entries: list[tuple[dict, str]]) -> str:
    parts = []
    for article, href in entries:
        parts.append(
            '<div class="nyhet">\n'
            f'  <h2><a href="{attr(href)}">{esc(article["title"])}</a></h2>\n'
            f"  {_publicerat(article['published_raw'])}"
            f'  <p class="ingress">{br_lines(article["lead"])}</p>\n'
            "</div>\n"
        )
    return _document(page, "".join(parts))


def archive(page: Page, year: int, category: str, entries: list[ArchiveEntry]) -> str:
    parts = [f"<h1>Arkiv {year} – {esc(category)}</h1>\n"]
    for entry in entries:
        article = entry.article
        thumb = f'<img class="tumme" src="{attr(entry.thumb)}" alt=""> ' if entry.thumb else ""
        credit = f'<span class="foto">{esc(entry.credit)}</span> ' if entry.credit else ""
        parts.append(
            '<div class="arkivpost">\n'
            f"  {_publicerat(article['published_raw'])}"
            f'  <p class="antal">Kommentarer [ {entry.comments} ]</p>\n'
            f'  <p class="rad">{thumb}{credit}<a href="{attr(entry.href)}">{esc(article["title"])}</a></p>\n'
            f'  <p class="text">{br_lines(article["lead"])}</p>\n'
            "</div>\n"
        )
    if not entries:
        parts.append("<p>Inga artiklar.</p>\n")
    return _document(page, "".join(parts))


def about(page: Page, about_content: dict) -> str:
    body = "".join(f"<p>{esc(p)}</p>\n" for p in about_content["paragraphs"])
    return _document(page, f"<h1>{esc(about_content['title'])}</h1>\n{body}")


def _comments(page: Page, article: dict) -> str:
    if article["comments"] is None:
        return ""
    labels = page.chrome.labels
    parts = ['<section class="kommentarer">\n', f"  <h2>{esc(labels['comments_heading'])}</h2>\n"]
    for comment in article["comments"]:
        author, raw = esc(comment["author"]), esc(comment["posted_raw"])
        if comment["style"] == "skrev":
            head = f"<strong>{author}</strong> skrev {raw}:"
        elif comment["style"] == "skrivet_av":
            head = f'Skrivet av: <strong>{author}</strong><br>\n    <span class="datum">{raw}</span>'
        else:
            head = f"<strong>{author}</strong> | <em>{raw}</em>"
        text = "".join(f"    <p>{br_lines(p)}</p>\n" for p in comment["text"].split("\n\n"))
        parts.append(f'  <div class="kommentar">\n    <p class="av">{head}</p>\n{text}  </div>\n')
    parts.append(
        f'  <form class="kommentera" method="post" action="artiklar.php?id={article["id"]}">\n'
        f"    <h3>{esc(labels['comment_form_heading'])}</h3>\n"
        f'    <p><label for="namn">{esc(labels["comment_form_name"])}</label> '
        '<input type="text" id="namn" name="namn"></p>\n'
        f'    <p><label for="epost">{esc(labels["comment_form_email"])}</label> '
        '<input type="email" id="epost" name="epost"></p>\n'
        f'    <p><label for="kommentar">{esc(labels["comment_form_text"])}</label><br>\n'
        '    <textarea id="kommentar" name="kommentar" rows="6" cols="50"></textarea></p>\n'
        f'    <p><button type="submit">{esc(labels["comment_form_submit"])}</button></p>\n'
        "  </form>\n</section>\n"
    )
    return "".join(parts)


def _inline_image(image: dict) -> str:
    parts = [f'  <img src="{attr(image["src"])}" alt="">']
    if image.get("credit"):
        parts.append(f'  <p class="fotograf">{esc(image["credit"])}</p>')
    if image.get("caption"):
        parts.append(f'  <p class="bildtext">{br_lines(image["caption"])}</p>')
    return '<div class="bild">\n' + "\n".join(parts) + "\n</div>\n"


def article(page: Page, view: ArticleView) -> str:
    art = view.article
    parts = ['<article class="artikel">\n', _publicerat(art["published_raw"])]
    if art["template"] == "modern":
        parts.append(f'<h1 class="rubrik">{esc(art["title"])}</h1>\n')
        parts.append(f'<p class="rubrik2"><strong>{esc(art["title"])}</strong></p>\n')
        parts.append(f'<p class="ingress">{br_lines(art["lead"])}</p>\n')
        if art.get("lead_image"):
            parts.append(f'<div class="huvudbild"><img src="{attr(art["lead_image"])}" alt=""></div>\n')
        if art.get("credit"):
            parts.append(f'<p class="foto">{esc(art["credit"])}</p>\n')
        if art.get("gallery_line"):
            parts.append(f'<p class="galleri">{esc(art["gallery_line"])}</p>\n')
            thumbs = "\n".join(
                f'  <a href="{attr(href)}"><img src="{attr(src)}" alt="Bild {k}"></a>' for k, href, src in view.thumbs
            )
            parts.append(f'<div class="tumnaglar">\n{thumbs}\n</div>\n')
        parts.append('<div class="brodtext">\n')
        loose = "<br>\n".join(esc(loosen(line)) for line in lines(art["lead"]))
        parts.append(f"<p>\n        {loose}\n    </p>\n\n")
        for paragraph in art["body"]:
            parts.append(f"<p>{esc(paragraph)}</p>\n")
        parts.append("</div>\n")
    else:
        parts.append(f'<h1 class="rubrik">{esc(art["title"])}</h1>\n')
        parts.append('<div class="brodtext">\n')
        parts.append(f'<p class="ingress">{br_lines(art["lead"])}</p>\n')
        by_place: dict[int, list[dict]] = {}
        for image in art["images"]:
            by_place.setdefault(image.get("after_paragraph", 0), []).append(image)
        for image in by_place.get(0, []):
            parts.append(_inline_image(image))
        for i, paragraph in enumerate(art["body"], start=1):
            parts.append(f"<p>{esc(paragraph)}</p>\n")
            for image in by_place.get(i, []):
                parts.append(_inline_image(image))
        for place, images in by_place.items():  # images placed beyond the last paragraph
            if place > len(art["body"]):
                parts.extend(_inline_image(image) for image in images)
        parts.append("</div>\n")
    back = page.chrome.labels["back"]
    parts.append(f'<p class="tillbaka"><a href="javascript:history.back()">{esc(back)}</a></p>\n')
    parts.append(_comments(page, art))
    parts.append("</article>\n")
    return _document(page, "".join(parts), view)


# -- the Video and Kalender sections ----------------------------------------------------------------------


def _paragraphs(text: str | None) -> str:
    return "".join(f"<p>{esc(p)}</p>\n" for p in text.split("\n\n")) if text else ""


def video_list(page: Page, listing: VideoList) -> str:
    pager = listing.pager
    parts = ["<h1>Video</h1>\n", f'<p class="sidinfo">Sida {pager.page} av {pager.pages}</p>\n']
    for entry in listing.entries:
        video = entry.video
        parts.append('<div class="videopost">\n')
        if entry.thumb:
            parts.append(f'  <a href="{attr(entry.href)}"><img class="tumme" src="{attr(entry.thumb)}" alt=""></a>\n')
        if video["published_raw"]:
            parts.append(f"  {_publicerat(video['published_raw'])}")
        parts.append(f'  <h2><a href="{attr(entry.href)}">{esc(video["title"])}</a></h2>\n')
        if entry.teaser:
            parts.append(f'  <p class="text">{esc(entry.teaser)}</p>\n')
        parts.append("</div>\n")
    links = []
    if pager.prev_href:
        links.append(f'<a href="{attr(pager.prev_href)}">« Föregående</a>')
    if pager.next_href:
        links.append(f'<a href="{attr(pager.next_href)}">Nästa sida »</a>')
    parts.append(f'<p class="blader">{" | ".join(links)}</p>\n')
    return _document(page, "".join(parts))


def video(page: Page, view: VideoView) -> str:
    v = view.video
    parts = ['<article class="video">\n']
    if v["published_raw"]:
        parts.append(_publicerat(v["published_raw"]))
    parts.append(f'<h1 class="rubrik">{esc(v["title"])}</h1>\n')
    player = player_html(v, lambda url: rooted(url, page.root), attr)
    parts.append(f'<div class="spelare">\n{player}\n</div>\n')
    if v["duration_raw"]:
        parts.append(f'<p class="langd">Längd: {esc(v["duration_raw"])}</p>\n')
    if v["description"]:
        parts.append(f'<div class="beskrivning">\n{_paragraphs(v["description"])}</div>\n')
    if view.article_href:
        parts.append(f'<p class="artikel"><a href="{attr(view.article_href)}">Läs artikeln</a></p>\n')
    parts.append(f'<p class="tillbaka"><a href="{attr(view.list_href)}">Tillbaka</a></p>\n')
    parts.append("</article>\n")
    return _document(page, "".join(parts))


def event_list(page: Page, listing: EventList) -> str:
    parts = ["<h1>Kalender</h1>\n"]
    for entry in listing.entries:
        title = esc(entry.event["title"])
        if entry.href:
            title = f'<a href="{attr(entry.href)}">{title}</a>'
        parts.append(
            '<div class="kalpost">\n'
            f'  <p class="datum">{esc(entry.date_line)}</p>\n'
            f"  <h2>{title}</h2>\n"
            + (f'  <p class="text">{esc(entry.teaser)}</p>\n' if entry.teaser else "")
            + "</div>\n"
        )
    pager = listing.pager
    numbers = [
        f"<strong>{n}</strong>" if n == pager.page else f'<a href="{attr(href)}">{n}</a>'
        for n, href in enumerate(pager.hrefs, start=1)
    ]
    parts.append(f'<p class="sidor">Sida: {" ".join(numbers)}</p>\n')
    return _document(page, "".join(parts))


def event(page: Page, view: EventView) -> str:
    e = view.event
    parts = ['<article class="evenemang">\n']
    parts += [f'<h2 class="manad">{esc(h)}</h2>\n' for h in view.headings]
    parts.append(f'<h1 class="rubrik">{esc(e["title"])}</h1>\n')
    parts.append('<div class="tid">\n' + "".join(f"  <p>{esc(line)}</p>\n" for line in view.lines) + "</div>\n")
    if view.status_line:
        parts.append(f'<p class="status"><strong>{esc(view.status_line)}</strong></p>\n')
    if e["location"]:
        parts.append(f'<p class="plats"><strong>Plats:</strong> {esc(e["location"])}</p>\n')
    if e["organiser"]:
        parts.append(f'<p class="arrangor"><strong>Arrangör:</strong> {esc(e["organiser"])}</p>\n')
    if e["description"]:
        parts.append(f'<div class="beskrivning">\n{_paragraphs(e["description"])}</div>\n')
    parts.append(f'<p class="tillbaka"><a href="{attr(view.list_href)}">« Tillbaka till kalendern</a></p>\n')
    parts.append("</article>\n")
    return _document(page, "".join(parts))
