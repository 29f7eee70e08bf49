"""Offset queries over many spans in O(log n) each, so that work on a document stays linear in its size.

:class:`TakenSpans` answers "does ``[start, end)`` overlap a span already taken?" for a greedy choice of
non-overlapping spans; :class:`SpanIndex` lists the items lying inside an interval, and
:class:`SortedOffsets` tells whether any offset of a sorted list falls in a range, and
:class:`InnermostSpan` which of many nested spans (sections) holds an offset.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from sortedcontainers import SortedList

T = TypeVar("T")


class TakenSpans:
    """Half-open spans ``[start, end)`` taken so far, none overlapping another.

    Two spans overlap when ``a.start < b.end and b.start < a.end`` (an empty span overlaps a span that
    strictly contains its offset). Taken spans never overlap, so sorted by ``(start, end)`` their ends
    never decrease: the last taken span starting before ``end`` has the largest end of all of them, and
    one comparison with it decides an overlap.


    A plain sorted list holds the spans until there are :data:`LIST_LIMIT` of them (an insertion then moves
    at most that many, which is quicker than a :class:`SortedList` for the few spans of an abstract), and a
    :class:`SortedList` from then on, so that a long document stays O(log n) per span.
    """

    LIST_LIMIT = 512

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] | SortedList = []
        self._small = True

    def __len__(self) -> int:
        return len(self._spans)

    def overlaps(self, start: int, end: int) -> bool:
        spans = self._spans
        # spans[before - 1] is the last one with start < end
        before = bisect_left(spans, (end,)) if self._small else spans.bisect_left((end,))
        return before > 0 and spans[before - 1][1] > start

    def add(self, start: int, end: int) -> None:
        """Take ``[start, end)``; the caller has checked that it overlaps nothing taken."""
        if not self._small:
            self._spans.add((start, end))
            return
        insort(self._spans, (start, end))
        if len(self._spans) >= self.LIST_LIMIT:
            self._spans, self._small = SortedList(self._spans), False


class SpanIndex(Generic[T]):
    """Items with ``start``/``end`` offsets, found by the interval that contains them.

    :meth:`within` returns the items in their original order, so a stable sort of the answer gives the
    same result as a scan of the whole sequence would.
    """

    def __init__(self, items: Sequence[T], start: Callable[[T], int], end: Callable[[T], int]) -> None:
        self._items = list(items)
        self._end = [end(item) for item in self._items]
        self._order = sorted(range(len(self._items)), key=lambda i: start(self._items[i]))
        self._starts = [start(self._items[i]) for i in self._order]

    def within(self, start: int, end: int) -> list[T]:
        """Items with ``start <= item.start`` and ``item.end <= end``, in their original order."""
        lo, hi = bisect_left(self._starts, start), bisect_right(self._starts, end)
        found = sorted(i for i in self._order[lo:hi] if self._end[i] <= end)
        return [self._items[i] for i in found]


class SortedOffsets:
    """A sorted list of offsets with range tests by bisection."""

    def __init__(self, offsets: Sequence[int]) -> None:
        self._offsets = sorted(offsets)

    def any_in(self, low: int, high: int) -> bool:
        """True if some offset ``o`` has ``low <= o <= high``."""
        i = bisect_left(self._offsets, low)
        return i < len(self._offsets) and self._offsets[i] <= high

    def in_range(self, low: int, high: int) -> list[int]:
        """The offsets ``o`` with ``low <= o <= high``, in increasing order."""
        return self._offsets[bisect_left(self._offsets, low) : bisect_right(self._offsets, high)]


class InnermostSpan(Generic[T]):
    """The innermost of many (possibly nested) spans holding an offset, in O(log n) per question.

    Exactly what a scan for the shortest span with ``start <= offset < end`` returns (the first one of
    that length in the given order): the offsets are cut at every span edge once, and each piece between
    two edges remembers its innermost span (a sweep with a heap, O(n log n)).
    """

    def __init__(self, items: Sequence[T], start: Callable[[T], int], end: Callable[[T], int]) -> None:
        spans = [(start(item), end(item), i) for i, item in enumerate(items)]
        self._items = list(items)
        self._edges = sorted({edge for s, e, _ in spans if s < e for edge in (s, e)})
        opening: dict[int, list[tuple[int, int, int]]] = {}
        for s, e, i in spans:
            if s < e:
                opening.setdefault(s, []).append((e - s, i, e))
        self._inner: list[int | None] = []  # innermost item of [edges[k], edges[k + 1])
        active: list[tuple[int, int, int]] = []  # (length, order, end): the smallest on top
        for edge in self._edges:
            for entry in opening.get(edge, ()):
                heapq.heappush(active, entry)
            while active and active[0][2] <= edge:  # spans ended by now leave (lazily)
                heapq.heappop(active)
            self._inner.append(active[0][1] if active else None)

    def at(self, offset: int) -> T | None:
        k = bisect_right(self._edges, offset) - 1
        if k < 0:
            return None
        found = self._inner[k]
        return None if found is None else self._items[found]
