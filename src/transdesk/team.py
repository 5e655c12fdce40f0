"""The team of a PostgreSQL desk: server logins and their desk role.

Each desk has three server roles, `<database>_translator`, `<database>_reviewer` (which
holds the translator's rights) and `<database>_editor` (which holds the reviewer's);
a person is a login that is a member of one of them. The database's owner is an editor
without being a member. Adding, changing and removing go through the desk's
`transdesk_team_set` function, which only an editor may call and which the server runs
with the owner's right to create roles (see `storage.postgres_logins`). The statements
are in `storage.roles`.

Passwords: a new login's first password is turned into a SCRAM verifier here, by libpq
(`PQencryptPasswordConn`), and only the verifier goes to the server; the person changes
it later themselves (psql's `\\password`). Logins are shared by every database of the
server: removing someone from a desk takes their role away, it does not drop the login.
"""

from __future__ import annotations

from dataclasses import dataclass

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.storage import roles
from transdesk.storage.postgres import ROLES, PostgresDesk, server_errors


@dataclass
class Member:
    name: str
    role: str
    can_login: bool
    owner: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role, "can_login": self.can_login,
                "owner": self.owner}


def check_role(role: str) -> str:
    role = role.strip().lower()
    if role not in ROLES:
        raise BadInput(_("unknown role {role!r}: translator, reviewer or editor").format(
            role=role))
    return role


def login_exists(desk: PostgresDesk, name: str) -> bool:
    with server_errors(desk):
        return roles.login_exists(desk, name)


def password_verifier(desk: PostgresDesk, name: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of `password` for login `name`, computed by libpq."""
    return desk.conn.pgconn.encrypt_password(
        password.encode(), name.encode(), b"scram-sha-256").decode()


def add(desk: PostgresDesk, name: str, role: str, password: str | None = None) -> bool:
    """Give `name` the desk `role`, creating the login (with `password`) if it does not
    exist. Returns whether the login was created."""
    role = check_role(role)
    desk.role_name(role)  # refuses a desk without team roles, saying what to do
    verifier = None
    if password is not None and not login_exists(desk, name):
        verifier = password_verifier(desk, name, password)
    return _team_set(desk, name, role, create=True, verifier=verifier)


def set_role(desk: PostgresDesk, name: str, role: str) -> None:
    role = check_role(role)
    desk.role_name(role)
    _team_set(desk, name, role, create=False)


def remove(desk: PostgresDesk, name: str) -> None:
    """Take every desk role from `name` (the login stays: other desks may use it)."""
    desk.role_name("translator")
    _team_set(desk, name, None, create=False)


def _team_set(desk: PostgresDesk, name: str, role: str | None, create: bool,
              verifier: str | None = None) -> bool:
    with server_errors(desk):
        return roles.team_set(desk, name, role, create, verifier)


def members(desk: PostgresDesk) -> list[Member]:
    """The desk's owner and every login holding one of its roles (the highest one)."""
    with server_errors(desk):
        owner = roles.database_owner(desk)
        found: dict[str, Member] = {}
        if owner:
            found[owner] = Member(owner, "editor", True, owner=True)
        if desk.role_prefix() is None:
            return list(found.values())
        groups = {desk.role_name(role) for role in ROLES}
        for role in ROLES:  # lowest first: a higher role overwrites
            for name, can_login in roles.group_members(desk, desk.role_name(role)):
                if name in groups or (name in found and found[name].owner):
                    continue
                found[name] = Member(name, role, bool(can_login))
    return sorted(found.values(), key=lambda m: (not m.owner, m.name))
