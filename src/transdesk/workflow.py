"""The translator's workflow on a SQLite desk: claim the next unit, submit, review,
what the screen shows, and the history.

The statements (the claim's for both engines, the rows a submit and the screen read)
live in `storage.claims`; this module checks the arguments (claim length, names) and
applies the rules of a submission. Finding and claiming the next unit happen in one
`BEGIN IMMEDIATE` transaction, so translators asking at the same moment never get the
same unit. Every change of text or status goes
through `store.write_translation`, which keeps the history. On PostgreSQL the same rules
are the server's (`storage.claims`, `storage.postgres_schema` step m090).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from transdesk import store
from transdesk.db import now, write_transaction
from transdesk.errors import BadInput, Refused
from transdesk.i18n import _
from transdesk.storage import claims
from transdesk.text_safety import shown
from transdesk.translators import identity, same_person, translator_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlite_utils import Database

TM_SOURCE_PREFIX = "tm-source: "
# the claim's rules and statements live in storage.claims (both engines); named here too
DEFAULT_CLAIM_MINUTES = claims.DEFAULT_CLAIM_MINUTES
MAX_CLAIM_MINUTES = claims.MAX_CLAIM_MINUTES
WORK_STATUSES = claims.WORK_STATUSES
REVIEW_STATUSES = claims.REVIEW_STATUSES
PRIORITY_RANKS = claims.PRIORITY_RANKS
expiry = claims.expiry
check_claim_minutes = claims.check_claim_minutes
SubmitResult = claims.SubmitResult
submitted_text = claims.submitted_text
next_unit_plan = claims.sqlite_next_unit_plan


# --- claiming -------------------------------------------------------------------------


def next_unit(
    db: Database,
    lang: str,
    translator: str,
    article: str | None = None,
    review: bool = False,
    claim_minutes: float = DEFAULT_CLAIM_MINUTES,
    exclude: Iterable[int] = (),
) -> dict[str, Any] | None:
    """Claim the next unit needing work in `lang` for `translator` and return it in the
    `units` shape plus `article`, `lang` and `claim_expires`; None when nothing is left.

    The translator's own live claim comes back first. Units in `exclude` (skipped in
    this session) are passed over.
    """
    check_claim_minutes(claim_minutes)
    translator = translator_name(translator)
    if article is not None:
        store.check_target(store.get_article(db, article), lang)
    with write_transaction(db) as conn:
        claimed = claims.sqlite_claim(conn, lang, identity(translator), article, review,
                                      claim_minutes, sorted(set(exclude)), translator, now())
    if claimed is None:
        return None
    return unit_json(db, claimed[0], lang, claimed[1])


def release(db: Database, unit_id: int, lang: str, translator: str) -> bool:
    """Give back `translator`'s claim on a unit (skip, quit, Ctrl-C). Others' claims stay."""
    with write_transaction(db) as conn:
        return claims.sqlite_release(conn, unit_id, lang, identity(translator))


# --- submitting -----------------------------------------------------------------------


def submit(
    db: Database,
    unit_id: int,
    lang: str,
    translator: str,
    text: str | None = None,
    accept: bool = False,
    approve: bool = False,
) -> SubmitResult:
    """Save a translation (`translated`, or `approved` with `approve`) and release the claim.

    - `text` is the translator's own text (origin `human`); `accept` keeps the current
      text (a draft, or with `approve` the translation under review) and its origin.
    - Refused (exit 1) when someone else holds a live claim on the unit, when `accept`
      finds no text, and when `approve` would approve the translator's own work or a
      unit nobody has translated yet. A unit nobody claimed may be submitted.
    - Bad input (exit 2): unknown unit, a language the article does not translate
      into, an empty text, both or neither of `text` and `accept`.
    """
    translator = translator_name(translator)
    text = submitted_text(text, accept, unit_id, lang)
    with write_transaction(db) as conn:
        row = _translation_row(conn, unit_id, lang)
        ts = now()
        if (row["claimed_by"] is not None and not same_person(row["claimed_by"], translator)
                and (row["claim_expires"] or "") >= ts):
            raise Refused(
                _(
                    "unit {unit_id} ({lang}) is claimed by {claimed_by} until {claim_expires} UTC; "
                    "ask them or wait"
                ).format(
                    unit_id=unit_id,
                    lang=lang,
                    claimed_by=shown(row['claimed_by']),
                    claim_expires=row['claim_expires'][:19].replace('T', ' '),
                )
            )
        if row["obsolete"]:
            raise Refused(_(
                    "unit {unit_id} is obsolete (its sentence left the source)"
                ).format(unit_id=unit_id))
        old_status, old_text = row["status"], row["text"]
        if accept and (old_text is None or old_status == "untranslated"):
            raise Refused(_(
                    "unit {unit_id} ({lang}) has no draft to accept: type a translation"
                ).format(unit_id=unit_id, lang=lang))
        if approve:
            if old_status not in store.DONE:
                raise Refused(
                    _(
                        "unit {unit_id} ({lang}) is {old_status}: approving is a second person's "
                        "review; submit it as translated first"
                    ).format(unit_id=unit_id, lang=lang, old_status=old_status)
                )
            if same_person(row["translator"], translator):
                raise Refused(
                    _(
                        "unit {unit_id} ({lang}) was translated by you: someone else reviews it"
                    ).format(unit_id=unit_id, lang=lang)
                )
        status = "approved" if approve else "translated"
        if accept:
            new_text, origin, score = old_text, row["origin"], row["score"]
            action = "approve" if approve else "accept"
        else:
            new_text, origin, score = text, "human", None
            action = "correct" if approve else "translate"
        claimed_at = row["claimed_at"] if same_person(row["claimed_by"], translator) else None
        changed = store.write_translation(
            conn, unit_id, lang, text=new_text, status=status, origin=origin,
            translator=translator, score=score, action=action, ts=ts, claimed_at=claimed_at,
        )
        claims.sqlite_clear_claim(conn, unit_id, lang)
    return SubmitResult(unit_id, lang, status, new_text, changed)


def _translation_row(conn: sqlite3.Connection, unit_id: int, lang: str) -> sqlite3.Row:
    row = claims.sqlite_translation_row(conn, unit_id, lang)
    if row is not None:
        return row
    unit = claims.sqlite_unit_targets(conn, unit_id)
    if unit is None:
        raise BadInput(_(
                "unknown unit {unit_id} (see 'transdesk units ARTICLE')"
            ).format(unit_id=unit_id))
    raise BadInput(
        _(
            "unit {unit_id} of article {article_id!r} has no {lang} translation (its targets: "
            "{targets})"
        ).format(
            unit_id=unit_id,
            article_id=unit['article_id'],
            lang=lang,
            targets=unit['targets'].replace(',', ', '),
        )
    )


# --- what a translator sees -----------------------------------------------------------


def unit_json(db: Database, unit_id: int, lang: str, claim_expires: str | None) -> dict[str, Any]:
    """One unit in the `units` JSON shape, plus `article`, `lang` and `claim_expires`."""
    targets = claims.article_targets(db, unit_id)
    (unit,) = store.read_units(db, None, targets.split(","), include_obsolete=True,
                               unit_id=unit_id)
    return {**unit.as_dict(), "article": unit.article_id, "lang": lang,
            "claim_expires": claim_expires}


@dataclass
class UnitView:
    """Everything the interactive screen shows about one claimed unit."""

    unit: dict[str, Any]
    lang: str
    source_lang: str
    title: str
    number: int  # 1-based position among the article's live units
    count: int
    percent: float
    previous: str | None
    following: str | None
    score: float | None
    tm_source: str | None
    units: dict[str, int] = field(default_factory=dict)  # the article's units by status

    @property
    def reviewed(self) -> tuple[int, int]:
        """Review progress in this language: (approved, approved + translated)."""
        approved = self.units.get("approved", 0)
        return approved, approved + self.units.get("translated", 0)

    @property
    def current(self) -> dict[str, Any]:
        return self.unit["translations"][self.lang]

    @property
    def has_text(self) -> bool:
        """Whether there is a text to accept or approve (a draft or a translation)."""
        return bool(self.current["text"]) and self.current["status"] != "untranslated"

    @property
    def others(self) -> dict[str, str]:
        """The unit's text in the other target languages, where there is one."""
        return {
            lang: tr["text"]
            for lang, tr in self.unit["translations"].items()
            if lang != self.lang and tr["text"]
        }


def unit_view(db: Database, unit: dict[str, Any]) -> UnitView:
    """Context for a unit returned by `next_unit`: title, progress, neighbours, TM source."""
    unit_id, lang, article_id = unit["id"], unit["lang"], unit["article"]
    title, source_lang, position, score = claims.screen_row(db, unit_id, lang)
    number, count = claims.place_in_article(db, article_id, position)
    counts = store.status_counts(db, [article_id], lang)
    previous = following = None
    if unit["paragraph"] is not None:
        previous = claims.neighbour(db, article_id, unit["paragraph"], position, "<", "DESC")
        following = claims.neighbour(db, article_id, unit["paragraph"], position, ">", "ASC")
    return UnitView(
        unit=unit, lang=lang, source_lang=source_lang, title=title, number=int(number or 0),
        count=count, percent=counts[0]["percent"] if counts else 0.0, previous=previous,
        following=following, score=score, tm_source=tm_source(db, unit_id, lang),
        units=dict(counts[0]["units"]) if counts else {},
    )


def tm_source(db: Database, unit_id: int, lang: str) -> str | None:
    """The remembered source of the current TM draft (history note `tm-source: ...`)."""
    row = claims.last_change_note(db, unit_id, lang)
    if row and row[0] == "tm" and row[1] and row[1].startswith(TM_SOURCE_PREFIX):
        return row[1][len(TM_SOURCE_PREFIX):]
    return None


_TOKEN = re.compile(r"\s+|\w+(?:[-'’]\w+)*|[^\w\s]")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff as (op, text) pieces: op is `=`, `-` (only in old) or `+`."""
    import difflib

    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("=", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(("-", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces


# --- history --------------------------------------------------------------------------


def history(
    db: Database,
    article: str | None = None,
    unit: int | None = None,
    lang: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """History rows, newest first: who changed which unit's text or status, when, how.
    `db`: a desk of either engine, or a sqlite-utils Database."""
    from transdesk.storage import history as stored_history

    if article is not None:
        store.get_article(db, article)
    if unit is not None and not stored_history.unit_exists(db, unit):
        raise BadInput(_(
                "unknown unit {unit} (see 'transdesk units ARTICLE')"
            ).format(unit=unit))
    return stored_history.log_rows(db, getattr(db, "engine", "sqlite"), article, unit, lang,
                                   limit)
