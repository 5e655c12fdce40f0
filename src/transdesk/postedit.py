"""Post-edit analysis: how much people change each kind of draft, and how long it takes.

A *post-edit* is a history row where a unit's `draft` became `translated` or
`approved`: `old_text` is the draft, `new_text` what the person submitted,
`old_origin`/`old_score` where the draft came from (a memory match of 100 is `tm exact`,
below `tm fuzzy`), `claimed_at` → `at` the time it took. A unit translated from nothing
(`untranslated` → done) is counted under origin `none` for its time only.

chrF and TER come from sacrebleu (the draft as the hypothesis, the submitted text as
the reference: chrF 100 / TER 0 means the draft was kept as it was); the character
edit ratio is the Levenshtein distance over the longer text (rapidfuzz). Computing them
costs about half a millisecond a pair, so each is computed once, by `report`, and kept
in `postedit_metrics`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from transdesk.db import write_transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

DONE = "('translated', 'approved')"
# a post-edit: a draft that became a translation
POSTEDIT_WHERE = (f"h.old_status = 'draft' AND h.new_status IN {DONE}"
                  " AND h.old_text IS NOT NULL AND h.new_text IS NOT NULL")
SCRATCH_WHERE = f"h.old_status = 'untranslated' AND h.new_status IN {DONE}"
PARALLEL_FROM = 4000  # pairs; fewer are measured in this process
CHUNK = 2000


def origin_label(origin: str | None, score: float | None) -> str:
    """The draft origin a post-edit is grouped by."""
    if origin is None:
        return "unknown"
    if origin == "tm" and score is not None:
        return "tm exact" if score >= 100 else "tm fuzzy"
    return origin


def measure(pairs: list[tuple[int, str, str]]) -> list[tuple[int, float, float, float]]:
    """(history id, draft, final) → (history id, chrF, TER, character edit ratio)."""
    from rapidfuzz.distance import Levenshtein
    from sacrebleu.metrics import CHRF, TER

    chrf, ter = CHRF(), TER()
    out = []
    for history_id, draft, final in pairs:
        out.append((
            history_id,
            round(chrf.sentence_score(draft, [final]).score, 3),
            round(ter.sentence_score(draft, [final]).score, 3),
            round(Levenshtein.normalized_distance(draft, final), 5),
        ))
    return out


def _chunks(rows: list[tuple[int, str, str]]) -> Iterator[list[tuple[int, str, str]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def fill_metrics(db: Database, since: str | None = None) -> int:
    """Measure the post-edits (from `since`) that have no metrics yet and keep them;
    returns how many were measured. Large backlogs are shared between processes."""
    where, params = _window(since, None)
    pending = db.execute(
        "SELECT h.id, h.old_text, h.new_text FROM history h"
        f" WHERE {POSTEDIT_WHERE}{where}"
        " AND NOT EXISTS (SELECT 1 FROM postedit_metrics m WHERE m.history_id = h.id)",
        params,
    ).fetchall()
    if not pending:
        return 0
    workers = min(os.cpu_count() or 1, 8)
    if len(pending) < PARALLEL_FROM or workers < 2:
        results: Iterator[list[tuple[int, float, float, float]]] = map(measure, _chunks(pending))
        _store(db, results)
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            _store(db, pool.imap(measure, _chunks(pending)))
    return len(pending)


def _store(db: Database, results: Iterator[list[tuple[int, float, float, float]]]) -> None:
    for batch in results:  # each batch committed as it comes: an interrupted run resumes
        with write_transaction(db) as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO postedit_metrics (history_id, chrf, ter, edit_ratio)"
                " VALUES (?,?,?,?)",
                batch,
            )


def _window(since: str | None, lang: str | None) -> tuple[str, list[Any]]:
    where, params = "", []
    if since is not None:
        where += " AND h.at >= ?"
        params.append(since)
    if lang is not None:
        where += " AND h.lang = ?"
        params.append(lang)
    return where, params


def postedits(db: Database, since: str | None = None, lang: str | None = None
              ) -> list[dict[str, Any]]:
    """Every post-edit (with its metrics) and every unit translated from nothing, from
    `since`, in `lang`: origin, pair, translator, chrf, ter, edit_ratio, seconds."""
    where, params = _window(since, lang)
    seconds = "(julianday(h.at) - julianday(h.claimed_at)) * 86400.0"
    rows = []
    for origin, score, source_lang, target, translator, chrf, ter, ratio, secs in db.execute(
        "SELECT h.old_origin, h.old_score, a.source_lang, h.lang, h.translator, m.chrf,"
        f" m.ter, m.edit_ratio, {seconds} FROM history h"
        " JOIN postedit_metrics m ON m.history_id = h.id"
        " JOIN units u ON u.id = h.unit_id JOIN articles a ON a.id = u.article_id"
        f" WHERE {POSTEDIT_WHERE}{where}"
        " UNION ALL "
        f"SELECT 'none', NULL, a.source_lang, h.lang, h.translator, NULL, NULL, NULL, {seconds}"
        " FROM history h JOIN units u ON u.id = h.unit_id"
        " JOIN articles a ON a.id = u.article_id"
        f" WHERE {SCRATCH_WHERE}{where}",
        params + params,
    ):
        rows.append({
            "origin": origin_label(origin, score), "pair": f"{source_lang}-{target}",
            "translator": translator or "?", "chrf": chrf, "ter": ter,
            "edit_ratio": ratio, "seconds": secs if secs is None or secs >= 0 else None,
        })
    return rows


def quartiles(values: list[float]) -> dict[str, float] | None:
    """min, q1, median, q3, max (linear interpolation), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)

    def at(fraction: float) -> float:
        position = fraction * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return {"min": ordered[0], "q1": round(at(0.25), 3), "median": round(at(0.5), 3),
            "q3": round(at(0.75), 3), "max": ordered[-1]}


def aggregate(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Per value of `by` (origin, pair, translator): count, mean chrF/TER/edit ratio,
    median seconds from claim to submit (and how many had a claim), chrF quartiles."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[by], []).append(row)
    result: list[dict[str, Any]] = []
    for name, members in groups.items():
        measured = [m for m in members if m["chrf"] is not None]
        timed = [m["seconds"] for m in members if m["seconds"] is not None]
        result.append({
            by: name,
            "count": len(members),
            "measured": len(measured),
            "chrf": _mean([m["chrf"] for m in measured]),
            "ter": _mean([m["ter"] for m in measured]),
            "edit_ratio": _mean([m["edit_ratio"] for m in measured], 4),
            "timed": len(timed),
            "median_seconds": (quartiles(timed) or {}).get("median"),
            "chrf_quartiles": quartiles([m["chrf"] for m in measured]),
        })
    result.sort(key=lambda r: (-r["count"], r[by]))
    return result


def _mean(values: list[float], digits: int = 2) -> float | None:
    return round(sum(values) / len(values), digits) if values else None
