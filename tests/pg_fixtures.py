"""Fixtures for a real PostgreSQL server (started by scripts/pg-test-server.sh).

TRANSDESK_TEST_PG is the URL of a superuser on the test server (no password in it);
TRANSDESK_TEST_PGPASSFILE the pgpass file holding that password. Without them the
PostgreSQL tests are skipped (CI always gives them: scripts/test.sh starts the server).

`--engine sqlite|postgresql|both` (or TRANSDESK_TEST_ENGINE) selects the engines a test
taking the `engine` fixture runs on; the default is both.

Each PostgreSQL test gets a database of its own, cloned (CREATE DATABASE ... TEMPLATE)
from one desk built once per session, so the schema is not rebuilt for every test. The
desk's roles and the test's logins are dropped with it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_URL = os.environ.get("TRANSDESK_TEST_PG")
PG_PASSFILE = os.environ.get("TRANSDESK_TEST_PGPASSFILE")
PG_DIR = os.environ.get("TRANSDESK_TEST_PG_DIR")  # set when the server is our throw-away one
ENGINES = ("sqlite", "postgresql")
# libpq settings from the machine that must not reach the tests (PGPASSFILE is ours)
LIBPQ_VARIABLES = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE",
                   "PGSERVICE", "PGSSLMODE", "PGOPTIONS", "PGCONNECT_TIMEOUT")
_numbers = itertools.count(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine", choices=("sqlite", "postgresql", "both"),
        default=os.environ.get("TRANSDESK_TEST_ENGINE", "both"),
        help="Engines for the tests that take the `engine` fixture (default: both;"
             " PostgreSQL needs TRANSDESK_TEST_PG, see scripts/pg-test-server.sh).")
    parser.addoption(
        "--desk", choices=ENGINES, default=os.environ.get("TRANSDESK_TEST_DESK", "sqlite"),
        help="The engine of the desk behind the `run` fixture (the CLI of most tests):"
             " `--desk postgresql` runs those tests on a PostgreSQL desk of their own and"
             " skips the tests that look inside a SQLite file (they ask for `db_path`"
             " or are marked sqlite_only) and those taking `engine` (run on both engines"
             " in the SQLite pass).")


def desk_engine(config: pytest.Config) -> str:
    return str(config.getoption("desk"))


def skip_outside_postgres_pass(items: list[pytest.Item]) -> None:
    """In the `--desk postgresql` pass, skip what cannot or need not run there."""
    inside_sqlite = pytest.mark.skip(reason="looks inside the SQLite file (SQLite pass only)")
    both_already = pytest.mark.skip(reason="runs on both engines in the SQLite pass")
    for item in items:
        names = getattr(item, "_fixtureinfo", None)
        own = set(names.argnames) if names is not None else set()
        if "sqlite_only" in item.keywords or "db_path" in own:
            item.add_marker(inside_sqlite)
        elif "engine" in own:
            item.add_marker(both_already)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("engine")
        engines = ENGINES if chosen == "both" else (chosen,)
        metafunc.parametrize("engine", engines)


@dataclass
class PgServer:
    """The test server: the superuser's URL, and URLs for other databases and logins."""

    url: str
    passfile: Path

    @property
    def host_port(self) -> str:
        return self.url.split("@", 1)[1].rsplit("/", 1)[0]

    @property
    def superuser(self) -> str:
        return self.url.split("://", 1)[1].split("@", 1)[0]

    def url_for(self, dbname: str, user: str | None = None) -> str:
        return f"postgresql://{user or self.superuser}@{self.host_port}/{dbname}"

    def admin(self, statement: str, params: tuple = (), dbname: str = "postgres") -> list:
        """Run one statement as the superuser (autocommit) and return its rows."""
        import psycopg

        # the password given outright: a test may have changed PGPASSWORD or PGPASSFILE
        password = self.passfile.read_text().splitlines()[0].split(":", 4)[4]
        with psycopg.connect(self.url_for(dbname), password=password, autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    if not PG_URL:
        pytest.skip("no PostgreSQL server: set TRANSDESK_TEST_PG (scripts/pg-test-server.sh)")
    assert PG_PASSFILE, "TRANSDESK_TEST_PGPASSFILE is needed with TRANSDESK_TEST_PG"
    os.environ["PGPASSFILE"] = PG_PASSFILE
    return PgServer(PG_URL, Path(PG_PASSFILE))


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> Iterator[str]:
    """A desk with the whole schema and no roles yet, the template of each test's desk."""
    from transdesk.storage.postgres import PostgresDesk

    name = f"td_template_{os.getpid()}"
    pg_server.admin(f'DROP DATABASE IF EXISTS "{name}"')
    pg_server.admin(f'CREATE DATABASE "{name}"')
    PostgresDesk(pg_server.url_for(name), set_up_roles=False).close()
    yield name
    pg_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_database_and_roles(server: PgServer, name: str) -> None:
    server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    roles = server.admin("SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY"
                         " length(rolname) DESC", (f"{name}\\_%",))
    for (role,) in roles:
        server.admin(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def pg_desk_name(pg_server: PgServer, pg_template: str) -> Iterator[str]:
    """A fresh desk database of this test's own; its name also prefixes the test's
    logins (`<name>_alice`), so that they are dropped with it."""
    name = f"td_{os.getpid()}_{next(_numbers)}"
    pg_server.admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield name
    _drop_database_and_roles(pg_server, name)


@pytest.fixture
def pg_url(pg_server: PgServer, pg_desk_name: str) -> str:
    """The superuser's URL of the test's own desk."""
    return pg_server.url_for(pg_desk_name)


@pytest.fixture
def pg_empty(pg_server: PgServer) -> Iterator[str]:
    """The name of an empty database (not a desk yet)."""
    name = f"td_empty_{os.getpid()}_{next(_numbers)}"
    pg_server.admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield name
    _drop_database_and_roles(pg_server, name)


@pytest.fixture
def desk_url(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty desk on the engine under test: a SQLite path or a PostgreSQL URL."""
    if engine == "sqlite":
        from transdesk import storage

        path = tmp_path / "desk.db"
        storage.open(path).close()  # commands other than import do not create one
        return str(path)
    return request.getfixturevalue("pg_url")


class Logins:
    """Test logins with passwords, written to a pgpass file of the test's own (so every
    connection, in this process or a child, finds its password the libpq way)."""

    def __init__(self, server: PgServer, desk: str, passfile: Path) -> None:
        self.server, self.desk, self.passfile = server, desk, passfile
        passfile.write_text(server.passfile.read_text())
        passfile.chmod(0o600)
        os.environ["PGPASSFILE"] = str(passfile)

    def name(self, short: str) -> str:
        return f"{self.desk}_{short}"

    def add(self, short: str, role: str | None, password: str | None = None) -> str:
        """Create login `<desk>_<short>` (as the superuser, through `team add`) and return
        its URL for the desk."""
        from transdesk import storage, team

        name = self.name(short)
        password = password or f"pw-{short}-secret"
        desk = storage.open(self.server.url_for(self.desk))
        try:
            if role is None:
                desk.conn.execute(f'CREATE ROLE "{name}" LOGIN')
                desk.conn.execute(f"ALTER ROLE \"{name}\" PASSWORD "
                                  f"'{team.password_verifier(desk, name, password)}'")
            else:
                team.add(desk, name, role, password)
        finally:
            desk.close()
        self.remember(name, password)
        return self.url(short)

    def remember(self, name: str, password: str) -> None:
        host, port = self.server.host_port.split(":")
        with self.passfile.open("a") as out:
            out.write(f"{host}:{port}:*:{name}:{password}\n")

    def url(self, short: str) -> str:
        return self.server.url_for(self.desk, self.name(short))


@pytest.fixture
def logins(pg_server: PgServer, pg_desk_name: str, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Logins:
    monkeypatch.setenv("PGPASSFILE", str(pg_server.passfile))  # restored after the test
    return Logins(pg_server, pg_desk_name, tmp_path / "pgpass")
