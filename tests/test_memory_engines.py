"""draft and tm on both engines: a desk built on SQLite and copied (`db copy`) to the
engine under test drafts exactly as the SQLite desk it came from (exact and fuzzy memory,
one text at a time and ranked at once, CLDR, Apertium with the MT cache), and TMX goes
in and out alike."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import Cli

from transdesk import storage, tm
from transdesk.db import open_db, write_transaction
from transdesk.store import unit_id_for, write_translation

BUDGET_UK = {
    "title": "Уряд схвалив проєкт бюджету на 2026 р.",
    "p1.s1": "Кабінет міністрів затвердив проєкт бюджету на 2026 р.",
    "p3.s1": "Експерти налаштовані обережно.",
}
FOLLOW_UP = """\
Вторник, 18 февраля
экономика

Правительство одобрило проект бюджета на 2026 г.

Кабинет министров утвердил проект бюджета на 2027 г. Эксперты настроены осторожно.
Министр финансов Сергей Марченко представил отчёт о бюджете во вторник.
"""
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="ru"/><body>
<tu><tuv xml:lang="ru-RU"><seg>Министр финансов Сергей Марченко представил отчёт в понедельник.</seg></tuv>
<tuv xml:lang="uk-UA"><seg>Міністр фінансів Сергій Марченко представив звіт у понеділок.</seg></tuv></tu>
<tu><tuv xml:lang="ru"><seg>Эксперты настроены осторожно.</seg></tuv>
<tuv xml:lang="en"><seg>Experts are cautious.</seg></tuv></tu>
<tu><tuv xml:lang="ru"><seg>Только один язык.</seg></tuv></tu>
</body></tmx>
"""


def source_desk(samples: Path, tmp_path: Path) -> Path:
    """A SQLite desk: ru-budget translated into uk, a TMX imported, two new articles."""
    lite = tmp_path / "source.db"
    run = Cli(lite)
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    db = open_db(lite)
    with write_transaction(db) as conn:
        for key, text in BUDGET_UK.items():
            write_translation(conn, unit_id_for(db, "ru-budget", key), "uk", text=text,
                              status="translated", origin="human", translator="olha")
    db.close()
    (tmp_path / "memory.tmx").write_text(TMX, encoding="utf-8")
    assert run("tm", "import", str(tmp_path / "memory.tmx")).exit_code == 0
    (tmp_path / "follow-up.txt").write_text(FOLLOW_UP, encoding="utf-8")
    assert run("import", str(tmp_path / "follow-up.txt"), "--lang", "ru").exit_code == 0
    assert run("import", str(samples / "uk-bridge.txt")).exit_code == 0
    return lite


def copied(lite: Path, target: str) -> str:
    result = Cli(lite)("db", "copy", str(lite), target, "--replace")
    assert result.exit_code == 0, result.output
    return target


def drafts(location: str | Path, article: str, lang: str) -> list[tuple]:
    """(key, text, status, origin, score, the history note) of the article's units."""
    desk = storage.open(str(location))
    try:
        rows = desk.execute(
            "SELECT u.key, t.text, t.status, t.origin, t.score, (SELECT h.note FROM history h"
            " WHERE h.unit_id = t.unit_id AND h.lang = t.lang AND h.action = 'draft')"
            " FROM translations t JOIN units u ON u.id = t.unit_id"
            " WHERE t.article_id = ? AND t.lang = ? ORDER BY t.position", [article, lang]
        ).fetchall()
        return [tuple(row) for row in rows]
    finally:
        desk.close()


@pytest.mark.english
def test_draft_from_memory_is_the_same_on_both_engines(engine, desk_url, samples, tmp_path):
    lite = source_desk(samples, tmp_path)
    reference = tmp_path / "reference.db"
    shutil.copyfile(lite, reference)
    target = copied(lite, desk_url)

    ours = Cli(target).json("draft", "follow-up", "--lang", "uk", "--provider", "none")
    theirs = Cli(reference).json("draft", "follow-up", "--lang", "uk", "--provider", "none")

    assert ours == theirs
    assert ours["by_origin"] == {"tm": 4, "cldr": 1}
    found = {row[0]: row for row in drafts(target, "follow-up", "uk")}
    assert found == {row[0]: row for row in drafts(reference, "follow-up", "uk")}
    assert found["title"][1:5] == (BUDGET_UK["title"], "draft", "tm", 100.0)
    assert found["p1.s1"][1] == BUDGET_UK["p1.s1"] and 75 <= found["p1.s1"][4] < 100
    assert found["p1.s1"][5] == "tm-source: Кабинет министров утвердил проект бюджета на 2026 г."
    assert found["p1.s3"][1].startswith("Міністр фінансів")  # fuzzy, from the TMX
    assert found["date"][1:4] == ("Вівторок, 18 лютого", "draft", "cldr")
    assert found["category"][2] == "untranslated"
    # a second run finds nothing left to draft in memory, and changes nothing
    again = Cli(target).json("draft", "follow-up", "--lang", "uk", "--provider", "none")
    assert again["drafted"] == 0
    assert drafts(target, "follow-up", "uk") == list(found.values())


def test_ranking_many_sentences_at_once_is_the_same_on_both_engines(
        engine, desk_url, samples, tmp_path, monkeypatch):
    """The batch path (a SentenceIndex read from the desk) on either engine."""
    monkeypatch.setattr(tm, "PREFETCH_MIN", 1)
    monkeypatch.setattr(tm, "ROWS_PER_TEXT", 10**9)
    lite = source_desk(samples, tmp_path)
    reference = tmp_path / "reference.db"
    shutil.copyfile(lite, reference)
    target = copied(lite, desk_url)

    ours = Cli(target).json("draft", "--lang", "uk", "--provider", "none")

    assert ours == Cli(reference).json("draft", "--lang", "uk", "--provider", "none")
    assert ours["by_origin"]["tm"] == 4
    assert drafts(target, "follow-up", "uk") == drafts(reference, "follow-up", "uk")


def test_apertium_drafts_and_caches_on_both_engines(engine, desk_url, samples, tmp_path):
    lite = source_desk(samples, tmp_path)
    target = copied(lite, desk_url)
    run = Cli(target)

    first = run.json("draft", "uk-bridge", "--lang", "ru", "--provider", "apertium",
                     "--no-tm")

    assert first["drafted"] > 5 and first["sent"] > 5 and first["cached"] == 0
    desk = storage.open(target)
    try:
        cached = desk.execute("SELECT count(*) FROM mt_cache WHERE provider LIKE 'apertium%'"
                              " AND source_lang = 'uk' AND target_lang = 'ru'").fetchone()[0]
        assert cached == first["sent"]
        desk.execute("UPDATE translations SET status = 'untranslated', text = NULL,"
                     " origin = NULL, score = NULL WHERE article_id = 'uk-bridge'"
                     " AND lang = 'ru'")
    finally:
        desk.close()
    second = run.json("draft", "uk-bridge", "--lang", "ru", "--provider", "apertium",
                      "--no-tm")
    assert second["sent"] == 0 and second["cached"] == first["sent"]
    assert second["drafted"] == first["drafted"]


@pytest.mark.english
def test_tm_import_and_export_are_the_same_on_both_engines(engine, desk_url, samples,
                                                           tmp_path):
    lite = source_desk(samples, tmp_path)
    reference = tmp_path / "reference.db"
    shutil.copyfile(lite, reference)
    target = copied(lite, desk_url)
    more = tmp_path / "more.tmx"
    more.write_text(TMX.replace("понедельник", "среду").replace("понеділок", "середу"),
                    encoding="utf-8")

    result = Cli(target)("tm", "import", str(more), str(more), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"file": str(more), "imported": 1, "duplicates": 1, "skipped": 1},
        {"file": str(more), "imported": 0, "duplicates": 2, "skipped": 1}]
    assert Cli(reference)("tm", "import", str(more)).exit_code == 0
    for args in ([], ["--include-imported"], ["--article", "ru-budget"]):
        ours, theirs = tmp_path / "ours.tmx", tmp_path / "theirs.tmx"
        assert Cli(target)("tm", "export", str(ours), *args).exit_code == 0
        assert Cli(reference)("tm", "export", str(theirs), *args).exit_code == 0
        assert ours.read_bytes() == theirs.read_bytes()
    imported = tm.read_tmx(ours)
    assert {"ru": "Правительство одобрило проект бюджета на 2026 г.",
            "uk": BUDGET_UK["title"]} in imported
    result = Cli(target)("tm", "export", str(ours), "--article", "no-such")
    assert result.exit_code == 2 and "unknown article 'no-such'" in result.output
    # the new TMX unit is memory for draft at once
    found = Cli(target).json("draft", "follow-up", "--lang", "uk", "--provider", "none")
    assert found["by_origin"]["tm"] == 4


def test_a_translator_may_not_draft_or_import_memory(pg_url, logins, samples, tmp_path):
    lite = source_desk(samples, tmp_path)
    copied(lite, pg_url)
    tom = Cli(logins.add("tom", "translator"))

    result = tom("draft", "follow-up", "--lang", "uk", "--provider", "none")

    assert result.exit_code == 1, result.output
    assert "editor" in result.output and "Traceback" not in result.output
    assert drafts(pg_url, "follow-up", "uk") == drafts(lite, "follow-up", "uk")
    result = tom("tm", "import", str(tmp_path / "memory.tmx"))
    assert result.exit_code == 1 and "editor" in result.output
    conn = sqlite3.connect(lite)
    units = conn.execute("SELECT count(*) FROM tm_imported").fetchone()[0]
    conn.close()
    desk = storage.open(pg_url)
    try:
        assert desk.execute("SELECT count(*) FROM tm_imported").fetchone()[0] == units
    finally:
        desk.close()


def test_the_whole_memory_is_read_only_when_enough_texts_are_ranked(
        engine, desk_url, samples, tmp_path, monkeypatch):
    """A SentenceIndex (the memory held in this process) is built for a batch of texts
    only when the memory is at most ROWS_PER_TEXT rows per text to rank and at most
    INDEX_MAX rows: a draft of a few units against a big memory stays small."""
    monkeypatch.setattr(tm, "PREFETCH_MIN", 1)
    target = copied(source_desk(samples, tmp_path), desk_url)
    desk = storage.open(target)
    try:
        rows = desk.execute("SELECT count(*) FROM tm_memory WHERE lang = 'ru'").fetchone()[0]
        texts = ["Эксперты настроены очень осторожно.", "Министр финансов представил отчёт."]
        monkeypatch.setattr(tm, "ROWS_PER_TEXT", rows)  # 2 texts: worth reading 2 * rows
        worth = tm.Memory(desk, "ru", "uk")
        worth.prefetch(texts)
        monkeypatch.setattr(tm, "ROWS_PER_TEXT", rows)
        monkeypatch.setattr(tm, "INDEX_MAX", rows - 1)  # too big to hold
        too_big = tm.Memory(desk, "ru", "uk")
        too_big.prefetch(texts)
        monkeypatch.setattr(tm, "INDEX_MAX", rows)
        assert rows >= 3
        monkeypatch.setattr(tm, "ROWS_PER_TEXT", (rows - 1) // 2)  # 2 texts: not worth it
        not_worth = tm.Memory(desk, "ru", "uk")
        not_worth.prefetch(texts)

        assert worth._index is not None and too_big._index is None
        assert not_worth._index is None
        for memory in (worth, too_big, not_worth):
            assert memory.fuzzy(texts[0])[0].text == "Експерти налаштовані обережно."
    finally:
        desk.close()


def test_the_indexes_of_one_draft_share_one_budget(tmp_path, samples, monkeypatch):
    """The memories of one run (one per source language) hold at most INDEX_MAX rows in
    all: the second language's index is not built when the first took the budget."""
    monkeypatch.setattr(tm, "PREFETCH_MIN", 1)
    monkeypatch.setattr(tm, "ROWS_PER_TEXT", 10**9)
    desk = storage.open(source_desk(samples, tmp_path))
    try:
        rows = desk.execute("SELECT count(*) FROM tm_memory WHERE lang = 'ru'").fetchone()[0]
        monkeypatch.setattr(tm, "INDEX_MAX", rows)
        first = tm.Memory(desk, "ru", "uk")
        second = tm.Memory(desk, "ru", "en", index_budget=first.index_budget)
        first.prefetch(["Эксперты настроены очень осторожно."])
        second.prefetch(["Эксперты настроены очень осторожно."])
        assert first._index is not None and second._index is None
        assert first.index_budget == [0]
    finally:
        desk.close()
