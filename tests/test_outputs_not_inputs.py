"""No command writes over its own inputs: the database, its -wal/-shm, a folder holding
it (po export --dir), by any name (symlink, hard link, `..`). Exit 2, database intact."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import transdesk_cmd
from helpers_export import translate

# the refusals are checked by their (English) wording: the command layer's come first
pytestmark = pytest.mark.english


def fingerprint(db: Path) -> tuple[str, int, int]:
    conn = sqlite3.connect(db)
    try:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        history = conn.execute("SELECT count(*) FROM history").fetchone()[0]
    finally:
        conn.close()
    return hashlib.sha256(db.read_bytes()).hexdigest(), articles, history


@pytest.fixture
def desk(run, samples, db_path):
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    translate(db_path, "ru-budget", "uk")
    before = fingerprint(db_path)
    assert before[1] == 1 and before[2] > 0
    return before


def refused(result, db_path: Path, before) -> str:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: "), result.stderr
    assert result.stderr.count("\n") == 1
    assert fingerprint(db_path) == before
    return result.stderr


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_onto_the_database_files_is_refused(run, desk, db_path, suffix):
    target = f"{db_path}{suffix}"
    for fmt in ("article", "tmx", "aligned"):
        message = refused(run("export", "ru-budget", "--lang", "uk", "--format", fmt,
                              "-o", target), db_path, desk)
        assert repr(target) in message
        assert "database" in message


def test_export_onto_the_database_by_another_name_is_refused(run, desk, db_path, tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(db_path)
    hard = tmp_path / "hard.txt"
    os.link(db_path, hard)
    sub = tmp_path / "sub"
    sub.mkdir()
    for name in (str(link), str(hard), str(sub / ".." / db_path.name)):
        refused(run("export", "ru-budget", "--lang", "uk", "-o", name), db_path, desk)
    assert link.is_symlink()


@pytest.mark.sqlite_only  # moves the SQLite file
def test_export_into_a_directory_never_writes_over_the_database(run, desk, tmp_path):
    # the database is named exactly as the export of ru-budget in uk would be
    db = tmp_path / "ru-budget.uk.txt"
    os.replace(run.db_path, db)
    run.db_path = db
    before = fingerprint(db)
    refused(run("export", "ru-budget", "--lang", "uk", "-o", f"{tmp_path}/"), db, before)
    refused(run("export", "--finished", "--lang", "uk", "-o", str(tmp_path)), db, before)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_tm_export_onto_the_database_files_is_refused(run, desk, db_path, suffix):
    refused(run("tm", "export", f"{db_path}{suffix}"), db_path, desk)
    refused(run("tm", "export", f"{db_path}{suffix}", "--include-imported"), db_path, desk)


def test_po_export_into_a_folder_holding_the_database_is_refused(run, desk, db_path, tmp_path):
    for folder in (str(tmp_path), "."):
        message = refused(run("po", "export", "--dir", folder), db_path, desk)
        assert "holds the database" in message
    # where catalogs go: <dir>/<lang>/LC_MESSAGES
    (tmp_path / "loc" / "uk" / "LC_MESSAGES").mkdir(parents=True)
    moved = tmp_path / "loc" / "uk" / "LC_MESSAGES" / "desk.db"
    os.replace(db_path, moved)
    run.db_path = moved
    assert "holds the database" in refused(run("po", "export", "--dir", str(tmp_path / "loc")),
                                           moved, desk)
    os.replace(moved, db_path)
    run.db_path = db_path
    assert not (tmp_path / "uk").exists() and not list(tmp_path.glob("*.pot"))
    # elsewhere it works, a parent of the database's folder included
    assert run("po", "export", "--dir", str(tmp_path / "locales")).exit_code == 0
    assert run("po", "export", "--dir", str(tmp_path.parent)).exit_code == 0


def test_stdout_redirected_onto_the_database_is_refused(run, desk, db_path):
    with db_path.open("ab") as out:  # `transdesk export ... >> desk.db`
        result = subprocess.run([*transdesk_cmd(), "--db", str(db_path), "export", "ru-budget",
                                 "--lang", "uk"], stdout=out, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: refusing to write to standard output: it is the"
                                    " database")
    assert fingerprint(db_path) == desk


def test_ordinary_outputs_still_work(run, desk, db_path, tmp_path):
    assert run("export", "ru-budget", "--lang", "uk", "-o", str(tmp_path / "a.txt")).exit_code == 0
    assert run("tm", "export", str(tmp_path / "m.tmx")).exit_code == 0
    assert "[uk] " in (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert "<tmx" in (tmp_path / "m.tmx").read_text(encoding="utf-8")
    assert fingerprint(db_path)[1:] == desk[1:]
