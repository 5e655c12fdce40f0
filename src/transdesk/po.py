"""Gettext catalogs: articles out as POT/PO/MO files, and PO files back in.

The Babel way: `_build_catalogs` reads the database into a plain `Catalog` model
(catalog.py); `pofile.to_pofile` turns the model into a polib file and `pofile.load_po`
reads one back; writing is a separate step (temporary
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

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transdesk import __version__, store
from transdesk.catalog import (
    ARTICLE_HEADER,
    SOURCE_LANG_HEADER,
    Catalog,
    CatalogEntry,
    state_hash,
)
from transdesk.errors import BadInput
from transdesk.export import desk_files
from transdesk.files import refuse_folder_holding, refuse_overwrite, write_atomic
from transdesk.i18n import _
from transdesk.languages import normalize_lang
from transdesk.pofile import load_po, to_pofile
from transdesk.storage import catalogs as storage
from transdesk.storage import findings
from transdesk.text_safety import shown

ORIGIN = "po-import"
LANGUAGE_TEAMS = {"ru": "Russian", "uk": "Ukrainian", "en": "English"}


def po_date(iso: str | None) -> str:
    """`2026-11-25T11:23:38.123456Z` -> `2026-11-25 11:23+0000` (the gettext form)."""
    if not iso:
        return "1970-01-01 00:00+0000"
    return f"{iso[:10]} {iso[11:16]}+0000"


def _build_catalogs(
    desk: Any, article: dict[str, Any], langs: list[str] | None
) -> list[Catalog]:
    article_id = article["id"]
    langs = article["targets"] if langs is None else _check_targets(article, langs)
    units = store.read_units(desk, article_id, langs)
    accepted = _accepted_checks(desk, article_id, langs)
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
                [CatalogEntry(unit.key, unit.source) for unit in units])
    ]
    for lang in langs:
        entries = []
        latest, last_translator = "", ""  # of the latest translation update
        for unit in units:
            t = unit.in_lang(lang)
            text, status, translator, updated = t.text, t.status, t.translator, t.updated_at
            entries.append(CatalogEntry(unit.key, unit.source, text, status, t.origin,
                                        translator, accepted.get((unit.id, lang), ())))
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
    desk: Any, article_id: str, langs: list[str]
) -> dict[tuple[int, str], tuple[str, ...]]:
    """Accepted check exceptions that still cover the current text, per (unit, lang)."""
    found: dict[tuple[int, str], list[str]] = {}
    for unit_id, lang, check in findings.accepted_current(desk, article_id):
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


# --- export ----------------------------------------------------------------------------


@dataclass
class PoExportReport:
    """What `po export` wrote. The paths are kept only when asked (`--json` lists
    them); the counts always."""

    articles: int = 0
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    keep_paths: bool = True
    written_count: int = 0
    unchanged_count: int = 0

    def add(self, path: Path, written: bool) -> None:
        if written:
            self.written_count += 1
        else:
            self.unchanged_count += 1
        if self.keep_paths:
            (self.written if written else self.unchanged).append(path)

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
    desk: Any,
    article_ids: list[str] | None = None,
    lang: str | None = None,
    directory: str | os.PathLike[str] = "locales",
    mo: bool = False,
    progress: Callable[[str], None] | None = None,
    keep_paths: bool = True,
) -> PoExportReport:
    """Write `<dir>/<article>.pot` and `<dir>/<lang>/LC_MESSAGES/<article>.po` (+ `.mo`).

    Default: every article, each in all its target languages, read and written one at
    a time. With `lang` and no article list, articles that do not have `lang` as a
    target are skipped. `keep_paths`: list the files in the report (else count them).
    """
    if not str(directory):
        raise BadInput(_("--dir needs a directory name"))
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise BadInput(_("{root!r} is not a directory").format(root=str(root)))
    inputs = desk_files(desk)
    refuse_folder_holding(root, inputs)
    report = PoExportReport(keep_paths=keep_paths)
    with storage.editors_snapshot(desk):
        if article_ids:
            # every article named read and checked first: bad input fails before
            # anything is written
            named = [storage.article(desk, article_id) for article_id in article_ids]
            if lang is not None:
                for article in named:
                    _check_targets(article, [lang])
            for article in named:
                _export_article(desk, article, lang, root, mo, inputs, report, progress)
            return report
        ids = storage.streamed_article_ids(desk)
        for (article_id,) in ids:
            article = storage.article(desk, article_id)
            if lang is None or lang in article["targets"]:
                _export_article(desk, article, lang, root, mo, inputs, report, progress)
    return report


def _export_article(desk: Any, article: dict[str, Any], lang: str | None, root: Path,
                    mo: bool, inputs: list[Path], report: PoExportReport,
                    progress: Callable[[str], None] | None) -> None:
    article_id = article["id"]
    for catalog in _build_catalogs(desk, article, None if lang is None else [lang]):
        po = to_pofile(catalog)
        po_path, mo_path = catalog_paths(root, article_id, catalog.lang)
        outputs = [(po_path, str(po).encode("utf-8"))]
        if mo and catalog.lang:
            outputs.append((mo_path, po.to_binary()))
        refuse_overwrite([path for path, _data in outputs], inputs)  # a hard link
        for path, data in outputs:
            report.add(path, write_atomic(path, data))
    report.articles += 1
    if progress:
        progress(article_id)


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
    plural: list[str] = field(default_factory=list)  # msgid_plural entries: not applied

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
            "plural": self.plural,
        }


@dataclass
class _Parsed:
    path: str
    catalog: Catalog
    article_id: str
    lang: str


def _header_lang(value: str, path: str) -> str:
    primary = re.split(r"[_\-@.]", value.strip())[0]
    try:
        return normalize_lang(primary)
    except BadInput:
        raise BadInput(_(
                "{path}: unsupported Language header {value!r}"
            ).format(path=path, value=value)) from None


def _parse(desk: Any, path: str, lang: str | None) -> _Parsed:
    catalog = load_po(path)
    header_lang = catalog.header.get("Language", "").strip()
    file_lang = _header_lang(header_lang, path) if header_lang else None
    if lang and file_lang and lang != file_lang:
        raise BadInput(_(
                "{path}: the file is in {file_lang} (Language header), not {lang}"
            ).format(path=path, file_lang=file_lang, lang=lang))
    if not (lang or file_lang):
        parts = Path(path).resolve().parts
        if len(parts) >= 3 and parts[-2] == "LC_MESSAGES":
            file_lang = _header_lang(parts[-3], path)
    chosen = lang or file_lang
    if not chosen:
        raise BadInput(_(
                "{path}: no Language header; say which language with --lang"
            ).format(path=path))
    named = catalog.header.get(ARTICLE_HEADER, "").strip()
    try:
        article = storage.article(desk, named or Path(path).stem)
    except BadInput:
        where = (f"its {ARTICLE_HEADER} header names" if named
                 else f"no {ARTICLE_HEADER} header, and the file name gives")
        raise BadInput(
            _(
                "{path}: {where} an unknown article {named!r} (see 'transdesk articles')"
            ).format(path=path, where=where, named=named or Path(path).stem)
        ) from None
    try:
        _check_targets(article, [chosen])
    except BadInput as exc:
        raise BadInput(_("{path}: {exc}").format(path=path, exc=exc)) from None
    return _Parsed(path, catalog, article["id"], chosen)


def import_catalogs(
    desk: Any, paths: list[str], lang: str | None = None, translator: str | None = None
) -> list[PoImportReport]:
    """Take PO files back. Every file is read and checked first (a malformed file
    changes nothing); then all of them are applied in one transaction."""
    parsed = [_parse(desk, path, lang) for path in paths]
    reports = []
    with desk.transaction():
        storage.editors_only(desk)
        for item in parsed:
            reports.append(_apply(desk, item, translator))
    return reports


def _apply(desk: Any, item: _Parsed, translator: str | None) -> PoImportReport:
    report = PoImportReport(item.path, item.article_id, item.lang)
    units = storage.units_for_import(desk, item.article_id, item.lang)
    for entry in item.catalog.entries:  # obsolete entries are not read
        key = entry.key
        if entry.plural:  # units are sentences: no plural forms to take them into
            report.plural.append(key or entry.source)
            continue
        if key not in units:
            report.unknown.append(key or entry.source)
            continue
        unit_id, source, db_text, db_status = units[key]
        if entry.source != source:
            report.outdated.append(key)
            continue
        status, text = entry.status, entry.text or None
        exported = entry.exported_hash
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
            desk, unit_id, item.lang, text=text, status=status, origin=ORIGIN,
            translator=translator, action="po-import", note=f"from {Path(item.path).name}",
        )
        report.applied.append(key)
    return report
