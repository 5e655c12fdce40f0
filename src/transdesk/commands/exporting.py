"""`export` and `po export` / `po import`: articles and catalogs out, PO files back in."""

from __future__ import annotations

import click

from transdesk import formats
from transdesk.commands.common import (
    as_option,
    emit_json,
    get_db,
    json_option,
    lang_option,
    plural,
)

# the registry is cheap to import: --help does not load the writers
FORMATS = list(formats.FORMATS.names())


@click.command("export")
@click.argument("articles", nargs=-1)
@lang_option(required=True, help="Language to export (the source language gives the original).")
@click.option("-o", "--output", metavar="PATH|DIR|-",
              help="File to write, - for stdout (the default for one article), or a"
                   " directory for several articles or --finished"
                   " (files <article>.<lang>.<ext>).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="article",
              show_default=True,
              help=formats.describe())
@click.option("--allow-incomplete", is_flag=True,
              help="Export an incomplete language: gaps filled with drafts, else the source.")
@click.option("--finished", is_flag=True,
              help="Instead of ARTICLEs: every article complete in the language (needs -o DIR).")
@click.option("--safe-for-spreadsheets", is_flag=True,
              help="aligned: prefix ' to cells starting with = + - @ (no exact round trip).")
def export_command(articles: tuple[str, ...], lang: str, output: str | None, fmt: str,
                   allow_incomplete: bool, finished: bool, safe_for_spreadsheets: bool) -> None:
    """Export ARTICLEs in a language: the translated article in exactly the source's
    layout, or an aligned view (TSV, TMX, JSON, HTML).

    Exit 1 (listing the missing and draft units) when the language is not complete
    and the format is `article`, unless --allow-incomplete.

    \b
    Examples:
      transdesk export ru-budget --lang uk -o ru-budget.uk.txt
      transdesk export ru-budget --lang en --format tmx -o ru-budget.tmx
      transdesk export ru-budget uk-bridge --lang en --format html -o review/
      transdesk export --finished --lang uk -o out/
    """
    from transdesk.export import export_to

    report = export_to(get_db(), list(articles), lang, output, fmt, allow_incomplete, finished,
                       {"safe_for_spreadsheets": safe_for_spreadsheets})
    if report.filled_draft or report.filled_source:
        click.echo(
            f"incomplete: {report.filled_draft + report.filled_source} units filled in"
            f" ({report.filled_draft} with drafts, {report.filled_source} with the source"
            " text)",
            err=True,
        )
    if report.directory is not None:
        if finished and not report.paths:
            click.echo(f"no article is complete in {lang}: nothing written", err=True)
        else:
            click.echo(f"wrote {plural(len(report.paths), 'file')} to {report.directory}",
                       err=True)


@click.group("po")
def po_group() -> None:
    """Gettext catalogs: export POT/PO/MO files, import edited PO files."""


@po_group.command("export")
@click.argument("articles", nargs=-1)
@lang_option(required=False, help="Only this language (default: every target of each article).")
@click.option("--dir", "directory", default="locales", show_default=True, type=click.Path(),
              help="Folder for <article>.pot and <lang>/LC_MESSAGES/<article>.po.")
@click.option("--mo", is_flag=True, help="Also compile <article>.mo next to each PO file.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@json_option
def po_export_command(articles: tuple[str, ...], lang: str | None, directory: str, mo: bool,
                      quiet: bool, as_json: bool) -> None:
    """Write gettext catalogs of ARTICLEs (default: all): msgctxt = unit key,
    msgid = source, msgstr = translation, `#, fuzzy` for drafts.

    Re-exporting an unchanged database gives byte-identical files.

    \b
    Example:
      transdesk po export ru-budget --lang uk --mo
      msgfmt --check locales/uk/LC_MESSAGES/ru-budget.po
    """
    from transdesk.po import export_catalogs

    report = export_catalogs(get_db(), list(articles) or None, lang, directory, mo)
    if as_json:
        emit_json(report.as_dict())
    elif not quiet:
        click.echo(
            f"{plural(report.articles, 'article')}: {plural(len(report.written), 'file')}"
            f" written, {len(report.unchanged)} unchanged in {directory}"
        )


@po_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@lang_option(required=False,
             help="Language of the files (default: their Language header; must agree).")
@as_option
@json_option
def po_import_command(files: tuple[str, ...], lang: str | None, translator: str,
                      as_json: bool) -> None:
    """Take translations back from PO FILEs (edited in Poedit, Weblate, ...).

    Matched by article (X-Transdesk-Article header, else the file name), msgctxt and
    msgid. Fuzzy entries become drafts, others `translated` (origin po-import).
    Entries whose msgid is no longer the source, and units changed in the database
    since the export (conflicts), are reported and left alone. All files are applied
    in one transaction; a malformed file changes nothing (exit 2).

    \b
    Example:
      transdesk po import locales/uk/LC_MESSAGES/ru-budget.po --as olena
    """
    from transdesk.po import import_catalogs

    reports = import_catalogs(get_db(), list(files), lang, translator)
    if as_json:
        emit_json([r.as_dict() for r in reports])
        return
    for r in reports:
        click.echo(
            f"{r.file}: {r.article} ({r.lang}): {len(r.applied)} applied,"
            f" {len(r.unchanged)} unchanged, {len(r.conflicts)} conflicts,"
            f" {len(r.outdated)} outdated, {len(r.unknown)} unknown"
        )
        for conflict in r.conflicts:
            click.echo(f"  conflict  {conflict['key']}: changed in the database since the"
                       f" export ({conflict['database_status']}); left alone")
        for key in r.outdated:
            click.echo(f"  outdated  {key}: the source sentence changed; not applied")
        for key in r.unknown:
            click.echo(f"  unknown   {key}: no such unit in {r.article}")
        for key in r.plural:
            click.echo(f"warning: {r.file}: {key}: a plural entry (msgid_plural); not"
                       " imported", err=True)


COMMANDS = [export_command, po_group]
