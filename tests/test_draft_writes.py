"""Drafts written a batch at a time (`store.write_drafts`), on both engines: the same
translation and history rows as `write_translation` writes one by one, never over a
translator's text, a claim kept, and a submit made during the batch waits for it
instead of being lost."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import Cli
from helpers_desk import open_desk, query

from transdesk.errors import BadInput
from transdesk.store import Draft, unit_id_for, write_drafts, write_translation

KEYS = ("title", "p1.s1", "p1.s2")


def _desk_with_budget(desk_url: str, samples) -> dict[str, int]:
    assert Cli(desk_url)("import", str(samples / "ru-budget.txt")).exit_code == 0
    desk = open_desk(desk_url)
    try:
        return {key: unit_id_for(desk, "ru-budget", key) for key in KEYS}
    finally:
        desk.close()


def _rows(desk_url: str, unit_id: int) -> tuple[tuple, list[tuple]]:
    row = query(desk_url, "SELECT text, status, origin, score, translator, claimed_by"
                " FROM translations WHERE unit_id = ? AND lang = 'uk'", [unit_id])[0]
    history = query(desk_url, "SELECT action, translator, origin, old_text, new_text,"
                    " old_status, new_status, note, score, old_origin, old_score, claimed_at"
                    " FROM history WHERE unit_id = ? AND lang = 'uk' ORDER BY id", [unit_id])
    return row, history


def test_a_batch_writes_what_write_translation_writes_one_by_one(engine, desk_url, samples,
                                                                  tmp_path):
    ids = _desk_with_budget(desk_url, samples)
    twin = tmp_path / "twin.db"
    twin_ids = _desk_with_budget(str(twin), samples)
    drafts = [Draft(ids["title"], "Уряд схвалив", "tm", 100.0, "tm-source: a"),
              Draft(ids["p1.s1"], "Кабмін затвердив", "mt:apertium"),
              Draft(ids["p1.s2"], "Експерти", "tm", 87.5, "tm-source: b")]
    desk = open_desk(desk_url)
    with desk.transaction():
        written = write_drafts(desk, "uk", drafts, ts="2026-11-26T12:00:00.000000Z")
    desk.close()
    one_by_one = open_desk(str(twin))
    with one_by_one.transaction():
        for item, key in zip(drafts, KEYS, strict=True):
            assert write_translation(one_by_one, twin_ids[key], "uk", text=item.text,
                                     status="draft", origin=item.origin, translator=None,
                                     score=item.score, action="draft", note=item.note,
                                     ts="2026-11-26T12:00:00.000000Z")
    one_by_one.close()

    assert written == set(ids.values())
    for key in KEYS:
        assert _rows(desk_url, ids[key]) == _rows(str(twin), twin_ids[key])
        row, history = _rows(desk_url, ids[key])
        assert row[1] == "draft" and len(history) == 1  # one history row per draft
    assert _rows(desk_url, ids["p1.s2"])[1][0][:9] == (
        "draft", None, "tm", None, "Експерти", "untranslated", "draft", "tm-source: b", 87.5)


def test_a_translators_text_is_never_overwritten_and_a_claim_is_kept(engine, desk_url,
                                                                     samples):
    ids = _desk_with_budget(desk_url, samples)
    desk = open_desk(desk_url)
    with desk.transaction():
        write_translation(desk, ids["title"], "uk", text="Людський переклад",
                          status="translated", origin="human", translator="olha")
        desk.execute("UPDATE translations SET claimed_by = 'ivan', claim_expires ="
                     " '2999-01-01T00:00:00.000000Z' WHERE unit_id = ? AND lang = 'uk'",
                     [ids["p1.s1"]])
    before_title = _rows(desk_url, ids["title"])
    with desk.transaction():
        written = write_drafts(desk, "uk", [Draft(ids[key], f"draft of {key}", "tm", 90.0)
                                            for key in KEYS])
        # again: nothing is untranslated any more, nothing is written twice
        again = write_drafts(desk, "uk", [Draft(ids[key], "other", "tm", 95.0)
                                          for key in KEYS])
    desk.close()

    assert written == {ids["p1.s1"], ids["p1.s2"]} and again == set()
    assert _rows(desk_url, ids["title"]) == before_title  # text and history untouched
    claimed, history = _rows(desk_url, ids["p1.s1"])
    assert claimed == ("draft of p1.s1", "draft", "tm", 90.0, None, "ivan")
    assert [h[0] for h in history] == ["draft"]


def test_a_control_character_refuses_the_whole_batch(engine, desk_url, samples):
    ids = _desk_with_budget(desk_url, samples)
    desk = open_desk(desk_url)
    with pytest.raises(BadInput), desk.transaction():
        write_drafts(desk, "uk", [Draft(ids["title"], "fine", "tm", 100.0),
                                  Draft(ids["p1.s1"], "bad\x07", "tm", 100.0)])
    desk.close()
    assert _rows(desk_url, ids["title"]) == ((None, "untranslated", None, None, None, None), [])


def test_a_submit_during_the_batch_waits_for_it_and_is_kept(engine, desk_url, samples):
    """The drafted rows stay locked until the draft's transaction ends: a translator
    submitting meanwhile waits, then replaces the draft (with its own history row)."""
    ids = _desk_with_budget(desk_url, samples)
    drafter = open_desk(desk_url)
    submitted: list[bool] = []

    def submit() -> None:  # another connection (opened in its own thread)
        translator = open_desk(desk_url)
        with translator.transaction():
            submitted.append(write_translation(
                translator, ids["title"], "uk", text="Людський переклад",
                status="translated", origin="human", translator="olha"))
        translator.close()

    with drafter.transaction():
        assert write_drafts(drafter, "uk", [Draft(ids["title"], "Чернетка", "tm", 100.0)])
        thread = threading.Thread(target=submit)
        thread.start()
        _wait_until_blocked(engine, drafter, thread)
        assert not submitted  # still waiting for the draft's transaction
    thread.join(30)
    drafter.close()

    assert submitted == [True]
    row, history = _rows(desk_url, ids["title"])
    assert row[:3] == ("Людський переклад", "translated", "human")
    # the edit's history holds the draft it replaced (read after the batch committed)
    assert [(h[0], h[3], h[4], h[5], h[6]) for h in history] == [
        ("draft", None, "Чернетка", "untranslated", "draft"),
        ("edit", "Чернетка", "Людський переклад", "draft", "translated")]


def _wait_until_blocked(engine: str, desk, thread: threading.Thread) -> None:
    """Until the other connection waits for a lock (PostgreSQL: pg_stat_activity; SQLite:
    its BEGIN IMMEDIATE waits on the busy timeout, so a moment is enough)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and thread.is_alive():
        if engine == "sqlite":
            time.sleep(0.3)
            return
        waiting = desk.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'").fetchone()[0]
        if waiting:
            return
        time.sleep(0.02)
