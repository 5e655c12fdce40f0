"""What `draft` reads and writes: the articles translated into a language, their
untranslated units, and the drafts themselves, a batch at a time (the rules — the
guard, the history rows — are `store.write_drafts`'s)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from transdesk.errors import BadInput
from transdesk.i18n import _

CHUNK = 500


def article_targets(desk: Any, articles: Sequence[str] | None) -> dict[str, list[str]]:
    """article id -> its target languages: every article (by id), or ``articles`` in
    their order (BadInput naming the first unknown one)."""
    if articles is None:
        rows = desk.execute("SELECT id, targets FROM articles ORDER BY id").fetchall()
        return {row[0]: row[1].split(",") for row in rows}
    wanted = list(dict.fromkeys(articles))
    found: dict[str, list[str]] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for row in desk.execute(
                f"SELECT id, targets FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                chunk).fetchall():
            found[row[0]] = row[1].split(",")
    for article_id in wanted:
        if article_id not in found:
            raise BadInput(_("unknown article {article_id!r} (see 'transdesk articles')")
                           .format(article_id=article_id))
    return {article_id: found[article_id] for article_id in wanted}


def iter_article_chunks(desk: Any, lang: str, chunk: int = CHUNK) -> Iterator[list[str]]:
    """The ids of every article translated into ``lang``, in id order, ``chunk``
    articles at a time (keyset pages of ``articles``: the whole list is never held)."""
    last: str | None = None
    while True:
        after, params = ("", [chunk]) if last is None else (" WHERE id > ?", [last, chunk])
        rows = desk.execute(f"SELECT id, targets FROM articles{after} ORDER BY id LIMIT ?",
                            params).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        ids = [row[0] for row in rows if lang in row[1].split(",")]
        if ids:
            yield ids


def untranslated_by_source(desk: Any, lang: str, articles: Sequence[str]) -> dict[str, int]:
    """source language -> how many live untranslated units in ``lang`` ``articles``
    (at most CHUNK of them) hold."""
    rows = desk.execute(
        "SELECT a.source_lang, count(*) FROM translations t JOIN articles a"
        " ON a.id = t.article_id WHERE t.lang = ? AND t.status = 'untranslated'"
        f" AND t.obsolete = 0 AND t.article_id IN ({','.join('?' * len(articles))})"
        " GROUP BY a.source_lang", [lang, *articles]).fetchall()
    return {row[0]: int(row[1]) for row in rows}


def iter_untranslated(desk: Any, lang: str, chunks: Iterable[Sequence[str]],
                      limit: int | None = None
                      ) -> Iterator[list[tuple[int, str, str, str, str, str]]]:
    """The live untranslated units in ``lang`` of the articles of ``chunks`` (lists of
    at most CHUNK ids, each sorted), ``(id, article, key, kind, source, source_lang)``
    in article and position order, a list per chunk; at most ``limit`` units in all."""
    left = limit
    for ids in chunks:
        if left is not None and left <= 0:
            return
        sql = ("SELECT u.id, u.article_id, u.key, u.kind, u.source, a.source_lang"
               " FROM translations t JOIN units u ON u.id = t.unit_id"
               " JOIN articles a ON a.id = t.article_id"
               " WHERE t.lang = ? AND t.status = 'untranslated' AND t.obsolete = 0"
               f" AND t.article_id IN ({','.join('?' * len(ids))})"
               " ORDER BY t.article_id, t.position")
        params: list[Any] = [lang, *ids]
        if left is not None:
            sql += " LIMIT ?"
            params.append(left)
        rows = [tuple(row) for row in desk.execute(sql, params).fetchall()]
        if left is not None:
            left -= len(rows)
        if rows:
            yield rows  # type: ignore[misc]


def lock_untranslated(desk: Any, lang: str, unit_ids: Sequence[int]
                      ) -> dict[int, tuple[Any, ...]]:
    """unit id -> ``(text, status, origin, score)`` of those of ``unit_ids`` still
    untranslated in ``lang``, inside the caller's write transaction (a translator may
    have submitted meanwhile).  PostgreSQL locks those rows until the transaction ends
    (``FOR UPDATE``: a translator's submit waits, then finds the draft); SQLite's write
    transaction already holds the whole database."""
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(unit_ids), CHUNK):
        chunk = list(unit_ids[start : start + CHUNK])
        if desk.engine == "postgresql":
            rows = desk.execute(
                "SELECT unit_id, text, status, origin, score FROM translations"
                " WHERE lang = ? AND status = 'untranslated' AND unit_id = ANY(?::bigint[])"
                " FOR UPDATE", [lang, chunk]).fetchall()
        else:
            rows = desk.execute(
                "SELECT unit_id, text, status, origin, score FROM translations"
                " WHERE lang = ? AND status = 'untranslated'"
                f" AND unit_id IN ({','.join('?' * len(chunk))})", [lang, *chunk]).fetchall()
        for row in rows:
            found[row[0]] = tuple(row[1:])
    return found


#: A draft to write: ``(unit_id, text, origin, score, note)``, and the row it replaces:
#: ``(text, status, origin, score)``.
DraftRow = tuple[int, str, "str | None", "float | None", "str | None"]


def write_drafts(desk: Any, lang: str, ts: str,
                 drafts: Sequence[tuple[DraftRow, tuple[Any, ...]]]) -> None:
    """Set the drafts (each only where its row is still untranslated) and add their
    history rows (``action`` draft, no translator, in ``drafts`` order), in the
    caller's transaction.  PostgreSQL: one set-based UPDATE and one INSERT from arrays
    (two round trips, one plan each); SQLite: a statement batch each."""
    if not drafts:
        return
    if desk.engine == "postgresql":
        _write_drafts_postgres(desk, lang, ts, drafts)
        return
    from transdesk.storage import history

    desk.executemany(
        "UPDATE translations SET text = ?, status = 'draft', origin = ?, score = ?,"
        " translator = NULL, updated_at = ?"
        " WHERE unit_id = ? AND lang = ? AND status = 'untranslated'",
        [(text, origin, score, ts, unit_id, lang)
         for (unit_id, text, origin, score, _note), _old in drafts])
    history.insert_many(desk, [
        (unit_id, lang, ts, None, origin, "draft", old[0], text, old[1], "draft", note, score,
         old[2], old[3], None)
        for (unit_id, text, origin, score, note), old in drafts])


def _write_drafts_postgres(desk: Any, lang: str, ts: str,
                           drafts: Sequence[tuple[DraftRow, tuple[Any, ...]]]) -> None:
    columns = list(zip(*(new for new, _old in drafts), strict=True))
    old = list(zip(*(old for _new, old in drafts), strict=True))
    ids, texts, origins, scores, notes = (list(c) for c in columns)
    desk.execute(
        "UPDATE translations t SET text = d.text, status = 'draft', origin = d.origin,"
        " score = d.score, translator = NULL, updated_at = ?"
        " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::float8[])"
        " AS d(unit_id, text, origin, score)"
        " WHERE t.unit_id = d.unit_id AND t.lang = ? AND t.status = 'untranslated'",
        [ts, ids, texts, origins, scores, lang])
    desk.execute(
        "INSERT INTO history (unit_id, lang, at, translator, origin, action, old_text,"
        " new_text, old_status, new_status, note, score, old_origin, old_score, claimed_at)"
        " SELECT d.unit_id, ?, ?, NULL, d.origin, 'draft', d.old_text, d.text, d.old_status,"
        " 'draft', d.note, d.score, d.old_origin, d.old_score, NULL"
        " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::float8[], ?::text[], ?::text[],"
        " ?::text[], ?::text[], ?::float8[]) WITH ORDINALITY"
        " AS d(unit_id, text, origin, score, note, old_text, old_status, old_origin, old_score,"
        " n) ORDER BY d.n",
        [lang, ts, ids, texts, origins, scores, notes, list(old[0]), list(old[1]),
         list(old[2]), list(old[3])])
