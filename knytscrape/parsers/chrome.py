"""The chrome every page carries: menu, calendar sidebar, video sidebar.

Read from the text flow by the visible landmarks ``I Kalendern:``, ``De senaste 5 videona.`` and
``Du hitter fler videos under menyn Video.``; menu entries by their labels. The sidebars may come
before or after the page's own content in source order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.textflow import Line, Token, is_links_only

SIDEBAR_DATE = re.compile(r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})\s*(?P<rest>.*)$")
# A line whose text is at least this share link text, with three links or more, is navigation.
NAVIGATION_LINK_SHARE = 0.6
# How far the video sidebar reaches when its closing line is missing.
VIDEO_SIDEBAR_MAX_LINES = 6


@dataclass
class SidebarEntry:
    title: str
    url: str | None  # absolute link of the title, when it is linked
    date_raw: str | None = None


def _split_run_on_headers(flow: list[Token]) -> list[Token]:
    """In some renderings a sidebar title runs straight into the next header: split it off."""
    result: list[Token] = []
    for token in flow:
        if isinstance(token, Line):
            match = lm.VIDEO_HEADER_ANYWHERE.search(token.text)
            if match and match.start() > 0:
                before, after = token.text[: match.start()].strip(), token.text[match.start():]
                links_before = [link for link in token.links if link[1] and link[1] in before]
                result.append(Line(before, token.block, links_before, token.in_form, token.heading))
                result.append(Line(after, token.block, [], token.in_form, token.heading))
                continue
        result.append(token)
    return result


def chrome_spans(flow: list[Token]) -> list[tuple[int, int]]:
    """Index ranges [start, end) of the sidebars in the flow."""
    spans = []
    index = 0
    while index < len(flow):
        token = flow[index]
        if isinstance(token, Line) and (lm.CALENDAR_HEADER.match(token.text) or lm.VIDEO_HEADER.match(token.text)):
            end = _sidebar_end(flow, index)
            spans.append((index, end))
            index = end
            continue
        index += 1
    return spans


def _sidebar_end(flow: list[Token], start: int) -> int:
    """Where the sidebar that starts at ``start`` ends.

    The calendar holds pairs of a date line and a title: it ends at the first line that is neither
    (unless the video sidebar's header follows at once). The video sidebar ends after "Du hitter fler
    videos…", or after VIDEO_SIDEBAR_MAX_LINES titles when that line is missing.
    """
    in_video = bool(lm.VIDEO_HEADER.match(flow[start].text))
    expecting_title = False
    lines_after_header = 0
    for index in range(start + 1, len(flow)):
        token = flow[index]
        if not isinstance(token, Line):
            continue  # images and the player slot belong to whatever surrounds them
        text = token.text
        if lm.VIDEO_MORE.match(text):
            return index + 1
        if lm.VIDEO_HEADER.match(text):
            in_video, lines_after_header = True, 0
            continue
        if in_video:
            lines_after_header += 1
            if lines_after_header > VIDEO_SIDEBAR_MAX_LINES or lm.PUBLISHED.match(text):
                return index
            continue
        if SIDEBAR_DATE.match(text):
            expecting_title = not SIDEBAR_DATE.match(text).group("rest")
            continue
        if expecting_title:
            expecting_title = False
            continue
        return index  # neither a date nor its title: the calendar is over
    return len(flow)


def is_menu_line(line: Line) -> bool:
    """A line of links, one of them to the Video or Kalender section by its label: the site menu."""
    return is_links_only(line) and len(line.links) >= 2 and any(
        lm.VIDEO_MENU.match(text.strip()) or lm.CALENDAR_MENU.match(text.strip()) for _, text in line.links
    )


def is_navigation_line(line: Line) -> bool:
    """A line that is mostly links, three or more: a menu or the archive's year list."""
    if len(line.links) < 3:
        return False
    linked = sum(len(text) for _, text in line.links)
    return linked >= NAVIGATION_LINK_SHARE * len(line.text)


def without_chrome(flow: list[Token]) -> list[Token]:
    """The flow with the sidebars (and the players in them), the menu and other link rows taken out."""
    return [token for run in content_runs(flow) for token in run]


def content_runs(flow: list[Token]) -> list[list[Token]]:
    """The flow without chrome, as the runs of tokens between the sidebars: a page's own content is one
    run, and what follows a sidebar after it (a footer) is another."""
    flow = _split_run_on_headers(flow)
    spans = chrome_spans(flow)
    runs: list[list[Token]] = [[]]
    for index, token in enumerate(flow):
        if any(start == index for start, _ in spans):
            runs.append([])
        if any(start <= index < end for start, end in spans):
            continue
        if isinstance(token, Line) and (is_menu_line(token) or is_navigation_line(token)):
            continue
        runs[-1].append(token)
    return [run for run in runs if run]


def calendar_sidebar(flow: list[Token]) -> list[SidebarEntry]:
    """The ``I Kalendern:`` entries: a date line, then the (maybe linked) event title."""
    flow = _split_run_on_headers(flow)
    entries: list[SidebarEntry] = []
    inside = False
    date_raw = None
    for token in flow:
        if not isinstance(token, Line):
            continue
        if lm.CALENDAR_HEADER.match(token.text):
            inside = True
            continue
        if not inside:
            continue
        if lm.VIDEO_HEADER.match(token.text) or lm.VIDEO_MORE.match(token.text) or lm.PUBLISHED.match(token.text):
            break
        match = SIDEBAR_DATE.match(token.text)
        if match:
            date_raw = match.group("date")
            if not match.group("rest"):
                continue
            title = match.group("rest")
        else:
            title = token.text
        if date_raw is None:
            continue  # text that belongs to no dated entry
        url = token.links[0][0] if token.links else None
        entries.append(SidebarEntry(title, url, date_raw))
        date_raw = None
    return entries


def video_sidebar(flow: list[Token]) -> list[SidebarEntry]:
    """The titles under ``De senaste 5 videona.``, with their links when linked."""
    flow = _split_run_on_headers(flow)
    entries: list[SidebarEntry] = []
    inside = False
    for token in flow:
        if not isinstance(token, Line):
            continue
        if lm.VIDEO_HEADER.match(token.text):
            inside = True
            continue
        if not inside:
            continue
        if lm.VIDEO_MORE.match(token.text) or lm.CALENDAR_HEADER.match(token.text) or lm.PUBLISHED.match(token.text):
            break
        entries.append(SidebarEntry(token.text, token.links[0][0] if token.links else None))
        if len(entries) >= VIDEO_SIDEBAR_MAX_LINES:
            break
    return entries


def menu_links(flow: list[Token], labels: re.Pattern) -> list[str]:
    """Absolute URLs of the links whose whole text matches ``labels`` (e.g. the "Video" menu entry)."""
    urls = []
    for token in flow:
        if isinstance(token, Line):
            for href, text in token.links:
                if labels.match(text.strip()) and href not in urls:
                    urls.append(href)
    return urls
