"""Helpers for the `check` tests: tiny articles and translations written through the store,
on the desk the `run` fixture gives (a SQLite file, or a PostgreSQL URL in the
`--desk postgresql` pass)."""

from __future__ import annotations

from pathlib import Path

from transdesk import storage
from transdesk.store import unit_id_for, write_translation

TITLES = {"ru": "Короткая заметка", "uk": "Коротка замітка", "en": "A short note"}


def write_article(directory: Path, name: str, lang: str, sentence: str) -> Path:
    """An article of two units: `title` and `p1.s1` = `sentence`."""
    path = directory / f"{name}.txt"
    path.write_text(f"{TITLES[lang]}\n\n{sentence}\n", encoding="utf-8")
    return path


def translate(
    db_path: Path | str,
    article: str,
    lang: str,
    texts: dict[str, str | None],
    status: str = "translated",
) -> None:
    """Set translations by key (text None: back to untranslated) in one transaction."""
    desk = storage.open(db_path)
    try:
        ids = {key: unit_id_for(desk, article, key) for key in texts}
        with desk.transaction():
            for key, text in texts.items():
                write_translation(
                    desk, ids[key], lang, text=text,
                    status=status if text is not None else "untranslated",
                    origin="human", translator="tester",
                )
    finally:
        desk.close()


def query(db_path: Path | str, sql: str, params: list | tuple = ()) -> list[tuple]:
    """The rows of one query (`?` placeholders) on the desk, as tuples."""
    desk = storage.open(db_path)
    try:
        return [tuple(row) for row in desk.execute(sql, params).fetchall()]
    finally:
        desk.close()


def execute(db_path: Path | str, *statements: str) -> None:
    """Run statements on the desk in one transaction."""
    desk = storage.open(db_path)
    try:
        with desk.transaction():
            for statement in statements:
                desk.execute(statement)
    finally:
        desk.close()
