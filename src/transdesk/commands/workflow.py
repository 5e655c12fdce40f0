"""`next`, `submit`, `log`: the translator's loop, saving, and the history."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import sys
from typing import Any

import click

from transdesk.commands.common import (
    as_option,
    desk_location,
    emit_json,
    emit_rows,
    fits_sqlite,
    get_db,
    get_desk,
    json_option,
    lang_option,
)
from transdesk.i18n import _
from transdesk.text_safety import shown

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
        help=_("How long a handed-out unit stays reserved for you."),
    )(fn)


@click.command("next", help=_(
    "Work through the units that need a translation (or a review) in LANG.\n"
    "\n"
    "Overdue work comes first, then by priority, then by deadline (see `transdesk\n"
    "plan`); then untranslated units before drafts, in article and position order. Each\n"
    "unit handed out is claimed for you, so nobody else gets it meanwhile.\n"
    "\n"
    "\b\n"
    "Keys (any other line is your translation; Enter saves it):\n"
    "  :a  accept the draft (--review: approve)   :e  write it in $EDITOR\n"
    "  :s  skip                                   :q  quit (also Ctrl-D)\n"
    "  :h  help                                   ::text  a text starting with ':'\n"
    "An empty line saves nothing.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk next --lang en\n"
    "  transdesk next --lang uk --article ru-budget --review\n"
    "  transdesk next --lang en --json     # claim one unit for a script"))
@lang_option(required=True, help=_("Target language: ru, uk (or ua), en."))
@click.option("--article", metavar="ARTICLE", help=_("Only units of this article."))
@click.option("--review", is_flag=True,
              help=_("Review: translated units by someone else; approve or correct them."))
@claim_minutes_option
@as_option
@json_option
def next_command(
    lang: str, article: str | None, review: bool, claim_minutes: float, translator: str,
    as_json: bool,
) -> None:
    desk, acting_as = _postgres_desk(translator)
    if desk is not None:
        from transdesk.storage import claims

        if as_json:
            emit_json(claims.next_unit(desk, lang, article, review, claim_minutes,
                                       acting_as=acting_as, terms=True))
            return
        work = claims.ReconnectingWork(desk, reconnected=click.echo, acting_as=acting_as)
        _interactive(desk, lang, translator, article, review, claim_minutes, work)
        return
    from transdesk import workflow

    db = get_db()
    if as_json:
        from transdesk.desk_style import with_term_hits

        emit_json(with_term_hits(db, workflow.next_unit(db, lang, translator, article, review,
                                                        claim_minutes)))
        return
    _interactive(db, lang, translator, article, review, claim_minutes, workflow)


def _interactive(db: Any, lang: str, translator: str, article: str | None, review: bool,
                 claim_minutes: float, work: Any) -> None:
    from transdesk.session import Session, Terminal

    terminal = Terminal(read=_read_line, write=click.echo, edit=_edit)
    Session(db, terminal, lang, translator, article, review, claim_minutes, work).run()


def _read_line(prompt: str) -> str | None:
    """A line from stdin, None at end of input; line editing on a terminal.

    Bytes that are not UTF-8 come through as surrogate escapes, which the session
    refuses with a line saying so (rather than a crash)."""
    if sys.stdin is None:  # started with stdin closed: nothing will be typed
        return None
    if getattr(sys.stdin, "errors", None) == "strict" and hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
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
    click.echo(shown(line))  # piped input: echo it, so the output reads as a transcript
    return line


def _edit(text: str) -> str | None:
    from transdesk.session import EditorFailed

    editor = choose_editor()
    if editor is None:
        raise EditorFailed(_("no editor found (neither `editor` nor `vi` is installed)"))
    try:
        program = shlex.split(editor)[0]
    except (ValueError, IndexError):
        raise EditorFailed(_("cannot read the editor command {editor!r}").format(
            editor=editor)) from None
    if shutil.which(program) is None:
        raise EditorFailed(_("{program}: not found").format(program=program))
    try:
        return click.edit(text, editor=editor, extension=".txt", require_save=True)
    except click.ClickException as exc:
        raise EditorFailed(exc.format_message()) from None
    except UnicodeDecodeError:
        raise EditorFailed("the editor saved text that is not UTF-8") from None


def choose_editor() -> str | None:
    """$VISUAL, then $EDITOR, then Debian's `editor` alternative, then `vi`.

    Not click's own default, `sensible-editor`: with no choice made yet it stops at
    Debian's interactive select-editor menu.
    """
    for name in ("VISUAL", "EDITOR"):
        if os.environ.get(name, "").strip():
            return os.environ[name]
    for fallback in ("editor", "vi"):
        if shutil.which(fallback):
            return fallback
    return None


@click.command("submit", help=_(
    "Save a translation of UNIT_ID and release its claim.\n"
    "\n"
    "Refused (exit 1) while someone else's claim on the unit is live, for --accept\n"
    "without a draft, and for --approve of your own or an untranslated unit. An empty\n"
    "text, an unknown unit or language exit 2. A unit nobody claimed can be submitted.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk submit 1234 --lang en --text \"The budget was adopted.\"\n"
    "  transdesk submit 1234 --lang en --accept\n"
    "  transdesk submit 1234 --lang en --accept --approve --as olena"))
@click.argument("unit_id", type=int, metavar="UNIT_ID", callback=fits_sqlite)
@lang_option(required=True)
@click.option("--text", metavar="TEXT", help=_("The translation."))
@click.option("--accept", is_flag=True, help=_("Accept the current draft as it is."))
@click.option("--approve", is_flag=True,
              help=_("Review: approve (with --accept) or correct (with --text) someone"
                     " else's translation."))
@as_option
@json_option
def submit_command(
    unit_id: int, lang: str, text: str | None, accept: bool, approve: bool, translator: str,
    as_json: bool,
) -> None:
    desk, acting_as = _postgres_desk(translator)
    if desk is not None:
        from transdesk.storage import claims

        result = claims.submit(desk, unit_id, lang, text=text, accept=accept, approve=approve,
                               acting_as=acting_as)
    else:
        from transdesk import workflow

        result = workflow.submit(get_db(), unit_id, lang, translator, text=text,
                                 accept=accept, approve=approve)
    if as_json:
        emit_json(result.as_dict())
        return
    message = (_("unit {unit} {lang}: saved ({status})") if result.changed
               else _("unit {unit} {lang}: unchanged ({status})"))
    click.echo(message.format(unit=unit_id, lang=lang, status=result.status))


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


@click.command("log", help=_(
    "Show the history of translations, newest first: who changed what, when, how.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk log ru-budget --lang en\n"
    "  transdesk log --unit 1234 --json"))
@click.argument("article", required=False)
@click.option("--unit", "unit_id", type=int, metavar="ID", callback=fits_sqlite,
              help=_("Only this unit."))
@lang_option(required=False, help=_("Only this target language."))
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              metavar="N", callback=fits_sqlite, help=_("Show at most N changes (0: all)."))
@json_option
def log_command(
    article: str | None, unit_id: int | None, lang: str | None, limit: int, as_json: bool,
) -> None:
    from transdesk import workflow

    rows = workflow.history(get_desk(), article, unit_id, lang, limit or None)
    emit_rows(rows, as_json, _describe_change, empty=_("no history yet"))


def _describe_change(row: dict) -> str:
    status = row["new_status"]
    if row["old_status"] != row["new_status"]:
        status = f"{row['old_status']} → {row['new_status']}"
    lines = [
        _("{at}  {article} {key} (id {unit}) {lang}  {action}  {status}  by {translator}"
          " [{origin}]").format(
            at=row["at"][:19].replace("T", " "), article=row["article"], key=row["key"],
            unit=row["unit"], lang=row["lang"], action=shown(row["action"]), status=status,
            translator=shown(row["translator"] or "?"), origin=shown(row["origin"] or "?"))
    ]
    if row["old_text"] != row["new_text"]:
        if row["old_text"] is not None:
            lines.append(f"    - {shown(row['old_text'])}")
        if row["new_text"] is not None:
            lines.append(f"    + {shown(row['new_text'])}")
    if row["note"]:
        lines.append("    " + _("note: {note}").format(note=shown(row["note"])))
    return "\n".join(lines)


COMMANDS: list[click.Command] = [next_command, submit_command, log_command]
