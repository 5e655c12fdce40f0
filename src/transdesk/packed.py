"""Short strings kept packed, a few bytes each instead of a Python object each (a str
costs ~50 bytes more than its text, a dict entry ~100): what a pass over an archive
keeps per file stays small beside the archive."""

from __future__ import annotations

from array import array
from collections.abc import Iterator


class PackedStrings:
    """Strings appended one after the other into one block of UTF-8 bytes, with where
    each ends (its bytes and 8 more per string); each made again when asked for."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")

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
        return (self[index] for index in range(len(self)))


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
