"""The JSON view of an article in one language (stable keys)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transdesk.view import ArticleView


def view_dict(view: ArticleView) -> dict[str, Any]:
    """The JSON shape of an article in one language (stable keys); `terms` lists the
    termbase's hits of each segment (see ArticleView.term_hits)."""
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
                "terms": view.term_hits(u),
            }
            for u in view.units
        ],
    }


def view_json(view: ArticleView) -> bytes:
    return (json.dumps(view_dict(view), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
