"""The first pass of an import into an existing desk (`importing.import_files`): every
file is read and decoded before anything is written, and what it keeps of each file
is a few bytes (its id packed, its languages as codes, a SHA-256 for the files still
to parse), not objects of a few hundred bytes: a re-import of an archive stays flat."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from helpers_desk import table_dump
from test_import import ORIGINAL, UPDATED

from transdesk.files import expand_folders


def write_archive(folder: Path, count: int, changed: tuple[int, ...] = ()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = UPDATED if n in changed else ORIGINAL
        (folder / f"a{n:03d}.txt").write_text(text.replace("бюджет", f"бюджет {n}"),
                                              encoding="utf-8")


@pytest.mark.english
@pytest.mark.parametrize("count", [1, 70])  # a few files; an archive (the workers' path)
def test_two_files_naming_one_article_are_refused_with_both_names(run, tmp_path, count):
    (tmp_path / "first.txt").write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(tmp_path / "first.txt")).exit_code == 0  # an existing desk
    folder = tmp_path / "archive"
    write_archive(folder, count)
    (folder / "Budget.txt").write_text(ORIGINAL, encoding="utf-8")
    (folder / "budget.txt").write_text(UPDATED, encoding="utf-8")  # the same id: budget
    before = table_dump(run.db_path)
    result = run("import", "-q", str(folder))
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"Error: {str(folder / 'budget.txt')!r} and"
                             f" {str(folder / 'Budget.txt')!r} would both be article"
                             " 'budget'\n")
    assert table_dump(run.db_path) == before


@pytest.mark.english
def test_a_reimport_reports_each_file_in_order_unchanged_changed_or_new(run, tmp_path):
    folder = tmp_path / "archive"
    write_archive(folder, 70)
    assert run("import", "-q", str(folder)).exit_code == 0
    write_archive(folder, 70, changed=(5, 40))
    for name in ("a0305", "a0695"):  # new, between the others
        (folder / f"{name}.txt").write_text(ORIGINAL.replace("бюджет", name), encoding="utf-8")
    result = run("import", str(folder))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    reported = [line for line in lines if not line.startswith("  ")][:-1]
    names = sorted(p.stem for p in folder.glob("*.txt"))
    assert [line.split()[1].rstrip(":") for line in reported] == names
    for name, line in zip(names, reported, strict=True):
        if name in ("a0305", "a0695"):
            assert line == f"imported {name} (ru): 8 units"
        elif name in ("a005", "a040"):
            assert line == (f"updated {name}: 1 new, 4 unchanged, 1 changed,"
                            " 1 retouched (typography only), 2 obsolete")
        else:
            assert line == (f"updated {name}: 0 new, 8 unchanged, 0 changed,"
                            " 0 retouched (typography only), 0 obsolete")
    assert lines[-1].startswith("72 articles (2 new, 70 updated)")


def first_pass_peak(desk, folder: Path) -> int:
    from transdesk import importing

    paths = expand_folders([str(folder)])
    tracemalloc.start()
    try:
        reports = importing.import_files(desk, paths, importing.ImportOptions(keep=False))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reports == []
    return peak


def test_a_reimport_keeps_a_few_bytes_per_file(db_path, tmp_path, monkeypatch):
    """Re-importing 600 unchanged files peaks at most ~120 bytes a file above 200 of
    them (it kept ~500: a path, an id, a SHA-256 and two languages in an object per
    file, and a dict of the ids). The desk is asked about 50 ids at a time here, so
    that the files waiting for that answer stay few beside the archive."""
    from transdesk import storage
    from transdesk.storage import articles

    write_archive(tmp_path / "small", 200)
    write_archive(tmp_path / "big", 600)
    desk = storage.open(str(db_path), create=True)
    try:
        from transdesk import importing

        importing.import_files(desk, expand_folders([str(tmp_path / "big")]),
                               importing.ImportOptions(keep=False))
        monkeypatch.setattr(articles, "IN_CHUNK", 50)
        first_pass_peak(desk, tmp_path / "small")  # (what loads once, loaded)
        grown = first_pass_peak(desk, tmp_path / "big") - first_pass_peak(desk,
                                                                          tmp_path / "small")
    finally:
        desk.close()
    assert grown < 400 * 120, grown
