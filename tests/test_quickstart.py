"""The README's front door: its two commands exist, CI runs the test one, and the
main job runs end to end on the built-in defaults."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAIN_JOB = "bash scripts/quickstart.sh"
TEST_JOB = "bash scripts/test.sh"


def test_readme_gives_the_two_setup_commands_and_ci_runs_the_test_one():
    assert MAIN_JOB in README
    assert TEST_JOB in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^exec bash scripts/test\.sh\b", ci, re.M)


def test_quickstart_main_job_runs_end_to_end(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSDESK_")}
    env["TRANSDESK_DEMO_DIR"] = str(tmp_path / "demo")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(["bash", str(ROOT / "scripts" / "quickstart.sh"), "--no-install"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    demo = tmp_path / "demo"
    translated = (demo / "ru-budget.uk.txt").read_text(encoding="utf-8")
    source = (ROOT / "examples" / "ru-budget.txt").read_text(encoding="utf-8")
    # same layout: the switcher line and the blank-line structure are the source's
    assert translated.splitlines()[0] == source.splitlines()[0]
    assert [bool(line.strip()) for line in translated.splitlines()] == [
        bool(line.strip()) for line in source.splitlines()]
    assert "Понеділок, 17 лютого" in translated  # the date line, through CLDR
    assert (demo / "locales" / "uk" / "LC_MESSAGES" / "ru-budget.po").exists()
    assert (demo / "locales" / "uk" / "LC_MESSAGES" / "ru-budget.mo").exists()
    assert "Done: database" in result.stdout
    # the end says how to reach the demo database, and that line works as printed
    line = next(line.strip() for line in result.stdout.splitlines()
                if line.strip().startswith("export TRANSDESK_DB="))
    assert line == f"export TRANSDESK_DB={demo / 'transdesk.db'}"
    listed = subprocess.run([sys.executable, "-m", "transdesk", "articles"], cwd=tmp_path,
                            env={**env, "TRANSDESK_DB": line.split("=", 1)[1]},
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "ru-budget" in listed.stdout, listed.stdout
    # the unit `next --json` claimed for the demo was given back
    conn = sqlite3.connect(demo / "transdesk.db")
    assert conn.execute("SELECT count(*) FROM translations WHERE claimed_by IS NOT NULL"
                        ).fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM history").fetchone()[0] > 0


def test_the_demo_folder_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "transdesk-demo/" in ignored


def _repo_files() -> dict[str, tuple[int, int]]:
    """Every file in the checkout (but caches and virtual environments): size and mtime."""
    skip = {".git", ".venv", ".venv-floor", "__pycache__", ".pytest_cache", ".ruff_cache",
            ".mypy_cache", "out", "transdesk-demo"}
    found = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip and not d.endswith(".egg-info")]
        for name in files:
            path = os.path.join(folder, name)
            st = os.stat(path)
            found[os.path.relpath(path, ROOT)] = (st.st_size, st.st_mtime_ns)
    return found


def test_a_day_at_the_desk_runs_from_the_repo_root_without_touching_the_checkout(tmp_path):
    """The README's example as a new user types it: the database's folder does not exist
    yet, and every file the day writes lands outside the checkout."""
    block = README.split("## A day at the desk", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    assert lines[0].startswith("export TRANSDESK_DB=~/")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSDESK_")}
    env.update(HOME=str(home), PATH=os.path.dirname(sys.executable) + os.pathsep + env["PATH"])
    before = _repo_files()
    # the translator accepts every draft, the reviewer approves every unit
    answers = tmp_path / "answers"
    answers.write_text(":a\n" * 20)
    script = "set -e\n" + "\n".join(
        line.split("#")[0] + f" < {answers}" if line.startswith("transdesk next") else line
        for line in lines) + "\n"
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "12 units" in result.stdout
    assert "approved 12" in result.stdout  # the status line, after the review
    desk = home / "desk"
    assert (desk / "transdesk.db").is_file()
    assert (desk / "ru-budget.uk.txt").read_text(encoding="utf-8").startswith("RU")
    assert (desk / "locales" / "uk" / "LC_MESSAGES" / "ru-budget.mo").is_file()
    assert _repo_files() == before
