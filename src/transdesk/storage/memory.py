"""The translation memory's SQL: ``tm_memory`` (every done translation with its source,
and every imported TMX variant, kept by triggers: see migration m020) and the imported
TMX units (``tm_imported``, ``tm_imported_variants``).

A row's ``key`` is ``group * 4 + language index`` (ru 0, uk 1, en 2); a group is a unit
(``grp`` = its id) or an imported TMX unit (``grp`` = minus its id).

Fuzzy candidates come from full-text queries of a sentence's rarest words: on SQLite
the FTS5 index (``tm_fts``, with document frequencies in ``tm_vocab``); on PostgreSQL a
GIN index of each text's words (``transdesk_memory_words``, with document frequencies
in ``tm_words`` and ``tm_words_pending``: migration m097), which splits texts into the
same words. Either way the same rows come back, in key order, and rapidfuzz scores them
in ``transdesk.tm``, so both engines draft alike.

Every function takes a desk (``storage.open``), or a sqlite-utils ``Database`` / a
``sqlite3.Connection`` (``as_desk`` wraps those, for the library's older callers).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

LANG_INDEX = {"ru": 0, "uk": 1, "en": 2}
#: Texts looked up per query.
CHUNK = 500
#: Rows fetched from the server at a time when a whole memory is read (flat memory).
STREAM_ROWS = 5000


class _ConnectionDesk:
    """A bare SQLite connection seen as a desk (engine, execute, transaction)."""

    engine = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, statement: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(statement, list(params))

    def executemany(self, statement: str, rows: Any) -> sqlite3.Cursor:
        return self.conn.executemany(statement, rows)

    @contextmanager
    def transaction(self) -> Iterator[_ConnectionDesk]:
        from transdesk.db import write_transaction

        with write_transaction(self):  # type: ignore[arg-type]  # it reads .conn only
            yield self


def as_desk(db: Any) -> Any:
    """A desk (returned as is), or a sqlite-utils Database / sqlite3.Connection wrapped
    so that it answers like one."""
    if hasattr(db, "engine"):
        return db
    conn = db if isinstance(db, sqlite3.Connection) else db.conn
    return _ConnectionDesk(conn)


def transaction(desk: Any) -> AbstractContextManager[Any]:
    return desk.transaction()  # type: ignore[no-any-return]


def memory_key(group: int, lang: str) -> int:
    return group * 4 + LANG_INDEX[lang]


# --- lookups ----------------------------------------------------------------------------


def exact_matches(desk: Any, source: str, target: str, text: str,
                  limit: int = 2) -> list[tuple[int, str]]:
    """``(group, target text)`` of the groups remembering ``text`` in ``source`` with a
    ``target`` text: our own translations first (newest unit first), then imported
    memory; that is descending key order. The whole text is indexed (``tm_memory_text``,
    m096), so a look-up reads only the rows holding that very text, however many others
    share its beginning."""
    rows = desk.execute(
        "SELECT m.grp, t.text FROM tm_memory m JOIN tm_memory t ON t.key = m.grp * 4 + ?"
        " WHERE m.lang = ? AND m.text = ? ORDER BY m.key DESC LIMIT ?",
        [LANG_INDEX[target], source, text, limit]).fetchall()
    return [(row[0], row[1]) for row in rows]


def exact_matches_many(desk: Any, source: str, target: str, texts: Sequence[str],
                       limit: int = 2) -> dict[str, list[tuple[int, str]]]:
    """``exact_matches`` of many texts in one query per CHUNK of them: text -> its
    first ``limit`` ``(group, target text)``, newest first (texts without one left
    out)."""
    found: dict[str, list[tuple[int, str]]] = {}
    lang = LANG_INDEX[target]
    for start in range(0, len(texts), CHUNK):
        chunk = list(texts[start : start + CHUNK])
        if desk.engine == "postgresql":
            # the texts as one array parameter: one short statement to parse and plan
            rows_of = ("(SELECT DISTINCT q AS text FROM unnest(?::text[]) AS q) q"
                       " JOIN tm_memory m ON m.lang = ? AND m.text = q.text"
                       " JOIN tm_memory t ON t.key = m.grp * 4 + ?")
            params: list[Any] = [chunk, source, lang]
        else:
            rows_of = ("tm_memory m JOIN tm_memory t ON t.key = m.grp * 4 + ?"
                       f" WHERE m.lang = ? AND m.text IN ({','.join('?' * len(chunk))})")
            params = [lang, source, *chunk]
        rows = desk.execute(
            "SELECT text, grp, target FROM (SELECT m.text AS text, m.grp AS grp,"
            " t.text AS target, row_number() OVER (PARTITION BY m.text ORDER BY m.key"
            f" DESC) AS n FROM {rows_of}) ranked WHERE n <= ? ORDER BY text, n",
            [*params, limit]).fetchall()
        for text, group, translation in rows:
            found.setdefault(text, []).append((group, translation))
    return found


def target_texts(desk: Any, groups: Sequence[int], target: str) -> dict[int, str]:
    """group -> its text in ``target``, for those of ``groups`` that have one."""
    if not groups:
        return {}
    lang = LANG_INDEX[target]
    marks = ",".join("?" * len(groups))
    rows = desk.execute(f"SELECT grp, text FROM tm_memory WHERE key IN ({marks})",
                        [g * 4 + lang for g in groups]).fetchall()
    return {row[0]: row[1] for row in rows}


def document_frequencies(desk: Any, words: Sequence[str]) -> dict[str, int]:
    """word -> how many remembered texts hold it, in any language (words held by none
    left out): SQLite's ``tm_vocab``; on PostgreSQL the sum of ``tm_words`` and the
    changes not yet folded into it (``tm_words_pending``), folded first once per desk
    (``fold_word_counts``)."""
    if not words:
        return {}
    found: dict[str, int] = {}
    if desk.engine == "postgresql":
        if not getattr(desk, "_word_counts_folded", False):
            fold_word_counts(desk)
            desk._word_counts_folded = True
        words = list(words)
        for word, docs in desk.execute(
                "SELECT word, sum(docs)::bigint FROM (SELECT word, docs FROM tm_words"
                " WHERE word = ANY (?) UNION ALL SELECT word, docs FROM tm_words_pending"
                " WHERE word = ANY (?)) counted GROUP BY word HAVING sum(docs) > 0",
                [words, words]).fetchall():
            found[word] = docs
        return found
    for start in range(0, len(words), 500):
        chunk = list(words[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for term, doc in desk.execute(
                f"SELECT term, doc FROM tm_vocab WHERE term IN ({marks})", chunk).fetchall():
            found[term] = doc
    return found


def fold_word_counts(desk: Any) -> None:
    """PostgreSQL: move the word counts' pending changes (+1 / -1 rows written by the
    triggers on tm_memory) into ``tm_words``, so that a look-up sums few rows. Its cost
    grows with the changes since the last fold; skipped when another fold runs, in a
    read-only transaction, or for a login that may not (nothing on SQLite)."""
    if desk.engine == "postgresql":
        desk.execute(
            "SELECT transdesk_memory_words_fold() WHERE NOT"
            " current_setting('transaction_read_only')::boolean AND"
            " has_function_privilege('transdesk_memory_words_fold()', 'EXECUTE')").fetchall()


def count_words_again(desk: Any) -> None:
    """PostgreSQL: the word counts computed afresh from the whole memory, inside the
    caller's transaction, after tm_memory was written with its triggers disabled (``db
    copy``); nothing on SQLite (``tm_vocab`` reads the FTS5 index itself)."""
    if desk.engine == "postgresql":
        desk.execute("DELETE FROM tm_words_pending")
        desk.execute("DELETE FROM tm_words")
        desk.execute(
            "INSERT INTO tm_words (word, lang, docs) SELECT w, m.lang, count(*)"
            " FROM tm_memory m, unnest(tsvector_to_array(transdesk_memory_words(m.text))) w"
            " GROUP BY w, m.lang")


def fts_candidates(desk: Any, query: Sequence[Sequence[str]], source: str, low: float,
                   high: float, limit: int) -> list[tuple[int, int, str]]:
    """``(key, group, text)`` of the first ``limit`` texts in ``source`` (key order)
    holding every word of at least one of ``query``'s groups of words, whose length
    lies in ``[low, high]``: SQLite's FTS5 index, PostgreSQL's index of words."""
    if desk.engine == "postgresql":
        return desk.execute(
            "SELECT m.key, m.grp, m.text FROM tm_memory m"
            " WHERE transdesk_memory_words(m.text) @@ ?::tsquery AND m.lang = ?"
            " AND length(m.text) BETWEEN ? AND ? ORDER BY m.key LIMIT ?",
            [_tsquery(query), source, low, high, limit]).fetchall()
    return desk.execute(
        "SELECT m.key, m.grp, m.text FROM tm_fts f JOIN tm_memory m ON m.key = f.rowid"
        " WHERE tm_fts MATCH ? AND (f.rowid & 3) = ? AND length(m.text) BETWEEN ? AND ?"
        " LIMIT ?", [_fts5_query(query), LANG_INDEX[source], low, high, limit]).fetchall()


def _fts5_query(query: Sequence[Sequence[str]]) -> str:
    """``[["a", "b"], ["c", "d"]]`` -> ``("a" AND "b") OR ("c" AND "d")``; one word alone
    is the word."""
    if len(query) == 1 and len(query[0]) == 1:
        return _fts5_word(query[0][0])
    return " OR ".join("(" + " AND ".join(_fts5_word(w) for w in group) + ")"
                       for group in query)


def _fts5_word(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _tsquery(query: Sequence[Sequence[str]]) -> str:
    """``[["a", "b"], ["c"]]`` -> ``('a' & 'b') | ('c')``: the words as lexemes, as is."""
    return " | ".join("(" + " & ".join(_lexeme(w) for w in group) + ")" for group in query)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def count_with_target(desk: Any, source: str) -> int:
    """How many texts the memory holds in ``source`` (an upper bound of those with a
    translation: what a SentenceIndex would hold)."""
    row = desk.execute("SELECT count(*) FROM tm_memory WHERE lang = ?", [source]).fetchone()
    return int(row[0]) if row else 0


def iter_with_target(desk: Any, source: str, target: str) -> Iterator[tuple[int, str]]:
    """``(group, source text)`` of every group holding both languages, streamed."""
    yield from _stream(
        desk, "SELECT m.grp, m.text FROM tm_memory m JOIN tm_memory t ON t.key = m.grp * 4 + ?"
        " WHERE m.lang = ?", [LANG_INDEX[target], source])


def _stream(desk: Any, statement: str, params: Sequence[Any]) -> Iterator[Any]:
    """The rows of a query a few thousand at a time: a server-side cursor on
    PostgreSQL (inside a transaction of its own), SQLite's cursor as it steps."""
    if desk.engine != "postgresql":
        yield from desk.execute(statement, params)
        return
    from transdesk.storage.postgres import server_errors
    from transdesk.storage.sql import to_pyformat

    with server_errors(desk), desk.conn.transaction(), desk.conn.cursor(
            name="transdesk_stream") as cursor:
        cursor.itersize = STREAM_ROWS
        cursor.execute(to_pyformat(statement).encode(), list(params))
        yield from cursor


# --- export -------------------------------------------------------------------------------


def iter_done_units(desk: Any, articles: Sequence[str] | None = None
                    ) -> Iterator[tuple[str, str, str, str, str]]:
    """``(article, key, source_lang, lang, text)`` of every remembered text of our own
    units (the source and each done translation), in article, position and key order."""
    where, params = "", []
    if articles is not None:
        where = f" AND u.article_id IN ({','.join('?' * len(articles))})"
        params = list(articles)
    yield from _stream(
        desk,
        "SELECT u.article_id, u.key, a.source_lang, m.lang, m.text FROM tm_memory m"
        " JOIN units u ON u.id = m.grp JOIN articles a ON a.id = u.article_id"
        f" WHERE m.grp > 0{where} ORDER BY u.article_id, u.position, u.id, m.key", params)


def iter_imported(desk: Any) -> Iterator[tuple[int, str, str]]:
    """``(tu_id, lang, text)`` of every imported TMX variant, by unit and language."""
    yield from _stream(desk, "SELECT tu_id, lang, text FROM tm_imported_variants"
                             " ORDER BY tu_id, lang", [])


# --- TMX import ---------------------------------------------------------------------------


def lock_imported(desk: Any) -> None:
    """Inside a transaction: one TMX import at a time (PostgreSQL; SQLite's write
    transaction already is), so two imports of one file add it once."""
    if desk.engine == "postgresql":
        desk.execute("LOCK TABLE tm_imported IN SHARE ROW EXCLUSIVE MODE")


def known_digests(desk: Any, digests: Sequence[str]) -> set[str]:
    if not digests:
        return set()
    marks = ",".join("?" * len(digests))
    return {row[0] for row in desk.execute(
        f"SELECT digest FROM tm_imported WHERE digest IN ({marks})", list(digests)).fetchall()}


def new_imported_ids(desk: Any, count: int) -> list[int]:
    """``count`` fresh ids for ``tm_imported`` (inside the caller's write transaction)."""
    if count <= 0:
        return []
    if desk.engine == "postgresql":
        rows = desk.execute(
            "SELECT nextval(pg_get_serial_sequence('tm_imported', 'id'))"
            " FROM generate_series(1, ?)", [count]).fetchall()
        return [row[0] for row in rows]
    row = desk.execute("SELECT coalesce(max(id), 0) FROM tm_imported").fetchone()
    return list(range(row[0] + 1, row[0] + 1 + count))


def add_imported(desk: Any, units: Iterable[tuple[int, str, dict[str, str]]], name: str,
                 ts: str) -> None:
    """Add imported TMX units ``(id, digest, {lang: text})`` to ``tm_imported``, its
    variants and the memory, in the caller's transaction."""
    units = list(units)
    if not units:
        return
    desk.executemany(
        "INSERT INTO tm_imported (id, digest, file, imported_at) VALUES (?, ?, ?, ?)",
        [(tu_id, digest, name, ts) for tu_id, digest, _variants in units])
    desk.executemany(
        "INSERT INTO tm_imported_variants (tu_id, lang, text) VALUES (?, ?, ?)",
        [(tu_id, lang, text) for tu_id, _digest, variants in units
         for lang, text in variants.items()])
    desk.executemany(
        "INSERT INTO tm_memory (key, grp, lang, text) VALUES (?, ?, ?, ?)",
        [(memory_key(-tu_id, lang), -tu_id, lang, text) for tu_id, _digest, variants in units
         for lang, text in variants.items()])


def refresh_statistics(desk: Any) -> None:
    """After a bulk addition, on PostgreSQL: the word counts folded (``fold_word_counts``)
    and the planner's statistics of the memory (so that its index of words is chosen;
    skipped with a notice by the server when the login does not own the table);
    nothing on SQLite."""
    if desk.engine == "postgresql":
        fold_word_counts(desk)
        desk.execute("ANALYZE tm_memory")
