"""Copying a whole desk between engines (SQLite ↔ PostgreSQL, or the same engine).

Every table of the desk is copied row for row with its ids, in one transaction on the
target; afterwards each table is compared by row count and a SHA-256 over its rows in
primary-key order (the columns both engines have), so a copy that differs in any value
is reported, not trusted. A target that already holds articles, units or memory is
refused unless `replace` is given.

On PostgreSQL the target's triggers are switched off for the copy (inside its
transaction): the memory index, the check marks and the history's login column are
copied as they are instead of being recomputed. `history.login` exists only on
PostgreSQL: rows copied from SQLite have none (they predate the server's logins).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from transdesk.errors import Refused, TransdeskError
from transdesk.i18n import _
from transdesk.storage.memory import count_words_again
from transdesk.storage.postgres import PostgresDesk, server_errors
from transdesk.storage.sqlite import SqliteDesk

# (table, primary key) in an order that respects the foreign keys
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("articles", ("id",)),
    ("schedule", ("article_id", "lang")),
    ("units", ("id",)),
    ("translations", ("unit_id", "lang")),
    ("history", ("id",)),
    ("postedits", ("origin", "pair", "translator", "history_id")),
    ("report_hours", ("hour", "lang", "translator")),
    ("report_state", ("name",)),
    ("tm_imported", ("id",)),
    ("tm_imported_variants", ("tu_id", "lang")),
    ("tm_memory", ("key",)),
    ("mt_cache", ("provider", "source_lang", "target_lang", "source")),
    ("check_exceptions", ("unit_id", "lang", "check_name")),
    ("check_findings", ("unit_id", "lang")),
    ("check_dirty", ("unit_id", "lang")),
    ("check_cache_version", ("version",)),
    ("term_concepts", ("id",)),
    ("term_forms", ("concept_id", "lang", "text")),
    ("desk_words", ("lang", "word")),
    ("style_history", ("id",)),
)
IDENTITY_COLUMNS = (("units", "id"), ("history", "id"), ("tm_imported", "id"),
                    ("term_concepts", "id"), ("style_history", "id"))
BATCH = 5000

AnyDesk = SqliteDesk | PostgresDesk


class CopyMismatch(TransdeskError):
    """The target does not hold what the source holds after the copy (our bug)."""

    exit_code = 3


@dataclass
class TableCopy:
    table: str
    rows: int
    checksum: str


@dataclass
class CopyReport:
    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target,
                "tables": {t.table: {"rows": t.rows, "sha256": t.checksum}
                           for t in self.tables}}


def columns(desk: AnyDesk, table: str) -> list[str]:
    if isinstance(desk, PostgresDesk):
        rows = desk.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name = %s ORDER BY ordinal_position", [table]).fetchall()
        return [row[0] for row in rows]
    return [row[1] for row in desk.db.execute(f"PRAGMA table_info({table})").fetchall()]


def _select(desk: AnyDesk, table: str, cols: list[str], key: tuple[str, ...]) -> str:
    """Rows in primary-key order; text sorts bytewise on both engines."""
    if isinstance(desk, PostgresDesk):
        order = ", ".join(f'"{k}" COLLATE "C"' if _is_text(desk, table, k) else f'"{k}"'
                          for k in key)
    else:
        order = ", ".join(f'"{k}"' for k in key)
    names = ", ".join(f'"{c}"' for c in cols)
    return f"SELECT {names} FROM {table} ORDER BY {order}"


def _is_text(desk: PostgresDesk, table: str, column: str) -> bool:
    row = desk.conn.execute(
        "SELECT data_type FROM information_schema.columns WHERE table_schema = 'public'"
        " AND table_name = %s AND column_name = %s", [table, column]).fetchone()
    return bool(row and row[0] == "text")


def _rows(desk: AnyDesk, statement: str):
    if isinstance(desk, PostgresDesk):
        # a server-side cursor, BATCH rows at a time: never the whole table in memory
        with desk.conn.transaction(), desk.conn.cursor(name="transdesk_copy") as named:
            named.itersize = BATCH
            named.execute(statement.encode())
            yield from named
    else:
        cursor = desk.db.conn.execute(statement)
        while batch := cursor.fetchmany(BATCH):
            yield from batch


def _canonical(row: tuple) -> bytes:
    """A row as text: both drivers give the same Python values (int, float, str, None)."""
    return repr(row).encode() + b"\n"


def table_checksum(desk: AnyDesk, table: str, cols: list[str]) -> tuple[int, str]:
    key = dict(TABLES)[table]
    digest = hashlib.sha256()
    count = 0
    for row in _rows(desk, _select(desk, table, cols, key)):
        digest.update(_canonical(tuple(row)))
        count += 1
    return count, digest.hexdigest()


def is_empty(desk: AnyDesk) -> bool:
    for table in ("articles", "units", "tm_memory", "tm_imported", "mt_cache"):
        if _rows_in(desk, table):
            return False
    return True


def _rows_in(desk: AnyDesk, table: str) -> int:
    statement = f"SELECT count(*) FROM {table}"
    if isinstance(desk, PostgresDesk):
        row = desk.conn.execute(statement).fetchone()
    else:
        row = desk.db.execute(statement).fetchone()
    return int(row[0]) if row else 0


def copy_desk(source: AnyDesk, target: AnyDesk, replace: bool = False) -> CopyReport:
    """Copy every table of `source` into `target` and check the result."""
    if not replace and not is_empty(target):
        raise Refused(_("desk {desk} is not empty: give --replace to overwrite it").format(
            desk=target.location))
    plan = []
    for table, _key in TABLES:
        shared = [c for c in columns(source, table) if c in set(columns(target, table))]
        plan.append((table, shared))
    report = CopyReport(source.location, target.location)
    # the source read in one snapshot, copy and checksums alike: a command writing to
    # it meanwhile (a check recording its findings) changes neither
    with _snapshot(source):
        if isinstance(target, PostgresDesk):
            with server_errors(target):
                _copy_into_postgres(source, target, plan)
        else:
            _copy_into_sqlite(source, target, plan)
        for table, shared in plan:
            before = table_checksum(source, table, shared)
            after = table_checksum(target, table, shared)
            if before != after:
                raise CopyMismatch(_("table {table} differs after the copy: {before} rows in"
                                     " {source}, {after} in {target}").format(
                                         table=table, before=before[0], source=source.location,
                                         after=after[0], target=target.location))
            report.tables.append(TableCopy(table, *after))
    return report


@contextmanager
def _snapshot(desk: AnyDesk) -> Iterator[None]:
    """One read snapshot of `desk` for the block: a REPEATABLE READ transaction on
    PostgreSQL, a read transaction on SQLite (WAL keeps its snapshot from the first
    read until COMMIT)."""
    if isinstance(desk, PostgresDesk):
        from psycopg import IsolationLevel

        previous = desk.conn.isolation_level
        desk.conn.isolation_level = IsolationLevel.REPEATABLE_READ
        try:
            with server_errors(desk), desk.conn.transaction():
                yield
        finally:
            desk.conn.isolation_level = previous
        return
    conn = desk.db.conn
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT count(*) FROM articles").fetchone()  # the snapshot begins
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _copy_into_postgres(source: AnyDesk, target: PostgresDesk, plan) -> None:
    conn = target.conn
    with conn.transaction():
        for table, _key in reversed(TABLES):
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            conn.execute(f"DELETE FROM {table}")
        for table, shared in plan:
            key = dict(TABLES)[table]
            names = ", ".join(f'"{c}"' for c in shared)
            with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in _rows(source, _select(source, table, shared, key)):
                    copy.write_row(row)
        for table, column in IDENTITY_COLUMNS:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)")
        for table, _key in TABLES:
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        # the memory's word counts follow tm_memory through triggers, disabled above
        count_words_again(target)


def _copy_into_sqlite(source: AnyDesk, target: SqliteDesk, plan) -> None:
    from transdesk.db import write_transaction

    with write_transaction(target.db) as conn:
        for table, _key in reversed(TABLES):
            conn.execute(f"DELETE FROM {table}")
        # the memory's full-text index follows tm_memory through its triggers
        for table, shared in plan:
            key = dict(TABLES)[table]
            names = ", ".join(f'"{c}"' for c in shared)
            marks = ", ".join("?" * len(shared))
            statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            batch: list[tuple] = []
            for row in _rows(source, _select(source, table, shared, key)):
                batch.append(tuple(row))
                if len(batch) >= BATCH:
                    conn.executemany(statement, batch)
                    batch = []
            if batch:
                conn.executemany(statement, batch)
        # the copy wrote translations by INSERT: no check_dirty trigger fired, and the
        # marks were copied as they were
