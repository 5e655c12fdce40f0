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
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk.article import Article, Decoded, Unit, decode, has_article_text, parse
from transdesk.db import now, write_transaction
from transdesk.errors import BadInput
from transdesk.files import MAX_ARTICLE_BYTES, read_input
from transdesk.i18n import _
from transdesk.languages import LANGUAGES, detect_lang, disagreeing_lang
from transdesk.store import record_history, write_translation

if TYPE_CHECKING:
    from sqlite_utils import Database

ARTICLE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# Characters a "typo-only" source change may touch without sending translations back.
_TYPO_FOLD = str.maketrans(
    {
        "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
        "‘": "'", "’": "'", "‚": "'", "ʼ": "'", "′": "'",
        "—": "-", "–": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
    }
)
_SPACES = re.compile(r"\s+")
NO_ARTICLE_TEXT = "no article text found (expected a title and paragraphs)"
SIMILARITY_THRESHOLD = 65.0  # rapidfuzz ratio; below it a sentence is new, not changed


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


def slugify(name: str) -> str:
    """An article id from a file name: lower-case ASCII letters, digits and dashes."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        slug = "article-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return slug


def check_article_id(article_id: str) -> str:
    if not ARTICLE_ID.fullmatch(article_id):
        raise BadInput(
            _(
                "invalid article id {article_id!r}: use lower-case letters, digits and dashes "
                "([a-z0-9][a-z0-9-]*)"
            ).format(article_id=article_id)
        )
    return article_id


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def only_typography_differs(old: str, new: str) -> bool:
    """True when two sources differ only in whitespace, quote or dash characters."""

    def fold(s: str) -> str:
        return _SPACES.sub(" ", s.translate(_TYPO_FOLD)).strip()

    return old != new and fold(old) == fold(new)


def parse_source(
    data: bytes, lang: str | None = None, encoding: str | None = None
) -> tuple[Article, str]:
    """Decode and parse file bytes; returns the article and its source language."""
    return parse_decoded(decode(data, encoding), lang)


def parse_decoded(decoded: Decoded, lang: str | None = None) -> tuple[Article, str]:
    """Parse decoded text (language detected when not given)."""
    source_lang = lang or detect_lang(decoded.text)
    article = parse(decoded.text, source_lang, _splitter())
    if not article.units:
        raise BadInput(NO_ARTICLE_TEXT)
    if lang is not None:
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
) -> ImportReport:
    """Import an article's file bytes, or merge a new version into an existing article."""
    check_article_id(article_id)
    stored = db.execute("SELECT source_lang FROM articles WHERE id = ?", [article_id]).fetchone()
    article, source_lang = parse_source(data, lang or (stored[0] if stored else None), encoding)
    return store_article(db, article, article_id, source_lang, _sha256(data), targets,
                         translator)


def store_article(
    db: Database,
    article: Article,
    article_id: str,
    source_lang: str,
    sha: str,
    targets: list[str] | None = None,
    translator: str | None = None,
) -> ImportReport:
    """Write a parsed article in one transaction: insert it, or merge it like msgmerge.

    `sha` is the SHA-256 of the file's bytes, kept to tell an unchanged re-import."""
    if targets is not None:
        targets = [t for t in targets if t != source_lang]
        if not targets:
            raise BadInput(_("no target language left besides the source language"))
    with write_transaction(db) as conn:
        row = conn.execute(
            "SELECT source_lang, targets FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        if row is None:
            targets = targets or [code for code in LANGUAGES if code != source_lang]
            report = _insert_article(conn, article_id, article, source_lang, targets, sha)
        else:
            old_lang, old_targets = row
            if old_lang != source_lang:
                raise BadInput(
                    _(
                        "article {article_id!r} was imported in {old_lang}, not {source_lang}"
                    ).format(article_id=article_id, old_lang=old_lang, source_lang=source_lang)
                )
            targets = targets or old_targets.split(",")
            report = _merge_article(conn, article_id, article, source_lang, targets, sha,
                                    translator)
    report.looks_like = article.looks_like
    return report


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
) -> list[ImportReport]:
    """Import files, each article in a transaction of its own.

    Every file is read and decoded before anything is written, so bad input changes
    nothing; a file whose bytes match the stored article is reported unchanged without
    parsing it again. Sentence splitting of an archive runs in worker processes while
    this process writes (a pipeline over all cores).
    """
    if article_id is not None and len(paths) != 1:
        raise BadInput(_("--id names one article: give exactly one file with it"))
    slugs: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        slug = check_article_id(article_id) if article_id else slugify(Path(path).stem)
        if slug in seen:
            raise BadInput(_(
                    "{path!r} and {seen!r} would both be article {slug!r}"
                ).format(path=path, seen=seen[slug], slug=slug))
        seen[slug] = path
        slugs.append(slug)
    stored = {
        row[0]: (row[1], row[2])
        for row in db.execute("SELECT id, source_sha256, source_lang FROM articles")
    }
    reports = []
    with _workers(len(paths)) as pool:
        # 1. read, decode, hash and detect the language of everything, once: bad input
        # stops us before any write
        inspected = _map(pool, _inspect, [(path, lang, encoding) for path in paths])
        plan = []
        for path, slug, (sha, decoded, detected) in zip(paths, slugs, inspected, strict=True):
            old = stored.get(slug)
            unchanged = (old is not None and old[0] == sha and targets is None
                         and encoding is None and (lang is None or lang == old[1]))
            # without --lang, an article imported before keeps its language (detection
            # is a guess; the stored article knows better)
            job_lang = lang or (old[1] if old else detected)
            plan.append((slug, None if unchanged else (path, slug, job_lang, decoded, sha)))
        # 2. parse (in the workers, ahead of the writer) and write, article by article
        jobs = [job for _slug, job in plan if job is not None]
        parsed = pool.imap(_parse_job, jobs, chunksize=16) if pool else map(_parse_job, jobs)
        for slug, job in plan:
            if job is None:
                units = db.execute(
                    "SELECT COUNT(*) FROM units WHERE article_id = ? AND obsolete = 0", [slug]
                ).fetchone()[0]
                report = ImportReport(slug, stored[slug][1], created=False, units=units,
                                      unchanged=units)
            else:
                slug, article, source_lang, sha = next(parsed)
                report = store_article(db, article, slug, source_lang, sha, targets,
                                       translator)
            reports.append(report)
            if progress:
                progress(report)
    return reports


PARALLEL_MIN_FILES = 64


@contextmanager
def _workers(files: int) -> Iterator[Any]:
    """A process pool for an archive (None for a few files: not worth starting one)."""
    workers = min(os.cpu_count() or 1, 8)
    if files < PARALLEL_MIN_FILES or workers < 2:
        yield None
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers) as pool:
        yield pool


def _map(pool: Any, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return pool.map(fn, items, chunksize=64) if pool else [fn(item) for item in items]


def _inspect(job: tuple[str, str | None, str | None]) -> tuple[str, Decoded, str | None]:
    """Read and decode a file (BadInput naming it if that fails): the SHA-256 of its
    bytes, its text, and its detected language when none is given."""
    path, lang, encoding = job
    data = read_article_file(path)
    try:
        decoded = decode(data, encoding)
        if not has_article_text(decoded.text):
            raise BadInput(NO_ARTICLE_TEXT)
        detected = detect_lang(decoded.text) if lang is None else None
    except BadInput as exc:
        raise BadInput(_("{path}: {exc}").format(path=path, exc=exc)) from None
    return _sha256(data), decoded, detected


def _parse_job(job: tuple[str, str, str | None, Decoded, str]) -> tuple:
    """Parse a file read by `_inspect` (in a worker for an archive)."""
    path, slug, lang, decoded, sha = job
    try:
        article, source_lang = parse_decoded(decoded, lang)
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
) -> ImportReport:
    ts = now()
    conn.execute(
        "INSERT INTO articles (id, source_lang, targets, title, layout, encoding, bom,"
        " source_sha256, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        _article_row(article_id, article, source_lang, targets, sha, ts),
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


def _match_units(
    old: list[sqlite3.Row], new: list[Unit]
) -> tuple[dict[int, sqlite3.Row], list[int]]:
    """Pair new units (by index) with old unit rows, msgmerge-style.

    Headers pair by key; sentences first by identical text (nearest position), then
    the rest by similarity weighed with distance in position. Returns the pairs and
    the old rows left over (vanished).
    """
    pairs: dict[int, sqlite3.Row] = {}
    free_old = {row["id"]: row for row in old}
    by_text: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for row in old:
        if row["kind"] == "sentence":
            by_text[row["source"]].append(row)
    old_by_key = {row["key"]: row for row in old}
    for index, unit in enumerate(new):
        if unit.kind != "sentence":
            header = old_by_key.get(unit.key)
            if header is not None and header["kind"] == unit.kind:
                pairs[index] = header
                del free_old[header["id"]]
            continue
        candidates = [r for r in by_text.get(unit.text, ()) if r["id"] in free_old]
        if candidates:
            row = min(candidates, key=lambda r: abs(r["position"] - index))
            pairs[index] = row
            del free_old[row["id"]]
    unpaired_new = [i for i, u in enumerate(new) if i not in pairs and u.kind == "sentence"]
    unpaired_old = [r for r in free_old.values() if r["kind"] == "sentence"]
    if unpaired_new and unpaired_old:
        from rapidfuzz import fuzz

        scored = []
        span = max(len(new), len(old), 1)
        for i in unpaired_new:
            for row in unpaired_old:
                score = fuzz.ratio(new[i].text, row["source"])
                if score >= SIMILARITY_THRESHOLD:
                    distance = abs(row["position"] - i) / span
                    scored.append((score - 20 * distance, i, row))
        scored.sort(key=lambda item: -item[0])
        for _score, i, row in scored:
            if i not in pairs and row["id"] in free_old:
                pairs[i] = row
                del free_old[row["id"]]
    return pairs, list(free_old)


def _merge_article(
    conn: sqlite3.Connection,
    article_id: str,
    article: Article,
    source_lang: str,
    targets: list[str],
    sha: str,
    translator: str | None,
) -> ImportReport:
    ts = now()
    report = ImportReport(article_id, source_lang, created=False, units=len(article.units))
    conn.row_factory = sqlite3.Row
    try:
        old = conn.execute(
            "SELECT id, key, kind, paragraph, position, source FROM units"
            " WHERE article_id = ? AND obsolete = 0 ORDER BY position",
            [article_id],
        ).fetchall()
        pairs, vanished = _match_units(old, article.units)
    finally:
        conn.row_factory = None
    old_by_id = {row["id"]: row for row in old}

    def history(unit_id: int, action: str, **values: Any) -> None:
        record_history(conn, unit_id, source_lang, action, translator, ts, **values)

    for unit_id in vanished:
        row = old_by_id[unit_id]
        conn.execute("UPDATE units SET obsolete = 1, updated_at = ? WHERE id = ?", [ts, unit_id])
        conn.execute("UPDATE translations SET obsolete = 1 WHERE unit_id = ?", [unit_id])
        history(unit_id, "obsolete", old_text=row["source"],
                note="sentence left the source")
        report.obsolete += 1
        report.changes.append(("obsolete", row["key"], row["source"]))
    for index, unit in enumerate(article.units):
        row = pairs.get(index)
        if row is None:
            continue
        unit_id = row["id"]
        conn.execute(
            "UPDATE units SET key = ?, paragraph = ?, position = ?, source = ?, words = ?,"
            " updated_at = ? WHERE id = ?",
            [unit.key, unit.paragraph, index, unit.text, word_count(unit.text), ts, unit_id],
        )
        conn.execute("UPDATE translations SET position = ? WHERE unit_id = ?", [index, unit_id])
        if row["source"] == unit.text:
            report.unchanged += 1
        elif only_typography_differs(row["source"], unit.text):
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
        " source_sha256 = ?, updated_at = ? WHERE id = ?",
        [*_article_row(article_id, article, source_lang, targets, sha, ts)[2:-2], ts, article_id],
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
