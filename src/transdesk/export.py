"""Exporting articles: the source's layout filled with a language's text, and the
aligned views (TSV, TMX, JSON, HTML) built from the same unit list.

`_load_view` reads an article in one language once (`store.read_units`) into a
`view.ArticleView`; the writer the format registry names (`transdesk.formats`) renders it.
Nothing is written before every requested output has been rendered, so a refusal
(an incomplete language) leaves no file behind; `--finished` (complete articles only,
nothing to refuse) writes each article as it is rendered, so memory stays flat.
Works on a desk of either engine (on PostgreSQL an editor's: `catalogs.editors_snapshot`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transdesk import store
from transdesk.errors import BadInput, Refused
from transdesk.files import database_files, refuse_overwrite, refuse_stdout_onto, write_atomic
from transdesk.formats import FORMATS
from transdesk.i18n import _, ngettext
from transdesk.storage import catalogs
from transdesk.view import AlignedUnit, ArticleView


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


def desk_files(desk: Any) -> list[Path]:
    """The files of a SQLite desk (no output may be one of them); none on PostgreSQL."""
    return database_files(desk.db.conn) if desk.engine == "sqlite" else []


def render_source(desk: Any, article: dict[str, Any]) -> bytes:
    """The imported file, byte for byte."""
    from transdesk.article import encode, render

    texts = {unit.key: unit.source for unit in store.read_units(desk, article["id"], [])}
    text = render(json.loads(article["layout"]), texts)
    return encode(text, article["encoding"], bool(article["bom"]))


def _load_view(desk: Any, article: dict[str, Any], lang: str) -> ArticleView:
    store.check_target(article, lang)
    units = []
    for unit in store.read_units(desk, article["id"], [lang]):
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


def render_view(view: ArticleView, fmt: str, allow_incomplete: bool = False,
                options: dict[str, Any] | None = None) -> Rendered:
    """Render a view in one of the registered formats (`transdesk.formats`), with the
    writer's `options`. A format that writes the whole article refuses an incomplete
    language unless `allow_incomplete`: then drafts fill the gaps, else the source."""
    writer = FORMATS.get(fmt)
    options = options or {}
    if not writer.whole_article:
        return Rendered(view.article_id, view.lang, fmt, writer.write(view, **options))
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
    return Rendered(view.article_id, view.lang, fmt, writer.write(view, **options), drafts,
                    sources)


def export_articles(
    desk: Any,
    article_ids: Iterable[str],
    lang: str,
    fmt: str = "article",
    allow_incomplete: bool = False,
    options: dict[str, Any] | None = None,
) -> list[Rendered]:
    """Render every article first; if any is refused, one Refused names them all.
    `options` go to the format's writer (`Format.options`); only set ones are passed."""
    results: list[Rendered] = []
    refusals: list[str] = []
    for rendered in rendering(desk, article_ids, lang, fmt, allow_incomplete, options):
        if isinstance(rendered, Rendered):
            results.append(rendered)
        else:
            refusals.append(str(rendered))
    if refusals:
        raise Refused("; ".join(refusals))
    return results


def rendering(
    desk: Any,
    article_ids: Iterable[str],
    lang: str,
    fmt: str = "article",
    allow_incomplete: bool = False,
    options: dict[str, Any] | None = None,
) -> Iterator[Rendered | Refused]:
    """Each article rendered (or its refusal), one at a time."""
    options = {name: value for name, value in (options or {}).items() if value}
    accepted = FORMATS.get(fmt).options  # BadInput for an unknown format, before reading
    for name in options:
        if name not in accepted:
            owners = [f.name for _n, f in FORMATS.items() if name in f.options]
            raise BadInput(_(
                    "--{name} applies to --format {owners}, not {fmt}"
                ).format(name=name.replace('_', '-'), owners=' or '.join(owners), fmt=fmt))
    if FORMATS.get(fmt).terms:
        from transdesk.check.style import use_desk_style

        use_desk_style(desk)  # the writer lists this desk's term hits in each segment
    for article_id in article_ids:
        article = catalogs.article(desk, article_id)
        if lang == article["source_lang"]:
            if fmt != "article":
                raise BadInput(
                    _(
                        "{lang} is the source language of {article_id!r}: the {fmt} format needs a "
                        "target language"
                    ).format(lang=lang, article_id=article_id, fmt=fmt)
                )
            yield Rendered(article_id, lang, fmt, render_source(desk, article))
            continue
        try:
            yield render_view(_load_view(desk, article, lang), fmt, allow_incomplete, options)
        except Refused as exc:
            yield exc


def write_output(output: str, data: bytes | Iterable[bytes],
                 inputs: Iterable[Path] = ()) -> None:
    """Write to stdout (`-`) or atomically to a file (temporary name, then rename);
    `data` bytes or chunks of them. BadInput, before writing, when the output is one of
    the command's `inputs` (the database files: `files.database_files`)."""
    if output == "-":
        refuse_stdout_onto(inputs)
        for chunk in [data] if isinstance(data, bytes) else data:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    refuse_overwrite([Path(output)], inputs)
    write_atomic(Path(output), data)


def write_into(directory: str | os.PathLike[str], results: list[Rendered],
               inputs: Iterable[Path] = ()) -> list[Path]:
    """Write each result as `<dir>/<article>.<lang>.<ext>`; returns the paths. No
    path may be one of `inputs` (checked for all before the first is written)."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise BadInput(_("{root!r} is a file, not a directory (-o DIR)").format(root=str(root)))
    paths = [root / result.filename for result in results]
    refuse_overwrite(paths, inputs)
    for path, result in zip(paths, results, strict=True):
        write_atomic(path, result.data)
    return paths


@dataclass
class ExportReport:
    """What `export_to` wrote: the rendered exports and, for a directory, the files."""

    results: list[Rendered]
    directory: str | None = None  # set when the exports went into a directory
    paths: list[Path] = field(default_factory=list)
    written: int = 0  # files written into the directory

    @property
    def filled_draft(self) -> int:
        return sum(r.filled_draft for r in self.results)

    @property
    def filled_source(self) -> int:
        return sum(r.filled_source for r in self.results)


def export_to(
    desk: Any,
    article_ids: list[str],
    lang: str,
    output: str | None = None,
    fmt: str = "article",
    allow_incomplete: bool = False,
    finished: bool = False,
    options: dict[str, Any] | None = None,
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
    inputs = desk_files(desk)
    with catalogs.editors_snapshot(desk):
        if finished:
            assert output is not None
            return _write_finished(desk, lang, output, fmt, options, inputs)
        ids = list(dict.fromkeys(article_ids))
        results = export_articles(desk, ids, lang, fmt, allow_incomplete, options)
    if to_dir:
        assert output is not None
        paths = write_into(output, results, inputs)
        return ExportReport(results, output, paths, len(paths))
    write_output(output or "-", results[0].data, inputs)
    return ExportReport(results)


def _write_finished(desk: Any, lang: str, output: str, fmt: str,
                    options: dict[str, Any] | None, inputs: list[Path]) -> ExportReport:
    """Every article complete in `lang` into the directory `output`, each written as
    soon as it is rendered (none can be refused: they are complete)."""
    root = Path(output)
    if root.exists() and not root.is_dir():
        raise BadInput(_("{root!r} is a file, not a directory (-o DIR)").format(root=str(root)))
    report = ExportReport([], output)
    for rendered in rendering(desk, catalogs.finished_articles(desk, lang), lang, fmt,
                              False, options):
        assert isinstance(rendered, Rendered)  # complete: nothing to refuse
        path = root / rendered.filename
        refuse_overwrite([path], inputs)
        write_atomic(path, rendered.data)
        report.written += 1
    return report
