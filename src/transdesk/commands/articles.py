"""`import`, `articles`, `units`, `status`: getting articles in and seeing where they stand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from transdesk.commands.common import (
    desk_location,
    emit_json,
    emit_rows,
    get_desk,
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
from transdesk.i18n import N_, _, ngettext
from transdesk.languages import normalize_lang, parse_lang_list
from transdesk.text_safety import shown

if TYPE_CHECKING:
    from transdesk.importing import ImportReport

NO_ARTICLES = N_("no articles yet: transdesk import FILE")
# languages.NAMES, for a person reading the interface language
LANGUAGE_NAMES = {"ru": N_("Russian"), "uk": N_("Ukrainian"), "en": N_("English")}


@click.command("import", help=_(
    "Import article FILEs, or update articles imported before (msgmerge-style).\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk import examples/ru-budget.txt\n"
    "  transdesk import --lang ua --id bridge --targets ru,en bridge.txt\n"
    "  transdesk import breaking.txt --priority urgent --due +45m"))
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--lang", "lang", metavar="LANG",
              help=_("Source language (ru, uk/ua, en); detected from the text if absent."))
@click.option("--id", "article_id", metavar="SLUG",
              help=_("Article id ([a-z0-9][a-z0-9-]*, at most 100); default: the file name,"
                     " transliterated and slugified."))
@click.option("--update", is_flag=True,
              help=_("The files are new versions of the articles their names give, even if"
                     " those were imported from files of another name."))
@click.option("--targets", metavar="LANGS",
              help=_("Comma-separated target languages (default: the other two)."))
@click.option("--encoding", metavar="NAME", help=_("Text encoding (default: detected)."))
@click.option("--quiet", "-q", is_flag=True, help=_("Print only the total line."))
@priority_option
@due_option
@json_option
def import_command(
    files: tuple[str, ...],
    lang: str | None,
    article_id: str | None,
    update: bool,
    targets: str | None,
    encoding: str | None,
    quiet: bool,
    priority: str | None,
    due: str | None,
    as_json: bool,
) -> None:
    from transdesk import importing

    source_lang = normalize_lang(lang) if lang else None
    target_list = parse_lang_list(targets) if targets else None
    planned = make_plan(priority, due)
    totals = {"articles": 0, "created": 0, "units": 0}
    shown: list[dict] = []  # --json: every report; otherwise each is printed and let go

    def report_one(report: ImportReport) -> None:
        if report.looks_like:
            click.echo(_("warning: {article} was imported as {language} ({lang}), but its"
                         " text looks {looks_like} ({looks_like_lang})").format(
                article=report.article, language=_(LANGUAGE_NAMES[report.source_lang]),
                lang=report.source_lang, looks_like=_(LANGUAGE_NAMES[report.looks_like]),
                looks_like_lang=report.looks_like), err=True)
        totals["articles"] += 1
        totals["created"] += report.created
        totals["units"] += report.units
        if as_json:
            shown.append(report.as_dict())
        elif not quiet:
            click.echo(describe_import(report))

    options = importing.ImportOptions(
        lang=source_lang, article_id=article_id, targets=target_list, encoding=encoding,
        update=update, planned=planned, progress=report_one, keep=False)
    from transdesk.files import expand_folders

    paths = expand_folders(files)  # a folder: its .txt files, in name order
    location = desk_location()
    if importing.builds_new_file(location):  # built beside, put in place when complete
        importing.import_new_file(location, paths, options)
    else:
        importing.import_files(get_desk(create=True), paths, options)
    if as_json:
        emit_json(shown)
        return
    if totals["articles"] > 1 or quiet:
        click.echo(_("{articles} ({created} new, {updated} updated), {units}").format(
            articles=count_articles(totals["articles"]), created=totals["created"],
            updated=totals["articles"] - totals["created"],
            units=count_units(totals["units"])))


def count_articles(count: int) -> str:
    return ngettext("{count} article", "{count} articles", count).format(count=count)


def count_units(count: int) -> str:
    return ngettext("{count} unit", "{count} units", count).format(count=count)


def describe_import(report: ImportReport) -> str:
    if report.created:
        return _("imported {article} ({lang}): {units}").format(
            article=report.article, lang=report.source_lang, units=count_units(report.units))
    lines = [
        _("updated {article}: {new} new, {unchanged} unchanged, {changed} changed,"
          " {retouched} retouched (typography only), {obsolete} obsolete").format(
            article=report.article, new=report.new, unchanged=report.unchanged,
            changed=report.changed, retouched=report.retouched, obsolete=report.obsolete)
    ]
    for change, key, text in report.changes:
        lines.append(f"  {change:<9} {key:<8} {shown(_clip(text, 70))}")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command("articles", help=_(
    "List articles: id, source language, percent complete per target, title."))
@json_option
def articles_command(as_json: bool) -> None:
    from transdesk import schedule, store

    db = get_desk()
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
        line = (f"{row['id']:<{width}}  {row['source_lang']}  {targets}"
                f"  {shown(_clip(row['title'], 60))}")
        for lang in row["targets"]:
            entry = times.get(row["id"], {}).get(lang)
            if entry and (entry["due"] or entry["priority"] != "normal" or entry["overdue"]):
                line += f"\n{'':<{width}}    {lang}  {deadline_text(entry)}"
        return line

    emit_rows(rows, as_json, describe, empty=_(NO_ARTICLES))


@click.command("units", help=_("Show an ARTICLE's units in order, with their translations."))
@click.argument("article")
@lang_option(required=False, help=_("Show only this target language."))
@json_option
def units_command(article: str, lang: str | None, as_json: bool) -> None:
    from transdesk import store

    db = get_desk()
    rows = store.list_units(db, article, lang)
    if as_json:
        from transdesk.desk_style import add_term_hits

        # the termbase code reads a sqlite-utils Database on SQLite (the desk elsewhere)
        terms_db = db.db if db.engine == "sqlite" else db
        rows = add_term_hits(terms_db, rows, store.get_article(db, article)["source_lang"])
    emit_rows(rows, as_json, _describe_unit)


def _describe_unit(unit: dict) -> str:
    lines = [f"{unit['id']:>7}  {unit['key']:<8} {shown(unit['source'])}"]
    for target, tr in unit["translations"].items():
        text = f" {shown(tr['text'])}" if tr["text"] else ""  # no trailing space without one
        lines.append(f"{'':>7}    {target} [{tr['status']}]{text}")
    return "\n".join(lines)


@click.command("status", help=_(
    "Units and source words by status, per article and target language."))
@click.argument("articles", nargs=-1)
@lang_option(required=False, help=_("Only this target language."))
@json_option
def status_command(articles: tuple[str, ...], lang: str | None, as_json: bool) -> None:
    from transdesk import schedule, store

    db = get_desk()
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
        counts = _("untranslated {untranslated} · draft {draft} · translated {translated}"
                   " · approved {approved}  (words {done}/{total})").format(
            untranslated=units["untranslated"], draft=units["draft"],
            translated=units["translated"], approved=units["approved"], done=done_words,
            total=sum(words.values()))
        return (f"{row['article']:<{width}}  {row['lang']}  {progress_bar(row['percent'])}"
                f" {row['percent']:5.1f}%  {counts}"
                f"  {deadline_text(times[(row['article'], row['lang'])])}")

    emit_rows(rows, as_json, describe, empty=_(NO_ARTICLES))


def units_left(counts: list[dict]) -> dict[tuple[str, str], int]:
    """Units left (untranslated and draft) per (article, language) from `status` rows."""
    return {(r["article"], r["lang"]): r["units"]["untranslated"] + r["units"]["draft"]
            for r in counts}


COMMANDS = [import_command, articles_command, units_command, status_command]
