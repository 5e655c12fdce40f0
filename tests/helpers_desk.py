"""Reading and writing a test's desk directly, whichever its engine (`run.db_path` is a
SQLite file or, in the `--desk postgresql` pass, a PostgreSQL URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TABLES = ("articles", "units", "translations", "history")


def open_desk(location: str | Path) -> Any:
    from transdesk import storage

    return storage.open(str(location), create=False)


def query(location: str | Path, statement: str, params: list | tuple = ()) -> list[tuple]:
    """The rows of one statement (`?` placeholders), as tuples."""
    return sql(location, statement, tuple(params))


def execute(location: str | Path, statement: str, params: list | tuple = ()) -> None:
    """Run one writing statement in a transaction of its own."""
    sql(location, statement, tuple(params))


def table_dump(location: str | Path) -> list:
    """Every row of the articles, units, translations and history tables."""
    desk = open_desk(location)
    try:
        return [[tuple(row) for row in desk.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()]
                for t in TABLES]
    finally:
        desk.close()


def submit_direct(location: str | Path, key: str, lang: str, text: str,
                  status: str = "translated") -> int:
    """Give a unit of the desk's first article a translation through the store's one
    writer (row + history); returns the unit's id."""
    from transdesk.store import unit_id_for, write_translation

    desk = open_desk(location)
    try:
        first = desk.execute("SELECT id FROM articles ORDER BY id").fetchone()[0]
        unit_id = unit_id_for(desk, first, key)
        with desk.transaction():
            write_translation(desk, unit_id, lang, text=text, status=status, origin="human",
                              translator="ann")
    finally:
        desk.close()
    return unit_id


def sql(location: Path | str, statement: str, params: tuple = ()) -> list[tuple]:
    """Run one statement in a transaction of its own; the rows it returns, as tuples."""
    desk = open_desk(location)
    try:
        with desk.transaction():
            cursor = desk.execute(statement, params)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    finally:
        desk.close()


def put(location: Path | str, unit_id: int, lang: str, text: str, status: str = "draft",
        origin: str = "mt:google", translator: str | None = None, score: float | None = None,
        note: str | None = None) -> None:
    """Write a translation the way the drafting or another translator would (the
    library's one writer of translations, with its history row)."""
    from transdesk import store

    desk = open_desk(location)
    try:
        with desk.transaction():
            store.write_translation(desk, unit_id, lang, text=text, status=status,  # type: ignore[arg-type]
                                    origin=origin, translator=translator, score=score,
                                    note=note)
    finally:
        desk.close()
