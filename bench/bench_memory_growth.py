#!/usr/bin/env python3
"""Peak memory and time of `tm import` and `draft` as the archive grows.

For each size (articles of a generated corpus, ru/uk/en mixed, with its aligned
translations; built once and cached under bench/out): a desk holding the corpus with every
translation done, its memory exported as TMX (`tm export`), then, measured (wall, CPU,
peak RSS by GNU time):

    tm import TMX          into a new database (the whole archive's memory)
    draft --provider none  of the same sources imported again beside that memory
                           (into en: every unit an exact match)

and a line per command saying how time and memory grow from one size to the next.

    python bench/bench_memory_growth.py [--sizes 1000,10000,30000] [--engine sqlite]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from bench_check import fill_translations
from common import OUT, Measured, make_corpus, measure, transdesk
from run_all import growth


def memory_tmx(size: int) -> tuple[Path, Path]:
    """The TMX of a complete desk of `size` articles (cached), and a folder of its
    source files alone (imported from there by their short names: 30,000 full paths
    exceed the command line)."""
    corpus = make_corpus(size, "--lang", "mix", "--translations",
                         name=f"corpus-{size}-mix-translations")
    sources = corpus.parent / f"{corpus.name}-sources"
    if not (corpus.parent / f"{sources.name}.complete").exists():
        shutil.rmtree(sources, ignore_errors=True)
        sources.mkdir()
        for path in corpus.glob("*.txt"):
            os.link(path, sources / path.name)
        (corpus.parent / f"{sources.name}.complete").write_text("ok")
    work = OUT / f"memory-growth-{size}"
    tmx = work / "desk.tmx"
    if not tmx.exists():
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        desk = work / "desk.db"
        import_all(desk, sources)
        fill_translations(desk, corpus)
        measure(transdesk("--db", str(desk), "tm", "export", str(work / "building.tmx")))
        (work / "building.tmx").rename(tmx)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{desk}{suffix}").unlink(missing_ok=True)
    return tmx, sources


def import_all(desk: Path, sources: Path) -> Measured:
    names = sorted(p.name for p in sources.glob("*.txt"))
    return measure(transdesk("--db", str(desk.resolve()), "import", "-q", *names), cwd=sources)


def fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_size(size: int) -> dict[str, Measured]:
    tmx, sources = memory_tmx(size)
    work = tmx.parent
    memory, drafting = work / "memory.db", work / "drafting.db"
    fresh(memory)
    results = {"tm import": measure(transdesk("--db", str(memory), "tm", "import", str(tmx)))}
    fresh(drafting)
    shutil.copyfile(memory, drafting)
    import_all(drafting, sources)
    results["draft --provider none"] = measure(
        transdesk("--db", str(drafting), "draft", "--lang", "en", "--provider", "none"),
        ok=(0, 1))
    for path in (memory, drafting):
        fresh(path)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,30000")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    table: dict[str, list[tuple[int, Measured]]] = {}
    for size in sizes:
        for name, measured in run_size(size).items():
            table.setdefault(name, []).append((size, measured))
            print(f"{size:>7} articles  {name:<24} {measured.wall:8.2f} s wall"
                  f" {measured.cpu:8.2f} s CPU {measured.peak_mb:7.1f} MB peak", flush=True)
    for name, series in table.items():
        print(f"{name}: {growth(series)}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
