"""The MT cache (``mt_cache``): every provider answer, keyed by (provider, source
language, target language, sentence), kept even when a run fails, so a sentence is
never sent twice. ``text`` NULL: the provider could not translate it (``reason``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

CHUNK = 500


def cached(desk: Any, provider: str, source: str, target: str,
           texts: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
    """text -> (answer, reason) of the ``texts`` the cache holds."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for start in range(0, len(texts), CHUNK):
        chunk = list(texts[start : start + CHUNK])
        rows = desk.execute(
            "SELECT source, text, reason FROM mt_cache WHERE provider = ? AND source_lang = ?"
            f" AND target_lang = ? AND source IN ({','.join('?' * len(chunk))})",
            [provider, source, target, *chunk]).fetchall()
        for text, answer, reason in rows:
            found[text] = (answer, reason)
    return found


def remember(desk: Any, rows: Iterable[tuple[str, str, str, str, str | None, str | None]],
             ts: str) -> None:
    """Keep answers ``(provider, source_lang, target_lang, sentence, text, reason)``,
    replacing older ones, in the caller's transaction."""
    stamped = [(*row, ts) for row in rows]
    if stamped:
        desk.executemany(
            "INSERT INTO mt_cache (provider, source_lang, target_lang, source, text, reason,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (provider, source_lang, target_lang, source) DO UPDATE SET"
            " text = excluded.text, reason = excluded.reason, created_at = excluded.created_at",
            stamped)
