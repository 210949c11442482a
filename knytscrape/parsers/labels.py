"""Labelled facts ("Datum: …", "Plats: …", "Längd: …") however the markup lays them out.

A label and its value may share a line, sit in two table cells or a ``<dt>``/``<dd>`` pair (label alone,
colon or not), or several labels may run on one line ("Datum: 2024-09-07 Nytt datum: 2024-09-14",
"Publicerat: 2019-06-06 | Längd: 12:05"). These helpers bring every case to one line per fact.
"""

from __future__ import annotations

import functools
import re

from knytscrape.parsers.textflow import Line

MIN_MIDLINE_LABEL = 5  # "datum", "plats", "nytt datum", "längd" ...


@functools.cache
def _patterns(labels: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    return label_pattern(list(labels))


def label_pattern(labels: list[str]) -> tuple[re.Pattern, re.Pattern]:
    """(a label alone on its line, a label anywhere in a line) for these label words."""
    words = "|".join(sorted((re.escape(w) for w in labels), key=len, reverse=True))
    alone = re.compile(rf"^(?:{words})\s*:?$", re.I)
    inside = re.compile(rf"(?:^|(?<=[\s|•·,;]))(?:{words})\s*:", re.I)
    return alone, inside


def normalise_labelled_lines(lines: list[Line], labels: list[str]) -> list[Line]:
    """One line per labelled fact: label-alone lines joined to their value, run-on labels split."""
    alone, inside = _patterns(tuple(labels))  # built once per label list
    merged: list[Line] = []
    skip = False
    for index, line in enumerate(lines):
        if skip:
            skip = False
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if alone.match(line.text) and following is not None and not alone.match(following.text):
            label = line.text.rstrip(": ").strip()
            merged.append(Line(f"{label}: {following.text}", following.block, following.links, following.in_form))
            skip = True
            continue
        merged.append(line)
    result: list[Line] = []
    for line in merged:
        matches = list(inside.finditer(line.text))
        if matches and matches[0].start() != 0:
            # mid-line, only long labels split a line: "var:" or "tid:" may be ordinary words there
            matches = [m for m in matches if len(m.group(0).rstrip(": ")) >= MIN_MIDLINE_LABEL]
        starts = [m.start() for m in matches]
        if not starts or starts == [0]:
            result.append(line)
            continue
        bounds = [0, *starts, len(line.text)] if starts[0] != 0 else [*starts, len(line.text)]
        for start, end in zip(bounds, bounds[1:], strict=False):
            part = line.text[start:end].strip(" |•·,;")
            if part:
                result.append(Line(part, line.block, line.links, line.in_form, line.heading))
    return result
