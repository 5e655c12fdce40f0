"""The `transdesk` command line: a thin layer over the library.

This module holds the root group and the one place where errors become an
`Error: ...` line and an exit code. Commands live in `transdesk.commands.*`.
"""

from __future__ import annotations

import os
import sys

import click

from transdesk import __version__
from transdesk.commands import (
    articles,
    checking,
    database,
    drafting,
    exporting,
    team,
    workflow,
)
from transdesk.db import DEFAULT_DB
from transdesk.errors import TransdeskError

INTERNAL_ERROR = 3


class TransdeskGroup(click.Group):
    """The root group; its `main` is the one place where failures become one line."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        try:
            code = super().main(args, prog_name or "transdesk", complete_var,
                                standalone_mode=False, **extra)
        except TransdeskError as exc:
            _error(str(exc), exc.exit_code)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(2)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "transdesk"
            _error(f"{exc.format_message()} (see '{where} --help')", 2)
        except click.ClickException as exc:
            _error(exc.format_message(), exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): nothing left to say
            sys.exit(1)
        except Exception as exc:
            if os.environ.get("TRANSDESK_DEBUG") == "1":
                raise
            _error(f"unexpected {type(exc).__name__}: {exc} (set TRANSDESK_DEBUG=1 for the"
                   " traceback)", INTERNAL_ERROR)
        sys.exit(code if isinstance(code, int) else 0)


def _error(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group(cls=TransdeskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transdesk")
@click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    envvar="TRANSDESK_DB",
    show_envvar=True,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The desk: a SQLite file (created on first use) or a postgresql:// URL.",
)
@click.pass_context
def cli(ctx: click.Context, db_path: str) -> None:
    """Translate the newsroom's articles between Russian, Ukrainian and English."""
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path


for _module in (articles, workflow, drafting, exporting, checking, team, database):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `transdesk` script and `python -m transdesk`."""
    cli.main(args=argv, prog_name="transdesk")
