"""Import speed: one article cold (a desk), and an archive in one command, against
translate-toolkit's txt2po converting the same files, in one run.

    python bench/bench_import.py [--articles 10000]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from common import make_corpus, row, timed, transdesk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the cold single import")
    parser.add_argument("--bulk-repeat", type=int, default=3,
                        help="runs of the archive import and of txt2po (median)")
    args = parser.parse_args()
    corpus = make_corpus(args.articles, "--lang", "mix")
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    size = sum(Path(f).stat().st_size for f in files)
    work = Path(tempfile.mkdtemp(prefix="transdesk-bench-"))
    db = work / "bench.db"

    def fresh_db() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    print(f"corpus: {len(files)} articles, {size / 1e6:.1f} MB ({corpus})")
    help_s = timed(transdesk("--help"), repeat=args.repeat)
    row("transdesk --help", help_s, "(target < 0.3 s)")
    single = timed(transdesk("--db", str(db), "import", files[0]), repeat=args.repeat,
                   setup=fresh_db)
    row("transdesk import ONE-ARTICLE (cold, new db)", single, "(target < 0.5 s)")

    bulk = timed(transdesk("--db", str(db), "import", "-q", *files), repeat=args.bulk_repeat,
                 setup=fresh_db)
    with sqlite3.connect(db) as conn:
        units = conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    row(f"transdesk import {len(files)} articles", bulk, f"({units} units)")
    reimport = timed(transdesk("--db", str(db), "import", "-q", *files))
    row(f"transdesk import {len(files)} articles again (unchanged)", reimport)

    po_dir = work / "po"
    txt2po = timed(["txt2po", "--progress=none", "-i", str(corpus), "-o", str(po_dir)],
                   repeat=args.bulk_repeat, setup=lambda: shutil.rmtree(po_dir, ignore_errors=True),
                   stderr=subprocess.DEVNULL)
    row(f"txt2po {len(files)} articles", txt2po)
    print(f"ratio import / txt2po: {bulk / txt2po:.2f}x (target <= 2x, parity the aim)")
    print(f"units/s through import: {units / bulk:,.0f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
