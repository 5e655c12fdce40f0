"""Where a desk is stored: a SQLite file, or a PostgreSQL database shared by a team.

`open(location)` gives a desk whose engine follows the location: a `postgresql://` (or
`postgres://`) URL is a PostgreSQL desk (`storage.postgres`), anything else is the path of
a SQLite file (`storage.sqlite`, opened by `db.open_db`). Both kinds of desk
answer `engine`, `location` (never with a password), `execute(sql, params)` (one SQL
text with `?` placeholders for both engines, see `storage.sql`), `transaction()`,
`applied_steps()`, `info()` and `close()`; the SQLite desk holds the sqlite-utils
`Database` in `.db`, the PostgreSQL desk a psycopg connection in `.conn`.

Routing the remaining queries (store, workflow, gate, po, export, tm, draft) through
here: give each concern a module of its own in this package taking a desk, write its
statements once where the SQL is portable (`desk.execute`), and per engine where it is
not (`desk.engine`); writes go through `with desk.transaction():`.
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
