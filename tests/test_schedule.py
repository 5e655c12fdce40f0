"""Newsroom time: TIME parsing in the desk's zone, priorities and deadlines (import, plan),
`next` in the desk's order through one index, status/articles with deadlines, units left,
overdue in red and the estimated finish, and `check --due`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from helpers_desk import put, sql

from transdesk import schedule, workflow
from transdesk.db import apply_migrations, open_db
from transdesk.errors import BadInput
from transdesk.i18n import interface_language

KYIV_NOON = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv (UTC+2 in November)


@pytest.fixture
def kyiv(monkeypatch):
    monkeypatch.setenv("TRANSDESK_TZ", "Europe/Kyiv")


# --- TIME -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("18:30", "2026-11-26T16:30:00.000000Z"),              # later today
    ("09:15", "2026-11-27T07:15:00.000000Z"),              # passed already: tomorrow
    ("12:00", "2026-11-27T10:00:00.000000Z"),              # now is not the future
    ("+45m", "2026-11-26T10:45:00.000000Z"),
    ("+2h", "2026-11-26T12:00:00.000000Z"),
    ("+1d2h30m", "2026-11-27T12:30:00.000000Z"),
    ("tomorrow 09:00", "2026-11-27T07:00:00.000000Z"),
    ("today 08:00", "2026-11-26T06:00:00.000000Z"),        # said explicitly: today, even past
    ("2026-11-28T14:00", "2026-11-28T12:00:00.000000Z"),   # naive ISO: desk time
    ("2026-11-28T14:00:00+00:00", "2026-11-28T14:00:00.000000Z"),
    ("2026-11-28T14:00Z", "2026-11-28T14:00:00.000000Z"),
    ("2020-01-01T00:00", "2019-12-31T22:00:00.000000Z"),   # past ISO accepted (overdue)
    ("2026-07-01T12:00", "2026-07-01T09:00:00.000000Z"),   # summer time: UTC+3
])
def test_time_forms_in_the_desk_time_zone(kyiv, text, expected):
    assert schedule.parse_time(text, KYIV_NOON) == expected


def test_time_in_another_zone_and_shown_back_in_local_time(monkeypatch):
    monkeypatch.setenv("TRANSDESK_TZ", "America/New_York")
    due = schedule.parse_time("18:30", KYIV_NOON)  # 05:00 in New York: today, 18:30
    assert due == "2026-11-26T23:30:00.000000Z"
    assert schedule.show(due) == "2026-11-26 18:30"
    monkeypatch.setenv("TRANSDESK_TZ", "Europe/Kyiv")
    assert schedule.show(due) == "2026-11-27 01:30"


@pytest.mark.parametrize("text", ["25:00", "18:61", "soon", "+", "+5x", "tomorrow", "2026-13-01",
                                  "", "18.30"])
@pytest.mark.english
def test_bad_times_are_bad_input(kyiv, text):
    with pytest.raises(BadInput, match="bad time"):
        schedule.parse_time(text, KYIV_NOON)


@pytest.mark.english
def test_unknown_time_zone_is_bad_input(monkeypatch):
    monkeypatch.setenv("TRANSDESK_TZ", "Mars/Olympus")
    with pytest.raises(BadInput, match="unknown time zone"):
        schedule.parse_time("+1h")


@pytest.mark.english
def test_since_forms_and_the_future_refused(kyiv):
    assert schedule.parse_since("2026-11-20", KYIV_NOON) == "2026-11-19T22:00:00.000000Z"
    assert schedule.parse_since("-3d", KYIV_NOON) == "2026-11-23T10:00:00.000000Z"
    assert schedule.parse_since("-12h", KYIV_NOON) == "2026-11-25T22:00:00.000000Z"
    with pytest.raises(BadInput, match="in the future"):
        schedule.parse_since("2026-11-27", KYIV_NOON)
    with pytest.raises(BadInput, match="bad --since"):
        schedule.parse_since("last week", KYIV_NOON)


# --- CLI: import --priority/--due, plan, bad input -------------------------------------------


@pytest.fixture
def desk(run, samples):
    """ru-budget (units 1-12) and uk-bridge (units 13-23), both translated into en."""
    for name in ("ru-budget", "uk-bridge"):
        assert run("import", str(samples / f"{name}.txt")).exit_code == 0
    return run


def dump(db_path) -> list:
    return sql(db_path, "SELECT * FROM schedule ORDER BY 1, 2") + sql(
        db_path, "SELECT unit_id, lang, priority, due FROM translations ORDER BY 1, 2")


def test_import_with_priority_and_due_sets_every_target(run, samples, kyiv):
    result = run("import", str(samples / "ru-budget.txt"), "--priority", "urgent", "--due",
                 "+45m")
    assert result.exit_code == 0, result.output
    rows = run.json("status", "ru-budget")
    assert {r["lang"] for r in rows} == {"uk", "en"}
    for row in rows:
        assert row["priority"] == "urgent" and row["left"] == 12 and not row["overdue"]
        due = datetime.fromisoformat(row["due"])
        assert timedelta(minutes=44) < due - datetime.now(UTC) <= timedelta(minutes=45)
        assert row["due_local"] == schedule.show(row["due"])
    assert sql(run.db_path, "SELECT DISTINCT priority, due FROM translations") == [
        (0, rows[0]["due"])]


@pytest.mark.english
def test_plan_per_language_and_clearing(desk, kyiv):
    result = desk("plan", "ru-budget", "--lang", "en", "--due", "2026-11-28T14:00",
                  "--priority", "high")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ru-budget  en  high · due 2026-11-28 14:00 · 12 left")
    status = {r["lang"]: r for r in desk.json("status", "ru-budget")}
    assert status["en"]["due"] == "2026-11-28T12:00:00.000000Z"
    assert status["en"]["priority"] == "high"
    assert status["uk"]["due"] is None and status["uk"]["priority"] == "normal"
    assert desk("plan", "ru-budget", "--lang", "en", "--due", "none").exit_code == 0
    status = {r["lang"]: r for r in desk.json("status", "ru-budget")}
    assert status["en"]["due"] is None and status["en"]["priority"] == "high"
    assert sql(desk.db_path, "SELECT DISTINCT due FROM translations WHERE lang = 'en'"
               " AND article_id = 'ru-budget'") == [(schedule.NO_DUE,)]


def test_plan_writes_a_history_row_per_language_changed(desk, kyiv):
    before = sql(desk.db_path, "SELECT COUNT(*) FROM history")[0][0]
    result = desk("plan", "ru-budget", "--priority", "urgent", "--due",
                  "2026-11-28T14:00", "--as", "editor-olga")
    assert result.exit_code == 0, result.output
    rows = sql(desk.db_path, "SELECT h.lang, h.action, h.translator, h.old_text, h.new_text,"
               " h.old_status, h.new_status, u.article_id, u.position FROM history h"
               " JOIN units u ON u.id = h.unit_id WHERE h.id > (SELECT MAX(id) - 2 FROM"
               " history) ORDER BY h.lang")
    assert sql(desk.db_path, "SELECT COUNT(*) FROM history")[0][0] == before + 2
    for lang, row in zip(("en", "uk"), rows, strict=True):
        assert row == (lang, "plan", "editor-olga", "priority normal, due -",
                       "priority urgent, due 2026-11-28T12:00:00Z", "untranslated",
                       "untranslated", "ru-budget", 0)
    # the same plan again changes nothing: no new row; one language changed: one row
    assert desk("plan", "ru-budget", "--priority", "urgent").exit_code == 0
    assert desk("plan", "ru-budget", "--lang", "en", "--due", "none").exit_code == 0
    assert sql(desk.db_path, "SELECT COUNT(*) FROM history")[0][0] == before + 3
    log = desk.json("log", "ru-budget", "--limit", "1")
    assert [(r["action"], r["lang"], r["old_text"], r["new_text"]) for r in log] == [
        ("plan", "en", "priority urgent, due 2026-11-28T12:00:00Z", "priority urgent, due -")]
    # a plan is not work done: no post-edit, no pace, no progress
    report = json.loads(desk("report", "--format", "json").stdout)
    assert report["translators"] == [] and report["postedit"]["by_origin"] == []


@pytest.mark.parametrize(("args", "message"), [
    (["plan", "ru-budget", "--due", "25:99"], "Error: bad time '25:99': no such time of day\n"),
    (["plan", "ru-budget", "--due", "whenever"], "Error: bad time 'whenever': use 18:30, +45m,"),
    (["plan", "ru-budget", "--priority", "asap"], "Error: unknown priority 'asap'; use one of:"
                                                  " urgent, high, normal, low\n"),
    (["plan", "ru-budget"], "Error: nothing to change: give --priority and/or --due\n"),
    (["plan", "nope", "--priority", "low"], "Error: unknown article 'nope'"),
    (["plan", "ru-budget", "uk-bridge", "--lang", "ru", "--priority", "low"],
     "Error: ru is not a target language of 'ru-budget'"),
    (["report", "--since", "2999-01-01"], "Error: --since '2999-01-01' is in the future\n"),
    (["report", "--since", "yesterday-ish"], "Error: bad --since 'yesterday-ish'"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(desk, args, message):
    before = dump(desk.db_path)
    result = desk(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    if interface_language() == "en":  # the words themselves in English only
        assert result.stderr.startswith(message)
    assert dump(desk.db_path) == before


def test_import_with_a_bad_due_imports_nothing(run, samples, db_path):
    for args in (["--due", "later"], ["--priority", "top"]):
        result = run("import", str(samples / "ru-budget.txt"), *args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert not db_path.exists()  # refused before the database was made


def test_reimport_gives_new_sentences_the_languages_schedule(run, samples, tmp_path):
    path = samples / "ru-budget.txt"
    assert run("import", str(path), "--priority", "urgent", "--due", "+2h").exit_code == 0
    text = path.read_text(encoding="utf-8")
    changed = tmp_path / "ru-budget.txt"
    changed.write_text(text.rstrip("\n") + "\n\nНовый абзац в конце статьи.\n", encoding="utf-8")
    result = run("import", str(changed))
    assert result.exit_code == 0
    assert "1 new" in result.stdout or interface_language() != "en"
    assert sql(run.db_path, "SELECT COUNT(DISTINCT priority || due) FROM translations") == [(1,)]
    assert sql(run.db_path, "SELECT DISTINCT priority FROM translations") == [(0,)]


# --- next: overdue, priority, due, article and position -----------------------------------------


def claim_ids(run, n: int, lang: str = "en", *args: str) -> list[int]:
    ids = []
    for i in range(n):
        unit = json.loads(run("next", "--lang", lang, "--json", "--as", f"t{i}", *args).stdout)
        ids.append(unit["id"] if unit else None)
    return ids


def test_next_order_overdue_then_priority_then_due_then_article(desk, samples):
    assert desk("import", str(samples / "en-fed-rates.txt")).exit_code == 0  # units 24-35, uk/ru
    # no schedule: article and position order, as before
    assert claim_ids(desk, 2, "uk") == [24, 25]
    assert claim_ids(desk, 1, "en") == [1]
    sql(desk.db_path, "UPDATE translations SET claimed_by = NULL, claim_expires = NULL")
    desk("plan", "ru-budget", "--priority", "urgent", "--due", "+3h")
    # uk: the urgent article before the earlier one in article order
    assert claim_ids(desk, 1, "uk") == [1]
    sql(desk.db_path, "UPDATE translations SET claimed_by = NULL, claim_expires = NULL")
    desk("plan", "en-fed-rates", "--lang", "uk", "--priority", "low", "--due", "2020-01-01T00:00")
    desk("plan", "uk-bridge", "--lang", "en", "--priority", "urgent", "--due", "+1h")
    # uk: the overdue low-priority article first, then the urgent one
    assert claim_ids(desk, 13, "uk") == [*range(24, 36), 1]
    # en: both urgent; the earlier deadline first (uk-bridge), then ru-budget
    assert claim_ids(desk, 12, "en")[:12] == [*range(13, 24), 1]


def test_next_takes_untranslated_before_drafts_within_the_same_deadline(desk):
    desk("plan", "ru-budget", "uk-bridge", "--lang", "en", "--due", "+1h")
    put(desk.db_path, 1, "en", "Monday, 17 February", origin="cldr")
    assert claim_ids(desk, 1) == [2]
    sql(desk.db_path, "UPDATE translations SET claimed_by = NULL, claim_expires = NULL")
    order = claim_ids(desk, 23)
    assert order[:22] == [u for u in range(2, 24)] and order[22] == 1


def test_review_follows_the_desk_order(desk):
    for unit_id in (1, 2, 13, 14):
        put(desk.db_path, unit_id, "en", f"text {unit_id}", status="translated",
            origin="human", translator="olena")
    desk("plan", "uk-bridge", "--priority", "urgent")
    assert claim_ids(desk, 3, "en", "--review") == [13, 14, 1]


@pytest.mark.sqlite_only  # SQLite's query plan
def test_queue_walks_one_index_also_with_deadlines(desk):
    desk("plan", "ru-budget", "--priority", "urgent", "--due", "2020-01-01T00:00")
    db = open_db(desk.db_path)
    db.execute("ANALYZE")
    for review in (False, True):
        plan = workflow.next_unit_plan(db, review=review)
        index = "translations_review" if review else "translations_work"
        assert plan == [f"SEARCH translations USING INDEX {index} (lang=? AND priority=? AND due<?)",
                        f"SEARCH translations USING INDEX {index} (lang=?)"]
    db.close()


# --- status, articles: deadline, left, overdue in red, estimated finish -----------------------------


@pytest.mark.english
def test_status_shows_deadline_left_overdue_in_red_and_estimate(desk, kyiv):
    desk("plan", "ru-budget", "--lang", "en", "--priority", "urgent", "--due", "2020-01-01T09:00")
    desk("plan", "uk-bridge", "--lang", "en", "--due", "+30m")
    # four units done in the last minutes: a pace of 4 units an hour (at least an hour counted)
    for unit_id in (1, 2, 3, 4):
        assert desk("submit", str(unit_id), "--lang", "en", "--text", f"T{unit_id}").exit_code == 0
    rows = {(r["article"], r["lang"]): r for r in desk.json("status")}
    late, soon = rows[("ru-budget", "en")], rows[("uk-bridge", "en")]
    assert late["overdue"] and late["left"] == 8 and late["priority"] == "urgent"
    assert not soon["overdue"] and soon["left"] == 11
    now = datetime.now(UTC)

    def hours(row):
        return (datetime.fromisoformat(row["eta"]) - now).total_seconds() / 3600

    # the urgent overdue article is worked first: 8 units at 4/h; uk-bridge waits for it
    assert hours(late) == pytest.approx(2.0, abs=0.05)
    assert hours(soon) == pytest.approx((8 + 11) / 4, abs=0.05)
    assert rows[("ru-budget", "uk")]["eta"] is None  # nobody translated into uk lately

    plain = desk("status", "ru-budget", "--lang", "en").stdout
    assert "urgent · due 2020-01-01 09:00 · 8 left · OVERDUE" in plain
    assert "\x1b[" not in plain  # no colour codes into a pipe
    coloured = desk.runner.invoke(__import__("transdesk.cli").cli.cli,
                                  ["--db", str(desk.db_path), "status", "ru-budget"], color=True)
    assert "\x1b[31m\x1b[1mOVERDUE" in coloured.stdout  # red on a terminal
    assert "eta ? (no recent pace)" in coloured.stdout  # uk

    articles = desk.json("articles")
    assert articles[0]["deadlines"]["en"]["overdue"] is True
    text = desk("articles").stdout
    assert "en  urgent · due 2020-01-01 09:00 · 8 left · OVERDUE" in text


# --- check --due ---------------------------------------------------------------------------------


@pytest.mark.english
def test_check_due_wakes_the_editor_only_for_late_incomplete_languages(desk):
    result = desk("check", "--due")
    assert (result.exit_code, result.stdout) == (0, "no language past its deadline\n")
    desk("plan", "ru-budget", "--lang", "en", "--due", "2020-01-01T00:00")
    desk("plan", "uk-bridge", "--due", "+1h")
    result = desk("check", "--due")
    assert result.exit_code == 1
    assert result.stdout.startswith("ru-budget  en  due 2020-01-01 00:00  OVERDUE ")
    assert result.stdout.endswith("12 units left\n1 language past the deadline\n")
    report = json.loads(desk("check", "--due", "--json").stdout)
    assert report["ok"] is False and report["exit_code"] == 1
    assert [(r["article"], r["lang"], r["left"]) for r in report["overdue"]] == [
        ("ru-budget", "en", 12)]
    assert desk("check", "--due", "uk-bridge").exit_code == 0
    assert desk("check", "--due", "--lang", "uk").exit_code == 0
    for unit_id in range(1, 13):  # finished late is no longer a reason to wake anybody
        desk("submit", str(unit_id), "--lang", "en", "--text", f"T{unit_id}")
    assert desk("check", "--due").exit_code == 0
    assert desk("check", "--due", "nope").exit_code == 2


# --- migration -----------------------------------------------------------------------------------


def test_older_database_gets_the_schedule_and_its_post_edits_their_draft_origin(db_path, samples):
    from transdesk import importing

    # the article as today's import writes it, copied into a desk of the schema before
    # m060 (only the columns that schema has)
    today = open_db(db_path.with_name("today.db"))
    importing.import_article(today, (samples / "ru-budget.txt").read_bytes(), "ru-budget")
    today.close()
    old = open_db(db_path, migrate=False)
    apply_migrations(old, stop_before="m060_schedule")
    conn = old.conn
    conn.execute("ATTACH DATABASE ? AS today", [str(db_path.with_name("today.db"))])
    for table in ("articles", "units", "translations"):
        columns = ", ".join(row[1] for row in conn.execute(f"PRAGMA main.table_info({table})"))
        conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM today.{table}")
    conn.commit()
    conn.execute("DETACH DATABASE today")
    conn.execute("INSERT INTO history (unit_id, lang, at, origin, action, new_text, old_status,"
                 " new_status) VALUES (1, 'en', '2026-11-25T10:00:00.000000Z', 'cldr', 'draft',"
                 " 'Monday', 'untranslated', 'draft')")
    conn.execute("INSERT INTO history (unit_id, lang, at, translator, origin, action, old_text,"
                 " new_text, old_status, new_status) VALUES (1, 'en', '2026-11-25T10:05:00.000000Z',"
                 " 'olena', 'human', 'translate', 'Monday', 'Monday, 17 February', 'draft',"
                 " 'translated')")
    old.close()
    db = open_db(db_path)
    assert db.execute("SELECT old_origin FROM history WHERE action = 'translate'").fetchone() == (
        "cldr",)
    assert db.execute("SELECT DISTINCT priority, due FROM translations").fetchall() == [
        (2, schedule.NO_DUE)]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_submit_records_claim_time_and_the_draft_it_replaced(desk):
    put(desk.db_path, 13, "en", "Lviv opened a new bridge", origin="tm", score=87.5)
    sql(desk.db_path, "UPDATE translations SET priority = 0 WHERE unit_id = 13 AND lang = 'en'")
    unit = json.loads(desk("next", "--lang", "en", "--json").stdout)
    assert unit["id"] == 13
    claimed = sql(desk.db_path, "SELECT claimed_at FROM translations WHERE unit_id = 13"
                  " AND lang = 'en'")[0][0]
    assert claimed is not None
    assert desk("submit", "13", "--lang", "en", "--text", "Lviv opens a new bridge").exit_code == 0
    assert sql(desk.db_path, "SELECT claimed_at, old_origin, old_score, origin FROM history"
               " WHERE unit_id = 13 AND action = 'translate'") == [(claimed, "tm", 87.5, "human")]
    assert sql(desk.db_path, "SELECT claimed_at FROM translations WHERE unit_id = 13 AND"
               " lang = 'en'") == [(None,)]
