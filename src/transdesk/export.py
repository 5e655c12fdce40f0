"""Exporting articles: the source's layout filled with a language's text, and the
aligned views (TSV, TMX, JSON, HTML) built from the same unit list.

`load_view` reads an article in one language once; every format renders that view.
Nothing is written before every requested output has been rendered, so a refusal
(an incomplete language) leaves no file behind.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk import store
from transdesk.article import encode, render
from transdesk.errors import BadInput, Refused

if TYPE_CHECKING:
    from sqlite_utils import Database

# format name -> file extension used when writing into a directory
FORMATS: dict[str, str] = {
    "article": "txt",
    "aligned": "tsv",
    "tmx": "tmx",
    "json": "json",
    "html": "html",
}


@dataclass
class AlignedUnit:
    """One live unit of an article with its translation in one language."""

    key: str
    kind: str
    source: str
    target: str | None
    status: str
    origin: str | None
    translator: str | None
    updated_at: str | None

    @property
    def done(self) -> bool:
        return self.status in store.DONE


@dataclass
class ArticleView:
    """An article seen in one target language: layout plus aligned units in order."""

    article_id: str
    source_lang: str
    lang: str
    title: str
    layout: list[list[str | None]]
    encoding: str
    bom: bool
    units: list[AlignedUnit]

    @property
    def missing(self) -> list[AlignedUnit]:
        return [u for u in self.units if not u.done]

    @property
    def percent(self) -> float:
        if not self.units:
            return 100.0
        return round(100.0 * sum(u.done for u in self.units) / len(self.units), 1)

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(store.STATUSES, 0)
        for unit in self.units:
            result[unit.status] += 1
        return result


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
        return f"{self.article_id}.{self.lang}.{FORMATS[self.fmt]}"


def load_view(db: Database, article_id: str, lang: str) -> ArticleView:
    """Read an article's live units with their `lang` translation, in order."""
    return _load_view(db, store.get_article(db, article_id), lang)


def _load_view(db: Database, article: dict[str, Any], lang: str) -> ArticleView:
    article_id = article["id"]
    store.check_target(article, lang)
    rows = db.execute(
        "SELECT u.key, u.kind, u.source, t.text, t.status, t.origin, t.translator,"
        " t.updated_at FROM units u"
        " LEFT JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
        " WHERE u.article_id = ? AND u.obsolete = 0 ORDER BY u.position",
        [lang, article_id],
    ).fetchall()
    units = [
        AlignedUnit(key, kind, source, text, status or "untranslated", origin, translator,
                    updated)
        for key, kind, source, text, status, origin, translator, updated in rows
    ]
    return ArticleView(
        article_id=article_id,
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


def render_article(view: ArticleView, allow_incomplete: bool = False) -> Rendered:
    """The translated article in the source's layout (switcher, blank lines, final newline).

    Incomplete: refused, or with `allow_incomplete` drafts fill the gaps, else the source.
    """
    missing = view.missing
    if missing and not allow_incomplete:
        raise Refused(
            f"{view.article_id} is not complete in {view.lang}: {len(missing)} of"
            f" {len(view.units)} units missing or draft: {describe_missing(view)}"
            " (use --allow-incomplete to fill them with drafts or the source)"
        )
    texts: dict[str, str] = {}
    drafts = sources = 0
    for unit in view.units:
        if unit.done and unit.target is not None:
            texts[unit.key] = unit.target
        elif unit.target:
            texts[unit.key] = unit.target
            drafts += 1
        else:
            texts[unit.key] = unit.source
            sources += 1
    text = render(view.layout, texts)
    data = encode(text, "utf-8", view.bom and view.encoding == "utf-8")
    return Rendered(view.article_id, view.lang, "article", data, drafts, sources)


def render_view(view: ArticleView, fmt: str, allow_incomplete: bool = False) -> Rendered:
    """Render a view in one of FORMATS."""
    _check_format(fmt)
    if fmt == "article":
        return render_article(view, allow_incomplete)
    if fmt == "aligned":
        from transdesk.formats import aligned_tsv as to_bytes
    elif fmt == "json":
        from transdesk.formats import view_json as to_bytes
    elif fmt == "tmx":
        from transdesk.tmx import view_tmx as to_bytes
    else:
        from transdesk.html_report import review_bytes as to_bytes
    return Rendered(view.article_id, view.lang, fmt, to_bytes(view))


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")


def export_article(db: Database, article_id: str, lang: str) -> bytes:
    """The article in `lang`: the original bytes for the source language, else the
    translation in the same layout (refused unless every unit is translated)."""
    return export_articles(db, [article_id], lang)[0].data


def export_articles(
    db: Database,
    article_ids: list[str],
    lang: str,
    fmt: str = "article",
    allow_incomplete: bool = False,
) -> list[Rendered]:
    """Render every article first; if any is refused, one Refused names them all."""
    _check_format(fmt)
    results: list[Rendered] = []
    refusals: list[str] = []
    for article_id in article_ids:
        article = store.get_article(db, article_id)
        if lang == article["source_lang"]:
            if fmt != "article":
                raise BadInput(
                    f"{lang} is the source language of {article_id!r}: the {fmt} format"
                    " needs a target language"
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


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file in the same directory and
    `os.replace`. A file that already holds exactly these bytes is left untouched
    (no mtime churn); returns whether the file was written. Missing parent directories
    are created; a path that cannot be written is bad input, named in the error."""
    if path.is_dir():
        raise BadInput(f"{str(path)!r} is a directory: give a file name")
    if path.exists() and not path.is_file():
        # a device or a pipe (/dev/full, a FIFO, /dev/stdout): never read it, never
        # replace it (as root, a rename would put a file where the device was)
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        return True
    if path.is_symlink():  # a link to a regular file: replace the file, keep the link
        path = path.resolve()
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        os.fchmod(fd, _mode_for(path))  # mkstemp makes 0600 whatever the umask
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise
    return True


def _mode_for(path: Path) -> int:
    """An existing file's permissions (a replace keeps them), else what the umask gives
    a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _cannot_write(path: Path, exc: OSError) -> BadInput:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                return BadInput(f"cannot write {str(path)!r}: {str(parent)!r} is a file,"
                                " not a directory")
            break
    return BadInput(f"cannot write {str(path)!r}: {exc.strerror or exc}")


def write_into(directory: str | os.PathLike[str], results: list[Rendered]) -> list[Path]:
    """Write each result as `<dir>/<article>.<lang>.<ext>`; returns the paths."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise BadInput(f"{str(root)!r} is a file, not a directory (-o DIR)")
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
        raise BadInput("give ARTICLEs or --finished, not both")
    if not finished and not article_ids:
        raise BadInput("name at least one ARTICLE, or use --finished")
    if output == "":
        raise BadInput("-o needs a file or directory name, or - for stdout")
    to_stdout = output is None or output == "-"
    to_dir = finished or len(set(article_ids)) > 1 or (
        output is not None and output != "-"
        and (output.endswith(("/", os.sep)) or os.path.isdir(output))
    )
    if to_dir and to_stdout:
        what = "--finished writes" if finished else "several articles are written"
        raise BadInput(f"{what} into a directory: give -o DIR")
    ids = finished_articles(db, lang) if finished else list(dict.fromkeys(article_ids))
    results = export_articles(db, ids, lang, fmt, allow_incomplete)
    if to_dir:
        assert output is not None
        return ExportReport(results, output, write_into(output, results))
    write_output(output or "-", results[0].data)
    return ExportReport(results)
