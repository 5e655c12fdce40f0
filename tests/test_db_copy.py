"""`db copy`: a whole desk SQLite → PostgreSQL → SQLite, checked by counts and checksums."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import Cli
from helpers_pg import fill_from_samples

from transdesk import storage
from transdesk.storage import claims
from transdesk.storage.copy import TABLES


def enrich(path) -> None:
    """Translations with history and memory, an MT cache row, an exception, a TMX unit,
    a schedule and a post-edit measured."""
    run = Cli(path)
    assert run("plan", "ru-budget-0", "--priority", "urgent", "--due", "+2h").exit_code == 0
    for i in range(6):
        unit = run.json("next", "--lang", "en")
        assert run("submit", str(unit["id"]), "--lang", "en", "--text",
                   f"Translated «{i}» — ok").exit_code == 0
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO mt_cache VALUES ('google', 'ru', 'en', 'Привет', 'Hello',"
                     " NULL, '2026-01-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO mt_cache VALUES ('google', 'ru', 'en', 'Нет', NULL,"
                     " 'cannot', '2026-01-01T00:00:00.000000Z')")
        unit = conn.execute("SELECT unit_id FROM translations WHERE text IS NOT NULL").fetchone()[0]
        conn.execute("INSERT INTO check_exceptions VALUES (?, 'en', 'numbers', 'x', 'fine',"
                     " 'tester', '2026-01-01T00:00:00.000000Z')", [unit])
        conn.execute("INSERT INTO tm_imported (id, digest, file, imported_at) VALUES"
                     " (1, 'abc', 'old.tmx', '2026-01-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO tm_imported_variants VALUES (1, 'ru', 'Дом'), (1, 'en', 'House')")
        conn.execute("INSERT INTO tm_memory (key, grp, lang, text) VALUES (-4, -1, 'ru', 'Дом'),"
                     " (-2, -1, 'en', 'House')")
        conn.execute("INSERT INTO postedits VALUES (1, '2026-01-01T00:00:00.000000Z', 'en',"
                     " 'ru-en', 'tm', 'tester', 55.5, 0.25, 0.1, 42.0)")
    conn.close()


def table_dump(path, table: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        key = ", ".join(dict(TABLES)[table])
        return conn.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
    finally:
        conn.close()


@pytest.mark.english
def test_round_trip_sqlite_postgres_sqlite(pg_url, samples, tmp_path):
    lite = fill_from_samples(pg_url, samples, tmp_path)  # (also copies it once)
    enrich(lite)
    run = Cli(lite)
    result = run("db", "copy", str(lite), pg_url, "--json")
    assert result.exit_code == 1 and "is not empty: give --replace" in result.output
    report = json.loads(run("db", "copy", str(lite), pg_url, "--replace", "--json").stdout)
    assert report["tables"]["history"]["rows"] == 8  # 6 translations and plan's row per target language
    assert report["tables"]["mt_cache"]["rows"] == 2
    assert report["tables"]["schedule"]["rows"] == 2  # the article's two target languages
    assert report["tables"]["postedits"]["rows"] == 1
    back = tmp_path / "back.db"
    result = run("db", "copy", pg_url, str(back), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tables"] == report["tables"]
    for table, _key in TABLES:
        assert table_dump(back, table) == table_dump(lite, table), table
    # the copied SQLite desk works: same units, and the memory's full-text index follows
    article = Cli(lite).json("articles")[0]["id"]
    assert Cli(back).json("units", article) == Cli(lite).json("units", article)
    conn = sqlite3.connect(back)
    assert conn.execute("SELECT count(*) FROM tm_fts WHERE tm_fts MATCH 'House'").fetchone()[0] == 1
    conn.close()


def test_copied_postgres_desk_goes_on(pg_url, samples, tmp_path):
    """Ids continue after the copied ones; triggers work again; history rows from SQLite
    have no server login."""
    lite = fill_from_samples(pg_url, samples, tmp_path)
    enrich(lite)
    assert Cli(lite)("db", "copy", str(lite), pg_url, "--replace").exit_code == 0
    desk = storage.open(pg_url)
    try:
        conn = desk.conn
        assert conn.execute("SELECT count(*) FROM history WHERE login IS NOT NULL"
                            ).fetchone()[0] == 0
        max_history = conn.execute("SELECT max(id) FROM history").fetchone()[0]
        unit = claims.next_unit(desk, "en")
        assert unit is not None
        claims.submit(desk, unit["id"], "en", text="After the move")
        new = conn.execute("SELECT id, login FROM history ORDER BY id DESC LIMIT 1").fetchone()
        assert new == (max_history + 1, desk.login)
        memory = conn.execute("SELECT count(*) FROM tm_memory WHERE text = 'After the move'"
                              ).fetchone()[0]
        assert memory == 1  # the memory trigger is on again
        dirty = conn.execute("SELECT count(*) FROM check_dirty WHERE unit_id = %s",
                             [unit["id"]]).fetchone()[0]
        assert dirty == 1
        next_unit_id = conn.execute(
            "SELECT nextval(pg_get_serial_sequence('units', 'id'))").fetchone()[0]
        assert next_unit_id > conn.execute("SELECT max(id) FROM units").fetchone()[0]
    finally:
        desk.close()


@pytest.mark.english
def test_copy_into_a_non_empty_sqlite_desk_is_refused(tmp_path, samples):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    for path in (a, b):
        assert Cli(path)("import", str(samples / "ru-budget.txt")).exit_code == 0
    before = table_dump(b, "units")
    result = Cli(a)("db", "copy", str(a), str(b))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: desk {b} is not empty: give --replace to overwrite it"
    assert table_dump(b, "units") == before
    assert Cli(a)("db", "copy", str(a), str(b), "--replace").exit_code == 0
    assert table_dump(b, "units") == table_dump(a, "units")


def test_a_write_to_the_source_during_the_copy_changes_nothing(pg_url, samples, tmp_path,
                                                               monkeypatch):
    """The source is read in one snapshot: a command writing to it while the copy runs
    (here after the rows went over, before the checksums) neither breaks the check
    (it was exit 3) nor gets half into the copy."""
    from transdesk.storage import copy as copying

    lite = fill_from_samples(pg_url, samples, tmp_path)
    before = Cli(lite).json("db", "info")["counts"]["mt_cache"]
    real = copying._copy_into_postgres

    def copy_then_someone_writes(source, target, plan):
        real(source, target, plan)
        other = sqlite3.connect(lite)
        with other:
            other.execute("INSERT INTO mt_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                          ["p", "ru", "en", "written meanwhile", "x", None, "t"])
        other.close()

    monkeypatch.setattr(copying, "_copy_into_postgres", copy_then_someone_writes)
    result = Cli(lite)("db", "copy", str(lite), pg_url, "--replace", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tables"]["mt_cache"]["rows"] == before
    assert Cli(lite).json("db", "info")["counts"]["mt_cache"] == before + 1
