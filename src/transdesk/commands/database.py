"""`db info` and `db copy`: what a desk holds, and moving it between SQLite and PostgreSQL."""

from __future__ import annotations

import click

from transdesk.commands.common import emit_json, get_desk, json_option


@click.group("db")
def db_group() -> None:
    """The desk itself: its engine and schema, and copying it to another engine."""


@db_group.command("info")
@json_option
def db_info(as_json: bool) -> None:
    """Engine, server version, schema version, size and counts of the desk."""
    info = get_desk().info()
    if as_json:
        emit_json(info)
        return
    schema = info["schema"]
    click.echo(f"desk:     {info['location']} ({info['engine']})")
    if "login" in info:
        click.echo(f"login:    {info['login']}")
    click.echo(f"server:   {info['server_version']}")
    click.echo(f"schema:   {schema['steps']} steps, last {schema['last']}")
    click.echo(f"size:     {info['size_bytes'] / 1e6:.1f} MB")
    for name, count in info["counts"].items():
        click.echo(f"{name + ':':<17} {count}")


@db_group.command("copy")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--replace", is_flag=True, help="Overwrite a target desk that is not empty.")
@json_option
def db_copy(source: str, target: str, replace: bool, as_json: bool) -> None:
    """Copy the whole desk FROM into TO (each a SQLite file or a postgresql:// URL).

    Articles, layouts, units, translations, history, memory, exceptions and the MT
    cache are copied with their ids in one transaction, then checked table by table
    (row counts and SHA-256 checksums). A target that is not empty is refused unless
    --replace.

    \b
    Example:
      transdesk db copy transdesk.db postgresql://editor@db.newsroom/desk
    """
    from transdesk import storage
    from transdesk.storage.copy import copy_desk

    source_desk = storage.open(source)
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
        click.echo(f"{table.table:<22} {table.rows:>9} rows  sha256 {table.checksum[:16]}")
    click.echo(f"Copied {report.source} to {report.target}; every table checked.")


COMMANDS: list[click.Command] = [db_group]
