"""Filling a PostgreSQL desk for the tests: import on SQLite, then `db copy` it over
(the import is not ported to PostgreSQL yet)."""

from __future__ import annotations

from pathlib import Path

from conftest import Cli


def fill_from_samples(pg_url: str, samples: Path, work: Path, copies: int = 1) -> Path:
    """Import the sample articles (`copies` times each) into a SQLite desk under `work`
    and copy it to the PostgreSQL desk at `pg_url`; returns the SQLite desk's path."""
    lite = work / "filled.db"
    run = Cli(lite)
    for copy in range(copies):
        for path in sorted(samples.glob("*.txt")):
            result = run("import", str(path), "--id", f"{path.stem}-{copy}")
            assert result.exit_code == 0, result.output
    result = run("db", "copy", str(lite), pg_url)
    assert result.exit_code == 0, result.output
    return lite
