"""The SQL of the post-edit analysis and of the report's history figures, for both
engines: which history rows are post-edits not measured yet, keeping their measures in
`postedits`, and the grouped passes `report` reads.

`db` is a desk (`storage.open`); the statements are written once with `?`, except
the time arithmetic (julianday on SQLite, EXTRACT(EPOCH ...) on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
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


def last_measured(db: Any, settled_stamp: str | None = None) -> int:
    """The history id after which post-edits may be missing from `postedits`: the last
    one kept (history ids only grow); on PostgreSQL the last one older than
    `settled_stamp`, since ids there are handed out before commit (a lower id may
    commit after a higher one)."""
    if _engine(db) == "postgresql" and settled_stamp is not None:
        row = db.execute("SELECT coalesce(MAX(history_id), 0) FROM postedits WHERE at < ?",
                         [settled_stamp]).fetchone()
    else:
        row = db.execute("SELECT coalesce(MAX(history_id), 0) FROM postedits").fetchone()
    return int(row[0])


def pending(db: Any, after: int) -> list[tuple]:
    """The post-edits recorded after history id `after` and not kept yet, in id order:
    (id, at, lang, source lang, translator, draft origin, draft score, old status,
    draft, final, seconds from claim to submit)."""
    return [tuple(r) for r in db.execute(
        "SELECT h.id, h.at, h.lang, a.source_lang, h.translator, h.old_origin, h.old_score,"
        " h.old_status, h.old_text, h.new_text,"
        f" {seconds_between(db, 'h.at', 'h.claimed_at')}"
        " FROM history h JOIN units u ON u.id = h.unit_id JOIN articles a ON a.id = u.article_id"
        f" WHERE h.id > ? AND (({POSTEDIT}) OR ({SCRATCH}))"
        " AND NOT EXISTS (SELECT 1 FROM postedits p WHERE p.history_id = h.id) ORDER BY h.id",
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


_DONE_NOW = f"new_status IN {DONE}"
_DONE_BEFORE = f"coalesce(old_status, '') IN {DONE}"
_REVIEW = "(old_status = 'translated' AND new_status = 'approved')"
# the history rows that count: a unit became done or stopped being done, or was approved
_COUNTED = f"(({_DONE_NOW}) <> ({_DONE_BEFORE}) OR {_REVIEW})"
_PER_HOUR = (
    "SELECT substr(at, 1, 13), lang, coalesce(translator, ''),"
    f" SUM(CASE WHEN {_DONE_NOW} AND NOT {_DONE_BEFORE} THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN {_DONE_BEFORE} AND NOT {_DONE_NOW} THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN {_REVIEW} THEN 1 ELSE 0 END)"
    " FROM history WHERE {where} AND " + _COUNTED + " GROUP BY 1, 2, 3"
)
# on PostgreSQL history ids are handed out before commit, so a lower id may commit
# after a higher one: only rows older than this are folded into `report_hours`
SETTLED_MINUTES = 10


def _last_folded(db: Any) -> int:
    row = db.execute("SELECT last_id FROM report_state WHERE name = 'hours'", []).fetchone()
    return int(row[0]) if row else 0


def fold_hours(desk: Any, settled_stamp: str) -> None:
    """Add the history rows recorded since the last fold to `report_hours` (one
    transaction; the state row is locked, so two reports never add a row twice). A
    login that may not write the table (a translator on PostgreSQL) leaves it as it is:
    `hourly` counts the rest live."""
    from transdesk.errors import Refused

    postgres = _engine(desk) == "postgresql"
    try:
        with desk.transaction():
            if postgres:
                desk.execute("INSERT INTO report_state (name, last_id) VALUES ('hours', 0)"
                             " ON CONFLICT (name) DO NOTHING", [])
                last = int(desk.execute("SELECT last_id FROM report_state WHERE name ="
                                        " 'hours' FOR UPDATE", []).fetchone()[0])
                row = desk.execute("SELECT max(id) FROM history WHERE at < ?",
                                   [settled_stamp]).fetchone()
            else:  # BEGIN IMMEDIATE: one writer at a time, ids in commit order
                last = _last_folded(desk)
                row = desk.execute("SELECT max(id) FROM history", []).fetchone()
            upto = int(row[0] or 0) if row else 0
            if upto <= last:
                return
            desk.execute(
                "INSERT INTO report_hours (hour, lang, translator, done, undone, reviewed) "
                + _PER_HOUR.format(where="id > ? AND id <= ?")
                + " ON CONFLICT (hour, lang, translator) DO UPDATE SET"
                " done = report_hours.done + excluded.done,"
                " undone = report_hours.undone + excluded.undone,"
                " reviewed = report_hours.reviewed + excluded.reviewed",
                [last, upto])
            desk.execute("INSERT INTO report_state (name, last_id) VALUES ('hours', ?)"
                         " ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id",
                         [upto])
    except Refused:
        return


def hourly(db: Any, since: str | None, lang: str | None) -> list[tuple]:
    """Per UTC hour (`YYYY-MM-DDTHH`), language and person (None: nobody named), the
    units that became done, stopped being done (a changed source), and were approved in
    review: the folded hours (`fold_hours`), the partial first hour of `since` and the
    rows recorded after the last fold counted from the history."""
    last = _last_folded(db)
    lang_where, lang_params = (" AND lang = ?", [lang]) if lang else ("", [])
    parts: list[tuple[str, list[Any]]] = []
    if since is None:
        parts.append(("SELECT hour, lang, translator, done, undone, reviewed FROM report_hours"
                      " WHERE 1 = 1" + lang_where, lang_params))
        parts.append((_PER_HOUR.format(where="id > ?" + lang_where), [last, *lang_params]))
    else:
        first_hour = since[:13]
        parts.append(("SELECT hour, lang, translator, done, undone, reviewed FROM report_hours"
                      " WHERE hour > ?" + lang_where, [first_hour, *lang_params]))
        # the rest of the first hour: up to the next hour, in the stored format
        next_hour = (datetime.strptime(first_hour, "%Y-%m-%dT%H") + timedelta(hours=1)
                     ).strftime("%Y-%m-%dT%H:00:00.000000Z")
        parts.append((_PER_HOUR.format(where="at >= ? AND at < ? AND id <= ?" + lang_where),
                      [since, next_hour, last, *lang_params]))
        parts.append((_PER_HOUR.format(where="id > ? AND at >= ?" + lang_where),
                      [last, since, *lang_params]))
    totals: dict[tuple[str, str, str], list[int]] = {}
    for statement, params in parts:
        for hour, target, who, done, undone, reviewed in db.execute(statement, params):
            entry = totals.get((hour, target, who))
            if entry is None:
                totals[(hour, target, who)] = [int(done), int(undone), int(reviewed)]
            else:
                entry[0] += int(done)
                entry[1] += int(undone)
                entry[2] += int(reviewed)
    return [(hour, target, who or None, *counts)
            for (hour, target, who), counts in totals.items() if any(counts)]


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
        "SELECT lang, bucket, COUNT(*), MIN(created_at) FROM"
        f" (SELECT lang, CASE {cases} ELSE ? END AS bucket, created_at FROM translations"
        f" WHERE obsolete = 0 AND status IN ('untranslated', 'draft'){lang_where}) waiting"
        " GROUP BY lang, bucket",
        [*params, last, *([lang] if lang else [])],
    )]
