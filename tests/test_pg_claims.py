"""Claiming and submitting on PostgreSQL: many real processes, each its own server login.

No unit is handed out twice, none is lost, and each submission has its history row
recording the login that made it. The queue order is the SQLite desk's.
"""

from __future__ import annotations

import multiprocessing

import pytest
from helpers_pg import fill_from_samples

from transdesk import storage, workflow
from transdesk.errors import BadInput
from transdesk.storage import claims

WORKERS = 12


def translator(url: str, barrier, results) -> None:
    """One translator in a process of its own: next, submit, until nothing is left."""
    got: list[int] = []
    errors: list[str] = []
    desk = storage.open(url)
    try:
        barrier.wait()  # everybody asks at the same moment ...
        first_round = True
        while True:
            try:
                unit = claims.next_unit(desk, "en")
                if first_round:
                    barrier.wait()  # ... and holds the claim until all have one
                    first_round = False
                if unit is None:
                    break
                got.append(unit["id"])
                claims.submit(desk, unit["id"], "en", text=f"{desk.login}:{unit['id']}")
            except Exception as exc:  # reported to the test, which fails on any
                errors.append(f"{type(exc).__name__}: {exc}")
                break
    finally:
        desk.close()
        results.put((url, got, errors))


@pytest.fixture
def corpus(pg_url, samples, tmp_path) -> int:
    fill_from_samples(pg_url, samples, tmp_path, copies=3)
    desk = storage.open(pg_url)
    try:
        count = desk.conn.execute(
            "SELECT count(*) FROM translations WHERE lang = 'en' AND obsolete = 0").fetchone()[0]
    finally:
        desk.close()
    assert count > WORKERS * 3
    return count


def test_many_processes_never_share_a_unit_and_lose_nothing(corpus, logins):
    urls = [logins.add(f"t{i:02d}", "translator") for i in range(WORKERS)]
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=translator, args=(url, barrier, results)) for url in urls]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    assert [errors for _url, _got, errors in outcomes if errors] == []
    handed_out = [unit for _url, got, _errors in outcomes for unit in got]
    assert len(handed_out) == len(set(handed_out)) == corpus  # no unit twice, none left over
    firsts = [got[0] for _url, got, _errors in outcomes if got]
    assert len(firsts) == len(set(firsts)) == WORKERS  # all claims held at once, all distinct
    owner = {unit: url.split("://")[1].split("@")[0]
             for url, got, _errors in outcomes for unit in got}
    rows = logins.server.admin(
        "SELECT unit_id, text, status, translator, claimed_by FROM translations"
        " WHERE lang = 'en'", dbname=logins.desk)
    assert set(rows) == {(u, f"{owner[u]}:{u}", "translated", owner[u], None) for u in owner}
    history = logins.server.admin(
        "SELECT unit_id, login, translator, action FROM history WHERE lang = 'en'",
        dbname=logins.desk)
    assert sorted(history) == sorted((u, owner[u], owner[u], "translate") for u in owner)


def test_queue_order_is_the_sqlite_order(pg_url, samples, tmp_path):
    """The same desk on both engines hands out the same units in the same order."""
    lite_path = fill_from_samples(pg_url, samples, tmp_path, copies=2)
    lite = storage.open(lite_path)
    pg = storage.open(pg_url)
    try:
        for lang in ("en", "uk"):
            on_sqlite, on_postgres = [], []
            for _ in range(25):
                a = workflow.next_unit(lite.db, lang, pg.login)
                b = claims.next_unit(pg, lang)
                assert a is not None and b is not None
                on_sqlite.append(a["id"])
                on_postgres.append(b["id"])
                a_sub = workflow.submit(lite.db, a["id"], lang, pg.login, text="x")
                b_sub = claims.submit(pg, b["id"], lang, text="x")
                assert (a_sub.status, a_sub.changed) == (b_sub.status, b_sub.changed)
                for key in ("key", "kind", "paragraph", "source", "article", "lang"):
                    assert a[key] == b[key]
            assert on_sqlite == on_postgres
    finally:
        lite.close()
        pg.close()


def test_own_claim_comes_back_and_release_frees_it(pg_url, samples, tmp_path, logins):
    fill_from_samples(pg_url, samples, tmp_path)
    alice = storage.open(logins.add("alice", "translator"))
    bob = storage.open(logins.add("bob", "translator"))
    try:
        first = claims.next_unit(alice, "en")
        assert first is not None
        again = claims.next_unit(alice, "en")
        assert again is not None and again["id"] == first["id"]
        assert claims.next_unit(bob, "en")["id"] != first["id"]  # type: ignore[index]
        assert claims.release(bob, first["id"], "en") is False  # not bob's to give back
        assert claims.release(alice, first["id"], "en") is True
        skipped = claims.next_unit(alice, "en", exclude=[first["id"]])
        assert skipped is not None and skipped["id"] != first["id"]
    finally:
        alice.close()
        bob.close()


@pytest.mark.english
def test_bad_input_is_refused_like_on_sqlite(pg_url, samples, tmp_path):
    fill_from_samples(pg_url, samples, tmp_path)
    desk = storage.open(pg_url)
    try:
        with pytest.raises(BadInput, match="unknown unit 999999"):
            claims.submit(desk, 999999, "en", text="x")
        with pytest.raises(BadInput, match="empty translation"):
            claims.submit(desk, 1, "en", text="   ")
        with pytest.raises(BadInput, match="control character"):
            claims.submit(desk, 1, "en", text="Budget \x1b[31madopted")
        with pytest.raises(BadInput, match="unknown article 'nope'"):
            claims.next_unit(desk, "en", article="nope")
        with pytest.raises(BadInput, match="claim duration"):
            claims.next_unit(desk, "en", claim_minutes=0)
        source = desk.conn.execute("SELECT source_lang FROM articles LIMIT 1").fetchone()[0]
        unit = desk.conn.execute("SELECT u.id FROM units u JOIN articles a ON a.id ="
                                 " u.article_id WHERE a.source_lang = %s LIMIT 1",
                                 [source]).fetchone()[0]
        with pytest.raises(BadInput, match=f"has no {source} translation"):
            claims.submit(desk, unit, source, text="x")
        assert desk.conn.execute("SELECT count(*) FROM history").fetchone()[0] == 0
    finally:
        desk.close()


@pytest.mark.english
def test_next_and_submit_commands_on_postgres(pg_url, samples, tmp_path, logins, monkeypatch):
    from conftest import Cli

    fill_from_samples(pg_url, samples, tmp_path)
    alice_url = logins.add("alice", "translator")
    alice = Cli(alice_url)  # type: ignore[arg-type]
    result = alice("next", "--lang", "en", "--json")  # TRANSDESK_USER=tester: someone else
    assert result.exit_code == 1
    assert "working as tester (--as) needs the editor role" in result.output
    monkeypatch.delenv("TRANSDESK_USER")
    unit = alice.json("next", "--lang", "en")
    assert unit["claim_expires"] > "2026"
    saved = alice.json("submit", str(unit["id"]), "--lang", "en", "--text", " By Alice ")
    assert saved == {"unit": unit["id"], "lang": "en", "status": "translated",
                     "text": "By Alice", "changed": True}
    # --as naming someone else is refused: the translator is the login
    result = alice("next", "--lang", "en", "--json", "--as", "bob")
    assert result.exit_code == 1
    assert f"working as bob (--as) needs the editor role (login {logins.name('alice')})" \
        in result.output
    assert alice("next", "--lang", "en", "--json", "--as", logins.name("alice").upper()
                 ).exit_code == 0
    # a translator's approval is refused by the server: exit 1, naming the role
    result = alice("submit", str(unit["id"]), "--lang", "en", "--accept", "--approve")
    assert result.exit_code == 1
    assert "approving or correcting needs the reviewer role" in result.output
    result = alice("next", "--lang", "en", input=":q\n")  # interactive, on PostgreSQL too
    assert result.exit_code == 0 and "0 saved, 0 skipped." in result.output


@pytest.mark.english
def test_a_backend_killed_mid_submit_leaves_nothing_half_written(pg_url, samples, tmp_path,
                                                                 logins):
    """The submit has updated the translation and waits (on a memory row another session
    holds) when its backend is terminated: the whole change is rolled back, and the
    translator gets one line, exit 2."""
    import threading
    import time

    import psycopg

    from transdesk.errors import TransdeskError

    fill_from_samples(pg_url, samples, tmp_path)
    alice = storage.open(logins.add("alice", "translator"))
    unit = claims.next_unit(alice, "en")
    assert unit is not None
    key = unit["id"] * 4 + 2  # tm_memory key of the unit's English text
    blocker = psycopg.connect(pg_url)  # holds an uncommitted memory row with that key
    blocker.execute("INSERT INTO tm_memory VALUES (%s, %s, 'en', 'held')", [key, unit["id"]])
    outcome: list[BaseException] = []

    def submit() -> None:
        try:
            claims.submit(alice, unit["id"], "en", text="Never half-written")
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=submit)
    thread.start()
    pid = alice.conn.info.backend_pid
    for _ in range(600):  # up to 30 s on a busy machine
        waiting = logins.server.admin(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,))
        if waiting == [("Lock",)]:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the submit never waited on the held row")
    logins.server.admin("SELECT pg_terminate_backend(%s)", (pid,))
    thread.join(timeout=30)
    blocker.rollback()
    blocker.close()
    alice.conn.close()
    assert len(outcome) == 1 and isinstance(outcome[0], TransdeskError)
    assert outcome[0].exit_code == 2
    assert "lost the PostgreSQL server" in str(outcome[0])
    assert "nothing of the unfinished command was saved" in str(outcome[0])
    row = logins.server.admin("SELECT text, status, claimed_by FROM translations"
                              " WHERE unit_id = %s AND lang = 'en'", (unit["id"],),
                              dbname=logins.desk)
    assert row == [(None, "untranslated", logins.name("alice"))]
    assert logins.server.admin("SELECT count(*) FROM history", dbname=logins.desk) == [(0,)]
    assert logins.server.admin("SELECT count(*) FROM tm_memory WHERE key = %s", (key,),
                               dbname=logins.desk) == [(0,)]


@pytest.mark.english
def test_interactive_next_reconnects_and_keeps_what_was_saved(pg_url, samples, tmp_path,
                                                               logins):
    """A real `transdesk next` process; between two saves the server terminates its
    backend: the session connects again and goes on."""
    import os
    import subprocess
    import sys

    fill_from_samples(pg_url, samples, tmp_path)
    url = logins.add("alice", "translator")
    env = {k: v for k, v in os.environ.items() if k != "TRANSDESK_USER"}
    proc = subprocess.Popen([sys.executable, "-m", "transdesk", "--db", url, "next", "--lang",
                             "en"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdin is not None and proc.stdout is not None

    def read_until(marker: str) -> str:
        seen = []
        while True:
            line = proc.stdout.readline()
            assert line, "".join(seen) + (proc.stderr.read() if proc.stderr else "")
            seen.append(line)
            if marker in line:
                return "".join(seen)

    try:
        read_until(":a accept")
        proc.stdin.write("First saved text\n")
        proc.stdin.flush()
        read_until("saved (translated)")
        read_until(":a accept")  # the next unit is on the screen: now the server drops us
        killed = logins.server.admin(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = %s",
            (logins.name("alice"),))
        assert killed == [(1,)]
        proc.stdin.write("Second saved text\n")
        proc.stdin.flush()
        after = read_until("saved (translated)")
        assert "reconnected" in after
        proc.stdin.write(":q\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "2 saved, 0 skipped." in out
    rows = logins.server.admin(
        "SELECT new_text, login FROM history ORDER BY id", dbname=logins.desk)
    assert rows == [("First saved text", logins.name("alice")),
                    ("Second saved text", logins.name("alice"))]
    claimed = logins.server.admin("SELECT count(*) FROM translations WHERE claimed_by IS NOT"
                                  " NULL", dbname=logins.desk)
    assert claimed == [(0,)]  # quitting gave the last unit back


@pytest.mark.english
def test_the_session_goes_on_after_a_server_restart(pg_url, samples, tmp_path, logins):
    """The test server itself restarts (pg_ctl restart) between a claim and its submit."""
    import glob
    import os
    import subprocess

    from pg_fixtures import PG_DIR as data

    if not data:
        pytest.skip("not our own throw-away server (TRANSDESK_TEST_PG_DIR unset)")
    fill_from_samples(pg_url, samples, tmp_path)
    messages: list[str] = []
    work = claims.ReconnectingWork(storage.open(logins.add("alice", "translator")),
                                   reconnected=messages.append)
    unit = work.next_unit(None, "en", "ignored")
    assert unit is not None
    pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    command = [pg_ctl, "-D", f"{data}/data", "-l", f"{data}/server.log", "-m", "fast", "-w",
               "restart"]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    # no pipes: the restarted server would hold them open
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = work.submit(None, unit["id"], "en", "ignored", text="After the restart")
    assert result.changed and result.status == "translated"
    assert len(messages) == 1 and "reconnected" in messages[0]
    work.desk.close()
    assert logins.server.admin("SELECT new_text, login FROM history", dbname=logins.desk) \
        == [("After the restart", logins.name("alice"))]


@pytest.mark.english
def test_an_editor_may_work_as_someone_else_and_the_login_is_recorded(
        pg_url, samples, tmp_path, logins, monkeypatch):
    from conftest import Cli

    fill_from_samples(pg_url, samples, tmp_path)
    monkeypatch.delenv("TRANSDESK_USER")
    ed = Cli(logins.add("ed", "editor"))  # type: ignore[arg-type]
    unit = ed.json("next", "--lang", "en", "--as", "olena")
    saved = ed.json("submit", str(unit["id"]), "--lang", "en", "--text", "For Olena",
                    "--as", "olena")
    assert saved["changed"]
    rows = logins.server.admin(
        "SELECT t.translator, h.translator, h.login FROM translations t JOIN history h"
        " ON h.unit_id = t.unit_id AND h.lang = t.lang WHERE t.unit_id = %s AND t.lang = 'en'",
        (unit["id"],), dbname=logins.desk)
    assert rows == [("olena", "olena", logins.name("ed"))]
    result = ed("next", "--lang", "en", "--json", "--as", "bad\nname")
    assert result.exit_code == 2 and "U+000A" in result.output  # the name is refused


@pytest.mark.english
def test_next_json_prints_what_it_prints_on_sqlite(pg_url, samples, tmp_path, logins,
                                                    monkeypatch):
    """The same desk on both engines: `next --json` hands out the same units in the desk's
    order (overdue work first, then urgent, then high, then the rest) and prints the
    same JSON, term hits included; each submit leaves the same history row."""
    import sqlite3

    from conftest import Cli

    lite = tmp_path / "lite.db"
    local = Cli(lite)
    for path in sorted(samples.glob("*.txt")):
        assert local("import", str(path)).exit_code == 0
    assert local("terms", "add", "--ru", "бюджет", "--en", "budget", "--uk", "бюджет"
                 ).exit_code == 0
    assert local("plan", "ru-budget", "--priority", "urgent").exit_code == 0
    assert local("plan", "uk-bridge", "--priority", "high").exit_code == 0
    conn = sqlite3.connect(lite)  # a deadline already passed (plan refuses one)
    with conn:
        conn.execute("UPDATE translations SET due = '2020-01-01T00:00:00.000000Z'"
                     " WHERE article_id = 'en-fed-rates'")
    conn.close()
    assert local("db", "copy", str(lite), pg_url).exit_code == 0
    alice = Cli(logins.add("alice", "translator"))  # type: ignore[arg-type]
    name = logins.name("alice")
    monkeypatch.delenv("TRANSDESK_USER")
    seen, hits = [], []
    for step in range(12):
        lang = "en" if step % 3 else "uk"
        a = local.json("next", "--lang", lang, "--as", name)
        b = alice.json("next", "--lang", lang)
        assert a["claim_expires"] and b["claim_expires"]
        a["claim_expires"] = b["claim_expires"] = None
        assert a == b
        seen.append((a["article"], lang))
        hits += a["terms"]
        text = f"text {step}"
        local.json("submit", str(a["id"]), "--lang", lang, "--text", text, "--as", name)
        alice.json("submit", str(b["id"]), "--lang", lang, "--text", text)
    assert seen[:2] == [("en-fed-rates", "uk"), ("ru-budget", "en")]
    assert "budget" in {hit["translation"] for hit in hits}
    columns = ("unit_id, lang, translator, origin, action, old_text, new_text, old_status,"
               " new_status, score, old_origin, old_score, claimed_at IS NOT NULL")
    conn = sqlite3.connect(lite)
    on_sqlite = conn.execute(f"SELECT {columns} FROM history ORDER BY id").fetchall()
    conn.close()
    on_postgres = logins.server.admin(f"SELECT {columns} FROM history ORDER BY id",
                                      dbname=logins.desk)
    assert [tuple(row) for row in on_postgres] == on_sqlite
    submitted = [row for row in on_sqlite if row[4] == "translate"]  # (not plan's rows)
    assert len(submitted) == 12 and all(row[-1] for row in submitted)  # the claim's start


def test_queue_walks_use_the_partial_indexes_in_next_order(pg_url, samples, tmp_path):
    """The plans `transdesk_next` runs (auto_explain): the own claim through the claims
    index, the overdue probes and the walk through translations_work (translations_review
    in review), no sort, no sequential scan; and the claim it made is rolled back."""
    fill_from_samples(pg_url, samples, tmp_path)
    desk = storage.open(pg_url)
    try:
        grow(desk, 300)  # (on a few dozen rows any plan is a sequential scan)
        desk.conn.execute("ANALYZE")
        work = claims.next_unit_plan(desk, "en")
        review = claims.next_unit_plan(desk, "en", review=True)
        claimed = desk.conn.execute(
            "SELECT count(*) FROM translations WHERE claimed_by IS NOT NULL").fetchone()[0]
    finally:
        desk.close()
    assert work[0] == "Index Scan using translations_claimed on translations t"
    assert work[1:] == ["Index Scan using translations_work on translations t"] * 5
    assert review[1:] == ["Index Scan using translations_review on translations t"] * 5
    assert claimed == 0


def grow(desk, copies: int) -> None:
    """`copies` more of every article, its units and translation rows, by SQL."""
    renamed = {"articles": {"id": "id || '-c' || k"},
               "units": {"id": "id + k * 100000", "article_id": "article_id || '-c' || k"},
               "translations": {"unit_id": "unit_id + k * 100000",
                                "article_id": "article_id || '-c' || k"}}
    with desk.conn.transaction():
        for table, changes in renamed.items():
            cols = [r[0] for r in desk.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND table_schema = 'public' ORDER BY ordinal_position", [table])]
            exprs = [changes.get(c, c) for c in cols]
            desk.conn.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)}"
                f" FROM {table}, generate_series(1, %s) k", [copies])


@pytest.mark.english
def test_a_name_is_one_person_however_spelled(pg_url, samples, tmp_path):
    """As on SQLite (`translators.identity`): an editor working as `DAVE ` is dave, who
    may not approve his own work, and whose claim is his under any spelling."""
    from transdesk.errors import Refused

    fill_from_samples(pg_url, samples, tmp_path)
    desk = storage.open(pg_url)  # the owner: an editor, who may work as someone else
    try:
        unit = claims.next_unit(desk, "en", acting_as="dave")
        assert unit is not None
        claims.submit(desk, unit["id"], "en", text="By Dave", acting_as="dave")
        with pytest.raises(Refused, match="was translated by you"):
            claims.submit(desk, unit["id"], "en", accept=True, approve=True,
                          acting_as="DAVE ")
        again = claims.next_unit(desk, "en", acting_as="Dave")
        assert again is not None
        assert claims.next_unit(desk, "en", acting_as="ｄａｖｅ")["id"] == again["id"]  # type: ignore[index]
        assert claims.release(desk, again["id"], "en", acting_as="DAVE") is True
        claimed = desk.conn.execute(
            "SELECT count(*) FROM translations WHERE claimed_by IS NOT NULL").fetchone()[0]
        assert claimed == 0
    finally:
        desk.close()


@pytest.mark.english
def test_the_next_screen_is_the_sqlite_screen(pg_url, samples, tmp_path, logins, monkeypatch):
    """The interactive `next` on the same desk shows the same screens on both engines,
    the termbase's lines included, and saves the same."""
    from conftest import Cli

    lite = tmp_path / "lite.db"
    local = Cli(lite)
    assert local("import", str(samples / "ru-budget.txt")).exit_code == 0
    assert local("terms", "add", "--ru", "бюджет", "--en", "budget").exit_code == 0
    assert local("db", "copy", str(lite), pg_url).exit_code == 0
    alice = Cli(logins.add("alice", "translator"))  # type: ignore[arg-type]
    monkeypatch.delenv("TRANSDESK_USER")
    typed = "Monday, 17 February\n:s\n:s\nThe budget\n:q\n"
    on_sqlite = local("next", "--lang", "en", "--as", logins.name("alice"), input=typed)
    on_postgres = alice("next", "--lang", "en", input=typed)
    assert on_sqlite.exit_code == on_postgres.exit_code == 0
    assert "бюджета → budget" in on_sqlite.stdout
    assert on_postgres.stdout == on_sqlite.stdout
