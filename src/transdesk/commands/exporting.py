"""`export`: articles out of the database."""

from __future__ import annotations

import click

from transdesk.commands.common import get_db, lang_option


@click.command("export")
@click.argument("article")
@lang_option(required=True, help="Language to export (the source language gives the original).")
@click.option("-o", "--output", default="-", show_default=True,
              help="File to write, or - for stdout.")
@click.option("--format", "fmt", type=click.Choice(["article"]), default="article",
              show_default=True)
def export_command(article: str, lang: str, output: str, fmt: str) -> None:
    """Export ARTICLE in a language, in the source's exact layout."""
    from transdesk.export import export_article, write_output

    data = export_article(get_db(), article, lang)
    write_output(output, data)


COMMANDS = [export_command]
