"""Where a desk is stored: a SQLite file, or a PostgreSQL database shared by a team.

`open(location)` gives a desk whose engine follows the location: a `postgresql://` (or
`postgres://`) URL is a PostgreSQL desk (`storage.postgres`), anything else is the path of
a SQLite file (`storage.sqlite`, opened by `db.open_db`). Both kinds of desk
answer `engine`, `location` (never with a password), `execute(sql, params)` (one SQL
text with `?` placeholders for both engines, see `storage.sql`), `transaction()`,
`applied_steps()`, `info()` and `close()`; the SQLite desk holds the sqlite-utils
`Database` in `.db`, the PostgreSQL desk a psycopg connection in `.conn`.

All of transdesk's SQL lives in this package, a module per thing stored; the library
modules above (store, workflow, importing, draft, tm, po, export, team, report) keep
the rules and call these. Statements are written once where the SQL is portable
(`?` placeholders, `desk.execute`) and per engine where not (`desk.engine`); writes go
through `with desk.transaction():` (or the caller's transaction).

- `articles`: articles, units and translation rows as the import writes them; the
  article reads of `articles`/`status` (row, ids, listing, status counts, empty desk)
- `translations`: units with their translations (`store.read_units`), the update of
  one translation row (`store.write_translation`), a live unit's id by key
- `history`: the history rows and `log`; `claims`: next / submit / release on both
  engines and the rows the submit and the interactive screen read; `schedule`:
  priorities and deadlines
- `drafts`, `memory`, `mt_cache`: what `draft` and `tm` read and write; `postedits`:
  the post-edit analysis and the report's figures
- `catalogs`: `export`, `po export`/`po import`; `findings`: `check` and its cache;
  `terms`: the termbase and word list
- `roles` (the team's logins and role groups) and `postgres_logins` (their schema step),
  `postgres_schema`, `migrations`: the schema; `copy`: a whole desk between engines
- `sqlite`, `postgres`, `sql`: the two engines and the one placeholder style.

Outside this package only `transdesk.db` and `transdesk.migrations` (the SQLite
engine's own connection, locking and schema) run statements, and `transdesk.check`
until its statements have moved to `findings`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from transdesk.storage.postgres import PostgresDesk
    from transdesk.storage.sqlite import SqliteDesk

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# what `db info` counts, in this order (tables that exist on both engines)
COUNTED_TABLES = ("articles", "units", "translations", "history", "tm_memory",
                  "tm_imported", "mt_cache", "check_exceptions", "check_findings")


class Desk(Protocol):
    engine: str

    @property
    def location(self) -> str: ...

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any: ...

    def executemany(self, statement: str, rows: Any) -> Any: ...

    def transaction(self) -> AbstractContextManager[Any]: ...

    def applied_steps(self) -> list[str]: ...

    def info(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


def is_postgres(location: str | os.PathLike[str]) -> bool:
    return str(location).startswith(POSTGRES_SCHEMES)


def open(
    location: str | os.PathLike[str], migrate: bool = True, create: bool = True
) -> SqliteDesk | PostgresDesk:
    """The desk at `location`, with pending schema steps applied unless `migrate` is
    False. A missing SQLite file is created only with `create` (commands pass it only
    for `import` and `tm import`); a PostgreSQL database is made by the server's
    administrator, and an empty one becomes a desk on first use. A database of another
    program, or one written by a newer transdesk, is refused untouched. Raises BadInput
    (exit 2) with one line naming the desk when it cannot."""
    if is_postgres(location):
        from transdesk.storage.postgres import PostgresDesk

        return PostgresDesk(str(location), migrate=migrate)
    from transdesk.storage.sqlite import SqliteDesk

    return SqliteDesk(location, migrate=migrate, create=create)
