"""Deterministic generated articles for benchmarks (``extra_articles=N``).

They follow the modern template (gallery, credits, comments), get ids above the content file's
highest id and dates after its newest article, packed into the rest of 2025 (several a day when N is
large), so they sit in the 2025 archive of their category. Article i is generated from its own
seeded random generator: the same N always gives the same articles.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")
WINDOW_END = date(2025, 11, 15)

SUBJECTS = [
    "Vårmarknaden",
    "Loppmarknaden",
    "Bokcirkeln",
    "Körkonserten",
    "Konstutställningen",
    "Seniorträffen",
    "Cykelverkstaden",
    "Trygghetsvandringen",
    "Medborgardialogen",
    "Stadsvandringen",
    "Filmkvällen",
    "Schackturneringen",
    "Poesikvällen",
    "Dansuppvisningen",
    "Skräpplockardagen",
]
PLACES = [
    "på Stortorget",
    "i Stadsparken",
    "på Järntorget",
    "vid Svartån",
    "i Wadköping",
    "i Medborgarhuset",
    "på Väster",
    "i Vivalla",
    "i Brickebacken",
    "på Norr",
    "vid slottet",
    "i Adolfsberg",
    "i Rynningeviken",
    "i Oset",
]
OUTCOMES = [
    "lockade många besökare",
    "samlade hela stadsdelen",
    "blev en succé",
    "drog fullt hus",
    "bjöd på överraskningar",
    "fick fler deltagare än väntat",
]
WEEKDAYS = ["måndagen", "tisdagen", "onsdagen", "torsdagen", "fredagen", "lördagen", "söndagen"]
FIRST = ["Anna", "Erik", "Maja", "Lars", "Fatima", "Jonas", "Åsa", "Örjan", "Ingrid", "Ali", "Sofia", "Per"]
LAST = ["Berg", "Lind", "Öberg", "Holm", "Åström", "Karlsson", "Yilmaz", "Nyström", "Ek", "Sjögren"]
SENTENCES = [
    "Arrangörerna hade förberett sig i flera månader, och det märktes.",
    "Kommunen stod för lokalen och föreningarna för programmet.",
    "Många hade tagit med sig hela familjen, och kön till fikat var lång.",
    "Vädret var växlande, men det verkade inte bekymra någon.",
    "Programmet pågick mellan 10.00 och 16.00 och var gratis för alla.",
    "Nästa år vill arrangörerna flytta evenemanget till en större plats.",
    "Flera politiker från kommunfullmäktige var på plats och lyssnade.",
    "Intresset var stort även bland de yngre besökarna.",
]
SUBHEADINGS = ["Fortsättning följer.", "Fler träffar i höst.", "Stort intresse.", "Nytt för i år."]
QUOTES = [
    "Det här är precis vad stadsdelen behöver",
    "Vi hade aldrig räknat med så många besökare",
    "Det är roligt att se att folk bryr sig",
    "Vi kommer absolut tillbaka nästa år",
]
CAPTIONS = [
    "Besökare i solskenet.",
    "Arrangörerna samlade.",
    "Kö till fikat.",
    "Barnens hörna.",
    "Utsikt över platsen.",
    "Musik på scenen.",
    "Samtal vid borden.",
    "Dagens sista timme.",
]
COMMENTS = [
    "Vilken fin dag det var!",
    "Synd att jag missade det. Blir det fler tillfällen?",
    "Tack för bilderna.",
    "Bra initiativ.\n\nMer sådant i stan, tack.",
    "Det var lite trångt, men annars toppen.",
]
GALLERY_FORMS = ["{n} Klickbara bilder.", "{n} klickbara bilder.", "{n} Osorterade klickbara bilder."]


def _variant(article_id: int) -> tuple[str, str]:
    if article_id % 10 == 3:
        return "table", "latin1"
    if article_id % 10 == 7:
        return "flat", "cp1252-meta"
    return "div", "utf8"


def _article(article_id: int, day: date) -> dict:
    rng = random.Random(f"knytpunkt-synthetic-{article_id}")
    year = day.year
    subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
    title = f"{subject} {place} {rng.choice(OUTCOMES)}"
    if rng.random() < 0.85:
        title += "."
    lead = f"{subject} {place} {rng.choice(OUTCOMES)} på {rng.choice(WEEKDAYS)}. {rng.choice(SENTENCES)}"
    credit = rng.choice(
        [
            f"© {year} Johan Gullberg - knytpunkt.se",
            f"© {year} Johan Gullberg - knytpunkt.com",
            f"©{year} Johan Gullberg - knytpunkt.se",
        ]
    )
    body = rng.sample(SENTENCES, rng.randint(1, 3))
    if rng.random() < 0.5:
        body.insert(1, rng.choice(SUBHEADINGS))
    who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    body.append(f"- {rng.choice(QUOTES)}, sa {who}.")

    n = rng.randint(1, 8)
    gallery_line = "1 Klickbar bild." if n == 1 else rng.choice(GALLERY_FORMS).format(n=n)
    images = []
    for k in range(1, n + 1):
        images.append(
            {
                "src": f"bilder/{year}/{article_id}_{k}.jpg",
                "caption": rng.choice(CAPTIONS) if rng.random() < 0.85 else None,
                "credit": credit if rng.random() < 0.9 else None,
            }
        )

    comments = None
    if rng.random() < 0.7:
        comments = []
        moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)
        for _ in range(rng.randint(0, 4)):
            moment += timedelta(minutes=rng.randint(7, 900))
            raw = moment.strftime("%Y-%m-%d %H:%M")
            comments.append(
                {
                    "author": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "posted_raw": raw,
                    "posted": datetime.strptime(raw, "%Y-%m-%d %H:%M").replace(tzinfo=TZ).isoformat(),
                    "text": rng.choice(COMMENTS),
                    "style": "skrev",
                }
            )

    layout, encoding = _variant(article_id)
    return {
        "id": article_id,
        "category": rng.randint(1, 4),
        "published": day.isoformat(),
        "published_raw": day.isoformat(),
        "template": "modern",
        "title": title,
        "lead": lead,
        "lead_image": f"bilder/{year}/{article_id}_0.jpg",
        "credit": credit,
        "gallery_line": gallery_line,
        "image_count": n,
        "body": body,
        "images": images,
        "comments": comments,
        "in_archive": True,
        "layout": layout,
        "encoding": encoding,
        "synthetic": True,
    }


def generate(content: list[dict], count: int) -> list[dict]:
    """``count`` generated articles following the articles of ``content``."""
    if count <= 0:
        return []
    last_id = max(a["id"] for a in content)
    last_day = max(date.fromisoformat(a["published"]) for a in content if a["published"])
    start = last_day + timedelta(days=1)
    days = max(1, (WINDOW_END - start).days + 1)
    per_day = math.ceil(count / days)
    articles = []
    article_id = last_id
    for i in range(count):
        article_id += 1
        if article_id % 17 == 0:  # leave a gap now and then, like the real site
            article_id += 1
        articles.append(_article(article_id, start + timedelta(days=i // per_day)))
    return articles
