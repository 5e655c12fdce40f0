"""Claiming, releasing and submitting units: the statements of both engines, side by
side (`transdesk.workflow` above them checks the arguments and applies the rules of a
submission on SQLite).

A claim is three columns of the translation row: `claimed_by`, `claim_expires`
(free when NULL or passed) and `claimed_at` (when it began). `next` hands units out in
the desk's order (see `schedule`): the translator's own live claim first; then the
overdue units, most urgent priority first; then by priority, deadline, untranslated
before draft, article and position. With an article, its units status by status.

- SQLite: finding and claiming happen in one `BEGIN IMMEDIATE` transaction, so two
  translators asking at the same moment never get the same unit. The walks name their
  partial index (`translations_work` / `translations_review`, in that order), and the
  overdue part of each priority is a range of it.
- PostgreSQL: the desk's SECURITY DEFINER functions (`transdesk_next`, `_submit`,
  `_release`, built by the schema step m090 in `storage.postgres_schema`) do the same
  walks with `SELECT ... FOR UPDATE SKIP LOCKED` (translators asking at the same moment
  never get the same unit, and none waits for another), check the login's role, and
  `transdesk_next` returns in the same round trip everything `next --json` prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from transdesk.errors import BadInput
from transdesk.i18n import _

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

    from transdesk.storage.postgres import PostgresDesk
    from transdesk.workflow import UnitView

DEFAULT_CLAIM_MINUTES = 30.0
MAX_CLAIM_MINUTES = 365 * 24 * 60
WORK_STATUSES = ("untranslated", "draft")
REVIEW_STATUSES = ("translated",)
PRIORITY_RANKS = (0, 1, 2, 3)  # schedule.PRIORITIES, spelled out: next loads no more


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
    from transdesk.text_safety import check_text

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


# --- SQLite ----------------------------------------------------------------------------

_IN_QUEUE_ORDER = " ORDER BY article_id, position LIMIT 1"
# the desk's order: priority, deadline, untranslated before draft ('untranslated' >
# 'draft'), article and position (the overdue part of each priority is probed first)
_SCHEDULED_ORDER = " ORDER BY priority, due, status DESC, article_id, position LIMIT 1"
# one status at a time through the queue index; a claim that has run out is free
_FREE_UNIT_SQL = (
    "SELECT unit_id FROM translations INDEXED BY translations_queue"
    " WHERE status = ? AND (claimed_by IS NULL OR claim_expires < ?) AND "
)
_CLEAR_CLAIM = ("UPDATE translations SET claimed_by = NULL, claim_expires = NULL,"
                " claimed_at = NULL WHERE unit_id = ? AND lang = ?")


def sqlite_claim(
    conn: sqlite3.Connection,
    lang: str,
    claimer: str,
    article: str | None,
    review: bool,
    claim_minutes: float,
    excluded: list[int],
    reviewer: str,
    ts: str,
) -> tuple[int, str] | None:
    """Inside the caller's write transaction: claim the next unit for `claimer` (the
    folded name claims hold; `reviewer` the name as given, for the review filter) and
    return (unit id, claim_expires), or None when nothing is left."""
    statuses = REVIEW_STATUSES if review else WORK_STATUSES
    where, params = _queue_filter(lang, reviewer, article, review, excluded)
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
    return unit_id, expires


def sqlite_release(conn: sqlite3.Connection, unit_id: int, lang: str, claimer: str) -> bool:
    """Give back `claimer`'s claim on a unit; others' claims stay."""
    cursor = conn.execute(_CLEAR_CLAIM + " AND claimed_by = ?", [unit_id, lang, claimer])
    return cursor.rowcount > 0


def sqlite_clear_claim(conn: sqlite3.Connection, unit_id: int, lang: str) -> None:
    """Whoever held it: the claim ends with a submission."""
    conn.execute(_CLEAR_CLAIM, [unit_id, lang])


def _queue_filter(
    lang: str, translator: str, article: str | None, review: bool, excluded: list[int]
) -> tuple[str, list[Any]]:
    """The conditions every queue query shares: the language, live units, in review
    someone else's work (names compared folded, see `translators`; the plain comparison
    first spares the fold for the reviewer's own spelling), the article, and not the
    units passed over this session."""
    from transdesk.db import FOLD_FUNCTION
    from transdesk.translators import identity

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


def _own_claim(
    conn: sqlite3.Connection,
    claimer: str,
    ts: str,
    statuses: tuple[str, ...],
    where: str,
    params: list[Any],
) -> int | None:
    row = conn.execute(
        "SELECT unit_id FROM translations WHERE claimed_by = ? AND claim_expires >= ?"
        f" AND status IN ({','.join('?' * len(statuses))}) AND {where}"
        " ORDER BY due >= ?, priority, due, status DESC, article_id, position LIMIT 1",
        [claimer, ts, *statuses, *params, ts],
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


def sqlite_next_unit_plan(
    db: Database, lang: str = "en", translator: str = "x", review: bool = False
) -> list[str]:
    """EXPLAIN QUERY PLAN of the queue queries, overdue probe then the walk (for tests
    and the benchmark)."""
    from transdesk.db import now

    where, params = _queue_filter(lang, translator, None, review, [])
    sql, ts = _scheduled_sql(review, where), now()
    plans = []
    for query, args in ((sql + " AND priority = ? AND due < ?" + _SCHEDULED_ORDER,
                         [ts, *params, 0, ts]), (sql + _SCHEDULED_ORDER, [ts, *params])):
        plans += [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + query, args)]
    return plans


def sqlite_translation_row(conn: sqlite3.Connection, unit_id: int, lang: str
                           ) -> sqlite3.Row | None:
    """The whole translation row a submit reads first (columns by name), None when the
    unit has no row in `lang`."""
    import sqlite3

    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    row: sqlite3.Row | None = cursor.execute(
        "SELECT * FROM translations WHERE unit_id = ? AND lang = ?", [unit_id, lang]
    ).fetchone()
    return row


def sqlite_unit_targets(conn: sqlite3.Connection, unit_id: int) -> sqlite3.Row | None:
    """(article_id, targets) of a unit, by name; None for an unknown unit."""
    import sqlite3

    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    row: sqlite3.Row | None = cursor.execute(
        "SELECT u.article_id, a.targets FROM units u JOIN articles a ON a.id = u.article_id"
        " WHERE u.id = ?",
        [unit_id],
    ).fetchone()
    return row


# --- the SQLite screen's reads (`workflow.unit_json`, `workflow.unit_view`) ------------


def article_targets(db: Any, unit_id: int) -> str:
    """The target languages (comma-separated) of the unit's article."""
    (targets,) = db.execute(
        "SELECT a.targets FROM units u JOIN articles a ON a.id = u.article_id WHERE u.id = ?",
        [unit_id]).fetchone()
    return str(targets)


def screen_row(db: Any, unit_id: int, lang: str) -> tuple[Any, Any, Any, Any]:
    """(title, source_lang, position, score) of a claimed unit in `lang`."""
    title, source_lang, position, score = db.execute(
        "SELECT a.title, a.source_lang, u.position, t.score FROM units u"
        " JOIN articles a ON a.id = u.article_id"
        " JOIN translations t ON t.unit_id = u.id AND t.lang = ? WHERE u.id = ?",
        [lang, unit_id],
    ).fetchone()
    return title, source_lang, position, score


def place_in_article(db: Any, article_id: str, position: int) -> tuple[Any, Any]:
    """(number, count): live units of the article up to `position`, and all of them."""
    number, count = db.execute(
        "SELECT SUM(position <= ?), COUNT(*) FROM units WHERE article_id = ? AND obsolete = 0",
        [position, article_id],
    ).fetchone()
    return number, count


def last_change_note(db: Any, unit_id: int, lang: str) -> tuple[Any, Any] | None:
    """(origin, note) of the unit's latest history row in `lang` (plans left out)."""
    row = db.execute(
        "SELECT origin, note FROM history WHERE unit_id = ? AND lang = ? AND action <> 'plan'"
        " ORDER BY id DESC LIMIT 1",
        [unit_id, lang],
    ).fetchone()
    return (row[0], row[1]) if row else None


# --- PostgreSQL ------------------------------------------------------------------------


def next_unit(
    desk: PostgresDesk,
    lang: str,
    article: str | None = None,
    review: bool = False,
    claim_minutes: float = DEFAULT_CLAIM_MINUTES,
    exclude: Iterable[int] = (),
    acting_as: str | None = None,
    terms: bool = False,
) -> dict[str, Any] | None:
    """Claim the next unit in `lang` for the login (or, for an editor, for `acting_as`):
    its JSON as `workflow.unit_json` gives it (with `terms`, the term hits `next --json`
    prints, as `desk_style.with_term_hits`), or None when nothing is left. One round
    trip: `transdesk_next` claims and returns it all."""
    from transdesk.storage.postgres import server_errors

    check_claim_minutes(claim_minutes)
    with server_errors(desk):
        row = desk.conn.execute(
            "SELECT transdesk_next(%s, %s, %s, %s, %s, %s)",
            [lang, article, review, claim_minutes, sorted(set(exclude)), acting_as],
        ).fetchone()
    unit = row[0] if row else None
    if unit is None:
        return None
    extra = unit.pop("_desk")
    if "id" not in unit:  # the article is unknown, or not translated into `lang`
        _refuse_article(extra["article"], extra["targets"], lang)
    if terms:
        unit["terms"] = _term_hits(desk, unit, extra)
    return unit


def _refuse_article(article: str, targets: str | None, lang: str) -> None:
    """The same refusals, in the same words, as `store.get_article` and `check_target`."""
    from transdesk import store

    if targets is None:
        raise BadInput(_("unknown article {article_id!r} (see 'transdesk articles')").format(
            article_id=article))
    store.check_target({"id": article, "targets": targets.split(",")}, lang)


def _term_hits(desk: PostgresDesk, unit: dict[str, Any],
               extra: dict[str, Any]) -> list[dict[str, object]]:
    """The hits of the desk's termbase (sent along by `transdesk_next`) in the unit."""
    if not extra["concepts"]:
        return []  # no termbase: no hits, nothing to load
    from transdesk import desk_style
    from transdesk.terms.model import Concept

    def load() -> list[Concept]:
        concepts = []
        for c in extra["concepts"]:
            concept = Concept({}, c["note"], bool(c["case_sensitive"]), c["id"],
                              c["added_by"], c["added_at"])
            for form_lang, text, status in c["forms"]:
                concept.add(form_lang, text, status)
            concepts.append(concept)
        return concepts

    desk_style.use_termbase(load, f"{desk.location}#{extra['style_revision']}")
    current = unit["translations"].get(unit["lang"], {})
    return desk_style.term_hits_json(unit["source"], current.get("text"),
                                     extra["source_lang"], unit["lang"])


def release(desk: PostgresDesk, unit_id: int, lang: str, acting_as: str | None = None) -> bool:
    """Give back the login's own claim on a unit; others' claims stay."""
    from transdesk.storage.postgres import server_errors

    with server_errors(desk):
        row = desk.conn.execute("SELECT transdesk_release(%s, %s, %s)",
                                [unit_id, lang, acting_as]).fetchone()
    return bool(row and row[0])


def submit(
    desk: PostgresDesk,
    unit_id: int,
    lang: str,
    text: str | None = None,
    accept: bool = False,
    approve: bool = False,
    acting_as: str | None = None,
) -> SubmitResult:
    """Save a translation as the login, or for an editor as `acting_as` (see
    `workflow.submit` for the rules, which the server applies: a translator cannot
    approve, nor save over another's live claim)."""
    from transdesk.storage.postgres import server_errors

    text = submitted_text(text, accept, unit_id, lang)  # the rules of SQLite's submit
    with server_errors(desk):
        row = desk.conn.execute(
            "SELECT new_status, new_text, changed FROM transdesk_submit(%s, %s, %s, %s, %s, %s)",
            [unit_id, lang, text, accept, approve, acting_as],
        ).fetchone()
    assert row is not None
    return SubmitResult(unit_id, lang, row[0], row[1], bool(row[2]))


def next_unit_plan(desk: PostgresDesk, lang: str = "en", review: bool = False) -> list[str]:
    """The plans of the queue statements `transdesk_next` runs, as the server's
    auto_explain logs them (nested statements; LOAD needs a superuser), in a transaction
    rolled back: the claim it makes is undone. One line per statement on `translations`:
    its scan nodes (for tests and the benchmark)."""
    import psycopg

    notices: list[str] = []

    def keep(diagnostic: Any) -> None:
        notices.append(diagnostic.message_primary or "")

    desk.conn.add_notice_handler(keep)
    try:
        with desk.conn.transaction(force_rollback=True):
            desk.conn.execute("LOAD 'auto_explain'")
            for setting in ("client_min_messages = log", "auto_explain.log_min_duration = 0",
                            "auto_explain.log_nested_statements = on",
                            "auto_explain.log_format = text"):
                desk.conn.execute(f"SET LOCAL {setting}")
            desk.conn.execute("SELECT transdesk_next(%s, NULL, %s, 1, '{}', NULL)",
                              [lang, review])
    except psycopg.Error as exc:
        return [f"(no plan: {exc.diag.message_primary})"]
    finally:
        desk.conn.remove_notice_handler(keep)
    plans = []
    for message in notices:
        lines = message.splitlines()
        query = next((line for line in lines if line.startswith("Query Text:")), "")
        if "FROM translations t" in query:
            scans = [line.strip().removeprefix("->").strip().split("  (")[0]
                     for line in lines if "Scan" in line]
            plans.append(" / ".join(scans))
    return plans


def unit_view(desk: PostgresDesk, unit: dict[str, Any]) -> UnitView:
    """What the interactive screen shows about a claimed unit (`workflow.unit_view`)."""
    from transdesk.storage.postgres import server_errors
    from transdesk.workflow import TM_SOURCE_PREFIX, UnitView

    unit_id, lang, article_id = unit["id"], unit["lang"], unit["article"]
    with server_errors(desk):
        row = desk.execute(
            "SELECT a.title, a.source_lang, u.position, t.score FROM units u"
            " JOIN articles a ON a.id = u.article_id"
            " JOIN translations t ON t.unit_id = u.id AND t.lang = ? WHERE u.id = ?",
            [lang, unit_id]).fetchone()
        assert row is not None
        title, source_lang, position, score = row
        by_status = desk.execute(
            "SELECT t.status, count(*), count(*) FILTER (WHERE u.position <= ?)"
            " FROM units u JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
            " WHERE u.article_id = ? AND u.obsolete = 0 GROUP BY t.status",
            [position, lang, article_id]).fetchall()
        units = {status: n for status, n, _before in by_status}
        number = sum(before for _status, _n, before in by_status)
        count = sum(units.values())
        done = units.get("translated", 0) + units.get("approved", 0)
        previous = following = None
        if unit["paragraph"] is not None:
            previous = neighbour(desk, article_id, unit["paragraph"], position, "<", "DESC")
            following = neighbour(desk, article_id, unit["paragraph"], position, ">", "ASC")
        note = desk.execute(
            "SELECT origin, note FROM history WHERE unit_id = ? AND lang = ?"
            " AND action <> 'plan' ORDER BY id DESC LIMIT 1", [unit_id, lang]).fetchone()
    tm_source = None
    if note and note[0] == "tm" and note[1] and note[1].startswith(TM_SOURCE_PREFIX):
        tm_source = note[1][len(TM_SOURCE_PREFIX):]
    return UnitView(
        unit=unit, lang=lang, source_lang=source_lang, title=title, number=int(number or 0),
        count=count, percent=round(100.0 * done / count, 1) if count else 100.0,
        previous=previous, following=following, score=score, tm_source=tm_source,
        units={status: units.get(status, 0)
               for status in ("untranslated", "draft", "translated", "approved")},
    )


def neighbour(run: Any, article_id: str, paragraph: int, position: int, op: str,
              order: str) -> str | None:
    """The source of the live unit before (`op` "<", `order` "DESC") or after (">",
    "ASC") `position` in the same paragraph (both engines)."""
    row = run.execute(
        f"SELECT source FROM units WHERE article_id = ? AND paragraph = ? AND position {op} ?"
        f" AND obsolete = 0 ORDER BY position {order} LIMIT 1",
        [article_id, paragraph, position]).fetchone()
    return row[0] if row else None


class ReconnectingWork:
    """The interactive session's four operations on a PostgreSQL desk, with the same
    signatures as `transdesk.workflow` (the `db` argument is this object's own desk).

    When the connection is lost (the server restarted, the backend was terminated), it
    connects again and repeats the operation once: each is one transaction, so a lost
    one wrote nothing, and repeating a submit that did reach the server changes nothing
    (same text, same status: `changed` false). What the translator saved stays saved.
    """

    def __init__(self, desk: PostgresDesk, reconnected: Any = None,
                 acting_as: str | None = None) -> None:
        self.desk = desk
        self.acting_as = acting_as
        self.location = desk.conninfo
        self.reconnected = reconnected  # called with a message after a reconnection

    def _again(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from transdesk.storage.postgres import PostgresDesk, ServerError

        try:
            return fn(self.desk, *args, **kwargs)
        except ServerError:
            if not self.desk.conn.closed and not self.desk.conn.broken:
                raise
        self.desk.conn.close()
        self.desk = PostgresDesk(self.location, migrate=False)
        if self.reconnected is not None:
            self.reconnected(_("(connection to {desk} lost: reconnected)").format(
                desk=self.desk.location))
        return fn(self.desk, *args, **kwargs)

    def next_unit(self, _db: Any, lang: str, _translator: str, article: str | None = None,
                  review: bool = False, claim_minutes: float = DEFAULT_CLAIM_MINUTES,
                  exclude: Iterable[int] = ()) -> dict[str, Any] | None:
        return self._again(next_unit, lang, article, review, claim_minutes, list(exclude),
                           self.acting_as, terms=True)  # (terms: the screen's termbase)

    def release(self, _db: Any, unit_id: int, lang: str, _translator: str) -> bool:
        return self._again(release, unit_id, lang, self.acting_as)

    def unit_view(self, _db: Any, unit: dict[str, Any]) -> UnitView:
        return self._again(unit_view, unit)

    def submit(self, _db: Any, unit_id: int, lang: str, _translator: str,
               text: str | None = None, accept: bool = False,
               approve: bool = False) -> SubmitResult:
        return self._again(submit, unit_id, lang, text=text, accept=accept, approve=approve,
                           acting_as=self.acting_as)
