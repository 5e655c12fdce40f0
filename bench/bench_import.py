"""Import speed against translate-toolkit's txt2po on the same files, in one run: one
article into a new desk and into a desk holding the archive, and the archive in one
command, given by its folder as txt2po takes it (wall, CPU, peak memory); with `--db`
the archive again into a new PostgreSQL database of that server.

    python bench/bench_import.py [--articles 10000] [--db postgresql://USER@HOST:PORT/postgres]

`--db` is a superuser (or CREATEDB) URL of the server without a password (libpq finds
it: PGPASSFILE, ~/.pgpass); the test server of scripts/pg-test-server.sh gives one:
    eval "$(bash scripts/pg-test-server.sh start)"; export PGPASSFILE=$TRANSDESK_TEST_PGPASSFILE
    python bench/bench_import.py --db "$TRANSDESK_TEST_PG"
Each PostgreSQL run imports into a database of its own, dropped afterwards. The machine
may be shared: CPU times (the command and its worker processes; the server's own work
is not in them) are printed beside wall times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from common import Measured, make_corpus, measure, tool, transdesk


def median_of(runs: list[Measured]) -> Measured:
    return Measured(statistics.median(r.wall for r in runs),
                    statistics.median(r.cpu for r in runs),
                    max(r.peak_mb for r in runs))


def repeat(cmd: list[str], times: int, setup=None) -> Measured:
    runs = []
    for _ in range(times):
        if setup:
            setup()
        runs.append(measure(cmd))
    return median_of(runs)


def show(label: str, m: Measured, peer: Measured | None = None) -> None:
    ratio = (f"  {m.wall / peer.wall:5.2f}x wall  {m.cpu / peer.cpu:5.2f}x CPU"
             if peer else "")
    print(f"  {label:<46} {m.wall:8.3f} s wall {m.cpu:8.3f} s CPU {m.peak_mb:6.0f} MB{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of each one-article import (0: none)")
    parser.add_argument("--bulk-repeat", type=int, default=3,
                        help="runs of the archive import and of txt2po (median)")
    parser.add_argument("--db", metavar="URL",
                        help="a PostgreSQL server (superuser URL): import the archive there too")
    args = parser.parse_args()
    # start-up as installed: bytecode written and read (some shells set this)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import compileall
    from importlib.util import find_spec

    spec = find_spec("transdesk")
    if spec and spec.origin:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)
    corpus = make_corpus(args.articles, "--lang", "mix")
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    size = sum(Path(f).stat().st_size for f in files)
    work = Path(tempfile.mkdtemp(prefix="transdesk-bench-"))
    db = work / "bench.db"
    one = work / "one" / "one-more-article.txt"  # an article the archive does not hold
    one.parent.mkdir()
    shutil.copy(files[0], one)
    po_dir = work / "po"

    def fresh_db(path: Path = db) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def no_po() -> None:
        shutil.rmtree(po_dir, ignore_errors=True)

    print(f"corpus: {len(files)} articles, {size / 1e6:.1f} MB ({corpus});"
          f" load average {os.getloadavg()[0]:.1f}")
    if args.repeat:
        show("transdesk --help", repeat(transdesk("--help"), args.repeat))
    txt2po_one = repeat([tool("txt2po"), "--progress=none", "-i", str(one), "-o",
                         str(po_dir / "one.po")], max(args.repeat, 1), setup=no_po)
    if args.repeat:
        show("txt2po ONE article", txt2po_one)
        show("import ONE article, new desk",
             repeat(transdesk("--db", str(db), "import", str(one)), args.repeat,
                    setup=fresh_db), txt2po_one)

    # the archive by its folder, as txt2po takes it (10,000 names on the command line
    # cost the interpreter ~20 MB at start-up; 100,000 exceed what the system passes),
    # taking turns with txt2po (the machine's speed drifts between minutes)
    peer_runs, our_runs = [], []
    for _ in range(args.bulk_repeat):
        no_po()
        peer_runs.append(measure([tool("txt2po"), "--progress=none", "-i", str(corpus),
                                  "-o", str(po_dir)]))
        fresh_db()
        our_runs.append(measure(transdesk("--db", str(db), "import", "-q", str(corpus))))
    txt2po, bulk = median_of(peer_runs), median_of(our_runs)
    show(f"txt2po {len(files)} articles", txt2po)
    with sqlite3.connect(db) as conn:
        units = conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    show(f"import {len(files)} articles (SQLite, {units} units)", bulk, txt2po)
    show(f"import {len(files)} articles again (unchanged)",
         measure(transdesk("--db", str(db), "import", "-q", str(corpus))))

    copy = work / "copy.db"

    def desk_copy() -> None:
        fresh_db(copy)
        shutil.copy(db, copy)
        # on disk before the timed run: the import's checkpoint syncs the file, and would
        # otherwise wait for the copy's 200 MB of dirty pages (~70 ms of its wall time)
        handle = os.open(copy, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)

    if args.repeat:
        # taking turns with txt2po (a machine's speed drifts over a minute), each run on a
        # desk at rest: copied, synced, then a second for the disk to settle, as a
        # newsroom's desk is (not 200 MB written a moment before)
        ours, theirs = [], []
        for _ in range(args.repeat):
            desk_copy()
            os.sync()
            time.sleep(1.0)
            ours.append(measure(transdesk("--db", str(copy), "import", str(one))))
            no_po()
            theirs.append(measure([tool("txt2po"), "--progress=none", "-i", str(one), "-o",
                                   str(po_dir / "one.po")]))
        show("txt2po ONE article (taking turns with the next row)", median_of(theirs))
        show(f"import ONE article into the desk of {len(files)}", median_of(ours),
             median_of(theirs))
    if args.db:
        pg = bench_postgres(args.db, files, args.bulk_repeat)
        show(f"import {len(files)} articles (PostgreSQL)", pg, bulk)
        print("  (ratio against the SQLite import above)")
    shutil.rmtree(work, ignore_errors=True)


def bench_postgres(server: str, files: list[str], times: int) -> Measured:
    """The archive imported into a new database of the server, `times` times."""
    import psycopg

    base = server.rsplit("/", 1)[0]
    runs = []
    for n in range(times):
        dbname = f"bench_import_{os.getpid()}_{n}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        try:
            # the schema first (not timed: SQLite's is a fraction of a second, as here)
            measure(transdesk("--db", f"{base}/{dbname}", "articles"))
            runs.append(measure(transdesk("--db", f"{base}/{dbname}", "import", "-q",
                                          os.path.dirname(files[0]))))
        finally:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
                for role in ("editor", "reviewer", "translator"):
                    conn.execute(f'DROP ROLE IF EXISTS "{dbname}_{role}"')
    return median_of(runs)


if __name__ == "__main__":
    main()
