"""How far the id walk may go: as far as the site's own evidence reaches, never to a lone outlier.

The site has gaps, so a full crawl asks for every id up to the highest one it has evidence of (ids linked
from the site's pages, found, or stored). One link to ``artiklar.php?id=99999999`` must not make it walk
a hundred million ids: evidence counts only when it lies within KNYT_ID_MAX_GAP of the evidence below it,
step by step from the floor. An id further out is an outlier: it is asked for itself (it is linked) and
reported, but not walked to, until evidence in between brings it within reach.
"""

from __future__ import annotations

import heapq


class IdEvidence:
    def __init__(self, max_gap: int, floor: int = 0):
        self.max_gap = max_gap
        self.top = floor  # the highest id reached in steps of at most max_gap
        self._beyond: list[int] = []  # heap of ids further out than top + max_gap
        self._beyond_set: set[int] = set()

    def add(self, number: int) -> bool:
        """Count ``number`` as evidence; True when it is within reach (not an outlier)."""
        if number <= self.top + self.max_gap:
            if number > self.top:
                self.top = number
                self._absorb()
            return True
        if number not in self._beyond_set:
            self._beyond_set.add(number)
            heapq.heappush(self._beyond, number)
        return False

    def _absorb(self) -> None:
        while self._beyond and self._beyond[0] <= self.top + self.max_gap:
            number = heapq.heappop(self._beyond)
            self._beyond_set.discard(number)
            self.top = max(self.top, number)

    @property
    def outliers(self) -> list[int]:
        """Ids seen that are still out of reach, lowest first."""
        return sorted(self._beyond_set)
