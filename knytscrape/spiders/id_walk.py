"""How far the id walk may go: as far as the site's own evidence reaches, never to a lone outlier.

The site has gaps, so a full crawl asks for every id up to the highest one it has evidence of (ids linked
from the site's pages, found, or stored). One link to ``artiklar.php?id=99999999`` must not make it walk
a hundred million ids: evidence counts only when it lies within KNYT_ID_MAX_GAP of the evidence below it,
step by step from the floor. An id further out is an outlier: it is asked for itself (it is linked) and
reported, but not walked to, until evidence in between brings it within reach.

What the walk holds of the ids does not grow with the archive beyond a bit (or four bytes) an id: ``IdSet``
(ids asked, stored, done), ``WaitingIds`` (articles to ask for, as ids, until the walk's window has room for
their requests) and ``IdCounts`` (the comment counts the yearly archives print).
"""

from __future__ import annotations

import heapq
from array import array


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


BITMAP_LIMIT = 1 << 24  # ids below this take a bit each (2 MB at most); rarer ones above go into a set


class IdSet:
    """A set of article ids at one bit each, up to the highest id added.

    The walk asks for every id from the floor up, so the ids asked, stored or done are dense: a bytearray holds
    20,000 of them in 2.5 kB where a Python set takes about 1.5 MB, and the crawl's memory does not grow with the
    archive. Ids from BITMAP_LIMIT up (a lone link to id 99999999) go into an ordinary set, which only links fill.
    """

    def __init__(self, ids=()):
        self._bits = bytearray()
        self._far: set[int] = set()
        self._count = 0
        self._low = 0  # no bit is set in the bytes before this index (pop_lowest starts there)
        self.update(ids)

    def add(self, number: int) -> None:
        if number < 0 or number >= BITMAP_LIMIT:
            if number not in self._far:
                self._far.add(number)
                self._count += 1
            return
        index, bit = divmod(number, 8)
        if index >= len(self._bits):
            self._bits.extend(bytes(index + 1 - len(self._bits)))
        if not self._bits[index] & (1 << bit):
            self._bits[index] |= 1 << bit
            self._count += 1
            self._low = min(self._low, index)

    def update(self, ids) -> None:
        for number in ids:
            self.add(number)

    def discard(self, number: int) -> None:
        if number < 0 or number >= BITMAP_LIMIT:
            if number in self._far:
                self._far.discard(number)
                self._count -= 1
            return
        index, bit = divmod(number, 8)
        if index < len(self._bits) and self._bits[index] & (1 << bit):
            self._bits[index] &= ~(1 << bit) & 0xFF
            self._count -= 1

    def pop_lowest(self) -> int:
        """Take the lowest id out of the set and return it (KeyError when empty)."""
        if not self._count:
            raise KeyError("pop from an empty IdSet")
        for index in range(self._low, len(self._bits)):
            byte = self._bits[index]
            if byte:
                self._low = index
                number = index * 8 + ((byte & -byte).bit_length() - 1)
                self.discard(number)
                return number
        self._low = len(self._bits)
        number = min(self._far)
        self.discard(number)
        return number

    def __contains__(self, number) -> bool:
        if not isinstance(number, int):
            return False
        if number < 0 or number >= BITMAP_LIMIT:
            return number in self._far
        index = number >> 3
        return index < len(self._bits) and bool(self._bits[index] & (1 << (number & 7)))

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        for index, byte in enumerate(self._bits):
            if byte:
                for bit in range(8):
                    if byte & (1 << bit):
                        yield index * 8 + bit
        yield from sorted(self._far)

    def __ior__(self, ids):
        self.update(ids)
        return self

    @property
    def bytes_held(self) -> int:
        """The bitmap's size: what the set costs, far ids aside."""
        return len(self._bits)


class WaitingIds:
    """Articles to ask for, held as ids until the walk's window has room for their requests: a yearly archive
    that links 5,000 articles sets 5,000 bits here instead of putting 5,000 requests in Scrapy's scheduler.
    ``pop`` gives the lowest id of the first reason pushed that still has one waiting, with that reason."""

    def __init__(self):
        self._by_reason: dict[str, IdSet] = {}

    def push(self, number: int, reason: str) -> None:
        self._by_reason.setdefault(reason, IdSet()).add(number)

    def pop(self) -> tuple[int, str]:
        for reason, ids in self._by_reason.items():
            if ids:
                return ids.pop_lowest(), reason
        raise KeyError("no article waiting")

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._by_reason.values())

    @property
    def bytes_held(self) -> int:
        return sum(ids.bytes_held for ids in self._by_reason.values())


class IdCounts:
    """A number per article id (a yearly archive's comment count), at four bytes an id up to the highest id set,
    instead of a dict entry of some 70 bytes: the counts of every listed article stay small whatever the
    archive holds. Ids from BITMAP_LIMIT up, and counts outside 0 .. 2**31 - 2 (a page may print anything),
    are kept in a dict."""

    UNSET = -1

    def __init__(self):
        self._values = array("i")
        self._other: dict[int, int] = {}

    def __setitem__(self, number: int, value: int) -> None:
        if 0 <= number < BITMAP_LIMIT and 0 <= value < 2**31 - 1:
            if number >= len(self._values):
                self._values.extend([self.UNSET] * (number + 1 - len(self._values)))
            self._values[number] = value
            self._other.pop(number, None)
            return
        if 0 <= number < len(self._values):
            self._values[number] = self.UNSET
        self._other[number] = value

    def get(self, number: int, default=None):
        if number in self._other:
            return self._other[number]
        if 0 <= number < len(self._values) and self._values[number] != self.UNSET:
            return self._values[number]
        return default

    @property
    def bytes_held(self) -> int:
        return len(self._values) * self._values.itemsize
