"""The archive's home page (templates/index.html): what there is to read, at a glance.

Gathered for Datasette's ``index.html`` through the plugin's ``extra_template_vars``: the newest articles
(with a picture where there is one, the downloaded copy when the pictures are served), the coming events,
the number of records of each kind, and the articles and comments of each year as bars of a chart the page
draws as inline SVG (``year_chart``: no script, nothing fetched from elsewhere).

Only SELECTs of bounded size through Datasette's ``execute`` (with its time limit), on the instance's first
database, after the same permission checks as the feeds: a database or table the actor may not view counts
as missing. A missing table (an empty database, or another one) leaves its part of the page empty.
"""

from __future__ import annotations

import math

from datasette.database import QueryInterrupted
from datasette.utils import tilde_encode

from knytscrape.clock import today
from knytscrape.reading import Copies, local_image_source, web_url

NEWEST_ARTICLES = 6
COMING_EVENTS = 6
LEAD_CHARS = 200
MAX_YEARS = 100  # bars of the chart; a wider stretch of years shows only the years that have records
SEARCH_PATH = "/-/sok"
FEEDS = {"atom": "/-/feeds/latest.atom", "ics": "/-/feeds/events.ics"}

# What the home page links to, with the archive's words for them (the shared table of labels).
TABLES = (("articles", "artiklar"), ("videos", "videor"), ("events", "evenemang"), ("comments", "kommentarer"),
          ("images", "bilder"))
LISTS = (("latest_articles", "senaste artiklarna"), ("upcoming_events", "kommande evenemang"),
         ("most_commented", "mest kommenterade"), ("search_everything", "sökningen som SQL-fråga"))
STATUS = {"cancelled": "inställt", "postponed": "uppskjutet"}

# The chart's geometry, in SVG user units (the picture scales to the page's width).
CHART_WIDTH, CHART_HEIGHT = 760, 250
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 44, 8, 22, 26
SERIES = (("articles", "artiklar"), ("comments", "kommentarer"))


def short(text: str | None, limit: int = LEAD_CHARS) -> str:
    """The text cut at a word before ``limit`` characters, with "…" when cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:–-") + "…"


def nice_ceiling(value: int) -> int:
    """The top of the chart's scale: 1, 2 or 5 times a power of ten, at least ``value`` (1 for 0)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def year_chart(per_year: dict[str, dict[int, int]], links: dict[str, str] | None = None) -> dict | None:
    """Bars of records per year of each series (SERIES), as the template draws them; None without data.

    ``per_year``: {series: {year: count}}; ``links``: {series: address with ``{year}``}, the records of a bar.
    Every bar carries its label ("2015: 12 artiklar", shown on hover and read by screen readers), and its
    number is written above it when the bars are wide enough to read it.
    """
    years = sorted({year for counts in per_year.values() for year in counts})
    if not years:
        return None
    if years[-1] - years[0] < MAX_YEARS:
        years = list(range(years[0], years[-1] + 1))  # years without records shown as such
    years = years[-MAX_YEARS:]
    top = nice_ceiling(max(count for counts in per_year.values() for count in counts.values()))
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    group = plot_width / len(years)
    bar = min(18.0, group * 0.4)
    numbers_fit = group >= 24
    label_every = max(1, math.ceil(len(years) / 20))
    base = CHART_TOP + plot_height
    bars, labels = [], []
    for index, year in enumerate(years):
        middle = CHART_LEFT + group * index + group / 2
        if index % label_every == 0:
            labels.append({"x": round(middle, 1), "y": base + 16, "text": str(year)})
        for number, (series, word) in enumerate(SERIES):
            count = per_year.get(series, {}).get(year, 0)
            height = plot_height * count / top
            x = middle - bar - 1 + number * (bar + 2)
            bars.append({
                "series": series, "year": year, "count": count,
                "x": round(x, 1), "y": round(base - height, 1), "width": round(bar, 1), "height": round(height, 1),
                "label": f"{year}: {count} {word if count != 1 else word_one(series)}",
                "text_x": round(x + bar / 2, 1), "text_y": round(base - height - 3, 1),
                "show_number": numbers_fit and count > 0,
                "href": (links or {}).get(series, "").format(year=year) if count else None,
            })
    ticks = [{"value": value, "y": round(base - plot_height * value / top, 1)} for value in (0, top // 2, top)
             if value == 0 or value != top // 2 or top > 1]
    rows = [{"year": year, **{series: per_year.get(series, {}).get(year, 0) for series, _ in SERIES}}
            for year in years if any(per_year.get(series, {}).get(year) for series, _ in SERIES)]
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT, "right": CHART_WIDTH - CHART_RIGHT,
            "base": base, "bars": bars, "labels": labels, "ticks": ticks, "rows": rows,
            "first": years[0], "last": years[-1],
            "totals": {series: sum(per_year.get(series, {}).values()) for series, _ in SERIES}}


def word_one(series: str) -> str:
    return {"articles": "artikel", "comments": "kommentar"}[series]


async def _first_database(datasette, request):
    """The instance's first database when the actor may view it, else None (the page then shows no data)."""
    names = [name for name in datasette.databases if name != "_internal"]
    if not names:
        return None
    database = datasette.get_database()
    allowed = await datasette.permission_allowed(request.actor, "view-database", resource=database.name,
                                                 default=None)
    return None if allowed is False else database


async def _visible_tables(datasette, request, database) -> set[str]:
    present = set(await database.table_names())
    visible = set()
    for table, _ in TABLES:
        if table not in present:
            continue
        allowed = await datasette.permission_allowed(request.actor, "view-table", resource=(database.name, table),
                                                     default=None)
        if allowed is not False:
            visible.add(table)
    return visible


async def _select(database, sql: str, params: dict | None = None) -> list[dict]:
    """Rows of a SELECT, [] when it ran out of time (the rest of the page is still shown)."""
    try:
        return [dict(row) for row in (await database.execute(sql, params or {})).rows]
    except QueryInterrupted:
        return []


async def _columns(database, table: str) -> set[str]:
    return set(await database.table_columns(table))


async def newest_articles(database, row_url, images: str | None, copies: Copies, with_images: bool) -> list[dict]:
    """The newest dated articles still on the site, each with its lead cut short and a picture if it has one."""
    columns = await _columns(database, "articles")
    if not {"id", "title", "published"} <= columns:
        return []
    lead = "lead" if "lead" in columns else "NULL"
    picture = "lead_image_url" if "lead_image_url" in columns else "NULL"
    removed = " AND removed_at IS NULL" if "removed_at" in columns else ""
    articles = await _select(database, f"SELECT id, title, published, {lead} AS lead, {picture} AS picture_url "
                                       f"FROM articles WHERE published IS NOT NULL AND published != ''{removed} "
                                       f"ORDER BY published DESC, id DESC LIMIT :limit", {"limit": NEWEST_ARTICLES})
    first_pictures = {}
    if with_images and articles:
        # An old article has no lead picture: its first picture stands in.
        keys = {f"a{number}": article["id"] for number, article in enumerate(articles)}
        for row in await _select(database, f"SELECT article_id, url, local_path FROM images WHERE article_id IN "
                                           f"({', '.join(':' + key for key in keys)}) AND removed_at IS NULL "
                                           f"ORDER BY article_id, position, id LIMIT 200", keys):
            if web_url(row["url"]) and row["article_id"] not in first_pictures:
                first_pictures[row["article_id"]] = local_image_source(
                    web_url(row["url"]), row["local_path"], images, size="small")
    for article in articles:
        url = web_url(article.pop("picture_url"))
        article["picture"] = copies.source(url) if url else first_pictures.get(article["id"])
        article["lead_short"] = short(article["lead"])
        article["href"] = row_url("articles", article["id"])
    return articles


async def coming_events(database, row_url, day: str) -> list[dict]:
    """Events not over by ``day`` (YYYY-MM-DD) and still in the calendar, soonest first."""
    columns = await _columns(database, "events")
    if not {"id", "title", "starts_at"} <= columns:
        return []
    chosen = [column for column in ("ends_at", "all_day", "location", "status", "removed_at") if column in columns]
    ends = "coalesce(ends_at, starts_at)" if "ends_at" in columns else "starts_at"
    removed = " AND removed_at IS NULL" if "removed_at" in columns else ""
    events = await _select(database, f"SELECT id, title, starts_at{''.join(', ' + c for c in chosen)} FROM events "
                                     f"WHERE starts_at IS NOT NULL AND {ends} >= :day{removed} "
                                     f"ORDER BY starts_at, id LIMIT :limit", {"day": day, "limit": COMING_EVENTS})
    for event in events:
        event["href"] = row_url("events", event["id"])
        event["status_text"] = STATUS.get(event.get("status") or "")
    return events


async def per_year(database, table: str, column: str) -> dict[int, int]:
    """{year: records} of a table by the year of a date column (ISO text); dates that are not are left out."""
    if column not in await _columns(database, table):
        return {}
    # (the alias is not "year": a table's own column of that name would win in GROUP BY)
    rows = await _select(database, f"SELECT substr([{column}], 1, 4) AS year_of_date, count(*) AS n FROM [{table}] "
                                   f"WHERE [{column}] GLOB '[12][0-9][0-9][0-9]-*' GROUP BY year_of_date "
                                   f"ORDER BY year_of_date LIMIT 1000")
    return {int(row["year_of_date"]): row["n"] for row in rows}


async def home_vars(datasette, request) -> dict:
    """What templates/index.html shows, as ``knyt_home``."""
    from knytscrape.datasette_plugin import images_url  # the package imports this module

    home = {"search_action": datasette.urls.path(SEARCH_PATH), "feeds": {name: datasette.urls.path(path)
                                                                          for name, path in FEEDS.items()},
            "tables": [], "lists": [], "newest": [], "coming": [], "chart": None, "database": None}
    database = await _first_database(datasette, request)
    if database is None:
        return {"knyt_home": home}
    home["database"] = {"name": database.name, "href": datasette.urls.database(database.name)}
    visible = await _visible_tables(datasette, request, database)

    def row_url(table: str, key) -> str:
        return datasette.urls.row(database.name, table, tilde_encode(str(key)))

    for table, label in TABLES:
        if table in visible:
            counted = await _select(database, f"SELECT count(*) AS n FROM [{table}]")
            home["tables"].append({"name": table, "label": label, "href": datasette.urls.table(database.name, table),
                                   "count": counted[0]["n"] if counted else None})
    queries = await datasette.get_canned_queries(database.name, request.actor)
    home["lists"] = [{"label": label, "href": datasette.urls.query(database.name, name)}
                     for name, label in LISTS if name in queries]
    images = images_url(datasette)
    if "articles" in visible:
        home["newest"] = await newest_articles(database, row_url, images, Copies(datasette, images),
                                               with_images="images" in visible)
    if "events" in visible:
        home["coming"] = await coming_events(database, row_url, today().isoformat())
    counts = {}
    links = {}
    for series, table, column in (("articles", "articles", "published"), ("comments", "comments", "posted")):
        if table in visible:
            counts[series] = await per_year(database, table, column)
            links[series] = datasette.urls.table(database.name, table) + f"?{column}__startswith={{year}}"
    home["chart"] = year_chart(counts, links)
    if home["chart"]:
        totals = {table["name"]: table["count"] for table in home["tables"]}
        home["chart"]["undated"] = undated_text({series: totals[series] - sum(counts[series].values())
                                                 for series in counts if totals.get(series) is not None})
    return {"knyt_home": home}


def undated_text(undated: dict[str, int]) -> str | None:
    """"1 artikel och 2 kommentarer": the records without a date the chart can place, None when there are none."""
    parts = [f"{number} {word_one(series) if number == 1 else word}" for series, word in SERIES
             if (number := undated.get(series, 0)) > 0]
    return " och ".join(parts) or None
