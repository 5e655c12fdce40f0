"""Score transdesk's segmenter and its peers on public gold (see bench/gold_public.py).

    python bench/gold_public.py --git-root DIR     # once: prepare bench/out/gold
    python bench/eval_segment.py [--gold DIR] [--peers pysbd,razdel,choppa-srx,tokenize-uk]
                                 [--errors SET] [--markdown]

For every set and segmenter: exact sentence match (a sentence counts when its span,
whitespace around it ignored, is a gold sentence's span) as precision, recall and F1, and
the share of paragraphs whose every sentence is right. A peer scored on its own test
suite is marked with *; the bar is the best peer without *.

Peers (bench-only extras: pip install -e '.[bench]'): pysbd 0.3.4 (its Russian rules for
Ukrainian too), razdel 0.5.0 (ru and uk), choppa-srx 1.0.0 (LanguageTool's segment.srx),
tokenize-uk 2.0.0 with legacy=True (its default engine is choppa-srx, scored already).
--errors SET prints transdesk's wrong paragraphs of a set, gold against ours.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys
import time
from collections.abc import Callable

from transdesk.segment import split_sentences

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "out" / "gold"
Spans = list[tuple[int, int]]
Splitter = Callable[[str, str], Spans]


def stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def from_pieces(text: str, pieces: list[str]) -> Spans:
    """Spans of pieces that concatenate back to text (lossless splitters)."""
    spans, pos = [], 0
    for piece in pieces:
        span = stripped(text, pos, pos + len(piece))
        if span:
            spans.append(span)
        pos += len(piece)
    return spans


def transdesk(text: str, lang: str) -> Spans:
    lead = len(text) - len(text.lstrip())
    pieces = [s + ws for s, ws in split_sentences(text[lead:], lang)]
    return [(a + lead, b + lead) for a, b in from_pieces(text[lead:], pieces)]


def make_pysbd() -> Splitter:
    import pysbd

    segmenters = {lang: pysbd.Segmenter(language=lang, clean=False, char_span=True)
                  for lang in ("en", "ru")}

    def split(text: str, lang: str) -> Spans:
        seg = segmenters["en" if lang == "en" else "ru"]
        spans = []
        for piece in seg.segment(text):
            span = stripped(text, piece.start, piece.end)
            if span:
                spans.append(span)
        return spans

    return split


def make_razdel() -> Splitter:
    from razdel import sentenize

    def split(text: str, lang: str) -> Spans:
        return [(s.start, s.stop) for s in sentenize(text)]

    return split


def make_choppa() -> Splitter:
    import choppa

    document = choppa.SrxDocument(ruleset=choppa.DEFAULT_SRX_RULESET)

    def split(text: str, lang: str) -> Spans:
        return from_pieces(text, list(choppa.SrxTextIterator(document, lang, text)))

    return split


def make_tokenize_uk() -> Splitter:
    from tokenize_uk import tokenize_sents_with_spans

    def split(text: str, lang: str) -> Spans:
        return [(a, b) for _, a, b in tokenize_sents_with_spans(text, legacy=True)]

    return split


PEERS: dict[str, tuple[Callable[[], Splitter], set[str]]] = {
    "pysbd": (make_pysbd, {"en", "ru", "uk"}),
    "razdel": (make_razdel, {"ru", "uk"}),
    "choppa-srx": (make_choppa, {"en", "ru", "uk"}),
    "tokenize-uk": (make_tokenize_uk, {"uk"}),
}


def load(gold: pathlib.Path) -> dict[str, tuple[dict[str, str], list[dict[str, object]]]]:
    sets = {}
    for path in sorted(gold.glob("*.jsonl")):
        name = path.name[: -len(".jsonl")]
        meta = json.loads((gold / f"{name}.stats.json").read_text("utf-8"))
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        sets[name] = (meta, rows)
    return sets


def gold_spans(row: dict[str, object]) -> Spans:
    text = str(row["text"])
    spans = []
    for a, b in row["sentences"]:  # type: ignore[attr-defined]
        span = stripped(text, a, b)
        if span:
            spans.append(span)
    return spans


def score(rows: list[dict[str, object]], split: Splitter) -> dict[str, float]:
    tp = got_n = gold_n = right = 0
    for row in rows:
        text, lang = str(row["text"]), str(row["lang"])
        gold = set(gold_spans(row))
        got = split(text, lang)
        hit = len(gold & set(got))
        tp += hit
        got_n += len(got)
        gold_n += len(gold)
        right += hit == len(gold) == len(got)
    p = tp / max(1, got_n)
    r = tp / max(1, gold_n)
    return {
        "P": p,
        "R": r,
        "F1": 2 * p * r / max(1e-9, p + r),
        "para": right / max(1, len(rows)),
        "n": gold_n,
    }


def show_errors(rows: list[dict[str, object]], limit: int) -> None:
    shown = 0
    for row in rows:
        text, lang = str(row["text"]), str(row["lang"])
        gold = gold_spans(row)
        got = transdesk(text, lang)
        if set(gold) != set(got):
            gold_ends = {b for _, b in gold[:-1]}
            got_ends = {b for _, b in got[:-1]}
            for end in sorted(gold_ends ^ got_ends):
                kind = "missed" if end in gold_ends else "extra "
                snippet = text[max(0, end - 60) : end] + " ‖ " + text[end : end + 40]
                print(kind, snippet.replace("\n", "⏎"))
            if gold_ends == got_ends:
                print("other ", text[:100])
            shown += 1
            if shown >= limit:
                return


# Ambiguous classes, counted in the gold: how often is there a sentence boundary?
_UPPER = "A-ZА-ЯІЇЄҐ"
_LOWER = "a-zа-яіїєґё"
EVIDENCE = {
    "year + г./р./гг./рр. + capital (`1941 р. Конрад`)": re.compile(
        rf"\d(?:-х|-і|-ті|-е)? (?:г|гг|р|рр)\.(\s+)[{_UPPER}]"
    ),
    "no space after the end (`sentence.Isn't`)": re.compile(
        rf"[{_LOWER}]{{2}}[.!?]()[{_UPPER}][{_LOWER}]"
    ),
    "lowercase after `word. `": re.compile(rf"[{_LOWER}]{{2}}\.(\s+)[{_LOWER}]"),
    "lowercase after `word? ` or `word! `": re.compile(rf"[{_LOWER}]{{2}}[?!](\s+)[{_LOWER}]"),
}


def evidence(sets: dict[str, tuple[dict[str, str], list[dict[str, object]]]]) -> None:
    """Per class and language: occurrences in public gold that are / are not boundaries."""
    for title, pattern in EVIDENCE.items():
        print(title)
        for set_name, (_, rows) in sets.items():
            yes = no = 0
            for row in rows:
                text = str(row["text"])
                ends = {b for _, b in gold_spans(row)}
                for match in pattern.finditer(text):
                    # the gap (group 1) starts where the first sentence would end
                    if match.start(1) in ends:
                        yes += 1
                    else:
                        no += 1
            if yes or no:
                print(f"  {set_name:18} boundary {yes:4}  none {no:4}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=pathlib.Path, default=GOLD)
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--errors", metavar="SET")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--markdown", action="store_true", help="print a README table")
    ap.add_argument("--evidence", action="store_true", help="count the ambiguous classes")
    args = ap.parse_args()
    sets = load(args.gold)
    if not sets:
        print(f"Error: no gold in {args.gold}; run bench/gold_public.py first", file=sys.stderr)
        sys.exit(2)
    if args.evidence:
        evidence(sets)
        return
    if args.errors:
        show_errors(sets[args.errors][1], args.limit)
        return
    splitters: dict[str, tuple[Splitter, set[str]]] = {"transdesk": (transdesk, {"en", "ru", "uk"})}
    for name in filter(None, args.peers.split(",")):
        make, langs = PEERS[name]
        splitters[name] = (make(), langs)
    names = list(splitters)
    if args.markdown:
        print("| set | sentences | " + " | ".join(names) + " |")
        print("|---|---|" + "---|" * len(names))
    else:
        print(f"{'set':14} {'n':>5}  " + "  ".join(f"{n:>18}" for n in names))
        print(f"{'':14} {'':>5}  " + "  ".join(f"{'F1  para':>18}" for _ in names))
    behind = []
    for set_name, (meta, rows) in sets.items():
        lang = str(rows[0]["lang"])
        cells = []
        best_peer = 0.0
        ours = 0.0
        for name, (split, langs) in splitters.items():
            if lang not in langs:
                cells.append("—")
                continue
            s = score(rows, split)
            own = name == meta.get("suite_of")
            mark = "*" if own else ""
            if name == "transdesk":
                ours = s["F1"]
            elif not own:
                best_peer = max(best_peer, s["F1"])
            cells.append(f"{s['F1']:.3f}{mark} / {s['para']:.0%}")
        n = sum(len(r["sentences"]) for r in rows)  # type: ignore[arg-type]
        if ours + 1e-9 < best_peer:
            behind.append(f"{set_name} ({ours:.3f} < {best_peer:.3f})")
        if args.markdown:
            print(f"| {set_name} | {n} | " + " | ".join(cells) + " |")
        else:
            print(f"{set_name:14} {n:>5}  " + "  ".join(f"{c:>18}" for c in cells))
    print("\nF1 / paragraphs fully right; * = the peer's own test suite")
    print("transdesk behind the best other peer on: " + (", ".join(behind) or "none"))
    started = time.perf_counter()
    count = 0
    for _, rows in sets.values():
        for row in rows:
            count += len(split_sentences(str(row["text"]).lstrip(), str(row["lang"])))
    print(f"transdesk on all sets: {count / (time.perf_counter() - started):,.0f} sentences/s")


if __name__ == "__main__":
    main()
