"""`db info` and `db copy`: what a desk holds, and moving it between SQLite and PostgreSQL."""

from __future__ import annotations

import click

from transdesk.commands.common import emit_json, get_desk, json_option
from transdesk.i18n import _, ngettext


@click.group("db", help=_(
    "The desk itself: its engine and schema, and copying it to another engine."))
def db_group() -> None:
    pass


@db_group.command("info", help=_(
    "Engine, server version, schema version, size and counts of the desk."))
@json_option
def db_info(as_json: bool) -> None:
    info = get_desk().info()
    if as_json:
        emit_json(info)
        return
    schema = info["schema"]
    click.echo(_("desk:     {location} ({engine})").format(
        location=info["location"], engine=info["engine"]))
    if "login" in info:
        click.echo(_("login:    {login}").format(login=info["login"]))
    click.echo(_("server:   {version}").format(version=info["server_version"]))
    click.echo(ngettext("schema:   {count} step, last {last}",
                        "schema:   {count} steps, last {last}", schema["steps"]).format(
                            count=schema["steps"], last=schema["last"]))
    click.echo(_("size:     {size:.1f} MB").format(size=info["size_bytes"] / 1e6))
    for name, count in info["counts"].items():
        click.echo(f"{name + ':':<17} {count}")


@db_group.command("copy", help=_(
    "Copy the whole desk FROM into TO (each a SQLite file or a postgresql:// URL).\n"
    "\n"
    "Articles, layouts, units, translations, history, memory, exceptions, the termbase,\n"
    "the desk word list and the MT cache are copied with their ids in one transaction,\n"
    "then checked table by table (row counts and SHA-256 checksums). A target that is\n"
    "not empty is refused unless --replace. FROM must exist; a missing SQLite file TO\n"
    "is created.\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk db copy transdesk.db postgresql://editor@db.newsroom/desk"))
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--replace", is_flag=True, help=_("Overwrite a target desk that is not empty."))
@json_option
def db_copy(source: str, target: str, replace: bool, as_json: bool) -> None:
    from transdesk import storage
    from transdesk.storage.copy import copy_desk

    source_desk = storage.open(source, create=False)
    try:
        target_desk = storage.open(target)
        try:
            report = copy_desk(source_desk, target_desk, replace=replace)
        finally:
            target_desk.close()
    finally:
        source_desk.close()
    if as_json:
        emit_json(report.as_dict())
        return
    for table in report.tables:
        rows = ngettext("{count} row", "{count} rows", table.rows).format(count=table.rows)
        click.echo(f"{table.table:<22} {rows:>14}  sha256 {table.checksum[:16]}")
    click.echo(_("Copied {source} to {target}; every table checked.").format(
        source=report.source, target=report.target))


COMMANDS: list[click.Command] = [db_group]
