"""Accepted exceptions: one check silenced on one unit and language for as long as the
accepted translation stays unchanged (`transdesk accept`)."""

from __future__ import annotations

from typing import Any

from transdesk.check.report import DONE
from transdesk.check.style import use_desk_style
from transdesk.checks import CHECK_NAMES, CHECKS
from transdesk.db import now
from transdesk.errors import BadInput, Refused
from transdesk.i18n import _
from transdesk.languages import normalize_lang
from transdesk.storage import catalogs
from transdesk.storage import findings as store


def accept_finding(
    desk: Any,
    article_id: str,
    key: str,
    lang: str,
    check: str,
    accepted_by: str,
    note: str | None = None,
) -> dict[str, Any]:
    """Record that `check`'s finding on this unit's current translation is a known,
    accepted exception (with a history row). Refused when the check finds nothing."""
    from transdesk.store import check_target, unit_id_for

    lang = normalize_lang(lang)
    check = _check_name(check)
    article = catalogs.article(desk, article_id)
    check_target(article, lang)
    unit_id = unit_id_for(desk, article_id, key)
    source, text, status = store.unit_text(desk, unit_id, lang)
    where = f"{article_id}:{key} [{lang}]"
    if status not in DONE or text is None:
        raise Refused(_(
                "{where} is {status}: only translated text has findings to accept"
            ).format(where=where, status=status))
    use_desk_style(desk)
    message = CHECKS[check](source, text, article["source_lang"], lang)
    if message is None:
        raise Refused(_(
                "check {check!r} finds nothing in {where}: nothing to accept"
            ).format(check=check, where=where))
    ts = now()
    with desk.transaction():
        store.put_exception(desk, unit_id, lang, check, text, note, accepted_by, ts)
        _history(desk, unit_id, lang, ts, accepted_by, "accept-check", text, status,
                 f"{check}: {message}" + (f" ({note})" if note else ""))
    return {"article": article_id, "key": key, "lang": lang, "check": check,
            "message": message, "note": note, "accepted_by": accepted_by, "at": ts}


def revoke_finding(
    desk: Any, article_id: str, key: str, lang: str, check: str, revoked_by: str
) -> None:
    """Remove an accepted exception (the check speaks again), with a history row."""
    from transdesk.store import unit_id_for

    lang = normalize_lang(lang)
    check = _check_name(check)
    catalogs.article(desk, article_id)
    unit_id = unit_id_for(desk, article_id, key)
    with desk.transaction():
        row = store.exception_text(desk, unit_id, lang, check)
        if row is None:
            raise Refused(_(
                    "no accepted {check!r} exception on {article_id}:{key} [{lang}]"
                ).format(check=check, article_id=article_id, key=key, lang=lang))
        store.drop_exception(desk, unit_id, lang, check)
        _history(desk, unit_id, lang, now(), revoked_by, "revoke-check", row[0], row[1], check)


def list_exceptions(desk: Any, articles: list[str] | None = None) -> list[dict[str, Any]]:
    """Accepted exceptions: article, key, lang, check, note, accepted_by, at, and whether
    the translation is still the one accepted (`current`)."""
    for article_id in articles or ():
        catalogs.article(desk, article_id)
    keys = ("article", "key", "lang", "check", "note", "accepted_by", "at", "current")
    rows = [dict(zip(keys, row, strict=True)) for row in store.exceptions(desk, articles)]
    for row in rows:
        row["current"] = bool(row["current"])
    return rows


def _check_name(name: str) -> str:
    if name.strip().lower() not in CHECKS:
        raise BadInput(_(
                "unknown check {name!r}; known checks: {check_names}"
            ).format(name=name, check_names=', '.join(CHECK_NAMES)))
    return name.strip().lower()


def _history(desk: Any, unit_id: int, lang: str, ts: str, who: str, action: str, text: str,
             status: str, note: str) -> None:
    """An accept/revoke row: the text and status it concerns, unchanged."""
    from transdesk.store import record_history

    record_history(desk, unit_id, lang, action, who, ts, origin="human", old_text=text,
                   new_text=text, old_status=status, new_status=status, note=note)
