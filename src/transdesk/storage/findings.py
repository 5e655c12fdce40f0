"""What `check` reads and records, on either engine: the translations to check, the
findings recorded between runs (`check_findings`, versioned by `check_cache_version`),
the translations changed since (`check_dirty`, filled by triggers), and the accepted
exceptions (`check_exceptions`).

Big reads are streamed (`stream`, `batches`): SQLite cursors step through the rows; on
PostgreSQL a server-side cursor hands them over in batches, so no reader holds a whole
archive. The report reads its few streams side by side inside `reading` (on PostgreSQL
one read-only transaction: one snapshot, and cursors the server need not keep past it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import count, islice
from typing import Any

from transdesk.languages import LANGUAGES
from transdesk.storage.sql import to_pyformat

DONE_SQL = "t.status IN ('translated', 'approved')"
BATCH = 2000  # rows fetched or written at a time
# the report's planner settings on PostgreSQL, for the transaction of `reading`: the sort
# of the recorded findings in memory (~25 MB at 60,000 findings), not in files; and
# index lookups from the few findings to their rows rather than hashing whole tables
# (a third of the server's time: the planner, told the whole result is read, hashes)
# and no JIT compilation: the report's queries are planned as costly (a lookup per
# finding) but run in tens of milliseconds, which compiling them would take 0.3 s to save
_READ_SETTINGS = (("work_mem", "64MB"), ("jit", "off"))
_LOOKUP_SETTINGS = (("enable_hashjoin", "off"), ("enable_mergejoin", "off"))
_cursor_names = count(1)


@contextmanager
def reading(desk: Any) -> Iterator[None]:
    """The report's reads (`stream`s read side by side), all from one snapshot of the
    desk. On PostgreSQL: one read-only transaction (repeatable read), whose cursors the
    server drops at its end instead of keeping each whole result for us (WITH HOLD). On
    SQLite: one read transaction (a deferred BEGIN: no lock is taken from writers)."""
    if getattr(desk, "_reading", False):
        yield
        return
    if desk.engine != "postgresql":
        conn = desk.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        desk._reading = True
        try:
            yield
        finally:
            desk._reading = False
            if conn.in_transaction:
                conn.execute("COMMIT")
        return
    from transdesk.storage.postgres import server_errors

    with server_errors(desk), desk.conn.transaction():
        desk.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _set_local(desk, _READ_SETTINGS)
        desk._reading = True
        try:
            yield
        finally:
            desk._reading = False


def _set_local(desk: Any, settings: Sequence[tuple[str, str]]) -> None:
    """SET LOCAL each (name, value): until the end of the transaction."""
    desk.conn.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
                      [part for setting in settings for part in setting])


def stream(desk: Any, statement: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
    """The rows of one query, read a batch at a time (never all at once)."""
    for rows in batches(desk, statement, params):
        yield from rows


def batches(desk: Any, statement: str, params: Sequence[Any] = (),
            settings: Sequence[tuple[str, str]] = ()) -> Iterator[list[tuple]]:
    """The rows of one query, a list (a batch fetched at once) at a time. `settings`:
    the PostgreSQL planner settings it is planned with, inside `reading`."""
    if desk.engine != "postgresql":
        cursor = desk.execute(statement, params)
        while rows := cursor.fetchmany(BATCH):
            yield rows
        return
    from transdesk.storage.postgres import server_errors

    reading = getattr(desk, "_reading", False)
    with server_errors(desk):
        if not getattr(desk, "_streams_read_whole", False):
            # plan for the whole result (read to the end), not for its first rows
            desk.conn.execute("SET cursor_tuple_fraction = 1")
            desk._streams_read_whole = True
        # WITH HOLD outside `reading`: outside a transaction the server keeps the result
        cursor = desk.conn.cursor(name=f"transdesk_stream_{next(_cursor_names)}",
                                  withhold=not reading)
        try:
            if reading and settings:
                _set_local(desk, settings)
            cursor.execute(to_pyformat(statement).encode(), list(params))
            if reading and settings:  # planned: the other reads as before
                desk.conn.execute("; ".join(f"RESET {name}" for name, _value in settings))
            while True:  # (5000 rows a batch: 10 MB more, no quicker)
                rows = cursor.fetchmany(BATCH)
                if not rows:
                    break
                yield rows
        finally:
            cursor.close()


def in_batches(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _hint(desk: Any, column: str) -> str:
    """SQLite's `+column` (keep the planner off an index) where the engine has it."""
    return f"+{column}" if desk.engine == "sqlite" else column


def _c(desk: Any) -> str:
    """Sort text bytewise on PostgreSQL too (SQLite's default)."""
    return ' COLLATE "C"' if desk.engine == "postgresql" else ""


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


# --- the articles and units checked ----------------------------------------------------


def articles(desk: Any, selected: list[str] | None = None) -> Iterator[tuple[str, str, list[str]]]:
    """(id, source language, targets) of every article (or the `selected` ones), by id."""
    where, params = _article_filter("id", selected)
    wanted = set(selected) if selected is not None and not where else None
    for article_id, source_lang, targets in stream(
            desk, f"SELECT id, source_lang, targets FROM articles WHERE 1 = 1{where}"
            " ORDER BY id", params):
        if wanted is None or article_id in wanted:
            yield article_id, source_lang, targets.split(",")


# an article's version: every write of its units changes its SHA or update time
_VERSION = "a.source_sha256 || '|' || a.updated_at"
_COUNTED = (f" LEFT JOIN check_counts c ON c.article_id = a.id AND c.version = {_VERSION}")


def articles_counted(desk: Any, selected: list[str] | None = None
                     ) -> Iterator[tuple[str, str, list[str], int | None]]:
    """(id, source language, targets, live units) of every article (or the `selected`
    ones), by id; the live units as `check_counts` holds them for the article's version
    (None: not counted at this version)."""
    where, params = _article_filter("a.id", selected)
    wanted = set(selected) if selected is not None and not where else None
    for article_id, source_lang, targets, units in stream(
            desk, f"SELECT a.id, a.source_lang, a.targets, c.units FROM articles a{_COUNTED}"
            f" WHERE 1 = 1{where} ORDER BY a.id", params):
        if wanted is None or article_id in wanted:
            yield article_id, source_lang, targets.split(","), units


def uncounted(desk: Any) -> int:
    """How many articles `check_counts` holds no count of at their version."""
    return int(desk.execute(
        f"SELECT COUNT(*) FROM articles a{_COUNTED} WHERE c.units IS NULL").fetchone()[0])


def count_units(desk: Any) -> None:
    """Count the live units of the articles `check_counts` has no count of (at their
    version), in one transaction."""
    with desk.transaction():
        desk.execute(
            "INSERT INTO check_counts (article_id, version, units)"
            f" SELECT a.id, {_VERSION}, (SELECT COUNT(*) FROM units u"
            " WHERE u.article_id = a.id AND u.obsolete = 0)"
            f" FROM articles a{_COUNTED} WHERE c.units IS NULL"
            " ON CONFLICT (article_id) DO UPDATE SET version = excluded.version,"
            " units = excluded.units")


def live_count(desk: Any, article_id: str) -> int:
    return int(desk.execute("SELECT COUNT(*) FROM units WHERE article_id = ? AND obsolete = 0",
                            [article_id]).fetchone()[0])


def unknown_articles(desk: Any, selected: list[str]) -> list[str]:
    known: set[str] = set()
    for batch in in_batches(selected, 500):
        known.update(row[0] for row in desk.execute(
            f"SELECT id FROM articles WHERE id IN ({_marks(batch)})", batch))
    return [a for a in selected if a not in known]


def _article_filter(column: str, selected: list[str] | None) -> tuple[str, list[str]]:
    """` AND column IN (...)` for a short selection (a long one is filtered by the
    caller while streaming)."""
    if selected is None or len(selected) > 500:
        return "", []
    return f" AND {column} IN ({_marks(selected)})", list(selected)


def live_units(desk: Any, selected: list[str] | None) -> Iterator[tuple[str, int]]:
    """(article, live units) by article id. The store gives every live unit one
    translation row per target language, so this is also each target's count of
    translations (counting those would read three times as many index entries)."""
    where, params = _article_filter("article_id", selected)
    return stream(desk, "SELECT article_id, COUNT(*) FROM units WHERE obsolete = 0"
                  f"{where} GROUP BY article_id ORDER BY article_id", params)


def not_done(desk: Any, langs: list[str], selected: list[str] | None) -> Iterator[tuple]:
    """(article, lang, key, source, status) of the untranslated and draft units in
    `langs`, in article order (each language's in unit order)."""
    where, params = _article_filter("t.article_id", selected)
    return stream(
        desk,
        "SELECT t.article_id, t.lang, u.key, u.source, t.status FROM translations t"
        f" JOIN units u ON u.id = t.unit_id WHERE t.lang IN ({_marks(langs)})"
        f" AND t.obsolete = 0 AND t.status IN ('untranslated', 'draft'){where}"
        " ORDER BY t.article_id, t.position", [*langs, *params])


def unit_id_span(desk: Any) -> tuple[int | None, int | None]:
    row = desk.execute("SELECT MIN(id), MAX(id) FROM units").fetchone()
    return (row[0], row[1]) if row else (None, None)


def done_translations_sql(desk: Any, langs: list[str],
                          selected: list[str] | None) -> tuple[str, list[Any]]:
    """The query of the done translations with unit ids in [?, ?): lang, article, unit
    id, position, text, key, source, source language (parameters: the two bounds, then
    the returned list)."""
    # SQLite: `+` keeps the planner off the queue index, so a range of the primary key
    # reads the text without a lookup per row.
    sql = (
        "SELECT t.lang, t.article_id, t.unit_id, t.position, t.text, u.key, u.source,"
        " a.source_lang FROM translations t JOIN units u ON u.id = t.unit_id"
        " JOIN articles a ON a.id = t.article_id"
        " WHERE t.unit_id >= ? AND t.unit_id < ? AND t.obsolete = 0"
        f" AND {_hint(desk, 't.lang')} IN ({_marks(langs)})"
        f" AND {_hint(desk, 't.status')} IN ('translated', 'approved') AND t.text IS NOT NULL"
    )
    where, params = _article_filter("t.article_id", selected)
    return sql + where, [*langs, *params]


def done_translations_in(reader: Any, query: tuple[str, list[Any]], start: int,
                         stop: int) -> list[tuple]:
    """The rows of `done_translations_sql`'s query for unit ids in [start, stop)."""
    sql, params = query
    return reader.execute(sql, [start, stop, *params]).fetchall()


def reopen(desk: Any, location: str) -> Any:
    """A reader of the same desk on a connection of its own (in a forked child: a
    connection must not cross a fork)."""
    if desk.engine == "postgresql":
        from transdesk.storage.postgres import PostgresDesk

        return PostgresDesk(location, migrate=False)
    import sqlite3

    conn = sqlite3.connect(location, timeout=30.0)
    conn.execute("PRAGMA query_only = 1")
    return conn


# --- the record of findings ---------------------------------------------------------


def recorded_version(desk: Any) -> str | None:
    row = desk.execute("SELECT version FROM check_cache_version").fetchone()
    return row[0] if row else None


def dirty_marks(desk: Any, lang: str) -> Iterator[tuple[int, int]]:
    """(unit id, marker) of the translations in `lang` changed since the last check,
    as they are read (after a bulk change: every translation)."""
    return stream(desk, "SELECT unit_id, marker FROM check_dirty WHERE lang = ?", [lang])


def dirty_count(desk: Any, langs: list[str]) -> int:
    return int(desk.execute(
        f"SELECT COUNT(*) FROM check_dirty WHERE lang IN ({_marks(langs)})", langs
    ).fetchone()[0])


def dirty_done(desk: Any, lang: str) -> Iterator[tuple]:
    """(article, position, unit id, key, source, text, source language) of the changed
    done translations in `lang`."""
    return stream(
        desk,
        "SELECT t.article_id, t.position, t.unit_id, u.key, u.source, t.text, a.source_lang"
        " FROM check_dirty d JOIN translations t ON t.unit_id = d.unit_id AND t.lang = d.lang"
        " JOIN units u ON u.id = t.unit_id JOIN articles a ON a.id = t.article_id"
        f" WHERE d.lang = ? AND t.obsolete = 0 AND {DONE_SQL} AND t.text IS NOT NULL",
        [lang])


def recorded(desk: Any, langs: list[str], selected: list[str] | None,
             texts: bool = True, exact: bool = False) -> Iterator[list[tuple]]:
    """(article, position, lang, unit id, key, source, text, findings) of the live done
    translations in `langs` with recorded findings, in article order, a batch at a
    time (the findings as recorded: JSON text). `texts=False`: source and text empty
    (a fifth of the reading, for reports that print neither; an accepted exception is
    compared with the current text `accepted_in` reads).

    `exact`: no translation in `langs` is marked changed since it was recorded (read in
    the same snapshot, inside `reading`), so every recorded row is a live done
    translation at the article, position and key it holds: the record is read alone,
    in its own order (the units and translations only for texts asked)."""
    if exact:
        return _recorded_alone(desk, langs, selected, texts)
    # SQLite: CROSS JOIN keeps this order, from the few findings to their rows; on
    # PostgreSQL the same plan through the lookup settings.
    join = "CROSS JOIN" if desk.engine == "sqlite" else "JOIN"
    where, params = _article_filter("t.article_id", selected)
    columns = "u.source, t.text" if texts else "'', ''"
    every = set(langs) >= set(LANGUAGES)
    which = "" if every else f" AND f.lang IN ({_marks(langs)})"
    statement = (
        "SELECT t.article_id, t.position, t.lang, t.unit_id, u.key,"
        f" {columns},"
        f" f.findings FROM check_findings f {join} translations t ON t.unit_id = f.unit_id"
        f" AND t.lang = f.lang {join} units u ON u.id = t.unit_id WHERE t.obsolete = 0"
        f" AND {DONE_SQL}{which}{where} ORDER BY t.article_id, t.position")
    return batches(desk, statement, [*([] if every else langs), *params],
                   settings=_LOOKUP_SETTINGS)


def _recorded_alone(desk: Any, langs: list[str], selected: list[str] | None,
                    texts: bool) -> Iterator[list[tuple]]:
    where, params = _article_filter("f.article_id", selected)
    columns, joins = "'', ''", ""
    if texts:
        columns = "u.source, t.text"
        joins = (" JOIN translations t ON t.unit_id = f.unit_id AND t.lang = f.lang"
                 " JOIN units u ON u.id = f.unit_id")
    every = set(langs) >= set(LANGUAGES)
    which = "" if every else f" AND f.lang IN ({_marks(langs)})"
    statement = (
        f"SELECT f.article_id, f.position, f.lang, f.unit_id, f.key, {columns}, f.findings"
        f" FROM check_findings f{joins} WHERE 1 = 1{which}{where}"
        " ORDER BY f.article_id, f.position")
    return batches(desk, statement, [*([] if every else langs), *params],
                   settings=_LOOKUP_SETTINGS)


_RECORD = ("INSERT INTO check_findings (unit_id, lang, article_id, position, key, findings)"
           " VALUES (?, ?, ?, ?, ?, ?)")
Recorded = tuple[int, str, str, int, str, str]  # unit id, lang, article, position, key, findings


def replace_all(desk: Any, version: str, rows: Iterable[Recorded],
                dirty: Iterable[tuple[int, str, int]]) -> None:
    """A full check's record: every (unit id, lang, article, position, key, findings)
    with findings, the version, and the dirty marks it saw cleared; one transaction,
    rows in batches."""
    with desk.transaction():
        desk.execute("DELETE FROM check_findings")
        desk.execute("DELETE FROM check_cache_version")
        desk.execute("INSERT INTO check_cache_version VALUES (?)", [version])
        for batch in in_batches(rows):
            desk.executemany(_RECORD, batch)
        _clear_dirty(desk, dirty)


def replace_changed(desk: Any, rows: dict[tuple[int, str], tuple[str, int, str, str]],
                    dirty: list[tuple[int, str, int]]) -> None:
    """The record of the changed translations (`dirty`): their findings now (`rows`,
    those with any: (unit id, lang) -> (article, position, key, findings)), and their
    marks cleared."""
    changed = sorted({(unit_id, lang) for unit_id, lang, _marker in dirty})
    with desk.transaction():
        for batch in in_batches(changed):
            desk.executemany(
                "DELETE FROM check_findings WHERE unit_id = ? AND lang = ?", batch)
        found = [(u, lang, *rows[(u, lang)]) for u, lang in changed if (u, lang) in rows]
        for batch in in_batches(found):
            desk.executemany(_RECORD, batch)
        _clear_dirty(desk, dirty)


def _clear_dirty(desk: Any, dirty: Iterable[tuple[int, str, int]]) -> None:
    for batch in in_batches(dirty):
        desk.executemany(
            "DELETE FROM check_dirty WHERE unit_id = ? AND lang = ? AND marker = ?", batch)


# --- accepted exceptions ----------------------------------------------------------------


def accepted_in(desk: Any, langs: list[str]
                ) -> dict[tuple[int, str, str], tuple[str, str | None, str | None]]:
    """(unit id, lang, check) -> (accepted text, note, the translation's text now) in
    `langs`."""
    return {
        (unit_id, lang, check): (text, note, current)
        for unit_id, lang, check, text, note, current in desk.execute(
            "SELECT e.unit_id, e.lang, e.check_name, e.text, e.note, t.text"
            " FROM check_exceptions e LEFT JOIN translations t ON t.unit_id = e.unit_id"
            f" AND t.lang = e.lang WHERE e.lang IN ({_marks(langs)})", langs)
    }


def accepted_current(desk: Any, article_id: str) -> Iterator[tuple[int, str, str]]:
    """(unit id, lang, check) of the exceptions that still cover an article's text."""
    return desk.execute(
        "SELECT e.unit_id, e.lang, e.check_name FROM check_exceptions e"
        " JOIN translations t ON t.unit_id = e.unit_id AND t.lang = e.lang"
        f" WHERE t.article_id = ? AND e.text = t.text ORDER BY e.check_name{_c(desk)}",
        [article_id])


def unit_text(desk: Any, unit_id: int, lang: str) -> tuple[str, str | None, str]:
    """(source, text, status) of a unit in `lang`."""
    return desk.execute(
        "SELECT u.source, t.text, t.status FROM units u JOIN translations t"
        " ON t.unit_id = u.id AND t.lang = ? WHERE u.id = ?", [lang, unit_id]).fetchone()


def put_exception(desk: Any, unit_id: int, lang: str, check: str, text: str,
                  note: str | None, who: str, ts: str) -> None:
    """Record (or replace) an accepted exception, inside the caller's transaction."""
    desk.execute(
        "INSERT INTO check_exceptions (unit_id, lang, check_name, text, note, accepted_by, at)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT (unit_id, lang, check_name) DO UPDATE SET"
        " text = excluded.text, note = excluded.note, accepted_by = excluded.accepted_by,"
        " at = excluded.at",
        [unit_id, lang, check, text, note, who, ts])


def exception_text(desk: Any, unit_id: int, lang: str, check: str) -> tuple | None:
    """(current text, status) of the unit an exception is recorded on, or None."""
    return desk.execute(
        "SELECT t.text, t.status FROM check_exceptions e JOIN translations t"
        " ON t.unit_id = e.unit_id AND t.lang = e.lang"
        " WHERE e.unit_id = ? AND e.lang = ? AND e.check_name = ?",
        [unit_id, lang, check]).fetchone()


def drop_exception(desk: Any, unit_id: int, lang: str, check: str) -> None:
    desk.execute(
        "DELETE FROM check_exceptions WHERE unit_id = ? AND lang = ? AND check_name = ?",
        [unit_id, lang, check])


def exceptions(desk: Any, selected: list[str] | None) -> list[tuple]:
    """(article, key, lang, check, note, accepted_by, at, current) in article order."""
    sql = (
        "SELECT u.article_id, u.key, e.lang, e.check_name, e.note, e.accepted_by, e.at,"
        " CASE WHEN e.text = t.text THEN 1 ELSE 0 END FROM check_exceptions e"
        " JOIN units u ON u.id = e.unit_id"
        " LEFT JOIN translations t ON t.unit_id = e.unit_id AND t.lang = e.lang"
    )
    params: list[str] = []
    if selected:
        sql += f" WHERE u.article_id IN ({_marks(selected)})"
        params = list(selected)
    sql += f" ORDER BY u.article_id, u.position, e.lang, e.check_name{_c(desk)}"
    return [tuple(row) for row in desk.execute(sql, params).fetchall()]
