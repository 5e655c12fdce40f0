"""Setting up translation states for the workflow tests through the real library."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from transdesk import store
from transdesk.db import open_db, write_transaction


def put(db_path: Path, unit_id: int, lang: str, text: str, status: str = "draft",
        origin: str = "mt:google", translator: str | None = None, score: float | None = None,
        note: str | None = None) -> None:
    """Write a translation the way the drafting or another translator would."""
    db = open_db(db_path)
    try:
        with write_transaction(db) as conn:
            store.write_translation(conn, unit_id, lang, text=text, status=status,
                                    origin=origin, translator=translator, score=score,
                                    note=note)
    finally:
        db.close()


def row(db_path: Path, unit_id: int, lang: str) -> dict:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        found = conn.execute("SELECT * FROM translations WHERE unit_id = ? AND lang = ?",
                             [unit_id, lang]).fetchone()
        return dict(found)
    finally:
        conn.close()


def sql(db_path: Path, statement: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            return conn.execute(statement, params).fetchall()
    finally:
        conn.close()
