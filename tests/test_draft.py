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


@pytest.mark.english
def test_without_json_or_verbose_misses_are_counted_not_kept(run, samples):
    """A plain run's memory does not grow with its misses: it counts them by reason."""
    run("import", str(samples / "ru-budget.txt"))

    report = draft(open_desk(run.db_path), "en", None, provider="none", keep_misses=False)

    assert report.without_draft == []
    assert report.missed == {"no memory match": report.selected - 1}
    assert report.summary() == (f"drafted 1 unit: cldr 1; {report.selected - 1} without a"
                                " draft (no memory match)")


def test_a_memory_keeps_only_the_best_fuzzy_candidates_and_answers_alike(run, samples,
                                                                        monkeypatch, tmp_path):
    """Each text's ranked candidates are kept RANKED_KEPT deep (flat memory): asking
    for more than kept ranks the text again, so every answer is the full ranking's."""
    from transdesk import tm

    base = "Министр финансов представил отчёт о бюджете во вторник"
    remembered = [(f"{base} {word}.", f"Міністр фінансів представив звіт {n}.")
                  for n, word in enumerate(("утром", "вечером", "днём", "ночью", "снова",
                                            "опять"))]
    units = "".join(f'<tu><tuv xml:lang="ru"><seg>{ru}</seg></tuv>'
                    f'<tuv xml:lang="uk"><seg>{uk}</seg></tuv></tu>' for ru, uk in remembered)
    memory = tmp_path / "memory.tmx"
    memory.write_text('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4">'
                      f'<header srclang="ru"/><body>{units}</body></tmx>', encoding="utf-8")
    assert run("tm", "import", str(memory)).exit_code == 0
    desk = open_desk(run.db_path)
    variants = [f"{base} {word}!" for word in ("утром", "рано", "поздно")]
    full = tm.Memory(desk, "ru", "uk")
    expected = {text: full.fuzzy(text, limit=10) for text in variants}
    assert all(len(found) == len(remembered) for found in expected.values())
    monkeypatch.setattr(tm, "RANKED_KEPT", 2)
    kept = tm.Memory(desk, "ru", "uk")

    for text in variants:
        assert kept.fuzzy(text, limit=1) == expected[text][:1]
        assert kept.fuzzy(text, limit=2) == expected[text][:2]  # from what was kept
        assert len(kept._ranked[text]) == 2
        assert kept.fuzzy(text, limit=10) == expected[text]  # ranked again in full
    desk.close()
