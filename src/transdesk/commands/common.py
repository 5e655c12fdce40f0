"""Options, database access and output helpers shared by every command."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from transdesk.errors import BadInput
from transdesk.languages import normalize_lang, parse_lang_list

if TYPE_CHECKING:
    from sqlite_utils import Database

F = TypeVar("F", bound=Callable[..., Any])


def desk_location(ctx: click.Context | None = None) -> str:
    """`--db` / TRANSDESK_DB: a SQLite file (default transdesk.db) or a PostgreSQL URL."""
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    root.ensure_object(dict)
    return root.obj.get("db_path") or os.environ.get("TRANSDESK_DB") or "transdesk.db"


def get_desk(ctx: click.Context | None = None) -> Any:
    """The desk named by `--db` / TRANSDESK_DB (either engine), opened once per command."""
    from transdesk import storage

    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    root.ensure_object(dict)
    if "desk" not in root.obj:
        root.obj["desk"] = storage.open(desk_location(ctx))
        root.call_on_close(root.obj["desk"].close)
    return root.obj["desk"]


def get_postgres_desk(ctx: click.Context | None = None) -> Any:
    """The desk, which must be on PostgreSQL (team commands: logins are the server's)."""
    from transdesk import storage

    location = desk_location(ctx)
    if not storage.is_postgres(location):
        raise BadInput("team roles are the PostgreSQL server's: give a postgresql:// URL"
                       " (--db or TRANSDESK_DB); a SQLite desk names people with --as")
    return get_desk(ctx)


def get_db(ctx: click.Context | None = None) -> Database:
    """The SQLite database named by `--db` / TRANSDESK_DB, opened once per command."""
    from transdesk import storage

    if storage.is_postgres(desk_location(ctx)):
        name = click.get_current_context().command_path
        raise BadInput(f"'{name}' does not work on a PostgreSQL desk yet (on PostgreSQL so"
                       " far: next, submit, team, db info, db copy)")
    return get_desk(ctx).db


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(fn)


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
        help=help or "Target language: ru, uk (or ua), en.",
    )


def as_option(fn: F) -> F:
    return click.option(
        "--as",
        "translator",
        envvar="TRANSDESK_USER",
        show_envvar=True,
        callback=lambda ctx, param, value: value or default_user(),
        help="Translator name (default: the login name).",
    )(fn)


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`: English nouns that take an s."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def progress_bar(percent: float, width: int = 20) -> str:
    """`██████████░░░░░░░░░░` — readable at a glance, also without colour."""
    filled = round(width * percent / 100)
    return "█" * filled + "░" * (width - filled)
