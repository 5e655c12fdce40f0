"""Options, database access and output helpers shared by every command."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from transdesk.i18n import _
from transdesk.languages import normalize_lang, parse_lang_list

if TYPE_CHECKING:
    from sqlite_utils import Database

F = TypeVar("F", bound=Callable[..., Any])


def get_db(ctx: click.Context | None = None) -> Database:
    """The database named by `--db` / TRANSDESK_DB, opened once per command."""
    from transdesk.db import open_db

    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    root.ensure_object(dict)
    if "db" not in root.obj:
        root.obj["db"] = open_db(root.obj.get("db_path") or os.environ.get("TRANSDESK_DB")
                                 or "transdesk.db")
        root.call_on_close(root.obj["db"].close)
    return root.obj["db"]


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
        callback=lambda ctx, param, value: value or default_user(),
        help=_("Translator name (default: the login name)."),
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


def progress_bar(percent: float, width: int = 20) -> str:
    """`██████████░░░░░░░░░░` — readable at a glance, also without colour."""
    filled = round(width * percent / 100)
    return "█" * filled + "░" * (width - filled)
