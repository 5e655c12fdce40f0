"""Opening the database: WAL, busy timeout, foreign keys, and pending migrations."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from transdesk.errors import BadInput, Refused

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
        raise BadInput(f"database path {str(path)!r} is a directory")
    _make_parent_folder(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"cannot open database {str(path)!r}: {exc}") from None
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
        raise BadInput(f"cannot create the folder {str(folder)!r} for the database"
                       f" {str(path)!r}: {exc.strerror or exc}") from None


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
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise Refused(lock_held_message(self.conn)) from None
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def lock_held_message(conn: sqlite3.Connection) -> str:
    """What to say when the write lock stayed taken past the busy timeout: which
    processes hold locks on the database (Linux's /proc/locks), when that can be seen."""
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    holders = _lock_holders(path)
    who = (" by " + ", ".join(f"process {pid} ({cmd})" for pid, cmd in holders)
           if holders else " by another process")
    return (f"the database {path!r} has been locked{who} for more than"
            f" {BUSY_TIMEOUT_S:g} s; try again when it is done")


def _lock_holders(path: str) -> list[tuple[int, str]]:
    inodes = set()
    for suffix in ("-shm", ""):
        with contextlib.suppress(OSError):
            inodes.add(os.stat(path + suffix).st_ino)
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            lines = locks.read().splitlines()
    except OSError:
        return []
    pids = []
    for line in lines:
        fields = line.split()
        try:
            pid, inode = int(fields[4]), int(fields[5].rsplit(":", 1)[1])
        except (IndexError, ValueError):
            continue
        if inode in inodes and pid != os.getpid() and pid not in pids:
            pids.append(pid)
    holders = []
    for pid in pids[:3]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                words = cmdline.read().split(b"\0")
            text = " ".join(w.decode(errors="replace") for w in words if w)
            cmd = "".join(c if c.isprintable() else " " for c in " ".join(text.split()))[:80]
        except OSError:
            cmd = "?"
        holders.append((pid, cmd))
    return holders
