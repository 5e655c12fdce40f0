"""`next`, `submit`, `log`: the translator's loop, saving, and the history."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import click

from transdesk.commands.common import (
    as_option,
    desk_location,
    emit_json,
    emit_rows,
    get_db,
    get_desk,
    json_option,
    lang_option,
)

# workflow.DEFAULT_CLAIM_MINUTES, spelled out so that --help does not load the library
DEFAULT_CLAIM_MINUTES = 30.0


def claim_minutes_option(fn):
    return click.option(
        "--claim-minutes",
        type=float,
        default=DEFAULT_CLAIM_MINUTES,
        envvar="TRANSDESK_CLAIM_MINUTES",
        show_envvar=True,
        show_default=True,
        metavar="MINUTES",
        help="How long a handed-out unit stays reserved for you.",
    )(fn)


@click.command("next")
@lang_option(required=True, help="Target language: ru, uk (or ua), en.")
@click.option("--article", metavar="ARTICLE", help="Only units of this article.")
@click.option("--review", is_flag=True,
              help="Review: translated units by someone else; approve or correct them.")
@claim_minutes_option
@as_option
@json_option
def next_command(
    lang: str, article: str | None, review: bool, claim_minutes: float, translator: str,
    as_json: bool,
) -> None:
    """Work through the units that need a translation (or a review) in LANG.

    Untranslated units come first, then drafts, in article and position order; each
    unit handed out is claimed for you, so nobody else gets it meanwhile.

    \b
    Keys (any other line is your translation; Enter saves it):
      :a  accept the draft (--review: approve)   :e  write it in $EDITOR
      :s  skip                                   :q  quit (also Ctrl-D)
      :h  help                                   ::text  a text starting with ':'
    An empty line saves nothing.

    \b
    Examples:
      transdesk next --lang en
      transdesk next --lang uk --article ru-budget --review
      transdesk next --lang en --json     # claim one unit for a script
    """
    from transdesk import workflow

    desk, acting_as = _postgres_desk(translator)
    if desk is not None:
        from transdesk.storage import claims

        if as_json:
            emit_json(claims.next_unit(desk, lang, article, review, claim_minutes,
                                       acting_as=acting_as))
            return
        work = claims.ReconnectingWork(desk, reconnected=click.echo, acting_as=acting_as)
        _interactive(desk, lang, translator, article, review, claim_minutes, work)
        return
    db = get_db()
    if as_json:
        emit_json(workflow.next_unit(db, lang, translator, article, review, claim_minutes))
        return
    _interactive(db, lang, translator, article, review, claim_minutes, workflow)


def _interactive(db: Any, lang: str, translator: str, article: str | None, review: bool,
                 claim_minutes: float, work: Any) -> None:
    from transdesk.session import Session, Terminal

    terminal = Terminal(read=_read_line, write=click.echo, edit=_edit)
    Session(db, terminal, lang, translator, article, review, claim_minutes, work).run()


def _read_line(prompt: str) -> str | None:
    """A line from stdin, None at end of input; line editing on a terminal."""
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (arrow keys and history for input())
        try:
            return input(prompt)
        except EOFError:
            click.echo()
            return None
    click.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        click.echo()
        return None
    line = line.rstrip("\r\n")
    click.echo(line)  # piped input: echo it, so the output reads as a transcript
    return line


def _edit(text: str) -> str | None:
    from transdesk.session import EditorFailed

    try:
        return click.edit(text, extension=".txt", require_save=True)
    except click.ClickException as exc:
        raise EditorFailed(exc.format_message()) from None


@click.command("submit")
@click.argument("unit_id", type=int, metavar="UNIT_ID")
@lang_option(required=True)
@click.option("--text", metavar="TEXT", help="The translation.")
@click.option("--accept", is_flag=True, help="Accept the current draft as it is.")
@click.option("--approve", is_flag=True,
              help="Review: approve (with --accept) or correct (with --text) someone"
                   " else's translation.")
@as_option
@json_option
def submit_command(
    unit_id: int, lang: str, text: str | None, accept: bool, approve: bool, translator: str,
    as_json: bool,
) -> None:
    """Save a translation of UNIT_ID and release its claim.

    Refused (exit 1) while someone else's claim on the unit is live, for --accept
    without a draft, and for --approve of your own or an untranslated unit. An empty
    text, an unknown unit or language exit 2. A unit nobody claimed can be submitted.

    \b
    Examples:
      transdesk submit 1234 --lang en --text "The budget was adopted."
      transdesk submit 1234 --lang en --accept
      transdesk submit 1234 --lang en --accept --approve --as olena
    """
    from transdesk import workflow

    desk, acting_as = _postgres_desk(translator)
    if desk is not None:
        from transdesk.storage import claims

        result = claims.submit(desk, unit_id, lang, text=text, accept=accept, approve=approve,
                               acting_as=acting_as)
    else:
        result = workflow.submit(get_db(), unit_id, lang, translator, text=text,
                                 accept=accept, approve=approve)
    if as_json:
        emit_json(result.as_dict())
        return
    what = "saved" if result.changed else "unchanged"
    click.echo(f"unit {unit_id} {lang}: {what} ({result.status})")


def _postgres_desk(translator: str) -> tuple[Any, str | None]:
    """The desk if it is on PostgreSQL (else None), and whom to work for there: the
    translator is the server login; a name given with --as or TRANSDESK_USER that is not
    the login is passed on, and the server accepts it from an editor only."""
    from transdesk import storage

    if not storage.is_postgres(desk_location()):
        return None, None
    desk = get_desk()
    source = click.get_current_context().get_parameter_source("translator")
    name = translator.strip()
    if source in (None, click.core.ParameterSource.DEFAULT) \
            or name.casefold() == str(desk.login).casefold():
        return desk, None
    return desk, name


@click.command("log")
@click.argument("article", required=False)
@click.option("--unit", "unit_id", type=int, metavar="ID", help="Only this unit.")
@lang_option(required=False, help="Only this target language.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Show at most N changes (0: all).")
@json_option
def log_command(
    article: str | None, unit_id: int | None, lang: str | None, limit: int, as_json: bool,
) -> None:
    """Show the history of translations, newest first: who changed what, when, how.

    \b
    Examples:
      transdesk log ru-budget --lang en
      transdesk log --unit 1234 --json
    """
    from transdesk import workflow

    rows = workflow.history(get_db(), article, unit_id, lang, limit or None)
    emit_rows(rows, as_json, _describe_change, empty="no history yet")


def _describe_change(row: dict) -> str:
    status = row["new_status"]
    if row["old_status"] != row["new_status"]:
        status = f"{row['old_status']} → {row['new_status']}"
    lines = [
        f"{row['at'][:19].replace('T', ' ')}  {row['article']} {row['key']} (id {row['unit']})"
        f" {row['lang']}  {row['action']}  {status}  by {row['translator'] or '?'}"
        f" [{row['origin'] or '?'}]"
    ]
    if row["old_text"] != row["new_text"]:
        if row["old_text"] is not None:
            lines.append(f"    - {row['old_text']}")
        if row["new_text"] is not None:
            lines.append(f"    + {row['new_text']}")
    if row["note"]:
        lines.append(f"    note: {row['note']}")
    return "\n".join(lines)


COMMANDS: list[click.Command] = [next_command, submit_command, log_command]
