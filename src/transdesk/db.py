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
    return as_database(open_conn(path, migrate=migrate, create=create))


def as_database(conn: sqlite3.Connection) -> Database:
    """The sqlite-utils Database over a connection of `connect` (imports sqlite-utils:
    a command that needs only SQL keeps the bare connection, see `open_conn`)."""
    return _sqlite_utils().Database(conn)


def open_conn(
    path: str | os.PathLike[str], migrate: bool = True, create: bool = True
) -> sqlite3.Connection:
    """`open_db` without sqlite-utils: the connection, migrated. sqlite-utils is
    imported only when a migration is pending (its import is a third of a short
    command's time)."""
    conn = connect(path, create=create)
    try:
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils' Database sets it
        if migrate:
            apply_migrations(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def migration_set():
    from transdesk import migrations

    mset = _sqlite_utils().Migrations(migrations.MIGRATION_SET)
    migrations.register(mset)
    return mset


def migration_names() -> list[str]:
    """The names of the migrations, in order (`migrations.register`), without sqlite-utils."""
    from transdesk import migrations

    names: list[str] = []

    def collect(**_options: Any) -> Any:
        def add(fn: Any) -> Any:
            names.append(fn.__name__)
            return fn

        return add

    migrations.register(collect)
    return names


def apply_migrations(db: Database | sqlite3.Connection, stop_before: str | None = None) -> None:
    """Apply pending migrations in one transaction under the write lock; `stop_before`
    builds an older schema (for tests). `db`: a Database or a connection of `connect`.

    BadInput for a database written by a newer transdesk (a migration unknown here).
    """
    conn = db if isinstance(db, sqlite3.Connection) else db.conn
    known = migration_names()
    applied = _applied(conn) or []
    _check_not_newer(applied, known)
    if set(known) <= set(applied) or (stop_before is not None and stop_before not in known):
        return
    if not applied and stop_before is None and _create_schema(conn, known):
        return
    database = as_database(conn) if isinstance(db, sqlite3.Connection) else db
    with write_transaction(database):
        applied = _applied(conn) or []  # another process may have migrated meanwhile
        _check_not_newer(applied, known)
        if set(known) - set(applied):
            migration_set().apply(database, stop_before=stop_before)


class _Recorder:
    """Stands in for the Database a migration function is given, keeping its SQL."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def executescript(self, script: str) -> None:
        self.statements.extend(_split_script(script))

    def execute(self, statement: str, params: Any = None) -> None:
        if params:
            raise TypeError("a migration with parameters takes the step-by-step path")
        self.statements.append(statement)


def _split_script(script: str) -> list[str]:
    """The statements of an SQL script (a trigger's body stays whole)."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n\t;"):
                statements.append(pending)
            pending = ""
    if pending.strip(" \n\t;"):
        statements.append(pending)
    return statements


def _create_schema(conn: sqlite3.Connection, known: list[str]) -> bool:
    """A new, empty database: the whole schema in one transaction, built from the SQL of
    every migration and recorded in `_sqlite_migrations` exactly as sqlite-utils
    records steps (same table, index and rows), without importing sqlite-utils. False
    (nothing done) when the file is not empty once the write lock is held, or when a
    migration needs more than SQL: the caller then applies the steps one by one."""
    from transdesk import migrations

    steps: list[tuple[str, list[str]]] = []

    def collect(**_options: Any) -> Any:
        def record(fn: Any) -> Any:
            recorder = _Recorder()
            fn(recorder)
            steps.append((fn.__name__, recorder.statements))
            return fn

        return record

    try:
        migrations.register(collect)
    except (TypeError, AttributeError):
        return False
    if [name for name, _sql in steps] != known:
        return False
    with write_transaction(_Conn(conn)):
        if _tables(conn):  # another process built it meanwhile
            return False
        conn.execute(f'CREATE TABLE "{MIGRATIONS_TABLE}" (\n   "id" INTEGER PRIMARY KEY,\n'
                     '   "migration_set" TEXT,\n   "name" TEXT,\n   "applied_at" TEXT\n)')
        conn.execute(f'CREATE UNIQUE INDEX "idx_{MIGRATIONS_TABLE}_migration_set_name"\n'
                     f'    ON "{MIGRATIONS_TABLE}" ("migration_set", "name")')
        for name, statements in steps:
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at)"
                         " VALUES (?, ?, ?)",
                         [migrations.MIGRATION_SET, name, str(datetime.now(UTC))])
    return True


class _Conn:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


def check_not_newer(db: Database | sqlite3.Connection) -> None:
    """BadInput if the database records a migration this version does not know."""
    conn = db if isinstance(db, sqlite3.Connection) else db.conn
    _check_not_newer(_applied(conn) or [], migration_names())


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

    def __init__(self, db: Any) -> None:  # a Database, or anything with its `.conn`
        self.conn: sqlite3.Connection = db.conn

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
