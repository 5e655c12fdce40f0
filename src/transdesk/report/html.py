"""The report as one self-contained HTML page for editors: charts as inline SVG, the
figures in tables beside them, no script and nothing fetched when it is opened; the
layout is one column on a phone."""

from __future__ import annotations

from html import escape
from typing import Any

from transdesk.i18n import _, interface_language, ngettext
from transdesk.report.data import AGE_BUCKETS
from transdesk.report.text import GROUP_LABELS, duration, fmt, heading

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 0 auto; padding: 12px; max-width: 1100px; color: #222; }
h1 { font-size: 1.3em; margin: .2em 0; } h2 { font-size: 1.1em; margin-top: 1.4em; }
.meta { color: #555; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px;
        align-items: start; }
.grid > * { min-width: 0; }
figure.chart { margin: 0; } figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .9em; color: #555; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .9em; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.late td { color: #b00020; font-weight: 600; }
.empty { font-size: 1.1em; padding: 1em; background: #f4f4f4; }
@media (max-width: 700px) { .grid { grid-template-columns: minmax(0, 1fr); }
  body { padding: 8px; } }
"""


def _table(header: list[str], rows: list[list[Any]], css: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        f"<tr{f' class={chr(34)}{css}{chr(34)}' if css else ''}>"
        + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>'


def _section(key: str, title: str, chart: str, caption: str, tables: str) -> str:
    return (f'<section id="{key}"><h2>{escape(title)}</h2><div class="grid">'
            f'<figure class="chart" id="chart-{key}">{chart}'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
            f"<div>{tables}</div></div></section>")


def _effort_rows(rows: list[dict[str, Any]], by: str) -> list[list[Any]]:
    return [[r[by], r["count"], r["measured"], fmt(r["chrf"], 2), fmt(r["ter"], 2),
             fmt(r["edit_ratio"], 4), duration(r["median_seconds"])] for r in rows]


def _effort_header(by: str) -> list[str]:
    return [_(GROUP_LABELS[by]), _("count"), _("measured"), "chrF", "TER", _("edit ratio"),
            _("median time")]


def render_html(data: dict[str, Any]) -> str:
    title = heading(data)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{interface_language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(_('transdesk report'))}</h1><p class=\"meta\">{escape(title)}</p>",
    ]
    if data["empty"]:
        parts.append(f'<p class="empty" id="empty">{escape(_(data["message"]))}</p>')
        return "\n".join([*parts, "</body></html>"]) + "\n"
    from transdesk.report import charts

    progress = data["progress"]
    parts.append(_section(
        "progress", _("Progress per language"), charts.progress_chart(progress),
        _("Units done at the end of each day, per language."),
        _table([_("lang"), _("done"), _("units"), _("percent"), _("left")],
               [[r["lang"], r["done"], r["units"], f"{r['percent']:.1f}%", r["left"]]
                for r in progress["languages"]])
        + _table([_("day"), _("lang"), "+", "-", "="],
                 [[r["day"], r["lang"], r["done"], r["undone"], r["cumulative"]]
                  for r in progress["daily"]])))
    people = data["translators"]
    parts.append(_section(
        "translators", _("Units per hour per translator"), charts.translators_chart(people),
        _("Units translated or reviewed per active hour (clock hours with work done)."),
        _table([_("translator"), _("translated"), _("reviewed"), _("active hours"),
                _("units/hour"), _("median time")],
               [[r["translator"], r["translated"], r["reviewed"], r["active_hours"],
                 fmt(r["units_per_hour"]), duration(r["median_seconds"])] for r in people])))
    effort = data["postedit"]
    parts.append(_section(
        "effort", _("Post-edit effort per draft origin"),
        charts.effort_chart(effort["by_origin"]),
        _("chrF of each draft against what was submitted (100: kept as it was), with the"
          " number of post-edits; median time from claim to submit."),
        _table(_effort_header("origin"), _effort_rows(effort["by_origin"], "origin"))
        + f"<h3>{escape(_('per language pair'))}</h3>"
        + _table(_effort_header("pair"), _effort_rows(effort["by_pair"], "pair"))
        + f"<h3>{escape(_('per translator'))}</h3>"
        + _table(_effort_header("translator"),
                 _effort_rows(effort["by_translator"], "translator"))))
    queue = data["queue"]
    labels = [label for label, _ in AGE_BUCKETS]
    pace = ", ".join(f"{k} {fmt(v)}" for k, v in queue["pace"].items()) or _("none")
    late = len(queue["late"])
    parts.append(_section(
        "queue", _("Age of the queue, and what is late"), charts.queue_chart(queue["ages"]),
        _("Waiting units by how long they have waited. Recent pace (units/hour): {pace}."
          ).format(pace=pace),
        _table([_("lang"), _("waiting"), *labels, _("oldest (h)")],
               [[r["lang"], r["waiting"], *(r["buckets"][k] for k in labels),
                 fmt(r["oldest_hours"])] for r in queue["ages"]])
        + '<h3 id="late-count">' + escape(ngettext(
            "Late: {n} language past the deadline", "Late: {n} languages past the deadline",
            late).format(n=late)) + "</h3>"
        + _table([_("article"), _("lang"), _("priority"), _("due"), _("late by"), _("left")],
                 [[r["article"], r["lang"], r["priority"], r["due_local"], r["late"],
                   r["left"]] for r in queue["late"]], css="late")))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
