"""`plan` (priority and deadlines), `report` (where the desk's time goes), and the
deadline pieces `import`, `status`, `articles` and `check --due` share.

matplotlib and sacrebleu load only inside `report` (they cost `next` and `--help`
nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from transdesk.commands.common import (
    as_option,
    emit_json,
    emit_rows,
    get_desk,
    json_option,
    lang_option,
)
from transdesk.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from transdesk.schedule import Plan

# schedule.TIME_HELP, spelled out so that --help loads no library
TIME_HELP = "18:30, +45m, +2h, tomorrow 09:00, or ISO 8601 (desk time zone: TRANSDESK_TZ)"
_schedule_module: Any = None


def _schedule() -> Any:
    """transdesk.schedule, imported on first use (not by --help), then at no cost per row."""
    global _schedule_module
    if _schedule_module is None:
        from transdesk import schedule

        _schedule_module = schedule
    return _schedule_module
REPORT_FORMATS = ("text", "json", "html")
#: priorities as a person reads them (the names stay in JSON and on the command line)
PRIORITY_LABELS = {"urgent": N_("urgent"), "high": N_("high"), "normal": N_("normal"),
                   "low": N_("low")}


def priority_label(name: str) -> str:
    return _(PRIORITY_LABELS[name]) if name in PRIORITY_LABELS else name


def priority_option(fn):
    return click.option("--priority", metavar="P",
                        help=_("urgent, high, normal (the default) or low."))(fn)


def due_option(fn):
    return click.option("--due", metavar="TIME",
                        help=_("Deadline: {forms}; `none` removes it.").format(
                            forms=TIME_HELP))(fn)


def make_plan(priority: str | None, due: str | None, langs: list[str] | None = None
              ) -> Plan | None:
    """The Plan of --priority/--due (BadInput for an unknown priority or a bad TIME),
    None when neither is given."""
    if priority is None and due is None:
        return None
    from transdesk import schedule

    clear = due is not None and due.strip().lower() in ("none", "-")
    return schedule.Plan(
        priority=schedule.parse_priority(priority) if priority is not None else None,
        due=schedule.parse_time(due) if due is not None and not clear else None,
        clear_due=clear,
        langs=tuple(langs or ()),
    )


def acting_name(desk: Any, translator: str) -> str:
    """Who a change is recorded for: the --as / TRANSDESK_USER name, or on PostgreSQL
    the server login when no name was given (the history also keeps the login)."""
    if getattr(desk, "engine", "sqlite") != "postgresql":
        return translator
    source = click.get_current_context().get_parameter_source("translator")
    if source in (None, click.core.ParameterSource.DEFAULT):
        return str(desk.login)
    return translator


_WORDS: dict[tuple[str, str | None], dict[Any, Any]] = {}


def _deadline_words() -> dict[Any, Any]:
    """The translated pieces of `deadline_text` and the desk's time zone, looked up once
    per command (`status` of every article writes a line for each language)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        words: dict[Any, Any] = ctx.meta.setdefault("transdesk.deadline_words", {})
    else:  # outside a command: per interface language and zone setting
        import os

        from transdesk.i18n import interface_language

        words = _WORDS.setdefault((interface_language(), os.environ.get("TRANSDESK_TZ")), {})
    if not words:
        words.update(tz=_schedule().desk_tz(), due=_("due {time}"),
                     overdue=_("OVERDUE {late}"), eta=_("eta {time}"),
                     no_pace=_("eta ? (no recent pace)"))
    return words


def _local(words: dict[Any, Any], value: str) -> str:
    """`schedule.show`, once per UTC minute (what it shows; zones are whole minutes)."""
    key = ("at", value[:16])
    shown = words.get(key)
    if shown is None:
        shown = words[key] = _schedule().show(value, words["tz"])
    return shown


def deadline_text(row: dict[str, Any], color: bool = True) -> str:
    """`· urgent · due 2026-11-26 18:30 · 3 left · eta 17:40`, OVERDUE in red."""
    schedule = _schedule()
    words = _deadline_words()
    parts = []
    if row["priority"] != "normal":
        parts.append(words.get(row["priority"]) or words.setdefault(
            row["priority"], priority_label(row["priority"])))
    if row["due"] is not None:
        parts.append(words["due"].format(time=_local(words, row["due"])))
    left = words.get(("left", row["left"]))
    if left is None:
        left = words[("left", row["left"])] = ngettext("{n} left", "{n} left",
                                                         row["left"]).format(n=row["left"])
    parts.append(left)
    if row["overdue"]:
        late = words["overdue"].format(late=schedule.lateness(row["due"]))
        parts.append(click.style(late, fg="red", bold=True) if color else late)
    if row["eta"] is not None:
        parts.append(words["eta"].format(time=_local(words, row["eta"])))
    elif row["left"]:
        parts.append(words["no_pace"])
    return " · ".join(parts)


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A desk_times row for JSON: priority, due (UTC), due_local, left, overdue, eta."""
    schedule = _schedule()
    return {"priority": row["priority"], "due": row["due"],
            "due_local": schedule.show(row["due"]) if row["due"] else None,
            "left": row["left"], "overdue": row["overdue"], "eta": row["eta"]}


@click.command("plan", help=_(
    "Set the priority and/or the deadline of ARTICLEs (per target language with --lang).\n"
    "\n"
    "`next` hands out overdue work first, then by priority, then by deadline, then in\n"
    "article order.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk plan ru-budget --priority urgent --due +45m\n"
    "  transdesk plan ru-budget --lang en --due \"tomorrow 09:00\"\n"
    "  transdesk plan uk-bridge --due none --priority low"
))
@click.argument("articles", nargs=-1, required=True)
@priority_option
@due_option
@lang_option(required=False, multiple=True,
             help=_("Only this target language (repeatable or comma-separated; default: all"
                    " the article's targets)."))
@as_option
@json_option
def plan_command(articles: tuple[str, ...], priority: str | None, due: str | None,
                 lang: list[str], translator: str, as_json: bool) -> None:
    from transdesk import schedule

    plan = make_plan(priority, due, lang) or schedule.Plan()
    desk = get_desk()
    rows = schedule.plan_articles(desk, list(articles), plan, acting_name(desk, translator))
    emit_rows([{"article": r["article"], "lang": r["lang"], **public(r)} for r in rows],
              as_json, lambda r: f"{r['article']}  {r['lang']}  {deadline_text(r)}")


def check_due(ctx: click.Context, articles: list[str] | None, langs: list[str] | None,
              as_json: bool) -> None:
    """`check --due`: list the languages past their deadline and incomplete; exit 1 if any."""
    from transdesk import schedule
    from transdesk.errors import BadInput
    from transdesk.storage.schedule import article_targets

    desk = get_desk()
    known = {row[0] for row in article_targets(desk, articles)} if articles else set()
    for article_id in articles or ():
        if article_id not in known:
            raise BadInput(_(
                "unknown article {article_id!r} (see 'transdesk articles')"
            ).format(article_id=article_id))
    late = schedule.overdue(desk, articles, langs)
    if as_json:
        emit_json({"ok": not late, "exit_code": 1 if late else 0,
                   "overdue": [{"article": r["article"], "lang": r["lang"], **public(r),
                                "late": schedule.lateness(r["due"])} for r in late]})
    else:
        for row in late:
            overdue = _("OVERDUE {late}").format(late=schedule.lateness(row["due"]))
            left = ngettext("{n} unit left", "{n} units left", row["left"]).format(
                n=row["left"])
            click.echo(f"{row['article']}  {row['lang']}  "
                       + _("due {time}").format(time=schedule.show(row["due"]))
                       + f"  {click.style(overdue, fg='red')}  {left}")
        click.echo(ngettext("{n} language past the deadline", "{n} languages past the deadline",
                            len(late)).format(n=len(late))
                   if late else _("no language past its deadline"))
    ctx.exit(1 if late else 0)


@click.command("report", help=_(
    "Where the desk's time goes: progress per language, units per hour per translator,\n"
    "post-edit effort per draft origin (chrF, TER, character edit ratio, time from\n"
    "claim to submit), the age of the queue, and what is late.\n"
    "\n"
    "Post-edit metrics are computed once per submission (sacrebleu) and kept in the\n"
    "database, so later reports are fast.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk report\n"
    "  transdesk report --since -7d --lang en --format json\n"
    "  transdesk report --format html -o desk.html"
))
@click.option("--since", metavar="DATE",
              help=_("Only history from DATE on (2026-11-20, an ISO time, or -7d / -12h;"
                     " default: all of it)."))
@lang_option(required=False, help=_("Only this target language."))
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text",
              show_default=True,
              help=_("text, json, or a self-contained HTML page with charts."))
@click.option("-o", "--output", metavar="FILE", help=_("Write to FILE (default: stdout)."))
def report_command(since: str | None, lang: str | None, fmt: str, output: str | None) -> None:
    from pathlib import Path

    from transdesk import schedule
    from transdesk.errors import BadInput
    from transdesk.files import write_atomic
    from transdesk.report import build, render

    if output is not None and not output.strip():
        raise BadInput(_("empty -o: give a file name, or - for stdout"))
    since_stamp = schedule.parse_since(since) if since else None
    desk = get_desk()  # (opening a SQLite desk keeps numpy out while it loads sqlite-utils)
    if fmt == "html":  # load matplotlib while the database answers (it waits in C)
        import threading

        threading.Thread(target=_load_charts, daemon=True).start()
    data = build(desk, since=since_stamp, lang=lang)
    text = render(data, fmt)
    if output in (None, "-"):
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomic(Path(output), text.encode("utf-8"))


def _load_charts() -> None:
    import transdesk.report.charts  # noqa: F401


COMMANDS: list[click.Command] = [plan_command, report_command]
