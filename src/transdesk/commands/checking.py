"""`check` (the CI gate), `accept` and `accepted` (known exceptions to quality checks).

The checks' compiled expressions and the database check load only when a command runs:
the names the options and the help list come from `transdesk.registry.CHECKS` and
`check.render.FORMATS`, which are cheap to import.
"""

from __future__ import annotations

import functools

import click

from transdesk.check.render import FORMATS as REPORT_FORMATS
from transdesk.commands.common import as_option, emit_json, get_desk, json_option, lang_option
from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.registry import CHECKS
from transdesk.text_safety import check_text, shown

FORMATS = REPORT_FORMATS
CHECK_NAMES = CHECKS.names()


def _check_list() -> str:
    """The check names for the help, wrapped under `Checks:`."""
    import textwrap

    return "\n        ".join(textwrap.wrap(", ".join(CHECK_NAMES) + ".", 80))


@click.command("check", help=_(
    "Check that ARTICLEs (default: all) are translated and pass the quality checks.\n"
    "\n"
    "Exit 0 when every article is at least --min percent complete in every language\n"
    "checked (quality findings are warnings, unless --strict); 1 when not, listing each\n"
    "missing or draft unit as `article:key [lang] status`; 2 on bad usage.\n"
    "Known exceptions recorded with `transdesk accept` (in a catalog: the flag\n"
    "`#, accept-CHECK` on the entry) are not reported.\n"
    "\n"
    "\b\n"
    "Checks: {checks}\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk check\n"
    "  transdesk check ru-budget --lang ua --strict\n"
    "  transdesk check --min 80 --format junit > check.xml\n"
    "  transdesk check --po locales --strict --format github\n"
    "  transdesk words list > words.txt; transdesk check --po locales --words words.txt\n"
    "  transdesk check --due               # cron: exit 1 when a deadline has passed"
).format(checks=_check_list()))
@click.argument("articles", nargs=-1)
@lang_option(required=False, multiple=True,
             help=_("Target language to check (repeatable or comma-separated; default: each"
                    " article's targets)."))
@click.option("--min", "min_percent", default="100", show_default=True, metavar="PERCENT",
              help=_("Fail when an article is below this percent complete in a language."))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help=_("Report format."))
@click.option("--json", "as_json", is_flag=True, help=_("Same as --format json."))
@click.option("--strict", is_flag=True, help=_("Quality findings fail the check (exit 1)."))
@click.option("--ignore", multiple=True, metavar="NAME",
              help=_("Skip a quality check (repeatable or comma-separated): {checks}.").format(
                  checks=", ".join(CHECK_NAMES)))
@click.option("--po", "po_dir", metavar="DIR",
              help=_("Check the gettext catalogs DIR/<lang>/LC_MESSAGES/<article>.po instead"
                     " of the database (no database is opened)."))
@click.option("--words", "words_file", metavar="FILE",
              help=_("With --po: a desk word list for the spelling check, as 'transdesk words"
                     " list' prints it (LANG WORD per line)."))
@click.option("--allow-empty", is_flag=True,
              help=_("Pass when there is nothing to check (no articles; by default exit 2)."))
@click.option("--due", is_flag=True,
              help=_("Check deadlines only: exit 1 when a language is past its deadline and"
                     " incomplete."))
@click.pass_context
def check_command(
    ctx: click.Context,
    articles: tuple[str, ...],
    lang: list[str],
    min_percent: str,
    fmt: str,
    as_json: bool,
    strict: bool,
    ignore: tuple[str, ...],
    po_dir: str | None,
    words_file: str | None,
    allow_empty: bool,
    due: bool,
) -> None:
    if due:
        from transdesk.commands.reporting import check_due

        check_due(ctx, list(articles) or None, lang or None, as_json or fmt == "json")
        return
    from transdesk.check.options import parse_ignore, parse_min
    from transdesk.check.render import chunks

    minimum, ignored = parse_min(min_percent), parse_ignore(ignore)  # before the database
    if po_dir is not None:
        from transdesk.check.catalogs import check_catalogs
        from transdesk.desk_style import read_word_list

        words = read_word_list(words_file) if words_file else None
        check = functools.partial(check_catalogs, po_dir, words=words)
    elif words_file is not None:
        raise click.UsageError(_("--words goes with --po (the database has its own word list)"))
    else:
        from transdesk.check.database import check_database

        # only the JSON report prints each finding's source and translation
        check = functools.partial(check_database, get_desk(),
                                  texts=as_json or fmt == "json")
    report = check(list(articles) or None, lang or None, min_percent=minimum,
                   strict=strict, ignore=ignored)
    if report.empty and not allow_empty:
        # a CI job pointed at the wrong database must not pass the gate
        raise BadInput(_(
                "nothing to check: no article in the languages asked (--allow-empty passes on an "
                "empty database)"
            ))
    for chunk in chunks(report, "json" if as_json else fmt):  # as the results come
        click.echo(chunk, nl=False)
    ctx.exit(report.exit_code)


@click.command("accept", help=_(
    "Accept a quality-check finding on one unit as a known exception.\n"
    "\n"
    "`check` no longer reports that check on ARTICLE's unit KEY in the language, as long\n"
    "as the translation stays the one accepted; the acceptance is recorded (who, when,\n"
    "note) with a history row. Exit 1 when the check finds nothing there.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk accept ru-budget p3.s1 --lang en --check quotes --note \"dialogue\"\n"
    "  transdesk accept ru-budget p3.s1 --lang en --check quotes --revoke"))
@click.argument("article")
@click.argument("key")
@lang_option(required=True)
@click.option("--check", "check_name", required=True, metavar="NAME",
              help=_("The check whose finding is accepted: {checks}.").format(
                  checks=", ".join(CHECK_NAMES)))
@click.option("--note", metavar="TEXT",
              help=_("Why the finding is fine (kept in the history)."))
@click.option("--revoke", is_flag=True, help=_("Remove the exception: the check speaks again."))
@as_option
@json_option
def accept_command(
    article: str,
    key: str,
    lang: str,
    check_name: str,
    note: str | None,
    revoke: bool,
    translator: str,
    as_json: bool,
) -> None:
    from transdesk.check import exceptions

    if note is not None:
        check_text(note, "--note")
    desk = get_desk()
    if revoke:
        exceptions.revoke_finding(desk, article, key, lang, check_name, translator)
        if as_json:
            emit_json({"article": article, "key": key, "lang": lang,
                       "check": check_name.lower(), "revoked": True})
        else:
            click.echo(_("revoked: {article}:{key} [{lang}] {check}").format(
                article=article, key=key, lang=lang, check=check_name.lower()))
        return
    record = exceptions.accept_finding(desk, article, key, lang, check_name, translator, note)
    if as_json:
        emit_json(record)
        return
    click.echo(_("accepted: {article}:{key} [{lang}] {check}: {message}").format(
        article=article, key=key, lang=lang, check=record["check"], message=record["message"]))


@click.command("accepted", help=_(
    "List the accepted exceptions (`stale` once the translation changed since)."))
@click.argument("articles", nargs=-1)
@json_option
def accepted_command(articles: tuple[str, ...], as_json: bool) -> None:
    from transdesk.check import exceptions

    rows = exceptions.list_exceptions(get_desk(), list(articles) or None)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo(_("no accepted exceptions"))
        return
    for row in rows:
        stale = "" if row["current"] else "  " + _("(stale: the translation changed)")
        note = f"  {shown(row['note'])}" if row["note"] else ""
        line = _("{article}:{key} [{lang}] {check}  by {who} {date}").format(
            article=row["article"], key=row["key"], lang=row["lang"], check=row["check"],
            who=shown(row["accepted_by"]), date=row["at"][:10])
        click.echo(f"{line}{note}{stale}")


COMMANDS = [check_command, accept_command, accepted_command]
