"""Articles, their units and translation rows as the import writes and merges them,
and the reads `articles`, `units` and `status` make, on either engine.

The import pipeline (`transdesk.importing`: parse, msgmerge-style matching) sits above
this module and calls it with a desk. Statements are written once with `?`
placeholders where the SQL is portable; what differs is chosen by `desk.engine`:

- unit ids: SQLite takes `MAX(id) + 1` under its write lock; PostgreSQL takes them from
  the identity column's sequence;
- bulk rows: `executemany` on SQLite, `COPY ... FROM STDIN` on PostgreSQL; the empty
  translation rows of new articles are copied from their units by the database
  (`INSERT ... SELECT`), on both;
- the write lock: SQLite's `BEGIN IMMEDIATE` serialises importers; on PostgreSQL an
  advisory transaction lock does the same for importers (other writers, like `submit`,
  only wait for the rows they touch).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

IMPORT_LOCK = 0x74646970  # pg_advisory_xact_lock key: one importing transaction at a time
UNIT_COLUMNS = ("id", "article_id", "key", "kind", "paragraph", "position", "source", "words",
                "created_at", "updated_at")
TRANSLATION_COLUMNS = ("unit_id", "lang", "article_id", "position", "created_at", "updated_at")
ARTICLE_COLUMNS = ("id", "source_lang", "targets", "title", "layout", "encoding", "bom",
                   "source_sha256", "created_at", "updated_at", "file")
STORED_UNIT = ("id", "key", "kind", "paragraph", "position", "source")
# a new article's unit as the parsing workers make it (id and times come at insert)
NEW_UNIT = ("article_id", "key", "kind", "paragraph", "position", "source", "words")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
IN_CHUNK = 500  # ids per `IN (...)` list (SQLite allows 32,766 parameters)


def as_desk(db: Any) -> Any:
    """A desk for `db`: a desk as it is, or a sqlite-utils `Database` (callers not yet
    ported to desks) as a SQLite desk on the same connection (nothing reopened)."""
    if hasattr(db, "engine"):
        return db
    from transdesk.storage.sqlite import SqliteDesk

    return SqliteDesk.over(db)


def runner(desk: Any) -> Any:
    """What runs `?` statements fastest: the sqlite3 connection itself on SQLite (no
    wrapper per statement), the desk on PostgreSQL (its server errors translated)."""
    return desk.conn if desk.engine == "sqlite" else desk


@contextmanager
def import_transaction(desk: Any) -> Iterator[Any]:
    """One write transaction of the import, holding the importers' lock; yields what
    runs statements (`runner`)."""
    with desk.transaction():
        if desk.engine == "postgresql":
            desk.execute("SELECT pg_advisory_xact_lock(?)", [IMPORT_LOCK])
        yield runner(desk)


# --- reads ----------------------------------------------------------------------------


def source_lang(desk: Any, article_id: str) -> str | None:
    row = desk.execute("SELECT source_lang FROM articles WHERE id = ?", [article_id]).fetchone()
    return row[0] if row else None


def stored_summaries(desk: Any, article_ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """{id: (source_sha256, source_lang, file)} of the articles among `article_ids`."""
    found: dict[str, tuple[str, str, str]] = {}
    for start in range(0, len(article_ids), IN_CHUNK):
        chunk = list(article_ids[start:start + IN_CHUNK])
        for row in desk.execute(
            "SELECT id, source_sha256, source_lang, file FROM articles"
            f" WHERE id IN ({','.join('?' * len(chunk))})", chunk,
        ):
            found[row[0]] = (row[1], row[2], row[3])
    return found


def existing(run: Any, article_ids: Sequence[str]) -> set[str]:
    """The ids among `article_ids` that are stored articles."""
    found: set[str] = set()
    for start in range(0, len(article_ids), IN_CHUNK):
        chunk = list(article_ids[start:start + IN_CHUNK])
        found.update(row[0] for row in run.execute(
            f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return found


def live_unit_count(desk: Any, article_id: str) -> int:
    return int(desk.execute("SELECT COUNT(*) FROM units WHERE article_id = ? AND obsolete = 0",
                            [article_id]).fetchone()[0])


def version(run: Any, article_id: str) -> tuple[str, str] | None:
    """(source_sha256, updated_at): every write of an article's units changes it."""
    row = run.execute("SELECT source_sha256, updated_at FROM articles WHERE id = ?",
                      [article_id]).fetchone()
    return (row[0], row[1]) if row else None


@dataclass
class Stored:
    """What the desk holds for an article id (`version` None: no such article)."""

    version: tuple[str, str] | None
    source_lang: str = ""
    targets: str = ""
    units: list[dict[str, Any]] = field(default_factory=list)  # STORED_UNIT, live, in order


def _stored_rows(run: Any, article_id: str) -> Stored:
    # the version first: units written after it make the version read under the lock
    # differ, and the matching is redone
    row = run.execute(
        "SELECT source_sha256, updated_at, source_lang, targets FROM articles WHERE id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        return Stored(None)
    units = [dict(zip(STORED_UNIT, unit, strict=True)) for unit in run.execute(
        f"SELECT {', '.join(STORED_UNIT)} FROM units"
        " WHERE article_id = ? AND obsolete = 0 ORDER BY position", [article_id])]
    return Stored((row[0], row[1]), row[2], row[3], units)


def read_stored(desk: Any, article_id: str, run: Any = None) -> Stored:
    """The article row and its live units from one read snapshot (inside the caller's
    transaction when `run` is given)."""
    if run is not None:
        return _stored_rows(run, article_id)
    if desk.engine == "sqlite":
        conn = desk.conn
        if conn.in_transaction:
            return _stored_rows(conn, article_id)
        conn.execute("BEGIN")
        try:
            return _stored_rows(conn, article_id)
        finally:
            conn.execute("COMMIT")
    with desk.transaction():
        desk.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _stored_rows(desk, article_id)


def translated_texts(run: Any, engine: str, unit_id: int) -> list[tuple[str, str]]:
    """(lang, text) of a unit's translations that hold a text, locked on PostgreSQL
    until the transaction ends (a submit meanwhile waits, then sees the change)."""
    lock = " FOR UPDATE" if engine == "postgresql" else ""
    return [(row[0], row[1]) for row in run.execute(
        "SELECT lang, text FROM translations WHERE unit_id = ? AND text IS NOT NULL" + lock,
        [unit_id])]


# --- writes (inside `import_transaction`) ---------------------------------------------


def new_unit_ids(run: Any, engine: str, count: int) -> list[int]:
    """`count` fresh unit ids, ascending."""
    if count == 0:
        return []
    if engine == "postgresql":
        return sorted(row[0] for row in run.execute(
            "SELECT nextval(pg_get_serial_sequence('units', 'id')) FROM generate_series(1, ?)",
            [count]))
    first = run.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM units").fetchone()[0]
    return list(range(first, first + count))


def _insert(run: Any, engine: str, table: str, columns: Sequence[str],
            rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if engine == "postgresql":
        from transdesk.storage.postgres import server_errors

        with server_errors(run), run.conn.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    run.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
        rows)


def insert_articles(run: Any, engine: str, rows: list[tuple[Any, ...]]) -> None:
    """Article rows (ARTICLE_COLUMNS order)."""
    _insert(run, engine, "articles", ARTICLE_COLUMNS, rows)


def insert_units(run: Any, engine: str, rows: list[tuple[Any, ...]]) -> None:
    """Unit rows (UNIT_COLUMNS order)."""
    _insert(run, engine, "units", UNIT_COLUMNS, rows)


def insert_new_units(run: Any, engine: str, rows: Iterable[tuple[Any, ...]], ts: str) -> None:
    """Units of new articles (NEW_UNIT order), their ids given by the database in the
    order of `rows` (SQLite: `MAX(id) + 1` on; PostgreSQL: the identity's sequence), all
    created at `ts`."""
    if engine == "postgresql":
        from transdesk.storage.postgres import server_errors

        with server_errors(run), run.conn.cursor() as cursor, cursor.copy(
                f"COPY units ({', '.join(NEW_UNIT)}, created_at, updated_at)"
                " FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, ts, ts))
        return
    if not _TIMESTAMP.fullmatch(ts):
        raise ValueError(f"not a timestamp: {ts!r}")
    # the time written into the statement: no two more values to bind on every row
    run.executemany(
        f"INSERT INTO units ({', '.join(NEW_UNIT)}, created_at, updated_at)"
        f" VALUES ({','.join('?' * len(NEW_UNIT))}, '{ts}', '{ts}')", rows)


def add_translation_rows(run: Any, by_targets: dict[tuple[str, ...], list[str]]) -> None:
    """An empty translation row per target language for each unit of the articles just
    inserted (`by_targets`: their ids by target languages), copied from the units by
    the database itself."""
    for targets, article_ids in by_targets.items():
        for start in range(0, len(article_ids), IN_CHUNK):
            chunk = article_ids[start:start + IN_CHUNK]
            for lang in targets:
                run.execute(
                    f"INSERT INTO translations ({', '.join(TRANSLATION_COLUMNS)})"
                    " SELECT id, ?, article_id, position, created_at, updated_at FROM units"
                    f" WHERE article_id IN ({','.join('?' * len(chunk))}) ORDER BY id",
                    [lang, *chunk])


def add_translation_rows_from(run: Any, first_unit: int,
                              by_targets: dict[tuple[str, ...], list[str]]) -> None:
    """`add_translation_rows` for a desk being built without its indexes
    (`without_bulk_indexes`): the units are found by their ids (from `first_unit`, the
    first id of the articles just inserted), and the rows go in in the order of the
    table's key (unit, language), each page filled once."""
    for targets, article_ids in by_targets.items():
        langs = ",".join("(?)" for _lang in targets)
        for start in range(0, len(article_ids), IN_CHUNK):
            chunk = article_ids[start:start + IN_CHUNK]
            run.execute(
                f"INSERT INTO translations ({', '.join(TRANSLATION_COLUMNS)})"
                " SELECT u.id, l.column1, u.article_id, u.position, u.created_at,"
                f" u.updated_at FROM units u, (VALUES {langs}) l"
                f" WHERE u.id >= ? AND u.article_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY u.id, l.column1",
                [*targets, first_unit, *chunk])


def next_unit_id(run: Any) -> int:
    """The id SQLite gives the next unit inserted without one."""
    return int(run.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM units").fetchone()[0])


def obsolete_unit(run: Any, unit_id: int, ts: str) -> None:
    run.execute("UPDATE units SET obsolete = 1, updated_at = ? WHERE id = ?", [ts, unit_id])
    run.execute("UPDATE translations SET obsolete = 1 WHERE unit_id = ?", [unit_id])


def update_unit(run: Any, unit_id: int, key: str, paragraph: int | None, position: int,
                source: str, words: int, ts: str) -> None:
    run.execute(
        "UPDATE units SET key = ?, paragraph = ?, position = ?, source = ?, words = ?,"
        " updated_at = ? WHERE id = ?",
        [key, paragraph, position, source, words, ts, unit_id])


def move_translations(run: Any, unit_id: int, position: int) -> None:
    run.execute("UPDATE translations SET position = ? WHERE unit_id = ?", [position, unit_id])


def ensure_target_rows(run: Any, article_id: str, targets: list[str], ts: str) -> None:
    """A translation row for each unit of the article in each target language."""
    for lang in targets:
        run.execute(
            "INSERT INTO translations (unit_id, lang, article_id, position, obsolete,"
            " created_at, updated_at) SELECT id, ?, article_id, position, obsolete, ?, ?"
            " FROM units WHERE article_id = ? ON CONFLICT DO NOTHING",
            [lang, ts, ts, article_id])


def update_article(run: Any, article_id: str, targets: str, title: str, layout: str,
                   encoding: str, bom: int, sha: str, ts: str, file_name: str | None) -> None:
    run.execute(
        "UPDATE articles SET targets = ?, title = ?, layout = ?, encoding = ?, bom = ?,"
        " source_sha256 = ?, updated_at = ?, file = COALESCE(file, ?) WHERE id = ?",
        [targets, title, layout, encoding, bom, sha, ts, file_name, article_id])



# --- a new SQLite desk built beside its final name (`importing.import_new_file`) ---------


# bytes a page of a desk made by an archive import; SQLite's default 4096 costs ~30%
# more CPU to fill with an archive (more pages to split), 16384 no less than this
NEW_DESK_PAGE_SIZE = 8192


def new_unjournaled(path: Any, page_size: int | None = None) -> Any:
    """A sqlite3 connection to a new, empty SQLite file that nobody else sees yet, with
    the desk's schema, writing without a journal or syncs and without foreign-key
    look-ups (the import makes every reference itself): a failure throws the whole
    file away, so neither rollback nor crash safety is needed until it is complete.
    `page_size`: larger pages hold an archive's rows and index entries in fewer pages
    to split (the first write fixes the size for good)."""
    import sqlite3

    from transdesk.db import apply_migrations

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        if page_size:
            conn.execute(f"PRAGMA page_size = {int(page_size)}")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA recursive_triggers = ON")  # as every desk connection
        apply_migrations(conn)
    except BaseException:
        conn.close()
        raise
    return conn


# tables whose secondary indexes a new desk's bulk insert builds once at the end
BULK_TABLES = ("units", "translations")


@contextmanager
def without_bulk_indexes(conn: Any) -> Iterator[None]:
    """The secondary indexes of the units and translations of a new desk
    (`new_unjournaled`) dropped for the bulk insert, and made again from the same
    statements once it is done: SQLite builds an index from a table by sorting it, in
    less time than it takes to keep it up to date row by row. The schema comes out the
    same (the same `sqlite_master` statements); an error leaves them dropped: the file
    is thrown away then."""
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({','.join('?' * len(BULK_TABLES))}) ORDER BY rowid",
        BULK_TABLES).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    # the sorts that build them on a helper thread too: the workers that parsed the
    # files are done by then, and a core would idle
    threads = conn.execute("PRAGMA threads").fetchone()[0]
    conn.execute("PRAGMA threads = 2")
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute(f"PRAGMA threads = {int(threads)}")


def journaled(conn: Any) -> None:
    """A desk's journal (write-ahead log) in the file's header, before it is put in
    place (the file's own bytes are synced by the caller)."""
    conn.execute("PRAGMA journal_mode = WAL")


def created_summaries(run: Any) -> Iterator[tuple[str, str, int]]:
    """(id, source_lang, live units) of every article, in the order they were inserted
    (a new desk's import reports, read back instead of kept in memory)."""
    return iter(run.execute(
        "SELECT a.id, a.source_lang, (SELECT COUNT(*) FROM units u"
        " WHERE u.article_id = a.id AND u.obsolete = 0) FROM articles a ORDER BY a.rowid"))


# --- the reads of `store` (articles, status) ------------------------------------------


def article_row(run: Any, article_id: str) -> dict[str, Any] | None:
    """The article's row as a dict (every column), None when there is none."""
    cursor = run.execute("SELECT * FROM articles WHERE id = ?", [article_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def desk_empty(run: Any) -> bool:
    """Whether the desk holds no article at all."""
    return run.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None


def all_ids(run: Any) -> list[str]:
    return [row[0] for row in run.execute("SELECT id FROM articles ORDER BY id").fetchall()]


def listing(run: Any) -> Any:
    """(id, source_lang, title, targets) of every article, by id."""
    return run.execute("SELECT id, source_lang, title, targets FROM articles ORDER BY id")


def status_rows(
    run: Any, articles: Sequence[str] | None, langs: Sequence[str]
) -> tuple[list[Any], list[Any], list[Any]]:
    """What `status` counts, for the articles given (all when None or empty):
    (id, targets) of the articles; (article_id, live units, their words) per article;
    (article_id, lang, status, units, words) of the rows in `langs` with work in them
    (read through the queue index)."""
    article_filter: str = ""
    params: list[Any] = []
    if articles:
        article_filter = f" AND article_id IN ({','.join('?' * len(articles))})"
        params = list(articles)
    targets = list(run.execute(
        "SELECT id, targets FROM articles WHERE TRUE"
        + article_filter.replace("article_id", "id"),
        params,
    ))
    totals = list(run.execute(
        "SELECT article_id, COUNT(*), SUM(words) FROM units WHERE obsolete = 0"
        + article_filter + " GROUP BY article_id",
        params,
    ))
    worked = list(run.execute(
        "SELECT t.article_id, t.lang, t.status, COUNT(*), SUM(u.words) FROM translations t"
        " JOIN units u ON u.id = t.unit_id"
        f" WHERE t.lang IN ({','.join('?' * len(langs))})"
        " AND t.status IN ('draft', 'translated', 'approved') AND t.obsolete = 0"
        + article_filter.replace("article_id", "t.article_id")
        + " GROUP BY t.article_id, t.lang, t.status",
        [*langs, *params],
    ))
    return targets, totals, worked
