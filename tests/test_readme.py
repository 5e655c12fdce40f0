"""The README's command reference is generated from --help and kept current."""

from __future__ import annotations

import subprocess
import sys

import click
from conftest import ROOT

from transdesk.cli import cli


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            found += all_commands(command, path)
        else:
            found.append(path)
    return found


def test_every_command_has_help_and_a_place_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = all_commands(cli)
    assert len(commands) >= 15
    for path in commands:
        command = cli
        for part in path:
            command = command.commands[part]
        assert (command.help or "").strip(), f"{' '.join(path)} has no help"
        assert f"### transdesk {' '.join(path)}\n" in readme, f"{' '.join(path)} not in README"


def test_readme_command_reference_is_current():
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "README.md"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, "README is stale: run `cog -r README.md`\n" + result.stdout


def test_help_metavars_are_the_readmes_words_not_click_type_names():
    """`--threshold PCT`, `--limit N`, `--as NAME` as the README writes them, never
    click's `FLOAT RANGE`, `INTEGER RANGE`, `TEXT`, `INTEGER`, `FLOAT`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in all_commands(cli):
        result = subprocess.run([sys.executable, "-m", "transdesk", *path, "--help"],
                                capture_output=True, text=True, env={"COLUMNS": "88"})
        for type_name in ("FLOAT RANGE", "INTEGER RANGE", "INTEGER", "FLOAT", "STRING",
                          "--as TEXT"):
            assert type_name not in result.stdout, (path, type_name)
    for option in ("--threshold PCT", "--limit N", "--as NAME"):
        assert option in readme.split("## Command reference")[0], option  # the prose
        assert option in readme.split("## Command reference")[1], option  # the --help copy
