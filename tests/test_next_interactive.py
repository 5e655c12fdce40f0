"""The interactive `next` loop driven through its real input: transcripts, then rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import transdesk_cmd
from helpers_workflow import import_articles, put, row, sql

TITLE = "── ru-budget · Правительство одобрило проект бюджета на 2026 г."
KEYS = "   :a accept · :e editor · :s skip · :q quit · :h help"


@pytest.fixture
def budget(run, samples, tmp_path):
    import_articles(run, tmp_path, samples / "ru-budget.txt")
    return run


@pytest.fixture
def desk(budget):
    """Where the desk is (a SQLite path, or in the PostgreSQL pass a URL)."""
    return budget.db_path


@pytest.mark.english
def test_type_skip_accept_refusal_and_quit(budget, desk):
    put(desk, 1, "uk", "Понеділок, 17 лютого", status="translated", origin="human",
        translator="olena")
    result = budget("next", "--lang", "en",
                    input="Monday, 17 February\n\n:a\n:s\n:x\n::colon title\n:q\n")
    assert result.exit_code == 0
    assert result.stdout == "\n".join([
        "",
        TITLE,
        "   unit 1 of 12 · date · id 1 · en 0.0% done",
        "       ru▸ Понедельник, 17 февраля",
        "       en  (no draft)",
        "       uk  Понеділок, 17 лютого  [translated]",
        KEYS,
        "en> Monday, 17 February",
        "  saved (translated)",
        "",
        TITLE,
        "   unit 2 of 12 · category · id 2 · en 8.3% done",
        "       ru▸ экономика",
        "       en  (no draft)",
        KEYS,
        "en> ",
        "  (nothing saved) :a accept · :e editor · :s skip · :q quit · :h help",
        "en> :a",
        "  no draft to accept: type a translation, or :s to skip",
        "en> :s",
        "",
        TITLE,
        "   unit 3 of 12 · title · id 3 · en 8.3% done",
        "       ru▸ Правительство одобрило проект бюджета на 2026 г.",
        "       en  (no draft)",
        KEYS,
        "en> :x",
        "  unknown command ':x': :h for help (start a translation with '::' to begin it with ':')",
        "en> ::colon title",
        "  saved (translated)",
        "",
        TITLE,
        "   unit 4 of 12 · p1.s1 · id 4 · en 16.7% done",
        "       ru▸ Кабинет министров утвердил проект бюджета на 2026 г.",
        "        …  Расходы составят ок. 3,5 трлн руб., т.е. на 7% больше, чем в прошлом году.",
        "       en  (no draft)",
        KEYS,
        "en> :q",
        "2 saved, 1 skipped.",
        "",
    ])
    first, skipped, title, quit_at = (row(desk, u, "en") for u in (1, 2, 3, 4))
    assert (first["text"], first["status"], first["origin"], first["translator"]) == (
        "Monday, 17 February", "translated", "human", "tester")
    assert (title["text"], title["status"]) == (":colon title", "translated")
    assert (skipped["status"], skipped["claimed_by"]) == ("untranslated", None)
    assert (quit_at["status"], quit_at["claimed_by"]) == ("untranslated", None)
    assert [h["unit"] for h in budget.json("log", "--lang", "en")] == [3, 1]


@pytest.mark.english
def test_draft_screen_shows_score_memory_diff_and_other_language(budget, desk):
    for unit_id in range(1, 13):
        if unit_id != 4:
            put(desk, unit_id, "en", f"T{unit_id}", status="translated", origin="human",
                translator="olena")
    put(desk, 4, "uk", "Кабінет міністрів затвердив проєкт бюджету на 2026 рік.",
        origin="mt:apertium")
    put(desk, 4, "en", "The cabinet approved the draft budget for 2025.", origin="tm",
        score=87.5, note="tm-source: Кабинет министров утвердил проект бюджета на 2025 г.")
    result = budget("next", "--lang", "en", input=":a")  # no final newline: still a line
    assert result.exit_code == 0
    assert result.stdout == "\n".join([
        "",
        TITLE,
        "   unit 4 of 12 · p1.s1 · id 4 · en 91.7% done",
        "       ru▸ Кабинет министров утвердил проект бюджета на 2026 г.",
        "        …  Расходы составят ок. 3,5 трлн руб., т.е. на 7% больше, чем в прошлом году.",
        "       en▸ The cabinet approved the draft budget for 2025.",
        "           [draft, tm 87.5%]",
        "   memory  Кабинет министров утвердил проект бюджета на [-2025-]{+2026+} г.",
        "           [-only in the remembered source-] {+only in this one+}",
        "       uk  Кабінет міністрів затвердив проєкт бюджету на 2026 рік.  [draft]",
        KEYS,
        "en> :a",
        "  saved (translated)",
        "Nothing left to translate in en.",
        "1 saved, 0 skipped.",
        "",
    ])
    accepted = row(desk, 4, "en")
    assert (accepted["text"], accepted["status"], accepted["origin"], accepted["score"]) == (
        "The cabinet approved the draft budget for 2025.", "translated", "tm", 87.5)


def test_a_plan_row_does_not_hide_the_remembered_source(budget, desk):
    """`plan` writes its history row on the article's first unit: the memory line of that
    unit's draft still comes from the draft's own row."""
    for unit_id in range(2, 13):
        put(desk, unit_id, "en", f"T{unit_id}", status="translated", origin="human",
            translator="olena")
    put(desk, 1, "en", "Monday, 17 February", origin="tm", score=90.0,
        note="tm-source: Понедельник, 16 февраля")
    assert budget("plan", "ru-budget", "--priority", "urgent").exit_code == 0
    result = budget("next", "--lang", "en", input=":q\n")
    assert result.exit_code == 0
    assert "Понедельник, [-16-]{+17+} февраля" in result.stdout


@pytest.mark.english
def test_end_of_input_keeps_what_was_typed_and_releases_the_claim(budget, desk):
    result = budget("next", "--lang", "en", input="Monday\n")
    assert result.exit_code == 0
    assert result.stdout.endswith("en> Monday\n  saved (translated)\n" + "\n".join([
        "",
        TITLE,
        "   unit 2 of 12 · category · id 2 · en 8.3% done",
        "       ru▸ экономика",
        "       en  (no draft)",
        KEYS,
        "en> ",
        "1 saved, 0 skipped.",
        "",
    ]))
    assert row(desk, 1, "en")["text"] == "Monday"
    assert row(desk, 2, "en")["claimed_by"] is None
    # a colleague gets the unit at once, not after 30 minutes
    assert budget.json("next", "--lang", "en", "--as", "bob")["id"] == 2


@pytest.mark.english
def test_editor_for_long_sentences(budget, desk, tmp_path):
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text('Edited: ' + p.read_text(encoding='utf-8') + '\\n', encoding='utf-8')\n",
        encoding="utf-8",
    )
    put(desk, 1, "en", "Monday, 17 February", origin="cldr")
    for unit_id in range(2, 13):
        put(desk, unit_id, "en", f"T{unit_id}", status="translated", origin="human",
            translator="olena")
    result = budget("next", "--lang", "en", input=":e\n",
                    env={"EDITOR": f"{sys.executable} {script}", "VISUAL": ""})
    assert result.exit_code == 0, result.output
    assert "en> :e\n  saved (translated)\n" in result.stdout
    saved = row(desk, 1, "en")
    assert (saved["text"], saved["origin"]) == ("Edited: Monday, 17 February", "human")


@pytest.mark.english
def test_an_editor_that_cannot_run_leaves_the_loop_going(budget, desk, tmp_path):
    missing = tmp_path / "no-such-editor"
    result = budget("next", "--lang", "en", input=":e\nMonday\n:q\n",
                    env={"EDITOR": str(missing), "VISUAL": ""})
    assert result.exit_code == 0, result.output
    assert (f"en> :e\n  editor failed: {missing}: not found; type the translation here,"
            " or set EDITOR\nen> Monday\n  saved (translated)\n") in result.stdout
    assert result.stdout.endswith("1 saved, 0 skipped.\n")
    assert row(desk, 1, "en")["text"] == "Monday"


@pytest.mark.english
def test_review_loop_approves_and_corrects(budget, desk):
    for unit_id, text in ((1, "Monday, 17 February"), (2, "economics")):
        assert budget("submit", str(unit_id), "--lang", "en", "--text", text).exit_code == 0
    mine = budget("next", "--lang", "en", "--review", input=":a\n")
    assert mine.stdout == "Nothing left to review in en.\n0 saved, 0 skipped.\n"
    result = budget("next", "--lang", "en", "--review", "--as", "bob",
                    input=":a\neconomy\ny\n")
    assert result.exit_code == 0
    assert "       en▸ Monday, 17 February\n           [translated, human, by tester]\n" in result.stdout
    assert "   :a approve · :e editor · :s skip · :q quit · :h help\n" in result.stdout
    # the header shows the review's progress, not the translation's
    assert "   unit 1 of 12 · date · id 1 · en review: 0 of 2 approved\n" in result.stdout
    assert "   unit 2 of 12 · category · id 2 · en review: 1 of 2 approved\n" in result.stdout
    assert "% done" not in result.stdout
    assert result.stdout.endswith(
        "en> economy\n  save your correction as approved: 'economy'? [y/N] y\n"
        "  saved (approved)\nNothing left to review in en.\n2 saved, 0 skipped.\n")
    approved, corrected = row(desk, 1, "en"), row(desk, 2, "en")
    assert (approved["status"], approved["translator"], approved["text"]) == (
        "approved", "bob", "Monday, 17 February")
    assert (corrected["status"], corrected["translator"], corrected["text"]) == (
        "approved", "bob", "economy")


@pytest.mark.english
def test_a_review_correction_is_saved_only_once_confirmed(budget, desk):
    assert budget("submit", "1", "--lang", "en", "--text", "Monday, 17 February").exit_code == 0
    result = budget("next", "--lang", "en", "--review", "--as", "bob",
                    input="Monday 17 Feb\n\nSunday\nno\n:q\n")
    assert result.exit_code == 0
    assert ("en> Monday 17 Feb\n  save your correction as approved: 'Monday 17 Feb'? [y/N] \n"
            "  (correction not saved) :a approve · :e editor · :s skip · :q quit · :h help\n"
            "en> Sunday\n  save your correction as approved: 'Sunday'? [y/N] no\n"
            "  (correction not saved) :a approve · :e editor · :s skip · :q quit · :h help\n"
            "en> :q\n0 saved, 0 skipped.\n") in result.stdout
    kept = row(desk, 1, "en")
    assert (kept["text"], kept["status"], kept["translator"]) == (
        "Monday, 17 February", "translated", "tester")


@pytest.mark.english
def test_an_exact_memory_match_shows_no_diff(budget, desk):
    for unit_id in range(2, 13):
        put(desk, unit_id, "en", f"T{unit_id}", status="translated", origin="human",
            translator="olena")
    put(desk, 1, "en", "Monday, 17 February", origin="tm", score=100.0,
        note="tm-source: Понедельник, 17 февраля")
    result = budget("next", "--lang", "en", input=":q\n")
    assert result.exit_code == 0
    assert "       en▸ Monday, 17 February\n           [draft, tm 100%]\n" + KEYS in result.stdout
    assert "memory" not in result.stdout
    assert "only in the remembered source" not in result.stdout


def _fake_editor(folder, name: str) -> None:
    """An editor program `name` in `folder` that keeps a copy of what it was given and
    writes a translation above it."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "shown = p.read_text(encoding='utf-8')\n"
        "(pathlib.Path(__file__).parent / 'shown.txt').write_text(shown, encoding='utf-8')\n"
        "p.write_text('Monday, 17 February\\n' + shown.split('\\n', 1)[1], encoding='utf-8')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)


@pytest.mark.english
def test_editor_without_editor_set_uses_the_editor_alternative_and_shows_the_source(
    budget, desk, tmp_path
):
    """No $EDITOR/$VISUAL: Debian's `editor` (never sensible-editor's select-editor menu);
    the file shows the source as comment lines, dropped on save."""
    bin_dir = tmp_path / "bin"
    _fake_editor(bin_dir, "editor")
    _fake_editor(bin_dir, "sensible-editor")  # click's default: must not be the one run
    (bin_dir / "shown.txt").unlink(missing_ok=True)
    result = budget("next", "--lang", "en", input=":e\n:q\n",
                    env={"EDITOR": "", "VISUAL": "", "PATH": str(bin_dir)})
    assert result.exit_code == 0, result.output
    assert "en> :e\n  saved (translated)\n" in result.stdout
    shown = (bin_dir / "shown.txt").read_text(encoding="utf-8")
    assert shown == ("\n\n# Write the en translation above. Lines starting with '# ' are"
                     " ignored.\n# ru: Понедельник, 17 февраля\n")
    saved = row(desk, 1, "en")
    assert (saved["text"], saved["status"]) == ("Monday, 17 February", "translated")


@pytest.mark.english
def test_editor_with_no_editor_anywhere_says_so(budget, desk, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = budget("next", "--lang", "en", input=":e\n:q\n",
                    env={"EDITOR": "", "VISUAL": "", "PATH": str(empty)})
    assert result.exit_code == 0
    assert ("en> :e\n  editor failed: no editor found (neither `editor` nor `vi` is"
            " installed); type the translation here, or set EDITOR\n") in result.stdout
    assert row(desk, 1, "en")["status"] == "untranslated"


@pytest.mark.english
def test_real_process_with_stdin_from_a_pipe(budget, desk):
    env = {**os.environ, "TRANSDESK_USER": "pipe"}
    proc = subprocess.run(
        [*transdesk_cmd(), "--db", str(desk), "next", "--lang", "ua"],
        input="Понеділок, 17 лютого\n:s\nЕкономіка\n".encode(), capture_output=True,
        env=env, timeout=60,
    )
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""
    assert "uk> Понеділок, 17 лютого\n  saved (translated)\n" in out
    assert "uk> Економіка\n  saved (translated)\n" in out
    assert out.endswith("uk> \n2 saved, 1 skipped.\n")
    assert (row(desk, 1, "uk")["text"], row(desk, 1, "uk")["translator"]) == (
        "Понеділок, 17 лютого", "pipe")
    assert row(desk, 2, "uk")["status"] == "untranslated"
    assert row(desk, 3, "uk")["text"] == "Економіка"
    assert [r["claimed_by"] for r in (row(desk, u, "uk") for u in (2, 3, 4))] == [None] * 3


@pytest.mark.english
@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child")
def test_ctrl_c_keeps_saved_units_and_releases_the_claim(budget, desk):
    proc = subprocess.Popen(
        [*transdesk_cmd(), "--db", str(desk), "next", "--lang", "en"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "TRANSDESK_USER": "ann"},
    )
    assert proc.stdin is not None
    proc.stdin.write(b"Monday\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while row(desk, 2, "en")["claimed_by"] != "ann":  # unit 1 saved, unit 2 on screen
        assert time.monotonic() < deadline, "the loop never reached unit 2"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.decode().strip() == "Interrupted."  # one line, no traceback
    assert (row(desk, 1, "en")["text"], row(desk, 1, "en")["status"]) == (
        "Monday", "translated")
    assert row(desk, 2, "en")["claimed_by"] is None


@pytest.mark.english
def test_text_typed_after_losing_the_claim_is_shown_back_not_lost(budget, desk):
    """The claim ran out while the translator typed and a colleague took the unit."""
    from transdesk import storage, workflow
    from transdesk.session import Session, Terminal
    from transdesk.storage import claims

    lines = iter(["My long translation", ":q"])
    shown: list[str] = []

    def read(prompt: str) -> str | None:
        if row(desk, 1, "en")["claimed_by"] == "tester":  # the colleague steps in
            sql(desk, "UPDATE translations SET claimed_by = 'bob',"
                " claim_expires = '2999-01-01T00:00:00.000000Z' WHERE unit_id = 1")
        return next(lines, None)

    opened = storage.open(desk)
    db, work = ((opened.db, workflow) if opened.engine == "sqlite"
                else (opened, claims.ReconnectingWork(opened, acting_as="tester")))
    summary = Session(db, Terminal(read=read, write=shown.append, edit=lambda text: None),
                      "en", "tester", work=work).run()
    opened.close()
    assert "  not saved: unit 1 (en) is claimed by bob until 2999-01-01 00:00:00 UTC; ask them" \
           " or wait" in shown
    assert "  your text: My long translation" in shown
    assert (summary.saved, summary.ended) == (0, "quit")
    assert row(desk, 1, "en")["claimed_by"] == "bob"  # bob's claim is not ours to release
    assert row(desk, 2, "en")["claimed_by"] is None  # ours, released on quit
