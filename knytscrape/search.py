"""Swedish-aware full-text search.

Each content table has a full-text index ``<table>_fts`` (FTS5, unicode61 keeping å, ä and ö apart from
a and o) holding the searchable text as printed plus a ``stems`` column: the same words reduced by the
Swedish Snowball stemmer ("budgeten" -> "budget", "parken" -> "park"). A query is stemmed the same way
and each stem is matched as a prefix, so ``budget`` finds "budgeten" and "budgetförslag", and ``park``
finds "parken". Storage keeps the index in step with every row it writes (the stems need Python, so
SQLite triggers cannot); the published Datasette turns its standard ``_search`` into this query
(datasette_plugin), so links and scripts using Datasette's own parameters get it too.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

# The searchable columns of each table, as shown; "stems" is added to each index.
SEARCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("title", "lead", "body"),
    "images": ("caption",),
    "comments": ("author", "text"),
    "videos": ("title", "description"),
    "events": ("title", "location", "description"),
}
TOKENIZE = "unicode61 remove_diacritics 0"
WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("swedish")
# A local site repeats its words: remembering the stems of the last words seen saves most of the stemming of a
# crawl (the pure-Python stemmer was 3% of it). Bounded, whatever the site writes.
STEM_CACHE_WORDS = 20_000


@lru_cache(maxsize=STEM_CACHE_WORDS)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stems(text: str | None) -> str:
    """The Swedish stems of the words of ``text``, lower-cased, space-separated."""
    return " ".join(map(stem, WORD.findall((text or "").lower())))


def fts_query(query: str) -> str | None:
    """An FTS5 query for what a reader typed: every word's stem as a prefix, all required."""
    words = _stemmer.stemWords(WORD.findall(query.lower()))
    return " ".join(f'"{word}"*' for word in words) or None


def index_name(table: str) -> str:
    return f"{table}_fts"


def create_index(db, table: str) -> None:
    """(Re)create the table's index in the current layout and fill it from the table."""
    name = index_name(table)
    columns = SEARCH_COLUMNS[table]
    for trigger in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE ?", [table, f"{table}_a%"]
    ).fetchall():
        db.execute(f"DROP TRIGGER IF EXISTS [{trigger[0]}]")  # triggers of an older, trigger-kept index
    db.execute(f"DROP TABLE IF EXISTS [{name}]")
    db.execute(
        f"CREATE VIRTUAL TABLE [{name}] USING fts5({', '.join(f'[{c}]' for c in columns)}, stems, "
        f"tokenize='{TOKENIZE}')"
    )
    for row in db.execute(f"SELECT rowid, {', '.join(f'[{c}]' for c in columns)} FROM [{table}]").fetchall():
        _insert(db, table, row[0], row[1:])


def needs_index(db, table: str) -> bool:
    name = index_name(table)
    if not db[name].exists():
        return True
    return "stems" not in db[name].columns_dict


def _insert(db, table: str, rowid: int, values) -> None:
    columns = SEARCH_COLUMNS[table]
    placeholders = ", ".join("?" * (len(columns) + 2))
    db.execute(
        f"INSERT INTO [{index_name(table)}] (rowid, {', '.join(f'[{c}]' for c in columns)}, stems) "
        f"VALUES ({placeholders})",
        [rowid, *values, stems(" ".join(v for v in values if isinstance(v, str)))],
    )


def index_row(db, table: str, pk_column: str, pk_value) -> None:
    """Bring the index entry of one row up to date (call after writing the row)."""
    if table not in SEARCH_COLUMNS:
        return
    columns = SEARCH_COLUMNS[table]
    row = db.execute(
        f"SELECT rowid, {', '.join(f'[{c}]' for c in columns)} FROM [{table}] WHERE [{pk_column}] = ?", [pk_value]
    ).fetchone()
    if row is None:
        return
    db.execute(f"DELETE FROM [{index_name(table)}] WHERE rowid = ?", [row[0]])
    _insert(db, table, row[0], row[1:])
