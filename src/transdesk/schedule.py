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
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.storage import schedule as storage
from transdesk.storage.schedule import DEFAULT_PRIORITY, NO_DUE

if TYPE_CHECKING:
    from collections.abc import Iterable

PRIORITIES = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
PRIORITY_NAMES = {rank: name for name, rank in PRIORITIES.items()}
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


_SYSTEM = object()  # `show` without a zone: the desk's (TRANSDESK_TZ, else the system's)


def show(value: str | None, tz: tzinfo | object | None = _SYSTEM) -> str:
    """A stored timestamp in the desk's local time: `2026-11-26 18:30`. `tz`: the zone
    (`desk_tz()`, None for the system's), when the caller shows many."""
    if value is None or value == NO_DUE:
        return "-"
    zone = desk_tz() if tz is _SYSTEM else tz
    return to_local(parse_stamp(value), zone).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


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


def after_import(db: Any, article_id: str, targets: list[str], plan: Plan | None,
                 who: str | None = None) -> None:
    """Inside the import's transaction (`db`: the desk, or the SQLite connection the
    import writes with): apply `plan`, and give rows the import just added (new
    sentences of an updated article) their language's priority and due."""
    if plan is not None and not plan.empty:
        apply_plan(db, article_id, targets, plan, who)
    storage.spread_plan(db, article_id)


def _described(priority: int, due: str | None) -> str:
    """A schedule as the history keeps it: `priority urgent, due 2026-11-26T15:00:00Z`."""
    return f"priority {PRIORITY_NAMES[priority]}, due {due[:19] + 'Z' if due else '-'}"


def apply_plan(db: Any, article_id: str, targets: list[str], plan: Plan,
               who: str | None = None) -> list[str]:
    """Set priority/deadline of an article's languages (inside the caller's transaction)
    with a history row for each language whose schedule changed; returns the languages
    asked for."""
    from transdesk.db import now

    langs = list(plan.langs) or targets
    for lang in langs:
        if lang not in targets:
            raise BadInput(_(
                "{lang} is not a target language of {article_id!r} (targets: {targets})"
            ).format(lang=lang, article_id=article_id, targets=", ".join(targets)))
    ts = now()
    for lang in langs:
        old = storage.planned_for(db, article_id, lang) or (DEFAULT_PRIORITY, None)
        priority, due = old
        if plan.priority is not None:
            priority = plan.priority
        if plan.clear_due:
            due = None
        elif plan.due is not None:
            due = plan.due
        storage.save_plan(db, article_id, lang, priority, due, ts)
        if (priority, due) != old:
            storage.record_plan(db, article_id, lang, who, ts, _described(*old),
                                _described(priority, due))
    return langs


def plan_articles(desk: Any, articles: list[str], plan: Plan, who: str | None = None
                  ) -> list[dict[str, Any]]:
    """`transdesk plan`: change every named article in one transaction (`desk`: either
    engine), with a history row per language changed."""
    if plan.empty:
        raise BadInput(_("nothing to change: give --priority and/or --due"))
    found = dict(storage.article_targets(desk, articles))
    for article_id in articles:
        if article_id not in found:
            raise BadInput(_(
                "unknown article {article_id!r} (see 'transdesk articles')"
            ).format(article_id=article_id))
    with desk.transaction():
        for article_id in dict.fromkeys(articles):
            apply_plan(desk, article_id, found[article_id].split(","), plan, who)
    return [row for row in desk_times(desk, articles)
            if not plan.langs or row["lang"] in plan.langs]


# --- deadlines, units left, estimated finish --------------------------------------------


def pace(db: Any, now: datetime | None = None) -> dict[str, float]:
    """Units per hour per language over the last PACE_HOURS hours: units that became
    translated or approved, divided by the hours since the first of them (at least one)."""
    now = now or utcnow()
    result = {}
    for lang, count, first in storage.recent_done(db, stamp(now - timedelta(hours=PACE_HOURS))):
        hours = max(1.0, (now - parse_stamp(first)).total_seconds() / 3600)
        result[lang] = count / hours
    return result


def units_left(db: Any, articles: Iterable[str] | None = None
               ) -> dict[tuple[str, str], int]:
    """Untranslated and draft units per (article, language): of the named articles, or
    of the whole desk (None), in one grouped query."""
    return storage.units_left(db, articles)


class _Queue:
    """The scheduled waiting units of one language in `next`'s order, with running
    totals: how many come before a given place is a binary search."""

    def __init__(self, db: Any, lang: str, ts: str) -> None:
        entries = sorted(
            (_order(priority, None if due == NO_DUE else due, article_id, ts), count)
            for priority, due, article_id, count in storage.scheduled_waiting(db, lang))
        self.keys = [key for key, _count in entries]
        self.before = [0]
        for _key, count in entries:
            self.before.append(self.before[-1] + count)

    def ahead_of(self, key: tuple[bool, int, str, str]) -> int:
        return self.before[bisect_left(self.keys, key)]


def _order(priority: int, due: str | None, article_id: str, ts: str
           ) -> tuple[bool, int, str, str]:
    """An article-language's place in `next`'s order: overdue, priority, due, article."""
    return (not (due is not None and due < ts), priority, due or NO_DUE, article_id)


def desk_times(
    db: Any,
    articles: Iterable[str] | None = None,
    lang: str | None = None,
    now: datetime | None = None,
    left: dict[tuple[str, str], int] | None = None,
) -> list[dict[str, Any]]:
    """Per article and target language: priority, deadline, units left (untranslated or
    draft), overdue, and the estimated finish. `db`: a desk of either engine (or a
    SQLite database).

    The desk works in `next`'s order, so an estimate counts, at the language's recent
    pace, the article's own units left plus those of every article scheduled ahead of
    it (overdue, more urgent, or due earlier); articles without a schedule that merely
    come earlier in article order are not counted. `left` gives the units left when the
    caller has counted them (`status`), else they are counted in one query. A handful
    of queries whatever the number of articles.
    """
    now = now or utcnow()
    ts = stamp(now)
    wanted = list(articles) if articles is not None else None
    article_rows = storage.article_targets(db, wanted)
    if left is None:
        left = storage.units_left(db, wanted, lang)
    plans = storage.planned(db)
    speed = pace(db, now)
    queues: dict[str, _Queue] = {}
    hours_per_unit = {target: 1.0 / rate for target, rate in speed.items() if rate > 0}
    normal = PRIORITY_NAMES[DEFAULT_PRIORITY]
    rows = []
    for article_id, targets in article_rows:
        for target in targets.split(","):
            if lang and target != lang:
                continue
            plan = plans.get((article_id, target))
            priority, due = plan if plan is not None else (DEFAULT_PRIORITY, None)
            n = left.get((article_id, target), 0)
            row = {"article": article_id, "lang": target,
                   "priority": PRIORITY_NAMES[priority] if plan else normal, "due": due,
                   "left": n, "overdue": due is not None and n > 0 and due < ts,
                   "eta": None}
            rows.append(row)
            per_unit = hours_per_unit.get(target)
            if n == 0 or per_unit is None:
                continue
            queue = queues.get(target)
            if queue is None:
                queue = queues[target] = _Queue(db, target, ts)
            before = queue.ahead_of(_order(priority, due, article_id, ts))
            row["eta"] = _eta(now, (before + n) * per_unit)
    return rows


def _eta(now: datetime, hours: float) -> str:
    return (now + timedelta(hours=hours)).strftime(STAMP)


def overdue(
    db: Any, articles: Iterable[str] | None = None, langs: Iterable[str] | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Languages past their deadline with units left (what `check --due` reports): only
    the articles with a deadline that has passed are counted."""
    ts = stamp(now or utcnow())
    wanted_langs = set(langs or ())
    wanted = set(articles) if articles is not None else None
    late = sorted({
        article_id for article_id, target in storage.past_due(db, ts)
        if (wanted is None or article_id in wanted)
        and (not wanted_langs or target in wanted_langs)
    })
    if not late:
        return []
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
