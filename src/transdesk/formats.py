"""Aligned views of an article for review and exchange: TSV and JSON.

Both take an `export.ArticleView` and return bytes; TMX lives in `tmx.py`, the HTML
review page in `html_report.py`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transdesk.export import ArticleView

TSV_HEADER = ("key", "source", "target", "status")


def aligned_tsv(view: ArticleView) -> bytes:
    """Key, source, target, status per unit, with a header row.

    Fields holding tabs, newlines or quotes are quoted the csv way, so any TSV reader
    that follows RFC 4180 quoting (csv, pandas, LibreOffice) reads the exact text back.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(TSV_HEADER)
    for unit in view.units:
        writer.writerow((unit.key, unit.source, unit.target or "", unit.status))
    return buffer.getvalue().encode("utf-8")


def view_dict(view: ArticleView) -> dict[str, Any]:
    """The JSON shape of an article in one language (stable keys); `terms` lists the
    termbase's hits of each segment (see desk_style.term_hits_json)."""
    from transdesk.desk_style import term_hits_json

    return {
        "article": view.article_id,
        "source_lang": view.source_lang,
        "lang": view.lang,
        "title": view.title,
        "percent": view.percent,
        "units": view.counts(),
        "complete": not view.missing,
        "segments": [
            {
                "key": u.key,
                "kind": u.kind,
                "source": u.source,
                "target": u.target,
                "status": u.status,
                "origin": u.origin,
                "translator": u.translator,
                "updated_at": u.updated_at,
                "terms": term_hits_json(u.source, u.target, view.source_lang, view.lang),
            }
            for u in view.units
        ],
    }


def view_json(view: ArticleView) -> bytes:
    return (json.dumps(view_dict(view), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
