"""Units with their translation rows as the library reads them, and the update of one
translation row: the statements behind `store.read_units`, `store.write_translation`
and `store.unit_id_for`, the same on both engines.

Every function takes whatever runs `execute(sql, params)` with `?` placeholders: a desk
of either engine, a sqlite-utils `Database` or a `sqlite3.Connection` (the rules —
history rows, the one transaction — stay with the callers in `transdesk.store`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def unit_rows(run: Any, where: str, params: Sequence[Any]) -> Any:
    """(id, key, kind, paragraph, source, article_id) of the units matching `where` (a
    condition on `units` built by the caller from fixed text), obsolete ones last, in
    article order."""
    return run.execute(
        f"SELECT id, key, kind, paragraph, source, article_id FROM units WHERE {where}"
        " ORDER BY obsolete, position", params)


def translation_rows(run: Any, by_unit: bool, key: Any, langs: Sequence[str]) -> Any:
    """(unit_id, lang, text, status, origin, translator, updated_at) in `langs` of the
    unit `key` (`by_unit`) or of the article `key`."""
    marks = ",".join("?" * len(langs))
    t_where = "unit_id = ?" if by_unit else "article_id = ?"
    return run.execute(
        "SELECT unit_id, lang, text, status, origin, translator, updated_at FROM translations"
        f" WHERE {t_where} AND lang IN ({marks})", [key, *langs])


def current(run: Any, unit_id: int, lang: str) -> tuple[Any, ...] | None:
    """(text, status, origin, score) of a translation row, None when there is none. On
    PostgreSQL the row is locked until the caller's transaction ends, so what it read is
    still what it replaces (a draft batch writing it meanwhile is waited for and seen)."""
    lock = " FOR UPDATE" if getattr(run, "engine", None) == "postgresql" else ""
    row = run.execute(
        "SELECT text, status, origin, score FROM translations WHERE unit_id = ? AND lang = ?"
        + lock, [unit_id, lang],
    ).fetchone()
    return tuple(row) if row is not None else None


def update(run: Any, unit_id: int, lang: str, text: str | None, status: str,
           origin: str | None, score: float | None, translator: str | None, ts: str) -> None:
    """Set a translation row's text, status, origin, score, translator and time."""
    run.execute(
        "UPDATE translations SET text = ?, status = ?, origin = ?, score = ?, translator = ?,"
        " updated_at = ? WHERE unit_id = ? AND lang = ?",
        [text, status, origin, score, translator, ts, unit_id, lang],
    )


def live_unit_id(run: Any, article_id: str, key: str) -> int | None:
    """The id of an article's live unit with this key, None when there is none."""
    row = run.execute(
        "SELECT id FROM units WHERE article_id = ? AND key = ? AND obsolete = 0", [article_id, key]
    ).fetchone()
    return None if row is None else int(row[0])
