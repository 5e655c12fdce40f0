"""Import: units from the samples, byte-exact round trip, encodings, bad input, re-import."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLE_NAMES, SAMPLES, gold
from helpers_desk import query, submit_direct, table_dump

from transdesk.storage import is_postgres


def stored_ids(run) -> list[str] | None:
    """The desk's article ids; None when the import left no SQLite file at all (a new
    desk is built beside its name and appears only complete)."""
    if not is_postgres(run.db_path) and not Path(run.db_path).exists():
        return None
    return [a["id"] for a in run.json("articles")]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_units_follow_gold(run, samples, name):
    result = run("import", str(samples / f"{name}.txt"))
    assert result.exit_code == 0, result.output
    units = run.json("units", name)
    sentences = [u for u in units if u["kind"] == "sentence"]
    expected = [
        (f"p{p}.s{s}", text)
        for p, para in enumerate(gold(name), start=1)
        for s, text in enumerate(para, start=1)
    ]
    assert [(u["key"], u["source"]) for u in sentences] == expected
    assert [u["kind"] for u in units[:3]] == ["date", "category", "title"]
    assert all(u["paragraph"] is None for u in units[:3])


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_export_in_source_language_is_byte_exact(run, samples, tmp_path, name):
    path = samples / f"{name}.txt"
    assert run("import", str(path)).exit_code == 0
    source_lang = run.json("articles")[0]["source_lang"]
    out = tmp_path / "out.txt"
    result = run("export", name, "--lang", source_lang, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == path.read_bytes()


def test_detected_languages_and_targets(run, samples):
    for name in SAMPLE_NAMES:
        assert run("import", str(samples / f"{name}.txt")).exit_code == 0
    rows = {a["id"]: a for a in run.json("articles")}
    assert rows["ru-budget"]["source_lang"] == "ru"
    assert rows["uk-bridge"]["source_lang"] == "uk"
    assert rows["en-fed-rates"]["source_lang"] == "en"
    assert rows["uk-bridge"]["targets"] == {"ru": 0.0, "en": 0.0}
    assert rows["ru-budget"]["title"].startswith("Правительство одобрило")


VARIANTS = {
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "cp1251": lambda text: text.encode("cp1251"),
    "utf-16": lambda text: text.encode("utf-16"),
    "utf-16-crlf": lambda text: text.replace("\n", "\r\n").encode("utf-16"),
    "no-final-newline": lambda text: text.rstrip("\n").encode("utf-8"),
    "extra-blank-lines": lambda text: text.replace("\n\n", "\n\n\n").encode("utf-8") + b"\n\n",
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", ["ru-budget", "uk-bridge"])
def test_encodings_and_line_ends_round_trip(run, tmp_path, variant, name):
    text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    data = VARIANTS[variant](text)
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    units = run.json("units", name)
    expected_first = gold(name)[0][0]
    sentence = next(u for u in units if u["key"] == "p1.s1")
    assert sentence["source"] == expected_first
    assert len([u for u in units if u["kind"] == "sentence"]) == sum(map(len, gold(name)))
    lang = name[:2]
    out = tmp_path / "out.txt"
    assert run("export", name, "--lang", lang, "-o", str(out)).exit_code == 0
    assert out.read_bytes() == data


def test_explicit_encoding_option(run, tmp_path):
    text = (SAMPLES / "ru-budget.txt").read_text(encoding="utf-8")
    path = tmp_path / "koi.txt"
    text = text.translate(str.maketrans({"«": '"', "»": '"', "—": "-"}))
    path.write_bytes(text.encode("koi8-r"))
    result = run("import", str(path), "--encoding", "koi8-r", "--lang", "ru")
    assert result.exit_code == 0, result.output
    assert run.json("units", "koi")[2]["source"].startswith("Правительство")


def test_file_without_switcher_and_header(run, tmp_path):
    path = tmp_path / "bare.txt"
    path.write_text("Заголовок статьи\n\nПервое предложение. Второе предложение.\n",
                    encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    units = run.json("units", "bare")
    assert [(u["key"], u["kind"]) for u in units] == [
        ("title", "title"), ("p1.s1", "sentence"), ("p1.s2", "sentence")]


def test_lang_option_accepts_ua_alias(run, samples):
    result = run("import", str(samples / "uk-bridge.txt"), "--lang", "UA", "--id", "bridge")
    assert result.exit_code == 0, result.output
    assert run.json("articles")[0]["source_lang"] == "uk"


@pytest.mark.english
@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["import", "missing.txt"], "no such file"),
        ("dir", ["import", "adir"], "no .txt file in the folder"),  # an empty one
        ("empty", ["import", "empty.txt"], "empty"),
        ("blank", ["import", "blank.txt"], "empty"),
        ("binary", ["import", "binary.bin"], "binary"),
        ("switcher", ["import", "good.txt", "switcher.txt"], "no article text"),
        ("good", ["import", "good.txt", "--lang", "fr"], "unsupported language"),
        ("good", ["import", "good.txt", "--id", "../x"], "invalid article id"),
        ("good", ["import", "good.txt", "--id", "Big"], "invalid article id"),
        ("good", ["import", "good.txt", "--encoding", "nope-8"], "unknown encoding"),
        ("good", ["units", "nope"], "unknown article"),
        ("good", ["status", "nope"], "unknown article"),
        ("good", ["export", "nope", "--lang", "ru"], "unknown article"),
        ("good", ["units", "good", "--lang", "de"], "unsupported language"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(run, tmp_path, setup, args, message):
    (tmp_path / "adir").mkdir()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\n\t\n")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "switcher.txt").write_bytes("RU\u00a0\u00a0UA  EN\n\n".encode())
    (tmp_path / "good.txt").write_bytes((SAMPLES / "ru-budget.txt").read_bytes())
    assert run("import", str(tmp_path / "good.txt")).exit_code == 0
    before = table_dump(run.db_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert table_dump(run.db_path) == before


def test_bad_file_among_many_imports_nothing(run, tmp_path, samples):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("import", str(samples / "ru-budget.txt"), str(tmp_path / "empty.txt"))
    assert result.exit_code == 2
    if is_postgres(run.db_path):
        assert run.json("articles") == []
    else:  # a new SQLite desk is built beside its name: nothing at all is left
        assert sorted(p.name for p in Path(run.db_path).parent.iterdir()) == [
            "empty.txt", "samples"]
    # into an existing desk, nothing either
    assert run("import", str(samples / "en-fed-rates.txt")).exit_code == 0
    result = run("import", str(samples / "ru-budget.txt"), str(tmp_path / "empty.txt"))
    assert result.exit_code == 2
    assert [a["id"] for a in run.json("articles")] == ["en-fed-rates"]


# --- re-import -----------------------------------------------------------------------

ORIGINAL = """RU  UA  EN

Понедельник, 17 февраля
экономика

Правительство одобрило бюджет

Первое предложение о бюджете. Второе предложение "в кавычках" - с дефисом. Третье предложение останется прежним.

Абзац, который исчезнет. Ещё одно предложение, которое тоже исчезнет.
"""

UPDATED = """RU  UA  EN

Понедельник, 17 февраля
экономика

Правительство одобрило бюджет

Первое предложение о проекте бюджета. Второе предложение «в кавычках» — с дефисом. Новое предложение появилось здесь. Третье предложение останется прежним.
"""


@pytest.mark.english
def test_reimport_merges_like_msgmerge(run, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    first = submit_direct(run.db_path, "p1.s1", "en", "First sentence about the budget.")
    second = submit_direct(run.db_path, "p1.s2", "en", 'Second sentence "in quotes" - with a dash.',
                           "approved")
    third = submit_direct(run.db_path, "p1.s3", "uk", "Третє речення залишиться.")
    title = submit_direct(run.db_path, "title", "en", "Government approved the budget")
    gone = submit_direct(run.db_path, "p2.s1", "en", "A paragraph that will vanish.")

    path.write_text(UPDATED, encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "1 new, 4 unchanged, 1 changed, 1 retouched (typography only), 2 obsolete" in result.stdout
    assert "changed   p1.s1" in result.stdout
    assert "new       p1.s3    Новое предложение появилось здесь." in result.stdout

    units = {u["key"]: u for u in run.json("units", "budget")}
    assert list(units) == ["date", "category", "title", "p1.s1", "p1.s2", "p1.s3", "p1.s4"]
    # changed sentence: same unit, old translation kept as a `previous` draft
    assert units["p1.s1"]["id"] == first
    assert units["p1.s1"]["translations"]["en"] == {
        **units["p1.s1"]["translations"]["en"],
        "text": "First sentence about the budget.", "status": "draft", "origin": "previous"}
    # typography-only change keeps the status
    assert units["p1.s2"]["id"] == second
    assert units["p1.s2"]["translations"]["en"]["status"] == "approved"
    assert units["p1.s2"]["source"] == "Второе предложение «в кавычках» — с дефисом."
    # new sentence untranslated; moved sentence keeps its translation under its new key
    assert units["p1.s3"]["translations"]["en"]["status"] == "untranslated"
    assert units["p1.s4"]["id"] == third
    assert units["p1.s4"]["translations"]["uk"]["status"] == "translated"
    assert units["title"]["id"] == title
    assert units["title"]["translations"]["en"]["status"] == "translated"
    # vanished: obsolete, kept, not shown
    assert gone not in {u["id"] for u in units.values()}
    assert query(run.db_path, "SELECT obsolete, source FROM units WHERE id = ?", [gone]) == [
        (1, "Абзац, который исчезнет.")]
    actions = [r[0] for r in query(
        run.db_path,
        "SELECT action FROM history WHERE unit_id IN (?, ?, ?) AND action != 'edit' ORDER BY id",
        [first, second, gone])]
    assert sorted(actions) == ["obsolete", "source-changed", "source-changed", "source-retouched"]
    # export of the source gives the new file back
    out = tmp_path / "out.txt"
    assert run("export", "budget", "--lang", "ru", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == UPDATED


@pytest.mark.english
def test_reimport_unchanged_file_changes_nothing(run, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    submit_direct(run.db_path, "p1.s1", "en", "First sentence about the budget.")
    before = table_dump(run.db_path)
    result = run("import", str(path))
    assert "0 new, 8 unchanged, 0 changed, 0 retouched (typography only), 0 obsolete" in result.stdout
    after = table_dump(run.db_path)
    assert [r[:6] for r in after[2]] == [r[:6] for r in before[2]]
    assert after[3] == before[3]  # no history rows either


@pytest.mark.english
def test_reimport_in_another_language_is_refused(run, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    result = run("import", str(path), "--lang", "en")
    assert result.exit_code == 2
    assert "was imported in ru" in result.stderr


def test_status_and_articles_json_shapes(run, samples):
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    submit_direct(run.db_path, "title", "uk", "Уряд схвалив проєкт бюджету на 2026 р.")
    rows = run.json("status")
    assert [(r["article"], r["lang"]) for r in rows] == [("ru-budget", "en"), ("ru-budget", "uk")]
    uk = rows[1]
    assert set(uk) == {"article", "lang", "units", "words", "percent", "priority", "due",
                       "due_local", "left", "overdue", "eta"}
    assert uk["units"] == {"untranslated": 11, "draft": 0, "translated": 1, "approved": 0}
    assert uk["words"]["translated"] == 7
    assert uk["percent"] == round(100 / 12, 1)
    text = run("status", "ru-budget")
    assert "ru-budget  uk  █" in text.stdout and "8.3%" in text.stdout
    articles = run.json("articles")
    no_deadline = {"priority": "normal", "due": None, "due_local": None, "overdue": False,
                   "eta": None}
    # one unit done in the last hours: 1 unit/h, so the 11 left finish in 11 hours
    eta = datetime.fromisoformat(articles[0]["deadlines"]["uk"]["eta"])
    assert abs((eta - datetime.now(UTC)).total_seconds() - 11 * 3600) < 60
    articles[0]["deadlines"]["uk"]["eta"] = None
    assert articles == [{"id": "ru-budget", "source_lang": "ru",
                         "title": "Правительство одобрило проект бюджета на 2026 г.",
                         "targets": {"uk": 8.3, "en": 0.0},
                         "deadlines": {"uk": {**no_deadline, "left": 11},
                                       "en": {**no_deadline, "left": 12}}}]
    units = run.json("units", "ru-budget", "--lang", "ua")
    assert set(units[0]) == {"id", "key", "kind", "paragraph", "source", "translations"}
    assert set(units[2]["translations"]) == {"uk"}
    assert set(units[2]["translations"]["uk"]) == {"text", "status", "origin", "translator",
                                                   "updated_at", "terms"}
    assert json.loads(run("articles", "--json").stdout)[0]["id"] == "ru-budget"


def test_empty_database_json_is_empty_list(run):
    from transdesk import storage

    storage.open(str(run.db_path)).close()  # the schema, no article
    assert run.json("articles") == []
    assert run.json("status") == []


@pytest.mark.parametrize("weekday", ["П'ятниця", "Пʼятниця", "П’ятниця"])
def test_date_line_with_an_apostrophe(run, tmp_path, weekday):
    path = tmp_path / "friday.txt"
    path.write_text(f"RU  UA  EN\n\n{weekday}, 28 лютого\nполітика\n\nЗаголовок\n\nРечення.\n",
                    encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    units = run.json("units", "friday")
    assert [(u["key"], u["source"]) for u in units[:3]] == [
        ("date", f"{weekday}, 28 лютого"), ("category", "політика"), ("title", "Заголовок")]


def test_status_counts_drafts_and_leaves_out_obsolete_units(run, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(path), "--targets", "en").exit_code == 0
    submit_direct(run.db_path, "p1.s1", "en", "First sentence about the budget.")
    submit_direct(run.db_path, "p1.s3", "en", "The third sentence stays.", "draft")
    submit_direct(run.db_path, "p2.s1", "en", "A paragraph that will vanish.", "approved")
    (before,) = run.json("status", "budget")
    assert before["units"] == {"untranslated": 5, "draft": 1, "translated": 1, "approved": 1}
    assert before["words"]["approved"] == 3 and before["percent"] == 25.0
    path.write_text(UPDATED, encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    (after,) = run.json("status", "budget", "--lang", "en")
    # p1.s1 changed (its translation is now a `previous` draft), p2 is obsolete, one new
    assert after["units"] == {"untranslated": 5, "draft": 2, "translated": 0, "approved": 0}
    from transdesk.importing import word_count

    assert sum(after["words"].values()) == sum(
        word_count(u["source"]) for u in run.json("units", "budget"))


@pytest.mark.english
def test_units_and_status_refuse_a_language_that_is_not_a_target(run, samples):
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    result = run("units", "ru-budget", "--lang", "ru")
    assert result.exit_code == 2
    assert result.stderr == "Error: ru is not a target language of 'ru-budget' (targets: uk, en)\n"
    assert run.json("status", "ru-budget", "--lang", "ru") == []


@pytest.mark.english
def test_reimport_without_lang_keeps_the_stored_language(run, tmp_path):
    path = tmp_path / "budget.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert run("import", str(path), "--lang", "uk").exit_code == 0  # detection would say ru
    path.write_text(UPDATED, encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "updated budget:" in result.stdout
    assert run.json("articles")[0]["source_lang"] == "uk"


def test_units_lines_have_no_trailing_space(run, samples):
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    assert run("submit", "1", "--lang", "en", "--text", "Monday, 17 February").exit_code == 0
    out = run("units", "ru-budget").stdout
    assert "    en [translated] Monday, 17 February\n" in out
    assert "    uk [untranslated]\n" in out
    assert [line for line in out.splitlines() if line != line.rstrip()] == []


@pytest.mark.english
def test_import_warns_when_the_declared_language_is_clearly_wrong(run, samples):
    result = run("import", str(samples / "en-fed-rates.txt"), "--lang", "uk")
    assert result.exit_code == 0  # imported as asked: a warning, not a refusal
    assert result.stderr == ("warning: en-fed-rates was imported as Ukrainian (uk), but its"
                             " text looks English (en)\n")
    assert run.json("articles")[0]["source_lang"] == "uk"
    right = run("import", str(samples / "ru-budget.txt"), "--lang", "ru")
    assert right.exit_code == 0 and right.stderr == ""


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        ("The Federal Reserve kept rates unchanged on Wednesday.", "uk", "en"),
        ("Расходы вырастут ещё, а сборы этого года будут выше: объём вырос.", "uk", "ru"),
        ("Міст відкриють у жовтні. Його збудують із європейської сталі.", "ru", "uk"),
        ("Міст відкриють у жовтні. Його збудують із європейської сталі.", "en", "uk"),
        # agreement, or letters that do not say enough: no warning
        ("The Federal Reserve kept rates unchanged on Wednesday.", "en", None),
        ("Міст відкриють у жовтні, заявив мер: «Это будет быстро».", "uk", None),
        ("The mayor of Київ, Віталій Кличко, opened the new bridge on Monday.", "en", None),
        ("Компания Apple представила iPhone 17 и новый MacBook Pro.", "ru", None),
        ("OK", "uk", None),
    ],
)
def test_disagreeing_lang(text, declared, expected):
    from transdesk.languages import disagreeing_lang

    assert disagreeing_lang(text, declared) == expected


def test_each_file_is_read_decoded_and_detected_once(samples, db_path, monkeypatch):
    """The import pipeline reads, decodes, hashes and detects the language of each file
    once (it used to do all of it twice: once to check, once to parse)."""
    from transdesk import importing
    from transdesk.db import open_db

    calls: dict[str, list[str]] = {"read": [], "decode": [], "detect": []}

    def counting(name, fn):
        def wrapper(first, *args, **kwargs):
            calls[name].append(str(first)[:30])
            return fn(first, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(importing, "read_article_file",
                        counting("read", importing.read_article_file))
    monkeypatch.setattr(importing, "decode", counting("decode", importing.decode))
    monkeypatch.setattr(importing, "detect_lang", counting("detect", importing.detect_lang))
    files = sorted(str(p) for p in samples.glob("*.txt"))
    db = open_db(db_path)
    reports = importing.import_files(db, files)
    assert len(reports) == len(files) > 1
    assert all(r.created and r.units > 0 for r in reports)
    assert len(calls["read"]) == len(calls["decode"]) == len(calls["detect"]) == len(files)


def test_a_folder_imports_its_txt_files_in_name_order(run, tmp_path, samples):
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in ("uk-bridge", "en-fed-rates", "ru-budget"):
        (folder / f"{name}.txt").write_bytes((samples / f"{name}.txt").read_bytes())
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    (folder / ".hidden.txt").write_text("not an article either", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "deeper.txt").write_bytes((samples / "ru-budget.txt").read_bytes())
    result = run("import", "--json", str(folder))
    assert result.exit_code == 0, result.output
    assert [r["article"] for r in json.loads(result.stdout)] == [
        "en-fed-rates", "ru-budget", "uk-bridge"]


def test_a_folder_without_articles_is_bad_input(run, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("import", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "empty" in result.stderr
