"""`transdesk report`: where the desk's time goes, as text, JSON or an HTML page.

`data.build` gathers every figure into one dict (the JSON); `text` and `html` render
that same dict, so the formats always carry the same figures. matplotlib is imported
by `charts` only, when an HTML page is rendered.
"""

from __future__ import annotations

from typing import Any

from transdesk.report.data import build


def render(data: dict[str, Any], fmt: str) -> str:
    """The report in `fmt`: text, json or html."""
    if fmt == "json":
        import json

        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from transdesk.report.html import render_html

        return render_html(data)
    from transdesk.report.text import render_text

    return render_text(data)


__all__ = ["build", "render"]
