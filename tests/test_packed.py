"""`transdesk.packed`: strings kept in a block of bytes, and which earlier one equals a
new one, a few bytes each (the first pass of an archive import keeps its ids so)."""

from __future__ import annotations

import sys
import tracemalloc

import pytest

from transdesk import packed as packing
from transdesk.files import expand_folders
from transdesk.packed import FirstSeen, PackedStrings, sorted_in_runs


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


def test_between_reads_a_stretch_in_order():
    texts = [f"t{n}" for n in range(10)] + ["", "бюджет"]
    packed = PackedStrings(texts)
    assert list(packed.between(0, 99)) == texts
    assert list(packed.between(3, 6)) == texts[3:6]
    assert list(packed.between(10, 12)) == ["", "бюджет"]
    assert list(packed.between(7, 7)) == [] == list(packed.between(12, 20))
    assert sys.getsizeof(packed) < sum(sys.getsizeof(t) for t in texts)


@pytest.mark.parametrize("block", [1, 2, 3, 7, 4096])
def test_sorted_in_runs_is_sorted(monkeypatch, block):
    """Runs of `block` strings, merged: the order `sorted` gives, duplicates kept."""
    monkeypatch.setattr(packing, "PACK_BLOCK", block)
    texts = [f"{(n * 7919) % 101:03d}-{'ї' * (n % 3)}" for n in range(250)]
    texts += ["", "a", "a", "caf\udce9", "Z"]
    assert list(sorted_in_runs(iter(texts))) == sorted(texts)
    assert list(sorted_in_runs([])) == []


def test_an_archive_folder_is_listed_in_name_order_in_runs(tmp_path, monkeypatch):
    """A folder's .txt files come in name order whatever the runs (names sorted a
    block at a time and merged: no list of every name), hidden files and other suffixes
    left out; a folder without any is refused."""
    monkeypatch.setattr(packing, "PACK_BLOCK", 3)
    names = [f"{(n * 37) % 50:02d}-article.txt" for n in range(50)]
    for name in [*names, ".hidden.txt", "notes.md"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub.txt").mkdir()
    one = tmp_path / "one.txt"
    found = expand_folders([str(tmp_path)])
    assert list(found) == [str(tmp_path / name) for name in sorted(names)]
    assert found[0] == str(tmp_path / "00-article.txt") and len(found) == 50
    empty = tmp_path / "empty"
    empty.mkdir()
    from transdesk.errors import BadInput

    with pytest.raises(BadInput) as refused:
        expand_folders([str(one), str(empty)])
    assert repr(str(empty)) in str(refused.value)


def test_listing_a_big_folder_holds_no_object_per_name(tmp_path):
    """Listing 3x the files takes ~30 bytes a name more (packed), not a list of str and
    its sort (~100 bytes a name that a process keeps once freed)."""
    def peak(folder):
        tracemalloc.start()
        try:
            found = expand_folders([str(folder)])
            return tracemalloc.get_traced_memory()[1], len(found)
        finally:
            tracemalloc.stop()

    sizes = {}
    for count in (2_000, 6_000):
        folder = tmp_path / str(count)
        folder.mkdir()
        for n in range(count):
            (folder / f"article-{(n * 7919) % count:06d}.txt").touch()
        sizes[count] = peak(folder)
    assert sizes[2_000][1] == 2_000 and sizes[6_000][1] == 6_000
    grown = sizes[6_000][0] - sizes[2_000][0]
    assert grown < 4_000 * 60, grown
