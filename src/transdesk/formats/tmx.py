"""The TMX view of an article in one language: its translated units (tmx.py writes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transdesk.tmx import TranslationUnit, tmx_date, write_tmx

if TYPE_CHECKING:
    from transdesk.view import ArticleView


def view_tmx(view: ArticleView) -> bytes:
    """One `tu` per translated or approved unit of the article (drafts are not memory)."""
    units = [
        TranslationUnit(
            {view.source_lang: u.source, view.lang: u.target or ""},
            tuid=f"{view.article_id}:{u.key}",
            changedate=tmx_date(u.updated_at),
            changeid=u.translator,
            props=(("x-status", u.status), ("x-origin", u.origin or "")),
        )
        for u in view.units
        if u.done and u.target is not None
    ]
    return write_tmx(units, view.source_lang)
