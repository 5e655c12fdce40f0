"""The translation pairs the `length` check is tuned on, and its hit rates on them.

    python bench/length_pairs.py [--articles 300]

Pairs (each: source language, target language, source, target):

- examples: the sample articles (examples/*.txt) with the newsroom's human translations
  (examples/translations/*.tsv), unit by unit;
- written: tests/data/length_pairs.tsv, short newsroom lines and idioms (`ok`) and
  translations that lost a clause (`cut`);
- generated: the aligned translations of bench/make_corpus.py (--articles of them).

Every correct translation of at least 6 words also gives two cut ones: its first half
of words with and without the final period (what a truncated MT answer or a lost clause
looks like). Prints, for the check of 0.1.0 and the current one, the false-positive
rate (correct translations flagged) and the true-positive rate (cut ones flagged).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
WRITTEN = ROOT / "tests" / "data" / "length_pairs.tsv"


class Pair(NamedTuple):
    source_lang: str
    target_lang: str
    source: str
    target: str


def article_units(path: Path, lang: str | None = None) -> tuple[str, dict[str, str]]:
    from transdesk.importing import parse_source

    article, source_lang = parse_source(path.read_bytes(), lang)
    return source_lang, {unit.key: unit.text for unit in article.units}


def example_pairs() -> list[Pair]:
    pairs = []
    for tsv in sorted((ROOT / "examples" / "translations").glob("*.tsv")):
        article, _dot, lang = tsv.stem.rpartition(".")
        source_lang, units = article_units(ROOT / "examples" / f"{article}.txt")
        for line in tsv.read_text(encoding="utf-8").splitlines():
            key, _tab, text = line.partition("\t")
            if key in units and text:
                pairs.append(Pair(source_lang, lang, units[key], text))
    return pairs


def written_pairs() -> tuple[list[Pair], list[Pair]]:
    ok, cut = [], []
    for line in WRITTEN.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, source_lang, target_lang, source, target = line.split("\t")
        (ok if label == "ok" else cut).append(Pair(source_lang, target_lang, source, target))
    return ok, cut


def generated_pairs(articles: int) -> list[Pair]:
    pairs = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), tmp,
                        "--articles", str(articles), "--translations"], check=True,
                       capture_output=True)
        for path in sorted(Path(tmp).glob("*.txt")):
            source_lang, units = article_units(path)
            for target_path in sorted(Path(tmp, "translations").glob(f"*/{path.name}")):
                target_lang = target_path.parent.name
                _lang, targets = article_units(target_path, target_lang)
                if list(targets) != list(units):
                    continue  # segmented differently: not aligned unit by unit
                pairs += [Pair(source_lang, target_lang, units[k], targets[k])
                          for k in units if k not in ("date", "category")]
    return pairs


_WORD = re.compile(r"\S+")


def cut_pairs(pairs: list[Pair]) -> Iterator[Pair]:
    """The first half of each long enough translation, with and without a period."""
    for pair in pairs:
        words = _WORD.findall(pair.target)
        if len(words) < 6:
            continue
        head = " ".join(words[: len(words) // 2]).rstrip(",;:—–-")
        yield pair._replace(target=head)
        yield pair._replace(target=head + ".")


def old_check_length(source: str, target: str, source_lang: str, target_lang: str
                     ) -> str | None:
    """The `length` check of transdesk 0.1.0: a character ratio outside 0.5-2.0 for
    sources over 20 characters."""
    src, tgt = len(source.strip()), len(target.strip())
    if src == 0:
        return None
    if tgt == 0:
        return "translation is empty"
    if src <= 20:
        return None
    ratio = tgt / src
    if ratio < 0.5:
        return "short"
    if ratio > 2.0:
        return "long"
    return None


Check = Callable[[str, str, str, str], str | None]


def rate(check: Check, pairs: list[Pair]) -> tuple[int, int]:
    flagged = sum(check(p.source, p.target, p.source_lang, p.target_lang) is not None
                  for p in pairs)
    return flagged, len(pairs)


def main() -> None:
    from transdesk.checks import check_length

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    examples = example_pairs()
    written_ok, written_cut = written_pairs()
    generated = generated_pairs(args.articles)
    sets = {
        "examples ok": examples,
        "written ok": written_ok,
        "generated ok": generated,
        "written cut": written_cut,
        "examples cut": list(cut_pairs(examples)),
        "written+cut halves": list(cut_pairs(written_ok)),
        "generated cut": list(cut_pairs(generated)),
    }
    print(f"{'pairs':<20} {'n':>6}  {'0.1.0 flagged':>14}  {'now flagged':>12}")
    for name, pairs in sets.items():
        old, n = rate(old_check_length, pairs)
        new, _n = rate(check_length, pairs)
        print(f"{name:<20} {n:>6}  {old:>6} {100 * old / max(n, 1):5.1f}%  "
              f"{new:>5} {100 * new / max(n, 1):5.1f}%")


if __name__ == "__main__":
    main()
