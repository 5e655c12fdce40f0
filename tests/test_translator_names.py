"""Translator names: printable, one line, trimmed, compared case-folded (issue 11, item 9)."""

from __future__ import annotations

import json
import sqlite3
import subprocess

import pytest
from conftest import SAMPLES
from helpers_workflow import row

from transdesk.translators import identity, translator_name


@pytest.fixture
def budget(run):
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    return run


def history(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT translator, action FROM history ORDER BY id").fetchall()
    finally:
        conn.close()


def test_names_are_trimmed_and_folded():
    assert translator_name("  dave   smith \n") == "dave smith"
    assert identity("DAVE") == identity("dave ") == identity("ｄａｖｅ") == "dave"
    assert identity("Олена") == identity("ОЛЕНА")


@pytest.mark.english
@pytest.mark.parametrize("name", ["dave\nContent-Type: text/plain; charset=koi8-r",
                                  "da\rve", "da\x1bve", "da\tve", "dave\u2028x",
                                  "dave\u202e", "da\x85ve"])
def test_a_name_that_is_not_one_printable_line_is_refused(budget, db_path, name):
    before = history(db_path)
    result = budget("submit", "4", "--lang", "en", "--text", "Fine.", "--as", name)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: --as: a translator name is printable characters"
                                    " on one line; it holds U+")
    assert result.stderr.count("\n") == 1
    assert history(db_path) == before


@pytest.mark.english
def test_the_environment_name_is_checked_too(budget):
    result = budget("next", "--lang", "en", "--json",
                    env={"TRANSDESK_USER": "dave\n2026-01-01 00:00:00  fake log line"})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: TRANSDESK_USER: a translator name")
    result = budget("next", "--lang", "en", "--json", env={"TRANSDESK_USER": "   "})
    assert result.exit_code == 2 and "TRANSDESK_USER: the translator name is empty" in result.stderr


def test_a_name_is_stored_trimmed(budget, db_path):
    assert budget("submit", "4", "--lang", "en", "--text", "Fine.", "--as", "  dave  ").exit_code == 0
    assert history(db_path)[-1] == ("dave", "translate")


@pytest.mark.parametrize("spelling", ["DAVE", "dave ", "Dave", "ｄａｖｅ"])
@pytest.mark.english
def test_nobody_approves_their_own_translation_by_spelling_their_name_otherwise(budget, spelling):
    assert budget("submit", "4", "--lang", "en", "--text", "Fine.", "--as", "dave").exit_code == 0
    result = budget("submit", "4", "--lang", "en", "--accept", "--approve", "--as", spelling)
    assert result.exit_code == 1
    assert "was translated by you" in result.stderr
    # nor is it handed to them for review
    result = budget("next", "--lang", "en", "--review", "--json", "--as", spelling)
    assert json.loads(result.stdout) is None
    result = budget("next", "--lang", "en", "--review", "--json", "--as", "olena")
    assert json.loads(result.stdout)["id"] == 4


@pytest.mark.english
def test_a_claim_belongs_to_the_person_not_the_spelling(budget, db_path):
    unit = json.loads(budget("next", "--lang", "en", "--json", "--as", "Dave").stdout)
    again = json.loads(budget("next", "--lang", "en", "--json", "--as", "DAVE ").stdout)
    assert again["id"] == unit["id"]  # their own claim comes back
    refused = budget("submit", str(unit["id"]), "--lang", "en", "--text", "x", "--as", "bob")
    assert refused.exit_code == 1 and "claimed by dave" in refused.stderr
    saved = budget("submit", str(unit["id"]), "--lang", "en", "--text", "Monday, 17 February",
                   "--as", "dave")
    assert saved.exit_code == 0
    assert row(db_path, unit["id"], "en")["claimed_by"] is None


@pytest.mark.english
def test_a_stored_name_with_a_newline_cannot_inject_po_headers_or_log_lines(budget, db_path,
                                                                              tmp_path):
    """What 0.1.0 let in: a second Content-Type in the PO header, a fake `log` line."""
    evil = "dave\nContent-Type: text/plain; charset=koi8-r\n2026-01-01 00:00:00  fake"
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE translations SET text = 'Fine.', status = 'translated',"
                     " translator = ?, updated_at = '2026-12-01T00:00:00Z'"
                     " WHERE unit_id = 4 AND lang = 'en'", [evil])
        conn.execute("INSERT INTO history (unit_id, lang, at, translator, action, new_text)"
                     " VALUES (4, 'en', '2026-12-01T00:00:00Z', ?, 'translate', 'Fine.')", [evil])
    conn.close()
    out = tmp_path / "locales"
    assert budget("po", "export", "ru-budget", "--lang", "en", "--dir", str(out)).exit_code == 0
    po = (out / "en" / "LC_MESSAGES" / "ru-budget.po").read_text(encoding="utf-8")
    header = po.split("\n\n")[0].splitlines()
    assert sum(line.startswith('"Content-Type:') for line in header) == 1
    assert sum(line.startswith('"Last-Translator:') for line in header) == 1
    checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(out / "en" / "LC_MESSAGES" / "ru-budget.po")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    log = budget("log", "--limit", "1")
    assert log.exit_code == 0
    assert len(log.stdout.splitlines()) == 2  # the change line and its `+ Fine.`
    assert "by dave\\nContent-Type" in log.stdout
