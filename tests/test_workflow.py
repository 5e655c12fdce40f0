"""`next --json`, `submit`, review and `log`: order, claims, refusals, history."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from helpers_workflow import import_articles, put, row, sql

from transdesk import workflow
from transdesk.db import open_db


@pytest.fixture
def budget(run, samples, tmp_path):
    """ru-budget imported: units 1..12 (date, category, title, p1.s1 ...), targets uk, en."""
    import_articles(run, tmp_path, samples / "ru-budget.txt")
    return run


@pytest.fixture
def desk(budget):
    """Where the desk is (a SQLite path, or in the PostgreSQL pass a URL)."""
    return budget.db_path


def claim(run, *args: str, env: dict | None = None):
    result = run("next", "--lang", "en", "--json", *args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def error_of(result) -> str:
    return result.stderr.strip()


# --- order and claims -------------------------------------------------------------------


def test_next_json_gives_untranslated_first_then_drafts_in_order(budget, desk):
    put(desk, 1, "en", "Monday, 17 February", origin="cldr")
    put(desk, 4, "en", "The cabinet approved the draft budget.", origin="mt:google")
    unit = claim(budget)
    assert unit["id"] == 2 and unit["key"] == "category" and unit["article"] == "ru-budget"
    assert unit["source"] == "экономика" and unit["lang"] == "en"
    assert set(unit) == {"id", "key", "kind", "paragraph", "source", "translations",
                         "article", "lang", "claim_expires", "terms"}
    assert set(unit["translations"]) == {"uk", "en"}
    assert set(unit["translations"]["en"]) == {"text", "status", "origin", "translator",
                                               "updated_at"}
    for unit_id in (2, 3, 5, 6, 7, 8, 9, 10, 11, 12):
        assert budget("submit", str(unit_id), "--lang", "en", "--text", f"T{unit_id}").exit_code == 0
    assert claim(budget)["id"] == 1  # drafts after every untranslated unit, in position order
    assert claim(budget, "--as", "bob")["id"] == 4
    assert claim(budget, "--as", "carol") is None
    assert budget("next", "--lang", "en", "--json", "--as", "carol").stdout == "null\n"


def test_own_claim_comes_back_first_and_others_get_the_next(budget, desk):
    first = claim(budget)
    assert first["id"] == 1
    assert claim(budget)["id"] == 1
    assert claim(budget, "--as", "bob")["id"] == 2
    assert row(desk, 1, "en")["claimed_by"] == "tester"
    assert row(desk, 2, "en")["claimed_by"] == "bob"
    assert claim(budget, "--article", "ru-budget", "--as", "bob")["id"] == 2


@pytest.mark.english
def test_claim_duration_from_option_and_environment(budget, desk):
    def minutes_left(unit):
        expires = datetime.strptime(unit["claim_expires"], "%Y-%m-%dT%H:%M:%S.%fZ")
        return (expires.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds() / 60

    assert 29 < minutes_left(claim(budget)) <= 30
    assert 4 < minutes_left(claim(budget, "--as", "bob", env={"TRANSDESK_CLAIM_MINUTES": "5"})) <= 5
    assert 0 < minutes_left(claim(budget, "--as", "eve", "--claim-minutes", "2")) <= 2
    result = budget("next", "--lang", "en", "--json", "--claim-minutes", "0")
    assert result.exit_code == 2 and "positive" in error_of(result)
    for nonsense in ("inf", "nan", "1e300", "-5"):
        result = budget("next", "--lang", "en", "--json", "--claim-minutes", nonsense)
        assert (result.exit_code, result.stdout) == (2, ""), nonsense
        assert error_of(result).startswith(
            "Error: claim duration must be a positive number of minutes, at most 525600"
            " (a year), not "), nonsense


def test_expired_claim_is_free_again(budget, desk):
    assert claim(budget, "--as", "bob", "--claim-minutes", "0.001")["id"] == 1
    time.sleep(0.1)
    assert claim(budget)["id"] == 1  # bob's claim ran out
    assert row(desk, 1, "en")["claimed_by"] == "tester"
    # a claim set in the past through SQL does not block a submission either
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    sql(desk, "UPDATE translations SET claimed_by = 'bob', claim_expires = ? WHERE unit_id = 2"
        " AND lang = 'en'", (past,))
    result = budget("submit", "2", "--lang", "en", "--text", "economy")
    assert result.exit_code == 0, result.output
    saved = row(desk, 2, "en")
    assert (saved["text"], saved["translator"], saved["claimed_by"]) == ("economy", "tester", None)


@pytest.mark.english
def test_article_filter_and_language_checks(budget, samples, tmp_path):
    import_articles(budget, tmp_path, samples / "ru-budget.txt", samples / "uk-bridge.txt")
    unit = claim(budget, "--article", "uk-bridge")
    assert unit["article"] == "uk-bridge"
    result = budget("next", "--lang", "en", "--json", "--article", "nope")
    assert result.exit_code == 2 and "unknown article 'nope'" in error_of(result)
    result = budget("next", "--lang", "ru", "--json", "--article", "ru-budget")
    assert result.exit_code == 2
    assert error_of(result) == ("Error: ru is not a target language of 'ru-budget'"
                                " (targets: uk, en)")
    result = budget("next", "--lang", "de", "--json")
    assert result.exit_code == 2 and "unsupported language 'de'" in result.stderr
    unit = budget.json("next", "--lang", "UA")  # the alias works
    assert unit["lang"] == "uk"


@pytest.mark.sqlite_only  # the SQLite plan (PostgreSQL's: test_pg_claims)
def test_queue_query_uses_the_queue_index(budget, db_path):
    db = open_db(db_path)
    plan = " ".join(workflow.next_unit_plan(db))
    review = " ".join(workflow.next_unit_plan(db, review=True))
    db.close()
    assert "USING INDEX translations_work (lang=? AND priority=? AND due<?)" in plan
    assert "USING INDEX translations_review" in review
    # the index gives the order: the first free row stops the walk
    assert "TEMP B-TREE" not in plan + review and "SCAN" not in plan + review


# --- submit -------------------------------------------------------------------------------


@pytest.mark.english
def test_submit_saves_releases_and_keeps_history(budget, desk):
    assert claim(budget)["id"] == 1
    result = budget("submit", "1", "--lang", "en", "--text", "  Monday, 17 February \n")
    assert result.exit_code == 0
    assert result.stdout == "unit 1 en: saved (translated)\n"
    saved = row(desk, 1, "en")
    assert (saved["text"], saved["status"], saved["origin"], saved["translator"],
            saved["claimed_by"], saved["claim_expires"]) == (
        "Monday, 17 February", "translated", "human", "tester", None, None)
    again = budget("submit", "1", "--lang", "en", "--text", "Monday, 17 February", "--json")
    assert json.loads(again.stdout) == {"unit": 1, "lang": "en", "status": "translated",
                                        "text": "Monday, 17 February", "changed": False}
    budget("submit", "1", "--lang", "en", "--text", "Monday, February 17", "--as", "bob")
    log = budget.json("log", "--unit", "1")
    assert [(h["translator"], h["old_text"], h["new_text"], h["action"]) for h in log] == [
        ("bob", "Monday, 17 February", "Monday, February 17", "translate"),
        ("tester", None, "Monday, 17 February", "translate"),
    ]


def test_submit_accept_keeps_the_draft_text_and_origin(budget, desk):
    put(desk, 4, "en", "The cabinet approved the draft budget for 2026.", origin="tm",
        score=92.0, note="tm-source: Кабинет министров утвердил проект бюджета на 2025 г.")
    result = budget("submit", "4", "--lang", "en", "--accept")
    assert result.exit_code == 0, result.output
    saved = row(desk, 4, "en")
    assert (saved["text"], saved["status"], saved["origin"], saved["score"], saved["translator"]) == (
        "The cabinet approved the draft budget for 2026.", "translated", "tm", 92.0, "tester")
    assert budget.json("log", "--unit", "4")[0]["action"] == "accept"


@pytest.mark.english
def test_submit_refusals(budget, desk):
    assert claim(budget, "--as", "bob")["id"] == 1
    before = sql(desk, "SELECT * FROM translations ORDER BY unit_id, lang")
    cases = [
        (["1", "--lang", "en", "--text", "Mine"], 1, "Error: unit 1 (en) is claimed by bob until "),
        (["2", "--lang", "en", "--text", "  \n"], 2, "Error: empty translation"),
        (["2", "--lang", "en", "--accept"], 1, "Error: unit 2 (en) has no draft to accept"),
        (["2", "--lang", "en"], 2, "Error: give either a text (--text) or --accept"),
        (["2", "--lang", "en"], 2,
         "Error: give either a text (--text) or --accept for the draft"),
        (["2", "--lang", "en", "--text", "x", "--accept"], 2, "Error: give either"),
        (["2", "--lang", "en", "--text", "x", "--accept"], 2,
         "Error: give either a text (--text) or --accept, not both"),
        (["999", "--lang", "en", "--text", "x"], 2, "Error: unknown unit 999"),
        (["2", "--lang", "ru", "--text", "x"], 2,
         "Error: unit 2 of article 'ru-budget' has no ru translation (its targets: uk, en)"),
        (["2", "--lang", "de", "--text", "x"], 2, "Error: "),
        (["2", "--lang", "en", "--text", "x", "--approve"], 1,
         "Error: unit 2 (en) is untranslated: approving is a second person's review"),
    ]
    for args, code, message in cases:
        result = budget("submit", *args)
        assert (result.exit_code, error_of(result)[: len(message)]) == (code, message), args
        assert result.stdout == ""
    assert sql(desk, "SELECT * FROM translations ORDER BY unit_id, lang") == before
    assert sql(desk, "SELECT COUNT(*) FROM history") == [(0,)]
    # bob's own submission goes through and releases his claim
    assert budget("submit", "1", "--lang", "en", "--text", "Monday", "--as", "bob").exit_code == 0
    assert row(desk, 1, "en")["claimed_by"] is None


def test_unclaimed_unit_can_be_submitted(budget, desk):
    assert row(desk, 7, "en")["claimed_by"] is None
    assert budget("submit", "7", "--lang", "en", "--text", "The deficit.").exit_code == 0
    assert row(desk, 7, "en")["status"] == "translated"


# --- review -------------------------------------------------------------------------------


@pytest.mark.english
def test_review_flow(budget, desk):
    for unit_id, text in ((1, "Monday, 17 February"), (2, "economy"), (3, "Budget")):
        assert budget("submit", str(unit_id), "--lang", "en", "--text", text).exit_code == 0
    # the translator cannot review their own work
    assert claim(budget, "--review") is None
    result = budget("submit", "1", "--lang", "en", "--accept", "--approve")
    assert result.exit_code == 1
    assert error_of(result) == "Error: unit 1 (en) was translated by you: someone else reviews it"
    # bob reviews: gets translated units in order, approves one, corrects another
    assert claim(budget, "--review", "--as", "bob")["id"] == 1
    assert claim(budget, "--review", "--as", "carol")["id"] == 2
    ok = budget("submit", "1", "--lang", "en", "--accept", "--approve", "--as", "bob")
    assert ok.stdout == "unit 1 en: saved (approved)\n"
    fixed = budget("submit", "3", "--lang", "en", "--text", "The government approved the draft"
                   " budget for 2026", "--approve", "--as", "bob")
    assert fixed.exit_code == 0
    assert (row(desk, 1, "en")["status"], row(desk, 1, "en")["translator"],
            row(desk, 1, "en")["text"]) == ("approved", "bob", "Monday, 17 February")
    corrected = row(desk, 3, "en")
    assert (corrected["status"], corrected["origin"], corrected["translator"], corrected["text"]) == (
        "approved", "human", "bob", "The government approved the draft budget for 2026")
    history = budget.json("log", "--unit", "3")
    assert [(h["action"], h["translator"], h["old_text"], h["old_status"], h["new_status"])
            for h in history] == [
        ("correct", "bob", "Budget", "translated", "approved"),
        ("translate", "tester", None, "untranslated", "translated"),
    ]
    # carol's live review claim on unit 2 keeps bob out of it; approved units leave the queue
    assert claim(budget, "--review", "--as", "bob") is None
    assert claim(budget, "--review", "--as", "carol")["id"] == 2


# --- log ----------------------------------------------------------------------------------


@pytest.mark.english
def test_log_newest_first_with_filters(budget, desk, samples, tmp_path):
    import_articles(budget, tmp_path, samples / "ru-budget.txt", samples / "uk-bridge.txt")
    budget("submit", "1", "--lang", "en", "--text", "Monday")
    budget("submit", "1", "--lang", "uk", "--text", "Понеділок")
    budget("submit", "2", "--lang", "en", "--text", "economy", "--as", "bob")
    bridge_unit = budget.json("units", "uk-bridge")[0]["id"]
    budget("submit", str(bridge_unit), "--lang", "en", "--text", "Bridge")
    everything = budget.json("log")
    assert [(h["unit"], h["lang"]) for h in everything] == [
        (bridge_unit, "en"), (2, "en"), (1, "uk"), (1, "en")]
    assert set(everything[0]) == {"id", "unit", "article", "key", "lang", "at", "translator",
                                  "origin", "action", "old_status", "new_status", "old_text",
                                  "new_text", "note"}
    assert [h["unit"] for h in budget.json("log", "ru-budget", "--lang", "en")] == [2, 1]
    assert [h["lang"] for h in budget.json("log", "--unit", "1")] == ["uk", "en"]
    assert len(budget.json("log", "--limit", "1")) == 1
    text = budget("log", "ru-budget", "--lang", "en", "--limit", "1")
    assert text.exit_code == 0
    assert text.stdout.splitlines()[0].endswith(
        "  ru-budget category (id 2) en  translate  untranslated → translated  by bob [human]")
    assert text.stdout.splitlines()[1:] == ["    + economy"]
    assert budget("log", "nope").exit_code == 2
    assert budget("log", "--unit", "999").exit_code == 2
    empty = budget("log", "--lang", "ru")
    assert (empty.exit_code, empty.stdout) == (0, "no history yet\n")
    assert budget.json("log", "--lang", "ru") == []


# --- start-up -------------------------------------------------------------------------------


def test_option_defaults_are_the_library_values():
    from transdesk.commands import workflow as workflow_commands

    assert workflow_commands.DEFAULT_CLAIM_MINUTES == workflow.DEFAULT_CLAIM_MINUTES


def test_the_format_registry_drives_the_export_choices_and_help():
    from click.testing import CliRunner

    from transdesk.cli import cli
    from transdesk.formats import FORMATS

    export_command = cli.commands["export"]
    fmt = next(p for p in export_command.params if p.name == "fmt")
    assert list(fmt.type.choices) == list(FORMATS.names())
    assert FORMATS.names() == ("article", "aligned", "tmx", "json", "html")
    help_text = CliRunner().invoke(cli, ["export", "--help"]).output
    assert "[article|aligned|tmx|json|html]" in help_text
    for name in FORMATS:
        assert FORMATS.get(name).extension in ("txt", "tsv", "tmx", "json", "html")


def test_help_does_not_load_the_store_workflow_or_export():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "transdesk", "--help"],
                            capture_output=True, text=True, check=True)
    loaded = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
              if line.startswith("import time:")}
    assert "next" in result.stdout and "export" in result.stdout
    assert {"transdesk.commands.workflow", "transdesk.commands.exporting"} <= loaded
    for module in ("transdesk.store", "transdesk.workflow", "transdesk.export", "transdesk.po",
                   "polib", "babel", "transdesk.view", "transdesk.formats.article", "transdesk.checks"):
        assert module not in loaded, module
