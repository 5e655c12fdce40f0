"""The CI gate behind `transdesk check`: completeness and quality findings in one report.

The report is built either from the database (`check_database`: one query per language)
or from gettext catalogs laid out as `po export` writes them (`check_catalogs`: no
database at all), and rendered by `render(report, format)` as text, JSON, JUnit XML or
GitHub workflow annotations. Accepted exceptions (`accept_finding`) silence one check on
one unit and language for as long as the accepted translation stays unchanged.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk import desk_style
from transdesk.checks import CHECK_NAMES, CHECKS, pair_checker
from transdesk.db import now, write_transaction
from transdesk.errors import BadInput, Refused
from transdesk.languages import LANGUAGES, detect_lang, normalize_lang
from transdesk.po import ACCEPT_FLAG_PREFIX as PO_ACCEPT_FLAG

if TYPE_CHECKING:
    from sqlite_utils import Database

FORMATS = ("text", "json", "junit", "github")
DONE = ("translated", "approved")
_LANG_ORDER = {lang: i for i, lang in enumerate(LANGUAGES)}


# --- the report model ----------------------------------------------------------------


@dataclass
class Missing:
    """A unit that is not done: `untranslated` or `draft` (empty or fuzzy in PO)."""

    key: str
    status: str
    source: str
    line: int | None = None  # of the PO entry


@dataclass
class Problem:
    """One quality-check finding on a done unit."""

    key: str
    check: str
    message: str
    source: str
    translation: str
    accepted: bool = False
    note: str | None = None
    line: int | None = None


@dataclass
class LangResult:
    """One article in one target language."""

    article: str
    lang: str
    units: int = 0
    done: int = 0
    file: str | None = None  # the PO catalog, when checking catalogs
    missing: list[Missing] = field(default_factory=list)
    findings: list[Problem] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return round(100.0 * self.done / self.units, 1) if self.units else 100.0

    def below(self, min_percent: float) -> bool:
        """Exact comparison: 99.96% is below 100 even though it rounds to 100.0."""
        return self.done * 100.0 < min_percent * self.units

    @property
    def open_findings(self) -> list[Problem]:
        return [p for p in self.findings if not p.accepted]


@dataclass
class Report:
    results: list[LangResult]
    min_percent: float = 100.0
    strict: bool = False
    ignored: tuple[str, ...] = ()
    origin: str = "database"  # or "po"

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(r.article for r in self.results))

    @property
    def languages(self) -> list[str]:
        return sorted({r.lang for r in self.results}, key=_LANG_ORDER.__getitem__)

    @property
    def incomplete(self) -> list[LangResult]:
        return [r for r in self.results if r.below(self.min_percent)]

    @property
    def severity(self) -> str:
        """What an open quality finding is in this run: `error` with --strict."""
        return "error" if self.strict else "warning"

    def failed(self, result: LangResult) -> bool:
        return result.below(self.min_percent) or bool(self.strict and result.open_findings)

    @property
    def exit_code(self) -> int:
        return 1 if any(self.failed(r) for r in self.results) else 0

    def counts(self) -> dict[str, int]:
        incomplete = self.incomplete
        open_findings = sum(len(r.open_findings) for r in self.results)
        return {
            "articles": len(self.articles),
            "languages": len(self.languages),
            "incomplete_articles": len({r.article for r in incomplete}),
            "incomplete": len(incomplete),
            "missing": sum(len(r.missing) for r in incomplete),
            "warnings": 0 if self.strict else open_findings,
            "failures": open_findings if self.strict else 0,
            "accepted": sum(len(r.findings) - len(r.open_findings) for r in self.results),
        }


# --- option values -------------------------------------------------------------------


def parse_ignore(values: Iterable[str]) -> tuple[str, ...]:
    """`--ignore` values, repeated or comma-separated; BadInput names an unknown check."""
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in CHECKS:
                raise BadInput(
                    f"unknown check {part.strip()!r} in --ignore; known checks:"
                    f" {', '.join(CHECK_NAMES)}"
                )
            if name not in names:
                names.append(name)
    return tuple(names)


def parse_min(value: str | float) -> float:
    """`--min PERCENT`: a number from 0 to 100 (a trailing % is allowed)."""
    text = str(value).strip().removesuffix("%")
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not 0.0 <= number <= 100.0:  # also false for nan
        raise BadInput(f"--min must be a percentage from 0 to 100, not {str(value)!r}")
    return number


def _active_checks(ignore: Iterable[str]) -> list[str]:
    skip = set(ignore)
    return [name for name in CHECK_NAMES if name not in skip]


# --- running the checks on many pairs ------------------------------------------------

Pair = tuple[str, str, str, str]  # source, translation, source language, target language
Findings = list[tuple[str, str]]  # (check, message)

# Below this many pairs one process is quicker than forking a second one.
PARALLEL_MIN = 20_000


def worker_count(items: int, threshold: int = PARALLEL_MIN) -> int:
    """How many processes to share `items` between: 2 on a multi-core machine with
    enough work, else 1 (the checks are pure Python: threads would not help)."""
    if items < threshold or not hasattr(os, "fork"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return 2 if cpus >= 2 else 1


def in_two_processes(work: Callable[[int, int], Any], count: int, workers: int) -> list[Any]:
    """`[work(0, half), work(half, count)]`, the second half in a forked child when
    `workers` is 2. The child sees the parent's data as it was at the fork (nothing is
    pickled on the way in); only its result comes back. An exception from the first
    half is raised first, so errors come in the same order as in one process."""
    half = (count + 1) // 2 if workers > 1 else count
    if half >= count:
        return [work(0, count)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _FORKED_WORK[:] = [work]  # a closure cannot be pickled: the child finds it here
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            second = pool.submit(_forked_work, half, count)
            try:
                first = work(0, half)
            except BaseException:
                second.cancel()
                raise
            return [first, second.result()]
    finally:
        _FORKED_WORK.clear()


_FORKED_WORK: list[Callable[[int, int], Any]] = []


def _forked_work(start: int, stop: int) -> Any:
    return _FORKED_WORK[0](start, stop)


def check_pairs(
    pairs: list[Pair],
    names: Iterable[str] = CHECK_NAMES,
    workers: int | None = None,
) -> dict[int, Findings]:
    """Run the named checks on each pair; return the findings by index, only for the
    pairs that have any (most have none). Big lists are shared between two processes."""
    if workers is None:
        workers = worker_count(len(pairs))
    check = pair_checker(names)

    def work(start: int, stop: int) -> dict[int, Findings]:
        found = {}
        for i in range(start, stop):
            findings = check(*pairs[i])
            if findings:
                found[i] = findings
        return found

    merged: dict[int, Findings] = {}
    for part in in_two_processes(work, len(pairs), workers):
        merged.update(part)
    return merged


# --- from the database ---------------------------------------------------------------


def check_database(
    db: Database,
    articles: list[str] | None = None,
    langs: list[str] | None = None,
    min_percent: float = 100.0,
    strict: bool = False,
    ignore: Iterable[str] = (),
    workers: int | None = None,
) -> Report:
    """Check the selected articles (default: all) in the selected languages (default:
    each article's targets). `workers` (1 or 2; default: by size) is how many
    processes share a full check.

    Per language a few set-oriented queries, never one per unit: counts by article and
    status (from an index alone), the missing units, and the findings. Findings are
    recorded in the database (`check_findings`), and triggers mark a translation whose
    text or source changes (`check_dirty`), so a run checks only what changed since the
    last one; the first run (or a changed checks.py) checks every translated unit.
    """
    ignored = parse_ignore(ignore)
    desk_style.use(db)  # the termbase and word list of this database
    meta = {
        row[0]: (row[1], row[2].split(","))
        for row in db.execute("SELECT id, source_lang, targets FROM articles")
    }
    selected = list(dict.fromkeys(articles or sorted(meta)))
    for article_id in selected:
        if article_id not in meta:
            raise BadInput(f"unknown article {article_id!r} (see 'transdesk articles')")
    langs = [normalize_lang(lang) for lang in langs] if langs else list(LANGUAGES)
    active = set(CHECK_NAMES).difference(ignored)
    # A full re-check can be recorded only when it covers everything.
    recorded = _RecordedFindings(db, everything=not articles and set(langs) == set(LANGUAGES))
    units = _live_units(db, selected if articles else None)
    fresh = None
    if not recorded.valid:
        for lang in langs:  # before reading the text: a change made meanwhile stays marked
            recorded.seen_dirty(lang, db.execute(
                "SELECT unit_id, marker FROM check_dirty WHERE lang = ?", [lang]).fetchall())
        fresh = _check_translations(db, langs, selected if articles else None, meta, workers)
    results: list[LangResult] = []
    for lang in langs:
        targeted = [a for a in selected if lang in meta[a][1]]
        if targeted:
            results += _check_language(db, lang, targeted, bool(articles), meta, units,
                                       active, recorded,
                                       None if fresh is None else fresh.get(lang, []))
    recorded.save()
    results.sort(key=lambda r: (r.article, _LANG_ORDER[r.lang]))
    return Report(results, min_percent, strict, ignored, "database")


_DONE_SQL = "t.status IN ('translated', 'approved')"
# A translation with findings: article, position, unit id, key, source, text, findings.
Found = tuple[str, int, int, str, str, str, Findings]


def _check_translations(
    db: Database,
    langs: list[str],
    articles: list[str] | None,
    meta: dict[str, tuple[str, list[str]]],
    workers: int | None = None,
) -> dict[str, list[Found]]:
    """Every check on every done translation in `langs` (of `articles`, default all):
    the rows with findings, by language. A big database is split by unit id between
    two processes, each reading its half by the primary key with its own connection,
    checking each distinct sentence pair of its half once."""
    lo, hi = db.execute("SELECT MIN(id), MAX(id) FROM units").fetchone()
    if lo is None:
        return {}
    # `+` keeps SQLite off the queue index: a range of the primary key reads the text
    # without a lookup per row.
    sql = (
        "SELECT t.lang, t.article_id, t.unit_id, t.position, t.text, u.key, u.source"
        " FROM translations t JOIN units u ON u.id = t.unit_id"
        " WHERE t.unit_id >= ? AND t.unit_id < ? AND t.obsolete = 0"
        f" AND +t.lang IN ({','.join('?' * len(langs))})"
        " AND +t.status IN ('translated', 'approved') AND t.text IS NOT NULL"
    )
    params: list[Any] = list(langs)
    if articles is not None and len(articles) <= 500:
        sql += f" AND t.article_id IN ({','.join('?' * len(articles))})"
        params += articles
    path = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
    span = hi - lo + 1
    if not path:
        workers = 1  # a database in memory cannot be opened again by a child
    elif workers is None:
        workers = worker_count(span * len(langs))
    parent = os.getpid()
    if workers > 1:
        desk_style.prepare()  # dictionaries loaded once, before the fork: shared

    def work(start: int, stop: int) -> list[tuple[str, Found]]:
        if os.getpid() == parent:
            conn = db.conn
        else:  # a connection must not cross a fork: the child opens its own
            import sqlite3

            conn = sqlite3.connect(path, timeout=30.0)
            conn.execute("PRAGMA query_only = 1")
        rows = conn.execute(sql, [lo + start, lo + stop, *params]).fetchall()
        # Once per distinct pair: news repeats itself, about half the sentences of a
        # big archive.
        index: dict[Pair, int] = {}
        where_pair = [
            index.setdefault((source, text, meta[article_id][0], lang), len(index))
            for lang, article_id, _unit, _position, text, _key, source in rows
        ]
        by_pair = check_pairs(list(index), workers=1)
        return [
            (lang, (article_id, position, unit_id, key, source, text, by_pair[pair]))
            for (lang, article_id, unit_id, position, text, key, source), pair
            in zip(rows, where_pair, strict=True) if pair in by_pair
        ]

    fresh: dict[str, list[Found]] = {}
    for part in in_two_processes(work, span, workers):
        for lang, row in part:
            fresh.setdefault(lang, []).append(row)
    return fresh
_ROW = ("SELECT t.article_id, t.unit_id, t.position, t.text, u.key, u.source"
        " FROM translations t JOIN units u ON u.id = t.unit_id")


def _live_units(db: Database, articles: list[str] | None) -> dict[str, int]:
    """Live units per article, from the partial index on units alone. The store gives
    every live unit one translation row per target language (at import, and when a
    target is added), so this is also each target language's count of translations:
    counting those instead would read three times as many index entries."""
    sql = "SELECT article_id, COUNT(*) FROM units WHERE obsolete = 0"
    params: list[str] = []
    if articles is not None and len(articles) <= 500:
        sql += f" AND article_id IN ({','.join('?' * len(articles))})"
        params = articles
    return dict(db.execute(sql + " GROUP BY article_id", params).fetchall())


def _check_language(
    db: Database,
    lang: str,
    targeted: list[str],
    filtered: bool,
    meta: dict[str, tuple[str, list[str]]],
    units: dict[str, int],
    active: set[str],
    recorded: _RecordedFindings,
    fresh: list[Found] | None,
) -> list[LangResult]:
    """One language's results; `fresh` holds its findings when everything was just
    checked (`_check_translations`), else the record is read and the changed rows
    checked."""
    by_article = {a: LangResult(a, lang, units.get(a, 0), units.get(a, 0)) for a in targeted}
    where = "t.lang = ? AND t.obsolete = 0"
    params: list[Any] = [lang]
    if filtered and len(targeted) <= 500:  # more ids than that are filtered here instead
        where += f" AND t.article_id IN ({','.join('?' * len(targeted))})"
        params += targeted

    # Not done: the few index entries of two statuses (done = units - missing).
    for article_id, key, source, status in db.execute(
        "SELECT t.article_id, u.key, u.source, t.status FROM translations t"
        f" JOIN units u ON u.id = t.unit_id WHERE {where}"
        " AND t.status IN ('untranslated', 'draft')"
        " ORDER BY t.article_id, t.position", params
    ):
        result = by_article.get(article_id)
        if result is not None:
            result.missing.append(Missing(key, status, source))
            result.done -= 1

    found: list[Found] = []

    def run_checks_on(rows: Iterable[tuple]) -> None:
        # Every check (the record is for any --ignore), once per distinct pair: news
        # repeats itself, about half the sentences of a big archive.
        rows = list(rows)
        index: dict[Pair, int] = {}
        where_pair = [
            index.setdefault((source, text, meta[article_id][0], lang), len(index))
            for article_id, _unit_id, _position, text, _key, source in rows
        ]
        by_pair = check_pairs(list(index))
        if not by_pair:
            return
        for row, pair in zip(rows, where_pair, strict=True):
            findings = by_pair.get(pair)
            if findings:
                article_id, unit_id, position, text, key, source = row
                recorded.put(unit_id, lang, findings)
                if article_id in by_article:
                    found.append((article_id, position, unit_id, key, source, text, findings))

    if fresh is not None:
        for row in fresh:
            recorded.put(row[2], lang, row[6])
            if row[0] in by_article:
                found.append(row)
    else:
        # Changed since the last check (every article: the list is short and stays useful).
        dirty = db.execute("SELECT unit_id, marker FROM check_dirty WHERE lang = ?",
                           [lang]).fetchall()
        recorded.seen_dirty(lang, dirty)
        if dirty:
            run_checks_on(db.execute(
                f"{_ROW} JOIN check_dirty d ON d.unit_id = t.unit_id AND d.lang = t.lang"
                f" WHERE t.lang = ? AND t.obsolete = 0 AND {_DONE_SQL}"
                " AND t.text IS NOT NULL", [lang]))
        changed = {unit_id for unit_id, _marker in dirty}
        for article_id, unit_id, position, text, key, source, encoded in db.execute(
            f"SELECT t.article_id, t.unit_id, t.position, t.text, u.key, u.source, f.findings"
            # CROSS JOIN: SQLite keeps this order, from the few findings to their rows.
            " FROM check_findings f CROSS JOIN translations t ON t.unit_id = f.unit_id"
            f" AND t.lang = f.lang JOIN units u ON u.id = t.unit_id WHERE f.lang = ?"
            f" AND {where} AND {_DONE_SQL}", [lang, *params]
        ):
            if article_id in by_article and unit_id not in changed:
                found.append((article_id, position, unit_id, key, source, text,
                              _RecordedFindings.decode(encoded)))

    accepted = _accepted_for(db, lang)
    found.sort(key=lambda f: (f[0], f[1]))
    for article_id, _position, unit_id, key, source, text, findings in found:
        result = by_article[article_id]
        for name, message in findings:
            if name not in active:
                continue
            problem = Problem(key, name, message, source, text)
            exception = accepted.get((unit_id, name))
            if exception is not None and exception[0] == text:
                problem.accepted, problem.note = True, exception[1]
            result.findings.append(problem)
    return list(by_article.values())


class _RecordedFindings:
    """Findings kept in the database between runs (migrations m041, m042).

    `check_findings` holds the findings of translations that have any; `check_dirty`
    lists translations changed since (filled by triggers, each row with a random
    marker, so that a change made while `check` runs is not lost). A fingerprint of
    checks.py versions the record: a new version means checking everything again. A
    database that cannot be written (read-only, locked for long) only costs speed."""

    def __init__(self, db: Database, everything: bool) -> None:
        self.db = db
        self.everything = everything
        self.version = _checks_fingerprint() + desk_style.fingerprint(db)
        row = db.execute("SELECT version FROM check_cache_version").fetchone()
        self.valid = row is not None and row[0] == self.version
        self.rows: dict[tuple[int, str], str] = {}
        self.dirty: list[tuple[int, str, int]] = []

    def put(self, unit_id: int, lang: str, findings: list[tuple[str, str]]) -> None:
        """Record a translation's findings (a translation not put here has none)."""
        self.rows[(unit_id, lang)] = json.dumps(findings, ensure_ascii=False)

    def seen_dirty(self, lang: str, rows: list[tuple[int, int]]) -> None:
        self.dirty += [(unit_id, lang, marker) for unit_id, marker in rows]

    @staticmethod
    def decode(encoded: str) -> list[tuple[str, str]]:
        return [(name, message) for name, message in json.loads(encoded)]

    def save(self) -> None:
        if not self.valid and not self.everything:
            return  # a partial re-check cannot vouch for the rest
        if self.valid and not self.dirty:
            return
        import sqlite3

        try:
            with write_transaction(self.db) as conn:
                if not self.valid:
                    conn.execute("DELETE FROM check_findings")
                    conn.execute("DELETE FROM check_cache_version")
                    conn.execute("INSERT INTO check_cache_version VALUES (?)", [self.version])
                    conn.executemany(
                        "INSERT INTO check_findings VALUES (?, ?, ?)",
                        [(u, lang, f) for (u, lang), f in self.rows.items() if f])
                else:
                    changed = {(u, lang) for u, lang, _marker in self.dirty}
                    conn.executemany(
                        "DELETE FROM check_findings WHERE unit_id = ? AND lang = ?", changed)
                    conn.executemany(
                        "INSERT INTO check_findings VALUES (?, ?, ?)",
                        [(u, lang, f) for (u, lang), f in self.rows.items()
                         if f and (u, lang) in changed])
                conn.executemany(
                    "DELETE FROM check_dirty WHERE unit_id = ? AND lang = ? AND marker = ?",
                    self.dirty)
        except sqlite3.OperationalError:
            pass  # read-only or busy: the next run checks these again
        self.rows, self.dirty = {}, []


_FINGERPRINT: list[str] = []


def _checks_fingerprint() -> str:
    if not _FINGERPRINT:
        import hashlib

        from transdesk import checks

        data = Path(checks.__file__).read_bytes()
        _FINGERPRINT.append(hashlib.sha1(data).hexdigest())
    return _FINGERPRINT[0]


def _accepted_for(db: Database, lang: str) -> dict[tuple[int, str], tuple[str, str | None]]:
    return {
        (unit_id, check): (text, note)
        for unit_id, check, text, note in db.execute(
            "SELECT unit_id, check_name, text, note FROM check_exceptions WHERE lang = ?", [lang]
        )
    }


# --- accepted exceptions -------------------------------------------------------------


def accept_finding(
    db: Database,
    article_id: str,
    key: str,
    lang: str,
    check: str,
    accepted_by: str,
    note: str | None = None,
) -> dict[str, Any]:
    """Record that `check`'s finding on this unit's current translation is a known,
    accepted exception (with a history row). Refused when the check finds nothing."""
    from transdesk.store import check_target, get_article, unit_id_for

    lang = normalize_lang(lang)
    check = _check_name(check)
    article = get_article(db, article_id)
    check_target(article, lang)
    unit_id = unit_id_for(db, article_id, key)
    source, text, status = db.execute(
        "SELECT u.source, t.text, t.status FROM units u JOIN translations t"
        " ON t.unit_id = u.id AND t.lang = ? WHERE u.id = ?",
        [lang, unit_id],
    ).fetchone()
    where = f"{article_id}:{key} [{lang}]"
    if status not in DONE or text is None:
        raise Refused(f"{where} is {status}: only translated text has findings to accept")
    desk_style.use(db)
    message = CHECKS[check](source, text, article["source_lang"], lang)
    if message is None:
        raise Refused(f"check {check!r} finds nothing in {where}: nothing to accept")
    ts = now()
    with write_transaction(db) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO check_exceptions (unit_id, lang, check_name, text, note,"
            " accepted_by, at) VALUES (?,?,?,?,?,?,?)",
            [unit_id, lang, check, text, note, accepted_by, ts],
        )
        _history(conn, unit_id, lang, ts, accepted_by, "accept-check", text, status,
                 f"{check}: {message}" + (f" ({note})" if note else ""))
    return {"article": article_id, "key": key, "lang": lang, "check": check,
            "message": message, "note": note, "accepted_by": accepted_by, "at": ts}


def revoke_finding(
    db: Database, article_id: str, key: str, lang: str, check: str, revoked_by: str
) -> None:
    """Remove an accepted exception (the check speaks again), with a history row."""
    from transdesk.store import get_article, unit_id_for

    lang = normalize_lang(lang)
    check = _check_name(check)
    get_article(db, article_id)
    unit_id = unit_id_for(db, article_id, key)
    with write_transaction(db) as conn:
        row = conn.execute(
            "SELECT t.text, t.status FROM check_exceptions e JOIN translations t"
            " ON t.unit_id = e.unit_id AND t.lang = e.lang"
            " WHERE e.unit_id = ? AND e.lang = ? AND e.check_name = ?",
            [unit_id, lang, check],
        ).fetchone()
        if row is None:
            raise Refused(f"no accepted {check!r} exception on {article_id}:{key} [{lang}]")
        conn.execute(
            "DELETE FROM check_exceptions WHERE unit_id = ? AND lang = ? AND check_name = ?",
            [unit_id, lang, check],
        )
        _history(conn, unit_id, lang, now(), revoked_by, "revoke-check", row[0], row[1], check)


def list_exceptions(db: Database, articles: list[str] | None = None) -> list[dict[str, Any]]:
    """Accepted exceptions: article, key, lang, check, note, accepted_by, at, and whether
    the translation is still the one accepted (`current`)."""
    from transdesk.store import get_article

    for article_id in articles or ():
        get_article(db, article_id)
    sql = (
        "SELECT u.article_id, u.key, e.lang, e.check_name, e.note, e.accepted_by, e.at,"
        " e.text = t.text FROM check_exceptions e JOIN units u ON u.id = e.unit_id"
        " LEFT JOIN translations t ON t.unit_id = e.unit_id AND t.lang = e.lang"
    )
    params: list[str] = []
    if articles:
        sql += f" WHERE u.article_id IN ({','.join('?' * len(articles))})"
        params = list(articles)
    sql += " ORDER BY u.article_id, u.position, e.lang, e.check_name"
    keys = ("article", "key", "lang", "check", "note", "accepted_by", "at", "current")
    rows = [dict(zip(keys, row, strict=True)) for row in db.execute(sql, params)]
    for row in rows:
        row["current"] = bool(row["current"])
    return rows


def _check_name(name: str) -> str:
    if name.strip().lower() not in CHECKS:
        raise BadInput(f"unknown check {name!r}; known checks: {', '.join(CHECK_NAMES)}")
    return name.strip().lower()


def _history(conn: Any, unit_id: int, lang: str, ts: str, who: str, action: str, text: str,
             status: str, note: str) -> None:
    """An accept/revoke row: the text and status it concerns, unchanged."""
    from transdesk.store import record_history

    record_history(conn, unit_id, lang, action, who, ts, origin="human", old_text=text,
                   new_text=text, old_status=status, new_status=status, note=note)


# --- from PO catalogs ----------------------------------------------------------------


@dataclass
class PoEntry:
    key: str  # msgctxt
    source: str  # msgid
    text: str  # msgstr
    fuzzy: bool
    flags: tuple[str, ...]
    line: int


@dataclass
class PoCatalog:
    path: Path
    headers: dict[str, str]
    entries: list[PoEntry]


def find_catalogs(directory: str | os.PathLike[str]) -> list[tuple[str, str, Path]]:
    """(article, language directory, path) of every `DIR/<lang>/LC_MESSAGES/<article>.po`."""
    root = Path(directory)
    if not root.is_dir():
        raise BadInput(f"no such directory: {str(directory)!r} (--po DIR)")
    found = []
    with os.scandir(root) as langs:
        for lang_dir in langs:
            messages = Path(lang_dir.path, "LC_MESSAGES")
            if not lang_dir.is_dir() or not messages.is_dir():
                continue
            with os.scandir(messages) as files:
                for entry in files:
                    if entry.name.endswith(".po") and entry.is_file():
                        found.append((entry.name[:-3], lang_dir.name, Path(entry.path)))
    found.sort(key=lambda f: (f[0], f[1]))
    return found


def check_catalogs(
    directory: str | os.PathLike[str],
    articles: list[str] | None = None,
    langs: list[str] | None = None,
    min_percent: float = 100.0,
    strict: bool = False,
    ignore: Iterable[str] = (),
    workers: int | None = None,
    words: dict[str, list[str]] | None = None,
) -> Report:
    """Check PO catalogs as `po export` writes them, with no database (`words`: a desk
    word list for the spelling check, see desk_style.read_word_list).

    Empty and fuzzy entries are missing units; the others get the quality checks. The
    language comes from the path and the `Language` header (BadInput if they disagree),
    the article from `X-Transdesk-Article` or the file name, the source language from
    `X-Transdesk-Source-Language` or else from the text of the msgids. An entry flagged
    `#, accept-<check>` has that check's finding accepted. `workers` (1 or 2; default:
    by size) is how many processes share the catalogs.
    """
    ignored = parse_ignore(ignore)
    desk_style.use_shipped(words)  # no database: word lists, no termbase
    catalogs = find_catalogs(directory)
    if not catalogs:
        raise BadInput(f"no catalogs in {str(directory)!r}: expected <lang>/LC_MESSAGES/*.po")
    known = {article for article, _lang, _path in catalogs}
    for article in articles or ():
        if article not in known:
            raise BadInput(f"no catalog for article {article!r} in {str(directory)!r}")
    wanted_langs = [normalize_lang(lang) for lang in langs] if langs else None
    wanted = set(articles) if articles else None
    checks = pair_checker(_active_checks(ignored))
    if wanted is not None:
        catalogs = [c for c in catalogs if c[0] in wanted]

    def work(start: int, stop: int) -> list[LangResult]:
        memo: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}
        done = []
        for article, dir_lang, path in catalogs[start:stop]:
            catalog = read_po(path)
            lang = _catalog_lang(catalog, dir_lang)
            if wanted_langs is not None and lang not in wanted_langs:
                continue
            article = catalog.headers.get("X-Transdesk-Article", "").strip() or article
            done.append(_check_catalog(catalog, article, lang, checks, memo))
        return done

    # Reading and checking are pure Python: big directories are shared by two processes
    # (each about 200 catalogs per 1000 pairs of a process's second).
    if workers is None:
        workers = worker_count(len(catalogs), PARALLEL_MIN // 20)
    if workers > 1 and "spelling" not in ignored:
        desk_style.prepare()  # dictionaries loaded once, before the fork: shared
    results = [r for part in in_two_processes(work, len(catalogs), workers) for r in part]
    results.sort(key=lambda r: (r.article, _LANG_ORDER[r.lang]))
    return Report(results, min_percent, strict, ignored, "po")


def _catalog_lang(catalog: PoCatalog, dir_name: str) -> str:
    header = catalog.headers.get("Language", "").strip()
    from_header = _lang_or_none(re.split(r"[_@.-]", header)[0]) if header else None
    from_path = _lang_or_none(dir_name)
    if from_header and from_path and from_header != from_path:
        raise BadInput(f"{catalog.path}: header says Language {header!r} but it lies under"
                       f" {dir_name}/")
    lang = from_header or from_path
    if lang is None:
        raise BadInput(f"{catalog.path}: unknown language (set the Language header to ru, uk"
                       " or en)")
    return lang


def _lang_or_none(code: str) -> str | None:
    try:
        return normalize_lang(code)
    except BadInput:
        return None


def _check_catalog(
    catalog: PoCatalog,
    article: str,
    lang: str,
    checks: Callable[[str, str, str, str], Findings],
    memo: dict[tuple[str, str, str, str], list[tuple[str, str]]],
) -> LangResult:
    """Completeness and findings of one catalog; `memo` holds the findings of sentence
    pairs seen before (news repeats itself: about half the sentences of a big archive)."""
    result = LangResult(article, lang, file=str(catalog.path))
    source_lang = _lang_or_none(catalog.headers.get("X-Transdesk-Source-Language", "")
                                or catalog.headers.get("X-Source-Language", ""))
    if source_lang is None:
        try:
            source_lang = detect_lang(" ".join(e.source for e in catalog.entries[:50]))
        except BadInput:
            source_lang = "en"  # nothing to read: no letters, so no language conventions
    for entry in catalog.entries:
        result.units += 1
        if not entry.text or entry.fuzzy:
            status = "draft" if entry.fuzzy and entry.text else "untranslated"
            result.missing.append(Missing(entry.key, status, entry.source, entry.line))
            continue
        result.done += 1
        memo_key = (entry.source, entry.text, source_lang, lang)
        findings = memo.get(memo_key)
        if findings is None:
            findings = memo[memo_key] = checks(*memo_key)
        for name, message in findings:
            accepted = PO_ACCEPT_FLAG + name in entry.flags
            result.findings.append(Problem(entry.key, name, message, entry.source,
                                           entry.text, accepted, None, entry.line))
    return result


def read_po(path: Path) -> PoCatalog:
    """Read a catalog: the fast reader for what `po export` writes, polib for the rest."""
    data = path.read_bytes()
    catalog = _read_po_fast(path, data)
    return catalog if catalog is not None else _read_po_polib(path)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")
_VALID_BODY = re.compile(r'(?:[^"\\]|\\.)*')
# One entry as `po export` (polib, msgcat) writes it: comments, msgctxt, msgid, msgstr,
# each string on one or more quoted lines.
_PO_ENTRY = re.compile(
    r'((?:#[^\n]*\n)*)'
    r'(?:msgctxt ("[^\n]*"\n(?:"[^\n]*"\n)*))?'
    r'msgid ("[^\n]*"\n(?:"[^\n]*"\n)*)'
    r'msgstr ("[^\n]*"(?:\n"[^\n]*")*)[ \t]*(?:\n|\Z)'
)
_PO_COMMENTS = re.compile(r'(?:#[^\n]*(?:\n|\Z))+')
_PO_BLANK = re.compile(r'(?:[ \t]*(?:\n|\Z))+')


_PO_SEGMENT = re.compile(r'^"(.*)"[ \t]*$', re.M)


def _po_string(block: str) -> str | None:
    """The value of quoted lines (`"a"\n"b"\n` -> `ab`), or None if polib should judge."""
    if block.count('"') == 2:
        body = block[1:block.rindex('"')]
    else:
        body = "".join(_PO_SEGMENT.findall(block))
    if '"' in body or "\\" in body:
        if not _VALID_BODY.fullmatch(body):
            return None
        try:
            return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], body)
        except KeyError:  # octal or hex escapes: polib's business
            return None
    return body


def _read_po_fast(path: Path, data: bytes) -> PoCatalog | None:
    """Parse the PO subset that `po export` writes (UTF-8; comments, flags, msgctxt,
    msgid, msgstr; obsolete `#~` entries skipped) with a few regular expressions.
    Returns None on anything else (plural forms, other charsets, odd syntax), so that
    polib reads the file and reports real errors."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    entries: list[PoEntry] = []
    headers: dict[str, str] | None = None
    pos, end, line, counted = 0, len(text), 1, 0
    while pos < end:
        if text[pos] == "\n":
            pos += 1
            continue
        m = _PO_ENTRY.match(text, pos)
        if m is None:
            blank = _PO_BLANK.match(text, pos)
            if blank and blank.end() > pos:
                pos = blank.end()
                continue
            m = _PO_COMMENTS.match(text, pos)  # an obsolete entry, or a lone comment
            if m is None:
                return None
            pos = m.end()
            continue
        comments, ctxt_block, msgid_block, msgstr_block = m.groups()
        if "#~" in comments:
            return None
        msgid = _po_string(msgid_block)
        msgstr = _po_string(msgstr_block)
        msgctxt = _po_string(ctxt_block) if ctxt_block is not None else None
        if msgid is None or msgstr is None or (ctxt_block is not None and msgctxt is None):
            return None
        msgid_at = m.start(3)
        line += text.count("\n", counted, msgid_at)
        counted = msgid_at
        if msgid == "" and msgctxt is None:
            if headers is not None:
                return None
            headers = _parse_headers(msgstr)
        else:
            flags: tuple[str, ...] = ()
            if "#," in comments:
                flags = tuple(
                    flag.strip()
                    for row in comments.split("\n") if row.startswith("#,")
                    for flag in row[2:].split(",") if flag.strip()
                )
            entries.append(PoEntry(msgctxt or "", msgid, msgstr, "fuzzy" in flags, flags,
                                   line))
        pos = m.end()
    if headers is None:
        headers = {}
    charset = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""))
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    return PoCatalog(path, headers, entries)


def _parse_headers(text: str) -> dict[str, str]:
    headers = {}
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip()] = value.strip()
    return headers


def _read_po_polib(path: Path) -> PoCatalog:
    import polib

    try:
        po = polib.pofile(str(path))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"malformed PO file {str(path)!r}: {exc}") from None
    entries = []
    for entry in po:
        if entry.obsolete:
            continue
        text = entry.msgstr
        if entry.msgid_plural:
            text = entry.msgstr_plural.get(0, "")
        entries.append(PoEntry(entry.msgctxt or "", entry.msgid, text, entry.fuzzy,
                               tuple(entry.flags), entry.linenum))
    return PoCatalog(path, dict(po.metadata), entries)


# --- rendering -----------------------------------------------------------------------


def render(report: Report, fmt: str = "text") -> str:
    """The report in one of FORMATS, as the text to print (ending in a newline)."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return {"text": render_text, "json": render_json, "junit": render_junit,
            "github": render_github}[fmt](report)


def summary_line(report: Report) -> str:
    """`3 articles, 2 languages: 1 incomplete (5 units missing), 2 warnings`."""
    c = report.counts()
    line = (f"{_plural(c['articles'], 'article')}, {_plural(c['languages'], 'language')}:"
            f" {c['incomplete_articles']} incomplete")
    if c["missing"]:
        line += f" ({_plural(c['missing'], 'unit')} missing)"
    line += ", " + (_plural(c["failures"], "failure") if report.strict
                    else _plural(c["warnings"], "warning"))
    if c["accepted"]:
        line += f", {c['accepted']} accepted"
    if report.ignored:
        line += f" (ignored: {', '.join(report.ignored)})"
    return line


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _where(article: str, key: str, lang: str) -> str:
    return f"{article}:{key} [{lang}]"


def render_text(report: Report) -> str:
    """Grouped by article, only what needs attention, then the summary line."""
    lines: list[str] = []
    last_article = None
    for r in report.results:
        below = r.below(report.min_percent)
        if not r.missing and not r.open_findings:
            continue
        if r.article != last_article:
            lines.append(r.article)
            last_article = r.article
        state = []
        if r.missing:
            what = _plural(len(r.missing), "unit") + " missing"
            state.append(f"incomplete: {what}" if below
                         else f"{what} (allowed by --min {report.min_percent:g})")
        if r.open_findings:
            state.append(_plural(len(r.open_findings), report.severity))
        lines.append(f"  {r.lang}  {r.percent:5.1f}%  " + ", ".join(state))
        if below:  # units missing within --min are counted, not listed
            lines += [f"    {_where(r.article, m.key, r.lang)} {m.status}" for m in r.missing]
        for p in r.open_findings:
            lines.append(f"    {_where(r.article, p.key, r.lang)} {report.severity} {p.check}:"
                         f" {p.message}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def report_dict(report: Report) -> dict[str, Any]:
    """The JSON shape (stable keys; see `render_json`)."""
    results = []
    for r in report.results:
        results.append({
            "article": r.article,
            "lang": r.lang,
            "file": r.file,
            "units": r.units,
            "done": r.done,
            "percent": r.percent,
            "complete": r.done == r.units,
            "passed": not report.failed(r),
            "missing": [{"key": m.key, "status": m.status, "source": m.source}
                        for m in r.missing],
            "findings": [
                {"key": p.key, "check": p.check, "severity": "accepted" if p.accepted
                 else report.severity, "message": p.message, "source": p.source,
                 "translation": p.translation, "note": p.note}
                for p in r.findings
            ],
        })
    return {
        "ok": report.exit_code == 0,
        "exit_code": report.exit_code,
        "source": report.origin,
        "min": report.min_percent,
        "strict": report.strict,
        "ignored": list(report.ignored),
        "summary": report.counts(),
        "results": results,
    }


_COMPACT = json.JSONEncoder(ensure_ascii=False)


def render_json(report: Report) -> str:
    """`{"ok", "exit_code", "source", "min", "strict", "ignored", "summary", "results"}`;
    one result per article and language with `missing` and `findings` lists.

    The top level is indented and each result takes one line: json's C encoder does
    not indent, and the pure-Python one costs about a second per 10,000 articles."""
    data = report_dict(report)
    results = data.pop("results")
    head = json.dumps(data, ensure_ascii=False, indent=2)[:-2]  # without the final "\n}"
    if not results:
        return head + ',\n  "results": []\n}\n'
    lines = ",\n    ".join(_COMPACT.encode(r) for r in results)
    return head + ',\n  "results": [\n    ' + lines + "\n  ]\n}\n"


def render_junit(report: Report) -> str:
    """JUnit XML: a testsuite per article, a testcase per language (classname = article,
    name = language); a `<failure>` lists the missing units and, with --strict, the
    findings; without --strict the warnings go to `<system-out>`."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="transdesk check")
    total = failures = 0
    for article in report.articles:
        results = [r for r in report.results if r.article == article]
        failed = sum(1 for r in results if report.failed(r))
        suite = ET.SubElement(root, "testsuite", name=article, tests=str(len(results)),
                              failures=str(failed), errors="0", skipped="0")
        total += len(results)
        failures += failed
        for r in results:
            case = ET.SubElement(suite, "testcase", classname=article, name=r.lang)
            if r.file:
                case.set("file", r.file)
            finding_lines = [f"{_where(r.article, p.key, r.lang)} {p.check}: {p.message}"
                             for p in r.open_findings]
            if report.failed(r):
                messages, body = [], []
                if r.below(report.min_percent):
                    messages.append(f"{_plural(len(r.missing), 'unit')} missing"
                                    f" ({r.percent:g}% < {report.min_percent:g}%)")
                    body += [f"{_where(r.article, m.key, r.lang)} {m.status}" for m in r.missing]
                if report.strict and r.open_findings:
                    messages.append(f"{_plural(len(r.open_findings), 'check')} failed")
                    body += finding_lines
                failure = ET.SubElement(case, "failure", message="; ".join(messages),
                                        type="incomplete" if r.below(report.min_percent)
                                        else "quality")
                failure.text = "\n".join(body)
            elif finding_lines:
                ET.SubElement(case, "system-out").text = "\n".join(
                    f"warning {line}" for line in finding_lines)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _gh_line(level: str, r: LangResult, line: int | None, title: str, message: str) -> str:
    props = []
    if r.file:
        props.append(f"file={_gh_property(r.file)}")
        if line:
            props.append(f"line={line}")
    props.append(f"title={_gh_property(title)}")
    return f"::{level} {','.join(props)}::{_gh_data(message)}"


def render_github(report: Report) -> str:
    """GitHub workflow commands: `::error` for each missing unit of a language below
    --min, `::warning` (or `::error` with --strict) for each finding, then the summary.
    From catalogs, `file=` is the PO file and `line=` its entry; from the database there
    is no file to point at, so the title names `article:key [lang]`."""
    lines = []
    for r in report.results:
        if r.below(report.min_percent):
            for m in r.missing:
                where = _where(r.article, m.key, r.lang)
                lines.append(_gh_line("error", r, m.line, f"{where} {m.status}",
                                      f"{where} is {m.status}: {m.source}"))
        for p in r.open_findings:
            where = _where(r.article, p.key, r.lang)
            lines.append(_gh_line(report.severity, r, p.line, f"{p.check} {where}",
                                  f"{where} {p.check}: {p.message}"))
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
