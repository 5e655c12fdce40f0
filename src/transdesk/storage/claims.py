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
from transdesk.storage.postgres import PostgresDesk, server_errors
from transdesk.workflow import (
    DEFAULT_CLAIM_MINUTES,
    SubmitResult,
    check_claim_minutes,
)


def next_unit(
    desk: PostgresDesk,
    lang: str,
    article: str | None = None,
    review: bool = False,
    claim_minutes: float = DEFAULT_CLAIM_MINUTES,
    exclude: Iterable[int] = (),
) -> dict[str, Any] | None:
    """Claim the next unit in `lang` for the login; its JSON (as `workflow.unit_json`),
    or None when nothing is left."""
    check_claim_minutes(claim_minutes)
    with server_errors(desk):
        if article is not None:
            _check_article(desk, article, lang)
        row = desk.conn.execute(
            "SELECT claimed_unit, expires_at FROM transdesk_next(%s, %s, %s, %s, %s)",
            [lang, article, review, claim_minutes, sorted(set(exclude))],
        ).fetchone()
        if row is None:
            return None
        return unit_json(desk, row[0], lang, row[1])


def release(desk: PostgresDesk, unit_id: int, lang: str) -> bool:
    """Give back the login's own claim on a unit; others' claims stay."""
    with server_errors(desk):
        row = desk.conn.execute("SELECT transdesk_release(%s, %s)", [unit_id, lang]).fetchone()
    return bool(row and row[0])


def submit(
    desk: PostgresDesk,
    unit_id: int,
    lang: str,
    text: str | None = None,
    accept: bool = False,
    approve: bool = False,
) -> SubmitResult:
    """Save a translation as the login (see `workflow.submit` for the rules, which the
    server applies: a translator cannot approve, nor save over another's live claim)."""
    if text is not None and accept:
        raise BadInput("give either a text (--text) or --accept, not both")
    if text is None and not accept:
        raise BadInput("give either a text (--text) or --accept for the draft")
    if text is not None:
        text = text.strip()
        if not text:
            raise BadInput("empty translation: type the text, or use --accept for the draft")
    with server_errors(desk):
        row = desk.conn.execute(
            "SELECT new_status, new_text, changed FROM transdesk_submit(%s, %s, %s, %s, %s)",
            [unit_id, lang, text, accept, approve],
        ).fetchone()
    assert row is not None
    return SubmitResult(unit_id, lang, row[0], row[1], bool(row[2]))


def _check_article(desk: PostgresDesk, article: str, lang: str) -> None:
    """The same checks and wording as `store.get_article` and `store.check_target`."""
    from transdesk import store

    row = desk.conn.execute("SELECT targets FROM articles WHERE id = %s", [article]).fetchone()
    if row is None:
        raise BadInput(f"unknown article {article!r} (see 'transdesk articles')")
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
