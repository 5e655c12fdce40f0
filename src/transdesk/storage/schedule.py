"""The SQL of priorities and deadlines: the `schedule` table, the copy of it on every
translation row (`translations.priority` / `translations.due`, what `next` orders by),
and the counts `status`, `check --due` and `report` read.

Every function takes `db`: a desk (`storage.open`, either engine) or, inside a SQLite
transaction, the sqlite-utils Database or sqlite3 connection the caller writes with;
all three answer `execute(sql, params)` with `?` placeholders. The statements are
written once (`INSERT ... ON CONFLICT DO UPDATE` runs on SQLite and PostgreSQL alike);
only the index hint of `scheduled_waiting` is SQLite's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# translations.due of a language without a deadline: sorts after every real time
NO_DUE = "9999-12-31T23:59:59.999999Z"
DEFAULT_PRIORITY = 2
WAITING = "obsolete = 0 AND status IN ('untranslated', 'draft')"
DONE = "('translated', 'approved')"
_IN_BATCH = 500  # ids per `IN (...)` list (SQLite allows 32766 variables)


def engine_of(db: Any) -> str:
    """`postgresql` for a PostgreSQL desk; `sqlite` for everything else."""
    return str(getattr(db, "engine", "sqlite"))


def _batches(ids: Sequence[str]) -> Iterator[tuple[str, list[str]]]:
    """`(?,?,...)` and the ids, a batch at a time."""
    for start in range(0, len(ids), _IN_BATCH):
        chunk = list(ids[start:start + _IN_BATCH])
        yield "(" + ",".join("?" * len(chunk)) + ")", chunk


def article_targets(db: Any, articles: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(id, comma-separated targets) of the named articles (all without), by id."""
    if articles is None:
        return [(r[0], r[1]) for r in db.execute(
            "SELECT id, targets FROM articles ORDER BY id", [])]
    rows: list[tuple[str, str]] = []
    for marks, chunk in _batches(sorted(set(articles))):
        rows += [(r[0], r[1]) for r in db.execute(
            f"SELECT id, targets FROM articles WHERE id IN {marks}", chunk)]
    return sorted(rows)


def planned(db: Any) -> dict[tuple[str, str], tuple[int, str | None]]:
    """(article, language) → (priority, due or None) of every planned language."""
    return {(r[0], r[1]): (int(r[2]), r[3]) for r in db.execute(
        "SELECT article_id, lang, priority, due FROM schedule", [])}


def planned_for(db: Any, article_id: str, lang: str) -> tuple[int, str | None] | None:
    row = db.execute("SELECT priority, due FROM schedule WHERE article_id = ? AND lang = ?",
                     [article_id, lang]).fetchone()
    return (int(row[0]), row[1]) if row else None


def units_left(db: Any, articles: Iterable[str] | None = None, lang: str | None = None
               ) -> dict[tuple[str, str], int]:
    """Untranslated and draft units per (article, language): one grouped pass over the
    named articles (or the whole desk)."""
    lang_where, lang_params = (" AND lang = ?", [lang]) if lang else ("", [])
    sql = f"SELECT article_id, lang, COUNT(*) FROM translations WHERE {WAITING}{lang_where}"
    if articles is None:
        return {(r[0], r[1]): int(r[2]) for r in db.execute(
            sql + " GROUP BY article_id, lang", lang_params)}
    left: dict[tuple[str, str], int] = {}
    for marks, chunk in _batches(sorted(set(articles))):
        for r in db.execute(sql + f" AND article_id IN {marks} GROUP BY article_id, lang",
                            [*lang_params, *chunk]):
            left[(r[0], r[1])] = int(r[2])
    return left


def recent_done(db: Any, since: str) -> list[tuple[str, int, str]]:
    """Per language, the units that became translated or approved from `since` on, and
    when the first of them did: (lang, count, first)."""
    return [(r[0], int(r[1]), r[2]) for r in db.execute(
        "SELECT lang, COUNT(*), MIN(at) FROM history WHERE at >= ?"
        f" AND new_status IN {DONE}"
        f" AND (old_status IS NULL OR old_status NOT IN {DONE})"
        " GROUP BY lang",
        [since],
    )]


def scheduled_waiting(db: Any, lang: str) -> list[tuple[int, str, str, int]]:
    """The waiting units of `lang` that carry a schedule (a priority other than normal,
    or a deadline), per (priority, due, article): three ranges of the work index, never
    the unscheduled block (normal, no deadline) between them."""
    hint = " INDEXED BY translations_work" if engine_of(db) == "sqlite" else ""
    found = []
    for condition, params in (("priority < ?", [DEFAULT_PRIORITY]),
                              ("priority = ? AND due < ?", [DEFAULT_PRIORITY, NO_DUE]),
                              ("priority > ?", [DEFAULT_PRIORITY])):
        found += [(int(r[0]), r[1], r[2], int(r[3])) for r in db.execute(
            f"SELECT priority, due, article_id, COUNT(*) FROM translations{hint}"
            f" WHERE lang = ? AND {condition} AND {WAITING}"
            " GROUP BY priority, due, article_id",
            [lang, *params],
        )]
    return found


def past_due(db: Any, ts: str) -> list[tuple[str, str]]:
    """(article, language) of every deadline before `ts`."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT article_id, lang FROM schedule WHERE due < ? ORDER BY article_id, lang", [ts])]


def save_plan(db: Any, article_id: str, lang: str, priority: int, due: str | None,
              ts: str) -> None:
    """Keep a language's priority and deadline, and copy them onto its translation rows
    (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO schedule (article_id, lang, priority, due, updated_at) VALUES (?,?,?,?,?)"
        " ON CONFLICT (article_id, lang) DO UPDATE SET priority = excluded.priority,"
        " due = excluded.due, updated_at = excluded.updated_at",
        [article_id, lang, priority, due, ts],
    )
    db.execute(
        "UPDATE translations SET priority = ?, due = ? WHERE article_id = ? AND lang = ?",
        [priority, due or NO_DUE, article_id, lang],
    )


def spread_plan(db: Any, article_id: str) -> None:
    """Give an article's translation rows their language's priority and deadline (rows
    an import just added); rows that have them already are not written."""
    for lang, priority, due in list(db.execute(
            "SELECT lang, priority, due FROM schedule WHERE article_id = ?", [article_id])):
        db.execute(
            "UPDATE translations SET priority = ?, due = ? WHERE article_id = ? AND lang = ?"
            " AND (priority <> ? OR due <> ?)",
            [priority, due or NO_DUE, article_id, lang, priority, due or NO_DUE],
        )


def record_plan(db: Any, article_id: str, lang: str, who: str | None, ts: str,
                before: str, after: str) -> bool:
    """The history row of a plan change: on the article's first unit (the history is
    kept per unit), action `plan`, the schedule before and after as old and new text,
    the unit's status unchanged. False when the article has no unit to hold it."""
    row = db.execute(
        "SELECT t.unit_id, t.status, t.origin FROM translations t"
        " WHERE t.article_id = ? AND t.lang = ? AND t.obsolete = 0"
        " ORDER BY t.position LIMIT 1",
        [article_id, lang],
    ).fetchone()
    if row is None:
        return False
    db.execute(
        "INSERT INTO history (unit_id, lang, at, translator, origin, action, old_text,"
        " new_text, old_status, new_status) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [row[0], lang, ts, who, row[2], "plan", before, after, row[1], row[1]],
    )
    return True
