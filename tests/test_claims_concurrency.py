"""Claims under many translators at once: separate processes, one database file."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from conftest import Cli

WORKERS = 20


def translator(db_path: str, name: str, barrier, results) -> None:
    """One translator in a process of its own: next --json, submit, until nothing is left."""
    run = Cli(Path(db_path))
    got: list[int] = []
    errors: list[str] = []
    barrier.wait()  # everybody asks at the same moment ...
    first_round = True
    while True:
        result = run("next", "--lang", "en", "--json", "--as", name)
        if first_round:
            barrier.wait()  # ... and holds the claim until all twenty have one
            first_round = False
        if result.exit_code != 0:
            errors.append(result.output)
            break
        unit = json.loads(result.stdout)
        if unit is None:
            break
        got.append(unit["id"])
        saved = run("submit", str(unit["id"]), "--lang", "en", "--text", f"{name}:{unit['id']}",
                    "--as", name)
        if saved.exit_code != 0:
            errors.append(saved.output)
    results.put((name, got, errors))


@pytest.fixture
def corpus(run, samples) -> int:
    for copy in range(4):
        for path in sorted(samples.glob("*.txt")):
            assert run("import", str(path), "--id", f"{path.stem}-{copy}").exit_code == 0
    conn = sqlite3.connect(run.db_path)
    count = conn.execute("SELECT COUNT(*) FROM translations WHERE lang = 'en'").fetchone()[0]
    conn.close()
    assert count > WORKERS * 2
    return count


def test_twenty_processes_never_share_a_unit_and_lose_nothing(corpus, db_path):
    ctx = multiprocessing.get_context("forkserver")  # no SQLite state inherited from earlier tests
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=translator, args=(str(db_path), f"t{i:02d}", barrier, results))
             for i in range(WORKERS)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    assert [errors for _name, _got, errors in outcomes if errors] == []
    handed_out = [unit for _name, got, _errors in outcomes for unit in got]
    assert len(handed_out) == len(set(handed_out)) == corpus  # no unit twice, none left over
    firsts = [got[0] for _name, got, _errors in outcomes if got]
    assert len(firsts) == len(set(firsts)) == WORKERS  # twenty claims held at once, all distinct
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT unit_id, text, status, translator, claimed_by FROM translations WHERE lang = 'en'"
    ).fetchall()
    history = conn.execute("SELECT COUNT(*) FROM history WHERE lang = 'en'").fetchone()[0]
    conn.close()
    owner = {unit: name for name, got, _errors in outcomes for unit in got}
    assert {(u, text, status, who, claimed) for u, text, status, who, claimed in rows} == {
        (u, f"{owner[u]}:{u}", "translated", owner[u], None) for u in owner
    }
    assert history == corpus  # every submission kept, each with its history row
