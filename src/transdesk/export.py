"""Exporting articles: the source's layout filled with a language's text."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from transdesk import store
from transdesk.article import encode, render
from transdesk.errors import BadInput, Refused

if TYPE_CHECKING:
    from sqlite_utils import Database


def export_article(db: Database, article_id: str, lang: str) -> bytes:
    """The article in `lang`: the original bytes for the source language, else the
    translation in the same layout (refused unless every unit is translated)."""
    article = store.get_article(db, article_id)
    if lang == article["source_lang"]:
        return store.render_source(db, article_id)
    if lang not in article["targets"]:
        raise BadInput(f"{lang} is not a target language of {article_id!r}")
    data = store.article_texts(db, article_id, lang)
    missing = [u["key"] for u in data["units"] if u["status"] not in store.DONE]
    if missing:
        raise Refused(f"{article_id} is not complete in {lang}: missing {', '.join(missing)}")
    text = render(data["layout"], {u["key"]: u["text"] for u in data["units"]})
    return encode(text, "utf-8", bool(article["bom"]) and article["encoding"] == "utf-8")


def write_output(output: str, data: bytes) -> None:
    """Write to stdout (`-`) or atomically to a file (temporary name, then rename)."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
