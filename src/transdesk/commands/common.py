"""Options, database access and output helpers shared by every command."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.languages import normalize_lang, parse_lang_list

if TYPE_CHECKING:
    from sqlite_utils import Database

F = TypeVar("F", bound=Callable[..., Any])

# the largest integer SQLite stores: a larger unit id or limit is bad usage (exit 2),
# not an OverflowError
SQLITE_MAX_INT = 2**63 - 1


def fits_sqlite(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Option callback: an integer SQLite can store, else bad usage (not OverflowError)."""
    if isinstance(value, int) and abs(value) > SQLITE_MAX_INT:
        raise click.BadParameter(f"{value} is too large")
    return value


def desk_location(ctx: click.Context | None = None) -> str:
    """`--db` / TRANSDESK_DB: a SQLite file (default transdesk.db) or a PostgreSQL URL."""
    return database_path(ctx)


def get_desk(ctx: click.Context | None = None, create: bool = False) -> Any:
    """The desk named by `--db` / TRANSDESK_DB (either engine), opened once per command.

    Only commands that bring data in (`import`, `tm import`, `terms add`, `terms import`,
    `words add`) pass `create`: the others refuse a missing SQLite database (exit 2
    naming the path) instead of making an empty one."""
    from transdesk import storage

    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    root.ensure_object(dict)
    if "desk" not in root.obj:
        root.obj["desk"] = storage.open(desk_location(ctx), create=create)
        root.call_on_close(root.obj["desk"].close)
    return root.obj["desk"]


def get_postgres_desk(ctx: click.Context | None = None) -> Any:
    """The desk, which must be on PostgreSQL (team commands: logins are the server's)."""
    from transdesk import storage

    location = desk_location(ctx)
    if not storage.is_postgres(location):
        raise BadInput(_("team roles are the PostgreSQL server's: give a postgresql:// URL"
                         " (--db or TRANSDESK_DB); a SQLite desk names people with --as"))
    return get_desk(ctx)


def get_db(ctx: click.Context | None = None, create: bool = False) -> Database:
    """The sqlite-utils Database of a SQLite desk (the SQLite branch of `next` and
    `submit`; every command takes either engine through `get_desk`)."""
    desk = get_desk(ctx, create=create)
    if desk.engine != "sqlite":  # our bug: the caller should have taken the desk
        raise RuntimeError("get_db called for a PostgreSQL desk")
    return desk.db  # type: ignore[no-any-return]


def database_path(ctx: click.Context | None = None) -> str:
    """The database file named by `--db` / TRANSDESK_DB (default `transdesk.db`)."""
    root = (ctx or click.get_current_context()).find_root()
    obj = root.obj if isinstance(root.obj, dict) else {}
    return obj.get("db_path") or os.environ.get("TRANSDESK_DB") or "transdesk.db"


def refuse_database_as_output(output: str | None, folder: bool = False) -> None:
    """BadInput when writing to `output` would overwrite the database (or its -wal/-shm
    file), or, with `folder`, when the catalog folder `output` holds the database where
    catalogs are written."""
    from pathlib import Path

    from transdesk.errors import BadInput

    if not output or output == "-":  # stdout; an empty name is refused by the command
        return
    db = database_path()
    database_files = {Path(db + suffix).resolve() for suffix in ("", "-wal", "-shm")}
    target = Path(output).resolve()
    # catalogs go to DIR/<article>.pot and DIR/<lang>/LC_MESSAGES/<article>.po
    if folder and any(target in (f.parent, f.parent.parent.parent) for f in database_files):
        raise BadInput(_(
                "{output!r} holds the database {db!r}: write into another folder"
            ).format(output=output, db=db))
    if target in database_files:
        raise BadInput(_(
                "{output!r} is the database (--db / TRANSDESK_DB): writing there would destroy "
                "every translation; give another file"
            ).format(output=output))


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))(fn)


def _lang_callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, tuple):
        return parse_lang_list(list(value))
    return normalize_lang(value)


def lang_option(required: bool = True, multiple: bool = False, help: str | None = None):
    """`--lang L` (or `-l`): ru, uk (ua), en, case-insensitive."""
    return click.option(
        "--lang",
        "-l",
        "lang",
        required=required,
        multiple=multiple,
        callback=_lang_callback,
        metavar="LANG",
        help=help or _("Target language: ru, uk (or ua), en."),
    )


def as_option(fn: F) -> F:
    return click.option(
        "--as",
        "translator",
        envvar="TRANSDESK_USER",
        show_envvar=True,
        metavar="NAME",
        callback=_translator_callback,
        help=_("Translator name (default: the login name)."),
    )(fn)


def _translator_callback(ctx: click.Context, param: click.Parameter, value: Any) -> str:
    """The checked name: from --as, TRANSDESK_USER, or the login name (BadInput if bad)."""
    from click.core import ParameterSource

    from transdesk.translators import translator_name

    if not value:
        return translator_name(default_user(), "the login name")
    source = ctx.get_parameter_source(param.name or "translator")
    where = "TRANSDESK_USER" if source is ParameterSource.ENVIRONMENT else "--as"
    return translator_name(value, where)


def default_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def emit_json(data: Any) -> None:
    """Readable UTF-8 JSON; no control character or text-hiding override raw."""
    from transdesk.text_safety import json_text

    click.echo(json_text(json.dumps(data, ensure_ascii=False, indent=2)))


def emit_rows(
    rows: list[Any], as_json: bool, describe: Callable[[Any], str], empty: str | None = None
) -> None:
    """The rows as JSON (`[]` when there are none), or `describe(row)` for each row, or
    the `empty` line when there are none."""
    if as_json:
        emit_json(rows)
    elif not rows:
        if empty is not None:
            click.echo(empty)
    else:
        for row in rows:
            click.echo(describe(row))


def progress_bar(percent: float, width: int = 20) -> str:
    """`██████████░░░░░░░░░░` — readable at a glance, also without colour."""
    filled = round(width * percent / 100)
    return "█" * filled + "░" * (width - filled)
