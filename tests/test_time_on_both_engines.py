"""`plan`, `check --due`, `report` and `terms`/`words` on a desk of each engine, with the
same results (the PostgreSQL desk is filled by importing on SQLite and `db copy`, so
that these commands are tested apart from the import)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli
from helpers_desk import sql


@pytest.fixture
def desk(engine: str, desk_url: str, samples: Path, tmp_path: Path) -> Cli:
    """ru-budget and uk-bridge imported, on the engine under test."""
    lite = Cli(tmp_path / "filled.db" if engine == "postgresql" else desk_url)
    for name in ("ru-budget", "uk-bridge"):
        assert lite("import", str(samples / f"{name}.txt")).exit_code == 0
    if engine == "postgresql":
        result = lite("db", "copy", str(lite.db_path), desk_url)
        assert result.exit_code == 0, result.output
    return Cli(desk_url)


def test_plan_and_check_due(desk):
    result = desk("plan", "ru-budget", "--lang", "en", "--priority", "urgent", "--due",
                  "2020-01-01T00:00Z", "--as", "olga")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ru-budget  en  ")
    assert sql(desk.db_path, "SELECT lang, priority, due FROM schedule") == [
        ("en", 0, "2020-01-01T00:00:00.000000Z")]
    assert sql(desk.db_path, "SELECT DISTINCT priority, due FROM translations"
               " WHERE article_id = 'ru-budget' AND lang = 'en'") == [
        (0, "2020-01-01T00:00:00.000000Z")]
    assert sql(desk.db_path, "SELECT action, translator, new_text FROM history"
               " WHERE action = 'plan'") == [
        ("plan", "olga", "priority urgent, due 2020-01-01T00:00:00Z")]
    late = json.loads(desk("check", "--due", "--json").stdout)
    assert late["exit_code"] == 1
    assert [(r["article"], r["lang"], r["left"], r["priority"]) for r in late["overdue"]] == [
        ("ru-budget", "en", 12, "urgent")]
    assert desk("check", "--due").exit_code == 1
    assert desk("check", "--due", "uk-bridge").exit_code == 0
    assert desk("check", "--due", "nope").exit_code == 2
    planned = json.loads(desk("plan", "uk-bridge", "--due", "+2h", "--json").stdout)
    assert {r["lang"] for r in planned} == {"ru", "en"}
    assert all(r["left"] == 11 and not r["overdue"] for r in planned)


def test_report_in_every_format(desk, tmp_path):
    desk("plan", "ru-budget", "--lang", "en", "--due", "2020-01-01T00:00Z")
    for unit_id in (1, 2, 3):
        result = desk("submit", str(unit_id), "--lang", "en", "--text", f"Text {unit_id}")
        assert result.exit_code == 0, result.output
    data = json.loads(desk("report", "--format", "json").stdout)
    languages = {r["lang"]: r for r in data["progress"]["languages"]}
    assert (languages["en"]["done"], languages["en"]["units"]) == (3, 23)
    assert sum(r["translated"] for r in data["translators"]) == 3
    assert [r["origin"] for r in data["postedit"]["by_origin"]] == ["none"]
    assert data["postedit"]["by_origin"][0]["count"] == 3
    ages = {r["lang"]: r["waiting"] for r in data["queue"]["ages"]}
    assert ages["en"] == 20
    assert [(r["article"], r["lang"], r["left"]) for r in data["queue"]["late"]] == [
        ("ru-budget", "en", 9)]
    assert data["queue"]["pace"]["en"] == 3.0
    # kept: the hours counted once (on PostgreSQL only rows a few minutes old are folded)
    again = json.loads(desk("report", "--format", "json").stdout)
    assert again["translators"] == data["translators"]
    assert again["progress"] == data["progress"]
    text = desk("report").stdout
    assert "ru-budget" in text
    page = tmp_path / "desk.html"
    assert desk("report", "--format", "html", "-o", str(page)).exit_code == 0
    assert page.read_text(encoding="utf-8").count("<svg") == 4


def test_terms_and_words(desk):
    result = desk("terms", "add", "--uk", "Київ", "--en", "Kyiv", "--forbid", "en:Kiev",
                  "--as", "olga")
    assert result.exit_code == 0, result.output
    assert desk("terms", "add", "--uk", "київ", "--en", "Kyiv city").exit_code == 1
    listed = desk.json("terms", "list")
    assert [(c["terms"]["en"]["preferred"], c["added_by"]) for c in listed] == [("Kyiv", "olga")]
    assert desk("words", "add", "Укренерго", "Нафтогаз", "--lang", "uk").exit_code == 0
    assert desk("words", "add", "Укренерго", "--lang", "uk").exit_code == 0
    assert [w["word"] for w in desk.json("words", "list")] == ["Нафтогаз", "Укренерго"]
    assert desk("words", "remove", "Нафтогаз", "--lang", "uk").exit_code == 0
    assert desk("words", "remove", "Нафтогаз", "--lang", "uk").exit_code == 1
    assert desk("terms", "remove", "Kyiv").exit_code == 0
    assert desk.json("terms", "list") == []
    assert sql(desk.db_path, "SELECT kind, action, who FROM style_history ORDER BY id") == [
        ("term", "add", "olga"), ("word", "add", "tester"), ("word", "add", "tester"),
        ("word", "remove", "tester"), ("term", "remove", "tester")]


def test_a_translator_reads_the_report_and_may_not_plan(pg_url, logins, samples, tmp_path):
    """On PostgreSQL the kept figures are written by editors; a translator's report
    counts from the history and keeps nothing, and `plan` needs the editor role."""
    from helpers_pg import fill_from_samples

    fill_from_samples(pg_url, samples, tmp_path)
    editor = Cli(pg_url)
    result = editor("submit", "1", "--lang", "uk", "--text", "Один")
    assert result.exit_code == 0, result.output
    translator = Cli(logins.add("tina", "translator"))
    mine = json.loads(translator("report", "--format", "json").stdout)
    assert sql(pg_url, "SELECT COUNT(*) FROM postedits") == [(0,)]
    assert sql(pg_url, "SELECT COUNT(*) FROM report_state") == [(0,)]
    theirs = json.loads(editor("report", "--format", "json").stdout)
    assert sql(pg_url, "SELECT COUNT(*) FROM postedits") == [(1,)]
    for key in ("progress", "translators", "queue"):
        assert mine[key] == theirs[key]
    refused = translator("plan", "ru-budget-0", "--priority", "urgent")
    assert refused.exit_code == 1 and "editor" in refused.stderr
    assert sql(pg_url, "SELECT COUNT(*) FROM schedule") == [(0,)]


def test_kept_hours_equal_a_recount_with_since_inside_an_hour(desk):
    from test_report import recount

    from transdesk import storage
    from transdesk.storage import postedits as figures

    for unit_id in (1, 2, 3, 4):
        assert desk("submit", str(unit_id), "--lang", "en", "--text", f"T{unit_id}").exit_code == 0
    for unit_id, at in ((1, "09:10"), (2, "09:50"), (3, "10:05"), (4, "08:59")):
        sql(desk.db_path, f"UPDATE history SET at = '2026-11-20T{at}:00.000000Z'"
            " WHERE unit_id = ?", (unit_id,))
    for stage in ("live", "kept"):
        opened = storage.open(desk.db_path)
        try:
            for since in (None, "2026-11-20T09:30:00.000000Z", "2026-11-20T09:00:00.000000Z",
                          "2026-11-20T10:00:00.000000Z"):
                assert sorted(figures.hourly(opened, since, None)) == recount(
                    desk.db_path, since), (stage, since)
        finally:
            opened.close()
        assert desk("report", "--format", "json").exit_code == 0  # keeps the hours
    assert sql(desk.db_path, "SELECT SUM(done) FROM report_hours") == [(4,)]
