"""Every figure of the report, gathered from the database into one JSON-ready dict.

Days are the desk's days (TRANSDESK_TZ, at its current UTC offset, by UTC hour). A unit is *done*
when translated or approved; *waiting* when untranslated or draft.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from transdesk import postedit, schedule
from transdesk.i18n import N_
from transdesk.storage import articles
from transdesk.storage import postedits as figures

DONE = "('translated', 'approved')"
# queue age buckets: (label, upper bound in hours)
AGE_BUCKETS = (("<1h", 1), ("1-4h", 4), ("4-24h", 24), ("1-3d", 72), ("3-7d", 168),
               (">7d", None))
# in the JSON as it is; the text and the page show it in the interface language
EMPTY_DESK = N_("the desk is empty: no articles yet, nothing to report (transdesk import FILE)")


def build(db: Any, since: str | None = None, lang: str | None = None) -> dict[str, Any]:
    """The report's figures (the JSON shape), from `since` (UTC) on, in `lang` or all."""
    now = schedule.utcnow()
    tz = schedule.desk_tz()
    local_now = schedule.to_local(now, tz)
    data: dict[str, Any] = {
        "generated_at": schedule.stamp(now),
        "generated_local": local_now.strftime("%Y-%m-%d %H:%M"),
        "time_zone": str(tz) if tz is not None else (local_now.tzname() or "local"),
        "since": since,
        "since_local": schedule.show(since, tz) if since else None,
        "lang": lang,
        "empty": articles.desk_empty(db),
    }
    if data["empty"]:
        data["message"] = EMPTY_DESK
        return data
    settled = schedule.stamp(now - timedelta(minutes=figures.SETTLED_MINUTES))
    postedit.fill(db, settled)
    figures.fold_hours(db, settled)
    offset = local_now.utcoffset() or timedelta(0)
    hourly = figures.hourly(db, since, lang)
    data["progress"] = _progress(db, lang, hourly, int(offset.total_seconds() // 60))
    data["postedit"] = postedit.summarize(db, since, lang)
    data["translators"] = _translators(hourly, data["postedit"]["by_translator"])
    data["queue"] = _queue(db, lang, now)
    return data


def _progress(db: Any, lang: str | None, hourly: list[tuple], offset_minutes: int
              ) -> dict[str, Any]:
    """Units done now per language, and per day the units that became done (or stopped
    being done: a changed source), with the running total at the end of each day."""
    totals: dict[str, dict[str, int]] = {}
    for target, status, count in figures.status_totals(db, lang):
        entry = totals.setdefault(target, {"units": 0, "done": 0})
        entry["units"] += count
        if status in ("translated", "approved"):
            entry["done"] += count
    languages = [
        {"lang": target, "units": t["units"], "done": t["done"],
         "left": t["units"] - t["done"],
         "percent": round(100.0 * t["done"] / t["units"], 1) if t["units"] else 100.0}
        for target, t in sorted(totals.items())
    ]
    shift = timedelta(minutes=offset_minutes)
    local_day: dict[str, str] = {}  # UTC hour -> the desk's day (a few hundred hours)
    days: dict[tuple[str, str], list[int]] = {}
    for hour, target, _who, into, out, _reviewed in hourly:
        if into or out:
            day = local_day.get(hour)
            if day is None:
                day = local_day[hour] = (datetime.strptime(hour, "%Y-%m-%dT%H")
                                         + shift).strftime("%Y-%m-%d")
            counts = days.setdefault((target, day), [0, 0])
            counts[0] += into
            counts[1] += out
    daily: dict[str, list[dict[str, Any]]] = {}
    for (target, day), (into, out) in sorted(days.items()):
        daily.setdefault(target, []).append({"day": day, "done": into, "undone": out})
    for target, entries in daily.items():
        running = totals.get(target, {"done": 0})["done"]
        for entry in reversed(entries):
            entry["cumulative"] = running
            running -= entry["done"] - entry["undone"]
    return {"languages": languages,
            "daily": [{"lang": target, **entry} for target in sorted(daily)
                      for entry in daily[target]]}


def _translators(hourly: list[tuple], by_translator: list[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
    """Per person: units translated (from untranslated or draft), units reviewed,
    active hours (clock hours with at least one of those), units per active hour, and
    the median time from claim to submit."""
    medians = {row["translator"]: row["median_seconds"] for row in by_translator}
    people: dict[str, dict[str, Any]] = {}
    for hour, _lang, who, into, _out, reviewed in hourly:
        if who is None or not (into or reviewed):
            continue
        entry = people.setdefault(who, {"translated": 0, "reviewed": 0, "hours": set()})
        entry["translated"] += into
        entry["reviewed"] += reviewed
        entry["hours"].add(hour)
    rows = []
    for who, entry in people.items():
        hours = len(entry["hours"])
        rows.append({"translator": who, "translated": entry["translated"],
                     "reviewed": entry["reviewed"], "active_hours": hours,
                     "units_per_hour": round((entry["translated"] + entry["reviewed"]) / hours,
                                             1),
                     "median_seconds": medians.get(who)})
    rows.sort(key=lambda r: (-r["units_per_hour"], r["translator"]))
    return rows


def _queue(db: Any, lang: str | None, now: Any) -> dict[str, Any]:
    """How long the waiting units have waited (since their row was created), per
    language, and the languages past their deadline."""
    bounds = [(label, None if hours is None else schedule.stamp(now - timedelta(hours=hours)))
              for label, hours in AGE_BUCKETS]
    ages: dict[str, dict[str, Any]] = {}
    for target, bucket, count, created in figures.waiting_ages(db, bounds, lang):
        entry = ages.setdefault(target, {"lang": target, "waiting": 0, "oldest_hours": 0.0,
                                         "buckets": {label: 0 for label, _ in AGE_BUCKETS}})
        entry["buckets"][bucket] = count
        entry["waiting"] += count
        oldest = (now - schedule.parse_stamp(created)).total_seconds() / 3600
        entry["oldest_hours"] = round(max(entry["oldest_hours"], oldest), 1)
    late = [
        {"article": row["article"], "lang": row["lang"], "priority": row["priority"],
         "due": row["due"], "due_local": schedule.show(row["due"]), "left": row["left"],
         "late": schedule.lateness(row["due"], now)}
        for row in schedule.overdue(db, None, [lang] if lang else None, now)
    ]
    late.sort(key=lambda r: (r["due"], r["article"], r["lang"]))
    pace = schedule.pace(db, now)
    return {"ages": [ages[k] for k in sorted(ages)], "late": late,
            "pace": {k: round(v, 1) for k, v in sorted(pace.items())
                     if lang is None or k == lang}}
