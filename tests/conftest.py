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
    desk_engine,
    desk_url,
    logins,
    pg_desk_name,
    pg_empty,
    pg_server,
    pg_template,
    pg_url,
    pytest_addoption,
    pytest_generate_tests,
    skip_outside_postgres_pass,
)

# The interface language of the whole run: English unless TRANSDESK_LANG says otherwise
# (scripts/test.sh runs the suite once more with TRANSDESK_LANG=uk). Set before the CLI
# is imported, since option help is translated when the commands are defined.
INTERFACE_LANG = os.environ.get("TRANSDESK_LANG") or "en"
os.environ["TRANSDESK_LANG"] = INTERFACE_LANG

from transdesk import desk_style  # noqa: E402
from transdesk.cli import cli  # noqa: E402
from transdesk.i18n import interface_language  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "samples"  # the sample articles with their gold sentences
MAKE_CORPUS = ROOT / "bench" / "make_corpus.py"
SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.txt") if (SAMPLES / f"{p.stem}.gold.json").exists())


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No TRANSDESK_* setting leaks in from the machine; each test gets its own cwd."""
    for name in list(os.environ):
        if name.startswith("TRANSDESK_") and name != "TRANSDESK_LANG":
            monkeypatch.delenv(name)
    for name in LIBPQ_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRANSDESK_USER", "tester")
    monkeypatch.chdir(tmp_path)
    desk_style.use_shipped()  # no termbase left active by an earlier test


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that compare English interface text run only when the interface is English;
    the `--desk postgresql` pass skips the tests that look inside a SQLite file."""
    if desk_engine(config) == "postgresql":
        skip_outside_postgres_pass(items)
    if interface_language() == "en":
        return
    skip = pytest.mark.skip(reason=f"compares English text; interface is {INTERFACE_LANG}")
    for item in items:
        if "english" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


class Cli:
    """Runs the real CLI in-process against one database file."""

    def __init__(self, db_path: Path | str) -> None:
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
def run(db_path: Path, request: pytest.FixtureRequest) -> Cli:
    """The CLI on the test's own desk: a SQLite file, or with `--desk postgresql` a
    PostgreSQL database of the test's own (`run.db_path` is then its URL)."""
    if desk_engine(request.config) == "postgresql":
        return Cli(request.getfixturevalue("pg_url"))
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
