"""A short `import` starts fast: no sqlite-utils, one command module, and a new
database's schema in one transaction, the same as sqlite-utils builds step by step."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from conftest import SAMPLES

from transdesk import db


def _schema(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                               " ORDER BY name").fetchall(), key=repr)


def test_a_new_database_gets_the_schema_sqlite_utils_builds_step_by_step(tmp_path):
    fast = db.open_conn(tmp_path / "fast.db")
    slow = db.connect(tmp_path / "slow.db")
    slow.execute("PRAGMA recursive_triggers = ON")
    database = db.as_database(slow)
    with db.write_transaction(database):
        db.migration_set().apply(database)
    assert _schema(fast) == _schema(slow)
    query = f"SELECT id, migration_set, name FROM {db.MIGRATIONS_TABLE} ORDER BY id"
    assert fast.execute(query).fetchall() == slow.execute(query).fetchall()
    assert [row[2] for row in fast.execute(query)] == db.migration_names()
    # and the history is one a later transdesk reads as complete
    fast.close()
    assert db.open_db(tmp_path / "fast.db").execute(query).fetchall()


def _modules_loaded(args: list[str]) -> set[str]:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "transdesk", *args],
                            capture_output=True, text=True, check=True)
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
            if line.startswith("import time:")}


@pytest.mark.sqlite_only  # what a SQLite desk's commands import
def test_import_into_a_new_and_an_existing_desk_loads_no_sqlite_utils(tmp_path):
    desk = str(tmp_path / "desk.db")
    for article in ("ru-budget", "uk-bridge"):  # a new database, then the desk
        loaded = _modules_loaded(["--db", desk, "import", str(SAMPLES / f"{article}.txt")])
        assert "sqlite_utils" not in loaded
        assert "transdesk.commands.articles" in loaded
        assert "transdesk.commands.checking" not in loaded
        # nor what only some imports need: Cyrillic file names' tables, random names
        # of temporary files, importlib.resources' zip and temporary-file support
        # (a new desk is built under a random temporary name: secrets then)
        for module in ("translitua", "importlib.resources", "tempfile", "zipfile", "getpass",
                       "transdesk.storage.migrations", *(["secrets"] if article == "uk-bridge"
                                                         else [])):
            assert module not in loaded, module
    # code that wants the sqlite-utils Database still gets it, over the same connection
    from transdesk.storage.sqlite import SqliteDesk

    opened = SqliteDesk(desk)
    try:
        assert opened.db.conn is opened.conn
        assert opened.db["articles"].count == 2
    finally:
        opened.close()
