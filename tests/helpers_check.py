"""Helpers for the `check` tests: tiny articles and translations written through the store."""

from __future__ import annotations

from pathlib import Path

from transdesk.db import open_db, write_transaction
from transdesk.store import unit_id_for, write_translation

TITLES = {"ru": "Короткая заметка", "uk": "Коротка замітка", "en": "A short note"}


def write_article(directory: Path, name: str, lang: str, sentence: str) -> Path:
    """An article of two units: `title` and `p1.s1` = `sentence`."""
    path = directory / f"{name}.txt"
    path.write_text(f"{TITLES[lang]}\n\n{sentence}\n", encoding="utf-8")
    return path


def translate(
    db_path: Path,
    article: str,
    lang: str,
    texts: dict[str, str | None],
    status: str = "translated",
) -> None:
    """Set translations by key (text None: back to untranslated) in one transaction."""
    db = open_db(db_path)
    try:
        ids = {key: unit_id_for(db, article, key) for key in texts}
        with write_transaction(db) as conn:
            for key, text in texts.items():
                write_translation(
                    conn, ids[key], lang, text=text,
                    status=status if text is not None else "untranslated",
                    origin="human", translator="tester",
                )
    finally:
        db.close()


def query(db_path: Path, sql: str, params: list | tuple = ()) -> list[tuple]:
    db = open_db(db_path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()
