"""The translator's workflow: claim the next unit, submit, review, and the history.

A claim is two columns of the translation row, `claimed_by` and `claim_expires`; a
claim is free when `claimed_by IS NULL` or `claim_expires` has passed. Finding and
claiming the next unit happen in one `BEGIN IMMEDIATE` transaction, so translators
asking at the same moment never get the same unit. Every change of text or status goes
through `store.write_translation`, which keeps the history.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from transdesk import store
from transdesk.db import FOLD_FUNCTION, now, write_transaction
from transdesk.errors import BadInput, Refused
from transdesk.i18n import _
from transdesk.text_safety import check_text, shown
from transdesk.translators import identity, same_person, translator_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlite_utils import Database

DEFAULT_CLAIM_MINUTES = 30.0
MAX_CLAIM_MINUTES = 365 * 24 * 60
TM_SOURCE_PREFIX = "tm-source: "
# Queue order: untranslated first, then drafts; review mode takes translated units.
WORK_STATUSES = ("untranslated", "draft")
REVIEW_STATUSES = ("translated",)


def expiry(minutes: float) -> str:
    """The claim_expires timestamp `minutes` from now, in the format of `db.now()`."""
    return (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_claim_minutes(minutes: float) -> float:
    """A claim lasts more than nothing and at most a year (also no NaN or infinity)."""
    if not 0 < minutes <= MAX_CLAIM_MINUTES:
        raise BadInput(
            _(
                "claim duration must be a positive number of minutes, at most {max_claim_minutes} "
                "(a year), not {minutes:g}"
            ).format(max_claim_minutes=MAX_CLAIM_MINUTES, minutes=minutes)
        )
    return minutes


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
    claimer = identity(translator)  # claims hold the folded name
    if article is not None:
        store.check_target(store.get_article(db, article), lang)
    statuses = REVIEW_STATUSES if review else WORK_STATUSES
    where, params = _queue_filter(lang, translator, article, review, sorted(set(exclude)))
    with write_transaction(db) as conn:
        ts = now()
        unit_id = _own_claim(conn, claimer, ts, statuses, where, params)
        claimed_at = None if unit_id is not None else ts  # one's own claim keeps its start
        if unit_id is None:
            if article is None:
                unit_id = _first_free_scheduled(conn, ts, review, where, params)
            else:
                unit_id = _first_free(conn, ts, statuses, where, params)
        if unit_id is None:
            return None
        expires = expiry(claim_minutes)
        conn.execute(
            "UPDATE translations SET claimed_by = ?, claim_expires = ?,"
            " claimed_at = coalesce(?, claimed_at) WHERE unit_id = ? AND lang = ?",
            [claimer, expires, claimed_at, unit_id, lang],
        )
    return unit_json(db, unit_id, lang, expires)


def _queue_filter(
    lang: str, translator: str, article: str | None, review: bool, excluded: list[int]
) -> tuple[str, list[Any]]:
    """The conditions every queue query shares: the language, live units, in review
    someone else's work (names compared folded, see `translators`; the plain comparison
    first spares the fold for the reviewer's own spelling), the article, and not the
    units passed over this session."""
    where = "lang = ? AND obsolete = 0"
    params: list[Any] = [lang]
    if review:
        where += (f" AND (translator IS NULL OR (translator != ?"
                  f" AND {FOLD_FUNCTION}(translator) != ?))")
        params += [translator, identity(translator)]
    if article is not None:
        where += " AND article_id = ?"
        params.append(article)
    if excluded:
        where += f" AND unit_id NOT IN ({','.join('?' * len(excluded))})"
        params += excluded
    return where, params


_IN_QUEUE_ORDER = " ORDER BY article_id, position LIMIT 1"
# the desk's order (see schedule): overdue first, then priority, deadline, untranslated
# before draft ('untranslated' > 'draft'), article and position
_SCHEDULED_ORDER = " ORDER BY priority, due, status DESC, article_id, position LIMIT 1"
PRIORITY_RANKS = (0, 1, 2, 3)  # schedule.PRIORITIES, spelled out: next loads no more
# one status at a time through the queue index; a claim that has run out is free
_FREE_UNIT_SQL = (
    "SELECT unit_id FROM translations INDEXED BY translations_queue"
    " WHERE status = ? AND (claimed_by IS NULL OR claim_expires < ?) AND "
)


def _own_claim(
    conn: sqlite3.Connection,
    translator: str,
    ts: str,
    statuses: tuple[str, ...],
    where: str,
    params: list[Any],
) -> int | None:
    row = conn.execute(
        "SELECT unit_id FROM translations WHERE claimed_by = ? AND claim_expires >= ?"
        f" AND status IN ({','.join('?' * len(statuses))}) AND {where}"
        " ORDER BY due >= ?, priority, due, status DESC, article_id, position LIMIT 1",
        [translator, ts, *statuses, *params, ts],
    ).fetchone()
    return row[0] if row else None


def _first_free(
    conn: sqlite3.Connection, ts: str, statuses: tuple[str, ...], where: str, params: list[Any]
) -> int | None:
    """Walk the `translations_queue` index status by status; the first free row wins."""
    for status in statuses:
        row = conn.execute(
            _FREE_UNIT_SQL + where + _IN_QUEUE_ORDER, [status, ts, *params]
        ).fetchone()
        if row:
            return row[0]
    return None


def _scheduled_sql(review: bool, where: str) -> str:
    index, statuses = (("translations_review", "status = 'translated'") if review else
                       ("translations_work", "status IN ('untranslated', 'draft')"))
    return (f"SELECT unit_id FROM translations INDEXED BY {index} WHERE {statuses}"
            f" AND (claimed_by IS NULL OR claim_expires < ?) AND {where}")


def _first_free_scheduled(
    conn: sqlite3.Connection, ts: str, review: bool, where: str, params: list[Any]
) -> int | None:
    """The first free unit in the desk's order, walking one partial index (work or
    review) that holds only the rows needing that: first the overdue part of each
    priority (a range of the index: `due < now`), most urgent first, then the index
    from its start (the overdue rows met again are the claimed ones)."""
    sql = _scheduled_sql(review, where)
    for rank in PRIORITY_RANKS:
        row = conn.execute(sql + " AND priority = ? AND due < ?" + _SCHEDULED_ORDER,
                           [ts, *params, rank, ts]).fetchone()
        if row:
            return row[0]
    row = conn.execute(sql + _SCHEDULED_ORDER, [ts, *params]).fetchone()
    return row[0] if row else None


def next_unit_plan(
    db: Database, lang: str = "en", translator: str = "x", review: bool = False
) -> list[str]:
    """EXPLAIN QUERY PLAN of the queue queries, overdue probe then the walk (for tests
    and the benchmark)."""
    where, params = _queue_filter(lang, translator, None, review, [])
    sql, ts = _scheduled_sql(review, where), now()
    plans = []
    for query, args in ((sql + " AND priority = ? AND due < ?" + _SCHEDULED_ORDER,
                         [ts, *params, 0, ts]), (sql + _SCHEDULED_ORDER, [ts, *params])):
        plans += [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + query, args)]
    return plans


def release(db: Database, unit_id: int, lang: str, translator: str) -> bool:
    """Give back `translator`'s claim on a unit (skip, quit, Ctrl-C). Others' claims stay."""
    with write_transaction(db) as conn:
        cursor = conn.execute(
            "UPDATE translations SET claimed_by = NULL, claim_expires = NULL, claimed_at = NULL"
            " WHERE unit_id = ? AND lang = ? AND claimed_by = ?",
            [unit_id, lang, identity(translator)],
        )
        return cursor.rowcount > 0


# --- submitting -----------------------------------------------------------------------


@dataclass
class SubmitResult:
    unit_id: int
    lang: str
    status: str
    text: str
    changed: bool

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit_id, "lang": self.lang, "status": self.status,
                "text": self.text, "changed": self.changed}


def submitted_text(text: str | None, accept: bool, unit_id: int, lang: str) -> str | None:
    """The text a submission saves (trimmed; None with `accept`), or BadInput for both or
    neither of `text` and `accept`, an empty text or a control character: the same rules
    on every engine."""
    if text is not None and accept:
        raise BadInput(_("give either a text (--text) or --accept, not both"))
    if text is None and not accept:
        raise BadInput(_("give either a text (--text) or --accept for the draft"))
    if text is None:
        return None
    text = text.strip()
    if not text:
        raise BadInput(_("empty translation: type the text, or use --accept for the draft"))
    return check_text(text, f"unit {unit_id} ({lang})")


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
        claimed_at = row["claimed_at"] if row["claimed_by"] == translator else None
        changed = store.write_translation(
            conn, unit_id, lang, text=new_text, status=status, origin=origin,
            translator=translator, score=score, action=action, ts=ts, claimed_at=claimed_at,
        )
        conn.execute(
            "UPDATE translations SET claimed_by = NULL, claim_expires = NULL, claimed_at = NULL"
            " WHERE unit_id = ? AND lang = ?",
            [unit_id, lang],
        )
    return SubmitResult(unit_id, lang, status, new_text, changed)


def _translation_row(conn: sqlite3.Connection, unit_id: int, lang: str) -> sqlite3.Row:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    row = cursor.execute(
        "SELECT * FROM translations WHERE unit_id = ? AND lang = ?", [unit_id, lang]
    ).fetchone()
    if row is not None:
        return row
    unit = cursor.execute(
        "SELECT u.article_id, a.targets FROM units u JOIN articles a ON a.id = u.article_id"
        " WHERE u.id = ?",
        [unit_id],
    ).fetchone()
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
    (targets,) = db.execute(
        "SELECT a.targets FROM units u JOIN articles a ON a.id = u.article_id WHERE u.id = ?",
        [unit_id]).fetchone()
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
    title, source_lang, position, score = db.execute(
        "SELECT a.title, a.source_lang, u.position, t.score FROM units u"
        " JOIN articles a ON a.id = u.article_id"
        " JOIN translations t ON t.unit_id = u.id AND t.lang = ? WHERE u.id = ?",
        [lang, unit_id],
    ).fetchone()
    number, count = db.execute(
        "SELECT SUM(position <= ?), COUNT(*) FROM units WHERE article_id = ? AND obsolete = 0",
        [position, article_id],
    ).fetchone()
    counts = store.status_counts(db, [article_id], lang)
    previous = following = None
    if unit["paragraph"] is not None:
        previous = _neighbour(db, article_id, unit["paragraph"], position, "<", "DESC")
        following = _neighbour(db, article_id, unit["paragraph"], position, ">", "ASC")
    return UnitView(
        unit=unit, lang=lang, source_lang=source_lang, title=title, number=int(number or 0),
        count=count, percent=counts[0]["percent"] if counts else 0.0, previous=previous,
        following=following, score=score, tm_source=tm_source(db, unit_id, lang),
        units=dict(counts[0]["units"]) if counts else {},
    )


def _neighbour(
    db: Database, article_id: str, paragraph: int, position: int, op: str, order: str
) -> str | None:
    row = db.execute(
        f"SELECT source FROM units WHERE article_id = ? AND paragraph = ? AND position {op} ?"
        f" AND obsolete = 0 ORDER BY position {order} LIMIT 1",
        [article_id, paragraph, position],
    ).fetchone()
    return row[0] if row else None


def tm_source(db: Database, unit_id: int, lang: str) -> str | None:
    """The remembered source of the current TM draft (history note `tm-source: ...`)."""
    row = db.execute(
        "SELECT origin, note FROM history WHERE unit_id = ? AND lang = ? ORDER BY id DESC"
        " LIMIT 1",
        [unit_id, lang],
    ).fetchone()
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
