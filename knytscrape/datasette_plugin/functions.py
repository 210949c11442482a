"""SQL functions that one call could keep busy for minutes, bounded; answered in Python when that is exact.

SQLite cannot interrupt a function call (its time limit is checked between virtual-machine instructions,
not inside a function). Measured here: trim(X, Y) of two 100 kB strings 27 s; instr(X, Y) and replace(X, Y,
Z) of 1 MB and 0.5 MB 6.5 s; json_patch() of two 0.5 MB objects 11 s; printf('%.*c', 2000000000, 'x') 11 s,
whatever the length limit. Each is replaced, on every connection of the published archive, by a wrapper
that refuses a call past WORK_LIMIT ("string or blob too big") and otherwise gives exactly SQLite's result:

* computed in Python, for text and integer arguments (what a query on the archive passes): ``str.find``,
  ``str.replace``, ``str.strip`` and a plain ``%s``/``%d`` printf follow SQLite's rules, edge cases included
  (an empty or NUL-led pattern, a NUL in a trim set, NULL arguments); tests/test_published_bounds.py
  compares them with SQLite's own over a table of cases;
* otherwise (a blob or a real argument, json_patch, any other printf format) by SQLite's own function, on
  a private in-memory connection of the thread: a statement per call, about three times the cost of the
  Python answer, so only for what Python cannot answer exactly.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading

WORK_LIMIT = 100_000_000  # lengths multiplied; about 0.3 s for trim(), the slowest per unit
# name -> number of arguments. Guarded only where this SQLite has them (jsonb_patch: 3.45, unhex: 3.41).
QUADRATIC_FUNCTIONS = {"replace": 3, "instr": 2, "trim": 2, "ltrim": 2, "rtrim": 2, "json_patch": 2,
                       "jsonb_patch": 2, "unhex": 2}
PRINTF_FUNCTIONS = ("printf", "format")
_PRINTF_SPEC = re.compile(r"%[-+ #!,0]*(\*|[0-9]*)(?:\.(\*|[0-9]*))?")
_LEADING_NUMBER = re.compile(r"\s*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_PLAIN_PRINTF = re.compile(r"(?:[^%\0]|%[sd%])*")  # only %s, %d and %%, without flags, width or precision


class _Delegate(threading.local):
    """A private in-memory connection per thread, without the wrappers: SQLite's own functions."""

    connection: sqlite3.Connection | None = None
    length_limit = 4 * 1024 * 1024  # set by bounds.bound_connection to SQLITE_LIMIT_LENGTH

    def call(self, name: str, args: tuple):
        if self.connection is None:
            self.connection = sqlite3.connect(":memory:", check_same_thread=False)
            self.connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _Delegate.length_limit)
        placeholders = ", ".join("?" * len(args))
        try:
            return self.connection.execute(f"SELECT {name}({placeholders})", args).fetchone()[0]
        except (MemoryError, sqlite3.DataError):  # SQLite's heap or length limit: refused, without a traceback
            return too_big()


_delegate = _Delegate()


def set_length_limit(length: int) -> None:
    _Delegate.length_limit = length
    too_big.cache_clear()


@functools.cache
def too_big() -> str:
    """A text one byte longer than SQLITE_LIMIT_LENGTH: returned by a function, SQLite refuses it before
    copying it ("string or blob too big"). An exception would do the same, with a traceback in the log
    (Datasette turns sqlite3's callback tracebacks on)."""
    return "\0" * (_Delegate.length_limit + 1)


def _length(value) -> int:
    return len(value) if isinstance(value, (str, bytes)) else len(str(value)) if value is not None else 0


def _text(value) -> str | None:
    """The text SQLite reads from ``value`` when Python gives it exactly (text, integer), else None."""
    if value.__class__ is str:
        return value
    if value.__class__ is int:
        return str(value)
    return None


class _Delegated(Exception):
    """Python cannot give SQLite's answer exactly: ask SQLite."""


def _instr(haystack, needle):
    if haystack is None or needle is None:
        return None
    if haystack.__class__ is bytes and needle.__class__ is bytes:
        return haystack.find(needle) + 1  # bytes counted; an empty needle is found at 1
    text, sought = _text(haystack), _text(needle)
    if text is None or sought is None:
        raise _Delegated
    return text.find(sought) + 1  # characters counted


def _replace(value, pattern, replacement):
    if value is None or pattern is None:
        return None
    text, sought = _text(value), _text(pattern)
    if text is None or sought is None:
        raise _Delegated
    if not sought or sought[0] == "\0":  # SQLite reads an empty or NUL-led pattern as empty: X unchanged
        return text
    if replacement is None:
        return None
    new = _text(replacement)
    if new is None:
        raise _Delegated
    return text.replace(sought, new)


def _trimmer(name: str):
    strip = {"trim": str.strip, "ltrim": str.lstrip, "rtrim": str.rstrip}[name]

    def trim(value, characters):
        if value is None:
            return None
        text = _text(value)
        if text is None:
            raise _Delegated
        if characters is None:
            return None
        chars = _text(characters)
        if chars is None:
            raise _Delegated
        chars = chars.split("\0", 1)[0]  # SQLite reads the set up to its first NUL
        return strip(text, chars) if chars else text

    return trim


def _printf_plain(fmt, *args):
    """printf of ``%s``, ``%d`` and ``%%`` alone, with text or integer arguments without NUL (SQLite reads
    both as C strings); a missing argument is NULL: '' for %s, 0 for %d."""
    if fmt is None:
        return None
    if fmt.__class__ is not str or not _PLAIN_PRINTF.fullmatch(fmt):
        raise _Delegated
    out, rest, pieces = [], iter(args), fmt.split("%")
    out.append(pieces[0])
    skip = False
    for piece in pieces[1:]:
        if skip:  # the empty piece after "%%"
            skip = False
            out.append(piece)
            continue
        if not piece:  # "%%"
            out.append("%")
            skip = True
            continue
        arg = next(rest, None)
        if piece[0] == "s":
            if arg is None:
                arg = ""
            elif arg.__class__ is int:
                arg = str(arg)
            elif arg.__class__ is not str or "\0" in arg:
                raise _Delegated
        elif arg is None:  # "%d"
            arg = "0"
        elif arg.__class__ is int:
            arg = str(arg)
        else:
            raise _Delegated
        out += (arg, piece[1:])
    return "".join(out)


_IN_PYTHON = {"instr": _instr, "replace": _replace, "trim": _trimmer("trim"), "ltrim": _trimmer("ltrim"),
              "rtrim": _trimmer("rtrim"), "printf": _printf_plain, "format": _printf_plain}


def _as_count(value) -> int:
    """A width or precision as SQLite reads it from an argument (text: its leading number), made positive."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        match = _LEADING_NUMBER.match(value)
        value = float(match.group()) if match else 0
    try:
        return abs(int(value or 0))
    except (OverflowError, ValueError):  # inf, nan
        return WORK_LIMIT + 1


def printf_work(fmt, args: tuple) -> int:
    """An upper bound of the characters printf(fmt, *args) pads or repeats: its widths and precisions, and
    every numeric argument when one is given by ``*``."""
    if isinstance(fmt, bytes):  # SQLite reads a blob format as text
        fmt = fmt.decode("utf-8", "replace")
    if not isinstance(fmt, str):
        return 0
    work = 0
    for match in _PRINTF_SPEC.finditer(fmt):
        work += sum(int(part) for part in match.groups() if part and part != "*")
    if "*" in fmt:
        work += sum(_as_count(arg) for arg in args)
    return work


def _answer(name: str, args: tuple):
    python = _IN_PYTHON.get(name)
    if python is not None:
        try:
            return python(*args)
        except _Delegated:
            pass
    return _delegate.call(name, args)


def _quadratic(name: str):
    def bounded(*args):
        if _length(args[0]) * _length(args[1]) > WORK_LIMIT:  # the text and what is sought or trimmed in it
            return too_big()
        return _answer(name, args)

    return bounded


def _printf(name: str):
    def bounded(*args):
        if args and printf_work(args[0], args[1:]) > _Delegate.length_limit:
            return too_big()
        return _answer(name, args)

    return bounded


def present_functions() -> set[tuple[str, int]]:
    """(name, number of arguments) of every SQL function this SQLite has."""
    try:
        return {(name, narg) for name, narg in sqlite3.connect(":memory:").execute(
            "SELECT name, narg FROM pragma_function_list")}
    except sqlite3.Error:  # an SQLite built without it: wrap them all (a missing one then fails when called)
        return {*QUADRATIC_FUNCTIONS.items(), *((name, -1) for name in PRINTF_FUNCTIONS)}


def bounded_functions(present: set[tuple[str, int]] | None = None) -> list[tuple[str, int, object]]:
    """(name, number of arguments, wrapper) for each of those functions this SQLite has."""
    present = present_functions() if present is None else present
    functions = [(name, narg, _quadratic(name)) for name, narg in QUADRATIC_FUNCTIONS.items()
                 if (name, narg) in present]
    return functions + [(name, -1, _printf(name)) for name in PRINTF_FUNCTIONS if (name, -1) in present]
