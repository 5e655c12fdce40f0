"""The gettext catalog model: one article in one language (or the template) with its
entries. It knows nothing of files (pofile.py reads and writes them) nor of the
database (po.py builds catalogs from it and applies them back), as Babel's
catalog.py / pofile.py / mofile.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

ARTICLE_HEADER = "X-Transdesk-Article"
SOURCE_LANG_HEADER = "X-Transdesk-Source-Language"
HASH_PREFIX = "transdesk-hash: "
ACCEPT_FLAG_PREFIX = "accept-"  # `#, accept-quotes`: the `quotes` finding is accepted


def state_hash(status: str, text: str | None) -> str:
    """SHA-1 of a translation's status and text: what the exporter saw."""
    return hashlib.sha1(f"{status}\n{text or ''}".encode()).hexdigest()


@dataclass
class CatalogEntry:
    key: str
    source: str
    text: str | None = None
    status: str = "untranslated"
    origin: str | None = None
    translator: str | None = None
    accepted: tuple[str, ...] = ()  # checks whose finding is accepted for this text
    # What a file read says besides (pofile.py): its flags, the line of its msgid, and
    # the `transdesk-hash` comment `po export` wrote.
    flags: tuple[str, ...] = ()
    line: int | None = None
    exported_hash: str | None = None
    # A plural entry read for checking: (msgid_plural, msgstr[n]) of each form after the
    # first (the first is source/text), every one of them to be checked like `text`.
    plural_forms: tuple[tuple[str, str], ...] = ()

    @property
    def fuzzy(self) -> bool:
        return self.status == "draft" and bool(self.text)

    @property
    def msgstr(self) -> str:
        return self.text or "" if self.status != "untranslated" else ""


@dataclass
class Catalog:
    """One article in one language (`lang` None: the POT template)."""

    article_id: str
    source_lang: str
    lang: str | None
    title: str
    header: dict[str, str]
    entries: list[CatalogEntry]
    path: Path | None = None  # the file it was read from
