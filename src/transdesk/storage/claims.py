"""Claiming and submitting on a PostgreSQL desk: `next`, `submit`, `release`.

The same contract as `transdesk.workflow` on SQLite (same queue order, same refusals,
same JSON shape, same history rows), but the translator is the server login, and the
work is done by the desk's SECURITY DEFINER functions (`storage.postgres_logins`), so a
translator's rights are checked by the server, not by this program. A claim takes the
first free unit with `SELECT ... FOR UPDATE SKIP LOCKED`: translators asking at the
same moment never get the same unit, and none waits for another.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.storage.postgres import PostgresDesk, ServerError, server_errors
from transdesk.workflow import (
    DEFAULT_CLAIM_MINUTES,
    TM_SOURCE_PREFIX,
    SubmitResult,
    UnitView,
    check_claim_minutes,
    submitted_text,
)


def next_unit(
    desk: PostgresDesk,
    lang: str,
    article: str | None = None,
    review: bool = False,
    claim_minutes: float = DEFAULT_CLAIM_MINUTES,
    exclude: Iterable[int] = (),
    acting_as: str | None = None,
) -> dict[str, Any] | None:
    """Claim the next unit in `lang` for the login (or, for an editor, for `acting_as`);
    its JSON (as `workflow.unit_json`), or None when nothing is left."""
    check_claim_minutes(claim_minutes)
    with server_errors(desk):
        if article is not None:
            _check_article(desk, article, lang)
        row = desk.conn.execute(
            "SELECT claimed_unit, expires_at FROM transdesk_next(%s, %s, %s, %s, %s, %s)",
            [lang, article, review, claim_minutes, sorted(set(exclude)), acting_as],
        ).fetchone()
        if row is None:
            return None
        return unit_json(desk, row[0], lang, row[1])


def release(desk: PostgresDesk, unit_id: int, lang: str, acting_as: str | None = None) -> bool:
    """Give back the login's own claim on a unit; others' claims stay."""
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
    text = submitted_text(text, accept, unit_id, lang)  # the rules of SQLite's submit
    with server_errors(desk):
        row = desk.conn.execute(
            "SELECT new_status, new_text, changed FROM transdesk_submit(%s, %s, %s, %s, %s, %s)",
            [unit_id, lang, text, accept, approve, acting_as],
        ).fetchone()
    assert row is not None
    return SubmitResult(unit_id, lang, row[0], row[1], bool(row[2]))


def _check_article(desk: PostgresDesk, article: str, lang: str) -> None:
    """The same checks and wording as `store.get_article` and `store.check_target`."""
    from transdesk import store

    row = desk.conn.execute("SELECT targets FROM articles WHERE id = %s", [article]).fetchone()
    if row is None:
        raise BadInput(_("unknown article {article_id!r} (see 'transdesk articles')").format(
            article_id=article))
    store.check_target({"id": article, "targets": row[0].split(",")}, lang)


def unit_json(
    desk: PostgresDesk, unit_id: int, lang: str, claim_expires: str | None
) -> dict[str, Any]:
    """One unit in the `units` JSON shape, plus `article`, `lang` and `claim_expires`."""
    unit = desk.conn.execute(
        "SELECT u.article_id, u.key, u.kind, u.paragraph, u.source, a.targets FROM units u"
        " JOIN articles a ON a.id = u.article_id WHERE u.id = %s",
        [unit_id],
    ).fetchone()
    assert unit is not None
    article_id, key, kind, paragraph, source, targets = unit
    rows = {
        row[0]: row[1:]
        for row in desk.conn.execute(
            "SELECT lang, text, status, origin, translator, updated_at FROM translations"
            " WHERE unit_id = %s",
            [unit_id],
        )
    }
    translations: dict[str, dict[str, Any]] = {}
    for target in targets.split(","):
        if target in rows:
            text, status, origin, who, updated_at = rows[target]
            translations[target] = {"text": text, "status": status, "origin": origin,
                                    "translator": who, "updated_at": updated_at}
    return {
        "id": unit_id,
        "key": key,
        "kind": kind,
        "paragraph": paragraph,
        "source": source,
        "translations": translations,
        "article": article_id,
        "lang": lang,
        "claim_expires": claim_expires,
    }


def unit_view(desk: PostgresDesk, unit: dict[str, Any]) -> UnitView:
    """What the interactive screen shows about a claimed unit (`workflow.unit_view`)."""
    unit_id, lang, article_id = unit["id"], unit["lang"], unit["article"]
    with server_errors(desk):
        row = desk.execute(
            "SELECT a.title, a.source_lang, u.position, t.score FROM units u"
            " JOIN articles a ON a.id = u.article_id"
            " JOIN translations t ON t.unit_id = u.id AND t.lang = ? WHERE u.id = ?",
            [lang, unit_id]).fetchone()
        assert row is not None
        title, source_lang, position, score = row
        counts = desk.execute(
            "SELECT count(*) FILTER (WHERE u.position <= ?), count(*),"
            " count(*) FILTER (WHERE t.status IN ('translated', 'approved'))"
            " FROM units u JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
            " WHERE u.article_id = ? AND u.obsolete = 0",
            [position, lang, article_id]).fetchone()
        assert counts is not None
        number, count, done = counts
        previous = following = None
        if unit["paragraph"] is not None:
            previous = _neighbour(desk, article_id, unit["paragraph"], position, "<", "DESC")
            following = _neighbour(desk, article_id, unit["paragraph"], position, ">", "ASC")
        note = desk.execute(
            "SELECT origin, note FROM history WHERE unit_id = ? AND lang = ?"
            " ORDER BY id DESC LIMIT 1", [unit_id, lang]).fetchone()
    tm_source = None
    if note and note[0] == "tm" and note[1] and note[1].startswith(TM_SOURCE_PREFIX):
        tm_source = note[1][len(TM_SOURCE_PREFIX):]
    return UnitView(
        unit=unit, lang=lang, source_lang=source_lang, title=title, number=int(number or 0),
        count=count, percent=round(100.0 * done / count, 1) if count else 100.0,
        previous=previous, following=following, score=score, tm_source=tm_source,
    )


def _neighbour(desk: PostgresDesk, article_id: str, paragraph: int, position: int, op: str,
               order: str) -> str | None:
    row = desk.execute(
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
                           self.acting_as)

    def release(self, _db: Any, unit_id: int, lang: str, _translator: str) -> bool:
        return self._again(release, unit_id, lang, self.acting_as)

    def unit_view(self, _db: Any, unit: dict[str, Any]) -> UnitView:
        return self._again(unit_view, unit)

    def submit(self, _db: Any, unit_id: int, lang: str, _translator: str,
               text: str | None = None, accept: bool = False,
               approve: bool = False) -> SubmitResult:
        return self._again(submit, unit_id, lang, text=text, accept=accept, approve=approve,
                           acting_as=self.acting_as)
