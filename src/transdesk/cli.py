"""The `transdesk` command line: a thin layer over the library.

This module holds the root group and the one place where errors become an
`Error: ...` line and an exit code. Commands live in `transdesk.commands.*`.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys

import click

from transdesk.i18n import _, translate_click

translate_click()  # before any command is defined: click translates some words then

from transdesk import __version__  # noqa: E402
from transdesk.db import DEFAULT_DB, describe_sqlite_error  # noqa: E402
from transdesk.errors import TransdeskError  # noqa: E402

INTERNAL_ERROR = 3
# the modules of transdesk.commands, in the order their COMMANDS are added
COMMAND_MODULES = ("articles", "workflow", "drafting", "exporting", "checking", "terms",
                   "reporting", "team", "database")
# commands run often, and their module: only that one is imported to run them (the
# others cost a short command a third of its time); any other name loads them all
HOT_COMMANDS = {"import": "articles", "articles": "articles", "units": "articles",
                "status": "articles", "next": "workflow", "submit": "workflow",
                "log": "workflow", "check": "checking"}


class TransdeskGroup(click.Group):
    """The root group; its `main` is the one place where failures become one line.
    Its commands are imported when asked for (`commands` holds them all once read)."""

    _loaded: set[str]

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        self._load(*COMMAND_MODULES)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def _load(self, *modules: str) -> None:
        loaded = self.__dict__.setdefault("_loaded", set())
        for module in modules:
            if module not in loaded:
                loaded.add(module)
                # __import__, not importlib: `-X importtime` shows what it loads
                found = __import__(f"transdesk.commands.{module}", fromlist=["COMMANDS"])
                for command in found.COMMANDS:
                    self._commands[command.name or ""] = command

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in HOT_COMMANDS:
            self._load(HOT_COMMANDS[cmd_name])
        if cmd_name not in self._commands:
            self._load(*COMMAND_MODULES)
        return self._commands.get(cmd_name)

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
            _error(_("{message} (see '{command} --help')").format(
                message=exc.format_message(), command=where), 2)
        except click.ClickException as exc:
            _error(exc.format_message(), exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo(_("Interrupted."), err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): nothing left to say
            sys.exit(1)
        except sqlite3.Error as exc:
            described = describe_sqlite_error(exc)
            if described is None:
                _unexpected(exc)
            else:
                _error(*described)
        except OSError as exc:
            if exc.errno not in _ENVIRONMENT_ERRNOS:
                _unexpected(exc)
            where = f" ({exc.filename})" if exc.filename else ""
            _error(f"{exc.strerror or exc}{where}", 2)
        except MemoryError:
            _error(_("out of memory: the input is too large for this machine"), 2)
        except Exception as exc:
            _unexpected(exc)
        sys.exit(code if isinstance(code, int) else 0)


# failures of the machine, not of transdesk: a full disk, permissions, a read-only volume
_ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES,
                                 errno.EPERM, errno.EIO, errno.ENAMETOOLONG})


def _unexpected(exc: BaseException) -> None:
    if os.environ.get("TRANSDESK_DEBUG") == "1":
        raise exc
    _error(_("unexpected {kind}: {error} (set TRANSDESK_DEBUG=1 for the traceback)")
           .format(kind=type(exc).__name__, error=exc), INTERNAL_ERROR)


def _error(message: str, code: int) -> None:
    from transdesk.text_safety import shown

    click.echo(f"Error: {shown(message)}", err=True)  # one line, whatever it quotes
    sys.exit(code)


@click.group(cls=TransdeskGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=_("Translate the newsroom's articles between Russian, Ukrainian and English."))
@click.version_option(__version__, prog_name="transdesk")
@click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    envvar="TRANSDESK_DB",
    show_envvar=True,
    show_default=True,
    type=click.Path(dir_okay=False),
    help=_("The desk: a SQLite file (created by import, tm import, terms add/import and"
           " words add) or a postgresql:// URL."),
)
@click.pass_context
def cli(ctx: click.Context, db_path: str) -> None:
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    files = sys.modules.get("transdesk.files")  # (not imported just for this)
    if files is not None:
        files.forget_listings()  # a command in-process after another lists folders anew


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `transdesk` script and `python -m transdesk`. SIGTERM and
    SIGHUP stop the command cleanly (rollback, temporary files and workers removed)."""
    from transdesk.processes import exit_on_termination

    exit_on_termination()
    cli.main(args=argv, prog_name="transdesk")
