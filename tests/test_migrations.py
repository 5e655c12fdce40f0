"""The schema is built by numbered migrations; older databases open and are upgraded."""

from __future__ import annotations

import sqlite3

from conftest import SAMPLES

from transdesk import importing
from transdesk.cli import cli
from transdesk.db import apply_migrations, migration_set, open_db


def applied(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        conn.close()


def test_blank_database_gets_every_migration(db_path):
    db = open_db(db_path)
    assert applied(db_path) == [m.name for m in migration_set()._migrations]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    db.close()


def test_database_of_first_release_is_upgraded_with_its_data(run, db_path):
    """A database as the first schema (m001 only) left it: data survives the upgrade."""
    old = open_db(db_path, migrate=False)
    apply_migrations(old, stop_before="m002_translations_by_article")
    assert applied(db_path) == ["m001_core"]
    data = (SAMPLES / "ru-budget.txt").read_bytes()
    importing.import_article(old, data, "ru-budget")
    old.close()

    units = run.json("units", "ru-budget")  # opening through the CLI migrates
    assert applied(db_path) == [m.name for m in migration_set()._migrations]
    assert units[2]["source"].startswith("Правительство одобрило")
    conn = sqlite3.connect(db_path)
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "translations_article" in indexes
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    out = run("export", "ru-budget", "--lang", "ru")
    assert out.stdout_bytes == data


def test_reopening_applies_nothing_twice(db_path):
    open_db(db_path).close()
    first = applied(db_path)
    open_db(db_path).close()
    assert applied(db_path) == first


def test_a_database_file_that_is_not_sqlite_is_bad_input(run, tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not a database" * 100)
    result = run.runner.invoke(cli, ["--db", str(bogus), "articles"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "bogus.db" in result.stderr
