"""Translation memory: exact and fuzzy lookups, TMX import and export.

The memory is the ``tm_memory`` table (migration m020), kept in step with the
translations by triggers: every ``translated``/``approved`` text, the source of its
unit, and every imported TMX variant.  Rows are grouped (a unit, or an imported TMX
unit); any two languages of a group are a memory pair, so a ru article translated into
uk and en gives ru<->uk, ru<->en and uk<->en memory.

Fuzzy candidates come from the FTS5 index, queried with the sentence's rarest words
(document frequencies from ``tm_vocab``), so a lookup touches a few posting lists and
never scans the memory; rapidfuzz then scores the candidates.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transdesk.db import now, write_transaction
from transdesk.errors import BadInput
from transdesk.languages import LANGUAGES

if TYPE_CHECKING:
    from sqlite_utils import Database

DEFAULT_THRESHOLD = 75.0
LANG_INDEX = {"ru": 0, "uk": 1, "en": 2}
#: Candidates hold any two of the sentence's this many rarest words.
PAIR_WORDS = 4
#: How many candidates are scored with rapidfuzz (at most).
CANDIDATES = 2000
#: Groups kept per distinct remembered sentence (own memory first, newest first).
GROUPS_PER_SOURCE = 3
#: Fuzzy results kept per Memory (per distinct text looked up).
RANKED_CACHE = 50_000
_WORD = re.compile(r"[^\W_]+")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_INLINE_CODE = {"bpt", "ept", "ph", "it", "ut"}  # TMX inline markup holding native code


@dataclass(frozen=True)
class Match:
    """A remembered translation: its source sentence, target text and 0-100 score."""

    source: str
    text: str
    score: float
    group: int  # unit id, or minus an imported TMX unit id

    @property
    def imported(self) -> bool:
        return self.group < 0

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "text": self.text, "score": self.score,
                "imported": self.imported}


def _conn(db: Database | sqlite3.Connection) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def _key(group: int, lang: str) -> int:
    return group * 4 + LANG_INDEX[lang]


class Memory:
    """Lookups for one language pair, with a per-instance cache of word frequencies."""

    def __init__(
        self,
        db: Database | sqlite3.Connection,
        source: str,
        target: str,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.conn = _conn(db)
        self.source, self.target = source, target
        self.threshold = threshold
        self._doc_freq: dict[str, int] = {}
        self._ranked: dict[str, list[Match]] = {}

    def best(self, text: str, exclude_unit: int | None = None) -> Match | None:
        """The exact match, else the best fuzzy match at or above the threshold."""
        exact = self.exact(text, exclude_unit)
        if exact is not None:
            return exact
        fuzzy = self.fuzzy(text, exclude_unit, limit=1)
        return fuzzy[0] if fuzzy else None

    def matches(self, text: str, exclude_unit: int | None = None, limit: int = 5) -> list[Match]:
        """Up to ``limit`` matches, best first (for showing a translator the options)."""
        found = self.fuzzy(text, exclude_unit, limit=limit)
        exact = self.exact(text, exclude_unit)
        if exact is not None:
            found = [exact, *[m for m in found if m.text != exact.text]][:limit]
        return found

    def exact(self, text: str, exclude_unit: int | None = None) -> Match | None:
        # Our own translations first (newest unit first), then imported memory: that is
        # descending key order (key = grp * 4 + language), which the index already holds
        # for equal (lang, prefix), so a sentence remembered a thousand times costs no sort.
        row = self.conn.execute(
            "SELECT m.grp, t.text FROM tm_memory m JOIN tm_memory t ON t.key = m.grp * 4 + ?"
            " WHERE m.lang = ? AND substr(m.text, 1, 40) = substr(?, 1, 40) AND +m.text = ?"
            " AND m.grp != ? ORDER BY m.key DESC LIMIT 1",
            [LANG_INDEX[self.target], self.source, text, text, exclude_unit or 0],
        ).fetchone()
        if row is None:
            return None
        return Match(source=text, text=row[1], score=100.0, group=row[0])

    def fuzzy(self, text: str, exclude_unit: int | None = None, limit: int = 1) -> list[Match]:
        """Fuzzy matches (rapidfuzz ratio >= threshold), best first.

        Candidates come from the FTS5 index (see ``_candidates``); those outside the length
        window the threshold allows are dropped and rapidfuzz scores the distinct ones in
        one call.  Results are kept per text for the Memory's lifetime
        (a draft run meets the same sentence many times).
        """
        ranked = self._ranked.get(text)
        if ranked is None:
            ranked = self._rank(text)
            if len(self._ranked) >= RANKED_CACHE:
                self._ranked.clear()
            self._ranked[text] = ranked
        found: dict[str, Match] = {}
        for match in ranked:
            if match.group != exclude_unit and match.text not in found:
                found[match.text] = match
                if len(found) == limit:
                    break
        return list(found.values())

    def _rank(self, text: str) -> list[Match]:
        """Every candidate at or above the threshold, best first (own memory before
        imported, newest first, at equal score)."""
        from rapidfuzz import fuzz, process

        low, high = length_window(len(text), self.threshold)
        # Per distinct source sentence, its candidate groups (the group may be excluded
        # by the caller, so keep a few, preferred first).
        groups: dict[str, list[tuple[int, str]]] = {}
        for group, source, target in self._candidates(text):
            if low <= len(source) <= high:
                groups.setdefault(source, []).append((group, target))
        if not groups:
            return []
        sources = list(groups)
        scored = process.extract(text, sources, scorer=fuzz.ratio, score_cutoff=self.threshold,
                                 limit=None)
        ranked: list[Match] = []
        for source, score, index in scored:
            score = 100.0 if source == text else min(round(score, 1), 99.9)
            options = sorted(groups[sources[index]], key=lambda g: (g[0] < 0, -abs(g[0])))
            ranked.extend(Match(source=source, text=target, score=score, group=group)
                          for group, target in options[:GROUPS_PER_SOURCE])
        ranked.sort(key=lambda m: (-m.score, m.group < 0))
        return ranked

    def _candidates(self, text: str) -> list[tuple[int, str, str]]:
        """``(group, source, target)`` of remembered sentences holding any two of this
        one's PAIR_WORDS rarest words (an FTS5 query streamed without ranking every hit,
        up to CANDIDATES of them); only groups holding the target language."""
        words = self._rare_words(text)[:PAIR_WORDS]
        if not words:
            return []
        query = _quote(words[0])
        if len(words) > 1:
            pairs = itertools.combinations(words, 2)
            query = " OR ".join(f"({_quote(a)} AND {_quote(b)})" for a, b in pairs)
        return self.conn.execute(
            "SELECT m.grp, m.text, t.text FROM tm_fts f JOIN tm_memory m ON m.key = f.rowid"
            " JOIN tm_memory t ON t.key = m.grp * 4 + ?"
            " WHERE tm_fts MATCH ? AND (f.rowid & 3) = ? LIMIT ?",
            [LANG_INDEX[self.target], query, LANG_INDEX[self.source], CANDIDATES],
        ).fetchall()

    def _rare_words(self, text: str) -> list[str]:
        """The sentence's words the memory knows, rarest first (document frequency)."""
        words = list(dict.fromkeys(w.lower() for w in _WORD.findall(text)))
        unknown = [w for w in words if w not in self._doc_freq]
        if unknown:
            for w in unknown:
                self._doc_freq[w] = 0
            for start in range(0, len(unknown), 500):
                chunk = unknown[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for term, doc in self.conn.execute(
                    f"SELECT term, doc FROM tm_vocab WHERE term IN ({marks})", chunk
                ):
                    self._doc_freq[term] = doc
        return sorted((w for w in words if self._doc_freq[w]), key=lambda w: self._doc_freq[w])


def length_window(length: int, threshold: float) -> tuple[float, float]:
    """The lengths a text may have to score ``threshold`` against one of ``length``.

    rapidfuzz's ratio is ``200 * common / (a + b)`` with ``common <= min(a, b)``, so a
    score of ``t`` needs the shorter text at least ``t / (200 - t)`` of the longer.
    """
    if threshold <= 0:
        return 0.0, math.inf
    slack = 1e-9 * length  # floating point: never drop a text right at the edge
    return (length * threshold / (200 - threshold) - slack,
            length * (200 - threshold) / threshold + slack)


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def find_matches(
    db: Database | sqlite3.Connection,
    text: str,
    source: str,
    target: str,
    *,
    exclude_unit: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
) -> list[Match]:
    """Memory matches for ``text`` (in ``source``) into ``target``, best first."""
    return Memory(db, source, target, threshold).matches(text, exclude_unit, limit)


def memory_size(db: Database | sqlite3.Connection) -> dict[str, int]:
    """Remembered texts: ``{"units": n, "imported": n}`` (groups with two languages)."""
    conn = _conn(db)
    units = conn.execute("SELECT count(DISTINCT grp) FROM tm_memory WHERE grp > 0").fetchone()[0]
    imported = conn.execute("SELECT count(*) FROM tm_imported").fetchone()[0]
    return {"units": units, "imported": imported}


# -- TMX -----------------------------------------------------------------------------


@dataclass
class ImportReport:
    units: int = 0  # translation units imported
    duplicates: int = 0  # already in the memory
    skipped: int = 0  # fewer than two of ru/uk/en

    def as_dict(self) -> dict[str, int]:
        return {"imported": self.units, "duplicates": self.duplicates, "skipped": self.skipped}


def tmx_lang(code: str | None) -> str | None:
    """``ru-RU`` -> ``ru``, ``UK``/``ua`` -> ``uk``; None for languages we do not keep."""
    if not code:
        return None
    lang = code.strip().replace("_", "-").split("-")[0].lower()
    lang = "uk" if lang == "ua" else lang
    return lang if lang in LANGUAGES else None


def _seg_text(seg: ET.Element) -> str:
    """The text of a ``<seg>``, leaving out inline native code (``<bpt>``, ``<ph>``...)."""
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in _INLINE_CODE:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(path: str | Path) -> list[dict[str, str]]:
    """The translation units of a TMX file as ``{lang: text}`` (ru/uk/en only)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise BadInput(f"{path}: not a valid TMX file ({exc})") from None
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    if root.tag != "tmx" or root.find("body") is None:
        raise BadInput(f"{path}: not a TMX file (no <tmx><body>)")
    units = []
    for tu in root.iter("tu"):
        variants: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = tmx_lang(tuv.get(_XML_LANG) or tuv.get("lang"))
            seg = tuv.find("seg")
            if lang is None or seg is None or lang in variants:
                continue
            text = " ".join(_seg_text(seg).split())
            if text:
                variants[lang] = text
        units.append(variants)
    return units


def import_tmx(db: Database, path: str | Path) -> ImportReport:
    """Add the TMX file's units to the imported memory (one transaction; re-import adds
    nothing new)."""
    units = read_tmx(path)
    report = ImportReport()
    ts = now()
    with write_transaction(db) as conn:
        for variants in units:
            if len(variants) < 2:
                report.skipped += 1
                continue
            digest = hashlib.sha256(
                json.dumps(sorted(variants.items()), ensure_ascii=False).encode("utf-8")
            ).hexdigest()
            cursor = conn.execute(
                "INSERT OR IGNORE INTO tm_imported (digest, file, imported_at) VALUES (?, ?, ?)",
                [digest, Path(path).name, ts],
            )
            if not cursor.rowcount:
                report.duplicates += 1
                continue
            tu_id = cursor.lastrowid
            assert tu_id is not None
            conn.executemany(
                "INSERT INTO tm_imported_variants (tu_id, lang, text) VALUES (?, ?, ?)",
                [(tu_id, lang, text) for lang, text in variants.items()],
            )
            conn.executemany(
                "INSERT INTO tm_memory (key, grp, lang, text) VALUES (?, ?, ?, ?)",
                [(_key(-tu_id, lang), -tu_id, lang, text) for lang, text in variants.items()],
            )
            report.units += 1
    return report


def memory_units(
    db: Database, articles: Iterable[str] | None = None
) -> list[tuple[str, str, str, dict[str, str]]]:
    """Every unit with a translated/approved text: ``(article, key, source_lang, {lang:
    text})`` with the source included, in article and position order."""
    wanted = list(articles) if articles is not None else None
    where, params = "", []
    if wanted is not None:
        where = f" AND u.article_id IN ({','.join('?' * len(wanted))})"
        params = wanted
    rows = db.conn.execute(
        "SELECT u.article_id, u.key, a.source_lang, m.lang, m.text FROM tm_memory m"
        " JOIN units u ON u.id = m.grp JOIN articles a ON a.id = u.article_id"
        f" WHERE m.grp > 0{where} ORDER BY u.article_id, u.position, u.id, m.key",
        params,
    ).fetchall()
    out: list[tuple[str, str, str, dict[str, str]]] = []
    for article, key, source_lang, lang, text in rows:
        if not out or out[-1][:2] != (article, key):
            out.append((article, key, source_lang, {}))
        out[-1][3][lang] = text
    return [unit for unit in out if len(unit[3]) >= 2]


def export_tmx(
    db: Database, articles: Iterable[str] | None = None, include_imported: bool = False
) -> tuple[bytes, int]:
    """TMX 1.4 of every translated/approved pair (and imported memory if asked):
    ``(bytes, number of translation units)``."""
    from transdesk import __version__

    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root, "header", creationtool="transdesk", creationtoolversion=__version__,
        segtype="sentence", adminlang="en", srclang="*all*", datatype="plaintext",
        attrib={"o-tmf": "transdesk"},
    )
    body = ET.SubElement(root, "body")
    count = 0

    def add(tuid: str | None, srclang: str | None, variants: dict[str, str]) -> None:
        attrs = {"tuid": tuid} if tuid else {}
        if srclang:
            attrs["srclang"] = srclang
        tu = ET.SubElement(body, "tu", attrs)
        ordered = sorted(variants.items(), key=lambda item: (item[0] != srclang, item[0]))
        for lang, text in ordered:
            tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = text

    for article, key, source_lang, variants in memory_units(db, articles):
        add(f"{article}:{key}", source_lang, variants)
        count += 1
    if include_imported:
        current: tuple[int, dict[str, str]] | None = None
        rows = db.conn.execute(
            "SELECT tu_id, lang, text FROM tm_imported_variants ORDER BY tu_id, lang"
        )
        for tu_id, lang, text in rows:
            if current is None or current[0] != tu_id:
                if current is not None:
                    add(None, None, current[1])
                    count += 1
                current = (tu_id, {})
            current[1][lang] = text
        if current is not None:
            add(None, None, current[1])
            count += 1
    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return data, count
