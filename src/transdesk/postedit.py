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
with its origin, language pair, translator and time in `postedits`; reports aggregate
that table (numpy: loaded by `report` only, with matplotlib).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from transdesk.storage import postedits as storage

PARALLEL_FROM = 4000  # pairs; fewer are measured in this process
CHUNK = 2000
# one post-edit as kept in `postedits`
Row = tuple[int, str, str, str, str, str, "float | None", "float | None", "float | None",
            "float | None"]


def origin_label(origin: str | None, score: float | None) -> str:
    """The draft origin a post-edit is grouped by."""
    if origin is None:
        return "unknown"
    if origin == "tm" and score is not None:
        return "tm exact" if score >= 100 else "tm fuzzy"
    return origin


KEPT = (100.0, 0.0, 0.0)  # a draft submitted as it was: chrF 100, TER 0, no edit


def measure(pairs: list[tuple[int, str, str]]) -> list[tuple[int, float, float, float]]:
    """(history id, draft, final) → (history id, chrF, TER, character edit ratio).

    sacrebleu costs about 0.4 ms a pair, so what needs no measuring is not measured: a
    draft kept as it was (what sacrebleu gives for it, KEPT), and a pair met before in
    the same batch (boilerplate: datelines, bylines, recurring phrases)."""
    from rapidfuzz.distance import Levenshtein
    from sacrebleu.metrics import CHRF, TER

    chrf, ter = CHRF(), TER()
    seen: dict[tuple[str, str], tuple[float, float, float]] = {}
    out = []
    for history_id, draft, final in pairs:
        if draft == final and draft.strip():
            out.append((history_id, *KEPT))
            continue
        figures = seen.get((draft, final))
        if figures is None:
            figures = seen[(draft, final)] = (
                round(chrf.sentence_score(draft, [final]).score, 3),
                round(ter.sentence_score(draft, [final]).score, 3),
                round(Levenshtein.normalized_distance(draft, final), 5),
            )
        out.append((history_id, *figures))
    return out


def _measure_rows(rows: list[tuple]) -> list[Row]:
    """Pending history rows (see `fill`) → `postedits` rows, metrics measured."""
    drafts = [(r[0], r[8], r[9]) for r in rows if r[7] == "draft"]
    measured = {m[0]: m[1:] for m in measure(drafts)} if drafts else {}
    out: list[Row] = []
    for (history_id, at, lang, source_lang, translator, origin, score, old_status,
         _old, _new, seconds) in rows:
        label = origin_label(origin, score) if old_status == "draft" else "none"
        chrf, ter, ratio = measured.get(history_id, (None, None, None))
        out.append((history_id, at, lang, f"{source_lang}-{lang}", label, translator or "?",
                    chrf, ter, ratio, seconds if seconds is None or seconds >= 0 else None))
    return out


def _chunks(rows: list[tuple]) -> Iterator[list[tuple]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def fill(desk: Any, settled_stamp: str | None = None) -> int:
    """Measure the post-edits recorded since the last `fill` and keep them in
    `postedits`; returns how many. History ids only grow, so the rows after the last
    one kept are all that is read (on PostgreSQL, from the last one older than
    `settled_stamp`). Large backlogs are shared between processes."""
    pending = storage.pending(desk, storage.last_measured(desk, settled_stamp))
    if not pending:
        return 0
    workers = min(os.cpu_count() or 1, 8)
    if len(pending) < PARALLEL_FROM or workers < 2:
        _store(desk, map(_measure_rows, _chunks(pending)))
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            _store(desk, pool.imap(_measure_rows, _chunks(pending)))
    return len(pending)


def _store(desk: Any, results: Iterator[list[Row]]) -> None:
    """Keep each batch as it comes (an interrupted run resumes). A login that may not
    write `postedits` (a translator on PostgreSQL) keeps nothing: its report shows what
    an editor's report measured."""
    from transdesk.errors import Refused

    for batch in results:
        try:
            storage.keep(desk, batch)
        except Refused:
            return


GROUPS = ("origin", "pair", "translator")


SAMPLE = 60_000  # post-edits read for medians and quartiles, at most about this many
EXACT_BELOW = 30  # a group with fewer sampled rows is read whole


def summarize(db: Any, since: str | None = None, lang: str | None = None
              ) -> dict[str, Any]:
    """`by_origin`, `by_pair`, `by_translator`: per group the count, how many were
    measured and timed, mean chrF/TER/edit ratio, the median seconds from claim to
    submit, and the chrF quartiles (min, q1, median, q3, max); `sample_every`.

    Counts and means come from SQL, exact. Medians and quartiles are read as numbers
    (group codes, chrF, seconds) with numpy: from every post-edit up to SAMPLE of
    them, beyond that from every `sample_every`-th (by history id, so spread over the
    period), and small groups whole."""
    import numpy as np

    cells = storage.cells(db, since, lang)
    total = sum(cell[3] for cell in cells)
    step = max(1, -(-total // SAMPLE))
    names: list[list[str]] = [sorted({cell[i] for cell in cells}) for i in range(3)]
    numbers = np.array(storage.coded_sample(db, names, step, since, lang),
                       dtype=float).reshape(-1, 5)
    result: dict[str, Any] = {"sample_every": step}
    for index, by in enumerate(GROUPS):
        rows = []
        for code, name in enumerate(names[index]):
            mine = [cell for cell in cells if cell[index] == name]
            count, measured = sum(c[3] for c in mine), sum(c[4] for c in mine)
            timed = sum(c[8] for c in mine)
            selected = numbers[numbers[:, index] == code][:, 3:]
            if step > 1 and len(selected) < EXACT_BELOW:
                selected = np.array(storage.group_values(db, by, name, since, lang),
                                    dtype=float).reshape(-1, 2)
            chrf = selected[:, 0][~np.isnan(selected[:, 0])]
            seconds = selected[:, 1][~np.isnan(selected[:, 1])]
            rows.append({
                by: name, "count": count, "measured": measured,
                "chrf": _mean(mine, 5, measured), "ter": _mean(mine, 6, measured),
                "edit_ratio": _mean(mine, 7, measured, 4), "timed": timed,
                "median_seconds": round(float(np.median(seconds)), 3) if len(seconds) else None,
                "chrf_quartiles": quartiles(chrf),
            })
        rows.sort(key=lambda r: (-r["count"], r[by]))
        result[f"by_{by}"] = rows
    return result


def quartiles(values: Any) -> dict[str, float] | None:
    """min, q1, median, q3, max (linear interpolation), or None for no values."""
    import numpy as np

    if len(values) == 0:
        return None
    q = np.percentile(np.asarray(values, dtype=float), [0, 25, 50, 75, 100])
    return {"min": round(float(q[0]), 3), "q1": round(float(q[1]), 3),
            "median": round(float(q[2]), 3), "q3": round(float(q[3]), 3),
            "max": round(float(q[4]), 3)}


def _mean(cells: list[tuple], column: int, count: int, digits: int = 2) -> float | None:
    if not count:
        return None
    return round(sum(c[column] or 0.0 for c in cells) / count, digits)
