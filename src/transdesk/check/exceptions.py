"""Accepted exceptions: one check silenced on one unit and language for as long as the
accepted translation stays unchanged (`transdesk accept`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from transdesk import desk_style
from transdesk.check.report import DONE
from transdesk.checks import CHECK_NAMES, CHECKS
from transdesk.db import now, write_transaction
from transdesk.errors import BadInput, Refused
from transdesk.i18n import _
from transdesk.languages import normalize_lang

if TYPE_CHECKING:
    from sqlite_utils import Database


def accept_finding(
    db: Database,
    article_id: str,
    key: str,
    lang: str,
    check: str,
    accepted_by: str,
    note: str | None = None,
) -> dict[str, Any]:
    """Record that `check`'s finding on this unit's current translation is a known,
    accepted exception (with a history row). Refused when the check finds nothing."""
    from transdesk.store import check_target, get_article, unit_id_for

    lang = normalize_lang(lang)
    check = _check_name(check)
    article = get_article(db, article_id)
    check_target(article, lang)
    unit_id = unit_id_for(db, article_id, key)
    source, text, status = db.execute(
        "SELECT u.source, t.text, t.status FROM units u JOIN translations t"
        " ON t.unit_id = u.id AND t.lang = ? WHERE u.id = ?",
        [lang, unit_id],
    ).fetchone()
    where = f"{article_id}:{key} [{lang}]"
    if status not in DONE or text is None:
        raise Refused(_(
                "{where} is {status}: only translated text has findings to accept"
            ).format(where=where, status=status))
    desk_style.use(db)
    message = CHECKS[check](source, text, article["source_lang"], lang)
    if message is None:
        raise Refused(_(
                "check {check!r} finds nothing in {where}: nothing to accept"
            ).format(check=check, where=where))
    ts = now()
    with write_transaction(db) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO check_exceptions (unit_id, lang, check_name, text, note,"
            " accepted_by, at) VALUES (?,?,?,?,?,?,?)",
            [unit_id, lang, check, text, note, accepted_by, ts],
        )
        _history(conn, unit_id, lang, ts, accepted_by, "accept-check", text, status,
                 f"{check}: {message}" + (f" ({note})" if note else ""))
    return {"article": article_id, "key": key, "lang": lang, "check": check,
            "message": message, "note": note, "accepted_by": accepted_by, "at": ts}


def revoke_finding(
    db: Database, article_id: str, key: str, lang: str, check: str, revoked_by: str
) -> None:
    """Remove an accepted exception (the check speaks again), with a history row."""
    from transdesk.store import get_article, unit_id_for

    lang = normalize_lang(lang)
    check = _check_name(check)
    get_article(db, article_id)
    unit_id = unit_id_for(db, article_id, key)
    with write_transaction(db) as conn:
        row = conn.execute(
            "SELECT t.text, t.status FROM check_exceptions e JOIN translations t"
            " ON t.unit_id = e.unit_id AND t.lang = e.lang"
            " WHERE e.unit_id = ? AND e.lang = ? AND e.check_name = ?",
            [unit_id, lang, check],
        ).fetchone()
        if row is None:
            raise Refused(_(
                    "no accepted {check!r} exception on {article_id}:{key} [{lang}]"
                ).format(check=check, article_id=article_id, key=key, lang=lang))
        conn.execute(
            "DELETE FROM check_exceptions WHERE unit_id = ? AND lang = ? AND check_name = ?",
            [unit_id, lang, check],
        )
        _history(conn, unit_id, lang, now(), revoked_by, "revoke-check", row[0], row[1], check)


def list_exceptions(db: Database, articles: list[str] | None = None) -> list[dict[str, Any]]:
    """Accepted exceptions: article, key, lang, check, note, accepted_by, at, and whether
    the translation is still the one accepted (`current`)."""
    from transdesk.store import get_article

    for article_id in articles or ():
        get_article(db, article_id)
    sql = (
        "SELECT u.article_id, u.key, e.lang, e.check_name, e.note, e.accepted_by, e.at,"
        " e.text = t.text FROM check_exceptions e JOIN units u ON u.id = e.unit_id"
        " LEFT JOIN translations t ON t.unit_id = e.unit_id AND t.lang = e.lang"
    )
    params: list[str] = []
    if articles:
        sql += f" WHERE u.article_id IN ({','.join('?' * len(articles))})"
        params = list(articles)
    sql += " ORDER BY u.article_id, u.position, e.lang, e.check_name"
    keys = ("article", "key", "lang", "check", "note", "accepted_by", "at", "current")
    rows = [dict(zip(keys, row, strict=True)) for row in db.execute(sql, params)]
    for row in rows:
        row["current"] = bool(row["current"])
    return rows


def _check_name(name: str) -> str:
    if name.strip().lower() not in CHECKS:
        raise BadInput(_(
                "unknown check {name!r}; known checks: {check_names}"
            ).format(name=name, check_names=', '.join(CHECK_NAMES)))
    return name.strip().lower()


def _history(conn: Any, unit_id: int, lang: str, ts: str, who: str, action: str, text: str,
             status: str, note: str) -> None:
    """An accept/revoke row: the text and status it concerns, unchanged."""
    from transdesk.store import record_history

    record_history(conn, unit_id, lang, action, who, ts, origin="human", old_text=text,
                   new_text=text, old_status=status, new_status=status, note=note)
