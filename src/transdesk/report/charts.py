"""The report's charts, drawn by matplotlib as inline SVG.

Text stays text (`svg.fonttype: none`), so the numbers on a chart are in the page's DOM
and scale with it; no pyplot (no global state, no GUI backend), one Figure per chart.
Imported only when an HTML report is rendered.

The axes are placed with margins computed from the longest label (`_place`) instead of
matplotlib's constrained layout, which measures every text of a figure several times
and cost more than the drawing itself (0.8 s of CPU for the four charts, against
0.35 s).
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


WIDTH = 5.2  # inches
CHAR = 0.085  # inches: a character of the 11 pt sans-serif text, on average
LINE = 0.2  # inches: a line of text


def _figure(rows: int = 1) -> Figure:
    return Figure(figsize=(WIDTH, max(2.6, 0.45 * rows + 1.4)))


def _place(fig: Figure, left: float, bottom: float, right: float = 0.25, top: float = 0.15,
           x0: float = 0.0, x1: float = 1.0) -> Any:
    """Axes in the part `x0`..`x1` of the figure's width, with margins in inches (room
    for tick labels and axis labels), never less than a tenth of the room."""
    width, height = fig.get_size_inches()
    span = (x1 - x0) * width
    left, right = min(left, span * 0.6), min(right, span * 0.3)
    return fig.add_axes((x0 + left / width, bottom / height,
                         max(0.1 * (x1 - x0), (span - left - right) / width),
                         max(0.1, (height - bottom - top) / height)))


def _longest(labels: Any) -> int:
    return max((max((len(line) for line in str(label).split("\n")), default=0)
                for label in labels), default=0)


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
        top = max((r["cumulative"] for r in progress["daily"]), default=0)
        ax = _place(fig, left=CHAR * len(f"{top:,}") + 0.45, bottom=0.65, right=0.5)
        by_lang: dict[str, list[dict[str, Any]]] = {}
        for row in progress["daily"]:
            by_lang.setdefault(row["lang"], []).append(row)
        # one time axis for every language: a day's place among all the days shown
        days = sorted({row["day"] for row in progress["daily"]})
        place = {day: i for i, day in enumerate(days)}
        for lang, rows in sorted(by_lang.items()):
            xs = [place[d["day"]] for d in rows]
            ys = [d["cumulative"] for d in rows]
            ax.plot(xs, ys, marker="o", color=LANG_COLORS.get(lang), label=lang)
            ax.annotate(str(ys[-1]), (xs[-1], ys[-1]), textcoords="offset points",
                        xytext=(4, 4), color=LANG_COLORS.get(lang))
        step = max(1, -(-len(days) // 10))  # at most ten dates under the axis
        ax.set_xticks(range(0, len(days), step), [d[5:] for d in days[::step]])
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
        names = [r["translator"] for r in translators][::-1]
        ax = _place(fig, left=CHAR * _longest(names) + 0.2, bottom=0.5)
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
        labels = [f"{r['origin']}\nn={r['measured']}" for r in measured]
        left = _place(fig, left=CHAR * _longest(labels) + 0.2, bottom=0.5, right=0.15,
                      x1=0.52)
        right = _place(fig, left=CHAR * _longest(r["origin"] for r in by_origin) + 0.2,
                       bottom=0.5, right=0.55, x0=0.52)
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
        ax = _place(fig, left=0.45, bottom=0.5, right=0.5, top=0.6)
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
