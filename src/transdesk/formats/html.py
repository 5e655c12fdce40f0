"""The aligned review page: one self-contained HTML file (inline CSS, no scripts, no
external resources) with source and target side by side, unit by unit.

On a narrow screen (a phone) the two columns stack: source above target.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from transdesk.i18n import _, ngettext, status_label

if TYPE_CHECKING:
    from transdesk.view import ArticleView

LANG_NAMES = {"ru": "Русский", "uk": "Українська", "en": "English"}

CSS = """
:root { --untranslated: #d93025; --draft: #e8a200; --translated: #1a73e8;
  --approved: #188038; --line: #dadce0; --muted: #5f6368; }
* { box-sizing: border-box; }
body { margin: 0; padding: 12px; font: 16px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, sans-serif; color: #202124; background: #fff; }
header { margin-bottom: 12px; }
h1 { font-size: 1.25rem; margin: 0 0 4px; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: .9rem; }
.bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden;
  background: #f1f3f4; margin: 8px 0 4px; }
.bar span { display: block; height: 100%; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: .85rem;
  list-style: none; margin: 0; padding: 0; }
.legend li::before { content: ""; display: inline-block; width: .7em; height: .7em;
  border-radius: 2px; margin-right: 4px; background: var(--c); }
.units { display: grid; grid-template-columns: 7.5rem 1fr 1fr; gap: 0;
  border-top: 1px solid var(--line); }
.unit { display: contents; }
.unit > div { padding: 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere;
  white-space: pre-wrap; }
.unit .key { font: .8rem/1.4 ui-monospace, Menlo, Consolas, monospace; color: var(--muted);
  border-left: 5px solid var(--c); white-space: normal; overflow-wrap: normal; }
.unit .key .status { display: block; color: var(--c); font-weight: 600; }
.unit .target.empty { color: var(--muted); font-style: italic; }
.colhead { font-weight: 600; padding: 6px 8px; background: #f8f9fa;
  border-bottom: 1px solid var(--line); }
.s-untranslated { --c: var(--untranslated); }
.s-draft { --c: var(--draft); }
.s-translated { --c: var(--translated); }
.s-approved { --c: var(--approved); }
.s-draft .target { background: #fef7e0; }
.s-untranslated .target { background: #fce8e6; }
@media (max-width: 700px) {
  body { padding: 8px; }
  .units { grid-template-columns: 1fr; }
  .colhead { display: none; }
  .unit > div { border-bottom: 0; padding: 4px 8px; }
  .unit .key { border-top: 1px solid var(--line); padding-top: 8px; }
  .unit .source::before, .unit .target::before { content: attr(data-lang) " · ";
    color: var(--muted); font-size: .8rem; font-style: normal; }
  .unit .target { padding-bottom: 10px; border-left: 5px solid var(--c); }
  .unit .source { border-left: 5px solid var(--c); }
  .unit .key { border-left: 5px solid var(--c); }
  .unit .key .status { display: inline; margin-left: .6em; }
}
"""


def review_page(view: ArticleView) -> str:
    """The page as a string; every text from the database is HTML-escaped."""
    counts = view.counts()
    total = len(view.units) or 1
    src, tgt = view.source_lang, view.lang
    bar = "".join(
        f'<span class="s-{status}" style="width:{100.0 * n / total:.3f}%;background:var(--c)"'
        f' title="{escape(status_label(status))}: {n}"></span>'
        for status, n in counts.items()
        if n
    )
    legend = "".join(
        f'<li class="s-{status}">{escape(status_label(status))} {n}</li>'
        for status, n in counts.items()
    )
    rows = []
    for unit in view.units:
        target = unit.target
        target_html = escape(target) if target else escape(_("(untranslated)"))
        rows.append(
            f'<div class="unit s-{unit.status}" id="u-{escape(unit.key)}">'
            f'<div class="key">{escape(unit.key)}'
            f'<span class="status">{escape(status_label(unit.status))}</span></div>'
            f'<div class="source" lang="{src}" data-lang="{src}">{escape(unit.source)}</div>'
            f'<div class="target{"" if target else " empty"}" lang="{tgt}"'
            f' data-lang="{tgt}">{target_html}</div></div>'
        )
    title = escape(view.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{tgt}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(view.article_id)} · {src} → {tgt}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header>\n<h1 lang="{src}">{title}</h1>\n'
        f'<div class="meta">{escape(view.article_id)} · {LANG_NAMES[src]} → {LANG_NAMES[tgt]}'
        " · " + escape(_("{percent} complete")).format(
            percent=f'<strong id="percent">{view.percent:g}%</strong>')
        + " (" + escape(ngettext("{done} of {count} unit", "{done} of {count} units",
                                 len(view.units))).format(
            done=counts["translated"] + counts["approved"], count=len(view.units))
        + ")</div>\n"
        f'<div class="bar" role="img" aria-label="{escape(_("progress"))}">{bar}</div>\n'
        f'<ul class="legend">{legend}</ul>\n</header>\n'
        '<main class="units">\n'
        f'<div class="colhead">{escape(_("unit"))}</div>'
        f'<div class="colhead">{LANG_NAMES[src]}</div>'
        f'<div class="colhead">{LANG_NAMES[tgt]}</div>\n'
        + "\n".join(rows)
        + "\n</main>\n</body>\n</html>\n"
    )


def review_bytes(view: ArticleView) -> bytes:
    return review_page(view).encode("utf-8")
