"""Roles enforced by the PostgreSQL server itself, with real logins.

A translator who connects on their own (psycopg, psql) cannot approve a unit, change
another translator's claimed unit, or delete history; the history records the login.
"""

from __future__ import annotations

import os
import subprocess

import psycopg
import pytest
from conftest import Cli
from helpers_pg import fill_from_samples

from transdesk import storage, team
from transdesk.errors import Refused
from transdesk.storage import claims


@pytest.fixture
def desk(pg_url, samples, tmp_path):
    fill_from_samples(pg_url, samples, tmp_path)
    return pg_url


def first_unit(conn: psycopg.Connection, lang: str = "en") -> int:
    row = conn.execute("SELECT unit_id FROM translations WHERE lang = %s AND obsolete = 0"
                       " ORDER BY article_id, position LIMIT 1", [lang]).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.english
def test_team_add_list_set_remove(desk, logins):
    run = Cli(desk)  # type: ignore[arg-type]
    alice = logins.name("alice")
    result = run("team", "add", alice, "--role", "translator", input="s3cret-pw\ns3cret-pw\n")
    assert result.exit_code == 0, result.output
    assert f"{alice} is now a translator" in result.output
    assert "s3cret-pw" not in result.stdout
    logins.remember(alice, "s3cret-pw")
    # alice logs in with the password typed at the prompt, found in the pgpass file
    assert Cli(logins.url("alice")).json("db", "info")["login"] == alice  # type: ignore[arg-type]

    rita = logins.name("rita")
    assert run("team", "add", rita, "--role", "reviewer", input="pw-r\npw-r\n").exit_code == 0
    members = {m["name"]: m for m in run.json("team", "list")}
    assert members[alice]["role"] == "translator" and members[rita]["role"] == "reviewer"
    owner = [m for m in members.values() if m["owner"]]
    assert len(owner) == 1 and owner[0]["role"] == "editor"

    assert run("team", "set", alice, "--role", "editor").exit_code == 0
    assert {m["name"]: m["role"] for m in run.json("team", "list")}[alice] == "editor"
    assert run("team", "remove", rita).exit_code == 0
    assert rita not in {m["name"] for m in run.json("team", "list")}
    # the login itself stays on the server
    assert Cli(logins.url("alice")).json("db", "info")["login"] == alice  # type: ignore[arg-type]


@pytest.mark.english
def test_team_add_takes_no_password_argument(desk):
    result = Cli(desk)("team", "add", "x", "--role", "translator", "--password", "pw")  # type: ignore[arg-type]
    assert result.exit_code == 2 and "No such option" in result.output


@pytest.mark.english
def test_only_an_editor_manages_the_team(desk, logins):
    tina = logins.add("tina", "translator")
    result = Cli(tina)("team", "add", logins.name("mallory"), "--role", "editor",  # type: ignore[arg-type]
                       "--no-password")
    assert result.exit_code == 1
    assert "transdesk_team_set; that needs the editor role" in result.output
    ed = logins.add("ed", "editor")
    result = Cli(ed)("team", "add", logins.name("frank"), "--role", "reviewer",  # type: ignore[arg-type]
                     input="pw-frank\npw-frank\n")
    assert result.exit_code == 0, result.output
    # an editor cannot take over the owner or an administrator
    result = Cli(ed)("team", "set", "transdesk_test", "--role", "translator")  # type: ignore[arg-type]
    assert result.exit_code == 1 and "not an ordinary login" in result.output


@pytest.mark.english
def test_translator_cannot_approve_change_claims_or_delete_history(desk, logins):
    alice_url = logins.add("alice", "translator")
    bob_url = logins.add("bob", "translator")
    bob = storage.open(bob_url)
    alice = storage.open(alice_url)
    try:
        held = claims.next_unit(bob, "en")
        assert held is not None
        unit = held["id"]
        # through the functions: another translator's live claim is refused ...
        with pytest.raises(Refused, match=f"claimed by {logins.name('bob')}"):
            claims.submit(alice, unit, "en", text="mine now")
        # ... and approving needs the reviewer role
        other = claims.next_unit(alice, "en")
        assert other is not None and other["id"] != unit
        claims.submit(alice, other["id"], "en", text="Alice's text")
        with pytest.raises(Refused, match="approving or correcting needs the reviewer role"):
            claims.submit(alice, other["id"], "en", accept=True, approve=True)
        conn = alice.conn
        # directly: no write on the tables at all
        for statement in (
            "UPDATE translations SET status = 'approved' WHERE unit_id = %s AND lang = 'en'",
            "UPDATE translations SET text = 'x', claimed_by = NULL WHERE unit_id = %s",
            "DELETE FROM history WHERE unit_id = %s",
            "UPDATE history SET translator = 'someone' WHERE unit_id = %s",
        ):
            target = other["id"] if "approved" in statement or "history" in statement else unit
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement, [target])
    finally:
        alice.close()
        bob.close()
    rows = logins.server.admin(
        "SELECT status, text, translator, claimed_by FROM translations"
        " WHERE unit_id = %s AND lang = 'en'", (unit,), dbname=logins.desk)
    assert rows == [("untranslated", None, None, logins.name("bob"))]
    history = logins.server.admin(
        "SELECT translator, login, action, new_status FROM history WHERE unit_id = %s",
        (other["id"],), dbname=logins.desk)
    assert history == [(logins.name("alice"), logins.name("alice"), "translate", "translated")]


def psql(url: str, statement: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-c", statement],
                          capture_output=True, text=True, env=dict(os.environ), check=False)


def test_translator_with_psql(desk, logins):
    url = logins.add("alice", "translator")
    admin = logins.server.url_for(logins.desk)
    with psycopg.connect(admin, password=_superuser_password(logins)) as conn:
        unit = first_unit(conn)
    # the login works in psql (its password from the pgpass file) ...
    ok = psql(url, "SELECT count(*) FROM units")
    assert ok.returncode == 0, ok.stderr
    # ... but cannot approve, write another's text, or delete history
    for statement in (
        f"UPDATE translations SET status = 'approved' WHERE unit_id = {unit}",
        f"SELECT * FROM transdesk_submit({unit}, 'en', NULL, true, true, NULL)",
        "DELETE FROM history",
        "TRUNCATE history",
        f"INSERT INTO history (unit_id, lang, at, action) VALUES ({unit}, 'en', 'x', 'x')",
        f"SELECT * FROM transdesk_submit({unit}, 'en', 'x', false, false, 'bob')",
    ):
        denied = psql(url, statement)
        assert denied.returncode != 0, statement
        assert "permission denied" in denied.stderr or "needs the reviewer role" in denied.stderr \
            or "needs the editor role" in denied.stderr


@pytest.mark.english
def test_reviewer_approves_others_work_not_their_own(desk, logins):
    alice = storage.open(logins.add("alice", "translator"))
    rita = storage.open(logins.add("rita", "reviewer"))
    try:
        unit = claims.next_unit(alice, "en")
        assert unit is not None
        claims.submit(alice, unit["id"], "en", text="Alice translated")
        review = claims.next_unit(rita, "en", review=True)
        assert review is not None and review["id"] == unit["id"]
        result = claims.submit(rita, unit["id"], "en", accept=True, approve=True)
        assert result.status == "approved" and result.text == "Alice translated"
        mine = claims.next_unit(rita, "en")
        assert mine is not None
        claims.submit(rita, mine["id"], "en", text="Rita translated")
        with pytest.raises(Refused, match="was translated by you"):
            claims.submit(rita, mine["id"], "en", accept=True, approve=True)
        with pytest.raises(Refused, match="reviewing needs the reviewer role"):
            claims.next_unit(alice, "en", review=True)
    finally:
        alice.close()
        rita.close()
    history = logins.server.admin(
        "SELECT login, action, new_status FROM history WHERE unit_id = %s ORDER BY id",
        (unit["id"],), dbname=logins.desk)
    assert history == [(logins.name("alice"), "translate", "translated"),
                       (logins.name("rita"), "approve", "approved")]


@pytest.mark.english
def test_a_login_without_a_desk_role_can_do_nothing(desk, logins):
    url = logins.add("outsider", None)
    result = Cli(url)("db", "info")  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert "permission denied for database" in result.output
    assert "needs the translator role" in result.output


@pytest.mark.english
def test_team_needs_postgres(tmp_path):
    result = Cli(tmp_path / "desk.db")("team", "list")
    assert result.exit_code == 2 and "postgresql://" in result.output


@pytest.mark.english
def test_team_member_helpers_refuse_bad_names(desk, logins):
    owner = storage.open(desk)
    try:
        with pytest.raises(Exception, match="invalid login name"):
            team.add(owner, "Robert'); DROP TABLE units; --", "translator")
        assert owner.conn.execute("SELECT count(*) FROM units").fetchone()[0] > 0
    finally:
        owner.close()


def _superuser_password(logins) -> str:
    return logins.server.passfile.read_text().splitlines()[0].split(":", 4)[4]


def test_the_readme_setup_with_an_owner_who_is_not_a_superuser(pg_server, pg_empty, logins):
    """As the README says: an owner login with CREATEROLE, a database it owns; opening
    it makes the desk and its roles, and the owner manages the team."""
    owner = f"{pg_empty}_owner"
    verifier_desk = storage.open(pg_server.url_for(logins.desk))
    try:
        verifier = team.password_verifier(verifier_desk, owner, "owner-pw")
    finally:
        verifier_desk.close()
    pg_server.admin(f"CREATE ROLE \"{owner}\" LOGIN CREATEROLE PASSWORD '{verifier}'")
    pg_server.admin(f'ALTER DATABASE "{pg_empty}" OWNER TO "{owner}"')
    logins.remember(owner, "owner-pw")
    owner_url = pg_server.url_for(pg_empty, owner)
    run = Cli(owner_url)  # type: ignore[arg-type]
    assert run.json("db", "info")["login"] == owner
    alice = f"{pg_empty}_alice"
    result = run("team", "add", alice, "--role", "translator", input="alice-pw\nalice-pw\n")
    assert result.exit_code == 0, result.output
    logins.remember(alice, "alice-pw")
    assert {m["name"]: m["role"] for m in run.json("team", "list")} == {
        owner: "editor", alice: "translator"}
    desk = storage.open(pg_server.url_for(pg_empty, alice))
    try:
        assert desk.login == alice
        assert claims.next_unit(desk, "en") is None  # an empty desk: nothing to do
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            desk.conn.execute("DELETE FROM history")
    finally:
        desk.close()


@pytest.mark.english
def test_an_owner_without_createrole_has_a_desk_for_one(pg_server, pg_empty, logins):
    owner = f"{pg_empty}_solo"
    helper = storage.open(pg_server.url_for(logins.desk))
    try:
        verifier = team.password_verifier(helper, owner, "solo-pw")
    finally:
        helper.close()
    pg_server.admin(f"CREATE ROLE \"{owner}\" LOGIN PASSWORD '{verifier}'")
    pg_server.admin(f'ALTER DATABASE "{pg_empty}" OWNER TO "{owner}"')
    logins.remember(owner, "solo-pw")
    run = Cli(pg_server.url_for(pg_empty, owner))  # type: ignore[arg-type]
    assert run.json("db", "info")["schema"]["steps"] > 0
    result = run("team", "add", f"{pg_empty}_x", "--role", "translator", "--no-password")
    assert result.exit_code == 1
    assert "has no team roles yet" in result.output
