"""Newsroom time: priorities, deadlines in the desk's time zone, and estimated finishes.

Times are stored in UTC in the format of `db.now()` and shown in the desk's time zone:
`TRANSDESK_TZ` (an IANA name such as `Europe/Kyiv`, read with zoneinfo) or, without
it, the system's. A deadline belongs to an article and a target language (`schedule`
table) and is copied with the priority onto that language's translation rows, which is
what `next` orders by (see `workflow`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from transdesk.errors import BadInput
from transdesk.i18n import _

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable

    from sqlite_utils import Database

PRIORITIES = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
PRIORITY_NAMES = {rank: name for name, rank in PRIORITIES.items()}
DEFAULT_PRIORITY = PRIORITIES["normal"]
# translations.due of a language without a deadline: sorts after every real time
NO_DUE = "9999-12-31T23:59:59.999999Z"
STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
PACE_HOURS = 4.0  # the desk's pace is measured over this many recent hours
TIME_HELP = "18:30, +45m, +2h, tomorrow 09:00, or ISO 8601 (desk time zone: TRANSDESK_TZ)"

_CLOCK = re.compile(r"(?:(today|tomorrow)\s+)?(\d{1,2}):(\d{2})", re.IGNORECASE)
_OFFSET = re.compile(r"\+\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?",
                     re.IGNORECASE)


# --- time zone and formats --------------------------------------------------------------


def desk_tz() -> tzinfo | None:
    """The desk's time zone from TRANSDESK_TZ; None means the system's own rules."""
    name = os.environ.get("TRANSDESK_TZ", "").strip()
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(_(
            "unknown time zone TRANSDESK_TZ={name!r} (use a name such as Europe/Kyiv)"
        ).format(name=name)) from None


def _localize(naive: datetime, tz: tzinfo | None) -> datetime:
    """A wall-clock time of the desk as an aware datetime."""
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def to_local(moment: datetime, tz: tzinfo | None = None) -> datetime:
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def stamp(moment: datetime) -> str:
    """An aware datetime in the stored format (UTC)."""
    return moment.astimezone(UTC).strftime(STAMP)


def parse_stamp(value: str) -> datetime:
    """A stored UTC timestamp back to an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def show(value: str | None, tz: tzinfo | None = None) -> str:
    """A stored timestamp in the desk's local time: `2026-11-26 18:30`."""
    if value is None or value == NO_DUE:
        return "-"
    return to_local(parse_stamp(value), tz or desk_tz()).strftime("%Y-%m-%d %H:%M")


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- parsing ----------------------------------------------------------------------------


def parse_time(text: str, now: datetime | None = None) -> str:
    """A deadline as stored (UTC): `18:30` (today, or tomorrow once that has passed),
    `+45m`, `+2h`, `+1d2h`, `today 18:30`, `tomorrow 09:00`, or ISO 8601 (a naive one is
    desk time; one in the past is accepted: overdue at once). BadInput otherwise."""
    tz = desk_tz()
    now = now or utcnow()
    value = text.strip()
    offset = _OFFSET.fullmatch(value)
    if offset and any(offset.groups()):
        days, hours, minutes = (int(g or 0) for g in offset.groups())
        return stamp(now + timedelta(days=days, hours=hours, minutes=minutes))
    clock = _CLOCK.fullmatch(value)
    if clock:
        word, hour, minute = clock[1], int(clock[2]), int(clock[3])
        if hour > 23 or minute > 59:
            raise BadInput(_("bad time {text!r}: no such time of day").format(text=text))
        today = to_local(now, tz).date()
        if word and word.lower() == "tomorrow":
            today += timedelta(days=1)
        moment = _localize(datetime.combine(today, time(hour, minute)), tz)
        if word is None and moment <= now:
            moment = _localize(datetime.combine(today + timedelta(days=1), time(hour, minute)),
                               tz)
        return stamp(moment)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(_("bad time {text!r}: use {forms}").format(
            text=text, forms=TIME_HELP)) from None
    if moment.tzinfo is None:
        moment = _localize(moment, tz)
    return stamp(moment)


def parse_since(text: str, now: datetime | None = None) -> str:
    """`--since`: a date or ISO time in desk time (or `-3d`, `-12h`), not in the future."""
    tz = desk_tz()
    now = now or utcnow()
    value = text.strip()
    back = re.fullmatch(r"-\s*(\d+)\s*([dhm])", value, re.IGNORECASE)
    if back:
        unit = {"d": "days", "h": "hours", "m": "minutes"}[back[2].lower()]
        return stamp(now - timedelta(**{unit: int(back[1])}))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value), time())
        except ValueError:
            raise BadInput(_(
                "bad --since {text!r}: use a date (2026-11-20), an ISO time, or -7d / -12h"
            ).format(text=text)) from None
    if moment.tzinfo is None:
        moment = _localize(moment, tz)
    if moment > now:
        raise BadInput(_("--since {text!r} is in the future").format(text=text))
    return stamp(moment)


def parse_priority(name: str) -> int:
    rank = PRIORITIES.get(name.strip().lower())
    if rank is None:
        raise BadInput(_("unknown priority {name!r}; use one of: {names}").format(
            name=name, names=", ".join(PRIORITIES)))
    return rank


# --- planning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What `import --priority/--due` and `plan` change; None leaves a value as it is.
    `clear_due` removes the deadline. `langs`: only these targets (default all)."""

    priority: int | None = None
    due: str | None = None
    clear_due: bool = False
    langs: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.priority is None and self.due is None and not self.clear_due


def after_import(
    conn: sqlite3.Connection, article_id: str, targets: list[str], plan: Plan | None
) -> None:
    """Inside the import's transaction: apply `plan`, and give rows the import just
    added (new sentences of an updated article) their language's priority and due."""
    if plan is not None and not plan.empty:
        apply_plan(conn, article_id, targets, plan)
    for lang, priority, due in conn.execute(
        "SELECT lang, priority, due FROM schedule WHERE article_id = ?", [article_id]
    ).fetchall():
        conn.execute(
            "UPDATE translations SET priority = ?, due = ? WHERE article_id = ? AND lang = ?"
            " AND (priority != ? OR due != ?)",
            [priority, due or NO_DUE, article_id, lang, priority, due or NO_DUE],
        )


def apply_plan(
    conn: sqlite3.Connection, article_id: str, targets: list[str], plan: Plan
) -> list[str]:
    """Set priority/deadline of an article's languages (inside the caller's transaction);
    returns the languages changed."""
    from transdesk.db import now

    langs = list(plan.langs) or targets
    for lang in langs:
        if lang not in targets:
            raise BadInput(_(
                "{lang} is not a target language of {article_id!r} (targets: {targets})"
            ).format(lang=lang, article_id=article_id, targets=", ".join(targets)))
    ts = now()
    for lang in langs:
        row = conn.execute("SELECT priority, due FROM schedule WHERE article_id = ? AND lang = ?",
                           [article_id, lang]).fetchone()
        priority, due = row if row else (DEFAULT_PRIORITY, None)
        if plan.priority is not None:
            priority = plan.priority
        if plan.clear_due:
            due = None
        elif plan.due is not None:
            due = plan.due
        conn.execute(
            "INSERT OR REPLACE INTO schedule (article_id, lang, priority, due, updated_at)"
            " VALUES (?,?,?,?,?)",
            [article_id, lang, priority, due, ts],
        )
        conn.execute(
            "UPDATE translations SET priority = ?, due = ? WHERE article_id = ? AND lang = ?",
            [priority, due or NO_DUE, article_id, lang],
        )
    return langs


def plan_articles(db: Database, articles: list[str], plan: Plan) -> list[dict[str, Any]]:
    """`transdesk plan`: change every named article in one transaction."""
    from transdesk import store
    from transdesk.db import write_transaction

    if plan.empty:
        raise BadInput(_("nothing to change: give --priority and/or --due"))
    found = [store.get_article(db, article_id) for article_id in articles]
    with write_transaction(db) as conn:
        for article in found:
            apply_plan(conn, article["id"], article["targets"], plan)
    return [row for row in desk_times(db, articles) if not plan.langs or row["lang"] in plan.langs]


# --- deadlines, units left, estimated finish --------------------------------------------


def pace(db: Database, now: datetime | None = None) -> dict[str, float]:
    """Units per hour per language over the last PACE_HOURS hours: units that became
    translated or approved, divided by the hours since the first of them (at least one)."""
    now = now or utcnow()
    since = stamp(now - timedelta(hours=PACE_HOURS))
    result = {}
    for lang, count, first in db.execute(
        "SELECT lang, COUNT(*), MIN(at) FROM history WHERE at >= ?"
        " AND new_status IN ('translated', 'approved')"
        " AND (old_status IS NULL OR old_status NOT IN ('translated', 'approved'))"
        " GROUP BY lang",
        [since],
    ):
        hours = max(1.0, (now - parse_stamp(first)).total_seconds() / 3600)
        result[lang] = count / hours
    return result


WAITING = "obsolete = 0 AND status IN ('untranslated', 'draft')"


def units_left(db: Database, articles: Iterable[str]) -> dict[tuple[str, str], int]:
    """Untranslated and draft units per (article, language) of a few articles."""
    left: dict[tuple[str, str], int] = {}
    for article_id in articles:
        for target, count in db.execute(
            f"SELECT lang, COUNT(*) FROM translations WHERE article_id = ? AND {WAITING}"
            " GROUP BY lang",
            [article_id],
        ):
            left[(article_id, target)] = count
    return left


def _scheduled_waiting(db: Database, lang: str) -> dict[str, tuple[int, str, int]]:
    """Per article, the waiting units of `lang` that carry a schedule (a priority other
    than normal, or a deadline): three ranges of the work index, never the unscheduled
    block (normal, no deadline) between them. Returns {article: (priority, due, left)}."""
    found: dict[str, tuple[int, str, int]] = {}
    for condition, params in (("priority < ?", [DEFAULT_PRIORITY]),
                              ("priority = ? AND due < ?", [DEFAULT_PRIORITY, NO_DUE]),
                              ("priority > ?", [DEFAULT_PRIORITY])):
        for priority, due, article_id, count in db.execute(
            "SELECT priority, due, article_id, COUNT(*) FROM translations"
            f" INDEXED BY translations_work WHERE lang = ? AND {condition} AND {WAITING}"
            " GROUP BY priority, due, article_id",
            [lang, *params],
        ):
            found[article_id] = (priority, due, count)
    return found


def desk_times(
    db: Database,
    articles: Iterable[str] | None = None,
    lang: str | None = None,
    now: datetime | None = None,
    left: dict[tuple[str, str], int] | None = None,
) -> list[dict[str, Any]]:
    """Per article and target language: priority, deadline, units left (untranslated or
    draft), overdue, and the estimated finish.

    The desk works in `next`'s order, so an estimate counts, at the language's recent
    pace, the article's own units left plus those of every article scheduled ahead of
    it (overdue, more urgent, or due earlier); articles without a schedule that merely
    come earlier in article order are not counted. `left` gives the units left when the
    caller has counted them (`status`), else they are counted for `articles`.
    """
    now = now or utcnow()
    ts = stamp(now)
    wanted = list(articles) if articles is not None else None
    if wanted is None:
        article_rows = db.execute("SELECT id, targets FROM articles ORDER BY id").fetchall()
    else:
        article_rows = sorted(
            row for article_id in set(wanted)
            for row in db.execute("SELECT id, targets FROM articles WHERE id = ?", [article_id])
        )
    if left is None:
        left = units_left(db, [row[0] for row in article_rows])
    planned = {
        (a, lg): (p, d)
        for a, lg, p, d in db.execute("SELECT article_id, lang, priority, due FROM schedule")
    }
    speed = pace(db, now)

    def key(priority: int, due: str | None, article_id: str) -> tuple[bool, int, str, str]:
        return (not (due is not None and due < ts), priority, due or NO_DUE, article_id)

    ahead: dict[str, list[tuple[tuple[bool, int, str, str], int]]] = {}
    rows = []
    for article_id, targets in article_rows:
        for target in targets.split(","):
            if lang and target != lang:
                continue
            priority, due = planned.get((article_id, target), (DEFAULT_PRIORITY, None))
            n = left.get((article_id, target), 0)
            row = {"article": article_id, "lang": target,
                   "priority": PRIORITY_NAMES[priority], "due": due, "left": n,
                   "overdue": due is not None and due < ts and n > 0, "eta": None}
            rows.append(row)
            rate = speed.get(target, 0.0)
            if n == 0 or rate <= 0:
                continue
            if target not in ahead:
                ahead[target] = sorted(
                    (key(p, None if d == NO_DUE else d, a), count)
                    for a, (p, d, count) in _scheduled_waiting(db, target).items()
                )
            mine = key(priority, due, article_id)
            before = sum(count for other, count in ahead[target] if other < mine)
            row["eta"] = stamp(now + timedelta(hours=(before + n) / rate))
    return rows


def overdue(
    db: Database, articles: Iterable[str] | None = None, langs: Iterable[str] | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Languages past their deadline with units left (what `check --due` reports): only
    the articles with a deadline that has passed are counted."""
    ts = stamp(now or utcnow())
    wanted_langs = set(langs or ())
    wanted = set(articles) if articles is not None else None
    late = sorted({
        article_id for article_id, target in db.execute(
            "SELECT article_id, lang FROM schedule WHERE due < ?", [ts])
        if (wanted is None or article_id in wanted)
        and (not wanted_langs or target in wanted_langs)
    })
    return [
        row for row in desk_times(db, late, None, now)
        if row["overdue"] and (not wanted_langs or row["lang"] in wanted_langs)
    ]


def lateness(due: str, now: datetime | None = None) -> str:
    """`2h 05m` past the deadline (or `12m`)."""
    seconds = max(0, int(((now or utcnow()) - parse_stamp(due)).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, minutes = divmod(rest // 60, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
