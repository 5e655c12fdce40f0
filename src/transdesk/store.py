"""Articles, units and translations as the library sees them: the reads (`read_units` is
the one reader of units with their translations) and the writer of translations
(`write_translation`, with its history row). The import pipeline is importing.py.
The SQL itself lives in `storage.articles` and `storage.translations`; this module
keeps the rules (checks, BadInput messages, the history row) and the shapes.

Writes to translations go through `write_translation`, which takes the caller's
connection inside the caller's `write_transaction`, so a command's changes and their
history rows are one transaction (an import opens one per article).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transdesk.article import render
from transdesk.db import now
from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.languages import LANGUAGES
from transdesk.storage import articles as storage_articles
from transdesk.storage import translations
from transdesk.text_safety import check_text

if TYPE_CHECKING:
    from transdesk.storage.history import Executes

    # a desk of either engine, a sqlite-utils Database or a sqlite3 connection
    Database = Executes

STATUSES = ("untranslated", "draft", "translated", "approved")
DONE = ("translated", "approved")
# --- queries -------------------------------------------------------------------------


def get_article(db: Database, article_id: str) -> dict[str, Any]:
    """The article's row as a dict, or BadInput naming the unknown id."""
    article = storage_articles.article_row(db, article_id)
    if article is None:
        raise BadInput(_(
                "unknown article {article_id!r} (see 'transdesk articles')"
            ).format(article_id=article_id))
    article["targets"] = article["targets"].split(",")
    return article


def check_target(article: dict[str, Any], lang: str) -> str:
    """`lang` if the article is translated into it, else BadInput naming its targets."""
    if lang not in article["targets"]:
        raise BadInput(
            _(
                "{lang} is not a target language of {id!r} (targets: {targets})"
            ).format(lang=lang, id=article['id'], targets=', '.join(article['targets']))
        )
    return lang


def article_ids(db: Database) -> list[str]:
    return storage_articles.all_ids(db)


def status_counts(
    db: Database, articles: list[str] | None = None, lang: str | None = None
) -> list[dict[str, Any]]:
    """Units and source words by status, per article and target language (`status` shape).

    Every live unit has a row per target language, so `untranslated` is the article's
    total less the other statuses: the totals come from `units`, and only rows that
    have work in them are read from `translations` (through its queue index).
    """
    for article_id in articles or ():
        get_article(db, article_id)  # BadInput for an unknown id
    langs = [lang] if lang else list(LANGUAGES)
    target_rows, total_rows, worked = storage_articles.status_rows(db, articles, langs)
    targets = {article_id: wanted.split(",") for article_id, wanted in target_rows}
    totals = {article_id: (units, words or 0) for article_id, units, words in total_rows}
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for article_id, wanted in targets.items():
        for target in wanted:
            if lang is None or target == lang:
                table[(article_id, target)] = _empty_status(article_id, target)
    for article_id, target, status, units, words in worked:
        entry = table.get((article_id, target))
        if entry is not None:
            entry["units"][status] = units
            entry["words"][status] = words or 0
    for (article_id, _target), entry in table.items():
        units, words = totals.get(article_id, (0, 0))
        entry["units"]["untranslated"] = units - sum(entry["units"].values())
        entry["words"]["untranslated"] = words - sum(entry["words"].values())
        done = entry["units"]["translated"] + entry["units"]["approved"]
        entry["percent"] = round(100.0 * done / units, 1) if units else 100.0
    order = {a: i for i, a in enumerate(articles or [])}
    return [table[key] for key in sorted(table, key=lambda k: (order.get(k[0], 0), k))]


def _empty_status(article_id: str, lang: str) -> dict[str, Any]:
    return {
        "article": article_id,
        "lang": lang,
        "units": {"untranslated": 0, "draft": 0, "translated": 0, "approved": 0},
        "words": {"untranslated": 0, "draft": 0, "translated": 0, "approved": 0},
        "percent": 0.0,
    }


def list_articles(
    db: Database, counts: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The `articles` shape: id, source language, title, percent complete per target.
    `counts`: `status_counts(db)` when the caller has it already."""
    percents: dict[str, dict[str, float]] = defaultdict(dict)
    for entry in counts if counts is not None else status_counts(db):
        percents[entry["article"]][entry["lang"]] = entry["percent"]
    return [
        {
            "id": article_id,
            "source_lang": source_lang,
            "title": title,
            "targets": {lang: percents[article_id].get(lang, 0.0) for lang in targets.split(",")},
        }
        for article_id, source_lang, title, targets in storage_articles.listing(db)
    ]


@dataclass
class Translation:
    """A unit's translation in one language."""

    text: str | None
    status: str
    origin: str | None
    translator: str | None
    updated_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "status": self.status, "origin": self.origin,
                "translator": self.translator, "updated_at": self.updated_at}


UNTRANSLATED = Translation(None, "untranslated", None, None, None)


@dataclass
class UnitRow:
    """A unit with its translations in the languages asked for."""

    id: int
    key: str
    kind: str
    paragraph: int
    source: str
    article_id: str
    translations: dict[str, Translation]

    def in_lang(self, lang: str) -> Translation:
        """The translation in `lang`, or an empty untranslated one."""
        return self.translations.get(lang, UNTRANSLATED)

    def as_dict(self) -> dict[str, Any]:
        """The `units` JSON shape."""
        return {"id": self.id, "key": self.key, "kind": self.kind,
                "paragraph": self.paragraph, "source": self.source,
                "translations": {lang: t.as_dict() for lang, t in self.translations.items()}}


def read_units(
    db: Database,
    article_id: str | None,
    langs: list[str],
    include_obsolete: bool = False,
    unit_id: int | None = None,
) -> list[UnitRow]:
    """THE reader of units with their translations: an article's units (live ones in
    order, then with `include_obsolete` the obsolete ones) or the one unit `unit_id`,
    each with its translation rows in `langs`, in that order (a language without a
    row is left out: `UnitRow.in_lang` gives an untranslated one)."""
    where, params = ("id = ?", [unit_id]) if unit_id is not None else ("article_id = ?",
                                                                        [article_id])
    if not include_obsolete:
        where += " AND obsolete = 0"
    units = {
        row[0]: UnitRow(row[0], row[1], row[2], row[3], row[4], row[5], {})
        for row in translations.unit_rows(db, where, params)
    }
    if not langs or not units:
        return list(units.values())
    found: dict[int, dict[str, Translation]] = {}
    for row in translations.translation_rows(db, unit_id is not None, params[0], langs):
        found.setdefault(row[0], {})[row[1]] = Translation(*row[2:])
    for uid, unit in units.items():
        have = found.get(uid, {})
        unit.translations = {lang: have[lang] for lang in langs if lang in have}
    return list(units.values())


def list_units(
    db: Database, article_id: str, lang: str | None = None, include_obsolete: bool = False
) -> list[dict[str, Any]]:
    """The `units` shape, in article order."""
    article = get_article(db, article_id)
    langs = [check_target(article, lang)] if lang else article["targets"]
    return [unit.as_dict() for unit in read_units(db, article_id, langs, include_obsolete)]


def render_source(db: Database, article_id: str) -> bytes:
    """The imported file, byte for byte."""
    from transdesk.article import encode

    article = get_article(db, article_id)
    texts = {unit.key: unit.source for unit in read_units(db, article_id, [])}
    text = render(json.loads(article["layout"]), texts)
    return encode(text, article["encoding"], bool(article["bom"]))


# --- writing translations ------------------------------------------------------------


def write_translation(
    conn: Database,
    unit_id: int,
    lang: str,
    *,
    text: str | None,
    status: str,
    origin: str | None,
    translator: str | None,
    score: float | None = None,
    action: str = "edit",
    note: str | None = None,
    ts: str | None = None,
    claimed_at: str | None = None,
) -> bool:
    """Set one translation and record the change in the history, inside the caller's
    transaction. Returns False (and writes nothing) when nothing would change.

    Every writer (submit, review, draft, po import) goes through here, so no text a
    translator typed is ever overwritten without a history row holding it.
    """
    if status not in STATUSES:
        raise BadInput(_("unknown status {status!r}").format(status=status))
    if text is not None:  # whoever writes (po import too): no control character stored
        check_text(text, f"unit {unit_id} ({lang})")
    row = translations.current(conn, unit_id, lang)
    if row is None:
        raise BadInput(_(
                "unit {unit_id} has no {lang} translation (not a target language)"
            ).format(unit_id=unit_id, lang=lang))
    old_text, old_status, old_origin, old_score = row
    if (old_text, old_status, old_origin, old_score) == (text, status, origin, score):
        return False
    ts = ts or now()
    translations.update(conn, unit_id, lang, text, status, origin, score, translator, ts)
    record_history(conn, unit_id, lang, action, translator, ts, origin=origin,
                   old_text=old_text, new_text=text, old_status=old_status, new_status=status,
                   note=note, score=score, old_origin=old_origin, old_score=old_score,
                   claimed_at=claimed_at)
    return True


@dataclass(frozen=True, slots=True)
class Draft:
    """A machine draft of one unit (`write_drafts`)."""

    unit_id: int
    text: str
    origin: str
    score: float | None = None
    note: str | None = None


def write_drafts(desk: Database, lang: str, drafts: Sequence[Draft],
                 ts: str | None = None) -> set[int]:
    """`write_translation` of many drafts at once, inside the caller's transaction: the
    same translation rows and the same history rows (one per draft, in order), in a
    few statement batches instead of three round trips a draft.  Only units still
    ``untranslated`` are written (their rows locked on PostgreSQL until the caller
    commits): a text a translator submitted meanwhile is never overwritten.  Returns
    the ids of the units written."""
    from transdesk.storage import drafts as storage_drafts

    for item in drafts:
        check_text(item.text, f"unit {item.unit_id} ({lang})")
    current = storage_drafts.lock_untranslated(desk, lang, [d.unit_id for d in drafts])
    written = [d for d in drafts if d.unit_id in current
               and current[d.unit_id] != (d.text, "draft", d.origin, d.score)]
    storage_drafts.write_drafts(desk, lang, ts or now(), [
        ((d.unit_id, d.text, d.origin, d.score, d.note), current[d.unit_id])
        for d in written])
    return {d.unit_id for d in written}


def record_history(
    conn: Database,
    unit_id: int,
    lang: str,
    action: str,
    translator: str | None,
    ts: str,
    *,
    origin: str | None = None,
    old_text: str | None = None,
    new_text: str | None = None,
    old_status: str | None = None,
    new_status: str | None = None,
    note: str | None = None,
    score: float | None = None,
    old_origin: str | None = None,
    old_score: float | None = None,
    claimed_at: str | None = None,
) -> None:
    """One history row, inside the caller's transaction (the only writer of `history`).

    `old_origin`/`old_score` describe the text replaced (the draft a person post-edited),
    `claimed_at` when the submitter's claim began (the post-edit analysis times it)."""
    from transdesk.storage import history

    history.insert(conn, (unit_id, lang, ts, translator, origin, action, old_text, new_text,
                          old_status, new_status, note, score, old_origin, old_score,
                          claimed_at))


def unit_id_for(db: Database, article_id: str, key: str) -> int:
    """The id of an article's live unit with this key, or BadInput."""
    found = translations.live_unit_id(db, article_id, key)
    if found is None:
        raise BadInput(_(
                "article {article_id!r} has no unit {key!r}"
            ).format(article_id=article_id, key=key))
    return found
