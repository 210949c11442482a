"""The "table" layout: HTML 4.01 Transitional of the early 2000s.

Nested <TABLE> layout, <font face=...>, upper-case tag names in places, named entities (&aring;
&auml; &ouml; &ndash; &copy; &nbsp; ...) in the chrome and the article text, raw ``&`` in links.
The article text (the repeated lead and the body; for old articles the lead, the body and the inline
pictures) sits in ONE <TD>, paragraphs separated by ``<br><br>``, lines within one by ``<br>``.

Gallery image K sits inside the lightbox <div> at the top of <body>, after the ``&times;`` link, in a
small table: the <IMG>, then the credit (<font size="1">), then the caption lines (<font size="2">,
lines joined by <br>). Credit before caption, as under the old inline pictures.
"""

from __future__ import annotations

from html.entities import codepoint2name

from knytscrape.mirror import encodings
from knytscrape.mirror.model import LOGO_SRC, OVERLAY_STYLE, ArchiveEntry, ArticleView
from knytscrape.mirror.sections import EventList, EventView, VideoList, VideoView, rooted
from knytscrape.mirror.templates.common import Page, esc, lines, loosen, player_html

DOCTYPE = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">'
FONT = '<font face="Verdana, Arial, Helvetica, sans-serif" size="2">'
SMALL = '<font face="Verdana, Arial, Helvetica, sans-serif" size="1">'


def ent(text: str) -> str:
    """Escape, then write every non-ASCII character that has a named entity as that entity."""
    out = []
    for ch in esc(text):
        name = codepoint2name.get(ord(ch)) if ord(ch) > 127 else None
        out.append(f"&{name};" if name else ch)
    return "".join(out)


def href(url: str) -> str:
    """Links are written as the old site did: unescaped ``&``, double quotes escaped only."""
    return url.replace('"', "%22")


def _br(text: str, conv=ent) -> str:
    return "<br>\n".join(conv(line) for line in lines(text))


def _lightbox(view: ArticleView | None) -> str:
    inner = ""
    if view is not None and view.lightbox is not None:
        image = view.lightbox
        rows = [f'<TR><TD align="center"><IMG SRC="{href(image["src"])}" border="0"></TD></TR>']
        text = []
        if image.get("credit"):
            text.append(f'<font face="Verdana" size="1" color="#CCCCCC">{ent(image["credit"])}</font>')
        if image.get("caption"):
            text.append(f'<font face="Verdana" size="2" color="#FFFFFF">{_br(image["caption"])}</font>')
        if text:
            rows.append("<TR><TD>" + "<br>\n".join(text) + "</TD></TR>")
        inner = '<TABLE align="center" border="0" cellpadding="4">\n' + "\n".join(rows) + "\n</TABLE>\n"
    return (
        f'<div id="ljus" style="{OVERLAY_STYLE}">'
        '<a href="javascript:stang()"><font face="Arial" size="5" color="#FFFFFF">&times;</font></a>\n'
        f"{inner}</div>\n"
    )


def _chrome_top(page: Page) -> str:
    chrome = page.chrome
    menu = "&nbsp;|&nbsp;".join(
        f'<a href="{href(url)}"><font color="#FFFFFF">{ent(label)}</font></a>' for _key, label, url in chrome.menu
    )
    years = []
    for year, cats in chrome.archive:
        links = " ".join(f'<a href="{href(url)}">{ent(name)}</a>' for name, url in cats)
        years.append(f"<b>{year}</b>&nbsp;{links}")
    return (
        '<TABLE width="960" border="0" cellspacing="0" cellpadding="0" align="center">\n'
        f'<TR><TD colspan="2"><a href="{page.root}index.php">'
        f'<IMG SRC="{page.root}{LOGO_SRC}" alt="Logotyp Knytpunkt" border="0" width="160" height="40"></a></TD></TR>\n'
        '<TR><TD colspan="2" bgcolor="#2B3A4A" height="24">'
        '<font face="Verdana, Arial, Helvetica, sans-serif" size="2" color="#FFFFFF">&nbsp;'
        f"{menu}</font></TD></TR>\n"
        f'<TR><TD colspan="2">{SMALL}Arkiv:&nbsp; ' + " &nbsp;\n".join(years) + "</font></TD></TR>\n"
    )


def _sidebar(page: Page) -> str:
    labels = page.chrome.labels
    calendar = []
    for entry in page.chrome.calendar:
        title = ent(entry["title"])
        if entry.get("href"):
            title = f'<a href="{href(entry["href"])}">{title}</a>'
        calendar.append(f'<font size="1">{esc(entry["date"])}</font><br>\n{title}<br><br>')
    videos = []
    for video in page.chrome.videos:
        title = ent(video["title"])
        if video.get("href"):
            title = f'<a href="{href(video["href"])}">{title}</a>'
        videos.append(f"<tr><td>{SMALL}{title}</font></td></tr>")
    return (
        '<TD width="210" valign="top" bgcolor="#EEEEEE">\n'
        '<table width="100%" border="0" cellpadding="4" cellspacing="0"><tr><td>'
        f"{FONT}<b>{ent(labels['calendar_heading'])}</b><br>\n" + "\n".join(calendar) + "</font></td></tr></table>\n"
        '<table width="100%" border="0" cellpadding="4" cellspacing="0">\n'
        f"<tr><td>{FONT}<b>{ent(labels['videos_heading'])}</b></font></td></tr>\n"
        + "\n".join(videos)
        + '\n<tr><td><OBJECT width="200" height="150" class="spelare"></OBJECT></td></tr>\n'
        f"<tr><td>{SMALL}{ent(labels['videos_more'])}</font></td></tr>\n"
        "</table>\n"
        "</TD>\n"
    )


def _document(page: Page, content: str, view: ArticleView | None = None) -> str:
    labels = page.chrome.labels
    meta = encodings.meta_tag(page.encoding)
    return (
        DOCTYPE + "\n<HTML>\n<HEAD>\n" + (meta + "\n" if meta else "") + f"<TITLE>{esc(page.doc_title)}</TITLE>\n"
        '<script type="text/javascript">\n'
        "function stang() { document.getElementById('ljus').style.display = 'none'; }\n"
        "</script>\n"
        "</HEAD>\n"
        '<BODY bgcolor="#FFFFFF" text="#000000" link="#003366" vlink="#003366" leftmargin="0" topmargin="0">\n'
        + _lightbox(view)
        + _chrome_top(page)
        + "<TR>\n"
        + _sidebar(page)
        + '<TD valign="top" width="750">\n'
        + content
        + "</TD>\n</TR>\n"
        f'<TR><TD colspan="2" align="center">{SMALL}{ent(labels["footer"])} | '
        f'<a href="{href(page.chrome.admin_href)}">{ent(labels["login"])}</a></font></TD></TR>\n'
        "</TABLE>\n</BODY>\n</HTML>\n"
    )


def _publicerat(raw: str) -> str:
    return f"{SMALL}Publicerat:&nbsp;{esc(raw)}&nbsp;&nbsp;</font>"


def home(page: Page, entries: list[tuple[dict, str]]) -> str:
    rows = []
    for article, url in entries:
        rows.append(
            f"<TR><TD>{_publicerat(article['published_raw'])}<br>\n"
            f'<a href="{href(url)}"><font face="Georgia, Times" size="4">'
            f"<b>{esc(article['title'])}</b></font></a><br>\n"
            f"{FONT}{_br(article['lead'])}</font></TD></TR>\n"
            '<TR><TD><hr size="1" noshade></TD></TR>\n'
        )
    return _document(
        page, '<TABLE width="100%" border="0" cellpadding="6" cellspacing="0">\n' + "".join(rows) + "</TABLE>\n"
    )


def archive(page: Page, year: int, category: str, entries: list[ArchiveEntry]) -> str:
    rows = [f'<TR><TD><font face="Georgia" size="5">Arkiv {year} &ndash; {ent(category)}</font></TD></TR>\n']
    for entry in entries:
        article = entry.article
        thumb = f'<IMG SRC="{href(entry.thumb)}" align="left" border="0" hspace="4">' if entry.thumb else ""
        credit = f'<font size="1">{ent(entry.credit)}</font>&nbsp;' if entry.credit else ""
        rows.append(
            f"<TR><TD>{_publicerat(article['published_raw'])}<br>\n"
            f"{SMALL}Kommentarer [ {entry.comments} ]</font><br>\n"
            f'{thumb}{credit}<a href="{href(entry.href)}"><b>{esc(article["title"])}</b></a><br>\n'
            f"{FONT}{_br(article['lead'])}</font></TD></TR>\n"
        )
    if not entries:
        rows.append(f"<TR><TD>{FONT}Inga artiklar.</font></TD></TR>\n")
    return _document(
        page, '<TABLE width="100%" border="0" cellpadding="6" cellspacing="0">\n' + "".join(rows) + "</TABLE>\n"
    )


def about(page: Page, about_content: dict) -> str:
    text = "<br><br>\n".join(ent(p) for p in about_content["paragraphs"])
    return _document(
        page,
        '<TABLE width="100%" border="0" cellpadding="6"><TR><TD>'
        f'<font face="Georgia" size="5">{ent(about_content["title"])}</font></TD></TR>\n'
        f"<TR><TD>{FONT}{text}</font></TD></TR></TABLE>\n",
    )


def _comments(page: Page, article: dict) -> str:
    if article["comments"] is None:
        return ""
    labels = page.chrome.labels
    rows = [f'<TR><TD bgcolor="#DDDDDD">{FONT}<b>{esc(labels["comments_heading"])}</b></font></TD></TR>\n']
    for comment in article["comments"]:
        author, raw = esc(comment["author"]), esc(comment["posted_raw"])
        if comment["style"] == "skrev":
            head = f"<b>{author}</b> skrev {raw}:"
        elif comment["style"] == "skrivet_av":
            head = f"Skrivet av: <b>{author}</b><br>\n{raw}"
        else:
            head = f"<b>{author}</b> | {raw}"
        text = "<br><br>\n".join(_br(p, esc) for p in comment["text"].split("\n\n"))
        rows.append(f"<TR><TD>{SMALL}{head}</font><br>\n{FONT}{text}</font></TD></TR>\n")
    rows.append(
        f'<TR><TD><form method="post" action="artiklar.php?id={article["id"]}">'
        f"{FONT}<b>{ent(labels['comment_form_heading'])}</b><br>\n"
        f'{ent(labels["comment_form_name"])}<br><input type="text" name="namn" size="30"><br>\n'
        f'{ent(labels["comment_form_email"])}<br><input type="text" name="epost" size="30"><br>\n'
        f'{ent(labels["comment_form_text"])}<br><textarea name="kommentar" rows="5" cols="40"></textarea><br>\n'
        f'<input type="submit" name="skicka" value="{esc(labels["comment_form_submit"])}"></font></form></TD></TR>\n'
    )
    return '<TABLE width="100%" border="0" cellpadding="4" cellspacing="0">\n' + "".join(rows) + "</TABLE>\n"


def _inline_image(image: dict) -> str:
    parts = [f'<IMG SRC="{href(image["src"])}" border="0">']
    if image.get("credit"):
        parts.append(f'<font size="1">{ent(image["credit"])}</font>')
    if image.get("caption"):
        parts.append(f"<i>{_br(image['caption'])}</i>")
    return "<br>\n".join(parts)


def article(page: Page, view: ArticleView) -> str:
    art = view.article
    rows = [f"<TR><TD>{_publicerat(art['published_raw'])}</TD></TR>\n"]
    rows.append(f'<TR><TD><font face="Georgia, Times" size="5"><b>{esc(art["title"])}</b></font></TD></TR>\n')
    if art["template"] == "modern":
        rows.append(f"<TR><TD>{FONT}<b>{esc(art['title'])}</b></font></TD></TR>\n")
        rows.append(f"<TR><TD>{FONT}<i>{_br(art['lead'])}</i></font></TD></TR>\n")
        picture = []
        if art.get("lead_image"):
            picture.append(f'<IMG SRC="{href(art["lead_image"])}" border="0" width="480">')
        if art.get("credit"):
            picture.append(f"{SMALL}{ent(art['credit'])}</font>")
        if picture:
            rows.append("<TR><TD>" + "<br>\n".join(picture) + "</TD></TR>\n")
        if art.get("gallery_line"):
            thumbs = "\n".join(
                f'<a href="{href(url)}"><IMG SRC="{href(src)}" border="0" width="16" height="12" alt=""></a>'
                for _k, url, src in view.thumbs
            )
            rows.append(f"<TR><TD>{FONT}{ent(art['gallery_line'])}</font><br>\n{thumbs}</TD></TR>\n")
        texts = ["&nbsp;" + "<br>\n".join(ent(loosen(line)) for line in lines(art["lead"]))]
        texts += [ent(p) for p in art["body"]]
    else:
        by_place: dict[int, list[dict]] = {}
        for image in art["images"]:
            by_place.setdefault(image.get("after_paragraph", 0), []).append(image)
        texts = [_br(art["lead"])]
        texts += [_inline_image(image) for image in by_place.get(0, [])]
        for i, paragraph in enumerate(art["body"], start=1):
            texts.append(ent(paragraph))
            texts += [_inline_image(image) for image in by_place.get(i, [])]
        for place, images in by_place.items():
            if place > len(art["body"]):
                texts += [_inline_image(image) for image in images]
    rows.append('<TR><TD><font face="Georgia, Times" size="3">\n' + "<br><br>\n".join(texts) + "\n</font></TD></TR>\n")
    rows.append(f'<TR><TD>{FONT}<a href="index.php">{ent(page.chrome.labels["back"])}</a></font></TD></TR>\n')
    content = (
        '<TABLE width="100%" border="0" cellpadding="6" cellspacing="0">\n'
        + "".join(rows)
        + "</TABLE>\n"
        + _comments(page, art)
    )
    return _document(page, content, view)


# -- the Video and Kalender sections ----------------------------------------------------------------------

TITLE_FONT = '<font face="Georgia, Times" size="5">'
TEXT_FONT = '<font face="Georgia, Times" size="3">'


def _table(rows: list[str]) -> str:
    return '<TABLE width="100%" border="0" cellpadding="6" cellspacing="0">\n' + "".join(rows) + "</TABLE>\n"


def _text(text: str) -> str:
    """Paragraphs separated by <br><br>, in ONE cell."""
    return "<br><br>\n".join(_br(p) for p in text.split("\n\n"))


def video_list(page: Page, listing: VideoList) -> str:
    pager = listing.pager
    rows = [f"<TR><TD>{TITLE_FONT}Video</font>&nbsp;{SMALL}(sida {pager.page} av {pager.pages})</font></TD></TR>\n"]
    for entry in listing.entries:
        video = entry.video
        cell = []
        if entry.thumb:
            image = f'<IMG SRC="{href(entry.thumb)}" align="left" border="0" hspace="4">'
            cell.append(f'<a href="{href(entry.href)}">{image}</a>')
        if video["published_raw"]:
            cell.append(_publicerat(video["published_raw"]) + "<br>\n")
        cell.append(f'<a href="{href(entry.href)}"><b>{esc(video["title"])}</b></a><br>\n')
        if entry.teaser:
            cell.append(f"{FONT}{ent(entry.teaser)}</font>")
        rows.append("<TR><TD>" + "".join(cell) + "</TD></TR>\n")
        rows.append('<TR><TD><hr size="1" noshade></TD></TR>\n')
    links = []
    if pager.prev_href:
        links.append(f'<a href="{href(pager.prev_href)}">&laquo; F&ouml;reg&aring;ende</a>')
    if pager.next_href:
        links.append(f'<a href="{href(pager.next_href)}">N&auml;sta sida &raquo;</a>')
    rows.append(f'<TR><TD align="center">{FONT}{" &nbsp; ".join(links)}</font></TD></TR>\n')
    return _document(page, _table(rows))


def video(page: Page, view: VideoView) -> str:
    v = view.video
    rows = []
    if v["published_raw"]:
        rows.append(f"<TR><TD>{_publicerat(v['published_raw'])}</TD></TR>\n")
    rows.append(f"<TR><TD>{TITLE_FONT}<b>{esc(v['title'])}</b></font></TD></TR>\n")
    player = player_html(v, lambda url: rooted(url, page.root), href, upper=True)
    rows.append(f'<TR><TD align="center">\n{player}\n</TD></TR>\n')
    if v["duration_raw"]:
        rows.append(f"<TR><TD>{SMALL}{ent('Längd:')} {esc(v['duration_raw'])}</font></TD></TR>\n")
    if v["description"]:
        rows.append(f"<TR><TD>{TEXT_FONT}\n{_text(v['description'])}\n</font></TD></TR>\n")
    links = []
    if view.article_href:
        links.append(f'<a href="{href(view.article_href)}">{ent("Läs artikeln")}</a>')
    links.append(f'<a href="{href(view.list_href)}">Tillbaka</a>')
    rows.append(f"<TR><TD>{FONT}{' | '.join(links)}</font></TD></TR>\n")
    return _document(page, _table(rows))


def event_list(page: Page, listing: EventList) -> str:
    rows = [f"<TR><TD>{TITLE_FONT}Kalender</font></TD></TR>\n"]
    for entry in listing.entries:
        title = f"<b>{esc(entry.event['title'])}</b>"
        if entry.href:
            title = f'<a href="{href(entry.href)}">{title}</a>'
        teaser = f"<br>\n{FONT}{ent(entry.teaser)}</font>" if entry.teaser else ""
        rows.append(f"<TR><TD>{SMALL}{esc(entry.date_line)}</font><br>\n{title}{teaser}</TD></TR>\n")
    pager = listing.pager
    numbers = [
        f"<b>[{n}]</b>" if n == pager.page else f'<a href="{href(url)}">{n}</a>'
        for n, url in enumerate(pager.hrefs, start=1)
    ]
    rows.append(f'<TR><TD align="center">{FONT}Sida:&nbsp;{"&nbsp;".join(numbers)}</font></TD></TR>\n')
    return _document(page, _table(rows))


def event(page: Page, view: EventView) -> str:
    e = view.event
    rows = [f"<TR><TD>{FONT}<b>{ent(h)}</b></font></TD></TR>\n" for h in view.headings]
    rows.append(f"<TR><TD>{TITLE_FONT}<b>{esc(e['title'])}</b></font></TD></TR>\n")
    rows.append(f"<TR><TD>{FONT}" + "<br>\n".join(ent(line) for line in view.lines) + "</font></TD></TR>\n")
    if view.status_line:
        rows.append(f'<TR><TD>{FONT}<font color="#CC0000"><b>{ent(view.status_line)}</b></font></font></TD></TR>\n')
    facts = []
    if e["location"]:
        facts.append(f"<b>Plats:</b> {ent(e['location'])}")
    if e["organiser"]:
        facts.append(f"<b>{ent('Arrangör:')}</b> {ent(e['organiser'])}")
    if facts:
        rows.append(f"<TR><TD>{FONT}" + "<br>\n".join(facts) + "</font></TD></TR>\n")
    if e["description"]:
        rows.append(f"<TR><TD>{TEXT_FONT}\n{_text(e['description'])}\n</font></TD></TR>\n")
    back = f'<a href="{href(view.list_href)}">&laquo; Tillbaka till kalendern</a>'
    rows.append(f"<TR><TD>{FONT}{back}</font></TD></TR>\n")
    return _document(page, _table(rows))
