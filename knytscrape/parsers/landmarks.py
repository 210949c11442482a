"""The visible text landmarks of the site, each named once.

Every pattern matches one cleaned line of the text flow (NBSP already folded to spaces). They come from
what is known of the site (docs/site.md); none depends on markup.
"""

from __future__ import annotations

import re

# "Publicerat: 2017-10-29" – the only source of an article's date. The date may also sit on the next
# line when label and value are separate elements.
PUBLISHED = re.compile(r"^Publicerat\s*:\s*(?P<raw>.*)$", re.IGNORECASE)
# The date line as other templates may print it: "Publicerad: ...", "Publicerat den 3 maj 2016", "Publ. 2016-05-03"
# (only where the page has no "Publicerat:" line)
PUBLISHED_LOOSE = re.compile(
    r"^(?:Publicera[dt]|Publ\.)\s*(?:den\s+)?:?\s*(?P<raw>(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s+[a-zåäö]+\.?\s+\d{4}"
    r"|\d{1,2}/\d{1,2}[ -/]\d{2,4}|\d{1,2}\.\d{1,2}\.\d{4})(?:,?\s+(?:kl\.?\s*)?\d{1,2}[.:]\d{2})?)\s*$", re.IGNORECASE)
# The leading date-like part of what follows "Publicerat:", when more text runs on after it.
PUBLISHED_VALUE = re.compile(r"^(?P<raw>\d{2,4}\s*-\s*\d{1,2}\s*-\s*\d{1,2}"
                             r"(?:,?\s+(?:kl\.?\s*)?\d{1,2}[.:]\d{2}(?!\d))?)(?:\s+(?P<rest>.+))?$")

# "© 2018 Johan Gullberg - knytpunkt.com" and its variants: "©2018 …", "©2018 - Johan …",
# "© Johan …" (no year) and the broken entity "©copy;2018 …". The year, when there, is the photo's.
CREDIT = re.compile(
    r"^(?:©|&copy;|\(c\))\s*(?:copy;)?\s*(?P<year>(?:19|20)\d{2})?\s*-?\s*(?P<who>[^©]*?\S)\s*$",
    re.IGNORECASE,
)
# Archive entries print the thumbnail credit and the title on one line: split after the host name.
CREDIT_THEN_TEXT = re.compile(
    r"^(?P<credit>(?:©|&copy;)\s*(?:copy;)?[^©]*?knytpunkt\.(?:se|com))\s+(?P<rest>\S.*)$", re.IGNORECASE
)

# "12 Klickbara bilder.", "1 Klickbar bild.", "12 Klickbara bilder från första dagen.",
# "12 Osorterade klickbara bilder."
GALLERY = re.compile(r"^(?P<count>\d{1,4})\s+(?:\w+\s+)?klickbara?\s+bild(?:er)?\b.*$", re.IGNORECASE)

# "« Föregående", "Nästa bild »", "Sista bilden", "Bild 3 av 12", "‹ Föregående 6 / 17 Nästa ›": a gallery's navigation
# as text (its links may be elsewhere), made only of these words, arrows and the counter
GALLERY_NAV = re.compile(
    r"^[«»‹›<>|\s]*(?:(?:(?:första|sista|föregående|förra|nästa)(?:\s+bild(?:en)?)?"
    r"|(?:bild\s+)?\d{1,4}\s*(?:av|/)\s*\d{1,4})[«»‹›<>|\s]*)+$", re.IGNORECASE)

BACK = re.compile(r"^[«<\s]*Tillbaka[.!]?[\s»>]*$", re.IGNORECASE)
# A link back to a section's list: "« Alla videor", "← Alla evenemang", "Till listan" (as a link, it ends the text)
BACK_TO_LIST = re.compile(r"^[«‹←<\s]*(?:Alla\s+(?:videor|videos|filmer|evenemang|artiklar|nyheter)|Till\s+listan"
                          r"|Tillbaka\s+till\s+(?:listan|videorna|filmerna|kalendern|evenemangen|nyheterna))"
                          r"\s*[»›]?$", re.IGNORECASE)
# "Kommentarer:", also with the count the archive prints: "Kommentarer (2)", "Kommentarer [ 1 ]"
COMMENTS_HEADER = re.compile(r"^Kommentarer\s*(?:[:(\[]\s*\d*\s*[)\]]?\s*:?)?\s*$", re.IGNORECASE)
# Archive pages: "Kommentarer [ 3 ]"
COMMENT_COUNT = re.compile(r"Kommentarer\s*\[\s*(?P<count>\d+)\s*\]", re.IGNORECASE)
COMMENT_FORM = re.compile(r"^Lämna\s+(?:en\s+)?kommentar", re.IGNORECASE)
NO_COMMENTS = re.compile(r"^(?:Inga|Det finns inga)\s+kommentarer", re.IGNORECASE)

# Page chrome: where content stops when the sidebars follow it in source order.
# -- the zones around an article's text -------------------------------------------------------------
# Header lines that are not the title: an updated line, a byline, a counter, or a row of such joined by "|"
UPDATED = re.compile(r"^(?:Senast\s+)?(?:Uppdaterad|Uppdaterat|Ändrad)\s*:?\s*(?:den\s+)?\d", re.IGNORECASE)
BYLINE = re.compile(r"^(?i:(?:från\s+[\w.]+\s+)?av|skriven\s+av|skrivet\s+av|publicerad\s+av|text(?:\s+och\s+foto)?"
                    r"|författare)\s*:?\s+"
                    r"[A-ZÅÄÖ][\w-]+(?:\s+[A-ZÅÄÖ][\w-]+){0,3}$")
# "Läsningstid: 3 min", "3 min läsning", "2 minuters läsning"
READING_TIME = re.compile(r"^(?:(?:Läsningstid|Lästid)\s*:?\s*(?:ca\.?\s*)?\d+\s*min\w*\.?"
                          r"|(?:ca\.?\s*)?\d+\s*min(?:uters?)?\.?\s+(?:läsning|lästid))$", re.IGNORECASE)
# The word of a byline alone on its line, its name a link on the next: "Av" / "Johan Gullberg"
BY_WORD = re.compile(r"^(?:Av|Text|Foto|Text\s+och\s+foto|Skriven\s+av|Publicerad\s+av)\s*:?$", re.IGNORECASE)
COUNTER = re.compile(r"^(?:(?:Visningar|Visad|Läst|Träffar|Antal\s+visningar)\s*:?\s*\d[\d\s]*(?:\s*gånger)?"
                     r"|\d+\s+kommentar(?:er)?|Inga\s+kommentarer|Kommentera"
                     r"|\(?\d+\s+(?:röster|röst|visningar|läsare)\)?)$", re.IGNORECASE)
# A page's tools and widgets above the text: text size, listen, rate, a table of contents' label
PAGE_TOOLS = re.compile(r"^(?:(?:Textstorlek|Teckenstorlek|Lyssna|Läs\s+upp|Betygsätt|Betyg|Föreslå\s+ändring)\b.{0,50}"
                        r"|Innehåll|Innehållsförteckning|I\s+den\s+här\s+artikeln)\s*:?$", re.IGNORECASE)
# Where the article's text ends: a share or print row ("Dela: Facebook · Twitter", "Skriv ut"), or the label of a
# list of other articles standing alone ("Läs också:"; "Läs också: <title>" in one line is the author's text)
SHARE_ROW = re.compile(r"^(?:(?:Dela|Tipsa(?:\s+en\s+vän)?|Skriv\s+ut|Kopiera\s+länk)\s*:?"
                       r"|Dela\s+(?:på|via)\s+(?:Facebook|Twitter|X|LinkedIn|e-post|mejl|mail)\b.*"
                       r"|(?:Dela|Tipsa(?:\s+en\s+vän)?)\s*:\s*.*(?:Facebook|Twitter|e-post|mejl).*)$", re.IGNORECASE)
LIST_LABEL = re.compile(r"^(?:Läs\s+också|Läs\s+även|Relaterade(?:\s+(?:artiklar|nyheter|länkar|videor|inlägg))?"
                        r"|Fler\s+(?:nyheter|artiklar)"
                        r"|Mest\s+lästa)\s*[:.!»]?$", re.IGNORECASE)


# A list of the article's tags: "Taggar:", "Etiketter: miljö, Svartån", "Kategorier:"
TAGS_LABEL = re.compile(r"^(?:Taggar|Etiketter|Nyckelord|Ämnesord|Kategorier)\s*:", re.IGNORECASE)


def is_after_body(text: str) -> bool:
    return len(text) <= 80 and bool(SHARE_ROW.match(text) or LIST_LABEL.match(text) or TAGS_LABEL.match(text))


# A picture viewer's buttons: share or download the picture
VIEW_ACTIONS = re.compile(r"Dela\s+(?:bilden\s+)?(?:på|via)\s+(?:Facebook|Twitter|X\b)|Ladda\s+ner\s+bilden",
                          re.IGNORECASE)
ADVERT = re.compile(r"^(?:Annons|Annonser|Reklam|Sponsrat(?:\s+innehåll)?)\s*:?$", re.IGNORECASE)


def is_header_meta(text: str) -> bool:
    """A line of the article's header that is not its title (nor lead): updated, byline, counters."""
    parts = [part.strip() for part in re.split(r"\s*[|·•]\s*", text.strip()) if part.strip()]
    return bool(parts) and all(UPDATED.match(p) or BYLINE.match(p) or COUNTER.match(p) or READING_TIME.match(p)
                               for p in parts)


# What a "not found" page says, in its heading or first lines: never an article, whatever else it shows.
NOT_FOUND = re.compile(
    r"^(?:404\b.{0,60}|(?:Sidan|Artikeln|Nyheten|Videon|Filmen|Evenemanget)\b.{0,30}?\b(?:kunde\s+inte\s+hittas"
    r"|hittades\s+inte|finns\s+inte(?:\s+längre)?|saknas)\b.{0,80})$", re.IGNORECASE)
CALENDAR_HEADER = re.compile(r"^I Kalendern\s*:", re.IGNORECASE)
VIDEO_HEADER = re.compile(r"^De senaste \d+ videona", re.IGNORECASE)
VIDEO_HEADER_ANYWHERE = re.compile(r"De senaste \d+ videona", re.IGNORECASE)
VIDEO_MORE = re.compile(r"^Du hitter fler videos", re.IGNORECASE)
CHROME = (CALENDAR_HEADER, VIDEO_HEADER, VIDEO_MORE)

# Menu entries of the two sections whose URLs are unknown: found by their label.
VIDEO_MENU = re.compile(r"^(?:Video|Videos|Videor|Filmer|Film)$", re.IGNORECASE)
CALENDAR_MENU = re.compile(r"^(?:Kalender|Kalendern|Kalendarium)$", re.IGNORECASE)
CALENDAR_MENU_FALLBACK = re.compile(r"^(?:Evenemang|På gång|Händelser)$", re.IGNORECASE)  # also archive categories

LOGO_ALT = re.compile(r"Logotyp\s+Knytpunkt", re.IGNORECASE)
CLOSE_BUTTON = re.compile(r"^[×xX✕]$")
# The lightbox overlay leaks into text copies as background-image:URL(bilder/black.png).
OVERLAY_IMAGE = re.compile(r"/black\.(?:png|gif|jpe?g)$", re.IGNORECASE)

# A Swedish month name, full or abbreviated ("maj", "okt.", "oktober"), as dates print it.
MONTH_NAME = r"(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zåäö]*\.?"



def is_chrome(text: str) -> bool:
    return any(pattern.match(text) for pattern in CHROME)


def split_published(raw: str | None) -> tuple[str | None, str | None]:
    """The date text after ``Publicerat:`` and any other text that ran on after it on the same line.

    ``"2016-12-03 Kommentarer [ 2 ]"`` -> ``("2016-12-03", None)`` (a comment count is not content);
    ``"2016-12-03 Vårens budget."`` -> ``("2016-12-03", "Vårens budget.")``. A value that does not look
    like a date is kept whole as the raw text.
    """
    raw = (raw or "").strip()
    if not raw:
        return None, None
    match = PUBLISHED_VALUE.match(raw)
    if not match or not match.group("rest"):
        return raw, None
    rest = COMMENT_COUNT.sub("", match.group("rest")).strip()
    return match.group("raw"), rest or None
