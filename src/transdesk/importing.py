"""The import pipeline: read and decode each file, parse it into units (in worker
processes for an archive), and store it: a new article is inserted, a new version of
a known one is merged with the stored units the msgmerge way (unchanged, retouched,
changed, new, obsolete), each article in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk.article import Article, Decoded, Unit, decode, has_article_text, parse
from transdesk.article_id import ARTICLE_ID, check_article_id, slugify
from transdesk.db import now, write_transaction
from transdesk.errors import BadInput, Refused
from transdesk.files import MAX_ARTICLE_BYTES, read_input
from transdesk.i18n import _, ngettext
from transdesk.languages import LANGUAGES, detect_lang, disagreeing_lang
from transdesk.matching import match_units, only_typography_differs
from transdesk.store import record_history, write_translation

if TYPE_CHECKING:
    from sqlite_utils import Database

    from transdesk.schedule import Plan

__all__ = ["ARTICLE_ID", "ImportReport", "check_article_id", "import_article", "import_files",
           "slugify", "store_article"]
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
NO_ARTICLE_TEXT = "no article text found (expected a title and paragraphs)"


@dataclass
class ImportReport:
    article: str
    source_lang: str
    created: bool
    units: int = 0
    new: int = 0
    unchanged: int = 0
    changed: int = 0
    retouched: int = 0
    obsolete: int = 0
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (what, key, text)
    looks_like: str | None = None  # the language the text clearly is, if not source_lang

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "source_lang": self.source_lang,
            "created": self.created,
            "units": self.units,
            "new": self.new,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "retouched": self.retouched,
            "obsolete": self.obsolete,
            "changes": [{"change": c, "key": k, "source": t} for c, k, t in self.changes],
        }


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def parse_source(
    data: bytes, lang: str | None = None, encoding: str | None = None
) -> tuple[Article, str]:
    """Decode and parse file bytes; returns the article and its source language."""
    return parse_decoded(decode(data, encoding), lang)


def parse_decoded(
    decoded: Decoded, lang: str | None = None, declared: bool = True
) -> tuple[Article, str]:
    """Parse decoded text (language detected when not given). A language `declared` by
    the user is checked against the text (`looks_like`); a detected one needs no check."""
    source_lang = lang or detect_lang(decoded.text)
    article = parse(decoded.text, source_lang, _splitter())
    if not article.units:
        raise BadInput(NO_ARTICLE_TEXT)
    if lang is not None and declared:
        article.looks_like = disagreeing_lang(decoded.text, lang)
    _count_words(article)
    article.encoding, article.bom = decoded.encoding, decoded.bom
    return article, source_lang


def import_article(
    db: Database,
    data: bytes,
    article_id: str,
    lang: str | None = None,
    targets: list[str] | None = None,
    encoding: str | None = None,
    translator: str | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """Import an article's file bytes, or merge a new version into an existing article."""
    check_article_id(article_id)
    stored = db.execute("SELECT source_lang FROM articles WHERE id = ?", [article_id]).fetchone()
    article, source_lang = parse_source(data, lang or (stored[0] if stored else None), encoding)
    return store_article(db, article, article_id, source_lang, _sha256(data), targets,
                         translator, file_name)


@dataclass
class _Stored:
    """What the database holds for an article id, read outside the write lock."""

    version: tuple[str, str] | None  # (source_sha256, updated_at); None: no such article
    source_lang: str = ""
    targets: str = ""
    units: list[sqlite3.Row] = field(default_factory=list)


def _read_stored(conn: sqlite3.Connection, article_id: str) -> _Stored:
    """The article row and its live units, from one read snapshot."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        row = conn.execute(
            "SELECT source_sha256, updated_at, source_lang, targets FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        if row is None:
            return _Stored(None)
        cursor = conn.cursor()
        cursor.row_factory = sqlite3.Row
        units = cursor.execute(
            "SELECT id, key, kind, paragraph, position, source FROM units"
            " WHERE article_id = ? AND obsolete = 0 ORDER BY position",
            [article_id],
        ).fetchall()
        return _Stored((row[0], row[1]), row[2], row[3], units)
    finally:
        if own:
            conn.execute("COMMIT")


# the pairs (new index -> old row), the old unit ids left over, and the new indexes
# whose source changed in typography only
_Merge = tuple[dict[int, sqlite3.Row], list[int], set[int]]


def _plan_merge(stored: _Stored, article: Article) -> _Merge | None:
    """The matching of a stored article's units with a new version (None: no article)."""
    if stored.version is None:
        return None
    pairs, vanished = match_units(stored.units, article.units)
    retouched = {i for i, row in pairs.items()
                 if only_typography_differs(row["source"], article.units[i].text)}
    return pairs, vanished, retouched


def _version(conn: sqlite3.Connection, article_id: str) -> tuple[str, str] | None:
    row = conn.execute(
        "SELECT source_sha256, updated_at FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    return (row[0], row[1]) if row else None


def store_article(
    db: Database,
    article: Article,
    article_id: str,
    source_lang: str,
    sha: str,
    targets: list[str] | None = None,
    translator: str | None = None,
    file_name: str | None = None,
    planned: Plan | None = None,
) -> ImportReport:
    """Write a parsed article in one transaction: insert it, or merge it like msgmerge.

    The merge's matching runs before the write lock is taken, on a snapshot of the stored
    units; under the lock the article's version (SHA and update time, which every write
    of its units changes) is read again, and the matching redone if it moved meanwhile.
    `sha` is the SHA-256 of the file's bytes, kept to tell an unchanged re-import;
    `file_name` the name of the file, kept on a new article; `planned` (priority,
    deadline) is applied in the same transaction."""
    if targets is not None:
        targets = _targets(targets, source_lang)
    stored = _read_stored(db.conn, article_id)
    matched = _plan_merge(stored, article)
    with write_transaction(db) as conn:
        if _version(conn, article_id) != stored.version:
            stored = _read_stored(conn, article_id)
            matched = _plan_merge(stored, article)
        if matched is None:
            targets = targets or [code for code in LANGUAGES if code != source_lang]
            report = _insert_article(conn, article_id, article, source_lang, targets, sha,
                                     file_name)
        else:
            if stored.source_lang != source_lang:
                raise BadInput(
                    _(
                        "article {article_id!r} was imported in {old_lang}, not {source_lang}"
                    ).format(article_id=article_id, old_lang=stored.source_lang,
                             source_lang=source_lang)
                )
            targets = targets or stored.targets.split(",")
            report = _merge_article(conn, article_id, article, source_lang, targets, sha,
                                    translator, stored.units, matched, file_name)
        if planned is not None or matched is not None:
            from transdesk import schedule

            schedule.after_import(conn, article_id, targets, planned)
    report.looks_like = article.looks_like
    return report


def _targets(targets: list[str] | None, source_lang: str) -> list[str]:
    """The target languages asked for, less the source language (default: the others)."""
    if targets is None:
        return [code for code in LANGUAGES if code != source_lang]
    targets = [t for t in targets if t != source_lang]
    if not targets:
        raise BadInput(_("no target language left besides the source language"))
    return targets


def _insert_batch(
    db: Database,
    batch: list[tuple[str, tuple[str, Article, str, str]]],
    targets: list[str] | None,
    translator: str | None,
    planned: Plan | None = None,
) -> list[ImportReport]:
    """New articles of an archive in one short transaction, in order: fewer commits for
    the same rows. One that another process created meanwhile is merged after it."""
    if not batch:
        return []
    reports: list[ImportReport | None] = []
    late = []
    with write_transaction(db) as conn:
        for name, (slug, article, source_lang, sha) in batch:
            if _version(conn, slug) is not None:
                late.append((len(reports), name, slug, article, source_lang, sha))
                reports.append(None)
                continue
            languages = _targets(targets, source_lang)
            report = _insert_article(conn, slug, article, source_lang, languages, sha, name)
            if planned is not None:
                from transdesk import schedule

                schedule.after_import(conn, slug, languages, planned)
            report.looks_like = article.looks_like
            reports.append(report)
    for index, name, slug, article, source_lang, sha in late:
        reports[index] = store_article(db, article, slug, source_lang, sha, targets,
                                       translator, name, planned)
    return [report for report in reports if report is not None]


def _count_words(article: Article) -> Article:
    for unit in article.units:
        unit.words = word_count(unit.text)
    return article


def _splitter():
    from transdesk.segment import split_sentences

    return split_sentences


def read_article_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an article file, or BadInput saying why it cannot be read."""
    return read_input(path, "an article file", MAX_ARTICLE_BYTES)


def import_files(
    db: Database,
    paths: list[str],
    lang: str | None = None,
    article_id: str | None = None,
    targets: list[str] | None = None,
    encoding: str | None = None,
    translator: str | None = None,
    progress: Callable[[ImportReport], None] | None = None,
    update: bool = False,
    planned: Plan | None = None,
) -> list[ImportReport]:
    """Import files, each article in a transaction of its own.

    Two passes. The first reads, decodes, hashes and detects the language of every file
    and keeps only a small summary of each (a few files keep their text too), so bad
    input stops the import before anything is written. The second parses (in worker
    processes for an archive, a bounded number of files ahead of the writer, so memory
    stays flat whatever the archive's size) and writes article by article. A file whose
    bytes match the stored article is reported unchanged without parsing it again.

    An id derived from a file name that belongs to an article imported from another
    file name is refused (Refused, exit 1) unless `update` says it is the same article.
    """
    if article_id is not None and len(paths) != 1:
        raise BadInput(_("--id names one article: give exactly one file with it"))
    keep_text = len(paths) < PARALLEL_MIN_FILES
    reports = []
    with _workers(len(paths)) as pool:
        # 1. read, decode, hash and detect: bad input stops us before any write
        plan: list[_Planned] = []
        seen: dict[str, str] = {}
        conflicts: list[str] = []
        inspected = _imap(pool, _inspect, ((path, lang, encoding, keep_text) for path in paths))
        for path, (sha, decoded, detected) in zip(paths, inspected, strict=True):
            name = Path(path).name
            slug = (check_article_id(article_id) if article_id
                    else slugify(Path(path).stem, lang or detected))
            if slug in seen:
                raise BadInput(_(
                        "{path!r} and {seen!r} would both be article {slug!r}"
                    ).format(path=path, seen=seen[slug], slug=slug))
            seen[slug] = path
            old = db.execute("SELECT source_sha256, source_lang, file FROM articles"
                             " WHERE id = ?", [slug]).fetchone()
            if (old is not None and article_id is None and not update
                    and old[2] is not None and old[2] != name):
                conflicts.append(_("{path!r} would update article {slug!r}, imported from"
                                   " {file!r}").format(path=path, slug=slug, file=old[2]))
            unchanged = (old is not None and old[0] == sha and targets is None
                         and encoding is None and (lang is None or lang == old[1])
                         and planned is None)
            # without --lang, an article imported before keeps its language (detection
            # is a guess; the stored article knows better)
            job_lang = lang or (old[1] if old else detected)
            plan.append(_Planned(path, slug, sha, job_lang, unchanged, decoded,
                                 old[1] if old else ""))
        if conflicts:
            more = (" " + ngettext("(and {count} more)", "(and {count} more)",
                                   len(conflicts) - 1).format(count=len(conflicts) - 1)
                    if len(conflicts) > 1 else "")
            raise Refused(_(
                    "{conflicts}{more}: give --id for a new article, or --update if the file is a "
                    "new version of it"
                ).format(conflicts=conflicts[0], more=more))
        # 2. parse (in the workers, ahead of the writer) and write, article by article
        jobs = ((p.path, p.slug, p.lang, p.sha, encoding, p.decoded, lang is not None)
                for p in plan if not p.unchanged)
        parsed = _imap(pool, _parse_job, jobs)
        batch: list[tuple[str, tuple[str, Article, str, str]]] = []

        def done(report: ImportReport) -> None:
            reports.append(report)
            if progress:
                progress(report)

        def flush() -> None:
            for report in _insert_batch(db, batch, targets, translator, planned):
                done(report)
            batch.clear()

        for item in plan:
            if item.unchanged:
                flush()
                units = db.execute(
                    "SELECT COUNT(*) FROM units WHERE article_id = ? AND obsolete = 0",
                    [item.slug],
                ).fetchone()[0]
                done(ImportReport(item.slug, item.stored_lang, created=False,
                                  units=units, unchanged=units))
            elif not item.stored_lang:  # a new article: written with others
                batch.append((Path(item.path).name, next(parsed)))
                if len(batch) >= BATCH:
                    flush()
            else:
                flush()
                slug, article, source_lang, sha = next(parsed)
                done(store_article(db, article, slug, source_lang, sha, targets, translator,
                                   Path(item.path).name, planned))
        flush()
    return reports


@dataclass(slots=True)
class _Planned:
    """What the first pass keeps of a file (its text only for a small import)."""

    path: str
    slug: str
    sha: str
    lang: str | None
    unchanged: bool
    decoded: Decoded | None
    stored_lang: str


PARALLEL_MIN_FILES = 64
BATCH = 32  # new articles written in one transaction (each whole or not at all)
CHUNK = 16  # files a worker takes at a time
AHEAD = 4  # chunks per worker parsed ahead of the writer, at most


@contextmanager
def _workers(files: int) -> Iterator[Any]:
    """A process pool for an archive (None for a few files: not worth starting one)."""
    workers = min(os.cpu_count() or 1, 8)
    if files < PARALLEL_MIN_FILES or workers < 2:
        yield None
        return
    import multiprocessing

    from transdesk.processes import die_with_parent

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    # the workers die with this process, even killed (SIGTERM: the `with` terminates them)
    with context.Pool(workers, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        yield pool


def _imap(pool: Any, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """`map(fn, items)`, in the pool's workers when there is one, results in order, with
    at most AHEAD chunks per worker in flight: results never pile up in front of a
    slower consumer (multiprocessing's own imap runs ahead without bound)."""
    if pool is None:
        yield from map(fn, items)
        return
    from itertools import islice

    source = iter(items)
    in_flight: deque[Any] = deque()

    def submit() -> None:
        chunk = list(islice(source, CHUNK))
        if chunk:
            in_flight.append(pool.apply_async(_run_chunk, (fn, chunk)))

    for _slot in range(AHEAD * pool._processes):
        submit()
    while in_flight:
        results = in_flight.popleft().get()
        submit()
        yield from results


def _run_chunk(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    return [fn(item) for item in chunk]


def _inspect(
    job: tuple[str, str | None, str | None, bool],
) -> tuple[str, Decoded | None, str | None]:
    """Read and decode a file (BadInput naming it if that fails): the SHA-256 of its
    bytes, its text (when `keep` says so), and its detected language when none is given."""
    path, lang, encoding, keep = job
    data = read_article_file(path)
    try:
        decoded = decode(data, encoding)
        if not has_article_text(decoded.text):
            raise BadInput(NO_ARTICLE_TEXT)
        detected = detect_lang(decoded.text) if lang is None else None
    except BadInput as exc:
        raise BadInput(_("{path}: {exc}").format(path=path, exc=exc)) from None
    return _sha256(data), decoded if keep else None, detected


def _parse_job(
    job: tuple[str, str, str | None, str, str | None, Decoded | None, bool],
) -> tuple[str, Article, str, str]:
    """Parse a file seen by `_inspect` (in a worker for an archive), reading it again
    when its text was not kept; a file that changed since is refused."""
    path, slug, lang, sha, encoding, decoded, declared = job
    if decoded is None:
        data = read_article_file(path)
    try:
        if decoded is None:
            if _sha256(data) != sha:
                raise BadInput(_("the file changed during the import; import it again"))
            decoded = decode(data, encoding)
        article, source_lang = parse_decoded(decoded, lang, declared)
    except BadInput as exc:
        raise BadInput(_("{path}: {exc}").format(path=path, exc=exc)) from None
    return slug, article, source_lang, sha


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _article_row(
    article_id: str, article: Article, source_lang: str, targets: list[str], sha: str, ts: str
) -> list[Any]:
    return [
        article_id,
        source_lang,
        ",".join(targets),
        article.title,
        json.dumps(article.layout, ensure_ascii=False, separators=(",", ":")),
        article.encoding,
        int(article.bom),
        sha,
        ts,
        ts,
    ]


def _insert_article(
    conn: sqlite3.Connection,
    article_id: str,
    article: Article,
    source_lang: str,
    targets: list[str],
    sha: str,
    file_name: str | None = None,
) -> ImportReport:
    ts = now()
    conn.execute(
        "INSERT INTO articles (id, source_lang, targets, title, layout, encoding, bom,"
        " source_sha256, created_at, updated_at, file) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [*_article_row(article_id, article, source_lang, targets, sha, ts), file_name],
    )
    first_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM units").fetchone()[0]
    _insert_units(conn, article_id, list(enumerate(article.units)), first_id, targets, ts)
    n = len(article.units)
    return ImportReport(article_id, source_lang, created=True, units=n, new=n)


def _insert_units(
    conn: sqlite3.Connection,
    article_id: str,
    positioned: list[tuple[int, Unit]],
    first_id: int,
    targets: list[str],
    ts: str,
) -> None:
    unit_rows = []
    translation_rows = []
    for offset, (position, unit) in enumerate(positioned):
        unit_id = first_id + offset
        unit_rows.append(
            (unit_id, article_id, unit.key, unit.kind, unit.paragraph, position, unit.text,
             unit.words, ts, ts)
        )
        for lang in targets:
            translation_rows.append((unit_id, lang, article_id, position, ts, ts))
    conn.executemany(
        "INSERT INTO units (id, article_id, key, kind, paragraph, position, source, words,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        unit_rows,
    )
    conn.executemany(
        "INSERT INTO translations (unit_id, lang, article_id, position, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?)",
        translation_rows,
    )


def _merge_article(
    conn: sqlite3.Connection,
    article_id: str,
    article: Article,
    source_lang: str,
    targets: list[str],
    sha: str,
    translator: str | None,
    old: list[sqlite3.Row],
    matched: _Merge,
    file_name: str | None = None,
) -> ImportReport:
    """Apply a matching (`matching.match_units` of the stored units `old`) inside the lock."""
    ts = now()
    report = ImportReport(article_id, source_lang, created=False, units=len(article.units))
    pairs, vanished, retouched = matched
    old_by_id = {row["id"]: row for row in old}

    def history(unit_id: int, action: str, **values: Any) -> None:
        record_history(conn, unit_id, source_lang, action, translator, ts, **values)

    for unit_id in vanished:
        gone = old_by_id[unit_id]
        conn.execute("UPDATE units SET obsolete = 1, updated_at = ? WHERE id = ?", [ts, unit_id])
        conn.execute("UPDATE translations SET obsolete = 1 WHERE unit_id = ?", [unit_id])
        history(unit_id, "obsolete", old_text=gone["source"],
                note="sentence left the source")
        report.obsolete += 1
        report.changes.append(("obsolete", gone["key"], gone["source"]))
    for index, unit in enumerate(article.units):
        row = pairs.get(index)
        if row is None:
            continue
        unit_id = row["id"]
        if (row["key"], row["paragraph"], row["position"], row["source"]) != (
                unit.key, unit.paragraph, index, unit.text):
            conn.execute(
                "UPDATE units SET key = ?, paragraph = ?, position = ?, source = ?, words = ?,"
                " updated_at = ? WHERE id = ?",
                [unit.key, unit.paragraph, index, unit.text, word_count(unit.text), ts,
                 unit_id],
            )
        if row["position"] != index:
            conn.execute("UPDATE translations SET position = ? WHERE unit_id = ?",
                         [index, unit_id])
        if row["source"] == unit.text:
            report.unchanged += 1
        elif index in retouched:
            report.retouched += 1
            report.changes.append(("retouched", unit.key, unit.text))
            history(unit_id, "source-retouched", old_text=row["source"],
                    new_text=unit.text, note="whitespace, quotes or dashes only:"
                    " translations keep their status")
        else:
            report.changed += 1
            report.changes.append(("changed", unit.key, unit.text))
            history(unit_id, "source-changed", old_text=row["source"],
                    new_text=unit.text)
            _demote_translations(conn, unit_id, ts, translator)
    new_units = [(i, u) for i, u in enumerate(article.units) if i not in pairs]
    if new_units:
        first_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM units").fetchone()[0]
        _insert_units(conn, article_id, new_units, first_id, targets, ts)
        for _i, unit in new_units:
            report.changes.append(("new", unit.key, unit.text))
    report.new = len(new_units)
    _ensure_target_rows(conn, article_id, targets, ts)
    conn.execute(
        "UPDATE articles SET targets = ?, title = ?, layout = ?, encoding = ?, bom = ?,"
        " source_sha256 = ?, updated_at = ?, file = COALESCE(file, ?) WHERE id = ?",
        [*_article_row(article_id, article, source_lang, targets, sha, ts)[2:-2], ts,
         file_name, article_id],
    )
    report.changes.sort(key=lambda c: _key_order(c[1]))
    return report


def _demote_translations(
    conn: sqlite3.Connection, unit_id: int, ts: str, translator: str | None
) -> None:
    """A changed source sentence: every existing translation becomes a `previous` draft."""
    rows = conn.execute(
        "SELECT lang, text FROM translations WHERE unit_id = ? AND text IS NOT NULL",
        [unit_id],
    ).fetchall()
    for lang, text in rows:
        write_translation(conn, unit_id, lang, text=text, status="draft", origin="previous",
                          translator=translator, action="source-changed", ts=ts,
                          note="the source sentence changed; the old translation is kept as a"
                          " draft")


def _ensure_target_rows(
    conn: sqlite3.Connection, article_id: str, targets: list[str], ts: str
) -> None:
    for lang in targets:
        conn.execute(
            "INSERT OR IGNORE INTO translations (unit_id, lang, article_id, position, obsolete,"
            " created_at, updated_at) SELECT id, ?, article_id, position, obsolete, ?, ?"
            " FROM units WHERE article_id = ?",
            [lang, ts, ts, article_id],
        )


def _key_order(key: str) -> tuple[int, int, int]:
    headers = {"date": 0, "category": 1, "title": 2}
    if key in headers:
        return (headers[key], 0, 0)
    match = re.fullmatch(r"p(\d+)\.s(\d+)", key)
    return (3, int(match[1]), int(match[2])) if match else (4, 0, 0)
