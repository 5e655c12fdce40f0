"""An archive's file names as the import holds them (`files.PathList`): the same paths
as a list of strings, in a block of bytes whose size does not grow with the paths'
objects."""

from __future__ import annotations

import os
import tracemalloc

import pytest

from transdesk.files import PathList, expand_folders


def test_a_path_list_gives_the_paths_a_list_would(tmp_path):
    folder, other = tmp_path / "archive", tmp_path / "more"
    folder.mkdir()
    other.mkdir()
    names = ["b.txt", "a.txt", "Київ.txt", "z 1.txt", ".hidden.txt", "notes.md"]
    for name in names:
        (folder / name).write_text("x", encoding="utf-8")
    (other / "c.txt").write_text("x", encoding="utf-8")
    single = str(tmp_path / "single.txt")
    given = [single, str(folder), "plain.txt", str(other)]
    paths = expand_folders(given)
    expected = [single, *(os.path.join(str(folder), n)
                          for n in sorted(["b.txt", "a.txt", "Київ.txt", "z 1.txt"])),
                "plain.txt", os.path.join(str(other), "c.txt")]
    assert list(paths) == expected
    assert len(paths) == len(expected)
    assert [paths[i] for i in range(len(paths))] == expected
    assert paths[-1] == expected[-1] and paths[2:5] == expected[2:5]
    with pytest.raises(IndexError):
        paths[len(expected)]


def test_names_the_file_system_cannot_decode_come_back_the_same():
    paths = PathList()
    odd = os.fsdecode(b"caf\xe9-\xff.txt")  # Latin-1 bytes: surrogate escapes
    paths.add("folder", ["a.txt", odd])
    paths.add("", ["loose.txt"])
    assert list(paths) == [os.path.join("folder", "a.txt"), os.path.join("folder", odd),
                           "loose.txt"]
    assert os.fsencode(paths[1]).endswith(b"caf\xe9-\xff.txt")


def test_a_hundred_thousand_names_take_about_their_bytes():
    """~20 bytes a name (its bytes and where it ends), where a list of the joined
    paths holds ~120 (a string object and its slot): flat beside the archive."""
    names = [f"en-{n:06d}.txt" for n in range(100_000)]  # 13 bytes each
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        paths = PathList()
        paths.add("/some/long/folder/of/the/newsroom/archive", names)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(paths) == 100_000 and paths[12_345].endswith("en-012345.txt")
    assert held < 100_000 * 30, held  # a list of the paths: ~12,000,000


def test_an_archive_under_long_paths_is_imported_without_waiting_forever(tmp_path, samples):
    """Work is sent to the workers a chunk at a time while their parsed articles come
    back: chunks of long paths once filled a worker's pipe while it waited to hand back
    big articles — each side waiting on the other for ever. Chunks are now bounded in
    bytes too."""
    import subprocess

    from conftest import transdesk_cmd

    folder = tmp_path.joinpath(*["d" * 200] * 9)
    folder.mkdir(parents=True)
    blocks = (samples / "en-fed-rates.txt").read_text(encoding="utf-8").split("\n\n")
    body = "\n\n".join(blocks[:4] + blocks[4:] * 12)
    for n in range(200):
        (folder / f"article-{n:03d}.txt").write_text(body.replace("Fed", f"Fed{n}"),
                                                      encoding="utf-8")
    files = sorted(str(path) for path in folder.glob("*.txt"))
    assert len(str(folder)) > 1800
    result = subprocess.run([*transdesk_cmd(), "--db", str(tmp_path / "desk.db"), "import",
                             "-q", *files], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    import sqlite3

    with sqlite3.connect(tmp_path / "desk.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (200,)
