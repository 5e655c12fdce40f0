"""The report as plain text: every figure of the JSON, as tables."""

from __future__ import annotations

from typing import Any

from transdesk.i18n import N_, _, ngettext
from transdesk.report.data import AGE_BUCKETS


def fmt(value: Any, digits: int = 1) -> str:
    """A figure as the text shows it: `-` for none, numbers as in the JSON."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


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
    since = (_("since {time}").format(time=data["since_local"]) if data["since"]
             else _("all history"))
    lang = (_("language {lang}").format(lang=data["lang"]) if data["lang"]
            else _("all languages"))
    return (_("transdesk report") + f" · {data['generated_local']} ({data['time_zone']})"
            f" · {since} · {lang}")


#: the first column of a post-edit table, as a person reads it
GROUP_LABELS = {"origin": N_("origin"), "pair": N_("pair"), "translator": N_("translator")}


def postedit_table(rows: list[dict[str, Any]], by: str) -> list[str]:
    body = []
    for r in rows:
        q = r["chrf_quartiles"]
        body.append([r[by], r["count"], r["measured"], fmt(r["chrf"], 2), fmt(r["ter"], 2),
                     fmt(r["edit_ratio"], 4), r["timed"], duration(r["median_seconds"]),
                     " ".join(fmt(q[k], 1) for k in ("min", "q1", "median", "q3", "max"))
                     if q else "-"])
    return table([_(GROUP_LABELS[by]), _("count"), _("measured"), "chrF", "TER",
                  _("edit ratio"), _("timed"), _("median time"),
                  _("chrF min q1 median q3 max")], body)


def render_text(data: dict[str, Any]) -> str:
    lines = [heading(data), ""]
    if data["empty"]:
        return "\n".join([*lines, _(data["message"])]) + "\n"
    progress = data["progress"]
    lines.append(_("Progress per language"))
    lines += table([_("lang"), _("done"), _("units"), _("percent"), _("left")],
                   [[r["lang"], r["done"], r["units"], f"{r['percent']:.1f}%", r["left"]]
                    for r in progress["languages"]])
    lines += ["", "  " + _("Done per day (+ became done, - no longer done, = done at the"
                           " day's end)")]
    lines += table([_("day"), _("lang"), "+", "-", "="],
                   [[r["day"], r["lang"], r["done"], r["undone"], r["cumulative"]]
                    for r in progress["daily"]], "    ") if progress["daily"] else [
        "    " + _("no units done in this period")]
    lines += ["", _("Units per hour per translator (active hours: clock hours with work"
                    " done)")]
    lines += table([_("translator"), _("translated"), _("reviewed"), _("active hours"),
                    _("units/hour"), _("median time")],
                   [[r["translator"], r["translated"], r["reviewed"], r["active_hours"],
                     fmt(r["units_per_hour"]), duration(r["median_seconds"])]
                    for r in data["translators"]]) if data["translators"] else [
        "  " + _("nobody translated anything in this period")]
    lines += ["", _("Post-edit effort per draft origin (chrF 100 / TER 0: draft kept as it"
                    " was; time: claim to submit)")]
    effort = data["postedit"]
    if effort["sample_every"] > 1:
        lines.append("  " + _("medians and quartiles from one post-edit in {n} (counts and"
                              " means from all)").format(n=effort["sample_every"]))
    if effort["by_origin"]:
        lines += postedit_table(effort["by_origin"], "origin")
        lines += ["", "  " + _("per language pair")]
        lines += postedit_table(effort["by_pair"], "pair")
        lines += ["", "  " + _("per translator")]
        lines += postedit_table(effort["by_translator"], "translator")
    else:
        lines.append("  " + _("no drafts were post-edited in this period"))
    queue = data["queue"]
    lines += ["", _("Queue: how long waiting units have waited")]
    labels = [label for label, _ in AGE_BUCKETS]
    lines += table([_("lang"), _("waiting"), *labels, _("oldest (h)")],
                   [[r["lang"], r["waiting"], *(r["buckets"][k] for k in labels),
                     fmt(r["oldest_hours"])] for r in queue["ages"]]) if queue["ages"] else [
        "  " + _("nothing is waiting")]
    pace = ", ".join(f"{k} {fmt(v)}" for k, v in queue["pace"].items()) or _("none")
    lines.append("  " + _("recent pace (units/hour): {pace}").format(pace=pace))
    late = len(queue["late"])
    lines += ["", ngettext("Late: {n} language past the deadline",
                           "Late: {n} languages past the deadline", late).format(n=late)]
    lines += table([_("article"), _("lang"), _("priority"), _("due"), _("late by"), _("left")],
                   [[r["article"], r["lang"], r["priority"], r["due_local"], r["late"],
                     r["left"]] for r in queue["late"]]) if queue["late"] else []
    return "\n".join(lines) + "\n"
