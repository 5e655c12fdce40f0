"""The import pipeline: read and decode each file, parse it into units (in worker
processes for an archive), and store it: a new article is inserted, a new version of
a known one is merged with the stored units the msgmerge way (unchanged, retouched,
changed, new, obsolete), each article in one transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from transdesk.article import Article, Decoded, Unit, decode, has_article_text, parse
from transdesk.article_id import ARTICLE_ID, check_article_id, slugify
from transdesk.db import now
from transdesk.errors import BadInput, Refused
from transdesk.files import MAX_ARTICLE_BYTES, read_input
from transdesk.i18n import _, ngettext
from transdesk.languages import LANGUAGES, detect_lang, disagreeing_lang
from transdesk.matching import StoredUnit, match_units, only_typography_differs
from transdesk.packed import FirstSeen, PackedStrings
from transdesk.storage import articles as stored
from transdesk.store import record_history, write_translation

if TYPE_CHECKING:
    from transdesk.schedule import Plan

__all__ = ["ARTICLE_ID", "ImportOptions", "ImportReport", "builds_new_file", "check_article_id",
           "import_article", "import_files", "import_new_file", "slugify", "store_article"]
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
    db: Any,
    data: bytes,
    article_id: str,
    lang: str | None = None,
    targets: list[str] | None = None,
    encoding: str | None = None,
    translator: str | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """Import an article's file bytes, or merge a new version into an existing article.
    `db`: a desk of either engine, or a sqlite-utils Database."""
    check_article_id(article_id)
    desk = stored.as_desk(db)
    article, source_lang = parse_source(data, lang or stored.source_lang(desk, article_id),
                                        encoding)
    return store_article(desk, article, article_id, source_lang, _sha256(data), targets,
                         translator, file_name)


# the pairs (new index -> old row), the old unit ids left over, and the new indexes
# whose source changed in typography only
_Merge = tuple[dict[int, StoredUnit], list[int], set[int]]


def _plan_merge(found: stored.Stored, article: Article) -> _Merge | None:
    """The matching of a stored article's units with a new version (None: no article)."""
    if found.version is None:
        return None
    pairs, vanished = match_units(found.units, article.units)
    retouched = {i for i, row in pairs.items()
                 if only_typography_differs(row["source"], article.units[i].text)}
    return pairs, vanished, retouched


def store_article(
    db: Any,
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
    deadline) is applied in the same transaction. `db`: a desk, or a sqlite-utils
    Database."""
    desk = stored.as_desk(db)
    if targets is not None:
        targets = _targets(targets, source_lang)
    found = stored.read_stored(desk, article_id)
    matched = _plan_merge(found, article)
    with stored.import_transaction(desk) as run:
        if stored.version(run, article_id) != found.version:
            found = stored.read_stored(desk, article_id, run)
            matched = _plan_merge(found, article)
        if matched is None:
            targets = targets or [code for code in LANGUAGES if code != source_lang]
            report = _insert_new(run, desk.engine, [
                (_compact(article_id, article, source_lang, sha), targets, file_name)])[0]
        else:
            if found.source_lang != source_lang:
                raise BadInput(
                    _(
                        "article {article_id!r} was imported in {old_lang}, not {source_lang}"
                    ).format(article_id=article_id, old_lang=found.source_lang,
                             source_lang=source_lang)
                )
            targets = targets or found.targets.split(",")
            report = _merge_article(run, desk.engine, article_id, article, source_lang,
                                    targets, sha, translator, found.units, matched, file_name)
        if planned is not None or matched is not None:
            from transdesk import schedule

            schedule.after_import(run, article_id, targets, planned)
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
    desk: Any,
    batch: list[tuple[str, NewArticle]],
    targets: list[str] | None,
    translator: str | None,
    planned: Plan | None = None,
) -> list[ImportReport]:
    """New articles of an archive in one short transaction, in order: fewer commits for
    the same rows. One that another process created meanwhile is merged after it."""
    if not batch:
        return []
    reports: list[ImportReport | None] = [None] * len(batch)
    late = []
    with stored.import_transaction(desk) as run:
        present = stored.existing(run, [new.slug for _name, new in batch])
        fresh = []
        for index, (name, new) in enumerate(batch):
            if new.slug in present:
                late.append((index, name, new))
            else:
                fresh.append((index, (new, _targets(targets, new.source_lang), name)))
        written = _insert_new(run, desk.engine, [item for _index, item in fresh])
        for (index, (new, languages, _name)), report in zip(fresh, written, strict=True):
            reports[index] = report
            if planned is not None:
                from transdesk import schedule

                schedule.after_import(run, new.slug, languages, planned)
    for index, name, new in late:
        reports[index] = store_article(desk, _article_of(new), new.slug, new.source_lang,
                                       new.sha, targets, translator, name, planned)
    return [report for report in reports if report is not None]


def _count_words(article: Article) -> Article:
    for unit in article.units:
        unit.words = word_count(unit.text)
    return article


def _splitter():
    from transdesk.segment import split_sentences

    return split_sentences


@dataclass(frozen=True)
class ImportOptions:
    """What an import is asked (the command's options), for either way in
    (`import_files`, `import_new_file`).

    `lang`: the source language (detected when None); `article_id`: the id of the one
    file's article; `targets`: the languages to translate into; `encoding`: the files'
    (guessed when None); `translator`: who is recorded on changes; `progress`: given
    each article's report as it is written; `update`: a file may update an article
    imported from another file name; `planned`: priority and deadline; `keep`: return
    the reports (an archive's would grow with it)."""

    lang: str | None = None
    article_id: str | None = None
    targets: list[str] | None = None
    encoding: str | None = None
    translator: str | None = None
    progress: Callable[[ImportReport], None] | None = None
    update: bool = False
    planned: Plan | None = None
    keep: bool = True


def read_article_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an article file, or BadInput saying why it cannot be read."""
    return read_input(path, "an article file", MAX_ARTICLE_BYTES)


def import_files(
    db: Any, paths: Sequence[str], options: ImportOptions | None = None,
) -> list[ImportReport]:
    """Import files, each article in a transaction of its own (new ones in batches).

    Two passes. The first reads, decodes, hashes and detects the language of every file
    and keeps only a small summary of each (a few files keep their text too), so bad
    input stops the import before anything is written. The second parses (in worker
    processes for an archive, a bounded number of files ahead of the writer, so memory
    stays flat whatever the archive's size) and writes article by article. A file whose
    bytes match the stored article is reported unchanged without parsing it again.

    An id derived from a file name that belongs to an article imported from another
    file name is refused (Refused, exit 1) unless `update` says it is the same article.
    Each article's report goes to `progress` as it is written; without `keep` none is
    kept (an archive's reports would grow with it) and the list returned is empty.
    """
    o = options or ImportOptions()
    lang, article_id, targets, encoding = o.lang, o.article_id, o.targets, o.encoding
    translator, progress, update, planned, keep = (o.translator, o.progress, o.update,
                                                   o.planned, o.keep)
    if article_id is not None and len(paths) != 1:
        raise BadInput(_("--id names one article: give exactly one file with it"))
    desk = stored.as_desk(db)
    keep_text = len(paths) < PARALLEL_MIN_FILES
    reports = []
    with _workers(len(paths)) as pool:
        # 1. read, decode, hash and detect: bad input stops us before any write
        plan = _Plan()
        seen = FirstSeen(plan.slugs)  # which file first had each id
        conflict: str | None = None  # the first file that would update another's article
        conflict_count = 0
        inspected = _imap(pool, _inspect, ((path, lang, encoding, keep_text) for path in paths))
        pending: list[tuple[str, str, Decoded | None, str | None]] = []

        def settle() -> None:
            """Plan the pending files, with what the desk holds of their ids (one query
            per chunk of files, not one per file)."""
            nonlocal conflict, conflict_count
            first = len(plan)
            olds = stored.stored_summaries(desk, [plan.slugs[first + n]
                                                  for n in range(len(pending))])
            for n, (path, sha, decoded, detected) in enumerate(pending):
                slug = plan.slugs[first + n]
                old = olds.get(slug)
                name = os.path.basename(path)
                if (old is not None and article_id is None and not update
                        and old[2] is not None and old[2] != name):
                    conflict_count += 1
                    if conflict is None:
                        conflict = _("{path!r} would update article {slug!r}, imported"
                                     " from {file!r}").format(path=path, slug=slug, file=old[2])
                unchanged = (old is not None and old[0] == sha and targets is None
                             and encoding is None and (lang is None or lang == old[1])
                             and planned is None)
                # without --lang, an article imported before keeps its language
                # (detection is a guess; the stored article knows better)
                job_lang = lang or (old[1] if old else detected)
                plan.add(unchanged, sha, job_lang, old[1] if old else "", decoded)
            pending.clear()

        for index, (path, (sha, decoded, detected)) in enumerate(
                zip(paths, inspected, strict=True)):
            slug = (check_article_id(article_id) if article_id
                    else slugify(os.path.splitext(os.path.basename(path))[0],
                                 lang or detected))
            plan.slugs.append(slug)
            earlier = seen.add(index)
            if earlier is not None:
                raise _same_article(path, paths[earlier], slug)
            pending.append((path, sha, decoded, detected))
            if len(pending) >= stored.IN_CHUNK:
                settle()
        settle()
        del seen  # (only the first pass needs it: memory for the second)
        if conflict is not None:
            more = (" " + ngettext("(and {count} more)", "(and {count} more)",
                                   conflict_count - 1).format(count=conflict_count - 1)
                    if conflict_count > 1 else "")
            raise Refused(_(
                    "{conflicts}{more}: give --id for a new article, or --update if the file is a "
                    "new version of it"
                ).format(conflicts=conflict, more=more))
        # 2. parse (in the workers, ahead of the writer) and write, article by article
        # a new article comes back from the workers as plain rows (`NewArticle`)
        jobs = ((paths[p.position], p.slug, p.lang, p.sha, encoding, p.decoded,
                 lang is not None, not p.stored_lang)
                for p in plan.to_parse())
        parsed = _imap(pool, _parse_job, jobs)
        batch: list[tuple[str, NewArticle]] = []

        def done(report: ImportReport) -> None:
            if keep:
                reports.append(report)
            if progress:
                progress(report)

        def flush() -> None:
            for report in _insert_batch(desk, batch, targets, translator, planned):
                done(report)
            batch.clear()

        for item in plan:
            if item.unchanged:
                flush()
                units = stored.live_unit_count(desk, item.slug)
                done(ImportReport(item.slug, item.stored_lang, created=False,
                                  units=units, unchanged=units))
            elif not item.stored_lang:  # a new article: written with others
                batch.append((os.path.basename(paths[item.position]), next(parsed)))
                if len(batch) >= BATCH:
                    flush()
            else:
                flush()
                slug, article, source_lang, sha = next(parsed)
                done(store_article(desk, article, slug, source_lang, sha, targets, translator,
                                   os.path.basename(paths[item.position]), planned))
        flush()
    return reports


def builds_new_file(location: str | os.PathLike[str]) -> bool:
    """Whether an import into `location` makes a new SQLite file (nothing is there yet):
    `import_new_file` then builds it whole beside its name."""
    from transdesk import storage

    return not storage.is_postgres(location) and not os.path.lexists(location)


def import_new_file(
    location: str | os.PathLike[str], paths: Sequence[str],
    options: ImportOptions | None = None,
) -> list[ImportReport]:
    """Import files into a SQLite desk that does not exist yet, all or nothing.

    The desk is built under a temporary name beside `location` in one pass (each file
    read, decoded, parsed and written as it comes, in one transaction, with no journal:
    nobody can see the file) and linked into place only once complete and synced to
    disk. Bad input anywhere, an interruption or any error removes the temporary file:
    no desk appears, as when the usual import stops before writing. The reports go to
    `progress` once the desk is in place. Should another process have made a desk at
    `location` meanwhile, the files are imported into it the usual way (`import_files`).
    """
    from transdesk import storage
    from transdesk.files import new_temporary, remove_stale_temporaries

    o = options or ImportOptions()
    lang, article_id, targets, encoding = o.lang, o.article_id, o.targets, o.encoding
    progress, planned, keep = o.progress, o.planned, o.keep

    def usual() -> list[ImportReport]:
        desk = storage.open(location, create=True)
        try:
            return import_files(desk, paths, o)
        finally:
            desk.close()

    if article_id is not None:
        if len(paths) != 1:
            raise BadInput(_("--id names one article: give exactly one file with it"))
        check_article_id(article_id)
    final = Path(location)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)  # as a new desk's folder is made
        for stale in remove_stale_temporaries(final):  # what a killed import left
            for suffix in ("-journal", "-wal", "-shm"):
                Path(f"{stale}{suffix}").unlink(missing_ok=True)
        building = new_temporary(final)
    except OSError:  # no such folder, not writable...: the usual path says why
        return usual()
    try:
        conn = stored.new_unjournaled(
            building, stored.NEW_DESK_PAGE_SIZE if len(paths) >= PARALLEL_MIN_FILES else None)
        try:
            written, reports = _build_new(conn, paths, lang, article_id, targets, encoding,
                                          planned, keep_all=keep or progress is not None)
            stored.journaled(conn)
        finally:
            conn.close()
        _sync(building)
        if not _link_new(building, final):
            return usual()
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    if isinstance(reports, dict):  # an archive's: read back, not kept in memory
        looks, reports = reports, []
        if progress is not None or keep:
            from transdesk.db import connect

            conn = connect(final)
            try:
                for slug, source_lang, units in islice(stored.created_summaries(conn),
                                                       written):
                    report = ImportReport(slug, source_lang, created=True, units=units,
                                          new=units)
                    report.looks_like = looks.get(slug)
                    if keep:  # (otherwise each is let go once shown: memory stays flat)
                        reports.append(report)
                    if progress:
                        progress(report)
            finally:
                conn.close()
        return reports
    for report in reports:
        if progress:
            progress(report)
    return reports if keep else []


def _build_new(
    conn: Any,
    paths: Sequence[str],
    lang: str | None,
    article_id: str | None,
    targets: list[str] | None,
    encoding: str | None,
    planned: Plan | None,
    keep_all: bool,
) -> tuple[int, list[ImportReport] | dict[str, str]]:
    """Parse (in the workers for an archive) and write every file into the new desk of
    `conn` (`storage.articles.new_unjournaled`) in one transaction. Returns the number
    of articles, and for a few files (or none wanted: `keep_all` False) their reports;
    for an archive only {id: language the text looks like} where that is not the
    declared one (the rest is read back from the desk: memory stays flat)."""
    few = len(paths) < PARALLEL_MIN_FILES or not keep_all
    reports: list[ImportReport] = []
    looks: dict[str, str] = {}
    batch: list[tuple[str, NewArticle]] = []
    written = 0
    # an archive's indexes are built once at the end (a plan reads rows by article
    # as it goes: it needs them all along)
    unindexed = len(paths) >= PARALLEL_MIN_FILES and planned is None

    def flush() -> None:
        nonlocal written
        in_batch: dict[str, str] = {}
        for path, new in batch:
            if new.slug in in_batch:
                raise _same_article(path, in_batch[new.slug], new.slug)
            in_batch[new.slug] = path
        for slug in stored.existing(conn, list(in_batch)):
            raise _same_article(in_batch[slug], _earlier_file(conn, paths, slug), slug)
        chosen = [(new, _targets(targets, new.source_lang), os.path.basename(path))
                  for path, new in batch]
        done = _insert_new(conn, "sqlite", chosen, unindexed)
        for new, languages, _name in chosen:
            if planned is not None:
                from transdesk import schedule

                schedule.after_import(conn, new.slug, languages, planned)
            if new.looks_like:
                looks[new.slug] = new.looks_like
        if few and keep_all:
            reports.extend(done)
        written += len(batch)
        batch.clear()

    with _workers(len(paths)) as pool:
        parsed = _imap(pool, _fresh_job,
                       ((path, lang, encoding, article_id) for path in paths))
        conn.execute("BEGIN IMMEDIATE")
        with (stored.without_bulk_indexes(conn) if unindexed
              else contextlib.nullcontext()):
            for path, new in zip(paths, parsed, strict=True):
                batch.append((path, new))
                if len(batch) >= BATCH:
                    flush()
            flush()
        conn.execute("COMMIT")
    return written, (reports if few else looks)


def _same_article(path: str, seen: str, slug: str) -> BadInput:
    return BadInput(_("{path!r} and {seen!r} would both be article {slug!r}").format(
        path=path, seen=seen, slug=slug))


def _earlier_file(conn: Any, paths: Sequence[str], slug: str) -> str:
    """The path of the file already written as article `slug` (only for the error)."""
    row = conn.execute("SELECT source_lang, file FROM articles WHERE id = ?",
                       [slug]).fetchone()
    for path in paths:
        name = os.path.basename(path)
        if name == row[1] and slugify(os.path.splitext(name)[0], row[0]) == slug:
            return path
    return str(row[1])


def _sync(path: Path) -> None:
    """The file's bytes on disk before its name is published."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _link_new(building: Path, final: Path) -> bool:
    """Give the built file its final name unless something took that name meanwhile
    (False); the folder's entry is synced too."""
    try:
        os.link(building, final)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: replace, if still free
        if os.path.lexists(final):
            return False
        os.replace(building, final)
    with contextlib.suppress(OSError):
        folder = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return True


def _fresh_job(job: tuple[str, str | None, str | None, str | None]) -> NewArticle:
    """Read, decode, parse and hash a file for a new desk in one go (in a worker for
    an archive): its article as a `NewArticle`, its id given or from its file name."""
    path, lang, encoding, article_id = job
    data = read_article_file(path)
    try:
        decoded = decode(data, encoding)
        if not has_article_text(decoded.text):
            raise BadInput(NO_ARTICLE_TEXT)
        article, source_lang = parse_decoded(decoded, lang)
    except BadInput as exc:
        raise BadInput(_("{path}: {exc}").format(path=path, exc=exc)) from None
    slug = article_id or slugify(os.path.splitext(os.path.basename(path))[0], source_lang)
    return _compact(slug, article, source_lang, _sha256(data))


class _Planned(NamedTuple):
    """A file as the second pass sees it (made again from the `_Plan`, one at a time)."""

    position: int  # in the import's paths
    slug: str
    unchanged: bool
    sha: str  # "" for an unchanged file (nothing more to do with it)
    lang: str | None
    stored_lang: str  # "" for a new article
    decoded: Decoded | None


class _Plan:
    """What the first pass keeps of the files, a few bytes each, so that it does not
    grow with an archive by a few hundred bytes a file (objects holding a path, an id,
    a SHA-256 and two language names, and a dict of the ids): each file's article id
    packed, whether it is unchanged, its languages as a byte each, and the SHA-256
    (32 bytes) of each file to parse, in order. The text only for a small import."""

    def __init__(self) -> None:
        self.slugs = PackedStrings()  # every file's, appended by the caller
        self._unchanged = bytearray()
        self._langs = bytearray()  # the language to parse in, a code in `_values`
        self._stored_langs = bytearray()  # the stored article's ("" for a new one)
        self._shas = bytearray()  # 32 bytes per file to parse
        self._texts: dict[int, Decoded] = {}
        self._values: list[str | None] = []
        self._codes: dict[str | None, int] = {}

    def __len__(self) -> int:
        return len(self._unchanged)

    def add(self, unchanged: bool, sha: str, lang: str | None, stored_lang: str,
            decoded: Decoded | None) -> None:
        """The next file (its id already in `slugs`)."""
        if decoded is not None:
            self._texts[len(self)] = decoded
        self._unchanged.append(unchanged)
        self._langs.append(self._code(lang))
        self._stored_langs.append(self._code(stored_lang))
        if not unchanged:
            self._shas += bytes.fromhex(sha)

    def _code(self, value: str | None) -> int:
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self._values)
            self._values.append(value)
        return code  # (a language: a handful at most; more than 256 fails in append)

    def __iter__(self) -> Iterator[_Planned]:
        shas = 0
        for index in range(len(self)):
            unchanged = bool(self._unchanged[index])
            sha = ""
            if not unchanged:
                sha = self._shas[shas:shas + 32].hex()
                shas += 32
            stored_lang = self._values[self._stored_langs[index]]
            assert stored_lang is not None
            yield _Planned(index, self.slugs[index], unchanged, sha,
                           self._values[self._langs[index]], stored_lang,
                           self._texts.get(index))

    def to_parse(self) -> Iterator[_Planned]:
        """The files that are not unchanged, their text let go as it is handed out."""
        for item in self:
            if not item.unchanged:
                self._texts.pop(item.position, None)
                yield item


PARALLEL_MIN_FILES = 64
BATCH = 32  # new articles written in one transaction (each whole or not at all)
CHUNK = 16  # files a worker takes at a time
AHEAD = 16  # chunks per worker parsed ahead of the writer, at most
# the bytes of work in flight to a worker: under a pipe's 64 KiB, so sending a chunk
# never waits (a worker blocked on sending its results to a writer blocked on sending
# it more work would be a deadlock: long paths made it one)
IN_FLIGHT = 48_000
_NONE = object()


class _Pool(NamedTuple):
    """Worker processes, each with a pipe of its own for chunks of work and one for
    their results (`_serve`)."""

    processes: list[Any]
    tasks: list[Any]  # the sending ends
    results: list[Any]  # the receiving ends


@contextmanager
def _workers(files: int) -> Iterator[_Pool | None]:
    """Worker processes for an archive (None for a few files: not worth starting them).

    Not multiprocessing's Pool: its worker-handler thread wakes up whenever a result is
    waiting in the pool's pipe and spins until the result thread has read it, ~5% of an
    archive import's CPU on two cores, taken from the writer. Here each worker gets the
    chunks of its turn (round robin) and answers in order through its own pipe: no
    thread in this process at all."""
    workers = min(os.cpu_count() or 1, 8)
    if files < PARALLEL_MIN_FILES or workers < 2:
        yield None
        return
    import multiprocessing

    context: Any = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    pool = _Pool([], [], [])
    try:
        for _worker in range(workers):
            task_out, task_in = context.Pipe(duplex=False)
            result_out, result_in = context.Pipe(duplex=False)
            # the workers die with this process, even killed (SIGTERM: terminated below)
            process = context.Process(target=_serve, args=(task_out, result_in, os.getpid()),
                                      daemon=True)
            process.start()
            task_out.close()
            result_in.close()
            pool.processes.append(process)
            pool.tasks.append(task_in)
            pool.results.append(result_out)
        yield pool
    finally:
        for process in pool.processes:
            if process.is_alive():
                process.terminate()
        for process in pool.processes:
            process.join()
        for end in (*pool.tasks, *pool.results):
            end.close()


def _serve(tasks: Any, results: Any, parent: int) -> None:
    """A worker: (function, chunk) after (function, chunk), each answered by
    ("ok", [results]) or ("error", exception), until the pipe closes."""
    import signal

    from transdesk.processes import die_with_parent

    die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the writer says "Interrupted." and ends
    # the workers; a worker of its own would print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            fn, chunk = tasks.recv()
        except EOFError:
            return
        try:
            answer: tuple[str, Any] = ("ok", [fn(item) for item in chunk])
        except Exception as exc:  # raised again in the writer, as the pool would
            answer = ("error", exc)
        try:
            results.send(answer)
        except Exception as exc:  # an exception that cannot be pickled
            results.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def _imap(pool: _Pool | None, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """`map(fn, items)`, in the pool's workers when there is one, results in order, with
    at most AHEAD chunks per worker in flight: results never pile up in front of a
    slower consumer. A chunk holds at most CHUNK items and IN_FLIGHT / AHEAD bytes of
    them pickled (one item at least): sending one never waits."""
    if pool is None:
        yield from map(fn, items)
        return
    import pickle

    source = iter(items)
    workers = len(pool.processes)
    sent = received = 0
    budget = IN_FLIGHT // AHEAD
    held: list[Any] = []  # an item that did not fit in the last chunk

    def submit() -> None:
        nonlocal sent
        chunk: list[Any] = []
        size = 0
        while len(chunk) < CHUNK:
            item = held.pop() if held else next(source, _NONE)
            if item is _NONE:
                break
            cost = len(pickle.dumps(item, pickle.HIGHEST_PROTOCOL))
            if chunk and size + cost > budget:
                held.append(item)
                break
            chunk.append(item)
            size += cost
        if chunk:
            pool.tasks[sent % workers].send((fn, chunk))
            sent += 1

    for _slot in range(AHEAD * workers):
        submit()
    while received < sent:
        worker = received % workers
        try:
            kind, value = pool.results[worker].recv()
        except EOFError:
            raise RuntimeError(f"import worker {pool.processes[worker].pid} died") from None
        received += 1
        if kind == "error":
            raise value
        submit()
        yield from value


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
    job: tuple[str, str, str | None, str, str | None, Decoded | None, bool, bool],
) -> tuple[str, Article, str, str] | NewArticle:
    """Parse a file seen by `_inspect` (in a worker for an archive), reading it again
    when its text was not kept; a file that changed since is refused. A new article
    (`new`) comes back as a `NewArticle`, the rest as (slug, article, language, SHA)."""
    path, slug, lang, sha, encoding, decoded, declared, new = job
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
    if new:
        return _compact(slug, article, source_lang, sha)
    return slug, article, source_lang, sha


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _layout(article: Article) -> str:
    return json.dumps(article.layout, ensure_ascii=False, separators=(",", ":"))


class NewArticle(NamedTuple):
    """A parsed article to insert, as plain values (a tuple crosses from the parsing
    workers to the writer in a fraction of the time objects take)."""

    slug: str
    source_lang: str
    sha: str
    title: str
    layout: str  # JSON
    encoding: str
    bom: int
    looks_like: str | None
    units: list[tuple[str, str, str, int | None, int, str, int]]  # storage NEW_UNIT


def _compact(slug: str, article: Article, source_lang: str, sha: str) -> NewArticle:
    return NewArticle(slug, source_lang, sha, article.title, _layout(article), article.encoding,
                      int(article.bom), article.looks_like,
                      [(slug, u.key, u.kind, u.paragraph, position, u.text, u.words)
                       for position, u in enumerate(article.units)])


def _article_of(new: NewArticle) -> Article:
    """The Article again (a new article that turned out to be stored: merged instead)."""
    return Article([Unit(key, kind, paragraph, text, words)
                    for _slug, key, kind, paragraph, _position, text, words in new.units],
                   json.loads(new.layout), new.encoding, bool(new.bom), new.title,
                   new.looks_like)


def _insert_new(
    run: Any, engine: str, articles: Sequence[tuple[NewArticle, list[str], str | None]],
    unindexed: bool = False,
) -> list[ImportReport]:
    """New articles (with their targets and file name), their units and an empty
    translation row per unit and target, in a few statements whatever their number.
    `unindexed`: into a new SQLite desk without its bulk indexes
    (`storage.articles.without_bulk_indexes`)."""
    ts = now()
    stored.insert_articles(run, engine, [
        (new.slug, new.source_lang, ",".join(targets), new.title, new.layout, new.encoding,
         new.bom, new.sha, ts, ts, file_name) for new, targets, file_name in articles])
    first_unit = stored.next_unit_id(run) if unindexed else 0
    stored.insert_new_units(run, engine, (row for new, _t, _f in articles for row in new.units),
                            ts)
    by_targets: dict[tuple[str, ...], list[str]] = {}
    for new, targets, _file_name in articles:
        by_targets.setdefault(tuple(targets), []).append(new.slug)
    if unindexed:
        stored.add_translation_rows_from(run, first_unit, by_targets)
    else:
        stored.add_translation_rows(run, by_targets)
    reports = []
    for new, _langs, _file_name in articles:
        n = len(new.units)
        report = ImportReport(new.slug, new.source_lang, created=True, units=n, new=n)
        report.looks_like = new.looks_like
        reports.append(report)
    return reports


def _unit_rows(
    article_id: str,
    positioned: Iterable[tuple[int, Unit]],
    ids: Iterator[int],
    ts: str,
    unit_rows: list[tuple[Any, ...]],
) -> None:
    """Append the rows of new units of a stored article to `unit_rows`."""
    unit_rows.extend((next(ids), article_id, unit.key, unit.kind, unit.paragraph, position,
                      unit.text, unit.words, ts, ts) for position, unit in positioned)


def _merge_article(
    run: Any,
    engine: str,
    article_id: str,
    article: Article,
    source_lang: str,
    targets: list[str],
    sha: str,
    translator: str | None,
    old: Sequence[StoredUnit],
    matched: _Merge,
    file_name: str | None = None,
) -> ImportReport:
    """Apply a matching (`matching.match_units` of the stored units `old`) inside the lock."""
    ts = now()
    report = ImportReport(article_id, source_lang, created=False, units=len(article.units))
    pairs, vanished, retouched = matched
    old_by_id = {row["id"]: row for row in old}

    def history(unit_id: int, action: str, **values: Any) -> None:
        record_history(run, unit_id, source_lang, action, translator, ts, **values)

    for unit_id in vanished:
        gone = old_by_id[unit_id]
        stored.obsolete_unit(run, unit_id, ts)
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
            stored.update_unit(run, unit_id, unit.key, unit.paragraph, index, unit.text,
                               word_count(unit.text), ts)
        if row["position"] != index:
            stored.move_translations(run, unit_id, index)
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
            _demote_translations(run, engine, unit_id, ts, translator)
    new_units = [(i, u) for i, u in enumerate(article.units) if i not in pairs]
    if new_units:
        unit_rows: list[tuple[Any, ...]] = []
        _unit_rows(article_id, new_units,
                   iter(stored.new_unit_ids(run, engine, len(new_units))), ts, unit_rows)
        stored.insert_units(run, engine, unit_rows)
        # (their translation rows: ensure_target_rows below)
        for _i, unit in new_units:
            report.changes.append(("new", unit.key, unit.text))
    report.new = len(new_units)
    stored.ensure_target_rows(run, article_id, targets, ts)
    stored.update_article(run, article_id, ",".join(targets), article.title, _layout(article),
                          article.encoding, int(article.bom), sha, ts, file_name)
    report.changes.sort(key=lambda c: _key_order(c[1]))
    return report


def _demote_translations(
    run: Any, engine: str, unit_id: int, ts: str, translator: str | None
) -> None:
    """A changed source sentence: every existing translation becomes a `previous` draft."""
    for lang, text in stored.translated_texts(run, engine, unit_id):
        write_translation(run, unit_id, lang, text=text, status="draft", origin="previous",
                          translator=translator, action="source-changed", ts=ts,
                          note="the source sentence changed; the old translation is kept as a"
                          " draft")


def _key_order(key: str) -> tuple[int, int, int]:
    headers = {"date": 0, "category": 1, "title": 2}
    if key in headers:
        return (headers[key], 0, 0)
    match = re.fullmatch(r"p(\d+)\.s(\d+)", key)
    return (3, int(match[1]), int(match[2])) if match else (4, 0, 0)
