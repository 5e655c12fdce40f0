"""`draft` orchestration: CLDR dates, drafts stay drafts, summaries, refusals."""

from __future__ import annotations

import json

import pytest
from helpers_desk import open_desk, query

from transdesk.draft import draft
from transdesk.store import unit_id_for, write_translation

DATES = [
    ("en-troops-withdrawal", "ru", "Суббота, 2 ноября"),
    ("en-troops-withdrawal", "uk", "Субота, 2 листопада"),
    ("ru-budget", "uk", "Понеділок, 17 лютого"),
    ("ru-budget", "en", "Monday, 17 February"),
    ("uk-bridge", "ru", "Четверг, 3 апреля"),
    ("uk-bridge", "en", "Thursday, 3 April"),
]


@pytest.mark.parametrize(("article", "lang", "expected"), DATES)
def test_date_line_through_cldr_in_all_six_directions(run, samples, article, lang, expected):
    run("import", str(samples / f"{article}.txt"))

    result = run("draft", article, "--lang", lang, "--provider", "none", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["by_origin"] == {"cldr": 1}
    date = run.json("units", article, "--lang", lang)[0]
    assert date["key"] == "date"
    assert date["translations"][lang]["text"] == expected
    assert (date["translations"][lang]["status"], date["translations"][lang]["origin"]) == (
        "draft", "cldr")


def test_translated_and_approved_text_is_never_touched(run, samples):
    run("import", str(samples / "ru-budget.txt"))
    desk = open_desk(run.db_path)
    with desk.transaction():
        write_translation(desk, unit_id_for(desk, "ru-budget", "date"), "uk",
                          text="Мій переклад", status="translated", origin="human",
                          translator="olha")
        write_translation(desk, unit_id_for(desk, "ru-budget", "title"), "uk", text="Схвалено",
                          status="approved", origin="human", translator="ivan")
    desk.close()

    report = run.json("draft", "ru-budget", "--lang", "uk", "--provider", "none")

    assert report["selected"] == 10  # the two done units are not even considered
    units = {u["key"]: u["translations"]["uk"] for u in run.json("units", "ru-budget", "--lang", "uk")}
    assert (units["date"]["text"], units["date"]["status"]) == ("Мій переклад", "translated")
    assert (units["title"]["text"], units["title"]["status"]) == ("Схвалено", "approved")


@pytest.mark.english
def test_a_unit_submitted_meanwhile_is_left_alone(samples, run):
    """The status is checked again inside the write transaction."""
    run("import", str(samples / "ru-budget.txt"))
    desk = open_desk(run.db_path)
    title = unit_id_for(desk, "ru-budget", "title")
    translator = open_desk(run.db_path)  # another process's connection

    def submit_meanwhile(done: int, total: int) -> None:
        if done == 1:  # the date is written; the provider's units are still to come
            with translator.transaction():
                write_translation(translator, title, "uk", text="Людський переклад",
                                  status="translated", origin="human", translator="olha")

    report = draft(desk, "uk", ["ru-budget"], provider="apertium", progress=submit_meanwhile)

    assert report.skipped == 1
    assert report.summary().endswith("; 1 skipped (translated meanwhile)")
    row = desk.execute("SELECT text, status FROM translations WHERE unit_id = ? AND lang = 'uk'",
                       [title]).fetchone()
    assert tuple(row) == ("Людський переклад", "translated")
    desk.close()
    translator.close()


def test_progress_callback_counts_every_unit(samples, run):
    run("import", str(samples / "uk-bridge.txt"))
    seen: list[tuple[int, int]] = []

    report = draft(open_desk(run.db_path), "en", None, provider="none",
                   progress=lambda done, total: seen.append((done, total)))

    assert seen[-1] == (report.selected, report.selected)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.english
def test_json_summary_and_limit(run, samples):
    run("import", str(samples / "ru-budget.txt"))

    result = run("draft", "ru-budget", "--lang", "en", "--provider", "none", "--limit", "3",
                 "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "lang": "en",
        "selected": 3,
        "drafted": 1,
        "by_origin": {"cldr": 1},
        "without_draft": [
            {"article": "ru-budget", "key": "category", "unit_id": 2, "reason": "no memory match"},
            {"article": "ru-budget", "key": "title", "unit_id": 3, "reason": "no memory match"},
        ],
        "skipped": 0,
        "cached": 0,
        "sent": 0,
    }
    again = run("draft", "ru-budget", "--lang", "en", "--provider", "none", "--limit", "0")
    assert again.stdout == "nothing to draft: no untranslated units in en\n"


@pytest.mark.english
def test_verbose_lists_units_without_a_draft(run, samples):
    run("import", str(samples / "en-fed-rates.txt"))
    result = run("draft", "--lang", "ua", "--provider", "none", "--limit", "2", "-v")
    assert result.exit_code == 0
    assert result.stdout == (
        "  en-fed-rates category: no memory match\n"
        "drafted 1 unit: cldr 1; 1 without a draft (no memory match)\n"
    )


def test_history_records_the_draft(run, samples):
    run("import", str(samples / "uk-bridge.txt"))
    run("draft", "uk-bridge", "--lang", "ru", "--provider", "none")
    rows = query(run.db_path, "SELECT action, origin, old_status, new_status, new_text"
                 " FROM history WHERE lang = 'ru'")
    assert rows == [("draft", "cldr", "untranslated", "draft", "Четверг, 3 апреля")]


@pytest.mark.english
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["nope", "--lang", "uk"], 2, "Error: unknown article"),
        (["ru-budget", "--lang", "ru"], 2, "Error: ru is not a target language of 'ru-budget' (targets: uk, en)"),
        (["ru-budget", "--lang", "de"], 2, "Error: "),
        (["ru-budget", "--lang", "uk", "--provider", "babelfish"], 2,
         "Error: unknown provider 'babelfish'"),
        (["ru-budget", "--lang", "en", "--provider", "apertium"], 2,
         "Error: provider apertium does not translate ru-en"),
        (["ru-budget", "--lang", "en", "--provider", "libre"], 1,
         "Error: provider libre is not usable: set TRANSDESK_LIBRE_URL"),
    ],
)
def test_refusals_write_nothing(run, samples, args, code, message):
    run("import", str(samples / "ru-budget.txt"))
    result = run("draft", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert query(run.db_path, "SELECT count(*) FROM translations"
                 " WHERE status != 'untranslated'") == [(0,)]


def test_draft_help_names_the_contract(run):
    result = run("draft", "--help")
    assert result.exit_code == 0
    for option in ("--lang", "--provider", "--no-tm", "--limit", "--threshold", "--json"):
        assert option in result.stdout
