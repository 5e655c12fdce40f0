"""Spelling findings on the project's example translations (examples/translations/*.tsv)
and the speed of the speller on a generated corpus's vocabulary.

    python bench/bench_spelling.py [--english en_GB|en_US]

Prints every word the `spelling` check would report in the examples (the false
positives, unless a person would fix the word) and the count of words checked.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

from transdesk import desk_style

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "translations"


def example_findings() -> tuple[int, list[tuple[str, str, str]]]:
    """(words checked, [(file, key, finding)]) over every example translation."""
    style = desk_style.use_shipped()
    words = 0
    found = []
    for path in sorted(EXAMPLES.glob("*.tsv")):
        lang = path.name.split(".")[-2]
        speller = style.speller(lang)
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter="\t"):  # key, translation
                if len(row) < 2:
                    continue
                words += len(row[1].split())
                for m in speller.misspelled(row[1]):
                    found.append((path.name, row[0], str(m)))
    return words, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--english", default=None)
    args = parser.parse_args()
    if args.english:
        os.environ["TRANSDESK_ENGLISH"] = args.english
    start = time.perf_counter()
    words, found = example_findings()
    for name, key, finding in found:
        print(f"{name} {key}: {finding}")
    print(f"{words} words in {len(list(EXAMPLES.glob('*.tsv')))} files: {len(found)} findings"
          f" ({time.perf_counter() - start:.1f} s with loading)")


if __name__ == "__main__":
    main()
