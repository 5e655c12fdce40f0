"""Helpers for export/po/html tests: translations written through the real library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from transdesk import storage, store


def translate(
    db_path: Path | str,
    article: str,
    lang: str,
    text: Callable[[str, str], str | None] | None = None,
    status: str | Callable[[str], str] = "translated",
    translator: str = "olena",
    origin: str = "human",
    keys: set[str] | None = None,
    ts: str | None = None,
) -> int:
    """Write a translation for every live unit (or `keys`); returns how many.

    `text(key, source)` gives the text (default `[lang] source`); None skips the unit.
    """
    desk = storage.open(db_path)
    try:
        units = desk.execute(
            "SELECT id, key, source FROM units WHERE article_id = ? AND obsolete = 0"
            " ORDER BY position",
            [article],
        ).fetchall()
        count = 0
        with desk.transaction():
            for unit_id, key, source in units:
                if keys is not None and key not in keys:
                    continue
                value = text(key, source) if text else f"[{lang}] {source}"
                if value is None:
                    continue
                st = status(key) if callable(status) else status
                store.write_translation(desk, unit_id, lang, text=value, status=st,
                                        origin=origin, translator=translator, ts=ts)
                count += 1
        return count
    finally:
        desk.close()


def source_lang_of(name: str) -> str:
    return name.split("-")[0]


def targets_of(name: str) -> list[str]:
    return [lang for lang in ("ru", "uk", "en") if lang != source_lang_of(name)]
