"""The one place that reads the clock, so tests can freeze it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now_iso() -> str:
    """Now in Stockholm, ISO 8601 with offset, to the second."""
    return datetime.now(STOCKHOLM).isoformat(timespec="seconds")


def today():
    """Today's date in Stockholm."""
    return datetime.now(STOCKHOLM).date()
