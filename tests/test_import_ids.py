"""Article ids from file names: Cyrillic transliterated, a length limit, and one article
per file name (another file whose id would be the same is refused, issue 11 item 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers_desk import execute, query, table_dump
from test_import import ORIGINAL, UPDATED, stored_ids

from transdesk.article_id import MAX_LENGTH, slugify


@pytest.mark.parametrize(
    ("name", "lang", "expected"),
    [
        ("Бюджет 2026", None, "byudzhet-2026"),  # Russian passport table (default)
        ("Выборы 2026", None, "vybory-2026"),
        ("Бюджет 2026", "uk", "biudzhet-2026"),  # a Ukrainian article: the KMU 2010 table
        ("Київ Харків", None, "kyiv-kharkiv"),  # і ї: Ukrainian whatever the article
        ("Хмельницький", "uk", "khmelnytskyi"),
        ("Подъезд Юлия", "uk", "podezd-yuliya"),  # ъ: Russian whatever the article
        ("ru-budget", None, "ru-budget"),
        ("新聞", None, "article-9c200fe1"),
    ],
)
def test_file_names_are_transliterated(name, lang, expected):
    assert slugify(name, lang) == expected


@pytest.mark.parametrize("lang", [None, "ru", "uk", "en"])
def test_ascii_names_skip_the_tables_and_come_out_as_the_tables_make_them(lang):
    """An ASCII name is not given to translitua (its import costs a short command), and
    becomes what the tables would make of it (they drop the apostrophe, nothing else)."""
    from translitua import RussianInternationalPassport1997, UkrainianKMU, translit

    from transdesk.article_id import transliterate

    every = "".join(map(chr, range(128)))
    names = [every, "don't-panic", "O'Brien 2024", "ru-00001", "Kyiv_bridge.v2", "zgh'ia"]
    for name in names:
        tables = translit(translit(name, RussianInternationalPassport1997), UkrainianKMU)
        assert transliterate(name, lang) == tables
        assert transliterate(name, lang) == str(translit(name, UkrainianKMU))
    assert slugify("don't-panic", lang) == "dont-panic"


def test_a_long_file_name_gives_an_id_of_at_most_100_characters(run, tmp_path):
    path = tmp_path / ("длинное название статьи " * 5 + ".txt")  # 235 bytes
    path.write_text(ORIGINAL, encoding="utf-8")
    result = run("import", str(path), "--json")
    assert result.exit_code == 0, result.output
    article = run.json("articles")[0]["id"]
    assert len(article) <= MAX_LENGTH and article.startswith("dlinnoe-nazvanie-stati-dlinnoe")
    assert not article.endswith("-")
    out = tmp_path / "po"
    assert run("po", "export", article, "--lang", "en", "--dir", str(out)).exit_code == 0
    assert (out / "en" / "LC_MESSAGES" / f"{article}.po").exists()


@pytest.mark.english
def test_a_given_id_longer_than_100_is_bad_input(run, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    result = run("import", str(path), "--id", "a" * (MAX_LENGTH + 1))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: article id too long")
    assert not stored_ids(run)


def test_cyrillic_file_names_become_separate_articles(run, tmp_path):
    budget, elections = tmp_path / "Бюджет 2026.txt", tmp_path / "Выборы 2026.txt"
    budget.write_text(ORIGINAL, encoding="utf-8")
    elections.write_text(UPDATED, encoding="utf-8")
    assert run("import", str(budget)).exit_code == 0
    assert run("import", str(elections)).exit_code == 0
    assert sorted(a["id"] for a in run.json("articles")) == ["byudzhet-2026", "vybory-2026"]


@pytest.mark.english
def test_another_file_with_the_same_id_is_refused_unless_update(run, tmp_path):
    first = tmp_path / "Бюджет 2026.txt"
    first.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(first)).exit_code == 0
    other = tmp_path / "бюджет-2026.txt"  # another file name, the same derived id
    other.write_text(UPDATED, encoding="utf-8")
    before = table_dump(run.db_path)
    result = run("import", str(other))
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "imported from 'Бюджет 2026.txt'" in result.stderr
    assert "--id" in result.stderr and "--update" in result.stderr
    assert table_dump(run.db_path) == before
    # --id: a new article of its own
    assert run("import", str(other), "--id", "budget-draft").exit_code == 0
    assert sorted(a["id"] for a in run.json("articles")) == ["budget-draft", "byudzhet-2026"]
    # --update: a new version of the article that has the id
    result = run("import", str(other), "--update")
    assert result.exit_code == 0, result.output
    assert "updated byudzhet-2026: 1 new" in result.stdout
    # the article keeps the name it was first imported from
    assert query(run.db_path, "SELECT file FROM articles WHERE id = 'byudzhet-2026'") == [
        ("Бюджет 2026.txt",)]


@pytest.mark.english
def test_the_same_file_name_from_another_folder_updates(run, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "budget.txt").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "b" / "budget.txt").write_text(UPDATED, encoding="utf-8")
    assert run("import", str(tmp_path / "a" / "budget.txt")).exit_code == 0
    result = run("import", str(tmp_path / "b" / "budget.txt"))
    assert result.exit_code == 0, result.output
    assert "updated budget:" in result.stdout


def test_a_refusal_in_an_archive_writes_nothing(run, tmp_path):
    first = tmp_path / "Бюджет 2026.txt"
    first.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(first)).exit_code == 0
    folder = tmp_path / "archive"
    folder.mkdir()
    for n in range(70):  # an archive: the worker pool's path
        (folder / f"a{n:03}.txt").write_text(ORIGINAL.replace("бюджет", f"бюджет {n}"),
                                              encoding="utf-8")
    (folder / "БЮДЖЕТ 2026.txt").write_text(UPDATED, encoding="utf-8")
    before = table_dump(run.db_path)
    result = run("import", "-q", *sorted(str(p) for p in folder.iterdir()))
    assert result.exit_code == 1, result.output
    assert table_dump(run.db_path) == before


def test_an_article_imported_before_file_names_were_kept_is_updated(run, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    execute(run.db_path, "UPDATE articles SET file = NULL")
    other = tmp_path / "Budget.txt"
    other.write_text(UPDATED, encoding="utf-8")
    assert run("import", str(other)).exit_code == 0
    assert query(run.db_path, "SELECT file FROM articles") == [("Budget.txt",)]


@pytest.mark.english
@pytest.mark.sqlite_only  # another process holds the SQLite file's write lock
def test_a_lock_held_past_the_busy_timeout_is_a_refusal_naming_the_holder(
        run, tmp_path, monkeypatch):
    from transdesk import db

    path = tmp_path / "budget.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE')\n"
         "print('locked', flush=True)\n"
         "time.sleep(60)\n", str(run.db_path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.3)
        path.write_text(UPDATED, encoding="utf-8")
        result = run("import", str(path))
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1
    assert "has been locked by process" in result.stderr and str(holder.pid) in result.stderr
    assert Path(run.db_path).exists()


@pytest.mark.english
def test_a_bad_file_at_the_end_of_an_archive_writes_nothing(run, tmp_path):
    """An archive (the worker pool's path, two passes): every file is read and decoded
    before the first write."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for n in range(80):
        (folder / f"a{n:03}.txt").write_text(ORIGINAL.replace("бюджет", f"бюджет {n}"),
                                              encoding="utf-8")
    (folder / "z-last.txt").write_bytes(bytes(range(256)) * 8)
    result = run("import", "-q", *sorted(str(p) for p in folder.iterdir()))
    assert result.exit_code == 2, result.output
    assert "z-last.txt" in result.stderr and "binary" in result.stderr
    assert not stored_ids(run)
    # the same into a desk that exists (two passes: nothing written before all are read)
    one = tmp_path / "one.txt"
    one.write_text(UPDATED, encoding="utf-8")
    assert run("import", str(one)).exit_code == 0
    result = run("import", "-q", *sorted(str(p) for p in folder.iterdir()))
    assert result.exit_code == 2, result.output
    assert stored_ids(run) == ["one"]
    (folder / "z-last.txt").unlink()
    result = run("import", "-q", *sorted(str(p) for p in folder.iterdir()))
    assert result.exit_code == 0, result.output
    assert len(run.json("articles")) == 81
