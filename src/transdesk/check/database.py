"""`check_database`: the report from the database (either engine), with findings
recorded between runs, read and built an article at a time (memory stays flat however
big the archive: see `check_database`)."""

from __future__ import annotations

import heapq
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any

from transdesk.check.options import parse_ignore
from transdesk.check.parallel import Findings, Pair, in_two_processes_streamed, worker_count
from transdesk.check.report import LANG_ORDER, LangResult, Missing, Problem, Report
from transdesk.check.style import desk_fingerprint, use_desk_style
from transdesk.checks import CHECK_NAMES, pair_checker
from transdesk.errors import BadInput, Refused
from transdesk.i18n import _
from transdesk.languages import LANGUAGES, normalize_lang
from transdesk.storage import findings as store

_SLICE = 4096  # unit ids read at a time by a full check
_CHANGED_MAX = 20_000  # changed translations re-checked alone; more: a full check
_CACHE_PAIRS = 10_000  # distinct sentence pairs whose findings are kept for reuse (~8 MB)
# A translation with findings: article, position, unit id, key, source, text, findings.
Found = tuple[str, int, int, str, str, str, Findings]


def check_database(
    desk: Any,
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

    Findings are recorded in the database (`check_findings`), and triggers mark a
    translation whose text or source changes (`check_dirty`), so a run checks only what
    changed since the last one; the first run (or a changed checks.py, termbase or word
    list) checks every done translation, a slice of unit ids at a time, and records the
    findings in batches. The report then reads per language a few streams in article
    order (the units missing, the recorded findings) and yields each article's results
    as they are rendered. A desk that cannot be written (read-only, locked, a login
    without the editor role) only costs speed: the findings are then kept in memory.
    """
    ignored = parse_ignore(ignore)
    use_desk_style(desk)  # the termbase and word list of this desk
    selected = list(dict.fromkeys(articles)) if articles else None
    if selected:
        unknown = store.unknown_articles(desk, selected)
        if unknown:
            raise BadInput(_(
                    "unknown article {article_id!r} (see 'transdesk articles')"
                ).format(article_id=unknown[0]))
    langs = [normalize_lang(lang) for lang in langs] if langs else list(LANGUAGES)
    langs = sorted(set(langs), key=LANG_ORDER.__getitem__)
    active = set(CHECK_NAMES).difference(ignored)
    everything = selected is None and set(langs) == set(LANGUAGES)
    memo = _Findings(desk, everything)
    if not (memo.valid and memo.recheck_changed(langs)):
        memo.check_all(langs, selected, workers)
    results = _results(desk, selected, langs, active, memo)
    return Report(results, min_percent, strict, ignored, "database")


class _Findings:
    """Where the findings come from: the record in the database (migrations m041,
    m042) and, for what could not be recorded, a few kept in memory (`extra`)."""

    def __init__(self, desk: Any, everything: bool) -> None:
        self.desk = desk
        self.everything = everything
        self.version = desk_fingerprint(desk)
        self.valid = store.recorded_version(desk) == self.version
        self.use_record = self.valid
        self.extra: dict[str, list[Found]] = {}  # by language, what the record lacks
        self.stale: set[tuple[int, str]] = set()  # record rows not to be trusted

    def _dirty(self, langs: list[str]) -> Iterator[tuple[int, str, int]]:
        for lang in langs:
            for unit_id, marker in store.dirty_marks(self.desk, lang):
                yield unit_id, lang, marker

    def _keep(self, lang: str, row: Found) -> None:
        self.extra.setdefault(lang, []).append(row)

    def recheck_changed(self, langs: list[str]) -> bool:
        """Check the translations changed since the last run, and record them; False
        (nothing done) when so many changed (a bulk change) that a full check is the
        way, with flat memory."""
        if store.dirty_count(self.desk, langs) > _CHANGED_MAX:
            return False
        # before reading the text: a change made meanwhile stays marked
        dirty = list(self._dirty(langs))
        if not dirty:
            return True
        check = pair_checker(CHECK_NAMES)
        rows: dict[tuple[int, str], str] = {}
        found: list[tuple[str, Found]] = []
        for lang in langs:
            for article_id, position, unit_id, key, source, text, source_lang in \
                    store.dirty_done(self.desk, lang):
                findings = check(source, text, source_lang, lang)
                if findings:
                    rows[(unit_id, lang)] = _encode(findings)
                    found.append((lang, (article_id, position, unit_id, key, source, text,
                                         findings)))
        if not _saved(self.desk, store.replace_changed, rows, dirty):
            self.stale = {(unit_id, lang) for unit_id, lang, _marker in dirty}
            for lang, row in found:
                self._keep(lang, row)
            for rows_of_lang in self.extra.values():
                rows_of_lang.sort(key=lambda f: (f[0], f[1]))
        return True

    def check_all(self, langs: list[str], selected: list[str] | None,
                  workers: int | None) -> None:
        """Every check on every done translation in `langs` (of the selected articles),
        recorded when that covers everything, else kept in memory (a partial check
        cannot vouch for the rest)."""
        self.use_record = False  # until this check is recorded
        # the marks seen before the text is read (a change made meanwhile stays marked),
        # kept in a temporary file: after a bulk change every translation is marked
        with _Spool(self._dirty(langs) if self.everything else ()) as dirty, \
                _Spool(_check_translations(self.desk, langs, selected, workers)) as found:
            if self.everything:
                rows = ((f[2], lang, _encode(f[6])) for lang, f in found)
                if _saved(self.desk, store.replace_all, self.version, rows, dirty):
                    self.use_record = True
                    return
            for lang, row in found:  # not recorded: kept in memory
                self._keep(lang, row)
        for rows_of_lang in self.extra.values():
            rows_of_lang.sort(key=lambda f: (f[0], f[1]))

    def stream(self, lang: str, selected: list[str] | None) -> Iterator[Found]:
        """The translations in `lang` with findings, in article order."""
        extra = self.extra.get(lang, [])
        if not self.use_record:
            return iter(extra)
        recorded = (
            (article_id, position, unit_id, key, source, text, _decode(encoded))
            for article_id, position, unit_id, key, source, text, encoded
            in store.recorded(self.desk, lang, selected)
            if (unit_id, lang) not in self.stale)
        if not extra:
            return recorded
        return heapq.merge(recorded, extra, key=lambda f: (f[0], f[1]))


class _Spool:
    """Items written to a temporary file as they come, read back (as often as asked)
    afterwards: the record is then written in one short transaction."""

    def __init__(self, items: Iterable[Any]) -> None:
        import pickle
        import tempfile

        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        batch: list[Any] = []
        for item in items:
            batch.append(item)
            if len(batch) >= 1000:
                pickle.dump(batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        pickle.dump(batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self) -> Iterator[Any]:
        import pickle

        self.file.seek(0)
        while True:
            try:
                yield from pickle.load(self.file)
            except EOFError:
                return

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def _saved(desk: Any, write: Any, *args: Any) -> bool:
    """Whether `write(desk, *args)` recorded it: a desk that cannot be written (read
    only, busy, a login without the editor role) only costs speed."""
    import sqlite3

    from transdesk.errors import TransdeskError

    try:
        write(desk, *args)
    except (sqlite3.OperationalError, Refused):
        return False
    except TransdeskError as exc:
        if "read-only" in str(exc) or "readonly" in str(exc):
            return False
        raise
    return True


def _encode(findings: Findings) -> str:
    return json.dumps(findings, ensure_ascii=False)


def _decode(encoded: str) -> Findings:
    return [(name, message) for name, message in json.loads(encoded)]


def _check_translations(
    desk: Any, langs: list[str], selected: list[str] | None, workers: int | None = None
) -> Iterator[tuple[str, Found]]:
    """(lang, row) of every done translation in `langs` (of the `selected` articles,
    default all) with findings. A big desk is split by unit id between two processes,
    each reading its half a slice at a time with its own connection, checking each
    distinct sentence pair once (a bounded cache: news repeats itself, mostly nearby)."""
    lo, hi = store.unit_id_span(desk)
    if lo is None or hi is None:
        return iter(())
    sql, params = store.done_translations_sql(desk, langs, selected)
    wanted = set(selected) if selected is not None and len(selected) > 500 else None
    span = hi - lo + 1
    location = getattr(desk, "conninfo", None) or _sqlite_path(desk)
    if not location:
        workers = 1  # a database in memory cannot be opened again by a child
    elif workers is None:
        workers = worker_count(span * len(langs))
    parent = os.getpid()
    if workers > 1:
        from transdesk import desk_style

        desk_style.prepare()  # dictionaries loaded once, before the fork: shared

    def work(start: int, stop: int) -> Iterator[tuple[str, Found]]:
        reader = desk if os.getpid() == parent else store.reopen(desk, location)
        check = pair_checker(CHECK_NAMES)
        cache: dict[Pair, Findings] = {}
        for first in range(start, stop, _SLICE):
            rows = store.done_translations_in(reader, (sql, params), lo + first,
                                              lo + min(first + _SLICE, stop))
            for lang, article_id, unit_id, position, text, key, source, source_lang in rows:
                if wanted is not None and article_id not in wanted:
                    continue
                pair = (source, text, source_lang, lang)
                findings = cache.get(pair)
                if findings is None:
                    if len(cache) >= _CACHE_PAIRS:
                        cache.clear()
                    findings = cache[pair] = check(*pair)
                if findings:
                    yield lang, (article_id, position, unit_id, key, source, text, findings)

    return in_two_processes_streamed(work, span, workers)


def _sqlite_path(desk: Any) -> str:
    if desk.engine != "sqlite":
        return ""
    from transdesk.storage.sqlite import attached_files

    return next((path for name, path in attached_files(desk) if name == "main"), "")


class _Ahead:
    """A stream of rows in article order, taken an article at a time."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self.rows = iter(rows)
        self.next: tuple | None = next(self.rows, None)

    def take(self, article_id: str) -> list[tuple]:
        taken = []
        while self.next is not None and self.next[0] <= article_id:
            if self.next[0] == article_id:
                taken.append(self.next)
            self.next = next(self.rows, None)
        return taken


def _results(desk: Any, selected: list[str] | None, langs: list[str], active: set[str],
             memo: _Findings) -> Iterator[LangResult]:
    """Each article's results in the asked languages, in article order, built from a few
    streams (units per article; per language the units not done and the findings)."""
    units = _Ahead(store.live_units(desk, selected))
    missing = {lang: _Ahead(store.not_done(desk, lang, selected)) for lang in langs}
    found = {lang: _Ahead(memo.stream(lang, selected)) for lang in langs}
    accepted = {lang: store.accepted_in(desk, lang) for lang in langs}
    for article_id, _source_lang, targets in store.articles(desk, selected):
        counted = units.take(article_id)
        count = counted[0][1] if counted else 0
        for lang in langs:
            if lang not in targets:
                continue
            result = LangResult(article_id, lang, count, count)
            for _a, key, source, status in missing[lang].take(article_id):
                result.missing.append(Missing(key, status, source))
                result.done -= 1
            for _a, _position, unit_id, key, source, text, findings in \
                    found[lang].take(article_id):
                for name, message in findings:
                    if name not in active:
                        continue
                    problem = Problem(key, name, message, source, text)
                    exception = accepted[lang].get((unit_id, name))
                    if exception is not None and exception[0] == text:
                        problem.accepted, problem.note = True, exception[1]
                    result.findings.append(problem)
            yield result
