"""One SQL text for both engines: `?` placeholders, as the SQLite code writes them.

psycopg takes `%s`; `to_pyformat` turns each `?` outside quoted literals and identifiers
into `%s` and doubles every `%` elsewhere, so a statement written once runs on either
engine through `desk.execute`. It does not make SQLite's dialect portable: what differs
(`INSERT OR REPLACE`, `INDEXED BY`, `SUM(a <= b)`, `CROSS JOIN ... ON`, FTS5 `MATCH`,
`rowid`) still needs a statement per engine.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=512)
def to_pyformat(statement: str) -> str:
    """`?` → `%s` and `%` → `%%`, except inside '...' literals and "..." identifiers
    (where `%` is doubled all the same: psycopg reads the whole text)."""
    out: list[str] = []
    quote: str | None = None
    for char in statement:
        if quote is not None:
            if char == quote:
                quote = None
            out.append("%%" if char == "%" else char)
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)
