"""Short strings kept packed, a few bytes each instead of a Python object each (a str
costs ~50 bytes more than its text, a dict entry ~100): what a pass over an archive
keeps per file stays small beside the archive."""

from __future__ import annotations

import heapq
import sys
from array import array
from collections.abc import Iterable, Iterator

#: strings sorted (a run) at a time by `sorted_in_runs`
PACK_BLOCK = 4096


class PackedStrings:
    """Strings appended one after the other into one block of UTF-8 bytes, with where
    each ends (its bytes and 8 more per string); each made again when asked for."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self._data = bytearray()
        self._ends = array("Q")
        for text in texts:
            self.append(text)

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self._ends):
            raise IndexError("PackedStrings index out of range")
        start = self._ends[index - 1] if index else 0
        return self._data[start:self._ends[index]].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        return self.between(0, len(self))

    def between(self, start: int, stop: int) -> Iterator[str]:
        """The strings from index `start` up to `stop` (or the last)."""
        data, ends = self._data, self._ends
        begin = ends[start - 1] if start > 0 else 0
        for index in range(max(start, 0), min(stop, len(ends))):
            end = ends[index]
            yield data[begin:end].decode("utf-8", "surrogatepass")
            begin = end

    def __sizeof__(self) -> int:
        return object.__sizeof__(self) + sys.getsizeof(self._data) + sys.getsizeof(self._ends)


def sorted_in_runs(texts: Iterable[str]) -> Iterator[str]:
    """`texts` (read now, to the end) in sorted order, never all in one list: sorted
    runs of PACK_BLOCK, each packed, merged as they are read back. A list of 100,000
    file names and the sort's keys take ~10 MB at once, which a process keeps once they
    are gone (the memory of many small objects is seldom handed back)."""
    runs: list[PackedStrings] = []
    block: list[str] = []
    for text in texts:
        block.append(text)
        if len(block) >= PACK_BLOCK:
            block.sort()
            runs.append(PackedStrings(block))
            block.clear()
    block.sort()
    runs.append(PackedStrings(block))
    del block
    return heapq.merge(*runs) if len(runs) > 1 else iter(runs[0])


class FirstSeen:
    """Which earlier string of a `PackedStrings` equals a new one: a hash table of
    indexes (open addressing, 4 bytes a slot, at most half of them used), the strings
    themselves compared where they are packed. 8 bytes or so per string, where a dict
    of the strings would hold a str object and an entry for each."""

    def __init__(self, strings: PackedStrings) -> None:
        self._strings = strings
        self._slots = array("I", bytes(4 * 64))  # index + 1, 0 for a free slot
        self._used = 0

    def add(self, index: int) -> int | None:
        """Remember the string at `index`: None, or the index of an equal string
        remembered before (this one is then not remembered)."""
        text = self._strings[index]
        found = self._place(text, index + 1)
        if found is None:
            self._used += 1
            if 2 * self._used > len(self._slots):
                self._grow()
        return found

    def _place(self, text: str, held: int) -> int | None:
        slots, strings = self._slots, self._strings
        mask = len(slots) - 1
        slot = hash(text) & mask
        while other := slots[slot]:
            if strings[other - 1] == text:
                return other - 1
            slot = (slot + 1) & mask
        slots[slot] = held
        return None

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("I", bytes(8 * len(old)))
        for held in old:
            if held:
                self._place(self._strings[held - 1], held)
