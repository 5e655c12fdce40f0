"""`import`, `articles`, `units`, `status`: getting articles in and seeing where they stand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from transdesk.commands.common import (
    emit_json,
    emit_rows,
    get_db,
    json_option,
    lang_option,
    progress_bar,
)
from transdesk.commands.reporting import (
    deadline_text,
    due_option,
    make_plan,
    priority_option,
    public,
)
from transdesk.languages import NAMES, normalize_lang, parse_lang_list

if TYPE_CHECKING:
    from transdesk.importing import ImportReport

NO_ARTICLES = "no articles yet: transdesk import FILE"


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--lang", "lang", metavar="LANG",
              help="Source language (ru, uk/ua, en); detected from the text if absent.")
@click.option("--id", "article_id", metavar="SLUG",
              help="Article id ([a-z0-9][a-z0-9-]*); default: the file name, slugified.")
@click.option("--targets", metavar="LANGS",
              help="Comma-separated target languages (default: the other two).")
@click.option("--encoding", metavar="NAME", help="Text encoding (default: detected).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the total line.")
@priority_option
@due_option
@json_option
def import_command(
    files: tuple[str, ...],
    lang: str | None,
    article_id: str | None,
    targets: str | None,
    encoding: str | None,
    quiet: bool,
    priority: str | None,
    due: str | None,
    as_json: bool,
) -> None:
    """Import article FILEs, or update articles imported before (msgmerge-style).

    \b
    Example:
      transdesk import examples/ru-budget.txt
      transdesk import --lang ua --id bridge --targets ru,en bridge.txt
      transdesk import breaking.txt --priority urgent --due +45m
    """
    from transdesk import importing

    source_lang = normalize_lang(lang) if lang else None
    target_list = parse_lang_list(targets) if targets else None
    planned = make_plan(priority, due)
    reports = importing.import_files(
        get_db(), list(files), lang=source_lang, article_id=article_id,
        targets=target_list, encoding=encoding, planned=planned,
    )
    for report in reports:
        if report.looks_like:
            click.echo(f"warning: {report.article} was imported as"
                       f" {NAMES[report.source_lang]} ({report.source_lang}), but its text"
                       f" looks {NAMES[report.looks_like]} ({report.looks_like})", err=True)
    if as_json:
        emit_json([r.as_dict() for r in reports])
        return
    if not quiet:
        for report in reports:
            click.echo(describe_import(report))
    if len(reports) > 1 or quiet:
        units = sum(r.units for r in reports)
        created = sum(r.created for r in reports)
        click.echo(
            f"{len(reports)} articles ({created} new, {len(reports) - created} updated),"
            f" {units} units"
        )


def describe_import(report: ImportReport) -> str:
    if report.created:
        return f"imported {report.article} ({report.source_lang}): {report.units} units"
    lines = [
        f"updated {report.article}: {report.new} new, {report.unchanged} unchanged,"
        f" {report.changed} changed, {report.retouched} retouched (typography only),"
        f" {report.obsolete} obsolete"
    ]
    for change, key, text in report.changes:
        lines.append(f"  {change:<9} {key:<8} {_clip(text, 70)}")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command("articles")
@json_option
def articles_command(as_json: bool) -> None:
    """List articles: id, source language, percent complete per target, title."""
    from transdesk import schedule, store

    db = get_db()
    counts = store.status_counts(db)
    rows = store.list_articles(db, counts)
    times: dict[str, dict[str, dict]] = {}
    for entry in schedule.desk_times(db, left=units_left(counts)):
        times.setdefault(entry["article"], {})[entry["lang"]] = entry
    for row in rows:
        row["deadlines"] = {lang: public(times[row["id"]][lang]) for lang in row["targets"]
                            if lang in times.get(row["id"], {})}
    width = max((len(r["id"]) for r in rows), default=0)

    def describe(row: dict) -> str:
        targets = "  ".join(f"{lang} {pct:5.1f}%" for lang, pct in row["targets"].items())
        line = f"{row['id']:<{width}}  {row['source_lang']}  {targets}  {_clip(row['title'], 60)}"
        for lang in row["targets"]:
            entry = times.get(row["id"], {}).get(lang)
            if entry and (entry["due"] or entry["priority"] != "normal" or entry["overdue"]):
                line += f"\n{'':<{width}}    {lang}  {deadline_text(entry)}"
        return line

    emit_rows(rows, as_json, describe, empty=NO_ARTICLES)


@click.command("units")
@click.argument("article")
@lang_option(required=False, help="Show only this target language.")
@json_option
def units_command(article: str, lang: str | None, as_json: bool) -> None:
    """Show an ARTICLE's units in order, with their translations."""
    from transdesk import store

    emit_rows(store.list_units(get_db(), article, lang), as_json, _describe_unit)


def _describe_unit(unit: dict) -> str:
    lines = [f"{unit['id']:>7}  {unit['key']:<8} {unit['source']}"]
    for target, tr in unit["translations"].items():
        text = f" {tr['text']}" if tr["text"] else ""  # no trailing space without one
        lines.append(f"{'':>7}    {target} [{tr['status']}]{text}")
    return "\n".join(lines)


@click.command("status")
@click.argument("articles", nargs=-1)
@lang_option(required=False, help="Only this target language.")
@json_option
def status_command(articles: tuple[str, ...], lang: str | None, as_json: bool) -> None:
    """Units and source words by status, per article and target language."""
    from transdesk import schedule, store

    db = get_db()
    rows = store.status_counts(db, list(articles) or None, lang)
    times = {(t["article"], t["lang"]): t
             for t in schedule.desk_times(db, list(articles) or None, lang,
                                          left=units_left(rows))}
    for row in rows:
        row.update(public(times[(row["article"], row["lang"])]))
    width = max((len(r["article"]) for r in rows), default=0)

    def describe(row: dict) -> str:
        units, words = row["units"], row["words"]
        done_words = words["translated"] + words["approved"]
        return (
            f"{row['article']:<{width}}  {row['lang']}  {progress_bar(row['percent'])}"
            f" {row['percent']:5.1f}%  "
            f"untranslated {units['untranslated']} · draft {units['draft']} ·"
            f" translated {units['translated']} · approved {units['approved']}"
            f"  (words {done_words}/{sum(words.values())})"
            f"  {deadline_text(times[(row['article'], row['lang'])])}"
        )

    emit_rows(rows, as_json, describe, empty=NO_ARTICLES)


def units_left(counts: list[dict]) -> dict[tuple[str, str], int]:
    """Units left (untranslated and draft) per (article, language) from `status` rows."""
    return {(r["article"], r["lang"]): r["units"]["untranslated"] + r["units"]["draft"]
            for r in counts}


COMMANDS = [import_command, articles_command, units_command, status_command]
