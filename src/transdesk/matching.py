"""Which stored unit each sentence of a new version of an article continues, the way
msgmerge pairs a catalog with a new template: headers by key, sentences by identical
text (nearest in position), then by similarity weighed with distance in position.
Pure functions over the stored rows and the parsed units; `importing` writes the result.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transdesk.article import Unit

# Characters a "typo-only" source change may touch without sending translations back.
_TYPO_FOLD = str.maketrans(
    {
        "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
        "‘": "'", "’": "'", "‚": "'", "ʼ": "'", "′": "'",
        "—": "-", "–": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
    }
)
_SPACES = re.compile(r"\s+")
SIMILARITY_THRESHOLD = 65.0  # rapidfuzz ratio; below it a sentence is new, not changed

# a stored unit: id, key, kind, paragraph, position, source (storage.articles.STORED_UNIT)
StoredUnit = Mapping[str, Any]


def only_typography_differs(old: str, new: str) -> bool:
    """True when two sources differ only in whitespace, quote or dash characters."""

    def fold(s: str) -> str:
        return _SPACES.sub(" ", s.translate(_TYPO_FOLD)).strip()

    return old != new and fold(old) == fold(new)


RARE_WORDS = 4  # a changed sentence is looked for among old ones sharing its rarest words
POSTINGS_NEAR = 32  # of a word's old sentences, at most this many nearest in position
WINDOW = 3  # and the old sentences this near its position, whatever their words
CANDIDATES = 8  # of those, the ones sharing the most of the rare words are scored
BEST_PER_SENTENCE = 8  # of its candidates, the best this many compete for it
_INDEX_WORD = re.compile(r"\w+")


def match_units(
    old: Sequence[StoredUnit], new: list[Unit]
) -> tuple[dict[int, StoredUnit], list[int]]:
    """Pair new units (by index) with old unit rows, msgmerge-style.

    Headers pair by key; sentences first by identical text (nearest position), then
    the rest by similarity weighed with distance in position. Returns the pairs and
    the old rows left over (vanished). Near-linear: see `similar_pairs`.
    """
    pairs: dict[int, StoredUnit] = {}
    free_old = {row["id"]: row for row in old}
    by_text: dict[str, list[StoredUnit]] = defaultdict(list)  # in position order
    for row in old:
        if row["kind"] == "sentence":
            by_text[row["source"]].append(row)
    old_by_key = {row["key"]: row for row in old}
    for index, unit in enumerate(new):
        if unit.kind != "sentence":
            header = old_by_key.get(unit.key)
            if header is not None and header["kind"] == unit.kind:
                pairs[index] = header
                del free_old[header["id"]]
            continue
        same = by_text.get(unit.text)
        if same:
            # the nearest in position; on a tie the earlier one
            at = bisect_left(same, index, key=lambda r: r["position"])
            if at == len(same) or (at > 0 and index - same[at - 1]["position"]
                                   <= same[at]["position"] - index):
                at -= 1
            row = same.pop(at)
            pairs[index] = row
            del free_old[row["id"]]
    unpaired_new = [i for i, u in enumerate(new) if i not in pairs and u.kind == "sentence"]
    unpaired_old = [r for r in free_old.values() if r["kind"] == "sentence"]
    if unpaired_new and unpaired_old:
        span = max(len(new), len(old), 1)
        for i, row in similar_pairs(new, unpaired_new, unpaired_old, span):
            if i not in pairs and row["id"] in free_old:
                pairs[i] = row
                del free_old[row["id"]]
    return pairs, list(free_old)


def similar_pairs(
    new: list[Unit], unpaired_new: list[int], unpaired_old: list[StoredUnit], span: int
) -> list[tuple[int, StoredUnit]]:
    """Candidate pairs of a new and an old sentence at least SIMILARITY_THRESHOLD alike,
    best first (similarity less 20 points per article length of distance in position).

    Not all pairs: each new sentence is scored against the CANDIDATES old sentences that
    share the most of its RARE_WORDS rarest words (of a common word, the POSTINGS_NEAR
    nearest in position) and those within WINDOW of its position. A sentence edited so much that it
    keeps none of its rare words and moved is below the threshold anyway, nearly always.
    Each new sentence keeps its BEST_PER_SENTENCE best candidates (all of them taken
    by others first happens only among many near-identical sentences). Ties are broken
    as scoring every pair in order would (new index, then old position).
    """
    import gc
    from collections import Counter

    from rapidfuzz.fuzz import ratio

    old_texts = [row["source"] for row in unpaired_old]
    positions = [row["position"] for row in unpaired_old]  # ascending, like the ranks
    postings: dict[str, list[int]] = defaultdict(list)  # word -> old ranks, ascending
    for rank, text in enumerate(old_texts):
        for word in set(_INDEX_WORD.findall(text.lower())):
            postings[word].append(rank)
    scored: list[tuple[float, int, int]] = []
    frozen = gc.isenabled()
    gc.disable()  # hundreds of thousands of small tuples: no use collecting cycles
    try:
        for i in unpaired_new:
            text = new[i].text
            words = {w for w in _INDEX_WORD.findall(text.lower()) if w in postings}
            shared: Counter[int] = Counter()
            for word in sorted(words, key=lambda w: (len(postings[w]), w))[:RARE_WORDS]:
                ranks = postings[word]
                if len(ranks) > POSTINGS_NEAR:
                    at = bisect_left(ranks, i, key=positions.__getitem__)
                    start = max(0, min(at - POSTINGS_NEAR // 2, len(ranks) - POSTINGS_NEAR))
                    ranks = ranks[start:start + POSTINGS_NEAR]
                shared.update(ranks)
            # the old sentences sharing the most of those words
            candidates = ({rank for rank, _n in shared.most_common(CANDIDATES)}
                          if len(shared) > CANDIDATES else set(shared))
            at = bisect_left(positions, i)
            candidates.update(range(max(0, at - WINDOW), min(len(positions), at + WINDOW)))
            mine = []
            for rank in candidates:
                score = ratio(text, old_texts[rank], score_cutoff=SIMILARITY_THRESHOLD)
                if score:
                    mine.append((20 * abs(positions[rank] - i) / span - score, i, rank))
            if len(mine) > BEST_PER_SENTENCE:
                mine.sort()
                del mine[BEST_PER_SENTENCE:]
            scored.extend(mine)
        scored.sort()
        return [(i, unpaired_old[rank]) for _key, i, rank in scored]
    finally:
        if frozen:
            gc.enable()
