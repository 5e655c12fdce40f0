#!/usr/bin/env python3
"""Drafting speed: translation memory at scale, and a provider over HTTP.

1. Memory: memories of 100,000 and 1,000,000 aligned ru/uk/en sentences (the gold
   sentences of make_corpus.py --translations --gold, filled in bulk; cached under
   bench/out): exact and fuzzy lookups timed one by one (hit and miss),
   fuzzy recall against a brute-force rapidfuzz scan, then ``draft --provider none`` of
   ~10,000 new units.
2. Provider: ``draft --provider libre --no-tm`` against the local LibreTranslate-protocol
   server (tests/libre_server.py) with 50 ms latency per request, for several
   ``TRANSDESK_LIBRE_PARALLEL`` and ``--batch-size`` settings.

    python bench/bench_draft.py [--memory-sizes 100000,1000000] [--new-articles 420]
                                [--mt-units 400] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import MAKE_CORPUS, OUT
from libre_server import LibreServer

from transdesk import importing
from transdesk.db import open_db, write_transaction
from transdesk.draft import draft
from transdesk.tm import DEFAULT_THRESHOLD, Memory


def corpus(outdir: Path, articles: int, seed: int, *extra: str) -> Path:
    """Generate (once; cached until complete) a make_corpus.py corpus."""
    marker = outdir / ".complete"
    if not marker.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(outdir), "--articles",
                        str(articles), "--seed", str(seed), "--translations", "--lang", "ru",
                        *extra], check=True, stdout=subprocess.DEVNULL)
        marker.write_text("ok")
    return outdir


def gold_units(corpus_dir: Path, articles: int) -> Iterator[tuple[str, str, str]]:
    """Aligned (ru, uk, en) sentences of the corpus's first ``articles`` articles, from
    the generator's gold files (the true sentences, as a translator's memory holds them)."""
    names = sorted(p.name for p in (corpus_dir / "gold" / "ru").glob("ru-*.gold.json"))
    for name in names[:articles]:
        paras = [json.loads((corpus_dir / "gold" / lang / name).read_text("utf-8"))
                 ["paragraphs"] for lang in ("ru", "uk", "en")]
        for ru, uk, en in zip(*paras, strict=True):
            yield from zip(ru, uk, en, strict=True)


def schema_tag() -> str:
    """Changes when the memory schema does: a cached memory database is then rebuilt."""
    from transdesk import migrations

    return hashlib.sha256(inspect.getsource(migrations.m020_memory).encode()).hexdigest()[:8]


def memory_db(work: Path, corpus_dir: Path, sentences: int) -> Path:
    """A database remembering the first ``sentences`` aligned sentences of the corpus
    (cached), each its own group, repeats included, as a newsroom's own translated units
    are; filled in bulk through ``tm_memory`` (its triggers build the FTS index)."""
    path = work / f"memory-{sentences}-{schema_tag()}.db"
    if path.exists():
        return path
    building = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    db = open_db(building)
    units = itertools.islice(gold_units(corpus_dir, 10**9), sentences)
    started = time.perf_counter()
    with write_transaction(db) as conn:
        for start, chunk in enumerate(iter(lambda: list(itertools.islice(units, 100_000)), [])):
            conn.executemany(
                "INSERT INTO tm_memory (key, grp, lang, text) VALUES (?, ?, ?, ?)",
                [(-(start * 100_000 + i + 1) * 4 + index, -(start * 100_000 + i + 1), lang,
                  text) for i, unit in enumerate(chunk)
                 for index, (lang, text) in enumerate(zip(("ru", "uk", "en"), unit,
                                                          strict=True))])
            print(f"  memory: {start * 100_000 + len(chunk):,} sentences,"
                  f" {time.perf_counter() - started:.0f} s", flush=True)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    building.rename(path)
    return path


def percentiles(times: list[float]) -> str:
    if not times:
        return "n=0"
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"n={len(times):>4} median {statistics.median(ordered) * 1000:6.2f} ms"
            f"  p95 {p95 * 1000:6.2f} ms")


def bench_lookups(db_path: Path, queries: list[str], recall_sample: int,
                  recall_seed: int = 7) -> None:
    """Time exact and fuzzy lookups (ru -> uk), hit and miss; fuzzy recall against a
    brute-force rapidfuzz scan of the whole ru memory."""
    from rapidfuzz import fuzz, process

    db = open_db(db_path)
    memory = Memory(db, "ru", "uk")
    exact_hit, exact_miss, fuzzy_hit, fuzzy_miss = [], [], [], []
    found: dict[str, float] = {}
    for text in queries:
        started = time.perf_counter()
        match = memory.exact(text)
        took = time.perf_counter() - started
        (exact_hit if match else exact_miss).append(took)
        if match:
            continue
        started = time.perf_counter()
        fuzzy = memory.fuzzy(text)
        took = time.perf_counter() - started
        (fuzzy_hit if fuzzy else fuzzy_miss).append(took)
        found[text] = fuzzy[0].score if fuzzy else 0.0
    for label, times in [("exact, hit", exact_hit), ("exact, miss", exact_miss),
                         ("fuzzy, hit", fuzzy_hit), ("fuzzy, miss", fuzzy_miss)]:
        print(f"  lookup {label:<12} {percentiles(times)}")
    everything = [r[0] for r in db.execute("SELECT text FROM tm_memory WHERE lang = 'ru'")]
    sample = random.Random(recall_seed).sample(sorted(found), min(recall_sample, len(found)))
    best_found = any_found = wanted = 0
    for text in sample:
        brute = process.extractOne(text, everything, scorer=fuzz.ratio,
                                   score_cutoff=DEFAULT_THRESHOLD)
        if brute is None:
            continue
        wanted += 1
        any_found += found[text] > 0
        best_found += found[text] >= min(round(brute[1], 1), 99.9) - 0.05
    if wanted:
        print(f"  fuzzy recall vs brute force ({len(sample)} sampled misses of exact, {wanted}"
              f" with a match >= {DEFAULT_THRESHOLD:.0f}%): found a match {any_found / wanted:.1%},"
              f" found the best score {best_found / wanted:.1%}")
    db.close()


def bench_memory(work: Path, sizes: list[int], new_articles: int, queries: int,
                 recall_sample: int, recall_seed: int = 7) -> None:
    mem_dir = corpus(OUT / "tm-mem-50000", 50_000, 1, "--gold")
    new_dir = corpus(OUT / f"tm-new-{new_articles}", new_articles, 2, "--gold")
    new_sentences = list(dict.fromkeys(s[0] for s in gold_units(new_dir, new_articles)))
    sample = random.Random(3).sample(new_sentences, min(queries, len(new_sentences)))
    for sentences in sizes:
        path = memory_db(work, mem_dir, sentences)
        db = open_db(path)
        size = db.execute("SELECT count(*) FROM tm_memory WHERE lang = 'ru'").fetchone()[0]
        distinct = db.execute("SELECT count(DISTINCT text) FROM tm_memory WHERE lang = 'ru'"
                              ).fetchone()[0]
        db.close()
        print(f"memory: {size:,} remembered ru sentences ({distinct:,} distinct),"
              " with uk and en", flush=True)
        bench_lookups(path, sample, recall_sample, recall_seed)

        draft_path = work / "draft.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{draft_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(path, draft_path)
        db = open_db(draft_path)
        importing.import_files(db, sorted(str(p) for p in new_dir.glob("ru-*.txt")),
                               importing.ImportOptions(lang="ru"))
        started = time.perf_counter()
        result = draft(db, "uk", provider="none")
        took = time.perf_counter() - started
        print(f"  draft --provider none: {result.selected} units in {took:.1f} s"
              f" = {result.selected / took:,.0f} units/s; {result.summary()}")
        exact = db.execute("SELECT count(*) FROM translations WHERE lang = 'uk'"
                           " AND origin = 'tm' AND score = 100").fetchone()[0]
        print(f"  of the tm drafts: {exact} exact, {result.by_origin.get('tm', 0) - exact}"
              " fuzzy", flush=True)
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{draft_path}{suffix}").unlink(missing_ok=True)


def bench_provider(work: Path, mt_units: int) -> None:
    src = corpus(work / "mt-corpus", max(4, mt_units // 20), seed=3)
    files = sorted(str(p) for p in src.glob("ru-*.txt"))
    with LibreServer(latency_ms=50) as server:
        os.environ["TRANSDESK_LIBRE_URL"] = server.url
        for parallel, batch in [(1, 50), (4, 50), (8, 50), (16, 50), (8, 8), (8, 200)]:
            os.environ["TRANSDESK_LIBRE_PARALLEL"] = str(parallel)
            db_path = work / f"mt-{parallel}-{batch}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            db = open_db(db_path)
            importing.import_files(db, files, importing.ImportOptions(lang="ru"))
            before = len(server.translations())
            started = time.perf_counter()
            result = draft(db, "en", provider="libre", use_tm=False, limit=mt_units,
                           batch_size=batch)
            took = time.perf_counter() - started
            requests = len(server.translations()) - before
            print(f"libre, 50 ms latency, parallel {parallel:>2}, batch {batch:>3}:"
                  f" {result.selected} units ({requests} requests, {result.sent} distinct"
                  f" sentences) in {took:5.1f} s = {result.selected / took:6.1f} units/s")
            db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-sizes", default="100000,1000000",
                        help="comma-separated memory sizes, in remembered sentences")
    parser.add_argument("--queries", type=int, default=1000,
                        help="sentences of the new articles looked up one by one")
    parser.add_argument("--recall-sample", type=int, default=200)
    parser.add_argument("--recall-seed", type=int, default=7,
                        help="another seed checks the recall on queries nobody tuned for")
    parser.add_argument("--new-articles", type=int, default=420)
    parser.add_argument("--mt-units", type=int, default=400)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-provider", action="store_true")
    args = parser.parse_args()
    work = args.workdir or OUT / "draft"
    work.mkdir(parents=True, exist_ok=True)
    if not args.skip_memory:
        sizes = [int(n) for n in args.memory_sizes.split(",")]
        bench_memory(work, sizes, args.new_articles, args.queries, args.recall_sample,
                     args.recall_seed)
    if not args.skip_provider:
        bench_provider(work, args.mt_units)


if __name__ == "__main__":
    main()
