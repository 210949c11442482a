"""The "flat" layout: hand-written HTML without a doctype, <center>, <b>, <span>, and text nodes
straight inside <div>s, separated by <br>.

- A paragraph ends with ``<br>`` and a blank ``<br>`` line follows it; lines within a paragraph (a
  lead, a caption) are separated by a single ``<br>``.
- ``Publicerat:`` is in one <span>, the date in the next <span>.
- The title is printed in <b>, then again in <h3> (old articles: <h3> only).
- The last calendar title runs straight into the ``De senaste 5 videona.`` header (no separator).
- Comments are a <dl>: <dt> holds the author line(s), <dd> the text (paragraphs by ``<br><br>``).
- In archive entries the credit <span> is immediately followed by the title link (no whitespace).
- Relative links are written root-relative (``/artiklar.php?id=N``).

Gallery image K sits inside the lightbox <div> at the top of <body>, after the ``×`` <span>, in a
<center>: the <img>, then the caption (<span class="bt">, lines by <br>), then the credit
(<span class="bf">).
"""

from __future__ import annotations

from knytscrape.mirror import encodings
from knytscrape.mirror.model import LOGO_SRC, OVERLAY_STYLE, ArchiveEntry, ArticleView
from knytscrape.mirror.sections import EventList, EventView, VideoList, VideoView
from knytscrape.mirror.templates.common import Page, attr, br_lines, esc, lines, loosen, player_html


def link(url: str) -> str:
    """Root-relative for the site's own pages, unchanged for absolute and javascript: URLs."""
    if "://" in url or url.startswith(("/", "#", "javascript:")):
        return attr(url)
    return attr("/" + url)


def _lightbox(view: ArticleView | None) -> str:
    inner = ""
    if view is not None and view.lightbox is not None:
        image = view.lightbox
        parts = [f'<img src="{link(image["src"])}" border="0">']
        if image.get("caption"):
            parts.append(f'<span class="bt">{br_lines(image["caption"])}</span>')
        if image.get("credit"):
            parts.append(f'<span class="bf">{esc(image["credit"])}</span>')
        inner = "<center>" + "<br>\n".join(parts) + "</center>\n"
    return (
        f'<div id="lb" style="{OVERLAY_STYLE}">'
        '<span class="x" onclick="this.parentNode.style.display=\'none\'">×</span>\n'
        f"{inner}</div>\n"
    )


def _chrome(page: Page) -> str:
    chrome = page.chrome
    labels = chrome.labels
    menu = " :: ".join(f'<a href="{link(url)}">{esc(label)}</a>' for _key, label, url in chrome.menu)
    years = "<br>\n".join(
        f"{year}: " + ", ".join(f'<a href="{link(url)}">{esc(name)}</a>' for name, url in cats)
        for year, cats in chrome.archive
    )
    entries = []
    for entry in chrome.calendar:
        title = esc(entry["title"])
        if entry.get("href"):
            title = f'<a href="{link(entry["href"])}">{title}</a>'
        entries.append(f"{esc(entry['date'])}<br>\n{title}")
    # No <br> after the last title: it runs straight into the next header.
    calendar = "\n" + "<br>\n".join(entries) if entries else "\n"
    videos = ""
    for video in chrome.videos:
        title = esc(video["title"])
        if video.get("href"):
            title = f'<a href="{link(video["href"])}">{title}</a>'
        videos += f"{title}<br>\n"
    return (
        '<center><a href="/index.php">'
        f'<img alt="Logotyp Knytpunkt" src="{page.root}{LOGO_SRC}" border="0"></a></center>\n'
        f"<center><b>\n{menu}\n</b></center>\n"
        f"<center><small>\n{years}\n</small></center>\n"
        '<div class="sido">\n'
        f"<b>{esc(labels['calendar_heading'])}</b><br>"
        f"{calendar}"
        f"<b>{esc(labels['videos_heading'])}</b><br>\n"
        f"{videos}"
        '<span class="spelare"></span><br>\n'
        f"{esc(labels['videos_more'])}\n"
        "</div>\n"
    )


def _document(page: Page, content: str, view: ArticleView | None = None) -> str:
    labels = page.chrome.labels
    meta = encodings.meta_tag(page.encoding)
    return (
        "<html>\n<head>\n" + (meta + "\n" if meta else "") + f"<title>{esc(page.doc_title)}</title>\n"
        "</head>\n"
        '<body bgcolor="#fdfcf7">\n' + _lightbox(view) + _chrome(page) + "<hr>\n"
        '<div class="mitt">\n' + content + "</div>\n<hr>\n"
        f"<center><small>{esc(labels['footer'])} :: "
        f'<a href="{link(page.chrome.admin_href)}">{esc(labels["login"])}</a></small></center>\n'
        "</body>\n</html>\n"
    )


def _publicerat(raw: str) -> str:
    return f'<span class="etikett">Publicerat:</span>&nbsp;<span class="datum">&nbsp;{esc(raw)} </span><br>\n'


def home(page: Page, entries: list[tuple[dict, str]]) -> str:
    parts = []
    for article, url in entries:
        parts.append(
            f'<a href="{link(url)}"><b>{esc(article["title"])}</b></a><br>\n'
            + _publicerat(article["published_raw"])
            + f"{br_lines(article['lead'])}<br>\n<br>\n"
        )
    return _document(page, "".join(parts))


def archive(page: Page, year: int, category: str, entries: list[ArchiveEntry]) -> str:
    parts = [f"<h3>Arkiv {year} – {esc(category)}</h3>\n"]
    for entry in entries:
        article = entry.article
        thumb = f'<img src="{link(entry.thumb)}" align="left" border="0">' if entry.thumb else ""
        credit = f'<span class="foto">{esc(entry.credit)}</span>' if entry.credit else ""
        parts.append(
            _publicerat(article["published_raw"])
            + f"Kommentarer [ {entry.comments} ]<br>\n"
            + f'{thumb}{credit}<a href="{link(entry.href)}">{esc(article["title"])}</a><br>\n'
            + f"{br_lines(article['lead'])}<br>\n<hr>\n"
        )
    if not entries:
        parts.append("Inga artiklar.<br>\n")
    return _document(page, "".join(parts))


def about(page: Page, about_content: dict) -> str:
    text = "<br>\n<br>\n".join(esc(p) for p in about_content["paragraphs"])
    return _document(page, f"<h3>{esc(about_content['title'])}</h3>\n{text}<br>\n")


def _comments(page: Page, article: dict) -> str:
    if article["comments"] is None:
        return ""
    labels = page.chrome.labels
    parts = [f"<b>{esc(labels['comments_heading'])}</b>\n<dl>\n"]
    for comment in article["comments"]:
        author, raw = esc(comment["author"]), esc(comment["posted_raw"])
        if comment["style"] == "skrev":
            head = f"{author} skrev {raw}:"
        elif comment["style"] == "skrivet_av":
            head = f"Skrivet av: {author}<br>\n{raw}"
        else:
            head = f"{author} | {raw}"
        text = "<br><br>\n".join(br_lines(p) for p in comment["text"].split("\n\n"))
        parts.append(f"<dt>{head}</dt>\n<dd>{text}</dd>\n")
    parts.append("</dl>\n")
    parts.append(
        f'<form method="post" action="/artiklar.php?id={article["id"]}">\n'
        f"<b>{esc(labels['comment_form_heading'])}</b><br>\n"
        f'{esc(labels["comment_form_name"])} <input type="text" name="namn"><br>\n'
        f'{esc(labels["comment_form_text"])}<br>\n<textarea name="kommentar" rows="5" cols="40"></textarea><br>\n'
        f'<input type="submit" value="{attr(labels["comment_form_submit"])}">\n'
        "</form>\n"
    )
    return "".join(parts)


def _inline_image(image: dict) -> str:
    parts = [f'<img src="{link(image["src"])}" border="0">']
    if image.get("credit"):
        parts.append(esc(image["credit"]))
    if image.get("caption"):
        parts.append(br_lines(image["caption"]))
    return "<br>\n".join(parts) + "<br>\n<br>\n"


def article(page: Page, view: ArticleView) -> str:
    art = view.article
    parts = [_publicerat(art["published_raw"]), "<br>\n"]
    if art["template"] == "modern":
        parts.append(f"<b>{esc(art['title'])}</b><br>\n")
        parts.append(f"<h3>{esc(art['title'])}</h3>\n")
        parts.append(f"{br_lines(art['lead'])}<br>\n<br>\n")
        if art.get("lead_image"):
            parts.append(f'<img src="{link(art["lead_image"])}" border="0"><br>\n')
        if art.get("credit"):
            parts.append(f"{esc(art['credit'])}<br>\n")
        if art.get("gallery_line"):
            parts.append(f"{esc(art['gallery_line'])}<br>\n")
            parts.append(
                " ".join(
                    f'<a href="{link(url)}"><img src="{link(src)}" border="0"></a>' for _k, url, src in view.thumbs
                )
                + "<br>\n"
            )
        parts.append("<br>\n&nbsp;\n")
        loose = "<br>\n".join(esc(loosen(line)) for line in lines(art["lead"]))
        parts.append(f"{loose}<br>\n<br>\n")
        for paragraph in art["body"]:
            parts.append(f"{esc(paragraph)}<br>\n<br>\n")
    else:
        parts.append(f"<h3>{esc(art['title'])}</h3>\n")
        parts.append(f"{br_lines(art['lead'])}<br>\n<br>\n")
        by_place: dict[int, list[dict]] = {}
        for image in art["images"]:
            by_place.setdefault(image.get("after_paragraph", 0), []).append(image)
        parts += [_inline_image(image) for image in by_place.get(0, [])]
        for i, paragraph in enumerate(art["body"], start=1):
            parts.append(f"{esc(paragraph)}<br>\n<br>\n")
            parts += [_inline_image(image) for image in by_place.get(i, [])]
        for place, images in by_place.items():
            if place > len(art["body"]):
                parts += [_inline_image(image) for image in images]
    parts.append(f'<a href="/index.php">{esc(page.chrome.labels["back"])}</a><br>\n<br>\n')
    parts.append(_comments(page, art))
    return _document(page, "".join(parts), view)


# -- the Video and Kalender sections ----------------------------------------------------------------------


def _text(text: str) -> str:
    return "".join(f"{esc(p)}<br>\n<br>\n" for p in text.split("\n\n"))


def video_list(page: Page, listing: VideoList) -> str:
    pager = listing.pager
    parts = [f"<h3>Video</h3>\nSida {pager.page} av {pager.pages}<br>\n<br>\n"]
    for entry in listing.entries:
        video = entry.video
        if entry.thumb:
            parts.append(f'<a href="{link(entry.href)}"><img src="{link(entry.thumb)}" align="left" border="0"></a>')
        if video["published_raw"]:
            parts.append(_publicerat(video["published_raw"]))
        parts.append(f'<a href="{link(entry.href)}"><b>{esc(video["title"])}</b></a><br>\n')
        if entry.teaser:
            parts.append(f"{esc(entry.teaser)}<br>\n")
        parts.append("<hr>\n")
    if pager.prev_href:
        parts.append(f'<a href="{link(pager.prev_href)}">« Föregående</a>\n')
    if pager.next_href:
        parts.append(f'<a href="{link(pager.next_href)}">Nästa sida »</a>\n')
    return _document(page, "".join(parts))


def video(page: Page, view: VideoView) -> str:
    v = view.video
    parts = []
    if v["published_raw"]:
        parts += [_publicerat(v["published_raw"]), "<br>\n"]
    parts.append(f"<h3>{esc(v['title'])}</h3>\n")
    if v["duration_raw"]:
        parts.append(f"Längd: {esc(v['duration_raw'])}<br>\n")
    parts.append("<center>" + player_html(v, lambda url: link(url), attr) + "</center>\n")
    if v["description"]:
        parts.append(_text(v["description"]))
    if view.article_href:
        parts.append(f'<a href="{link(view.article_href)}">Läs artikeln</a><br>\n')
    parts.append(f'<a href="{link(view.list_href)}">Tillbaka</a><br>\n<br>\n')
    return _document(page, "".join(parts))


def event_list(page: Page, listing: EventList) -> str:
    parts = ["<h3>Kalender</h3>\n"]
    for entry in listing.entries:
        title = esc(entry.event["title"])
        if entry.href:
            title = f'<a href="{link(entry.href)}">{title}</a>'
        parts.append(f"<b>{esc(entry.date_line)}</b><br>\n{title}<br>\n")
        if entry.teaser:
            parts.append(f"{esc(entry.teaser)}<br>\n")
        parts.append("<br>\n")
    pager = listing.pager
    numbers = [
        f"<b>{n}</b>" if n == pager.page else f'<a href="{link(url)}">{n}</a>'
        for n, url in enumerate(pager.hrefs, start=1)
    ]
    parts.append("Sida: " + " - ".join(numbers) + "<br>\n")
    return _document(page, "".join(parts))


def event(page: Page, view: EventView) -> str:
    e = view.event
    parts = [f"<b>{esc(h)}</b><br>\n" for h in view.headings]
    parts.append(f"<h3>{esc(e['title'])}</h3>\n")
    parts += [f"{esc(line)}<br>\n" for line in view.lines]
    if view.status_line:
        parts.append(f'<span style="color:red">{esc(view.status_line)}</span><br>\n')
    if e["location"]:
        parts.append(f"Plats: {esc(e['location'])}<br>\n")
    if e["organiser"]:
        parts.append(f"Arrangör: {esc(e['organiser'])}<br>\n")
    parts.append("<br>\n")
    if e["description"]:
        parts.append(_text(e["description"]))
    parts.append(f'<a href="{link(view.list_href)}">« Tillbaka till kalendern</a><br>\n<br>\n')
    return _document(page, "".join(parts))
