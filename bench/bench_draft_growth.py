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
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import sys
from pathlib import Path

from bench_memory_growth import fresh, import_all, memory_tmx
from common import OUT, Measured, measure, transdesk
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


def drafts_digest(path: Path) -> tuple[int, str]:
    """(drafts, sha256) of the draft rows and their history rows, in unit order."""
    import sqlite3

    conn = sqlite3.connect(path)
    digest = hashlib.sha256()
    count = 0
    for row in conn.execute(
            "SELECT t.unit_id, t.lang, t.text, t.status, t.origin, t.score, h.action,"
            " h.old_text, h.new_text, h.old_status, h.new_status, h.note, h.score,"
            " h.old_origin, h.old_score FROM translations t JOIN history h"
            " ON h.unit_id = t.unit_id AND h.lang = t.lang WHERE t.status = 'draft'"
            " ORDER BY t.unit_id, t.lang, h.id"):
        digest.update(repr(row).encode())
        count += 1
    conn.close()
    return count, digest.hexdigest()


def run_size(size: int, digest: bool, src: Path | None = None) -> Measured:
    ready = ready_desk(size)
    run = ready.parent / "run.db"
    fresh(run)
    shutil.copyfile(ready, run)
    env = dict(os.environ, PYTHONPATH=str(src.resolve())) if src else None
    measured = measure(transdesk("--db", str(run), "draft", "--lang", "en", "--provider",
                                 "none"), ok=(0, 1), env=env)
    line = (f"{size:>7} articles  draft --provider none {measured.wall:8.2f} s wall"
            f" {measured.cpu:8.2f} s CPU {measured.peak_mb:7.1f} MB peak"
            f" (load {os.getloadavg()[0]:.1f})")
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
    args = parser.parse_args()
    # 100,000 file names as arguments need more than the default 2 MB of argv (a quarter
    # of the stack limit), as in run_all.py
    stack = 512 * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if hard == resource.RLIM_INFINITY or hard >= stack:
        resource.setrlimit(resource.RLIMIT_STACK, (stack, hard))
    sizes = [int(n) for n in args.sizes.split(",")]
    series = []
    for size in sizes:
        if args.build_only:
            print(ready_desk(size), flush=True)
            continue
        series.append((size, run_size(size, args.digest, args.src)))
    if len(series) > 1:
        print(f"draft --provider none: {growth(series)}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
