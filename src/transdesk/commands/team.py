"""`team add|list|set|remove`: who works on a PostgreSQL desk, and in which role."""

from __future__ import annotations

import click

from transdesk.commands.common import emit_json, emit_rows, get_postgres_desk, json_option
from transdesk.i18n import N_, _

ROLE_CHOICE = click.Choice(["translator", "reviewer", "editor"], case_sensitive=False)
# what each role may do, in a sentence per role (a role's name is not translated alone:
# each language words the whole sentence)
NOW_ON = {
    "translator": N_("{name} is now a translator on {where} (next, submit, release)."),
    "reviewer": N_("{name} is now a reviewer on {where} (next, submit, release, approve,"
                   " correct)."),
    "editor": N_("{name} is now an editor on {where} (everything, including import, draft,"
                 " export, po/tm import, accept, team)."),
}
NOW = {
    "translator": N_("{name} is now a translator (next, submit, release)."),
    "reviewer": N_("{name} is now a reviewer (next, submit, release, approve, correct)."),
    "editor": N_("{name} is now an editor (everything, including import, draft, export,"
                 " po/tm import, accept, team)."),
}


@click.group("team", help=_(
    "The people of a PostgreSQL desk: server logins with a desk role.\n"
    "\n"
    "\b\n"
    "Roles (each holds the rights of the one before):\n"
    "  translator  next, submit, release\n"
    "  reviewer    + approve, correct (next --review)\n"
    "  editor      + import, draft, export, po import, tm import, accept, team\n"
    "The server enforces them: a login cannot do more from psql than here.\n"
    "Only an editor (or the database's owner) manages the team."))
def team_group() -> None:
    pass


@team_group.command("add", help=_(
    "Give NAME a desk role, creating the server login NAME if there is none.\n"
    "\n"
    "A new login's first password is asked for here (typed twice, not shown, never an\n"
    "argument); only its SCRAM verifier is sent to the server. The person then changes\n"
    "it with psql's \\password.\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk --db postgresql://editor@db.newsroom/desk team add alice --role translator"))
@click.argument("name")
@click.option("--role", required=True, type=ROLE_CHOICE, help=_("The desk role to give."))
@click.option("--no-password", is_flag=True,
              help=_("Create the login without a password (it authenticates some other way,"
                     " e.g. a certificate or the server's own accounts)."))
def team_add(name: str, role: str, no_password: bool) -> None:
    from transdesk import team

    desk = get_postgres_desk()
    password = None
    exists = team.login_exists(desk, name)
    if not exists and not no_password:
        password = click.prompt(_("First password for {name}").format(name=name),
                                hide_input=True, confirmation_prompt=True, err=True)
    team.add(desk, name, role, password)
    where = desk.location.split("@", 1)[1]
    role = team.check_role(role)
    click.echo(_(NOW_ON[role]).format(name=name, where=where))
    if exists:
        click.echo(_("The login {name} already existed: its password is unchanged.").format(
            name=name))
    elif password is not None:
        click.echo(_("{name} logs in with that password (kept in ~/.pgpass or given when"
                     " asked) and changes it with psql's \\password.").format(name=name))
    else:
        click.echo(_("The login {name} has no password: it can log in only through the"
                     " server's other ways of authenticating (pg_hba.conf).").format(
                         name=name))


@team_group.command("set", help=_("Change NAME's desk role."))
@click.argument("name")
@click.option("--role", required=True, type=ROLE_CHOICE, help=_("The new desk role."))
def team_set(name: str, role: str) -> None:
    from transdesk import team

    team.set_role(get_postgres_desk(), name, role)
    click.echo(_(NOW[team.check_role(role)]).format(name=name))


@team_group.command("remove", help=_(
    "Take NAME's desk role away (the server login stays: other desks may use it)."))
@click.argument("name")
def team_remove(name: str) -> None:
    from transdesk import team

    team.remove(get_postgres_desk(), name)
    click.echo(_("{name} has no role on this desk any more (the login {name} remains on the"
                 " server; its administrator drops it with DROP ROLE when it is no longer"
                 " used).").format(name=name))


@team_group.command("list", help=_("Everyone with a role on the desk, and the desk's owner."))
@json_option
def team_list(as_json: bool) -> None:
    from transdesk import team

    members = team.members(get_postgres_desk())
    if as_json:
        emit_json([m.as_dict() for m in members])
        return
    owner = _(" (owner)")
    cannot = _(" (cannot log in)")
    emit_rows(members, False, lambda m: f"{m.name:<24} {m.role:<11}"
              + (owner if m.owner else "") + ("" if m.can_login else cannot),
              empty=_("Nobody yet."))


COMMANDS: list[click.Command] = [team_group]
