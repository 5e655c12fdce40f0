"""What `export`, `po export` and `po import` read and write, on either engine: the
articles, the units of an article for a catalog, the articles complete in a language.
Translations are written through `store.write_translation` (with its history row),
inside `desk.transaction()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from transdesk.errors import BadInput
from transdesk.i18n import _

ARTICLE_COLUMNS = ("id", "source_lang", "targets", "title", "layout", "encoding", "bom",
                   "source_sha256", "created_at", "updated_at")


def article(desk: Any, article_id: str) -> dict[str, Any]:
    """The article's row (targets as a list), or BadInput naming the unknown id."""
    row = desk.execute(f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = ?",
                       [article_id]).fetchone()
    if row is None:
        raise BadInput(_(
                "unknown article {article_id!r} (see 'transdesk articles')"
            ).format(article_id=article_id))
    found = dict(zip(ARTICLE_COLUMNS, row, strict=True))
    found["targets"] = found["targets"].split(",")
    return found


def article_ids(desk: Any) -> list[str]:
    return [row[0] for row in desk.execute("SELECT id FROM articles ORDER BY id").fetchall()]


def streamed_article_ids(desk: Any) -> Iterator[tuple]:
    """(id,) of every article, by id, read a batch at a time."""
    from transdesk.storage.findings import stream

    return stream(desk, "SELECT id FROM articles ORDER BY id")


def finished_articles(desk: Any, lang: str) -> Iterator[str]:
    """Articles that have `lang` as a target and every live unit translated or approved,
    by id, as they are read."""
    from transdesk.storage.findings import stream

    rows = stream(
        desk,
        "SELECT a.id FROM articles a WHERE (',' || a.targets || ',') LIKE ?"
        " AND NOT EXISTS (SELECT 1 FROM translations t WHERE t.article_id = a.id"
        " AND t.lang = ? AND t.obsolete = 0 AND t.status NOT IN ('translated', 'approved'))"
        " ORDER BY a.id",
        [f"%,{lang},%", lang],
    )
    return (row[0] for row in rows)


def units_for_import(desk: Any, article_id: str, lang: str) -> dict[str, tuple]:
    """key -> (unit id, source, text, status) of an article's live units in `lang`."""
    return {
        key: (unit_id, source, text, status)
        for unit_id, key, source, text, status in desk.execute(
            "SELECT u.id, u.key, u.source, t.text, t.status FROM units u"
            " JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
            " WHERE u.article_id = ? AND u.obsolete = 0",
            [lang, article_id],
        )
    }


@contextmanager
def editors_snapshot(desk: Any) -> Iterator[None]:
    """On PostgreSQL, one consistent snapshot of the desk for an export, and the
    server's word that the login is an editor (exporting is an editor's: a lock a
    login may take only with write rights on `translations`; a translator is refused
    by the server, exit 1 naming the role). On SQLite: nothing to do."""
    if desk.engine != "postgresql":
        yield
        return
    with desk.transaction():
        desk.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        desk.execute("LOCK TABLE translations IN ROW SHARE MODE")
        yield


def editors_only(desk: Any) -> None:
    """Inside a transaction on PostgreSQL: the server's refusal (exit 1 naming the
    editor role) unless the login may write translations, even when nothing would
    change (`po import` of an unchanged file)."""
    if desk.engine == "postgresql":
        desk.execute("LOCK TABLE translations IN ROW EXCLUSIVE MODE")
