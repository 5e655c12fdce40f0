"""Setting up translation states for the workflow tests through the real library, on
either engine: `location` is a SQLite path or a PostgreSQL URL (`Cli.db_path`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from conftest import Cli
from helpers_desk import put  # noqa: F401  (the one writer of test translations)

from transdesk import storage


def is_postgres(location: Any) -> bool:
    return storage.is_postgres(str(location))


def import_articles(run: Cli, work: Path, *paths: Path) -> None:
    """`transdesk import` the articles into the desk of `run` (either engine)."""
    for path in paths:
        result = run("import", str(path))
        assert result.exit_code == 0, result.output


def row(location: Any, unit_id: int, lang: str) -> dict:
    if not is_postgres(location):  # a plain reader: no opening checks, no lock taken
        conn = sqlite3.connect(location)
        conn.row_factory = sqlite3.Row
        try:
            return dict(conn.execute("SELECT * FROM translations WHERE unit_id = ?"
                                     " AND lang = ?", [unit_id, lang]).fetchone())
        finally:
            conn.close()
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
    if not is_postgres(location):
        conn = sqlite3.connect(location)
        try:
            with conn:
                return conn.execute(statement, params).fetchall()
        finally:
            conn.close()
    desk = storage.open(location, migrate=False)
    try:
        with desk.transaction():
            cursor = desk.execute(statement, params)
            rows = cursor.fetchall() if cursor.description else []
        return [tuple(r) for r in rows]
    finally:
        desk.close()
