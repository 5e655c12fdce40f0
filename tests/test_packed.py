"""`transdesk.packed`: strings kept in a block of bytes, and which earlier one equals a
new one, a few bytes each (the first pass of an archive import keeps its ids so)."""

from __future__ import annotations

import tracemalloc

import pytest

from transdesk.packed import FirstSeen, PackedStrings


def test_packed_strings_come_back_the_same():
    texts = ["uk-bridge", "", "бюджет-2026", "caf\udce9", "a" * 300, "🙂"]
    packed = PackedStrings()
    for text in texts:
        packed.append(text)
    assert len(packed) == len(texts)
    assert list(packed) == texts
    assert [packed[i] for i in range(len(texts))] == texts
    with pytest.raises(IndexError):
        packed[len(texts)]
    with pytest.raises(IndexError):
        packed[-1]


def test_first_seen_names_the_earlier_equal_string_through_growth():
    packed = PackedStrings()
    seen = FirstSeen(packed)
    firsts = {}
    for n in range(5_000):
        text = f"article-{n % 3_000}"  # every string of the first 2,000 again
        packed.append(text)
        earlier = seen.add(n)
        assert earlier == firsts.get(text), (n, text)
        firsts.setdefault(text, n)
    assert seen.add(packed_append(packed, "article-2999")) == 2999
    assert seen.add(packed_append(packed, "article-3000")) is None


def packed_append(packed: PackedStrings, text: str) -> int:
    packed.append(text)
    return len(packed) - 1


def test_ids_of_an_archive_take_a_few_bytes_more_than_their_text():
    """~14 bytes of text, 8 for where it ends and ~8 of table: about 30 bytes an id,
    where a dict of the ids holds ~150 (a str and an entry)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        packed = PackedStrings()
        seen = FirstSeen(packed)
        for n in range(30_000):
            packed.append(f"uk-{n:06d}-news")  # 14 bytes
            assert seen.add(n) is None
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < 30_000 * 45, held
