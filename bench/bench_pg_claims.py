"""Claim + submit under load on SQLite and on PostgreSQL, in one run.

    eval "$(bash scripts/pg-test-server.sh start)"     # or any server: a superuser URL
    export PGPASSFILE=$TRANSDESK_TEST_PGPASSFILE
    python bench/bench_pg_claims.py [--articles 500] [--workers 16] [--duration 10]
    bash scripts/pg-test-server.sh stop

Builds one desk (bench/make_corpus.py articles, `transdesk import` on SQLite, `db copy`
to a new PostgreSQL database), then runs `--workers` processes looping next + submit
through the library for `--duration` seconds on each engine: on SQLite each process
names its translator, on PostgreSQL each is a server login of its own (translator role).
Reports submissions/s, p50/p99 of a claim, units handed out twice, history rows kept,
and the wall time of `next --json` as a fresh process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import make_corpus, start_together, transdesk


def worker(engine: str, location: str, name: str, duration: float, barrier, results) -> None:
    from transdesk import storage, workflow
    from transdesk.storage import claims

    desk = storage.open(location)
    done, errors, seen, latencies = 0, 0, [], []
    barrier.wait()
    deadline = time.time() + duration
    while time.time() < deadline:
        try:
            t0 = time.perf_counter()
            if engine == "sqlite":
                unit = workflow.next_unit(desk.db, "uk", name)
            else:
                unit = claims.next_unit(desk, "uk")
            latencies.append(time.perf_counter() - t0)
            if unit is None:
                break
            if engine == "sqlite":
                workflow.submit(desk.db, unit["id"], "uk", name, text=f"{name} {unit['id']}")
            else:
                claims.submit(desk, unit["id"], "uk", text=f"{name} {unit['id']}")
            seen.append(unit["id"])
            done += 1
        except Exception as exc:
            errors += 1
            print(f"{name}: {type(exc).__name__}: {exc}", file=sys.stderr)
    desk.close()
    results.put((done, errors, seen, latencies))


def load(engine: str, locations: list[str], duration: float) -> dict:
    outcomes, elapsed = start_together(
        worker, [(engine, loc, f"w{i:02d}", duration) for i, loc in enumerate(locations)],
        timeout=duration + 120)
    seen = [u for o in outcomes for u in o[2]]
    latencies = sorted(x for o in outcomes for x in o[3])
    return {"submissions": sum(o[0] for o in outcomes), "errors": sum(o[1] for o in outcomes),
            "twice": len(seen) - len(set(seen)), "elapsed": elapsed, "latencies": latencies}


def history_rows(location: str) -> int:
    from transdesk import storage

    desk = storage.open(location)
    try:
        statement = "SELECT count(*) FROM history WHERE lang = 'uk' AND action = 'translate'"
        if desk.engine == "sqlite":
            return desk.db.execute(statement).fetchone()[0]
        return desk.conn.execute(statement).fetchone()[0]
    finally:
        desk.close()


def next_json_wall(location: str, runs: int, env: dict) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = subprocess.run(transdesk("--db", location, "next", "--lang", "en", "--json"),
                                capture_output=True, text=True, env=env, check=False)
        times.append(time.perf_counter() - t0)
        if result.returncode:
            sys.exit(f"next --json failed: {result.stderr}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    server = os.environ.get("TRANSDESK_TEST_PG")
    if not server:
        sys.exit("set TRANSDESK_TEST_PG (a superuser URL) and PGPASSFILE: see the docstring")

    import psycopg

    from transdesk import storage, team

    work = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    corpus = make_corpus(args.articles, "--seed", "7", "--lang", "mix")
    lite = work / "desk.db"
    t0 = time.perf_counter()
    subprocess.run(transdesk("--db", str(lite), "import", "-q",
                             *sorted(str(p) for p in corpus.glob("*.txt"))), check=True)
    t1 = time.perf_counter()
    dbname = f"bench_{os.getpid()}"
    base = server.rsplit("/", 1)[0]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    pg_url = f"{base}/{dbname}"
    subprocess.run(transdesk("db", "copy", str(lite), pg_url), check=True,
                   stdout=subprocess.DEVNULL)
    t2 = time.perf_counter()
    print(f"{args.articles} articles: import on SQLite {t1 - t0:.1f} s, db copy to"
          f" PostgreSQL {t2 - t1:.1f} s")
    # one translator login per worker, passwords in a pgpass file of the run's own
    passfile = work / "pgpass"
    passfile.write_text(Path(os.environ["PGPASSFILE"]).read_text())
    passfile.chmod(0o600)
    os.environ["PGPASSFILE"] = str(passfile)
    owner = storage.open(pg_url)
    host_port = base.split("@", 1)[1]
    logins = []
    for i in range(args.workers):
        name = f"{dbname}_w{i:02d}"
        team.add(owner, name, "translator", f"pw-{i}")
        with passfile.open("a") as out:
            out.write(f"{host_port}:*:{name}:pw-{i}\n")
        logins.append(f"postgresql://{name}@{host_port}/{dbname}")
    owner.close()
    env = {**os.environ, "TRANSDESK_USER": ""}
    env.pop("TRANSDESK_USER")
    try:
        print(f"next --json, fresh process, median of {args.runs}:"
              f" SQLite {next_json_wall(str(lite), args.runs, env) * 1000:.0f} ms,"
              f" PostgreSQL {next_json_wall(logins[0], args.runs, env) * 1000:.0f} ms")
        for engine, locations in (("sqlite", [str(lite)] * args.workers),
                                  ("postgresql", logins)):
            r = load(engine, locations, args.duration)
            lat = r["latencies"]
            p50 = lat[len(lat) // 2] * 1000 if lat else 0
            p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else 0
            kept = history_rows(locations[0] if engine == "sqlite" else pg_url)
            print(f"{engine:<10} {args.workers} processes, {r['elapsed']:.1f} s:"
                  f" {r['submissions']} submissions ({r['submissions'] / r['elapsed']:.0f}/s),"
                  f" claim p50 {p50:.1f} ms p99 {p99:.1f} ms, {r['errors']} errors,"
                  f" {r['twice']} units twice, {kept} history rows")
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
            for i in range(args.workers):
                conn.execute(f'DROP ROLE IF EXISTS "{dbname}_w{i:02d}"')
            for role in ("editor", "reviewer", "translator"):
                conn.execute(f'DROP ROLE IF EXISTS "{dbname}_{role}"')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
