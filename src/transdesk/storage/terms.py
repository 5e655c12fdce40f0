"""The SQL of the termbase (`term_concepts`, `term_forms`), the desk word list
(`desk_words`) and their history (`style_history`), for both engines (migration m050).

`db` is a desk (`storage.open`, either engine) or a SQLite database from code not moved
to desks yet: both answer `execute(sql, params)` with `?` placeholders, and the
statements are written once (`RETURNING`, `ON CONFLICT DO NOTHING`: SQLite 3.35+ and
PostgreSQL). Writes go through `writing(db)`, one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


@contextmanager
def writing(db: Any) -> Iterator[Any]:
    """One write transaction on a desk (`desk.transaction()`) or a sqlite-utils
    Database (`db.write_transaction`); yields what to run the statements on."""
    if hasattr(db, "engine"):
        with db.transaction():
            yield db
    else:
        from transdesk.db import write_transaction

        with write_transaction(db) as conn:
            yield conn


def revision(db: Any) -> int:
    """Grows with every change to terms or words (versions the recorded findings)."""
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM style_history", []).fetchone()[0])


def concept_rows(db: Any) -> list[tuple[int, str, int, str | None, str]]:
    """(id, note, case_sensitive, added_by, added_at) of every concept, by id."""
    return [(int(r[0]), r[1], int(r[2]), r[3], r[4]) for r in db.execute(
        "SELECT id, note, case_sensitive, added_by, added_at FROM term_concepts ORDER BY id",
        [])]


def form_rows(db: Any) -> list[tuple[int, str, str, str]]:
    """(concept id, lang, text, status) of every form, in each concept's order."""
    return [(int(r[0]), r[1], r[2], r[3]) for r in db.execute(
        "SELECT concept_id, lang, text, status FROM term_forms ORDER BY concept_id, position",
        [])]


def insert_concept(conn: Any, note: str, case_sensitive: bool, who: str | None, ts: str,
                   forms: Sequence[tuple[str, str, str]]) -> int:
    """A new concept with its forms (lang, text, status) in order; returns its id."""
    cid = int(conn.execute(
        "INSERT INTO term_concepts (note, case_sensitive, added_by, added_at)"
        " VALUES (?, ?, ?, ?) RETURNING id", [note, int(case_sensitive), who, ts],
    ).fetchone()[0])
    conn.executemany("INSERT INTO term_forms (concept_id, lang, text, status, position)"
                     " VALUES (?, ?, ?, ?, ?)",
                     [(cid, lang, text, status, position)
                      for position, (lang, text, status) in enumerate(forms)])
    return cid


def delete_concept(conn: Any, concept_id: int) -> None:
    conn.execute("DELETE FROM term_forms WHERE concept_id = ?", [concept_id])
    conn.execute("DELETE FROM term_concepts WHERE id = ?", [concept_id])


def record(conn: Any, kind: str, ref: str, ts: str, who: str | None, action: str, old: Any,
           new: Any, note: str | None = None) -> None:
    """One `style_history` row; `old` and `new` kept as JSON."""
    conn.execute(
        "INSERT INTO style_history (kind, ref, at, who, action, old, new, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [kind, ref, ts, who, action,
         None if old is None else json.dumps(old, ensure_ascii=False),
         None if new is None else json.dumps(new, ensure_ascii=False), note])


def insert_word(conn: Any, lang: str, word: str, who: str | None, ts: str) -> bool:
    """Add a word; False when it was listed already."""
    cursor = conn.execute(
        "INSERT INTO desk_words (lang, word, added_by, added_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (lang, word) DO NOTHING", [lang, word, who, ts])
    return bool(cursor.rowcount)


def delete_word(conn: Any, lang: str, word: str) -> bool:
    """Remove a word; False when it was not listed."""
    return bool(conn.execute("DELETE FROM desk_words WHERE lang = ? AND word = ?",
                             [lang, word]).rowcount)


def _ascii_lower(text: str) -> str:
    """SQLite's NOCASE: only A-Z folded, everything else compared as it is."""
    return text.translate(_FOLD)


_FOLD = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def word_rows(db: Any, lang: str | None = None) -> list[tuple[str, str, str | None, str]]:
    """(lang, word, added_by, added_at), by language then word ignoring ASCII case (in
    Python: the same order on both engines, whatever the server's collation)."""
    statement = "SELECT lang, word, added_by, added_at FROM desk_words"
    params: list[str] = []
    if lang:
        statement += " WHERE lang = ?"
        params.append(lang)
    rows = [(r[0], r[1], r[2], r[3]) for r in db.execute(statement, params)]
    return sorted(rows, key=lambda r: (r[0], _ascii_lower(r[1]), r[1]))


def history_rows(db: Any, limit: int) -> list[tuple]:
    return [tuple(r) for r in db.execute(
        "SELECT id, kind, ref, at, who, action, old, new, note FROM style_history"
        " ORDER BY id DESC LIMIT ?", [limit])]
