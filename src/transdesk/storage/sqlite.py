"""A desk in a SQLite file: the code of `transdesk.db` (sqlite-utils), unchanged.

Opening goes through `db.open_conn`: a missing file is created only with `create`, a
file holding another program's tables is refused untouched, a database written by a
newer transdesk is refused, and pending migrations are applied once under the write
lock however many commands open a new database at the same time. The desk runs SQL on
the bare connection (`.conn`); the sqlite-utils `Database` (`.db`) is made on first
use, so a command that needs only SQL (`import`, `next`) never imports sqlite-utils."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk import db as sqlite_db
from transdesk.storage import COUNTED_TABLES

if TYPE_CHECKING:
    from sqlite_utils import Database


def attached_files(run: Any) -> list[tuple[str, str]]:
    """(name, file) of each database the connection has open (`PRAGMA database_list`):
    `main` first, its file "" for an in-memory database. `run`: a sqlite3 connection, a
    sqlite-utils Database or a SQLite desk."""
    return [(name, filename) for _seq, name, filename in run.execute("PRAGMA database_list")]


class SqliteDesk:
    engine = "sqlite"

    def __init__(self, path: str | os.PathLike[str], migrate: bool = True,
                 create: bool = True) -> None:
        self.path = Path(path)
        self.conn = sqlite_db.open_conn(self.path, migrate=migrate, create=create)
        self._db: Database | None = None
        if not migrate:  # open_conn checked the history only when migrating
            try:
                sqlite_db.check_not_newer(self.conn)
            except BaseException:
                self.conn.close()
                raise

    @classmethod
    def over(cls, db: Database) -> SqliteDesk:
        """A desk over an open sqlite-utils Database (its connection, nothing reopened)."""
        desk = cls.__new__(cls)
        desk.conn, desk._db = db.conn, db
        row = db.conn.execute("PRAGMA database_list").fetchone()
        desk.path = Path(row[2] if row else "")
        return desk

    @property
    def db(self) -> Database:
        """The sqlite-utils Database over the desk's connection (made on first use)."""
        if self._db is None:
            self._db = sqlite_db.as_database(self.conn)
        return self._db

    @property
    def location(self) -> str:
        return str(self.path)

    def applied_steps(self) -> list[str]:
        from transdesk.migrations import MIGRATION_SET
        from transdesk.storage.migrations import SQLITE_VERSION_TABLE

        try:
            rows = self.conn.execute(
                f"SELECT name FROM {SQLITE_VERSION_TABLE} WHERE migration_set = ?"
                " ORDER BY rowid", [MIGRATION_SET],
            ).fetchall()
        except sqlite3.OperationalError:  # no such table: a new, empty file
            return []
        return [row[0] for row in rows]

    def info(self) -> dict[str, Any]:
        steps = self.applied_steps()
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal"))
                   if p.exists())
        tables = set(self.db.table_names())
        return {
            "engine": self.engine,
            "location": self.location,
            "server_version": f"SQLite {sqlite3.sqlite_version}",
            "schema": {"steps": len(steps), "last": steps[-1] if steps else None},
            "size_bytes": size,
            "counts": {name: self.db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
                       for name in COUNTED_TABLES if name in tables},
        }

    def execute(self, statement: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement written with `?` placeholders."""
        return self.conn.execute(statement, list(params))

    def executemany(self, statement: str, rows: Any) -> sqlite3.Cursor:
        """Run one statement (`?` placeholders) once per row of `rows`."""
        return self.conn.executemany(statement, rows)

    @contextmanager
    def transaction(self) -> Iterator[SqliteDesk]:
        """`BEGIN IMMEDIATE` ... `COMMIT` (`db.write_transaction`), rolled back on error."""
        with sqlite_db.write_transaction(self):
            yield self

    def close(self) -> None:
        self.conn.close()
