"""The storage layer: one `open` for both engines, one schema history, `db info`."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import Cli

from transdesk import migrations as sqlite_migrations
from transdesk import storage
from transdesk.errors import BadInput
from transdesk.storage import migrations
from transdesk.storage.postgres import PostgresDesk
from transdesk.storage.sqlite import SqliteDesk

# tables (and columns) that exist on one engine only, and why
SQLITE_ONLY_TABLES = {"tm_fts", "tm_vocab", "_sqlite_migrations", "sqlite_sequence"}
POSTGRES_ONLY_TABLES = {"transdesk_migrations", "desk_settings",
                        "tm_words", "tm_words_pending"}  # SQLite: tm_vocab
POSTGRES_ONLY_COLUMNS = {("history", "login")}


def test_open_follows_the_location(engine, desk_url):
    desk = storage.open(desk_url)
    try:
        assert desk.engine == engine
        assert isinstance(desk, SqliteDesk if engine == "sqlite" else PostgresDesk)
        steps = desk.applied_steps()
        expected = [s.name for s in migrations.POSTGRES_STEPS] if engine == "postgresql" \
            else migrations.sqlite_step_names()
        assert steps == expected
        info = desk.info()
        assert info["engine"] == engine
        assert info["schema"] == {"steps": len(expected), "last": expected[-1]}
        assert info["counts"]["articles"] == info["counts"]["units"] == 0
        assert info["size_bytes"] > 0
    finally:
        desk.close()


def test_db_info_on_both_engines(engine, desk_url):
    run = Cli(desk_url)  # type: ignore[arg-type]
    info = run.json("db", "info")
    assert info["engine"] == engine
    assert info["server_version"].startswith("SQLite" if engine == "sqlite" else "PostgreSQL")
    text = run("db", "info")
    assert text.exit_code == 0
    assert f"({engine})" in text.output and "translations:" in text.output


def test_every_sqlite_step_has_its_postgres_step():
    """One history: the SQLite list and the PostgreSQL list name the same steps, in the
    same order (PostgreSQL-only steps aside)."""
    sqlite_names = migrations.sqlite_step_names()
    postgres_shared = [s.name for s in migrations.POSTGRES_STEPS if s.sqlite]
    assert postgres_shared == [n for n in sqlite_names if n not in migrations.NOT_YET_ON_POSTGRES]
    registered = [name for name in dir(sqlite_migrations) if name.startswith("m0")]
    assert set(registered) <= set(sqlite_names)
    # numbered in order on both engines
    all_names = [s.name for s in migrations.POSTGRES_STEPS]
    assert all_names == sorted(all_names)


def test_postgres_schema_matches_the_sqlite_schema(pg_url, tmp_path):
    """Same tables, same columns, so that a query means the same on both engines."""
    lite = storage.open(tmp_path / "desk.db")
    pg = storage.open(pg_url)
    try:
        lite_tables = {t for t in lite.db.table_names() if not t.startswith("tm_fts")}
        lite_tables -= SQLITE_ONLY_TABLES
        pg_tables = {row[0] for row in pg.conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert pg_tables - POSTGRES_ONLY_TABLES == lite_tables
        for table in lite_tables:
            lite_columns = [c.name for c in lite.db[table].columns]
            pg_columns = [row[0] for row in pg.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " ORDER BY ordinal_position", [table])]
            assert [c for c in pg_columns if (table, c) not in POSTGRES_ONLY_COLUMNS] \
                == lite_columns, table
    finally:
        lite.close()
        pg.close()


@pytest.mark.english
def test_sqlite_desk_made_by_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "desk.db"
    storage.open(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                     " VALUES ('transdesk', 'm999_future', 'x')")
    conn.close()
    with pytest.raises(BadInput, match=r"newer transdesk .*m999_future"):
        storage.open(path)
    result = Cli(path)("db", "info")
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "m999_future" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_sqlite_desk_of_0_1_0_upgrades_in_place(tmp_path):
    """A desk that stopped at an older step gets the rest, as before."""
    from sqlite_utils import Database

    from transdesk.db import apply_migrations, connect

    path = tmp_path / "old.db"
    db = Database(connect(path))
    apply_migrations(db, stop_before="m020_memory")
    db.close()
    desk = storage.open(path)
    try:
        assert desk.applied_steps() == migrations.sqlite_step_names()
    finally:
        desk.close()


@pytest.mark.english
def test_placeholders_become_pyformat_outside_quotes():
    from transdesk.storage.sql import to_pyformat

    assert to_pyformat("SELECT a FROM t WHERE b = ? AND c LIKE 'x?%' AND \"we?ird\" = ?") \
        == "SELECT a FROM t WHERE b = %s AND c LIKE 'x?%%' AND \"we?ird\" = %s"
    assert to_pyformat("SELECT 5 % 3, ?") == "SELECT 5 %% 3, %s"


def test_one_statement_and_one_transaction_for_both_engines(engine, desk_url):
    desk = storage.open(desk_url)
    try:
        with desk.transaction():
            desk.execute("INSERT INTO mt_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                         ["p", "ru", "en", "100% sure?", "yes", None, "t"])
        with pytest.raises(RuntimeError), desk.transaction():
            desk.execute("INSERT INTO mt_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                         ["p", "ru", "en", "rolled back", "no", None, "t"])
            raise RuntimeError("abandon")
        rows = desk.execute("SELECT source, text FROM mt_cache WHERE source LIKE '%?' OR"
                            " provider = ? ORDER BY source", ["p"]).fetchall()
        assert [tuple(r) for r in rows] == [("100% sure?", "yes")]
    finally:
        desk.close()
