"""The `history` table: one row per change of a unit's text or status (written only
inside the caller's transaction), and the query behind `transdesk log`.

Every function takes whatever runs `execute(sql, params)` with `?` placeholders: a desk
of either engine, a sqlite-utils `Database` or a `sqlite3.Connection` (the callers not
yet ported to desks). On PostgreSQL a trigger (step m019) fills `history.login` with
the server login; the statements here are the same on both engines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Executes(Protocol):
    """A desk, a sqlite-utils Database or a sqlite3 connection: runs `?` statements."""

    def execute(self, statement: str, params: Any = ..., /) -> Any: ...


COLUMNS = ("unit_id", "lang", "at", "translator", "origin", "action", "old_text", "new_text",
           "old_status", "new_status", "note", "score", "old_origin", "old_score", "claimed_at")
INSERT = (f"INSERT INTO history ({', '.join(COLUMNS)})"
          f" VALUES ({','.join('?' * len(COLUMNS))})")
# what `log` shows of each row, in this order
LOG_KEYS = ("id", "unit", "article", "key", "lang", "at", "translator", "origin", "action",
            "old_status", "new_status", "old_text", "new_text", "note")


def insert(target: Executes, row: Sequence[Any]) -> None:
    """One history row (values in COLUMNS order), inside the caller's transaction."""
    target.execute(INSERT, list(row))


def insert_many(target: Any, rows: list[tuple[Any, ...]]) -> None:
    """History rows (COLUMNS order) in one statement batch."""
    if rows:
        executemany = getattr(target, "executemany", None) or target.conn.executemany
        executemany(INSERT, rows)


def unit_exists(target: Executes, unit_id: int) -> bool:
    return target.execute("SELECT 1 FROM units WHERE id = ?", [unit_id]).fetchone() is not None


def log_rows(
    target: Executes,
    engine: str,
    article: str | None = None,
    unit: int | None = None,
    lang: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """History rows, newest first, with their unit's article and key (LOG_KEYS).

    Without an article, SQLite walks the history newest first (`CROSS JOIN` keeps its
    planner from starting at `units`) so that LIMIT stops the scan; PostgreSQL plans
    that by itself from a plain join."""
    where: list[str] = []
    params: list[Any] = []
    if article is not None:
        where.append("u.article_id = ?")
        params.append(article)
    if unit is not None:
        where.append("h.unit_id = ?")
        params.append(unit)
    if lang is not None:
        where.append("h.lang = ?")
        params.append(lang)
    join = "JOIN" if article is not None or engine != "sqlite" else "CROSS JOIN"
    sql = ("SELECT h.id, h.unit_id, u.article_id, u.key, h.lang, h.at, h.translator, h.origin,"
           " h.action, h.old_status, h.new_status, h.old_text, h.new_text, h.note"
           f" FROM history h {join} units u ON u.id = h.unit_id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY h.id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(zip(LOG_KEYS, row, strict=True)) for row in target.execute(sql, params)]
