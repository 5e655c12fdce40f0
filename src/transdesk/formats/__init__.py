"""The export formats: a registry from a format's name to its file extension and its
writer. A writer takes a `view.ArticleView` and returns bytes; it imports `view`, never
`export`. Importing this package loads no writer: `--help` reads the names here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from transdesk.i18n import N_, _
from transdesk.registry import Registry

if TYPE_CHECKING:
    from transdesk.view import ArticleView


@dataclass(frozen=True)
class Format:
    name: str
    extension: str  # when written into a directory: <article>.<lang>.<extension>
    writer: str  # "module:function", imported on first use
    whole_article: bool = False  # refuses an incomplete language unless allowed
    terms: bool = False  # lists the termbase's hits (export activates the database's first)
    help: str = ""  # marked with N_, translated where shown

    def write(self, view: ArticleView) -> bytes:
        module, _colon, function = self.writer.partition(":")
        fn: Callable[[ArticleView], bytes] = getattr(importlib.import_module(module), function)
        return fn(view)


def describe() -> str:
    """`article: the source's layout; aligned: ...` for the help of `--format`."""
    return "; ".join(f"{f.name}: {_(f.help)}" if f.help else f.name
                     for _name, f in FORMATS.items()) + "."


FORMATS: Registry[Format] = Registry("format", {f.name: f for f in (
    Format("article", "txt", "transdesk.formats.article:article_bytes", whole_article=True,
           help=N_("the source's layout")),
    Format("aligned", "tsv", "transdesk.formats.aligned:aligned_tsv",
           help=N_("TSV key/source/target/status")),
    Format("tmx", "tmx", "transdesk.formats.tmx:view_tmx",
           help=N_("TMX 1.4 of the translated units")),
    Format("json", "json", "transdesk.formats.json:view_json", terms=True),
    Format("html", "html", "transdesk.formats.html:review_bytes", help=N_("a review page")),
)})
