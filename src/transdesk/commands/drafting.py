"""`draft`, `providers`, `tm import`/`tm export`: machine drafts and translation memory."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from transdesk.commands.common import (
    emit_json,
    fits_sqlite,
    get_desk,
    json_option,
    lang_option,
    refuse_database_as_output,
)
from transdesk.i18n import _, ngettext
from transdesk.providers import PROVIDERS

if TYPE_CHECKING:
    from transdesk.draft import DraftReport


@click.command("draft", help=_(
    "Pre-fill untranslated units of ARTICLEs (default: all) as drafts.\n"
    "\n"
    "Translation memory first (exact, then fuzzy matches with their score), the\n"
    "date line through CLDR, then the provider. Translated and approved text is\n"
    "never touched. Every answer is committed and cached as it arrives: after a\n"
    "failure, run the same command again to resume; no sentence is sent twice.\n"
    "\n"
    "Provider settings come from TRANSDESK_<PROVIDER>_<SETTING> variables only\n"
    "(see `transdesk providers`).\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk draft ru-budget --lang uk\n"
    "  transdesk draft --lang en --provider libre --limit 100\n"
    "  transdesk draft uk-bridge --lang ru --provider none --threshold 85\n"
    "\n"
    "Exit status: 0 done (some units may be left without a draft: see the summary),\n"
    "1 the provider failed (re-run to resume), 2 bad input."))
@click.argument("articles", nargs=-1)
@lang_option(help=_("Language to draft into: ru, uk (or ua), en."))
@click.option("--provider", "-p", metavar="NAME",
              help=_("{providers}, or none (memory and CLDR only). Default: apertium for"
                     " ru<->uk, else google.").format(
                  providers=", ".join(PROVIDERS.declared_names())))
@click.option("--no-tm", is_flag=True, help=_("Do not use the translation memory."))
@click.option("--limit", type=click.IntRange(min=0), metavar="N", callback=fits_sqlite,
              help=_("Draft at most N units."))
@click.option("--threshold", type=click.FloatRange(0, 100), default=75.0, show_default=True,
              metavar="PCT", help=_("Lowest fuzzy memory score (percent) used as a draft."))
@click.option("--batch-size", type=click.IntRange(min=1), metavar="N", callback=fits_sqlite,
              help=_("Sentences per provider call (default: the provider's own)."))
@click.option("--retry-failed", is_flag=True,
              help=_("Ask the provider again for sentences it could not translate before."))
@click.option("--verbose", "-v", is_flag=True, help=_("List each unit left without a draft."))
@json_option
def draft_command(
    articles: tuple[str, ...],
    lang: str,
    provider: str | None,
    no_tm: bool,
    limit: int | None,
    threshold: float,
    batch_size: int | None,
    retry_failed: bool,
    verbose: bool,
    as_json: bool,
) -> None:
    from transdesk.draft import draft

    desk = get_desk()
    run = functools.partial(draft, desk, lang, list(articles) or None, provider=provider,
                            use_tm=not no_tm, limit=limit, threshold=threshold,
                            batch_size=batch_size, retry_failed=retry_failed,
                            keep_misses=as_json or verbose)
    report = run() if as_json or not sys.stdout.isatty() else _with_progress_bar(run, lang)
    if as_json:
        emit_json(report.as_dict())
        return
    if verbose:
        for miss in report.without_draft:
            click.echo(f"  {miss.article} {miss.key}: {miss.reason}")
    click.echo(report.summary())


def _with_progress_bar(run: Callable[..., DraftReport], lang: str) -> DraftReport:
    """Run the draft with a progress bar that appears once the total is known."""
    bar = None
    shown = 0

    def progress(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=total, label=_("drafting {lang}").format(lang=lang),
                                    show_pos=True)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        return run(progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@click.command("providers", help=_(
    "List the translation providers, their language pairs, and whether each is\n"
    "usable now (and if not, what to set or install). Setting values are never shown.\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk providers --json"))
@json_option
def providers_command(as_json: bool) -> None:
    from transdesk.providers import describe_providers

    described = describe_providers()
    if as_json:
        emit_json(described)
        return
    width = max(len(p["name"]) for p in described)
    for entry in described:
        state = (_("usable") if entry["usable"]
                 else _("not usable: {reason}").format(reason=entry["reason"]))
        click.echo(f"{entry['name']:<{width}}  {state}")
        click.echo(f"{'':<{width}}  "
                   + _("pairs: {pairs}").format(pairs=" ".join(entry["pairs"])))
        if entry["settings"]:
            click.echo(f"{'':<{width}}  "
                       + _("settings: {settings}").format(settings=", ".join(entry["settings"])))


@click.group("tm", help=_("Translation memory: exchange it with other tools as TMX 1.4."))
def tm_group() -> None:
    pass


@tm_group.command("import", help=_(
    "Add the translation units of TMX FILEs to the memory used by `draft`.\n"
    "\n"
    "Languages ru, uk (ua) and en are kept (ru-RU, uk-UA, ... are understood);\n"
    "units already in the memory are skipped, so importing a file again is harmless.\n"
    "Every file is read through first, then all are imported in one transaction: a\n"
    "malformed file exits 2 and adds nothing.\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk tm import memory.tmx"))
@click.argument("files", nargs=-1, required=True, type=click.Path())
@json_option
def tm_import_command(files: tuple[str, ...], as_json: bool) -> None:
    from transdesk.tm import import_tmx_files

    reports = list(zip(files, import_tmx_files(get_desk(create=True), files), strict=True))
    if as_json:
        emit_json([{"file": path, **report.as_dict()} for path, report in reports])
        return
    for path, report in reports:
        click.echo(_("{file}: imported {imported} ({duplicates} already known, {skipped}"
                     " without two of ru/uk/en)").format(
            file=path, imported=count_translation_units(report.imported),
            duplicates=report.duplicates, skipped=report.skipped))


def count_translation_units(count: int) -> str:
    return ngettext("{count} translation unit", "{count} translation units",
                    count).format(count=count)


@tm_group.command("export", help=_(
    "Write every translated/approved unit (with its source and all its done\n"
    "translations) to OUTPUT as TMX 1.4 (`-` for stdout).\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk tm export memory.tmx"))
@click.argument("output", type=click.Path())
@click.option("--article", "articles", multiple=True, metavar="ID",
              help=_("Only this article's units (repeatable)."))
@click.option("--include-imported", is_flag=True, help=_("Also write imported TMX memory."))
def tm_export_command(output: str, articles: tuple[str, ...], include_imported: bool) -> None:
    from transdesk.export import write_output
    from transdesk.files import database_files
    from transdesk.storage.drafts import article_targets
    from transdesk.tm import MemoryTmx

    refuse_database_as_output(output)
    desk = get_desk()
    if articles:
        article_targets(desk, articles)  # unknown article: exit 2
    tmx = MemoryTmx(desk, list(articles) or None, include_imported)
    write_output(output, tmx, database_files(desk.db.conn) if desk.engine == "sqlite" else [])
    if output != "-":
        click.echo(_("wrote {units} to {output}").format(
            units=count_translation_units(tmx.units), output=output))


COMMANDS: list[click.Command] = [draft_command, providers_command, tm_group]
