"""Opening the database: WAL, busy timeout, foreign keys, and pending migrations."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from transdesk.errors import BadInput
from transdesk.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

DEFAULT_DB = "transdesk.db"
BUSY_TIMEOUT_S = 30.0


def now() -> str:
    """UTC timestamp as stored everywhere: ISO 8601 with microseconds and `Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A raw connection with the pragmas every transdesk connection needs."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(_("database path {path!r} is a directory").format(path=str(path)))
    _make_parent_folder(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise BadInput(_("cannot open database {path!r}: {exc}").format(
            path=str(path), exc=exc)) from None
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _make_parent_folder(path: Path) -> None:
    """A new database may name a folder that does not exist yet (`~/desk/transdesk.db`):
    create it, or say which folder could not be made."""
    folder = path.parent
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(_(
                "cannot create the folder {folder!r} for the database {path!r}: {strerror}"
            ).format(folder=str(folder), path=str(path), strerror=exc.strerror or exc)) from None


def open_db(path: str | os.PathLike[str], migrate: bool = True) -> Database:
    """Open (creating if needed) the database at `path` and apply pending migrations."""
    from sqlite_utils import Database

    db = Database(connect(path))
    if migrate:
        apply_migrations(db)
    return db


def migration_set():
    from sqlite_utils import Migrations

    from transdesk import migrations

    mset = Migrations(migrations.MIGRATION_SET)
    migrations.register(mset)
    return mset


def apply_migrations(db: Database, stop_before: str | None = None) -> None:
    """Apply pending migrations; `stop_before` builds an older schema (for tests)."""
    mset = migration_set()
    if mset.pending(db):
        mset.apply(db, stop_before=stop_before)


class write_transaction:
    """`BEGIN IMMEDIATE` ... `COMMIT`: takes the write lock up front, so two writers
    never deadlock upgrading a read lock; rolls back on any exception."""

    def __init__(self, db: Database) -> None:
        self.conn = db.conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
