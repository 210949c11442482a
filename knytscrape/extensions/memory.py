"""Scrapy's memory bound, measured on this process's memory now.

Scrapy's MemoryUsage reads ``ru_maxrss``, which Linux carries across ``execve``: a crawl started by a large
parent process (a test runner, a long-running scheduler) begins with the parent's peak and may warn, or
close itself, before it has fetched anything. This reads the resident size the process has now
(``/proc/self/statm``), and falls back to Scrapy's reading where that file does not exist.
"""

from __future__ import annotations

import os
from pathlib import Path

from scrapy.extensions.memusage import MemoryUsage

STATM = Path("/proc/self/statm")


def resident_bytes() -> int | None:
    """Resident memory of this process now, in bytes; None where /proc is not there."""
    try:
        return int(STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class CurrentMemoryUsage(MemoryUsage):
    """MEMUSAGE_* settings as Scrapy documents them, on the memory the crawl holds now (the peak is kept in
    the ``memusage/max`` stat as before)."""

    def get_virtual_size(self) -> int:
        size = resident_bytes()
        return size if size is not None else super().get_virtual_size()
