"""Control characters refused on input and never printed raw (issue 11, item 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers_desk import open_desk, query

from transdesk.storage import is_postgres
from transdesk.text_safety import describe, json_text, refusal, shown, shown_lines

HOSTILE = {
    "BEL": "ring\a",
    "ESC": "title \x1b]0;owned\x07 text",
    "NUL": "a\x00b",
    "CSI (C1)": "a\x9b31m b",
    "DEL": "a\x7fb",
    "RLO": "abc \u202edcba",
}
RAW = ("\x1b", "\x07", "\x00", "\x9b", "\x7f", "\u202e")


@pytest.fixture
def budget(run):
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    return run


def history_count(location) -> int:
    return query(location, "SELECT COUNT(*) FROM history")[0][0]


def store_raw(location, unit_id: int, text: str, translator: str = "mallory") -> None:
    """What an older transdesk (or a hand-edited database) may hold."""
    conn = open_desk(location)
    with conn.transaction():
        conn.execute("UPDATE translations SET text = ?, status = 'translated', translator = ?,"
                     " origin = 'human' WHERE unit_id = ? AND lang = 'en'",
                     [text, translator, unit_id])
        conn.execute("INSERT INTO history (unit_id, lang, at, translator, origin, action,"
                     " new_text, new_status, note) VALUES (?, 'en', '2026-01-01T00:00:00Z', ?,"
                     " 'human', 'translate', ?, 'translated', ?)",
                     [unit_id, translator, text, "note\x1b[8m"])
        conn.execute("UPDATE articles SET title = ?", ["Budget \x1b]0;owned\x07"])
    conn.close()


def test_describe_and_escape():
    assert describe("\x1b") == "U+001B (ESC)"
    assert describe("\x00") == "U+0000 (NUL)"
    assert describe("\x9b") == "U+009B (CSI)"
    assert describe("\u202e") == "U+202E (RIGHT-TO-LEFT OVERRIDE)"
    assert shown("a\x1b[2Jb\nc\u202ed") == "a\\x1b[2Jb\\nc\\u202ed"
    assert shown("tab\tkept") == "tab\tkept"
    assert shown(None) == ""
    assert shown_lines("one\x1b\ntwo") == "one\\x1b\ntwo"
    assert json.loads(json_text(json.dumps("a\x85b\u2028", ensure_ascii=False))) == "a\x85b\u2028"
    assert "\x85" not in json_text(json.dumps("a\x85b", ensure_ascii=False))
    assert refusal("fine\ttext\nwith lines\r\n") is None
    assert refusal("x\x1by") == "control character U+001B (ESC) at character 2"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_submit_refuses_control_characters(budget, name):
    db_path = budget.db_path
    before = history_count(db_path)
    result = budget("submit", "4", "--lang", "en", "--text", HOSTILE[name])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: unit 4 (en): control character U+")
    assert not any(c in result.output for c in RAW)
    assert history_count(db_path) == before


def test_submit_keeps_tabs_and_line_ends(budget):
    assert budget("submit", "4", "--lang", "en", "--text", "a\tb\nc").exit_code == 0


def test_submit_refuses_bytes_that_are_not_utf8(budget):
    # a shell passes such bytes through; Python keeps them as surrogate escapes
    result = budget("submit", "4", "--lang", "en", "--text", "bad \udcff byte")
    assert result.exit_code == 2
    assert "byte 0xFF at character 5 is not UTF-8" in result.stderr


@pytest.mark.english
def test_next_refuses_control_characters_and_lets_the_translator_retype(budget):
    db_path = budget.db_path
    result = budget("next", "--lang", "en",
                    input="Monday \x1b[2J, 17 February\nMonday, 17 February\n:q\n")
    assert result.exit_code == 0, result.output
    assert "not saved: control character U+001B (ESC) at character 8; type it again" in result.stdout
    assert "\x1b" not in result.stdout
    assert "1 saved" in result.stdout
    text = query(db_path, "SELECT text FROM translations WHERE unit_id = 1 AND lang = 'en'")[0][0]
    assert text == "Monday, 17 February"


@pytest.mark.english
def test_next_says_when_typed_bytes_are_not_utf8(budget):
    """0.1.0: UnicodeDecodeError, exit 3."""
    result = budget("next", "--lang", "en",
                    input=b"Monday \xff\xfe 17\nMonday, 17 February\n:q\n")
    assert result.exit_code == 0, result.output
    assert "not saved: byte 0xFF at character 8 is not UTF-8" in result.stdout
    assert "1 saved" in result.stdout


def articles_left(db_path) -> int | None:
    """What a refused import into a new desk left: None, no desk at all (a new SQLite
    desk appears only complete; a PostgreSQL desk is made before: 0 articles is None)."""
    if is_postgres(db_path):
        return query(db_path, "SELECT COUNT(*) FROM articles")[0][0] or None
    return None if not Path(db_path).exists() else -1


@pytest.mark.english
@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00", "\x85", "\u202e"])
def test_an_article_file_with_a_control_character_is_refused(run, tmp_path, char):
    db_path = run.db_path
    path = tmp_path / "hostile.txt"
    path.write_text(f"Title\n\nFirst sentence. Second{char} sentence here.\n", encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 2, result.output
    assert "hostile.txt: unit p1.s2, line 3, column 23: control character U+" in result.stderr
    assert char not in result.output
    assert articles_left(db_path) is None


def test_an_article_with_tabs_and_crlf_is_fine(run, tmp_path):
    path = tmp_path / "fine.txt"
    path.write_bytes(b"Title\r\n\r\nFirst\tsentence. Second sentence.\r\n")
    assert run("import", str(path)).exit_code == 0
    assert run("export", "fine", "--lang", "en", "--allow-incomplete").exit_code == 0


def test_several_files_one_with_a_control_character_change_nothing(run, tmp_path):
    db_path = run.db_path
    good = tmp_path / "good.txt"
    good.write_text("Title\n\nA sentence.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("Title\n\nA \x1b sentence.\n", encoding="utf-8")
    result = run("import", str(good), str(bad))
    assert result.exit_code == 2 and "bad.txt" in result.stderr
    assert articles_left(db_path) is None


@pytest.mark.parametrize("args", [["units", "ru-budget"], ["log"], ["articles"],
                                  ["log", "--unit", "4"], ["status"],
                                  ["check", "--lang", "en"],
                                  ["check", "--lang", "en", "--format", "github"],
                                  ["check", "--lang", "en", "--json"]],
                         ids=lambda a: " ".join(a))
def test_stored_control_characters_are_escaped_on_output(budget, args):
    db_path = budget.db_path
    store_raw(db_path, 4, "The \x1b]0;owned\x07 budget \x9b31m\u202eevil\nfake line")
    result = budget(*args)
    assert not any(c in result.output for c in RAW), repr(result.output)
    if args[0] in ("units", "log"):
        assert "The \\x1b]0;owned\\x07 budget \\x9b31m\\u202eevil\\nfake line" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_check_findings_quoting_stored_text_are_escaped(budget, fmt):
    db_path = budget.db_path
    """A finding quotes part of the translation (here a URL): check/render escapes it."""
    store_raw(db_path, 4, "See https://evil.example/a\x9b31m\u202eb\x7fc now.")
    result = budget("check", "--lang", "en", "--min", "0", "--strict", "--format", fmt)
    assert result.exit_code == 1
    assert not any(c in result.stdout for c in RAW), repr(result.stdout)
    assert "URL not in the source: https://evil.example/a\\x9b31m\\u202eb\\x7fc" in result.stdout


def test_stored_control_characters_are_escaped_on_the_next_screen(budget):
    db_path = budget.db_path
    store_raw(db_path, 5, "Other \x1b[2J text")  # the next unit's neighbour, in another language
    result = budget("next", "--lang", "en", "--review", "--as", "reviewer", input=":q\n")
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Budget \\x1b]0;owned\\x07" in result.stdout
    assert "Other \\x1b[2J text" in result.stdout


def test_json_output_escapes_what_json_leaves_raw(budget):
    db_path = budget.db_path
    store_raw(db_path, 4, "C1 \x85 and \x9b and \u202e")
    result = budget("units", "ru-budget", "--json")
    assert not any(c in result.stdout for c in ("\x85", "\x9b", "\u202e"))
    units = json.loads(result.stdout)
    assert units[3]["translations"]["en"]["text"] == "C1 \x85 and \x9b and \u202e"


def test_a_provider_answer_with_a_control_character_is_no_draft():
    from transdesk.providers.base import BatchResult

    result = BatchResult(2)
    result.set_ok(0, "Fine.")
    result.set_ok(1, "Evil \x1b[2J answer")
    assert result.pairs() == [
        ("Fine.", None),
        (None, "the answer holds a control character U+001B (ESC) at character 6"),
    ]


def test_an_acceptance_note_with_a_control_character_is_refused(budget):
    assert budget("submit", "4", "--lang", "en", "--text", 'He said "hi').exit_code == 0
    result = budget("accept", "ru-budget", "p1.s1", "--lang", "en", "--check", "quotes",
                    "--note", "esc\x1b[2J")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --note: control character U+001B (ESC)")
    assert budget.json("accepted") == []


def test_a_po_file_with_a_control_character_changes_nothing(budget, tmp_path):
    db_path = budget.db_path
    locales = tmp_path / "locales"
    assert budget("po", "export", "ru-budget", "--lang", "en", "--dir", str(locales)).exit_code == 0
    po = locales / "en" / "LC_MESSAGES" / "ru-budget.po"
    text = po.read_text(encoding="utf-8")
    first = text.index('msgctxt "title"')
    empty = text.index('msgstr ""', first)
    po.write_text(text[:empty] + 'msgstr "Budget \x1b]0;owned\x07"' + text[empty + len('msgstr ""'):],
                  encoding="utf-8")
    before = history_count(db_path)
    result = budget("po", "import", str(po))
    assert result.exit_code == 2, result.output
    assert "control character U+001B (ESC)" in result.stderr
    assert history_count(db_path) == before


@pytest.mark.english
def test_tmx_variants_with_control_characters_are_not_memory(run, tmp_path):
    path = tmp_path / "c1.tmx"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header/><body>'
                    '<tu><tuv xml:lang="ru"><seg>Бюджет принят.</seg></tuv>'
                    '<tuv xml:lang="en"><seg>Budget \u009b31m adopted.</seg></tuv></tu>'
                    '<tu><tuv xml:lang="ru"><seg>Мост открыт.</seg></tuv>'
                    '<tuv xml:lang="en"><seg>The bridge is open.</seg></tuv></tu></body></tmx>',
                    encoding="utf-8")
    result = run("tm", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "imported 1 translation unit " in result.stdout and "1 without two" in result.stdout
