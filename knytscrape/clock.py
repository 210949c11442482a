"""The one place that reads the clock, so tests can freeze it."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now_iso() -> str:
    """Now in Stockholm, ISO 8601 with offset, to the second."""
    return datetime.now(STOCKHOLM).isoformat(timespec="seconds")


def today():
    """Today's date in Stockholm; the KNYT_TODAY environment variable (YYYY-MM-DD) fixes it, so that
    tests (and re-runs of an old schedule) get the same recheck windows whatever the real date."""
    fixed = os.environ.get("KNYT_TODAY")
    return date.fromisoformat(fixed) if fixed else datetime.now(STOCKHOLM).date()
