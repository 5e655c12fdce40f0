"""The SQL of the post-edit analysis and of the report's history figures, for both
engines: which history rows are post-edits not measured yet, keeping their measures in
`postedits`, and the grouped passes `report` reads.

`db` is a desk (`storage.open`); the statements are written once with `?`, except
the time arithmetic (julianday on SQLite, EXTRACT(EPOCH ...) on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DONE = "('translated', 'approved')"
# a post-edit: a draft that became a translation; or a translation from nothing
POSTEDIT = (f"h.old_status = 'draft' AND h.new_status IN {DONE}"
            " AND h.old_text IS NOT NULL AND h.new_text IS NOT NULL")
SCRATCH = f"h.old_status = 'untranslated' AND h.new_status IN {DONE}"
COLUMNS = ("history_id, at, lang, pair, origin, translator, chrf, ter, edit_ratio, seconds")


def _engine(db: Any) -> str:
    return str(getattr(db, "engine", "sqlite"))


def seconds_between(db: Any, later: str, earlier: str) -> str:
    """SQL for the seconds from `earlier` to `later` (stored UTC timestamps)."""
    if _engine(db) == "postgresql":
        return (f"EXTRACT(EPOCH FROM (({later})::timestamptz - ({earlier})::timestamptz))"
                "::double precision")
    return f"(julianday({later}) - julianday({earlier})) * 86400.0"


def last_measured(db: Any) -> int:
    """The last history id kept in `postedits` (history ids only grow)."""
    return int(db.execute("SELECT coalesce(MAX(history_id), 0) FROM postedits").fetchone()[0])


def pending(db: Any, after: int) -> list[tuple]:
    """The post-edits recorded after history id `after`, in id order: (id, at, lang,
    source lang, translator, draft origin, draft score, old status, draft, final,
    seconds from claim to submit)."""
    return [tuple(r) for r in db.execute(
        "SELECT h.id, h.at, h.lang, a.source_lang, h.translator, h.old_origin, h.old_score,"
        " h.old_status, h.old_text, h.new_text,"
        f" {seconds_between(db, 'h.at', 'h.claimed_at')}"
        " FROM history h JOIN units u ON u.id = h.unit_id JOIN articles a ON a.id = u.article_id"
        f" WHERE h.id > ? AND (({POSTEDIT}) OR ({SCRATCH})) ORDER BY h.id",
        [after],
    )]


def keep(desk: Any, rows: Sequence[tuple]) -> None:
    """Store measured post-edits in one transaction (a row measured again replaces it)."""
    with desk.transaction():
        desk.executemany(
            f"INSERT INTO postedits ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (history_id) DO UPDATE SET at = excluded.at, lang = excluded.lang,"
            " pair = excluded.pair, origin = excluded.origin,"
            " translator = excluded.translator, chrf = excluded.chrf, ter = excluded.ter,"
            " edit_ratio = excluded.edit_ratio, seconds = excluded.seconds",
            list(rows),
        )


def cells(db: Any, since: str | None, lang: str | None) -> list[tuple]:
    """Per (origin, pair, translator): count, measured, sums of chrF, TER and edit
    ratio, timed."""
    condition, params = _filter(since, lang)
    return [tuple(r) for r in db.execute(
        "SELECT origin, pair, translator, COUNT(*), COUNT(chrf), SUM(chrf), SUM(ter),"
        f" SUM(edit_ratio), COUNT(seconds) FROM postedits{condition}"
        " GROUP BY origin, pair, translator",
        params,
    )]


def _filter(since: str | None, lang: str | None, extra: str | None = None
            ) -> tuple[str, list[Any]]:
    where, params = [], []
    if since is not None:
        where.append("at >= ?")
        params.append(since)
    if lang is not None:
        where.append("lang = ?")
        params.append(lang)
    if extra:
        where.append(extra)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def coded_sample(db: Any, names: Sequence[Sequence[str]], step: int, since: str | None,
                 lang: str | None) -> list[tuple]:
    """(origin code, pair code, translator code, chrF, seconds) of every `step`-th
    post-edit (by history id), the codes being positions in `names`."""
    cases = []
    for column, values in zip(("origin", "pair", "translator"), names, strict=True):
        whens = " ".join(f"WHEN ? THEN {i}" for i in range(len(values)))
        cases.append(f"CASE {column} {whens} END" if values else "0")
    condition, params = _filter(since, lang, f"history_id % {int(step)} = 0" if step > 1
                                else None)
    return [tuple(r) for r in db.execute(
        f"SELECT {', '.join(cases)}, chrf, seconds FROM postedits{condition}",
        [*names[0], *names[1], *names[2], *params],
    )]


def group_values(db: Any, column: str, name: str, since: str | None, lang: str | None
                 ) -> list[tuple]:
    """(chrF, seconds) of every post-edit of one group (`column` = `name`)."""
    assert column in ("origin", "pair", "translator")
    condition, params = _filter(since, lang, f"{column} = ?")
    return [tuple(r) for r in db.execute(
        f"SELECT chrf, seconds FROM postedits{condition}", [*params, name])]


# --- the report's other figures ----------------------------------------------------------


def hourly(db: Any, since: str | None, lang: str | None) -> list[tuple]:
    """One pass over the history: per UTC hour (`YYYY-MM-DDTHH`), language and person,
    the units that became done, stopped being done (a changed source), and were approved
    in review."""
    where, params = "", []
    if since is not None:
        where += " AND at >= ?"
        params.append(since)
    if lang is not None:
        where += " AND lang = ?"
        params.append(lang)
    done_now = f"new_status IN {DONE}"
    done_before = f"coalesce(old_status, '') IN {DONE}"
    review = "(old_status = 'translated' AND new_status = 'approved')"
    return [tuple(r) for r in db.execute(
        f"SELECT substr(at, 1, 13), lang, translator,"
        f" SUM(CASE WHEN {done_now} AND NOT {done_before} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {done_before} AND NOT {done_now} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {review} THEN 1 ELSE 0 END)"
        f" FROM history WHERE (({done_now}) <> ({done_before}) OR {review}){where}"
        " GROUP BY substr(at, 1, 13), lang, translator",
        params,
    )]


def status_totals(db: Any, lang: str | None) -> list[tuple[str, str, int]]:
    """(lang, status, units) of the live translation rows."""
    lang_where = " AND lang = ?" if lang else ""
    return [(r[0], r[1], int(r[2])) for r in db.execute(
        "SELECT lang, status, COUNT(*) FROM translations WHERE obsolete = 0" + lang_where
        + " GROUP BY lang, status",
        [lang] if lang else [],
    )]


def waiting_ages(db: Any, bounds: Sequence[tuple[str, str | None]], lang: str | None
                 ) -> list[tuple[str, str, int, str]]:
    """Waiting units per language and age bucket: `bounds` are (label, created after)
    from the youngest bucket on (None: the rest). Returns (lang, label, count, oldest
    created_at)."""
    cases = " ".join("WHEN created_at > ? THEN ?" for _label, after in bounds
                     if after is not None)
    params: list[Any] = [v for label, after in bounds if after is not None
                         for v in (after, label)]
    last = bounds[-1][0]
    lang_where = " AND lang = ?" if lang else ""
    return [(r[0], r[1], int(r[2]), r[3]) for r in db.execute(
        f"SELECT lang, CASE {cases} ELSE ? END, COUNT(*), MIN(created_at) FROM translations"
        f" WHERE obsolete = 0 AND status IN ('untranslated', 'draft'){lang_where}"
        f" GROUP BY lang, CASE {cases} ELSE ? END",
        [*params, last, *([lang] if lang else []), *params, last],
    )]
