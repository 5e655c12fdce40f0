"""Precision and recall of term matching on tests/data/terms/occurrences.txt (the
test set) and heldout.txt (a smaller set written after the matcher was tuned).

    python bench/bench_terms.py [--show]

Each line of the test set is `LANG<TAB>sentence` with `[[TERM|text]]` around every
occurrence of a concept (TERM: its preferred form in LANG); the termbase is
tests/data/terms/termbase.tbx. A hit is right when it covers exactly a marked
occurrence of its concept. --show prints every miss and every wrong hit.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from transdesk.terms.match import Termbase
from transdesk.terms.tbx import read_tbx

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "terms"
_MARK = re.compile(r"\[\[([^|\]]+)\|([^\]]+)\]\]")


def parse_line(line: str) -> tuple[str, str, set[tuple[int, int, str]]]:
    """(lang, plain text, {(start, end, term)}) of one test-set line."""
    lang, marked = line.split("\t", 1)
    gold: set[tuple[int, int, str]] = set()
    plain, pos = [], 0
    length = 0
    for m in _MARK.finditer(marked):
        plain.append(marked[pos:m.start()])
        length += m.start() - pos
        gold.add((length, length + len(m.group(2)), m.group(1)))
        plain.append(m.group(2))
        length += len(m.group(2))
        pos = m.end()
    plain.append(marked[pos:])
    return lang, "".join(plain), gold


def score(termbase: Termbase, lines: list[str]) -> dict[str, object]:
    tp = fp = fn = 0
    misses, wrong = [], []
    for line in lines:
        lang, text, gold = parse_line(line)
        found = {(h.start, h.end, h.pattern.concept.preferred(lang) or "")
                 for h in termbase.find(text, lang)}
        tp += len(found & gold)
        fp += len(found - gold)
        fn += len(gold - found)
        misses += [(lang, text[s:e], t, text) for s, e, t in gold - found]
        wrong += [(lang, text[s:e], t, text) for s, e, t in found - gold]
    return {"occurrences": tp + fn, "hits": tp + fp, "true": tp,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0, "misses": misses, "wrong": wrong}


def load(name: str = "occurrences", termbase: str = "termbase") -> tuple[Termbase, list[str]]:
    concepts = read_tbx((DATA / f"{termbase}.tbx").read_bytes())
    lines = [line for line in (DATA / f"{name}.txt").read_text("utf-8").splitlines()
             if line.strip()]
    return Termbase(concepts), lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    for name, termbase_name in (("occurrences", "termbase"), ("heldout", "heldout")):
        start = time.perf_counter()
        termbase, lines = load(name, termbase_name)
        result = score(termbase, lines)
        print(f"{name}: {len(lines)} sentences, {result['occurrences']} marked occurrences,"
              f" {result['hits']} hits, {result['true']} right:"
              f" precision {result['precision']:.3f}, recall {result['recall']:.3f}"
              f" ({time.perf_counter() - start:.1f} s with loading)")
        if args.show:
            for lang, text, term, sentence in result["misses"]:  # type: ignore[union-attr]
                print(f"  miss  {lang} {term!r}: {text!r} in {sentence}")
            for lang, text, term, sentence in result["wrong"]:  # type: ignore[union-attr]
                print(f"  wrong {lang} {term!r}: {text!r} in {sentence}")


if __name__ == "__main__":
    main()
