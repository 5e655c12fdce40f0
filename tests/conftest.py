"""Shared fixtures: an isolated environment, a database file, the CLI and the samples."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pg_fixtures import (  # noqa: F401  (fixtures and hooks for a real PostgreSQL server)
    LIBPQ_VARIABLES,
    desk_url,
    logins,
    pg_desk_name,
    pg_empty,
    pg_server,
    pg_template,
    pg_url,
    pytest_addoption,
    pytest_generate_tests,
)

from transdesk.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "samples"  # the sample articles with their gold sentences
MAKE_CORPUS = ROOT / "bench" / "make_corpus.py"
SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.txt") if (SAMPLES / f"{p.stem}.gold.json").exists())


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No TRANSDESK_* setting leaks in from the machine; each test gets its own cwd."""
    for name in list(os.environ):
        if name.startswith("TRANSDESK_"):
            monkeypatch.delenv(name)
    for name in LIBPQ_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRANSDESK_USER", "tester")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


class Cli:
    """Runs the real CLI in-process against one database file."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        result = self.runner.invoke(cli, ["--db", str(self.db_path), *args], input=input,
                                    env=env, catch_exceptions=False)
        return result

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def run(db_path: Path) -> Cli:
    return Cli(db_path)


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    """A copy of the sample articles in a folder of the test's own."""
    target = tmp_path / "samples"
    shutil.copytree(SAMPLES, target)
    return target


def gold(name: str) -> list[list[str]]:
    return json.loads((SAMPLES / f"{name}.gold.json").read_text(encoding="utf-8"))["paragraphs"]


def transdesk_cmd() -> list[str]:
    """The installed CLI as a subprocess command (python -m, same interpreter)."""
    return [sys.executable, "-m", "transdesk"]
