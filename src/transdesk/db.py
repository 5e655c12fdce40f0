"""Opening the database: WAL, busy timeout, foreign keys, and pending migrations.

Opening is careful about whose file it is. A missing database is created only when the
caller says so (`import`, `tm import`); a file that holds another program's tables is
refused untouched (not even switched to WAL); a database that records a migration this
version does not know was written by a newer transdesk and is refused too. Pending
migrations are applied in one `BEGIN IMMEDIATE` transaction, after checking again under
the write lock what is applied: several commands started at once on a new database
create the schema once, the others wait for it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk.errors import BadInput, Refused
from transdesk.i18n import _

if TYPE_CHECKING:
    from sqlite_utils import Database

DEFAULT_DB = "transdesk.db"
BUSY_TIMEOUT_S = 30.0
MIGRATIONS_TABLE = "_sqlite_migrations"
# SQL function: a translator name as compared (see `translators.identity`)
FOLD_FUNCTION = "transdesk_fold"


def now() -> str:
    """UTC timestamp as stored everywhere: ISO 8601 with microseconds and `Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def connect(path: str | os.PathLike[str], create: bool = True) -> sqlite3.Connection:
    """A raw connection with the pragmas every transdesk connection needs.

    Without `create`, a missing (or empty) file is BadInput naming the path. A file
    that holds another program's tables is BadInput and is left as it was."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(_("database path {path!r} is a directory").format(path=str(path)))
    if not create and not _has_content(path):
        raise BadInput(missing_database(path))
    _make_parent_folder(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise BadInput(_("cannot open database {path!r}: {exc}").format(
            path=str(path), exc=exc)) from None
    try:
        _check_owner(conn, path, create)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError) and describe_sqlite_error(exc):
            raise
        raise BadInput(_("cannot open database {path!r}: {exc}").format(
            path=str(path), exc=exc)) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _sqlite_utils() -> Any:
    """sqlite-utils, imported without numpy and pandas.

    sqlite-utils imports both when they are installed, to store their values; transdesk
    never hands it any, and numpy (installed for matplotlib, which only `report` uses)
    would add 0.1-0.3 s to every command that opens the database."""
    if "sqlite_utils.db" not in sys.modules:
        blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]  # import -> ImportError
        try:
            import sqlite_utils.db
        finally:
            for name in blocked:
                sys.modules.pop(name, None)
    import sqlite_utils

    return sqlite_utils


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


def _fold(name: str | None) -> str | None:
    from transdesk.translators import identity

    return None if name is None else identity(name)


def missing_database(path: Path) -> str:
    return (
        f"no transdesk database at {str(path)!r}: 'transdesk import FILE' creates one;"
        " or point --db / TRANSDESK_DB at yours"
    )


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }


def _applied(conn: sqlite3.Connection) -> list[str] | None:
    """The transdesk migrations recorded, in order; None without a migrations table."""
    from transdesk.migrations import MIGRATION_SET

    if MIGRATIONS_TABLE not in _tables(conn):
        return None
    return [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            [MIGRATION_SET],
        )
    ]


def _check_owner(conn: sqlite3.Connection, path: Path, create: bool) -> None:
    """BadInput unless the file is empty (and may become ours) or a transdesk database."""
    tables = _tables(conn)
    if not tables and not create:
        # a creator may be building the schema right now: wait for its transaction
        conn.execute("BEGIN IMMEDIATE")
        try:
            tables = _tables(conn)
        finally:
            conn.execute("ROLLBACK")
        if not tables:
            raise BadInput(missing_database(path))
    if not tables or tables == {MIGRATIONS_TABLE}:
        return
    if not _applied(conn):
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise BadInput(
            _(
                "{path!r} is not a transdesk database (it holds other tables: {shown}); left "
                "untouched"
            ).format(path=str(path), shown=shown)
        )


def open_db(
    path: str | os.PathLike[str], migrate: bool = True, create: bool = True
) -> Database:
    """Open the database at `path` (creating it only with `create`) and apply pending
    migrations."""
    db = _sqlite_utils().Database(connect(path, create=create))
    if migrate:
        try:
            apply_migrations(db)
        except BaseException:
            db.close()
            raise
    return db


def migration_set():
    from transdesk import migrations

    mset = _sqlite_utils().Migrations(migrations.MIGRATION_SET)
    migrations.register(mset)
    return mset


def apply_migrations(db: Database, stop_before: str | None = None) -> None:
    """Apply pending migrations in one transaction under the write lock; `stop_before`
    builds an older schema (for tests).

    BadInput for a database written by a newer transdesk (a migration unknown here).
    """
    mset = migration_set()
    known = [m.name for m in mset._migrations]
    applied = _applied(db.conn) or []
    _check_not_newer(applied, known)
    if set(known) <= set(applied) or (stop_before is not None and stop_before not in known):
        return
    with write_transaction(db):
        applied = _applied(db.conn) or []  # another process may have migrated meanwhile
        _check_not_newer(applied, known)
        if set(known) - set(applied):
            mset.apply(db, stop_before=stop_before)


def check_not_newer(db: Database) -> None:
    """BadInput if the database records a migration this version does not know."""
    _check_not_newer(_applied(db.conn) or [], [m.name for m in migration_set()._migrations])


def _check_not_newer(applied: list[str], known: list[str]) -> None:
    unknown = [name for name in applied if name not in known]
    if unknown:
        from transdesk import __version__

        raise BadInput(
            _(
                "this database was written by a newer transdesk (migration {unknown} is unknown to "
                "transdesk {version}); upgrade transdesk to use it"
            ).format(unknown=unknown[0], version=__version__)
        )


def describe_sqlite_error(exc: sqlite3.Error) -> tuple[str, int] | None:
    """A one-line explanation and exit code for a database failure the user can fix
    (permissions, a full disk, a lock held too long); None for anything else."""
    message = str(exc).lower()
    if "readonly" in message or "read-only" in message:
        return ("the database is read-only (check the permissions of the file and its"
                " folder): nothing was written", BadInput.exit_code)
    if "disk is full" in message or "database or disk is full" in message:
        return ("the disk is full: nothing was written; free some space and run again",
                BadInput.exit_code)
    if "disk i/o error" in message:
        return ("disk I/O error on the database (a failing disk, a full disk or a"
                " removed volume): the last change was not written", BadInput.exit_code)
    if "unable to open database file" in message:
        return ("cannot open the database file (its folder is missing or not writable)",
                BadInput.exit_code)
    if "malformed" in message or "file is not a database" in message:
        return ("the database file is damaged (" + str(exc) + "): restore it from a backup;"
                " nothing was written", BadInput.exit_code)
    if "database is locked" in message or "database is busy" in message:
        return (f"the database is busy: another command held its write lock for over"
                f" {BUSY_TIMEOUT_S:g} s; nothing was written, try again", Refused.exit_code)
    return None


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
    who = (", ".join(_("process {pid} ({command})").format(pid=pid, command=cmd)
                     for pid, cmd in holders)
           if holders else _("another process"))
    return _("the database {path!r} has been locked by {who} for more than {seconds:g} s;"
             " try again when it is done").format(path=path, who=who, seconds=BUSY_TIMEOUT_S)


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
