"""Exporting articles: the source's layout filled with a language's text, and the
aligned views (TSV, TMX, JSON, HTML) built from the same unit list.

`_load_view` reads an article in one language once (`store.read_units`) into a
`view.ArticleView`; the writer the format registry names (`transdesk.formats`) renders it.
Nothing is written before every requested output has been rendered, so a refusal
(an incomplete language) leaves no file behind.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk import store
from transdesk.errors import BadInput, Refused
from transdesk.files import write_atomic
from transdesk.formats import FORMATS
from transdesk.i18n import _, ngettext
from transdesk.view import AlignedUnit, ArticleView

if TYPE_CHECKING:
    from sqlite_utils import Database

@dataclass
class Rendered:
    """One export ready to be written: bytes plus what had to be filled in."""

    article_id: str
    lang: str
    fmt: str
    data: bytes
    filled_draft: int = 0
    filled_source: int = 0

    @property
    def filename(self) -> str:
        return f"{self.article_id}.{self.lang}.{FORMATS.get(self.fmt).extension}"


def _load_view(db: Database, article: dict[str, Any], lang: str) -> ArticleView:
    store.check_target(article, lang)
    units = []
    for unit in store.read_units(db, article["id"], [lang]):
        t = unit.in_lang(lang)
        units.append(AlignedUnit(unit.key, unit.kind, unit.source, t.text, t.status, t.origin,
                                 t.translator, t.updated_at))
    return ArticleView(
        article_id=article["id"],
        source_lang=article["source_lang"],
        lang=lang,
        title=article["title"],
        layout=json.loads(article["layout"]),
        encoding=article["encoding"],
        bom=bool(article["bom"]),
        units=units,
    )


def describe_missing(view: ArticleView) -> str:
    """`p1.s2 (draft), p3.s1` — every unit that keeps the language incomplete."""
    return ", ".join(
        u.key if u.status == "untranslated" else f"{u.key} ({u.status})" for u in view.missing
    )


def render_view(view: ArticleView, fmt: str, allow_incomplete: bool = False) -> Rendered:
    """Render a view in one of the registered formats (`transdesk.formats`). A format
    that writes the whole article refuses an incomplete language unless
    `allow_incomplete`: then drafts fill the gaps, else the source."""
    writer = FORMATS.get(fmt)
    if not writer.whole_article:
        return Rendered(view.article_id, view.lang, fmt, writer.write(view))
    missing = view.missing
    if missing and not allow_incomplete:
        raise Refused(
            ngettext(
                "{article_id} is not complete in {lang}: {missing} of {count} unit missing or"
                " draft: {units} (use --allow-incomplete to fill them with drafts or the source)",
                "{article_id} is not complete in {lang}: {missing} of {count} units missing or"
                " draft: {units} (use --allow-incomplete to fill them with drafts or the source)",
                len(view.units),
            ).format(article_id=view.article_id, lang=view.lang, missing=len(missing),
                     count=len(view.units), units=describe_missing(view))
        )
    _texts, drafts, sources = view.filled()
    return Rendered(view.article_id, view.lang, fmt, writer.write(view), drafts, sources)


def export_articles(
    db: Database,
    article_ids: list[str],
    lang: str,
    fmt: str = "article",
    allow_incomplete: bool = False,
) -> list[Rendered]:
    """Render every article first; if any is refused, one Refused names them all."""
    if FORMATS.get(fmt).terms:  # BadInput for an unknown format, before reading anything
        from transdesk import desk_style

        desk_style.use(db)  # the writer lists this database's term hits in each segment
    results: list[Rendered] = []
    refusals: list[str] = []
    for article_id in article_ids:
        article = store.get_article(db, article_id)
        if lang == article["source_lang"]:
            if fmt != "article":
                raise BadInput(
                    _(
                        "{lang} is the source language of {article_id!r}: the {fmt} format needs a "
                        "target language"
                    ).format(lang=lang, article_id=article_id, fmt=fmt)
                )
            results.append(Rendered(article_id, lang, fmt, store.render_source(db, article_id)))
            continue
        try:
            results.append(render_view(_load_view(db, article, lang), fmt, allow_incomplete))
        except Refused as exc:
            refusals.append(str(exc))
    if refusals:
        raise Refused("; ".join(refusals))
    return results


def finished_articles(db: Database, lang: str) -> list[str]:
    """Articles that have `lang` as a target and every live unit translated or approved."""
    rows = db.execute(
        "SELECT a.id FROM articles a WHERE instr(',' || a.targets || ',', ?) > 0"
        " AND NOT EXISTS (SELECT 1 FROM translations t WHERE t.article_id = a.id"
        " AND t.lang = ? AND t.obsolete = 0 AND t.status NOT IN ('translated', 'approved'))"
        " ORDER BY a.id",
        [f",{lang},", lang],
    ).fetchall()
    return [row[0] for row in rows]


def write_output(output: str, data: bytes) -> None:
    """Write to stdout (`-`) or atomically to a file (temporary name, then rename)."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomic(Path(output), data)


def write_into(directory: str | os.PathLike[str], results: list[Rendered]) -> list[Path]:
    """Write each result as `<dir>/<article>.<lang>.<ext>`; returns the paths."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise BadInput(_("{root!r} is a file, not a directory (-o DIR)").format(root=str(root)))
    paths = []
    for result in results:
        path = root / result.filename
        write_atomic(path, result.data)
        paths.append(path)
    return paths


@dataclass
class ExportReport:
    """What `export_to` wrote: the rendered exports and, for a directory, the files."""

    results: list[Rendered]
    directory: str | None = None  # set when the exports went into a directory
    paths: list[Path] = field(default_factory=list)

    @property
    def filled_draft(self) -> int:
        return sum(r.filled_draft for r in self.results)

    @property
    def filled_source(self) -> int:
        return sum(r.filled_source for r in self.results)


def export_to(
    db: Database,
    article_ids: list[str],
    lang: str,
    output: str | None = None,
    fmt: str = "article",
    allow_incomplete: bool = False,
    finished: bool = False,
) -> ExportReport:
    """Export articles (or with `finished` every article complete in `lang`) and write them.

    One article goes to the file `output`, or to stdout for `-` or None. Several
    articles, `finished`, or an `output` that is a directory (or ends with a slash) go
    into that directory as `<article>.<lang>.<ext>`. Everything is rendered before
    anything is written, so a refusal leaves no file behind.
    """
    if finished and article_ids:
        raise BadInput(_("give ARTICLEs or --finished, not both"))
    if not finished and not article_ids:
        raise BadInput(_("name at least one ARTICLE, or use --finished"))
    if output == "":
        raise BadInput(_("-o needs a file or directory name, or - for stdout"))
    to_stdout = output is None or output == "-"
    to_dir = finished or len(set(article_ids)) > 1 or (
        output is not None and output != "-"
        and (output.endswith(("/", os.sep)) or os.path.isdir(output))
    )
    if to_dir and to_stdout:
        what = "--finished writes" if finished else "several articles are written"
        raise BadInput(_("{what} into a directory: give -o DIR").format(what=what))
    ids = finished_articles(db, lang) if finished else list(dict.fromkeys(article_ids))
    results = export_articles(db, ids, lang, fmt, allow_incomplete)
    if to_dir:
        assert output is not None
        return ExportReport(results, output, write_into(output, results))
    write_output(output or "-", results[0].data)
    return ExportReport(results)
