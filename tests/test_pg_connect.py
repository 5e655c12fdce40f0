"""Connecting to a PostgreSQL desk, and every way it can fail, against the real server.

Each failure is one line naming the server as login@host:port/database, never the
password, exit 2, and leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import socket

import psycopg
import pytest
from conftest import Cli

from transdesk import storage


def one_error_line(result, exit_code: int = 2) -> str:
    assert result.exit_code == exit_code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_empty_database_becomes_a_desk_with_its_roles(pg_server, pg_empty):
    info = Cli(pg_server.url_for(pg_empty)).json("db", "info")  # type: ignore[arg-type]
    assert info["engine"] == "postgresql" and info["schema"]["steps"] > 0
    assert info["login"] == pg_server.superuser
    roles = {row[0] for row in pg_server.admin(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"{pg_empty}\\_%",))}
    assert roles == {f"{pg_empty}_translator", f"{pg_empty}_reviewer", f"{pg_empty}_editor"}


def test_libpq_variables_name_the_server(pg_server, pg_url, monkeypatch):
    host, port = pg_server.host_port.split(":")
    monkeypatch.setenv("PGHOST", host)
    monkeypatch.setenv("PGPORT", port)
    monkeypatch.setenv("PGUSER", pg_server.superuser)
    monkeypatch.setenv("PGDATABASE", pg_url.rsplit("/", 1)[1])
    info = Cli("postgresql://").json("db", "info")  # type: ignore[arg-type]
    assert info["location"] == pg_url.split("://", 1)[1]


@pytest.mark.english
def test_unreachable_server(pg_server):
    port = free_port()
    result = Cli(f"postgresql://someone:hunter2secret@127.0.0.1:{port}/desk")("db", "info")  # type: ignore[arg-type]
    line = one_error_line(result)
    assert f"cannot reach the PostgreSQL server someone@127.0.0.1:{port}/desk" in line
    assert "hunter2secret" not in result.output


@pytest.mark.english
def test_wrong_password(pg_server, logins, monkeypatch):
    logins.add("alice", "translator", password="right-password")
    monkeypatch.setenv("PGPASSWORD", "wrong-password-123")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    url = logins.url("alice")
    line = one_error_line(Cli(url)("db", "info"))  # type: ignore[arg-type]
    assert f"refused login '{logins.name('alice')}'" in line
    assert url.split("://", 1)[1] in line
    assert "wrong-password-123" not in line and "right-password" not in line


@pytest.mark.english
def test_no_password_at_all(pg_server, logins, monkeypatch):
    logins.add("alice", "translator")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    line = one_error_line(Cli(logins.url("alice"))("db", "info"))  # type: ignore[arg-type]
    assert "wrong or missing password" in line


@pytest.mark.english
def test_missing_login(pg_server, pg_url, monkeypatch):
    """The server answers a missing login exactly like a wrong password (on purpose)."""
    monkeypatch.setenv("PGPASSWORD", "whatever-pw")
    url = pg_server.url_for(pg_url.rsplit("/", 1)[1], "nobody_at_all")
    line = one_error_line(Cli(url)("db", "info"))  # type: ignore[arg-type]
    assert "refused login 'nobody_at_all'" in line and "no such login" in line


@pytest.mark.english
def test_missing_database(pg_server):
    url = pg_server.url_for("no_such_desk_db")
    line = one_error_line(Cli(url)("db", "info"))  # type: ignore[arg-type]
    assert line == (f"Error: PostgreSQL server {url.split('://')[1]} has no database"
                    " 'no_such_desk_db' (create it: createdb -O OWNER no_such_desk_db)")


@pytest.mark.english
def test_a_database_that_is_not_a_desk_is_left_alone(pg_server, pg_empty):
    pg_server.admin("CREATE TABLE invoices (id int)", dbname=pg_empty)
    url = pg_server.url_for(pg_empty)
    line = one_error_line(Cli(url)("db", "info"))  # type: ignore[arg-type]
    assert "is not a transdesk desk" in line
    tables = pg_server.admin("SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                             dbname=pg_empty)
    assert tables == [("invoices",)]


def test_a_desk_built_between_two_looks_is_a_desk(pg_server, pg_empty, monkeypatch):
    """Another process building the desk may commit between our look for its version
    table (not there yet) and our count of tables (all there): looked at again under
    the migration lock, it is a desk, not another program's database."""
    from transdesk.storage import postgres

    url = pg_server.url_for(pg_empty)
    storage.open(url).close()  # built by "the other process"
    real = postgres.PostgresDesk._has_version_table
    looks: list[bool] = []

    def first_look_before_the_commit(self) -> bool:
        looks.append(real(self) if looks else False)  # the first look: not there yet
        return looks[-1]

    monkeypatch.setattr(postgres.PostgresDesk, "_opened_at_once", lambda *_args: False)
    monkeypatch.setattr(postgres.PostgresDesk, "_has_version_table",
                        first_look_before_the_commit)
    desk = storage.open(url)
    try:
        assert looks[0] is False and True in looks
        assert desk.applied_steps()[-1] == postgres.POSTGRES_STEPS[-1].name
    finally:
        desk.close()


@pytest.mark.english
def test_a_desk_made_by_a_newer_program(pg_server, pg_url):
    storage.open(pg_url).close()
    dbname = pg_url.rsplit("/", 1)[1]
    pg_server.admin("INSERT INTO transdesk_migrations VALUES (99, 'm999_future', 'x')",
                    dbname=dbname)
    line = one_error_line(Cli(pg_url)("db", "info"))  # type: ignore[arg-type]
    assert "made by a newer transdesk (schema steps m999_future)" in line
    assert pg_url.split("://")[1] in line


@pytest.mark.english
def test_sslmode_from_the_url_reaches_libpq(pg_url):
    """The test server has no SSL: `sslmode=require` must be refused by libpq."""
    line = one_error_line(Cli(pg_url + "?sslmode=require")("db", "info"))  # type: ignore[arg-type]
    assert "SSL" in line


def test_pgpass_supplies_the_password(pg_server, logins):
    url = logins.add("alice", "translator", password="from-pgpass-only")
    assert "from-pgpass-only" not in url
    info = Cli(url).json("db", "info")  # type: ignore[arg-type]
    assert info["login"] == logins.name("alice")


@pytest.mark.english
def test_connection_lost_mid_command_is_one_line(pg_server, pg_url):
    desk = storage.open(pg_url)
    try:
        pid = desk.conn.info.backend_pid
        pg_server.admin("SELECT pg_terminate_backend(%s)", (pid,))
        from transdesk.errors import TransdeskError

        with pytest.raises(TransdeskError, match="PostgreSQL server") as caught:
            desk.info()
        assert caught.value.exit_code == 2
    finally:
        with contextlib.suppress(psycopg.Error):
            desk.close()


def _open_and_report(url: str, barrier, results) -> None:
    try:
        barrier.wait()
        desk = storage.open(url)
        results.put(("ok", desk.applied_steps()))
        desk.close()
    except Exception as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def test_processes_opening_a_new_desk_at_once_build_it_once(pg_server, pg_empty):
    import multiprocessing

    from transdesk.storage.migrations import POSTGRES_STEPS

    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_open_and_report, args=(pg_server.url_for(pg_empty), barrier,
                                                        results)) for _ in range(4)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join()
    expected = [s.name for s in POSTGRES_STEPS]
    assert outcomes == [("ok", expected)] * 4
    assert pg_server.admin("SELECT count(*) FROM transdesk_migrations", dbname=pg_empty) \
        == [(len(expected),)]
    assert pg_server.admin("SELECT value FROM desk_settings", dbname=pg_empty) == [(pg_empty,)]


def test_two_desks_never_share_their_roles(pg_server, pg_empty):
    """Role names come from the database name; when they are taken (another desk whose
    name gives the same prefix, or a dropped one), the desk takes fresh ones."""
    for role in ("translator", "reviewer", "editor"):
        pg_server.admin(f'CREATE ROLE "{pg_empty}_{role}" NOLOGIN')
    storage.open(pg_server.url_for(pg_empty)).close()
    assert pg_server.admin("SELECT value FROM desk_settings", dbname=pg_empty) \
        == [(f"{pg_empty}_2",)]


@pytest.mark.english
def test_the_server_checks_the_claim_duration_too(logins, pg_url):
    url = logins.add("alice", "translator")
    with psycopg.connect(url) as conn, pytest.raises(psycopg.Error, match="claim duration"):
        conn.execute("SELECT * FROM transdesk_next('en', NULL, false, 1e12, '{}', NULL)")
