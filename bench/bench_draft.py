#!/usr/bin/env python3
"""Drafting speed: translation memory at scale, and a provider over HTTP.

1. Memory: a ~100,000-sentence memory (a TMX built from make_corpus.py --translations,
   loaded with ``tm import``), then ``draft --provider none`` of ~10,000 new units.
2. Provider: ``draft --provider libre --no-tm`` against the local LibreTranslate-protocol
   server (tests/libre_server.py) with 50 ms latency per request, for several
   ``TRANSDESK_LIBRE_PARALLEL`` and ``--batch-size`` settings.

    python bench/bench_draft.py [--memory-articles 5000] [--new-articles 420]
                                [--mt-units 400] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRANSDESK_SHARED", ROOT.parent / "shared"))
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
sys.path.insert(0, str(ROOT / "tests"))

from libre_server import LibreServer  # noqa: E402

from transdesk import store  # noqa: E402
from transdesk.db import open_db  # noqa: E402
from transdesk.draft import draft  # noqa: E402
from transdesk.segment import split_sentences  # noqa: E402
from transdesk.tm import import_tmx  # noqa: E402


def corpus(outdir: Path, articles: int, seed: int) -> Path:
    if not outdir.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(outdir), "--articles",
                        str(articles), "--seed", str(seed), "--translations", "--lang", "ru"],
                       check=True, stdout=subprocess.DEVNULL)
    return outdir


def blocks(path: Path) -> list[str]:
    """Header lines and paragraphs of an article, in order (switcher line dropped)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if lines and "EN" in lines[0] and len(lines[0]) < 20:
        lines = lines[2:]
    out, para = [], []
    for line in [*lines, ""]:
        if line.strip():
            para.append(line)
        elif para:
            out.append(" ".join(para))
            para = []
    return out


def write_tmx(corpus_dir: Path, target: Path) -> int:
    """Aligned sentence pairs (ru, uk, en) of every article as one TMX; returns TU count."""
    count = 0
    with target.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header'
                  ' srclang="ru" datatype="plaintext" segtype="sentence" adminlang="en"'
                  ' o-tmf="bench" creationtool="bench" creationtoolversion="1"/><body>\n')
        for source in sorted(corpus_dir.glob("ru-*.txt")):
            versions = {"ru": blocks(source)}
            for lang in ("uk", "en"):
                versions[lang] = blocks(corpus_dir / "translations" / lang / source.name)
            for paras in zip(*versions.values(), strict=False):
                split = [[s for s, _ in split_sentences(p, lang)] if i > 2 else [p]
                         for i, (p, lang) in enumerate(zip(paras, versions, strict=True))]
                for sentences in zip(*split, strict=False):
                    out.write("<tu>" + "".join(
                        f'<tuv xml:lang="{lang}"><seg>{escape(text)}</seg></tuv>'
                        for lang, text in zip(versions, sentences, strict=True)) + "</tu>\n")
                    count += 1
        out.write("</body></tmx>\n")
    return count


def bench_memory(work: Path, memory_articles: int, new_articles: int) -> None:
    mem_dir = corpus(work / f"mem-{memory_articles}", memory_articles, seed=1)
    new_dir = corpus(work / f"new-{new_articles}", new_articles, seed=2)
    tmx = work / f"memory-{memory_articles}.tmx"
    started = time.perf_counter()
    tus = write_tmx(mem_dir, tmx)
    print(f"TMX written: {tus} translation units in {time.perf_counter() - started:.1f} s")

    db_path = work / "memory.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = open_db(db_path)
    started = time.perf_counter()
    report = import_tmx(db, tmx)
    took = time.perf_counter() - started
    size = db.execute("SELECT count(*) FROM tm_memory").fetchone()[0]
    print(f"tm import: {report.units} units ({report.duplicates} duplicates), {size} remembered"
          f" sentences (all languages) in {took:.1f} s ({report.units / took:,.0f} TU/s)")

    started = time.perf_counter()
    store.import_files(db, sorted(str(p) for p in new_dir.glob("ru-*.txt")), lang="ru")
    units = db.execute("SELECT count(*) FROM translations WHERE lang = 'uk'").fetchone()[0]
    print(f"imported {new_articles} new articles ({units} units) in"
          f" {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    result = draft(db, "uk", provider="none")
    took = time.perf_counter() - started
    print(f"draft --provider none: {result.selected} units in {took:.1f} s"
          f" = {result.selected / took:,.0f} units/s; {result.summary()}")
    exact = db.execute("SELECT count(*) FROM translations WHERE lang = 'uk' AND origin = 'tm'"
                       " AND score = 100").fetchone()[0]
    print(f"  of the tm drafts: {exact} exact, {result.by_origin['tm'] - exact} fuzzy")
    db.close()


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
            store.import_files(db, files, lang="ru")
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
    parser.add_argument("--memory-articles", type=int, default=5000)
    parser.add_argument("--new-articles", type=int, default=420)
    parser.add_argument("--mt-units", type=int, default=400)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-provider", action="store_true")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.gettempdir()) / "transdesk-bench-draft"
    work.mkdir(parents=True, exist_ok=True)
    if not args.skip_memory:
        bench_memory(work, args.memory_articles, args.new_articles)
    if not args.skip_provider:
        bench_provider(work, args.mt_units)


if __name__ == "__main__":
    main()
