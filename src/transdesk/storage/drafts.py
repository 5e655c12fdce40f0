"""What `draft` reads and writes: the articles translated into a language, their
untranslated units, and the drafts themselves, a batch at a time (the rules — the
guard, the history rows — are `store.write_drafts`'s)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


def count_untranslated(desk: Any, lang: str, articles: Sequence[str]) -> int:
    total = 0
    for start in range(0, len(articles), CHUNK):
        chunk = list(articles[start : start + CHUNK])
        row = desk.execute(
            "SELECT count(*) FROM translations WHERE lang = ? AND status = 'untranslated'"
            f" AND obsolete = 0 AND article_id IN ({','.join('?' * len(chunk))})",
            [lang, *chunk]).fetchone()
        total += int(row[0])
    return total


def iter_untranslated(desk: Any, lang: str, articles: Sequence[str], limit: int | None = None,
                      chunk: int = CHUNK) -> Iterator[list[tuple[int, str, str, str, str, str]]]:
    """The live untranslated units in ``lang`` of ``articles`` (in this order; give
    them sorted), ``(id, article, key, kind, source, source_lang)`` in article and
    position order, a list per ``chunk`` articles; at most ``limit`` units in all."""
    left = limit
    for start in range(0, len(articles), chunk):
        if left is not None and left <= 0:
            return
        ids = list(articles[start : start + chunk])
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
    lock = " FOR UPDATE" if desk.engine == "postgresql" else ""
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(unit_ids), CHUNK):
        chunk = list(unit_ids[start : start + CHUNK])
        for row in desk.execute(
                "SELECT unit_id, text, status, origin, score FROM translations"
                " WHERE lang = ? AND status = 'untranslated'"
                f" AND unit_id IN ({','.join('?' * len(chunk))}){lock}",
                [lang, *chunk]).fetchall():
            found[row[0]] = tuple(row[1:])
    return found


def write_drafts(desk: Any,
                 rows: Sequence[tuple[str, str | None, float | None, str, int, str]]) -> None:
    """Set drafts ``(text, origin, score, updated_at, unit_id, lang)``, one statement
    batch for all (pipelined by psycopg on PostgreSQL: one round trip), each only where
    its row is still untranslated."""
    if rows:
        desk.executemany(
            "UPDATE translations SET text = ?, status = 'draft', origin = ?, score = ?,"
            " translator = NULL, updated_at = ?"
            " WHERE unit_id = ? AND lang = ? AND status = 'untranslated'", rows)


def source_langs(desk: Any, lang: str, articles: Sequence[str]) -> set[str]:
    """The source languages of those of ``articles`` with untranslated units in ``lang``."""
    found: set[str] = set()
    for start in range(0, len(articles), CHUNK):
        chunk = list(articles[start : start + CHUNK])
        found.update(row[0] for row in desk.execute(
            "SELECT DISTINCT a.source_lang FROM articles a WHERE a.id IN"
            f" ({','.join('?' * len(chunk))}) AND EXISTS (SELECT 1 FROM translations t"
            " WHERE t.article_id = a.id AND t.lang = ? AND t.status = 'untranslated'"
            " AND t.obsolete = 0)", [*chunk, lang]).fetchall())
    return found
