"""`team add|list|set|remove`: who works on a PostgreSQL desk, and in which role."""

from __future__ import annotations

import click

from transdesk.commands.common import emit_json, emit_rows, get_postgres_desk, json_option

ROLE_CHOICE = click.Choice(["translator", "reviewer", "editor"], case_sensitive=False)
RIGHTS = {
    "translator": "next, submit, release",
    "reviewer": "next, submit, release, approve, correct",
    "editor": "everything, including import, draft, export, po/tm import, accept, team",
}


@click.group("team")
def team_group() -> None:
    """The people of a PostgreSQL desk: server logins with a desk role.

    \b
    Roles (each holds the rights of the one before):
      translator  next, submit, release
      reviewer    + approve, correct (next --review)
      editor      + import, draft, export, po import, tm import, accept, team
    The server enforces them: a login cannot do more from psql than here.
    Only an editor (or the database's owner) manages the team.
    """


@team_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=ROLE_CHOICE, help="The desk role to give.")
@click.option("--no-password", is_flag=True,
              help="Create the login without a password (it authenticates some other way,"
                   " e.g. a certificate or the server's own accounts).")
def team_add(name: str, role: str, no_password: bool) -> None:
    """Give NAME a desk role, creating the server login NAME if there is none.

    A new login's first password is asked for here (typed twice, not shown, never an
    argument); only its SCRAM verifier is sent to the server. The person then changes
    it with psql's \\password.

    \b
    Example:
      transdesk --db postgresql://editor@db.newsroom/desk team add alice --role translator
    """
    from transdesk import team

    desk = get_postgres_desk()
    password = None
    exists = team.login_exists(desk, name)
    if not exists and not no_password:
        password = click.prompt(f"First password for {name}", hide_input=True,
                                confirmation_prompt=True, err=True)
    team.add(desk, name, role, password)
    where = desk.location.split("@", 1)[1]
    click.echo(f"{name} is now {_article(role)} {role} on {where} ({RIGHTS[role]}).")
    if exists:
        click.echo(f"The login {name} already existed: its password is unchanged.")
    elif password is not None:
        click.echo(f"{name} logs in with that password (kept in ~/.pgpass or given when asked)"
                   f" and changes it with psql's \\password.")
    else:
        click.echo(f"The login {name} has no password: it can log in only through the"
                   " server's other ways of authenticating (pg_hba.conf).")


@team_group.command("set")
@click.argument("name")
@click.option("--role", required=True, type=ROLE_CHOICE, help="The new desk role.")
def team_set(name: str, role: str) -> None:
    """Change NAME's desk role."""
    from transdesk import team

    team.set_role(get_postgres_desk(), name, role)
    click.echo(f"{name} is now {_article(role)} {role} ({RIGHTS[role]}).")


@team_group.command("remove")
@click.argument("name")
def team_remove(name: str) -> None:
    """Take NAME's desk role away (the server login stays: other desks may use it)."""
    from transdesk import team

    team.remove(get_postgres_desk(), name)
    click.echo(f"{name} has no role on this desk any more (the login {name} remains on the"
               " server; its administrator drops it with DROP ROLE when it is no longer used).")


@team_group.command("list")
@json_option
def team_list(as_json: bool) -> None:
    """Everyone with a role on the desk, and the desk's owner."""
    from transdesk import team

    members = team.members(get_postgres_desk())
    if as_json:
        emit_json([m.as_dict() for m in members])
        return
    emit_rows(members, False, lambda m: f"{m.name:<24} {m.role:<11}"
              + (" (owner)" if m.owner else "") + ("" if m.can_login else " (cannot log in)"),
              empty="Nobody yet.")


def _article(role: str) -> str:
    return "an" if role[0] in "aeiou" else "a"


COMMANDS: list[click.Command] = [team_group]
