"""Accuracy and speed of transdesk.segment on the samples and a generated corpus.

    python bench/bench_segment.py [--articles 200] [--corpus DIR] [--choppa] [--baseline REV]

Generates the corpus with bench/make_corpus.py (--gold --translations) into
a temporary directory unless --corpus points at one. Prints, per language: sentences
exactly right / gold sentences, boundary precision and recall, sentences per second.
The speed is measured for this checkout's segmenter and for the one of git revision REV
(default: 0.1.0's) in the same run, alternating, by the clock and by CPU time, with the
ratio: the machine may be shared, and only figures from one run compare.
--choppa runs choppa-srx (LanguageTool's segment.srx) on the same paragraphs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import pathlib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from types import ModuleType

from common import MAKE_CORPUS, ROOT, SAMPLES

from transdesk.segment import split_sentences

Splitter = Callable[[str, str], list[str]]
SplitPairs = Callable[[str, str], list[tuple[str, str]]]
# 0.1.0's segmenter: the last commit of segment.py before the rules of issue 13.
BASELINE = "eb8f06f"


def article_paragraphs(text: str) -> list[str]:
    """Paragraphs of an article in the newsroom layout (after switcher, date, title)."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [block.strip() for block in blocks[3:] if block.strip()]


def gold_pairs(corpus: pathlib.Path) -> Iterator[tuple[str, str, list[str]]]:
    """(lang, paragraph, gold sentences) for every gold file of a generated corpus."""
    for gold_path in sorted(corpus.glob("gold/*/*.gold.json")):
        lang = gold_path.parent.name
        gold = json.loads(gold_path.read_text("utf-8"))
        name = gold["file"]
        source = corpus / name
        if not name.startswith(lang):
            source = corpus / "translations" / lang / name
        paragraphs = article_paragraphs(source.read_text("utf-8"))
        yield from ((lang, p, g) for p, g in zip(paragraphs, gold["paragraphs"], strict=True))


def sample_pairs() -> Iterator[tuple[str, str, list[str]]]:
    for gold_path in sorted(SAMPLES.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        text = (gold_path.parent / gold["file"]).read_text("utf-8")
        paragraphs = article_paragraphs(text)
        lang = gold["file"][:2]
        yield from ((lang, p, g) for p, g in zip(paragraphs, gold["paragraphs"], strict=True))


def boundaries(sentences: list[str]) -> set[int]:
    ends, length = set(), 0
    for sentence in sentences[:-1]:
        length += len(sentence)
        ends.add(length)
    return ends


def score(pairs: list[tuple[str, str, list[str]]], split: Splitter) -> dict[str, dict[str, float]]:
    """Per language: exact sentences, boundary precision/recall (whitespace ignored)."""
    stats: dict[str, Counter[str]] = {}
    for lang, paragraph, gold in pairs:
        got = split(paragraph, lang)
        c = stats.setdefault(lang, Counter())
        c["gold"] += len(gold)
        remaining = Counter(gold)
        for sentence in got:
            if remaining[sentence] > 0:
                remaining[sentence] -= 1
                c["exact"] += 1
        squeeze = ["".join(s.split()) for s in got]
        gold_b = boundaries(["".join(s.split()) for s in gold])
        got_b = boundaries(squeeze)
        c["tp"] += len(gold_b & got_b)
        c["fp"] += len(got_b - gold_b)
        c["fn"] += len(gold_b - got_b)
    out = {}
    for lang, c in sorted(stats.items()):
        out[lang] = {
            "exact": c["exact"],
            "gold": c["gold"],
            "P": c["tp"] / max(1, c["tp"] + c["fp"]),
            "R": c["tp"] / max(1, c["tp"] + c["fn"]),
        }
    return out


def ours(paragraph: str, lang: str) -> list[str]:
    return [s for s, _ in split_sentences(paragraph, lang)]


def make_choppa() -> Splitter:
    import choppa

    started = time.perf_counter()
    document = choppa.SrxDocument(ruleset=choppa.DEFAULT_SRX_RULESET)
    print(f"choppa: rules parsed in {time.perf_counter() - started:.2f} s")

    def split(paragraph: str, lang: str) -> list[str]:
        pieces = (s.strip() for s in choppa.SrxTextIterator(document, lang, paragraph))
        return [s for s in pieces if s]

    return split


def speed(pairs: list[tuple[str, str, list[str]]], split: Splitter, repeat: int = 3) -> float:
    best = float("inf")
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = sum(len(split(paragraph, lang)) for lang, paragraph, _ in pairs)
        best = min(best, time.perf_counter() - started)
    return count / best


def git_module(rev: str, name: str) -> ModuleType:
    """transdesk.segment and its rule file as they were at git revision `rev`."""
    import tomllib

    def show(path: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True,
                              capture_output=True, text=True).stdout

    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(compile(show("src/transdesk/segment.py"), f"{rev}:segment.py", "exec"), module.__dict__)
    module._RULES.update(module._parse_rules(tomllib.loads(show("src/transdesk/data/segment_rules.toml"))))
    return module


def speed_raw(pairs: list[tuple[str, str, list[str]]], splitters: dict[str, SplitPairs],
              repeat: int = 5) -> dict[str, tuple[float, float]]:
    """Sentences/s of each split_sentences itself (no list comprehension around it), best of
    `repeat` rounds, by the clock and by this process's CPU time (steadier when the machine
    is shared). The splitters take turns in every round, so load hits them alike."""
    items = [(paragraph, lang) for lang, paragraph, _ in pairs]
    best = {name: [float("inf"), float("inf")] for name in splitters}
    counts = dict.fromkeys(splitters, 0)
    for _ in range(repeat):
        for name, split in splitters.items():
            started = time.perf_counter()
            started_cpu = time.process_time()
            count = 0
            for paragraph, lang in items:
                count += len(split(paragraph, lang))
            best[name][0] = min(best[name][0], time.perf_counter() - started)
            best[name][1] = min(best[name][1], time.process_time() - started_cpu)
            counts[name] = count
    return {name: (counts[name] / wall, counts[name] / cpu) for name, (wall, cpu) in best.items()}


def report(title: str, pairs: list[tuple[str, str, list[str]]], split: Splitter) -> None:
    print(title)
    total_exact = total_gold = 0
    for lang, s in score(pairs, split).items():
        total_exact += int(s["exact"])
        total_gold += int(s["gold"])
        print(f"  {lang}: exact {s['exact']}/{s['gold']}  P {s['P']:.4f}  R {s['R']:.4f}")
    print(f"  all: exact {total_exact}/{total_gold} ({total_exact / max(1, total_gold):.4%})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--corpus", type=pathlib.Path)
    ap.add_argument("--choppa", action="store_true")
    ap.add_argument("--baseline", default=BASELINE, metavar="REV",
                    help="git revision whose segmenter is timed alongside (default: 0.1.0's)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus or pathlib.Path(tmp)
        if args.corpus is None:
            subprocess.run(
                [
                    sys.executable,
                    str(MAKE_CORPUS),
                    str(corpus),
                    "--articles",
                    str(args.articles),
                    "--gold",
                    "--translations",
                ],
                check=True,
            )
        pairs = list(gold_pairs(corpus))
    samples = list(sample_pairs())
    report("samples (transdesk)", samples, ours)
    report(f"generated corpus, {len(pairs)} paragraphs (transdesk)", pairs, ours)
    baseline = git_module(args.baseline, "segment_baseline")
    speeds = speed_raw(pairs, {"now": split_sentences, args.baseline: baseline.split_sentences})
    for name, (wall, cpu) in speeds.items():
        print(f"  speed ({name}): {wall:,.0f} sentences/s ({cpu:,.0f} per CPU second)")
    now, then = speeds["now"], speeds[args.baseline]
    print(f"  ratio now / {args.baseline}: {now[0] / then[0]:.2f} by the clock, "
          f"{now[1] / then[1]:.2f} by CPU time")
    if args.choppa:
        split = make_choppa()
        report("samples (choppa-srx)", samples, split)
        report("generated corpus (choppa-srx)", pairs, split)
        print(f"  speed: {speed(pairs[:2000], split, repeat=1):,.0f} sentences/s")


if __name__ == "__main__":
    main()
