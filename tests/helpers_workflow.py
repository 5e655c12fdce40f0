"""Setting up translation states for the workflow tests through the real library, on
either engine: `location` is a SQLite path or a PostgreSQL URL (`Cli.db_path`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import Cli

from transdesk import storage, store
from transdesk.db import now, write_transaction


def is_postgres(location: Any) -> bool:
    return storage.is_postgres(str(location))


def import_articles(run: Cli, work: Path, *paths: Path) -> None:
    """`transdesk import` the articles into the desk of `run`. On PostgreSQL through a
    SQLite desk of the test's own and `db copy --replace` (the import is ported to
    PostgreSQL on another branch; then this becomes `run("import", ...)` there too)."""
    if not is_postgres(run.db_path):
        for path in paths:
            result = run("import", str(path))
            assert result.exit_code == 0, result.output
        return
    staging = Cli(work / "staging.db")
    for path in paths:
        result = staging("import", str(path))
        assert result.exit_code == 0, result.output
    result = staging("db", "copy", str(staging.db_path), str(run.db_path), "--replace")
    assert result.exit_code == 0, result.output


def put(location: Any, unit_id: int, lang: str, text: str, status: str = "draft",
        origin: str = "mt:google", translator: str | None = None, score: float | None = None,
        note: str | None = None) -> None:
    """Write a translation the way the drafting or another translator would."""
    desk = storage.open(location)
    try:
        if desk.engine == "sqlite":
            with write_transaction(desk.db) as conn:
                store.write_translation(conn, unit_id, lang, text=text, status=status,
                                        origin=origin, translator=translator, score=score,
                                        note=note)
            return
        with desk.transaction():  # the desk's owner is an editor: it writes the tables
            old_text, old_status = desk.execute(
                "SELECT text, status FROM translations WHERE unit_id = ? AND lang = ?",
                [unit_id, lang]).fetchone()
            ts = now()
            desk.execute("UPDATE translations SET text = ?, status = ?, origin = ?, score = ?,"
                         " translator = ?, updated_at = ? WHERE unit_id = ? AND lang = ?",
                         [text, status, origin, score, translator, ts, unit_id, lang])
            desk.execute("INSERT INTO history (unit_id, lang, at, translator, origin, action,"
                         " old_text, new_text, old_status, new_status, note, score)"
                         " VALUES (?, ?, ?, ?, ?, 'edit', ?, ?, ?, ?, ?, ?)",
                         [unit_id, lang, ts, translator, origin, old_text, text, old_status,
                          status, note, score])
    finally:
        desk.close()


def row(location: Any, unit_id: int, lang: str) -> dict:
    desk = storage.open(location, migrate=False)
    try:
        cursor = desk.execute("SELECT * FROM translations WHERE unit_id = ? AND lang = ?",
                              [unit_id, lang])
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))
    finally:
        desk.close()


def sql(location: Any, statement: str, params: tuple = ()) -> list[tuple]:
    """One statement (`?` placeholders) on either engine, committed."""
    desk = storage.open(location, migrate=False)
    try:
        with desk.transaction():
            cursor = desk.execute(statement, params)
            rows = cursor.fetchall() if cursor.description else []
        return [tuple(r) for r in rows]
    finally:
        desk.close()
