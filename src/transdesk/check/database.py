"""`check_database`: the report from the database, with findings recorded between runs.

Per language a few set-oriented queries, never one per unit (see `check_database`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk import desk_style
from transdesk.check.options import parse_ignore
from transdesk.check.parallel import Findings, Pair, check_pairs, in_two_processes, worker_count
from transdesk.check.report import LANG_ORDER, LangResult, Missing, Problem, Report
from transdesk.checks import CHECK_NAMES
from transdesk.db import write_transaction
from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.languages import LANGUAGES, normalize_lang

if TYPE_CHECKING:
    from sqlite_utils import Database


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
            raise BadInput(_(
                    "unknown article {article_id!r} (see 'transdesk articles')"
                ).format(article_id=article_id))
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
    results.sort(key=lambda r: (r.article, LANG_ORDER[r.lang]))
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

        from transdesk import checks, registry

        # registry.py too: the check names and their functions are declared there
        data = Path(checks.__file__).read_bytes() + Path(registry.__file__).read_bytes()
        _FINGERPRINT.append(hashlib.sha1(data).hexdigest())
    return _FINGERPRINT[0]


def _accepted_for(db: Database, lang: str) -> dict[tuple[int, str], tuple[str, str | None]]:
    return {
        (unit_id, check): (text, note)
        for unit_id, check, text, note in db.execute(
            "SELECT unit_id, check_name, text, note FROM check_exceptions WHERE lang = ?", [lang]
        )
    }
