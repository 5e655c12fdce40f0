"""The report's charts, drawn by matplotlib as inline SVG.

Text stays text (`svg.fonttype: none`), so the numbers on a chart are in the page's DOM
and scale with it; no pyplot (no global state, no GUI backend), one Figure per chart.
Imported only when an HTML report is rendered.
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from transdesk.i18n import _
from transdesk.report.data import AGE_BUCKETS

LANG_COLORS = {"ru": "#1f77b4", "uk": "#e6a700", "en": "#2ca02c"}
AGE_COLORS = ("#b7e1cd", "#7fc8a9", "#f6d55c", "#ed9b40", "#e4572e", "#a1202d")
STYLE: dict[str, Any] = {"svg.fonttype": "none", "font.size": 11, "axes.spines.top": False,
         "axes.spines.right": False, "font.family": "sans-serif"}


def _style(name: str) -> Any:
    return {**STYLE, "svg.hashsalt": name}


def _figure(rows: int = 1) -> Figure:
    return Figure(figsize=(5.2, max(2.6, 0.45 * rows + 1.4)), layout="constrained")


def _svg(fig: Figure, name: str) -> str:
    buffer = io.StringIO()
    with rc_context(_style(name)):
        FigureCanvasSVG(fig)
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML declaration or DOCTYPE inside HTML
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    # the page sizes it: drop the fixed size, keep the viewBox
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                  rf'<svg\1 role="img" aria-label="{escape(name)}"', svg, count=1)


def _draw(name: str, rows: int, paint: Any) -> str:
    with rc_context(_style(name)):
        fig = _figure(rows)
        paint(fig)
        return _svg(fig, name)


def progress_chart(progress: dict[str, Any]) -> str:
    """Units done per language at the end of each day (a line per language)."""

    def paint(fig: Figure) -> None:
        ax = fig.add_subplot()
        by_lang: dict[str, list[dict[str, Any]]] = {}
        for row in progress["daily"]:
            by_lang.setdefault(row["lang"], []).append(row)
        for lang, days in sorted(by_lang.items()):
            xs = [d["day"][5:] for d in days]
            ys = [d["cumulative"] for d in days]
            ax.plot(xs, ys, marker="o", color=LANG_COLORS.get(lang), label=lang)
            ax.annotate(str(ys[-1]), (xs[-1], ys[-1]), textcoords="offset points",
                        xytext=(4, 4), color=LANG_COLORS.get(lang))
        ax.set_ylabel(_("units done"))
        ax.set_ylim(bottom=0)
        if by_lang:
            ax.legend(loc="upper left", frameon=False)
        else:
            ax.text(0.5, 0.5, _("no units done in this period"), ha="center",
                    transform=ax.transAxes)
        ax.tick_params(axis="x", labelrotation=45)

    return _draw(_("progress per language"), 4, paint)


def translators_chart(translators: list[dict[str, Any]]) -> str:
    """Units per active hour, a bar per translator."""

    def paint(fig: Figure) -> None:
        ax = fig.add_subplot()
        names = [r["translator"] for r in translators][::-1]
        values = [r["units_per_hour"] for r in translators][::-1]
        bars = ax.barh(names, values, color="#4c72b0")
        ax.bar_label(bars, labels=[f"{v:.1f}" for v in values], padding=3)
        ax.set_xlabel(_("units per active hour"))
        ax.margins(x=0.15)

    return _draw(_("units per hour per translator"), len(translators), paint)


def effort_chart(by_origin: list[dict[str, Any]]) -> str:
    """chrF of the post-edits per draft origin (a box per origin, with its count), and
    the median time from claim to submit."""
    measured = [r for r in by_origin if r["chrf_quartiles"]]

    def paint(fig: Figure) -> None:
        left, right = fig.subplots(1, 2, width_ratios=(3, 2))
        stats = [{"label": f"{r['origin']}\nn={r['measured']}", "whislo": q["min"],
                  "q1": q["q1"], "med": q["median"], "q3": q["q3"], "whishi": q["max"],
                  "fliers": []}
                 for r in measured for q in [r["chrf_quartiles"]]]
        if stats:
            left.bxp(stats, orientation="horizontal", patch_artist=True,
                     boxprops={"facecolor": "#c6dbef"})
            left.invert_yaxis()
        left.set_xlabel(_("chrF (100 = draft kept)"))
        left.set_xlim(0, 105)
        timed = [r for r in by_origin if r["median_seconds"] is not None]
        names = [r["origin"] for r in timed]
        values = [r["median_seconds"] for r in timed]
        bars = right.barh(names, values, color="#dd8452")
        right.bar_label(bars, labels=[f"{v:.0f}s" for v in values], padding=3)
        right.invert_yaxis()
        right.set_xlabel(_("median seconds to submit"))
        right.margins(x=0.25)

    return _draw(_("post-edit effort per draft origin"), max(len(measured), len(by_origin)),
                 paint)


def queue_chart(ages: list[dict[str, Any]]) -> str:
    """Waiting units per language, stacked by how long they have waited."""

    def paint(fig: Figure) -> None:
        ax = fig.add_subplot()
        langs = [r["lang"] for r in ages]
        starts = [0] * len(ages)
        for (label, _bound), color in zip(AGE_BUCKETS, AGE_COLORS, strict=True):
            counts = [r["buckets"][label] for r in ages]
            ax.barh(langs, counts, left=starts, color=color, label=label)
            starts = [s + c for s, c in zip(starts, counts, strict=True)]
        for y, total in enumerate(starts):
            ax.annotate(str(total), (total, y), textcoords="offset points", xytext=(4, -4))
        ax.set_xlabel(_("units waiting"))
        ax.margins(x=0.15)
        ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)

    return _draw(_("age of the queue"), len(ages) + 2, paint)
