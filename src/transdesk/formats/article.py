"""The article format: the translation in exactly the source's layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transdesk.article import encode, render

if TYPE_CHECKING:
    from transdesk.view import ArticleView


def article_bytes(view: ArticleView) -> bytes:
    """The article in the source's layout (switcher, blank lines, final newline); units
    not done are filled with their draft, else the source (`ArticleView.filled`)."""
    texts, _drafts, _sources = view.filled()
    return encode(render(view.layout, texts), "utf-8", view.bom and view.encoding == "utf-8")
