"""`check_database`: the report from the database (either engine), with findings
recorded between runs, read and built an article at a time (memory stays flat however
big the archive: see `check_database`)."""

from __future__ import annotations

import heapq
import itertools
import json
import os
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

from transdesk.check.options import parse_ignore
from transdesk.check.report import LANG_ORDER, LangResult, Missing, Problem, Report
from transdesk.check.style import desk_fingerprint, use_desk_style
from transdesk.errors import BadInput, Refused
from transdesk.i18n import _
from transdesk.languages import LANGUAGES, normalize_lang
from transdesk.registry import CHECKS
from transdesk.storage import findings as store

# (the checks themselves, transdesk.checks, load only when something is to be checked:
# a warm run, with nothing changed, reads what is recorded)
CHECK_NAMES = CHECKS.names()
Pair = tuple[str, str, str, str]  # source, translation, source language, target language
Findings = list[tuple[str, str]]  # (check, message)

_SLICE = 4096  # unit ids read at a time by a full check
_CHANGED_MAX = 20_000  # changed translations re-checked alone; more: a full check
_CACHE_PAIRS = 10_000  # distinct sentence pairs whose findings are kept for reuse (~8 MB)
# A translation with findings: article, position, unit id, key, source, text, findings.
Found = tuple[str, int, int, str, str, str, Findings]
# The same with its language, as the report reads it: article, position, lang, unit id,
# key, source, text, findings.
FoundIn = tuple[str, int, str, int, str, str, str, Findings]


def check_database(
    desk: Any,
    articles: list[str] | None = None,
    langs: list[str] | None = None,
    min_percent: float = 100.0,
    strict: bool = False,
    ignore: Iterable[str] = (),
    workers: int | None = None,
    texts: bool = True,
) -> Report:
    """Check the selected articles (default: all) in the selected languages (default:
    each article's targets). `workers` (1 or 2; default: by size) is how many
    processes share a full check. `texts=False`: the findings read from the record
    may come without their source and translation (empty), for a report that prints
    neither (text, JUnit, GitHub).

    Findings are recorded in the database (`check_findings`), and triggers mark a
    translation whose text or source changes (`check_dirty`), so a run checks only what
    changed since the last one; the first run (or a changed checks.py, termbase or word
    list) checks every done translation, a slice of unit ids at a time, and records the
    findings in batches. The report then reads a few streams side by side in article
    order (the articles, their units, the units missing and the recorded findings in
    every language asked) and yields each article's results as they are rendered. A
    desk that cannot be written (read-only, locked, a login without the editor role)
    only costs speed: the findings are then kept in memory. The desk's style (termbase,
    word list) and the checks load only when something is to be checked.
    """
    ignored = parse_ignore(ignore)
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
    results = _results(desk, selected, langs, active, memo, texts)
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
        self.extra: list[FoundIn] = []  # what the record lacks, in article order
        self.stale: set[tuple[int, str]] = set()  # record rows not to be trusted

    def _dirty(self, langs: list[str]) -> Iterator[tuple[int, str, int]]:
        for lang in langs:
            for unit_id, marker in store.dirty_marks(self.desk, lang):
                yield unit_id, lang, marker

    def _keep(self, lang: str, row: Found) -> None:
        article_id, position, unit_id, key, source, text, findings = row
        self.extra.append((article_id, position, lang, unit_id, key, source, text, findings))

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
        from transdesk.checks import pair_checker

        use_desk_style(self.desk)  # the termbase and word list of this desk
        check = pair_checker(CHECK_NAMES)
        rows: dict[tuple[int, str], tuple[str, int, str, str]] = {}
        found: list[tuple[str, Found]] = []
        for lang in langs:
            for article_id, position, unit_id, key, source, text, source_lang in \
                    store.dirty_done(self.desk, lang):
                findings = check(source, text, source_lang, lang)
                if findings:
                    rows[(unit_id, lang)] = (article_id, position, key, _encode(findings))
                    found.append((lang, (article_id, position, unit_id, key, source, text,
                                         findings)))
        if not _saved(self.desk, store.replace_changed, rows, dirty):
            self.stale = {(unit_id, lang) for unit_id, lang, _marker in dirty}
            for lang, row in found:
                self._keep(lang, row)
            self.extra.sort(key=_article_position)
        return True

    def check_all(self, langs: list[str], selected: list[str] | None,
                  workers: int | None) -> None:
        """Every check on every done translation in `langs` (of the selected articles),
        recorded when that covers everything, else kept in memory (a partial check
        cannot vouch for the rest)."""
        self.use_record = False  # until this check is recorded
        use_desk_style(self.desk)  # the termbase and word list of this desk
        # the marks seen before the text is read (a change made meanwhile stays marked),
        # kept in a temporary file: after a bulk change every translation is marked
        with _Spool(self._dirty(langs) if self.everything else ()) as dirty, \
                _Spool(_check_translations(self.desk, langs, selected, workers)) as found:
            if self.everything:
                rows = ((f[2], lang, f[0], f[1], f[3], _encode(f[6])) for lang, f in found)
                if _saved(self.desk, store.replace_all, self.version, rows, dirty):
                    self.use_record = True
                    return
            for lang, row in found:  # not recorded: kept in memory
                self._keep(lang, row)
        self.extra.sort(key=_article_position)

    def stream(self, langs: list[str], selected: list[str] | None,
               texts: bool = True) -> Iterator[FoundIn]:
        """The translations in `langs` with findings, in article order (`texts=False`:
        those read from the record may come without source and text)."""
        if not self.use_record:
            return iter(self.extra)
        # nothing marked changed since it was recorded (in this snapshot): the record
        # alone is the truth, read in its own order
        exact = not self.stale and store.dirty_count(self.desk, langs) == 0
        recorded = _decoded(store.recorded(self.desk, langs, selected, texts, exact))
        if self.stale:
            stale = self.stale
            recorded = (f for f in recorded if (f[3], f[2]) not in stale)
        if not self.extra:
            return recorded
        return heapq.merge(recorded, self.extra, key=_article_position)


def _article_position(found: FoundIn) -> tuple[str, int]:
    return found[0], found[1]


def _decoded(batches: Iterable[list[tuple]]) -> Iterator[FoundIn]:
    """The recorded rows with their findings decoded: a batch's findings in one
    `json.loads` (one call per row costs more than the parsing)."""
    for rows in batches:
        decoded = json.loads("[" + ",".join([row[7] for row in rows]) + "]")
        for row, findings in zip(rows, decoded, strict=True):
            yield (row[0], row[1], row[2], row[3], row[4], row[5], row[6], findings)


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
    from transdesk.check.parallel import in_two_processes_streamed, worker_count
    from transdesk.checks import pair_checker

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
    """A stream of rows in article order (the article id first), taken an article at a
    time."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self.groups = itertools.groupby(rows, key=itemgetter(0))
        self.next: tuple[str, Iterator[tuple]] | None = next(self.groups, None)

    def take(self, article_id: str) -> list[tuple]:
        """The rows of `article_id` (those of articles before it are passed over)."""
        while self.next is not None and self.next[0] < article_id:
            self.next = next(self.groups, None)
        if self.next is None or self.next[0] != article_id:
            return []
        rows = list(self.next[1])  # before the next group: groupby shares one iterator
        self.next = next(self.groups, None)
        return rows


def _results(desk: Any, selected: list[str] | None, langs: list[str], active: set[str],
             memo: _Findings, texts: bool = True) -> Iterator[LangResult]:
    """Each article's results in the asked languages, in article order, built from a few
    streams read side by side (the articles with their counts of live units; in every
    asked language the units not done and the findings)."""
    counted = _counts_ready(desk)
    with store.reading(desk):
        yield from _read_results(desk, selected, langs, active, memo, texts, counted)


_UNCOUNTED_MAX = 500  # articles counted one by one at most; more: every article's units


def _counts_ready(desk: Any) -> bool:
    """Whether the articles' counts of live units are (nearly all) recorded at their
    versions: those missing (imported since) are counted and recorded first, unless the
    desk cannot be written; then True if few are missing (counted one by one)."""
    missing = store.uncounted(desk)
    return not missing or _saved(desk, store.count_units) or missing <= _UNCOUNTED_MAX


def _read_results(desk: Any, selected: list[str] | None, langs: list[str],
                  active: set[str], memo: _Findings, texts: bool,
                  counted: bool = True) -> Iterator[LangResult]:
    accepted = store.accepted_in(desk, langs)
    if counted:
        articles: Iterable[tuple[str, str, list[str], int | None]] = \
            store.articles_counted(desk, selected)
    else:
        articles = _with_counts(store.articles(desk, selected),
                                _Ahead(store.live_units(desk, selected)))
    missing = _Ahead(store.not_done(desk, langs, selected))
    found = _Ahead(memo.stream(langs, selected, texts))
    every_check = active.issuperset(CHECK_NAMES)
    for article_id, _source_lang, targets, count in articles:
        if count is None:  # imported since the counts were recorded
            count = store.live_count(desk, article_id)
        results = {lang: LangResult(article_id, lang, count, count)
                   for lang in langs if lang in targets}
        for _a, lang, key, source, status in missing.take(article_id):
            result = results.get(lang)
            if result is not None:
                result.missing.append(Missing(key, status, source))
                result.done -= 1
        for _a, _position, lang, unit_id, key, source, text, findings in \
                found.take(article_id):
            result = results.get(lang)
            if result is None:
                continue
            for name, message in findings:
                if not every_check and name not in active:
                    continue
                problem = Problem(key, name, message, source, text)
                if accepted:
                    exception = accepted.get((unit_id, lang, name))
                    # it holds while the text is the one accepted
                    if exception is not None and exception[0] == exception[2]:
                        problem.accepted, problem.note = True, exception[1]
                result.findings.append(problem)
        yield from results.values()  # (in `langs` order: LANG_ORDER)


def _with_counts(articles: Iterable[tuple[str, str, list[str]]], units: _Ahead
                 ) -> Iterator[tuple[str, str, list[str], int | None]]:
    """The articles with their live units counted from `units` (article, count)."""
    for article_id, source_lang, targets in articles:
        counted = units.take(article_id)
        yield article_id, source_lang, targets, counted[0][1] if counted else 0
