"""The report as plain text: every figure of the JSON, as tables."""

from __future__ import annotations

from typing import Any

from transdesk.report.data import AGE_BUCKETS


def fmt(value: Any, digits: int = 1) -> str:
    """A figure as the text shows it: `-` for none, numbers as in the JSON."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def ordinal(n: int) -> str:
    """2nd, 3rd, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.1f}min"


def table(header: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append(indent + "  ".join(str(c).ljust(w) for c, w in
                                        zip(row, widths, strict=True)).rstrip())
    return lines


def heading(data: dict[str, Any]) -> str:
    since = f"since {data['since_local']}" if data["since"] else "all history"
    lang = f"language {data['lang']}" if data["lang"] else "all languages"
    return (f"transdesk report · {data['generated_local']} ({data['time_zone']})"
            f" · {since} · {lang}")


def postedit_table(rows: list[dict[str, Any]], by: str) -> list[str]:
    body = []
    for r in rows:
        q = r["chrf_quartiles"]
        body.append([r[by], r["count"], r["measured"], fmt(r["chrf"], 2), fmt(r["ter"], 2),
                     fmt(r["edit_ratio"], 4), r["timed"], duration(r["median_seconds"]),
                     " ".join(fmt(q[k], 1) for k in ("min", "q1", "median", "q3", "max"))
                     if q else "-"])
    return table([by, "count", "measured", "chrF", "TER", "edit ratio", "timed",
                  "median time", "chrF min q1 median q3 max"], body)


def render_text(data: dict[str, Any]) -> str:
    lines = [heading(data), ""]
    if data["empty"]:
        return "\n".join([*lines, data["message"]]) + "\n"
    progress = data["progress"]
    lines.append("Progress per language")
    lines += table(["lang", "done", "units", "percent", "left"],
                   [[r["lang"], r["done"], r["units"], f"{r['percent']:.1f}%", r["left"]]
                    for r in progress["languages"]])
    lines += ["", "  Done per day (+ became done, - no longer done, = done at the day's end)"]
    lines += table(["day", "lang", "+", "-", "="],
                   [[r["day"], r["lang"], r["done"], r["undone"], r["cumulative"]]
                    for r in progress["daily"]], "    ") if progress["daily"] else [
        "    no units done in this period"]
    lines += ["", "Units per hour per translator (active hours: clock hours with work done)"]
    lines += table(["translator", "translated", "reviewed", "active hours", "units/hour",
                    "median time"],
                   [[r["translator"], r["translated"], r["reviewed"], r["active_hours"],
                     fmt(r["units_per_hour"]), duration(r["median_seconds"])]
                    for r in data["translators"]]) if data["translators"] else [
        "  nobody translated anything in this period"]
    lines += ["", "Post-edit effort per draft origin (chrF 100 / TER 0: draft kept as it was;"
              " time: claim to submit)"]
    effort = data["postedit"]
    if effort["sample_every"] > 1:
        lines.append(f"  medians and quartiles from every {ordinal(effort['sample_every'])}"
                     " post-edit (counts and means from all)")
    if effort["by_origin"]:
        lines += postedit_table(effort["by_origin"], "origin")
        lines += ["", "  per language pair"]
        lines += postedit_table(effort["by_pair"], "pair")
        lines += ["", "  per translator"]
        lines += postedit_table(effort["by_translator"], "translator")
    else:
        lines.append("  no drafts were post-edited in this period")
    queue = data["queue"]
    lines += ["", "Queue: how long waiting units have waited"]
    labels = [label for label, _ in AGE_BUCKETS]
    lines += table(["lang", "waiting", *labels, "oldest (h)"],
                   [[r["lang"], r["waiting"], *(r["buckets"][k] for k in labels),
                     fmt(r["oldest_hours"])] for r in queue["ages"]]) if queue["ages"] else [
        "  nothing is waiting"]
    pace = ", ".join(f"{k} {fmt(v)}" for k, v in queue["pace"].items()) or "none"
    lines.append(f"  recent pace (units/hour): {pace}")
    lines += ["", f"Late: {len(queue['late'])} language(s) past the deadline"]
    lines += table(["article", "lang", "priority", "due", "late by", "left"],
                   [[r["article"], r["lang"], r["priority"], r["due_local"], r["late"],
                     r["left"]] for r in queue["late"]]) if queue["late"] else []
    return "\n".join(lines) + "\n"
