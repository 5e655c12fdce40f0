"""Translation memory: exact and fuzzy lookups, TMX import and export.

The memory is the ``tm_memory`` table (migration m020), kept in step with the
translations by triggers: every ``translated``/``approved`` text, the source of its
unit, and every imported TMX variant.  Rows are grouped (a unit, or an imported TMX
unit); any two languages of a group are a memory pair, so a ru article translated into
uk and en gives ru<->uk, ru<->en and uk<->en memory.

Fuzzy candidates come from the full-text index (SQLite's FTS5, PostgreSQL's index of
words: ``storage.memory``), queried with the sentence's rarest words (document
frequencies from ``tm_vocab`` / ``tm_words``), so a lookup touches a few posting lists
and never scans the memory, and both engines find the same candidates; rapidfuzz then
scores them.  Many sentences at once
(a draft run: ``Memory.prefetch``) are ranked from a SentenceIndex instead, which reads
the memory's sentences once and selects candidates with word bitmaps.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from transdesk.db import now
from transdesk.languages import LANGUAGES
from transdesk.storage import memory as storage
from transdesk.storage.memory import as_desk
from transdesk.text_safety import refusal

DEFAULT_THRESHOLD = 75.0
#: The loosest candidate query: any two of the sentence's this many rarest words.
PAIR_WORDS = 4
#: The stricter queries use at most this many of the rarest words...
QUERY_WORDS = 6
#: ...holding no more postings than this in all.
QUERY_POSTINGS = 300_000
#: Rows one candidate query yields (at most).
CANDIDATES = 1000
#: Distinct candidate sentences that end the search (else the next, looser query runs).
ENOUGH = 30
#: Groups kept per distinct remembered sentence (own memory first, newest first).
GROUPS_PER_SOURCE = 3
#: Exact lookups kept per Memory (a chunk of a draft run's texts fits: see draft.py).
EXACT_CACHE = 20_000
#: Fuzzy results kept per Memory (per distinct text looked up)...
RANKED_CACHE = 20_000
#: ...each its best this many remembered sentences (a draft wants one; a lookup wanting
#: more than those give ranks the text again): a run's memory stays flat however many
#: candidates its sentences have.
RANKED_KEPT = 4
#: ``Memory.prefetch`` of at least this many texts ranks them from a SentenceIndex...
PREFETCH_MIN = 500
#: ...scoring the sentences that share the most words with a text: at least this many
#: (with every other sentence sharing as many).
BATCH_ENOUGH = 200
#: A SentenceIndex is built only for a memory of at most this many texts in the source
#: language, all the indexes of a draft run together (their size grows with the
#: memory's; beyond, one query per text).
INDEX_MAX = 300_000
#: ...and only when there are at least one text to rank per this many texts to read.
ROWS_PER_TEXT = 100
#: Word bitmaps a SentenceIndex keeps (bytes in all) before it forgets them.
BITMAP_CACHE_BYTES = 64 << 20
_WORD = re.compile(r"[^\W_]+")


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


class _Scored(NamedTuple):
    """A remembered source sentence, its score, and its groups (preferred first)."""

    source: str
    score: float
    groups: list[int]


class Memory:
    """Lookups for one language pair, with a per-instance cache of word frequencies."""

    def __init__(self, db: Any, source: str, target: str,
                 threshold: float = DEFAULT_THRESHOLD,
                 index_budget: list[int] | None = None) -> None:
        self.desk = as_desk(db)
        # rows the SentenceIndexes may still hold: shared by the Memories of one run
        self.index_budget = index_budget if index_budget is not None else [INDEX_MAX]
        self.source, self.target = source, target
        self.threshold = threshold
        self._doc_freq: dict[str, int] = {}
        self._ranked: dict[str, list[_Scored]] = {}
        self._partial: set[str] = set()  # the best only kept (RANKED_KEPT, or a prefetch)
        self._exact: dict[str, list[tuple[int, str]]] = {}
        self._index: SentenceIndex | None = None
        self._target_texts: dict[int, str | None] = {}

    def best(self, text: str, exclude_unit: int | None = None) -> Match | None:
        """The exact match, else the best fuzzy match at or above the threshold."""
        exact = self.exact(text, exclude_unit)
        if exact is not None:
            return exact
        fuzzy = self.fuzzy(text, exclude_unit, limit=1)
        return fuzzy[0] if fuzzy else None

    def exact(self, text: str, exclude_unit: int | None = None) -> Match | None:
        """Our own translations first (newest unit first), then imported memory. The
        two first are kept per text (a draft run meets a sentence many times; one of
        them may be the unit being drafted)."""
        found = self._exact.get(text)
        if found is None:
            if len(self._exact) >= EXACT_CACHE:
                self._exact.clear()
            found = self._exact[text] = storage.exact_matches(
                self.desk, self.source, self.target, text, limit=2)
        for group, target in found:  # (one row per group: two cannot both be excluded)
            if group != (exclude_unit or 0):
                return Match(source=text, text=target, score=100.0, group=group)
        return None

    def prefetch_exact(self, texts: Iterable[str]) -> None:
        """Look up the exact matches of many texts at once (a query per few hundred
        instead of one each: a round trip each on PostgreSQL), for ``exact``."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._exact][:EXACT_CACHE]
        if not todo:
            return
        if len(self._exact) + len(todo) > EXACT_CACHE:
            self._exact.clear()
        found = storage.exact_matches_many(self.desk, self.source, self.target, todo)
        for text in todo:
            self._exact[text] = found.get(text, [])

    def fuzzy(self, text: str, exclude_unit: int | None = None, limit: int = 1) -> list[Match]:
        """Fuzzy matches (rapidfuzz ratio >= threshold), best first.

        The distinct candidate sentences (see ``_candidates``, or ``prefetch``) are
        scored in one rapidfuzz call and kept per text for the Memory's lifetime (a draft
        run meets the same sentence many times); target texts are read only for the few
        matches returned.
        """
        ranked = self._ranked.get(text)
        whole = ranked is None
        if ranked is None:
            ranked = self._rank(text)
            self._remember(text, ranked)
        found = self._matches(ranked, exclude_unit, limit)
        if len(found) < limit and not whole and text in self._partial:
            # only the best sentences were kept: rank this text in full
            ranked = self._rank(text)
            self._remember(text, ranked)
            found = self._matches(ranked, exclude_unit, limit)
        return found

    def _matches(self, ranked: list[_Scored], exclude_unit: int | None,
                 limit: int) -> list[Match]:
        found: dict[str, Match] = {}
        for source, score, groups in ranked:
            preferred = sorted((g for g in groups if g != exclude_unit), key=_preference)
            for group, target in self._targets(preferred):
                if target not in found:
                    found[target] = Match(source=source, text=target, score=score, group=group)
                    if len(found) == limit:
                        return list(found.values())
        return list(found.values())

    def prefetch(self, texts: Iterable[str], index_from: int | None = None) -> None:
        """Rank the fuzzy candidates of many texts at once (a draft run's sentences
        without an exact match), so that ``fuzzy`` answers them from the cache.

        From ``index_from`` (default PREFETCH_MIN) texts on, the memory's sentences are
        read once into a SentenceIndex (kept for the Memory's lifetime, when the memory
        holds at most INDEX_MAX texts, its size growing with the memory's, and at most
        ROWS_PER_TEXT per text to rank), which selects
        every text's candidates without a query; fewer texts are left to ``fuzzy``
        (full-text queries, one text at a time).
        """
        todo = [t for t in dict.fromkeys(texts) if t not in self._ranked][:RANKED_CACHE]
        if not todo:
            return
        if self._index is None:
            if len(todo) < (PREFETCH_MIN if index_from is None else index_from):
                return
            rows = storage.count_with_target(self.desk, self.source)
            if rows > min(INDEX_MAX, self.index_budget[0]) or (
                    index_from is None and len(todo) * ROWS_PER_TEXT < rows):
                return  # too big to hold, or more to read than the texts are worth
            self.index_budget[0] -= rows
            self._index = SentenceIndex(self.desk, self.source, self.target)
        wanted: list[int] = []
        for text in todo:
            ranked = self._index.ranked(text, self.threshold)
            self._remember(text, ranked)
            if ranked:  # (none: no sentence of the memory scores the threshold)
                self._partial.add(text)
                wanted += sorted(ranked[0].groups, key=_preference)[:GROUPS_PER_SOURCE + 1]
        self._read_targets(wanted[:RANKED_CACHE])  # a query per 500, not one per text

    def _remember(self, text: str, ranked: list[_Scored]) -> None:
        if len(self._ranked) >= RANKED_CACHE:
            self._ranked.clear()
            self._partial.clear()
        if len(ranked) > RANKED_KEPT:
            ranked = ranked[:RANKED_KEPT]
            self._partial.add(text)
        self._ranked[text] = ranked

    def _targets(self, groups: list[int]) -> list[tuple[int, str]]:
        """``(group, target text)`` of up to GROUPS_PER_SOURCE of ``groups`` (preferred
        first) holding the target language."""
        out: list[tuple[int, str]] = []
        known = self._target_texts
        for start in range(0, len(groups), 50):  # a sentence may be remembered 1000 times
            chunk = groups[start : start + 50]
            self._read_targets(chunk)
            out.extend((g, text) for g in chunk if (text := known.get(g)) is not None)
            if len(out) >= GROUPS_PER_SOURCE:
                break
        return out[:GROUPS_PER_SOURCE]

    def _read_targets(self, groups: list[int]) -> None:
        """Read (and keep) the target texts of those of ``groups`` not read yet."""
        known = self._target_texts
        unknown = [g for g in dict.fromkeys(groups) if g not in known]
        if not unknown:
            return
        if len(known) + len(unknown) > RANKED_CACHE:
            known.clear()
        for start in range(0, len(unknown), 500):
            chunk = unknown[start : start + 500]
            texts = storage.target_texts(self.desk, chunk, self.target)
            for group in chunk:
                known[group] = texts.get(group)

    def _rank(self, text: str) -> list[_Scored]:
        groups = self._candidates(text)
        return _ranked(text, list(groups), groups, self.threshold)

    def _candidates(self, text: str) -> dict[str, list[int]]:
        """Remembered sentences (in the source language, inside the length window) that
        may score the threshold: ``{source: [group, ...]}``.

        Generated and newsroom sentences share templates, so any few of a sentence's
        words may be held by thousands of others; the full-text queries (``_queries``:
        SQLite's FTS5 index, PostgreSQL's index of words, which split texts alike) go
        from strict to loose, and the first that yields ENOUGH distinct sentences ends
        the search. Each yields its first CANDIDATES rows in key order (no ranking), so
        both engines find the same candidates.
        """
        low, high = length_window(len(text), self.threshold)
        found: dict[str, list[int]] = {}
        seen: set[int] = set()
        batches = (storage.fts_candidates(self.desk, query, self.source, low, high, CANDIDATES)
                   for query in self._queries(text))
        for rows in batches:
            for key, group, source in rows:
                if key not in seen:
                    seen.add(key)
                    found.setdefault(source, []).append(group)
            if len(found) >= ENOUGH:
                break
        return found

    def _queries(self, text: str) -> list[list[list[str]]]:
        """Full-text queries for candidates, strictest first: each a list of groups of
        words, matched by a text holding every word of one of the groups.

        The sentence's rarest words, one per document frequency (words always found
        together, a template's, share theirs: a second one costs and selects nothing),
        at most QUERY_WORDS of them and no more than QUERY_POSTINGS postings in all (a
        posting list's length is what a query costs), are dealt round-robin into three
        groups: a sentence lacking at most one of the words holds all of two groups;
        then into four: lacking at most two.  Last, the loosest: any two of the
        PAIR_WORDS rarest words.
        """
        rare = self._rare_words(text)
        if not rare:
            return []
        words: list[str] = []
        postings = 0
        for word in rare:
            if words and self._doc_freq[word] == self._doc_freq[words[-1]]:
                continue
            postings += self._doc_freq[word]
            if len(words) == QUERY_WORDS or (postings > QUERY_POSTINGS and len(words) >= 3):
                break
            words.append(word)
        queries = []
        for parts in (3, 4):
            if len(words) > parts:
                dealt = [words[i::parts] for i in range(parts)]
                queries.append([first + second
                                for first, second in itertools.combinations(dealt, 2)])
        pairs = rare[:PAIR_WORDS]
        if len(pairs) == 1:
            queries.append([pairs])
        else:
            queries.append([[a, b] for a, b in itertools.combinations(pairs, 2)])
        return queries

    def _rare_words(self, text: str) -> list[str]:
        """The sentence's words the memory knows, rarest first (document frequency)."""
        words = list(dict.fromkeys(w.lower() for w in _WORD.findall(text)))
        unknown = [w for w in words if w not in self._doc_freq]
        if unknown:
            for w in unknown:
                self._doc_freq[w] = 0
            self._doc_freq.update(storage.document_frequencies(self.desk, unknown))
        return sorted((w for w in words if self._doc_freq[w]), key=lambda w: self._doc_freq[w])


def _preference(group: int) -> tuple[bool, int]:
    """Sort key of a sentence's groups: own memory first, newest first."""
    return group < 0, -abs(group)


def _ranked(text: str, sources: list[str], groups: dict[str, list[int]],
            threshold: float, keep: int | None = None) -> list[_Scored]:
    """The candidate ``sources`` scoring at least ``threshold`` (the best ``keep`` if
    given: candidates that all hold the target language), best first (own memory
    before imported at equal score), with their ``groups``."""
    from rapidfuzz import fuzz, process

    if not sources:
        return []
    scored = process.extract(text, sources, scorer=fuzz.ratio, score_cutoff=threshold,
                             limit=None)  # best first
    if keep is not None and len(scored) > keep:  # and ties with the last one kept
        last = round(scored[keep - 1][1], 1)
        scored = list(itertools.takewhile(lambda s: round(s[1], 1) >= last, scored))
    ranked = [
        _Scored(source, 100.0 if source == text else min(round(score, 1), 99.9),
                groups[source])
        for source, score, _index in scored
    ]
    ranked.sort(key=lambda r: (-r.score, max(r.groups) < 0))
    return ranked[:keep]


class SentenceIndex:
    """The memory's sentences in one language that have a translation into another,
    held in memory for ranking many texts at once (``Memory.prefetch``).

    Sentences are numbered by length, so a length window is a range of bits; each
    word's sentences are a bitmap (a Python int, built on first use), so counting, for
    every sentence of the window at once, how many of a text's words it holds is a few
    ANDs and XORs of bitmaps, however common the words.  The sentences sharing the most
    words are all scored (no row limit, no choice among equals, unlike the FTS5 path,
    which streams the first rows of its queries): measured against a brute-force scan
    and msgmerge in bench/bench_memory.py.
    """

    def __init__(self, db: Any, source: str, target: str) -> None:
        groups: dict[str, list[int]] = {}
        for group, text in storage.iter_with_target(as_desk(db), source, target):
            groups.setdefault(text, []).append(group)
        self.groups = groups
        self.texts = sorted(groups, key=len)
        self.lengths = [len(text) for text in self.texts]
        self.postings: dict[str, array[int]] = {}  # 4 bytes a posting, not an int object
        for number, text in enumerate(self.texts):
            for word in set(_WORD.findall(text.lower())):
                numbers = self.postings.get(word)
                if numbers is None:
                    numbers = self.postings[word] = array("i")
                numbers.append(number)
        self._bitmaps: dict[str, int] = {}
        self._bitmap_bytes = 0

    def _window(self, text: str, threshold: float) -> tuple[int, int]:
        low, high = length_window(len(text), threshold)
        return bisect_left(self.lengths, low), bisect_right(self.lengths, high)

    def candidates(self, text: str, threshold: float) -> list[str]:
        """The sentences inside the length window sharing the most words with ``text``
        (``_most_shared``)."""
        first, last = self._window(text, threshold)
        if first >= last:
            return []
        window = ((1 << (last - first)) - 1) << first
        words = {w.lower() for w in _WORD.findall(text)} & self.postings.keys()
        return self._texts(self._most_shared(words, window)[1], first)

    def ranked(self, text: str, threshold: float) -> list[_Scored]:
        """The best of ``candidates`` (those at the best score, to 0.1), as ``_ranked``
        orders them, scoring fewer: the sentences sharing the most words are scored
        first, and their best score narrows the length window of the rest."""
        from rapidfuzz import fuzz, process

        first, last = self._window(text, threshold)
        if first >= last:
            return []
        window = ((1 << (last - first)) - 1) << first
        words = {w.lower() for w in _WORD.findall(text)} & self.postings.keys()
        top, selected = self._most_shared(words, window)
        best = process.extractOne(text, self._texts(top, first), scorer=fuzz.ratio,
                                  score_cutoff=threshold)
        cutoff = threshold
        if best is not None:
            # ties to 0.1 with the best: at least its rounded score less half a tenth
            cutoff = max(threshold, round(best[1], 1) - 0.05 - 1e-9)
            first, last = self._window(text, cutoff)
            selected &= ((1 << (last - first)) - 1) << first
        return _ranked(text, self._texts(selected, first), self.groups, cutoff)

    def _texts(self, found: int, first: int) -> list[str]:
        """The sentences of the set bits of ``found`` (none below bit ``first``), in
        number (length) order."""
        bits = bin(found >> first)[:1:-1]  # bit i of the window is character i
        texts, out = self.texts, []
        position = bits.find("1")
        while position >= 0:
            out.append(texts[first + position])
            position = bits.find("1", position + 1)
        return out

    def _most_shared(self, words: set[str], window: int) -> tuple[int, int]:
        """The sentences of ``window`` sharing the most of ``words``: those sharing the
        highest count, and every sentence sharing at least ``c`` of them, ``c`` the
        highest count that selects BATCH_ENOUGH sentences (or 1).  Counts are
        bit-sliced: ``planes[k]`` holds bit ``k`` of each sentence's count."""
        planes: list[int] = []
        for word in words:
            carry = window & self._bitmap(word)
            for k, plane in enumerate(planes):
                if not carry:
                    break
                planes[k], carry = plane ^ carry, plane & carry
            if carry:
                planes.append(carry)
        selected = top = 0
        for count in range(min(len(words), (1 << len(planes)) - 1), 0, -1):
            greater, equal = 0, window
            for k in range(len(planes) - 1, -1, -1):
                if count >> k & 1:
                    equal &= planes[k]
                else:
                    greater |= equal & planes[k]
            selected = greater | equal
            top = top or selected
            if selected.bit_count() >= BATCH_ENOUGH:
                break
        return top, selected

    def _bitmap(self, word: str) -> int:
        bitmap = self._bitmaps.get(word)
        if bitmap is None:
            bits = bytearray(len(self.texts) // 8 + 1)
            for number in self.postings[word]:
                bits[number >> 3] |= 1 << (number & 7)
            if self._bitmap_bytes + len(bits) > BITMAP_CACHE_BYTES:
                self._bitmaps.clear()
                self._bitmap_bytes = 0
            bitmap = self._bitmaps[word] = int.from_bytes(bits, "little")
            self._bitmap_bytes += len(bits)
        return bitmap


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


# -- TMX -----------------------------------------------------------------------------


@dataclass
class ImportReport:
    imported: int = 0  # translation units imported
    duplicates: int = 0  # already in the memory
    skipped: int = 0  # fewer than two of ru/uk/en

    def as_dict(self) -> dict[str, int]:
        return {"imported": self.imported, "duplicates": self.duplicates, "skipped": self.skipped}


def tmx_lang(code: str | None) -> str | None:
    """``ru-RU`` -> ``ru``, ``UK``/``ua`` -> ``uk``; None for languages we do not keep."""
    if not code:
        return None
    lang = code.strip().replace("_", "-").split("-")[0].lower()
    lang = "uk" if lang == "ua" else lang
    return lang if lang in LANGUAGES else None


def tmx_units(path: str | Path) -> Iterator[dict[str, str]]:
    """The translation units of a TMX file as ``{lang: text}`` (ru/uk/en only; the
    first variant of a language; whitespace runs made one space), streamed."""
    from transdesk.tmx import iter_tmx

    for tu in iter_tmx(path):
        variants: dict[str, str] = {}
        for code, raw in tu:
            lang = tmx_lang(code)
            if lang is None or lang in variants:
                continue
            text = " ".join(raw.split())
            if text and refusal(text) is None:  # a control character: not memory
                variants[lang] = text
        yield variants


def read_tmx(path: str | Path) -> list[dict[str, str]]:
    """All the units of a TMX file (`tmx_units`) in a list."""
    return list(tmx_units(path))


def import_tmx(db: Any, path: str | Path) -> ImportReport:
    """Add one TMX file's units to the imported memory (`import_tmx_files`)."""
    return import_tmx_files(db, [path])[0]


def import_tmx_files(db: Any, paths: Iterable[str | Path]) -> list[ImportReport]:
    """Add the TMX files' units to the imported memory: every file is read through
    first (a malformed one changes nothing), then all are added in one transaction;
    re-import adds nothing new. Files are streamed twice rather than held in memory,
    and written IMPORT_BATCH units at a time. ``db``: a desk or a SQLite Database."""
    desk = as_desk(db)
    paths = list(paths)
    for path in paths:
        for _unit in tmx_units(path):
            pass
    ts = now()
    with desk.transaction():
        storage.lock_imported(desk)
        reports = [_add_units(desk, Path(path).name, tmx_units(path), ts) for path in paths]
    storage.refresh_statistics(desk)
    return reports


#: TMX units written to the database at a time by `tm import`.
IMPORT_BATCH = 500


def _add_units(desk: Any, name: str, units: Iterable[dict[str, str]], ts: str) -> ImportReport:
    report = ImportReport()
    batch: dict[str, dict[str, str]] = {}

    def flush() -> None:
        known = storage.known_digests(desk, list(batch))
        new = [(digest, variants) for digest, variants in batch.items() if digest not in known]
        report.duplicates += len(batch) - len(new)
        ids = storage.new_imported_ids(desk, len(new))
        storage.add_imported(desk, [(tu_id, digest, variants) for tu_id, (digest, variants)
                                    in zip(ids, new, strict=True)], name, ts)
        report.imported += len(new)
        batch.clear()

    for variants in units:
        if len(variants) < 2:
            report.skipped += 1
            continue
        digest = hashlib.sha256(
            json.dumps(sorted(variants.items()), ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        if digest in batch:
            report.duplicates += 1
            continue
        batch[digest] = variants
        if len(batch) >= IMPORT_BATCH:
            flush()
    flush()
    return report


def iter_memory_units(
    db: Any, articles: Iterable[str] | None = None
) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """Every unit with a translated/approved text: ``(article, key, source_lang, {lang:
    text})`` with the source included, in article and position order, streamed."""
    wanted = list(articles) if articles is not None else None
    current: tuple[str, str, str, dict[str, str]] | None = None
    for article, key, source_lang, lang, text in storage.iter_done_units(as_desk(db), wanted):
        if current is None or current[:2] != (article, key):
            if current is not None and len(current[3]) >= 2:
                yield current
            current = (article, key, source_lang, {})
        current[3][lang] = text
    if current is not None and len(current[3]) >= 2:
        yield current


def memory_units(
    db: Any, articles: Iterable[str] | None = None
) -> list[tuple[str, str, str, dict[str, str]]]:
    """`iter_memory_units` in a list."""
    return list(iter_memory_units(db, articles))


class MemoryTmx:
    """The TMX 1.4 of every translated/approved pair (and imported memory if asked),
    written a translation unit at a time: iterate for its bytes (flat memory whatever
    the desk's size); `units` counts the translation units written so far."""

    def __init__(self, db: Any, articles: Iterable[str] | None = None,
                 include_imported: bool = False) -> None:
        self.desk = as_desk(db)
        self.articles = list(articles) if articles is not None else None
        self.include_imported = include_imported
        self.units = 0

    def __iter__(self) -> Iterator[bytes]:
        from transdesk.tmx import tmx_chunks

        return tmx_chunks(self._units(), "*all*")

    def _units(self) -> Iterator[Any]:
        from transdesk.tmx import TranslationUnit

        for article, key, source_lang, variants in iter_memory_units(self.desk, self.articles):
            ordered = sorted(variants.items(), key=lambda item: (item[0] != source_lang, item[0]))
            self.units += 1
            yield TranslationUnit(dict(ordered), tuid=f"{article}:{key}", srclang=source_lang)
        if self.include_imported:
            rows = storage.iter_imported(self.desk)
            for _tu_id, group in itertools.groupby(rows, key=lambda row: row[0]):
                self.units += 1
                variants = {lang: text for _id, lang, text in group}
                yield TranslationUnit(dict(sorted(variants.items())))
