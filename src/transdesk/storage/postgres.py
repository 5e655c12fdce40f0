"""A desk in a PostgreSQL database, through psycopg 3.

Connecting goes through libpq, so everything libpq reads works as usual: the URL
(`postgresql://user@host:port/dbname?sslmode=require`), the PG* variables (PGHOST,
PGUSER, PGPASSWORD, PGSSLMODE, ...), ~/.pgpass (or PGPASSFILE) and service files. A
password is never printed: every message names the server as `user@host:port/dbname`.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from transdesk.errors import BadInput, Refused, TransdeskError
from transdesk.i18n import _
from transdesk.storage import COUNTED_TABLES
from transdesk.storage.migrations import PG_VERSION_TABLE, POSTGRES_STEPS, unknown_steps
from transdesk.storage.sql import to_pyformat

CONNECT_TIMEOUT_S = 10
ROLES = ("translator", "reviewer", "editor")
# the functions each desk role may call (see storage.postgres_logins)
ROLE_FUNCTIONS = {
    "translator": (
        "transdesk_next(text, text, boolean, double precision, bigint[], text)",
        "transdesk_release(bigint, text, text)",
        "transdesk_submit(bigint, text, text, boolean, boolean, text)",
        "transdesk_holds(text)",
        "transdesk_memory_words_fold()",
    ),
    "editor": ("transdesk_team_set(text, text, boolean, text)",),
}
# tables an editor may only add to (the history) or not write at all
APPEND_ONLY = ("history",)
NOT_WRITTEN = (PG_VERSION_TABLE, "desk_settings")
NOW_SQL = "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
MIGRATION_LOCK = 0x7472616E  # pg_advisory_xact_lock key: one migrating session at a time


class ServerError(TransdeskError):
    """The server cannot be used: unreachable, refused the login, lost the connection."""

    exit_code = 2


def server_label(conninfo: str) -> str:
    """`user@host:port/dbname` as libpq would resolve it, without any password."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "postgresql://(invalid URL)"
    env = os.environ

    def pick(key: str, var: str, default: str) -> str:
        return str(params.get(key) or env.get(var) or default)

    user = pick("user", "PGUSER", _os_user())
    host = pick("host", "PGHOST", "localhost")
    port = pick("port", "PGPORT", "5432")
    dbname = pick("dbname", "PGDATABASE", user)
    return f"{user}@{host}:{port}/{dbname}"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "?"


def _libpq_reason(exc: BaseException) -> str:
    """What libpq says went wrong, without the "connection to server at" preamble (and
    never a password: libpq does not repeat it)."""
    text = re.sub(r"^connection failed:\s*", "", str(exc).strip())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    first = re.sub(r"^connection to server (at|on) .*? failed:\s*", "", first)
    return re.sub(r"^(FATAL|ERROR):\s+", "", first)


def connect(conninfo: str) -> psycopg.Connection:
    """An autocommit connection, or ServerError naming the server and what went wrong."""
    label = server_label(conninfo)
    kwargs: dict[str, Any] = {"autocommit": True, "application_name": "transdesk"}
    if "connect_timeout" not in conninfo and "PGCONNECT_TIMEOUT" not in os.environ:
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        return psycopg.connect(conninfo, **kwargs)
    except psycopg.ProgrammingError as exc:
        raise BadInput(_("invalid PostgreSQL URL: {reason}").format(
            reason=_libpq_reason(exc))) from None
    except psycopg.OperationalError as exc:
        raise ServerError(_connect_failure(label, exc)) from None


def _connect_failure(label: str, exc: BaseException) -> str:
    reason = _libpq_reason(exc)
    user = label.split("@", 1)[0]
    if "password authentication failed" in reason or "no password supplied" in reason:
        return _("PostgreSQL server {server} refused login {user!r}: wrong or missing"
                 " password, or no such login (set it in ~/.pgpass or PGPASSWORD, never in"
                 " the URL)").format(server=label, user=user)
    if "permission denied for database" in reason:
        return _("login {user!r} has no role on the desk {server} (permission denied for"
                 " database): an editor gives it one with 'transdesk team add {name} --role"
                 " translator'; that needs the translator role at least").format(
                     user=user, server=label, name=user)
    if re.search(r'role ".*" does not exist', reason):
        return _("PostgreSQL server {server} has no login {user!r}").format(
            server=label, user=user)
    if re.search(r'database ".*" does not exist', reason):
        dbname = label.rsplit("/", 1)[-1]
        return _("PostgreSQL server {server} has no database {dbname!r} (create it:"
                 " createdb -O OWNER {name})").format(server=label, dbname=dbname, name=dbname)
    if "Connection refused" in reason or "could not connect" in reason or "timeout" in reason \
            or "could not translate host name" in reason or "No such file" in reason:
        return _("cannot reach the PostgreSQL server {server}: {reason}").format(
            server=label, reason=reason)
    return _("PostgreSQL server {server}: {reason}").format(server=label, reason=reason)


@contextmanager
def server_errors(desk: PostgresDesk) -> Iterator[None]:
    """Turn what the server says into our errors: refusals exit 1, the rest exit 2."""
    try:
        yield
    except psycopg.Error as exc:
        raise translate(exc, desk.location) from None


def translate(exc: psycopg.Error, label: str) -> TransdeskError:
    state = exc.sqlstate or ""
    primary = exc.diag.message_primary or _libpq_reason(exc)
    if state in ("TD001", "TD003"):
        return Refused(primary)
    if state == "TD002":
        return BadInput(primary)
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return Refused(_("the server refused login {user}: {reason}; that needs the {role}"
                         " role (an editor gives it with 'transdesk team set')").format(
                             user=label.split("@")[0], reason=primary,
                             role=_role_needed(primary)))
    if isinstance(exc, psycopg.OperationalError | pg_errors.AdminShutdown):
        return ServerError(_("lost the PostgreSQL server {server}: {reason} (nothing of the"
                             " unfinished command was saved)").format(
                                 server=label, reason=primary))
    return ServerError(_("PostgreSQL server {server}: {reason}").format(
        server=label, reason=primary))


def _role_needed(message: str) -> str:
    """The lowest desk role that may do what the server just refused."""
    match = re.search(r"permission denied for (?:function|table|database) (\w+)", message)
    name = match.group(1) if match else ""
    for role in ROLES:
        if any(f.startswith(name + "(") for f in ROLE_FUNCTIONS.get(role, ())):
            return role
    if match and "database" in match.group(0):
        return "translator"
    return "editor"  # the tables are written directly by editors only


class PostgresDesk:
    engine = "postgresql"

    def __init__(self, conninfo: str, migrate: bool = True, set_up_roles: bool = True) -> None:
        self.conninfo = conninfo  # as given, to connect again; never printed
        self.conn = connect(conninfo)
        info = self.conn.info
        self.login = info.user
        self._location = f"{info.user}@{info.host}:{info.port}/{info.dbname}"
        try:
            with server_errors(self):
                if not self._opened_at_once(migrate, set_up_roles):
                    self._check_is_desk(migrate)
                    if migrate:
                        self._migrate()
                        if set_up_roles:
                            self._set_up_roles()
        except BaseException:
            self.conn.close()
            raise

    @property
    def location(self) -> str:
        return self._location

    # --- schema -----------------------------------------------------------------------

    def _opened_at_once(self, migrate: bool, set_up_roles: bool) -> bool:
        """The usual opening in one round trip: a desk with every step applied (a newer
        one refused) and its roles set up. False: take the long way (a new or empty
        database, pending steps, roles still to create, another program's tables)."""
        try:
            row = self.conn.execute(
                f"SELECT (SELECT array_agg(name ORDER BY seq) FROM {PG_VERSION_TABLE}),"
                " (SELECT value FROM desk_settings WHERE key = 'role_prefix'),"
                " session_user = pg_get_userbyid(d.datdba) OR coalesce(r.rolsuper, false)"
                " FROM pg_database d LEFT JOIN pg_roles r ON r.rolname = session_user"
                " WHERE d.datname = current_database()").fetchone()
        except pg_errors.UndefinedTable:
            return False
        if row is None:
            return False
        steps, prefix, manages_roles = list(row[0] or []), row[1], bool(row[2])
        if unknown_steps(self.engine, steps):
            return False  # refused, in its words, on the long way
        to_do = bool(self._pending(steps)) or (set_up_roles and prefix is None
                                               and manages_roles)
        return not (migrate and to_do)

    def _has_version_table(self) -> bool:
        row = self.conn.execute("SELECT to_regclass(%s)", [f"public.{PG_VERSION_TABLE}"])
        return row.fetchone()[0] is not None  # type: ignore[index]

    def _check_is_desk(self, migrate: bool) -> None:
        if self._has_version_table():
            newer = unknown_steps(self.engine, self.applied_steps())
            if newer:
                raise BadInput(_(
                    "desk {desk} was made by a newer transdesk (schema steps {steps}):"
                    " upgrade transdesk to use it").format(
                        desk=self.location, steps=", ".join(newer)))
            return
        tables = self.conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        if tables and tables[0]:
            if self._built_meanwhile():
                self._check_is_desk(migrate)
                return
            raise BadInput(_("database {desk} is not a transdesk desk (it holds other"
                             " tables; give an empty database or a desk); left untouched")
                           .format(desk=self.location))
        if not migrate:
            raise BadInput(_("database {desk} is empty: not a desk yet").format(
                desk=self.location))

    def _built_meanwhile(self) -> bool:
        """Whether another process made this database a desk since we looked: its tables
        are made under MIGRATION_LOCK in one transaction, so once we hold the lock they
        are all there, version table included, or none are. (Its commit can fall between
        our look for the version table and our count of tables.)"""
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            return self._has_version_table()

    def applied_steps(self) -> list[str]:
        if not self._has_version_table():
            return []
        rows = self.conn.execute(f"SELECT name FROM {PG_VERSION_TABLE} ORDER BY seq").fetchall()
        return [row[0] for row in rows]

    def _migrate(self) -> None:
        """Apply pending steps, each in a transaction with its version row; an advisory
        lock keeps two processes opening a new desk from building it twice."""
        if self._has_version_table() and not self._pending(self.applied_steps()):
            return
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            self.conn.execute(
                f"CREATE TABLE IF NOT EXISTS {PG_VERSION_TABLE} (seq INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)")
            applied = self.applied_steps()
            pending = self._pending(applied)
            for step in pending:
                assert step.postgres is not None
                self.conn.execute(step.postgres.encode())
                self.conn.execute(
                    f"INSERT INTO {PG_VERSION_TABLE} (seq, name, applied_at) VALUES"
                    f" ((SELECT coalesce(max(seq), 0) + 1 FROM {PG_VERSION_TABLE}), %s,"
                    f" {NOW_SQL})",
                    [step.name])
        if pending:  # (not when another process, holding the lock first, did it all)
            self._grant()

    @staticmethod
    def _pending(applied: list[str]) -> list[Any]:
        done = set(applied)
        return [s for s in POSTGRES_STEPS if s.postgres is not None and s.name not in done]

    # --- roles ------------------------------------------------------------------------

    def role_prefix(self) -> str | None:
        row = self.conn.execute(
            "SELECT value FROM desk_settings WHERE key = 'role_prefix'").fetchone()
        return row[0] if row else None

    def role_name(self, role: str) -> str:
        prefix = self.role_prefix()
        if prefix is None:
            raise Refused(_("desk {desk} has no team roles yet: its owner creates them by"
                            " opening the desk once, which needs CREATEROLE (a superuser"
                            " runs: ALTER ROLE <owner> CREATEROLE)").format(desk=self.location))
        return f"{prefix}_{role}"

    def _may_manage_roles(self) -> bool:
        row = self.conn.execute(
            "SELECT session_user = pg_get_userbyid(datdba) OR"
            " (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)"
            " FROM pg_database WHERE datname = current_database()").fetchone()
        return bool(row and row[0])

    def _set_up_roles(self) -> None:
        """Create the desk's three group roles (`<database>_translator`, ...) the first
        time its owner opens it, if the owner may create roles; without them the desk
        works for its owner alone. Idempotent."""
        if self.role_prefix() is not None or not self._may_manage_roles():
            return
        base = re.sub(r"[^a-z0-9_]", "_", str(self.conn.info.dbname).lower())[:40]
        try:
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
                if self.role_prefix() is not None:  # another process was quicker
                    return
                prefix = self._free_prefix(base)
                previous = None
                for role in ROLES:
                    name = f"{prefix}_{role}"
                    self.conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(
                        sql.Identifier(name)))
                    if previous:
                        self.conn.execute(sql.SQL("GRANT {} TO {}").format(
                            sql.Identifier(previous), sql.Identifier(name)))
                    previous = name
                self.conn.execute(
                    "INSERT INTO desk_settings (key, value) VALUES ('role_prefix', %s)",
                    [prefix])
        except pg_errors.InsufficientPrivilege:
            return  # the owner lacks CREATEROLE: a desk for its owner alone
        self._grant()

    def _free_prefix(self, base: str) -> str:
        """`base`, or `base_2`, ...: never the roles of another desk (roles are shared by
        every database of the server, and two database names may give one prefix)."""
        for n in range(1, 1000):
            prefix = base if n == 1 else f"{base}_{n}"
            taken = self.conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = ANY (%s)",
                [[f"{prefix}_{role}" for role in ROLES]]).fetchone()
            if not taken:
                return prefix
        raise Refused(_("no free role names for desk {desk} ({base}_translator, ...)").format(
            desk=self.location, base=base))

    def _grant(self) -> None:
        """The desk roles' privileges on every table and function (again after each
        migration, for the tables it added)."""
        if not self._has_version_table() or self.role_prefix() is None \
                or not self._may_manage_roles():
            return
        tr, ed = (sql.Identifier(self.role_name(r)) for r in ("translator", "editor"))
        dbname = sql.Identifier(str(self.conn.info.dbname))
        tables = [row[0] for row in self.conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        with self.conn.transaction():
            run = self.conn.execute
            # concurrent GRANTs on one object fail ("tuple concurrently updated")
            run("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            run(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(dbname))
            run(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(dbname, tr))
            # the database's owner is an editor, also when someone else built the tables
            owner = self.conn.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database"
                " WHERE datname = current_database()").fetchone()
            if owner and owner[0] != self.login:
                run(sql.SQL("GRANT {} TO {}").format(ed, sql.Identifier(owner[0])))
            run(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(tr))
            run(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(tr))
            run(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}")
                .format(ed))
            for table in tables:
                if table in NOT_WRITTEN:
                    continue
                privileges = "INSERT" if table in APPEND_ONLY else "INSERT, UPDATE, DELETE"
                run(sql.SQL("GRANT " + privileges + " ON {} TO {}").format(
                    sql.Identifier(table), ed))
            for role, functions in ROLE_FUNCTIONS.items():
                grantee = sql.Identifier(self.role_name(role))
                for function in functions:
                    run(sql.SQL("GRANT EXECUTE ON FUNCTION " + function + " TO {}")
                        .format(grantee))

    # --- running SQL --------------------------------------------------------------------

    def execute(self, statement: str, params: Sequence[Any] = ()) -> psycopg.Cursor:
        """Run one statement written with `?` placeholders (see `storage.sql`)."""
        with server_errors(self):
            return self.conn.execute(to_pyformat(statement).encode(), list(params))

    def executemany(self, statement: str, rows: Any) -> psycopg.Cursor:
        """Run one statement (`?` placeholders) once per row of `rows` (pipelined by
        psycopg: one round trip for the batch)."""
        with server_errors(self):
            cursor = self.conn.cursor()
            cursor.executemany(to_pyformat(statement).encode(), rows)
            return cursor

    @contextmanager
    def transaction(self) -> Iterator[PostgresDesk]:
        """One transaction: committed at the end, rolled back on any exception."""
        with server_errors(self), self.conn.transaction():
            yield self

    # --- what the desk holds ----------------------------------------------------------

    def info(self) -> dict[str, Any]:
        with server_errors(self):
            steps = self.applied_steps()
            version = self.conn.execute("SHOW server_version").fetchone()
            size = self.conn.execute(
                "SELECT pg_database_size(current_database())").fetchone()
            counts = {name: self.conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()[0]  # type: ignore[index]
                for name in COUNTED_TABLES}
        return {
            "engine": self.engine,
            "location": self.location,
            "server_version": f"PostgreSQL {version[0] if version else '?'}",
            "schema": {"steps": len(steps), "last": steps[-1] if steps else None},
            "size_bytes": size[0] if size else None,
            "counts": counts,
            "login": self.login,
        }

    def close(self) -> None:
        self.conn.close()
