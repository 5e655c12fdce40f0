"""Gettext catalogs: articles out as POT/PO/MO files, and PO files back in.

The Babel way: `build_catalog` reads the database into a plain `Catalog` model;
`to_pofile` turns the model into a polib file; writing is a separate step (temporary
name in the target directory, then `os.replace`). Everything in a catalog comes from
the database — dates are the latest source/translation updates, never the wall
clock — so exporting an unchanged database gives byte-identical files.

Conflicts on import. Every PO entry carries an extracted comment
`#. transdesk-hash: <sha1>`: the SHA-1 of the translation's status and text at export
time. Translators' tools (Poedit, Weblate, Lokalize) keep extracted comments and do
not let translators edit them. On import, for each entry:

* the entry still matches that hash -> the translator did not touch it: `unchanged`;
* the database still matches it -> nobody else did: the entry is `applied`;
* both changed: the database and the file agree -> `unchanged`, else a `conflict`,
  reported and left alone.

An entry without the comment (a PO made elsewhere) is applied over untranslated and
draft units only; over a translated or approved unit with other text it is a conflict.
A per-entry hash (rather than one export timestamp in the header) tells "the
translator changed this entry" apart from "the translator left it as exported", so
an unrelated database edit does not turn every untouched entry into a conflict.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk import __version__, store
from transdesk.db import write_transaction
from transdesk.errors import BadInput
from transdesk.export import write_atomic
from transdesk.languages import normalize_lang
from transdesk.text_safety import shown

if TYPE_CHECKING:
    import polib
    from sqlite_utils import Database

ARTICLE_HEADER = "X-Transdesk-Article"
SOURCE_LANG_HEADER = "X-Transdesk-Source-Language"
HASH_PREFIX = "transdesk-hash: "
ACCEPT_FLAG_PREFIX = "accept-"  # `#, accept-quotes`: the `quotes` finding is accepted
ORIGIN = "po-import"
WRAP_WIDTH = 78  # as msgcat and Poedit wrap
LANGUAGE_TEAMS = {"ru": "Russian", "uk": "Ukrainian", "en": "English"}


def state_hash(status: str, text: str | None) -> str:
    """SHA-1 of a translation's status and text: what the exporter saw."""
    return hashlib.sha1(f"{status}\n{text or ''}".encode()).hexdigest()


def po_date(iso: str | None) -> str:
    """`2026-11-25T11:23:38.123456Z` -> `2026-11-25 11:23+0000` (the gettext form)."""
    if not iso:
        return "1970-01-01 00:00+0000"
    return f"{iso[:10]} {iso[11:16]}+0000"


# --- the catalog model -----------------------------------------------------------------


@dataclass
class CatalogEntry:
    key: str
    source: str
    text: str | None = None
    status: str = "untranslated"
    origin: str | None = None
    translator: str | None = None
    accepted: tuple[str, ...] = ()  # checks whose finding is accepted for this text

    @property
    def fuzzy(self) -> bool:
        return self.status == "draft" and bool(self.text)

    @property
    def msgstr(self) -> str:
        return self.text or "" if self.status != "untranslated" else ""


@dataclass
class Catalog:
    """One article in one language (`lang` None: the POT template)."""

    article_id: str
    source_lang: str
    lang: str | None
    title: str
    header: dict[str, str]
    entries: list[CatalogEntry]


def build_catalogs(
    db: Database, article_id: str, langs: list[str] | None = None
) -> list[Catalog]:
    """The POT (first) and one PO catalog per language (default: the article's targets)."""
    return _build_catalogs(db, store.get_article(db, article_id), langs)


def _build_catalogs(
    db: Database, article: dict[str, Any], langs: list[str] | None
) -> list[Catalog]:
    article_id = article["id"]
    langs = article["targets"] if langs is None else _check_targets(article, langs)
    units = db.execute(
        "SELECT id, key, source FROM units WHERE article_id = ? AND obsolete = 0"
        " ORDER BY position",
        [article_id],
    ).fetchall()
    rows: dict[str, dict[int, tuple]] = {lang: {} for lang in langs}
    if langs:
        marks = ",".join("?" * len(langs))
        for unit_id, lang, text, status, origin, translator, updated in db.execute(
            "SELECT unit_id, lang, text, status, origin, translator, updated_at"
            f" FROM translations WHERE article_id = ? AND obsolete = 0 AND lang IN ({marks})",
            [article_id, *langs],
        ):
            rows[lang][unit_id] = (text, status, origin, translator, updated)
    accepted = _accepted_checks(db, article_id, langs)
    base = {
        "Project-Id-Version": f"{article_id}",
        "POT-Creation-Date": po_date(article["updated_at"]),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"transdesk {__version__}",
        ARTICLE_HEADER: article_id,
        SOURCE_LANG_HEADER: article["source_lang"],
    }
    catalogs = [
        Catalog(article_id, article["source_lang"], None, article["title"], dict(base),
                [CatalogEntry(key, source) for _id, key, source in units])
    ]
    for lang in langs:
        by_unit = rows[lang]
        entries = []
        latest, last_translator = "", ""  # of the latest translation update
        for unit_id, key, source in units:
            text, status, origin, translator, updated = by_unit.get(
                unit_id, (None, "untranslated", None, None, None)
            )
            entries.append(CatalogEntry(key, source, text, status, origin, translator,
                                        accepted.get((unit_id, lang), ())))
            if status != "untranslated" and updated and updated >= latest:
                latest = updated
                last_translator = translator or last_translator
        header = dict(base)
        header.update(
            {
                "PO-Revision-Date": po_date(latest or article["updated_at"]),
                # one line whatever an older version stored (no header injection)
                "Last-Translator": shown(" ".join(last_translator.split())) or "transdesk",
                "Language-Team": LANGUAGE_TEAMS[lang],
                "Language": lang,
                "Plural-Forms": plural_forms(lang),
            }
        )
        catalogs.append(
            Catalog(article_id, article["source_lang"], lang, article["title"], header, entries)
        )
    return catalogs


def _check_targets(article: dict[str, Any], langs: list[str]) -> list[str]:
    for lang in langs:
        store.check_target(article, lang)
    return langs


def _accepted_checks(
    db: Database, article_id: str, langs: list[str]
) -> dict[tuple[int, str], tuple[str, ...]]:
    """Accepted check exceptions that still cover the current text, per (unit, lang)."""
    found: dict[tuple[int, str], list[str]] = {}
    for unit_id, lang, check in db.execute(
        "SELECT e.unit_id, e.lang, e.check_name FROM check_exceptions e"
        " JOIN translations t ON t.unit_id = e.unit_id AND t.lang = e.lang"
        " WHERE t.article_id = ? AND e.text = t.text ORDER BY e.check_name",
        [article_id],
    ):
        if lang in langs:
            found.setdefault((unit_id, lang), []).append(check)
    return {k: tuple(v) for k, v in found.items()}


_PLURALS: dict[str, str] = {}


def plural_forms(lang: str) -> str:
    """The gettext Plural-Forms expression from CLDR, via Babel."""
    if lang not in _PLURALS:
        from babel.messages.plurals import get_plural

        _PLURALS[lang] = get_plural(lang).plural_forms
    return _PLURALS[lang]


def to_pofile(catalog: Catalog) -> polib.POFile:
    """The polib file for a catalog: msgctxt = key, msgid = source, msgstr = translation."""
    import polib

    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    if catalog.lang:
        po.header = (
            f"{catalog.lang} translation of article {catalog.article_id}: {catalog.title}"
        )
    else:
        po.header = f"Template of article {catalog.article_id}: {catalog.title}"
    po.metadata = dict(catalog.header)
    for entry in catalog.entries:
        po_entry = polib.POEntry(
            msgctxt=entry.key,
            msgid=entry.source,
            msgstr=entry.msgstr if catalog.lang else "",
            occurrences=[(f"{catalog.article_id}:{entry.key}", "")],
        )
        if catalog.lang:
            comments = []
            if entry.origin and entry.status != "untranslated":
                comments.append(f"origin: {entry.origin}")
            if entry.status == "approved" and entry.translator:
                comments.append(f"approved by {entry.translator}")
            po_entry.tcomment = "\n".join(comments)
            po_entry.comment = HASH_PREFIX + state_hash(entry.status, entry.text)
            if entry.fuzzy:
                po_entry.flags.append("fuzzy")
            po_entry.flags.extend(f"{ACCEPT_FLAG_PREFIX}{check}" for check in entry.accepted)
        po.append(po_entry)
    return po


# --- export ----------------------------------------------------------------------------


@dataclass
class PoExportReport:
    articles: int = 0
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "written": [str(p) for p in self.written],
            "unchanged": [str(p) for p in self.unchanged],
        }


def catalog_paths(directory: Path, article_id: str, lang: str | None) -> tuple[Path, Path]:
    """(`.pot` or `.po`, `.mo`) paths of an article's catalog."""
    if lang is None:
        pot = directory / f"{article_id}.pot"
        return pot, pot.with_suffix(".mo")
    base = directory / lang / "LC_MESSAGES" / article_id
    return base.with_name(f"{article_id}.po"), base.with_name(f"{article_id}.mo")


def export_catalogs(
    db: Database,
    article_ids: list[str] | None = None,
    lang: str | None = None,
    directory: str | os.PathLike[str] = "locales",
    mo: bool = False,
    progress: Callable[[str], None] | None = None,
) -> PoExportReport:
    """Write `<dir>/<article>.pot` and `<dir>/<lang>/LC_MESSAGES/<article>.po` (+ `.mo`).

    Default: every article, each in all its target languages. With `lang` and no
    article list, articles that do not have `lang` as a target are skipped.
    """
    if not str(directory):
        raise BadInput("--dir needs a directory name")
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise BadInput(f"{str(root)!r} is not a directory")
    explicit = bool(article_ids)
    # every article read and checked first: bad input fails before anything is written
    articles = [store.get_article(db, article_id)
                for article_id in (article_ids or store.article_ids(db))]
    if lang is not None:
        if explicit:
            for article in articles:
                _check_targets(article, [lang])
        articles = [a for a in articles if lang in a["targets"]]
    report = PoExportReport()
    for article in articles:
        article_id = article["id"]
        for catalog in _build_catalogs(db, article, None if lang is None else [lang]):
            po = to_pofile(catalog)
            po_path, mo_path = catalog_paths(root, article_id, catalog.lang)
            outputs = [(po_path, str(po).encode("utf-8"))]
            if mo and catalog.lang:
                outputs.append((mo_path, po.to_binary()))
            for path, data in outputs:
                if write_atomic(path, data):
                    report.written.append(path)
                else:
                    report.unchanged.append(path)
        report.articles += 1
        if progress:
            progress(article_id)
    return report


# --- import ----------------------------------------------------------------------------


@dataclass
class PoImportReport:
    file: str
    article: str
    lang: str
    applied: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)  # msgid no longer the source
    unknown: list[str] = field(default_factory=list)  # no such unit key

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "article": self.article,
            "lang": self.lang,
            "applied": len(self.applied),
            "unchanged": len(self.unchanged),
            "conflicts": self.conflicts,
            "outdated": self.outdated,
            "unknown": self.unknown,
        }


@dataclass
class _Parsed:
    path: str
    po: Any
    article_id: str
    lang: str


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(
    rf"(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_PO_STRING}"
)


def check_po_syntax(text: str) -> str | None:
    """The first line that is neither a comment, a keyword with a quoted string, nor a
    quoted continuation (polib silently repairs some of those), as an error message."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.fullmatch(stripped):
            return f"line {number}: {stripped[:60]!r} is not a PO keyword line or string"
    return None


def _read_po(path: str) -> Any:
    import polib

    from transdesk.files import read_input

    if Path(path).is_dir():
        raise BadInput(f"{path!r} is a directory: name the PO files in it")
    data = read_input(path, "a PO file")
    try:
        if b"\0" in data[:8192]:
            raise ValueError("binary data, not text (a compiled .mo? import the .po)")
        charset = polib.detect_encoding(path)
        error = check_po_syntax(data.decode(charset))
        if error:
            raise ValueError(error)
        return polib.pofile(path, wrapwidth=WRAP_WIDTH)
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path}: malformed PO file: not {exc.encoding} text (byte {exc.start})"
        ) from None
    except (OSError, ValueError, LookupError) as exc:
        raise BadInput(f"{path}: malformed PO file: {exc}") from None


def _header_lang(value: str, path: str) -> str:
    primary = re.split(r"[_\-@.]", value.strip())[0]
    try:
        return normalize_lang(primary)
    except BadInput:
        raise BadInput(f"{path}: unsupported Language header {value!r}") from None


def _parse(db: Database, path: str, lang: str | None) -> _Parsed:
    po = _read_po(path)
    header_lang = po.metadata.get("Language", "").strip()
    file_lang = _header_lang(header_lang, path) if header_lang else None
    if lang and file_lang and lang != file_lang:
        raise BadInput(f"{path}: the file is in {file_lang} (Language header), not {lang}")
    if not (lang or file_lang):
        parts = Path(path).resolve().parts
        if len(parts) >= 3 and parts[-2] == "LC_MESSAGES":
            file_lang = _header_lang(parts[-3], path)
    chosen = lang or file_lang
    if not chosen:
        raise BadInput(f"{path}: no Language header; say which language with --lang")
    named = po.metadata.get(ARTICLE_HEADER, "").strip()
    try:
        article = store.get_article(db, named or Path(path).stem)
    except BadInput:
        where = (f"its {ARTICLE_HEADER} header names" if named
                 else f"no {ARTICLE_HEADER} header, and the file name gives")
        raise BadInput(
            f"{path}: {where} an unknown article {named or Path(path).stem!r}"
            " (see 'transdesk articles')"
        ) from None
    try:
        _check_targets(article, [chosen])
    except BadInput as exc:
        raise BadInput(f"{path}: {exc}") from None
    return _Parsed(path, po, article["id"], chosen)


def import_catalogs(
    db: Database, paths: list[str], lang: str | None = None, translator: str | None = None
) -> list[PoImportReport]:
    """Take PO files back. Every file is read and checked first (a malformed file
    changes nothing); then all of them are applied in one transaction."""
    parsed = [_parse(db, path, lang) for path in paths]
    reports = []
    with write_transaction(db) as conn:
        for item in parsed:
            reports.append(_apply(conn, item, translator))
    return reports


def _po_state(entry: Any) -> tuple[str, str | None]:
    if not entry.msgstr:
        return "untranslated", None
    return ("draft" if "fuzzy" in entry.flags else "translated"), entry.msgstr


def _exported_hash(entry: Any) -> str | None:
    for line in (entry.comment or "").splitlines():
        if line.startswith(HASH_PREFIX):
            return line[len(HASH_PREFIX):].strip()
    return None


def _apply(conn: Any, item: _Parsed, translator: str | None) -> PoImportReport:
    report = PoImportReport(item.path, item.article_id, item.lang)
    units = {
        key: (unit_id, source, text, status)
        for unit_id, key, source, text, status in conn.execute(
            "SELECT u.id, u.key, u.source, t.text, t.status FROM units u"
            " JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
            " WHERE u.article_id = ? AND u.obsolete = 0",
            [item.lang, item.article_id],
        )
    }
    for entry in item.po:
        if entry.obsolete:
            continue
        key = entry.msgctxt or ""
        if key not in units:
            report.unknown.append(key or entry.msgid)
            continue
        unit_id, source, db_text, db_status = units[key]
        if entry.msgid != source:
            report.outdated.append(key)
            continue
        status, text = _po_state(entry)
        exported = _exported_hash(entry)
        candidates = ("translated", "approved") if status == "translated" else (status,)
        if status == "untranslated" or (
            exported and exported in {state_hash(s, text) for s in candidates}
        ):
            report.unchanged.append(key)  # as exported, or empty: never clears a translation
            continue
        same_as_db = db_text == text and (db_status == status or (
            status == "translated" and db_status in store.DONE))
        if same_as_db:
            report.unchanged.append(key)
            continue
        if exported:
            db_changed = exported != state_hash(db_status, db_text)
        else:
            db_changed = db_status in store.DONE
        if db_changed:
            report.conflicts.append(
                {"key": key, "database": db_text, "database_status": db_status, "file": text}
            )
            continue
        store.write_translation(
            conn, unit_id, item.lang, text=text, status=status, origin=ORIGIN,
            translator=translator, action="po-import", note=f"from {Path(item.path).name}",
        )
        report.applied.append(key)
    return report
