"""The README's front door: its two commands exist, CI runs the test one, and the
main job runs end to end on the built-in defaults."""

from __future__ import annotations

import os
import re
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
