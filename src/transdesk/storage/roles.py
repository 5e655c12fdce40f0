"""The team of a PostgreSQL desk as the server stores it: logins (`pg_roles`), their
membership in the desk's role groups (`pg_auth_members`), the database's owner, and the
call of the desk's `transdesk_team_set` function (built by `storage.postgres_logins`).

The statements run on the desk's psycopg connection with its own `%s` placeholders;
the callers (`transdesk.team`) run them inside `storage.postgres.server_errors`, which
turns a refusal by the server into exit 1 naming the role needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transdesk.storage.postgres import PostgresDesk


def login_exists(desk: PostgresDesk, name: str) -> bool:
    row = desk.conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone()
    return row is not None


def team_set(desk: PostgresDesk, name: str, role: str | None, create: bool,
             verifier: str | None) -> bool:
    """Give `name` the desk `role` (None: take every desk role away), creating the login
    with the SCRAM `verifier` when `create`; whether a login was created."""
    row = desk.conn.execute("SELECT transdesk_team_set(%s, %s, %s, %s)",
                            [name, role, create, verifier]).fetchone()
    return bool(row and row[0])


def database_owner(desk: PostgresDesk) -> str | None:
    """The login that owns the desk's database."""
    owner = desk.conn.execute(
        "SELECT pg_get_userbyid(datdba) FROM pg_database"
        " WHERE datname = current_database()").fetchone()
    return owner[0] if owner else None


def group_members(desk: PostgresDesk, group: str) -> list[tuple[str, bool]]:
    """(name, can_login) of every role that is a direct member of the role `group`."""
    rows = desk.conn.execute(
        "SELECT r.rolname, r.rolcanlogin FROM pg_auth_members m"
        " JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member"
        " WHERE g.rolname = %s", [group]).fetchall()
    return [(name, can_login) for name, can_login in rows]
