"""A desk in a SQLite file: the 0.1.0 code (`transdesk.db`, sqlite-utils), unchanged."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from transdesk import db as sqlite_db
from transdesk.errors import BadInput
from transdesk.storage import COUNTED_TABLES
from transdesk.storage.migrations import SQLITE_VERSION_TABLE, unknown_steps


class SqliteDesk:
    engine = "sqlite"

    def __init__(self, path: str | os.PathLike[str], migrate: bool = True) -> None:
        from sqlite_utils import Database

        self.path = Path(path)
        self.db = Database(sqlite_db.connect(self.path))
        try:
            newer = unknown_steps(self.engine, self.applied_steps())
            if newer:
                raise BadInput(
                    f"desk {self.location} was made by a newer transdesk (schema steps"
                    f" {', '.join(newer)}): upgrade transdesk to use it"
                )
            if migrate:
                sqlite_db.apply_migrations(self.db)
        except BaseException:
            self.db.close()
            raise

    @property
    def location(self) -> str:
        return str(self.path)

    def applied_steps(self) -> list[str]:
        try:
            rows = self.db.execute(
                f"SELECT name FROM {SQLITE_VERSION_TABLE} WHERE migration_set = ?"
                " ORDER BY rowid", [sqlite_db.migration_set().name],
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
        return self.db.execute(statement, list(params))

    @contextmanager
    def transaction(self) -> Iterator[SqliteDesk]:
        """`BEGIN IMMEDIATE` ... `COMMIT` (`db.write_transaction`), rolled back on error."""
        with sqlite_db.write_transaction(self.db):
            yield self

    def close(self) -> None:
        self.db.close()
