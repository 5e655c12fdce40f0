"""Looking at and setting up a desk of either engine from a test (the `run` fixture's
desk: a SQLite path, or with `--desk postgresql` a PostgreSQL URL), through the real
storage layer: `desk.execute` with `?` placeholders on both."""

from __future__ import annotations

from pathlib import Path

from transdesk import storage, store


def sql(location: Path | str, statement: str, params: tuple = ()) -> list[tuple]:
    """Run one statement in a transaction of its own; the rows it returns, as tuples."""
    desk = storage.open(location)
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
    desk = storage.open(location)
    try:
        with desk.transaction():
            store.write_translation(desk, unit_id, lang, text=text, status=status,  # type: ignore[arg-type]
                                    origin=origin, translator=translator, score=score,
                                    note=note)
    finally:
        desk.close()
