"""The crawl's memory bound reads the memory the crawl holds, not the peak of the process that started it."""

from __future__ import annotations

import subprocess
import sys

from scrapy.utils.test import get_crawler

from knytscrape import settings as project_settings
from knytscrape.extensions.memory import CurrentMemoryUsage

PARENT_HOLDS = 600 * 1024 * 1024
CHILD_READING = """
from scrapy.utils.test import get_crawler
from knytscrape.extensions.memory import CurrentMemoryUsage
print(CurrentMemoryUsage(get_crawler(settings_dict={"MEMUSAGE_ENABLED": True})).get_virtual_size())
"""


def test_a_crawl_started_by_a_large_process_does_not_start_with_its_memory():
    held = bytearray(PARENT_HOLDS)  # touched: resident in this process (Linux carries ru_maxrss over exec)
    held[::4096] = b"x" * len(held[::4096])
    child = subprocess.run([sys.executable, "-c", CHILD_READING], capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    assert int(child.stdout) < 256 * 1024 * 1024
    del held


def test_the_project_uses_it_in_place_of_scrapys_own():
    extensions = project_settings.EXTENSIONS
    assert extensions["scrapy.extensions.memusage.MemoryUsage"] is None
    assert "knytscrape.extensions.memory.CurrentMemoryUsage" in extensions
    assert CurrentMemoryUsage(get_crawler(settings_dict={"MEMUSAGE_ENABLED": True})).get_virtual_size() > 0
