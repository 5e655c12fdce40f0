#!/usr/bin/env python3
"""`draft --provider none` of one desk on SQLite and on PostgreSQL (issue 12: drafts
written in batches, not three round trips each).

The desk is bench_draft_growth's (a new desk of SIZE generated articles beside the
memory of its complete twin: nearly every unit an exact memory match), copied with
`db copy` to a database of the test server; each run drafts a fresh copy (a file copy
on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL) in a child process making the
CLI's library call.  Reported per engine: wall, client CPU and peak RSS (GNU time),
the server's CPU (PostgreSQL: the draft's backend, read from /proc: the server must run
on this machine), the load average; and whether both engines wrote the same drafts
(text, status, origin, score and history row of every draft).

    source /tmp/pg-NAME.env     # scripts/pg-test-server.sh start /tmp/pg-NAME
    PGPASSFILE=$TRANSDESK_TEST_PGPASSFILE python bench/bench_draft_engines.py \
        [--size 1000] [--repeat 3] [--src OTHER/src]

``--src`` runs the drafts with another checkout's sources (e.g. main's, for a
before/after).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

from bench_draft_growth import MIGRATE, ready_desk
from bench_memory_growth import fresh
from common import Measured, drafts_digest, measure, transdesk


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process of this machine (0 when unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def child(location: str) -> None:
    """The draft as the CLI runs it (`draft --lang en --provider none`), then the CPU
    its server backend used (the server runs on this machine)."""
    from transdesk import storage
    from transdesk.draft import draft

    desk = storage.open(location)
    backend = (desk.execute("SELECT pg_backend_pid()").fetchone()[0]
               if desk.engine == "postgresql" else None)
    import inspect

    plain = ({"keep_misses": False} if "keep_misses" in inspect.signature(draft).parameters
             else {})  # (older sources, --src, have no such option)
    print(draft(desk, "en", provider="none", **plain).summary())
    print(f"server-cpu {process_cpu(backend) if backend else 0.0:.3f}")
    desk.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--src", type=Path, help="run the drafts with these sources")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    server = os.environ.get("TRANSDESK_TEST_PG")
    if not server:
        sys.exit("set TRANSDESK_TEST_PG and PGPASSFILE: see the docstring")
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    import psycopg

    ready = ready_desk(args.size)
    base = server.rsplit("/", 1)[0]
    template = f"draft_ready_{os.getpid()}"
    run_db = f"draft_run_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{template}"')
    # from a copy, by the code under test: opening the source applies pending
    # migrations, which must neither change the cached desk nor be unknown to --src
    source = ready.parent / "engines-source.db"
    fresh(source)
    shutil.copyfile(ready, source)
    measure(transdesk("db", "copy", str(source), f"{base}/{template}"), env=env)
    fresh(source)
    with psycopg.connect(f"{base}/{template}", autocommit=True) as conn:
        # a desk in service: hint bits set, visibility map and statistics current (a
        # fresh copy's first readers would pay for those, at random, in the runs)
        conn.execute("VACUUM (FREEZE, ANALYZE)")
    lite = ready.parent / "engines.db"
    results: dict[str, list[tuple[Measured, float]]] = {"sqlite": [], "postgresql": []}
    digests: dict[str, tuple[int, str]] = {}
    try:
        for _ in range(args.repeat):
            fresh(lite)
            shutil.copyfile(ready, lite)
            measure([sys.executable, "-c", MIGRATE, str(lite)], env=env)  # not timed
            m = measure([sys.executable, __file__, "--child", str(lite)], env=env)
            results["sqlite"].append((m, 0.0))
            digests["sqlite"] = drafts_digest(str(lite))
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{run_db}" TEMPLATE "{template}"')
            m = measure([sys.executable, __file__, "--child", f"{base}/{run_db}"], env=env)
            results["postgresql"].append((m, float(m.stdout.split("server-cpu ")[1])))
            digests["postgresql"] = drafts_digest(f"{base}/{run_db}")
            print(f"  sqlite {results['sqlite'][-1][0].wall:.2f} s, postgresql"
                  f" {m.wall:.2f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        fresh(lite)
        with psycopg.connect(server, autocommit=True) as conn:
            for name in (run_db, template):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                for role in ("editor", "reviewer", "translator"):
                    conn.execute(f'DROP ROLE IF EXISTS "{name}_{role}"')
    print(f"draft --provider none, {args.size} articles, median of {args.repeat}"
          f"{' (sources ' + str(args.src) + ')' if args.src else ''}:")
    walls = {}
    for engine, runs in results.items():
        wall = statistics.median(m.wall for m, _ in runs)
        cpu = statistics.median(m.cpu for m, _ in runs)
        server_s = statistics.median(s for _, s in runs)
        peak = max(m.peak_mb for m, _ in runs)
        walls[engine] = wall
        print(f"  {engine:<10} wall {wall:6.2f} s  client CPU {cpu:6.2f} s"
              + (f"  server CPU {server_s:6.2f} s" if engine == "postgresql" else "")
              + f"  peak {peak:5.0f} MB  {digests[engine][0]} drafts")
    print(f"  PostgreSQL / SQLite wall: {walls['postgresql'] / walls['sqlite']:.2f}x;"
          f" same drafts: {digests['sqlite'] == digests['postgresql']};"
          f" load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
