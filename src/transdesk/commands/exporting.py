"""`export` and `po export` / `po import`: articles and catalogs out, PO files back in."""

from __future__ import annotations

import click

from transdesk import formats
from transdesk.commands.common import (
    as_option,
    emit_json,
    get_desk,
    json_option,
    lang_option,
    refuse_database_as_output,
)
from transdesk.i18n import _, ngettext
from transdesk.text_safety import shown

# the registry is cheap to import: --help does not load the writers
FORMATS = list(formats.FORMATS.names())


def count_files(count: int) -> str:
    return ngettext("{count} file", "{count} files", count).format(count=count)


@click.command("export", help=_(
    "Export ARTICLEs in a language: the translated article in exactly the source's\n"
    "layout, or an aligned view (TSV, TMX, JSON, HTML).\n"
    "\n"
    "Exit 1 (listing the missing and draft units) when the language is not complete\n"
    "and the format is `article`, unless --allow-incomplete.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk export ru-budget --lang uk -o ru-budget.uk.txt\n"
    "  transdesk export ru-budget --lang en --format tmx -o ru-budget.tmx\n"
    "  transdesk export ru-budget uk-bridge --lang en --format html -o review/\n"
    "  transdesk export --finished --lang uk -o out/"))
@click.argument("articles", nargs=-1)
@lang_option(required=True,
             help=_("Language to export (the source language gives the original)."))
@click.option("-o", "--output", metavar="PATH|DIR|-",
              help=_("File to write, - for stdout (the default for one article), or a"
                     " directory for several articles or --finished"
                     " (files <article>.<lang>.<ext>)."))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="article",
              show_default=True,
              help=formats.describe())
@click.option("--allow-incomplete", is_flag=True,
              help=_("Export an incomplete language: gaps filled with drafts, else the"
                     " source."))
@click.option("--finished", is_flag=True,
              help=_("Instead of ARTICLEs: every article complete in the language (needs -o"
                     " DIR)."))
@click.option("--safe-for-spreadsheets", is_flag=True,
              help=_("aligned: prefix ' to cells starting with = + - @ (no exact round"
                     " trip)."))
def export_command(articles: tuple[str, ...], lang: str, output: str | None, fmt: str,
                   allow_incomplete: bool, finished: bool, safe_for_spreadsheets: bool) -> None:
    from transdesk.export import export_to

    refuse_database_as_output(output)
    report = export_to(get_desk(), list(articles), lang, output, fmt, allow_incomplete, finished,
                       {"safe_for_spreadsheets": safe_for_spreadsheets})
    if report.filled_draft or report.filled_source:
        filled = report.filled_draft + report.filled_source
        click.echo(
            ngettext("incomplete: {count} unit filled in ({drafts} with drafts, {sources} with"
                     " the source text)",
                     "incomplete: {count} units filled in ({drafts} with drafts, {sources} with"
                     " the source text)", filled).format(
                count=filled, drafts=report.filled_draft, sources=report.filled_source),
            err=True,
        )
    if report.directory is not None:
        if finished and not report.written:
            click.echo(_("no article is complete in {lang}: nothing written").format(lang=lang),
                       err=True)
        else:
            click.echo(_("wrote {files} to {directory}").format(
                files=count_files(report.written), directory=report.directory), err=True)


@click.group("po", help=_("Gettext catalogs: export POT/PO/MO files, import edited PO files."))
def po_group() -> None:
    pass


@po_group.command("export", help=_(
    "Write gettext catalogs of ARTICLEs (default: all): msgctxt = unit key,\n"
    "msgid = source, msgstr = translation, `#, fuzzy` for drafts.\n"
    "\n"
    "Re-exporting an unchanged database gives byte-identical files.\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk po export ru-budget --lang uk --mo\n"
    "  msgfmt --check locales/uk/LC_MESSAGES/ru-budget.po"))
@click.argument("articles", nargs=-1)
@lang_option(required=False,
             help=_("Only this language (default: every target of each article)."))
@click.option("--dir", "directory", default="locales", show_default=True, type=click.Path(),
              help=_("Folder for <article>.pot and <lang>/LC_MESSAGES/<article>.po."))
@click.option("--mo", is_flag=True, help=_("Also compile <article>.mo next to each PO file."))
@click.option("--quiet", "-q", is_flag=True, help=_("Print nothing on success."))
@json_option
def po_export_command(articles: tuple[str, ...], lang: str | None, directory: str, mo: bool,
                      quiet: bool, as_json: bool) -> None:
    from transdesk.po import export_catalogs

    refuse_database_as_output(directory, folder=True)
    report = export_catalogs(get_desk(), list(articles) or None, lang, directory, mo,
                             keep_paths=as_json)
    if as_json:
        emit_json(report.as_dict())
    elif not quiet:
        click.echo(_("{articles}: {files} written, {unchanged} unchanged in {directory}").format(
            articles=ngettext("{count} article", "{count} articles",
                              report.articles).format(count=report.articles),
            files=count_files(report.written_count), unchanged=report.unchanged_count,
            directory=directory))


@po_group.command("import", help=_(
    "Take translations back from PO FILEs (edited in Poedit, Weblate, ...).\n"
    "\n"
    "Matched by article (X-Transdesk-Article header, else the file name), msgctxt and\n"
    "msgid. Fuzzy entries become drafts, others `translated` (origin po-import).\n"
    "Entries whose msgid is no longer the source, and units changed in the database\n"
    "since the export (conflicts), are reported and left alone. All files are applied\n"
    "in one transaction; a malformed file changes nothing (exit 2).\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk po import locales/uk/LC_MESSAGES/ru-budget.po --as olena"))
@click.argument("files", nargs=-1, required=True, type=click.Path())
@lang_option(required=False,
             help=_("Language of the files (default: their Language header; must agree)."))
@as_option
@json_option
def po_import_command(files: tuple[str, ...], lang: str | None, translator: str,
                      as_json: bool) -> None:
    from transdesk.po import import_catalogs

    reports = import_catalogs(get_desk(), list(files), lang, translator)
    if as_json:
        emit_json([r.as_dict() for r in reports])
        return
    for r in reports:
        click.echo(_("{file}: {article} ({lang}): {applied} applied, {unchanged} unchanged,"
                     " {conflicts} conflicts, {outdated} outdated, {unknown} unknown").format(
            file=shown(r.file), article=shown(r.article), lang=r.lang, applied=len(r.applied),
            unchanged=len(r.unchanged), conflicts=len(r.conflicts), outdated=len(r.outdated),
            unknown=len(r.unknown)))
        for conflict in r.conflicts:
            click.echo("  " + _("conflict  {key}: changed in the database since the export"
                                " ({status}); left alone").format(
                key=shown(conflict["key"]), status=conflict["database_status"]))
        for key in r.outdated:
            click.echo("  " + _("outdated  {key}: the source sentence changed; not applied")
                       .format(key=shown(key)))
        for key in r.unknown:
            click.echo("  " + _("unknown   {key}: no such unit in {article}").format(
                key=shown(key), article=shown(r.article)))
        for key in r.plural:
            click.echo(_("warning: {file}: {key}: a plural entry (msgid_plural); not"
                         " imported").format(file=r.file, key=shown(key)), err=True)


COMMANDS = [export_command, po_group]
