#!/usr/bin/env python3
"""Peak memory of `draft --provider none` as the archive grows (issue 17, item 1).

For each size (articles of a generated corpus, ru/uk/en mixed, with its aligned
translations): a complete desk's memory exported as TMX (bench_memory_growth.memory_tmx),
imported into a new database (`tm import`), the same sources imported beside it; that
desk is kept under bench/out/draft-growth-SIZE/ready.db, and each run drafts a copy of it:

    draft --lang en --provider none        (wall, CPU, peak RSS by GNU time)

and a line saying how time and memory grow from one size to the next.  With
``--digest`` the drafts written are summed (sha256 of every draft row and history row,
in unit order): the same digest before and after a change means the same drafts.

    python bench/bench_draft_growth.py [--sizes 1000,10000,30000] [--digest] [--src DIR]
                                       [--before DIR]

``--before DIR`` drafts each size first with the sources of another checkout (for
instance ``git archive v0.1.0 src | tar -x -C /tmp/before``, then ``--before
/tmp/before/src``), so that both figures come from the same run, under the same load.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import resource
import shutil
import sys
from pathlib import Path

from bench_memory_growth import fresh, import_all, memory_tmx
from common import OUT, Measured, drafts_digest, measure, transdesk
from run_all import growth


def ready_desk(size: int) -> Path:
    """A new desk of the corpus's sources beside the memory of its complete twin (cached)."""
    tmx, sources = memory_tmx(size)
    work = OUT / f"draft-growth-{size}"
    ready = work / "ready.db"
    if not ready.exists():
        work.mkdir(parents=True, exist_ok=True)
        building = work / "building.db"
        fresh(building)
        measure(transdesk("--db", str(building), "tm", "import", str(tmx)))
        import_all(building, sources)
        import sqlite3

        conn = sqlite3.connect(building)  # the WAL into the file: ready.db is copied alone
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        building.rename(ready)
    return ready


def cpu_growth(series: list[tuple[int, Measured]]) -> str:
    """The exponent of CPU time from each size to the next (1 = linear): on a shared
    machine a fairer measure than wall time."""
    return "CPU " + ", ".join(
        f"{n1}->{n2}: ^{math.log(m2.cpu / m1.cpu) / math.log(n2 / n1):.2f}"
        for (n1, m1), (n2, m2) in itertools.pairwise(series))


MIGRATE = "import sys; from transdesk.db import open_db; open_db(sys.argv[1]).close()"


def run_size(size: int, digest: bool, src: Path | None = None, label: str = "") -> Measured:
    """Draft a copy of the size's ready desk with this checkout (or ``src``'s sources).
    The copy is first opened by that code (its pending migrations applied, timed apart:
    a one-time cost of an upgrade, not the draft's)."""
    ready = ready_desk(size)
    run = ready.parent / "run.db"
    fresh(run)
    shutil.copyfile(ready, run)
    env = dict(os.environ, PYTHONPATH=str(src.resolve())) if src else None
    migrated = measure([sys.executable, "-c", MIGRATE, str(run)], env=env)
    measured = measure(transdesk("--db", str(run), "draft", "--lang", "en", "--provider",
                                 "none"), ok=(0, 1), env=env)
    line = (f"{size:>7} articles{label}  draft --provider none {measured.wall:8.2f} s wall"
            f" {measured.cpu:8.2f} s CPU {measured.peak_mb:7.1f} MB peak"
            f" (load {os.getloadavg()[0]:.1f}; opening and migrating the copy"
            f" {migrated.cpu:.2f} s CPU)")
    if digest:
        count, summed = drafts_digest(run)
        line += f"  {count} drafts, digest {summed[:16]}"
    print(line, flush=True)
    fresh(run)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,30000")
    parser.add_argument("--digest", action="store_true",
                        help="print a digest of the drafts written (compare before/after)")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--src", type=Path,
                        help="draft with another checkout's sources (a before/after)")
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also draft each size with that checkout's sources first"
                             " (a before/after in the same run; its growth line too)")
    args = parser.parse_args()
    # 100,000 file names as arguments need more than the default 2 MB of argv (a quarter
    # of the stack limit), as in run_all.py
    stack = 512 * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if hard == resource.RLIM_INFINITY or hard >= stack:
        resource.setrlimit(resource.RLIMIT_STACK, (stack, hard))
    sizes = [int(n) for n in args.sizes.split(",")]
    series, before = [], []
    for size in sizes:
        if args.build_only:
            print(ready_desk(size), flush=True)
            continue
        if args.before:
            before.append((size, run_size(size, args.digest, args.before, " (before)")))
        series.append((size, run_size(size, args.digest, args.src)))
    if len(before) > 1:
        print(f"draft --provider none (before): {growth(before)}; {cpu_growth(before)}")
    if len(series) > 1:
        print(f"draft --provider none: {growth(series)}; {cpu_growth(series)}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
