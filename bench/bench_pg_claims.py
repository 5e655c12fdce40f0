"""Claim + submit under load on SQLite and on PostgreSQL, in one run.

    eval "$(bash scripts/pg-test-server.sh start)"     # or any server: a superuser URL
    export PGPASSFILE=$TRANSDESK_TEST_PGPASSFILE
    python bench/bench_pg_claims.py [--articles 500] [--workers 16] [--duration 10]
                                    [--kills 5] [--kill-duration 30]
                                    [--sqlite DESK.db --postgres URL]
    bash scripts/pg-test-server.sh stop

Builds one desk (bench/make_corpus.py articles, `transdesk import` on SQLite, `db copy`
to a new PostgreSQL database), then runs `--workers` processes looping next + submit
through the library for `--duration` seconds on each engine: on SQLite each process
names its translator, on PostgreSQL each is a server login of its own (translator role)
working through `claims.ReconnectingWork`, as the interactive `next` does. Then, with
`--kills`, one more PostgreSQL run during which that many of the load's backends are
terminated (pg_terminate_backend), one at a time: the processes reconnect and go on.

Reports submissions/s, p50/p99 of a claim, units handed out twice, submissions lost
(a unit whose text is not the one its process saved), submissions with exactly one
history row, reconnections, and the load average at the end of each run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import make_corpus, start_together, transdesk


def worker(engine: str, location: str, name: str, duration: float, barrier, results) -> None:
    """Loop next + submit for `duration` seconds. On PostgreSQL through the library's
    `ReconnectingWork` (what the interactive `next` uses): a terminated backend costs a
    reconnection and one repeated call, never a unit."""
    from transdesk import storage, workflow
    from transdesk.storage import claims

    desk = storage.open(location)
    reconnects: list[str] = []
    work = (claims.ReconnectingWork(desk, reconnected=reconnects.append)
            if engine == "postgresql" else None)
    done, errors, submitted, latencies = 0, 0, [], []
    barrier.wait()
    deadline = time.time() + duration
    while time.time() < deadline:
        try:
            t0 = time.perf_counter()
            if work is None:
                unit = workflow.next_unit(desk.db, "uk", name)
            else:
                unit = work.next_unit(None, "uk", name)
            latencies.append(time.perf_counter() - t0)
            if unit is None:
                break
            text = f"{name} {unit['id']}"
            if work is None:
                workflow.submit(desk.db, unit["id"], "uk", name, text=text)
            else:
                work.submit(None, unit["id"], "uk", name, text=text)
            submitted.append((unit["id"], text))
            done += 1
        except Exception as exc:
            errors += 1
            print(f"{name}: {type(exc).__name__}: {exc}", file=sys.stderr)
    (work.desk if work is not None else desk).close()
    results.put((done, errors, submitted, latencies, len(reconnects)))


def killer(server: str, dbname: str, duration: float, kills: int, stop) -> None:
    """Terminate `kills` of the load's backends (pg_terminate_backend), one every
    duration / (kills + 1) seconds."""
    import random

    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        for _ in range(kills):
            if stop.wait(duration / (kills + 1)):
                return
            pids = [row[0] for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s"
                " AND application_name = 'transdesk' AND pid <> pg_backend_pid()", [dbname])]
            if pids:
                conn.execute("SELECT pg_terminate_backend(%s)", [random.choice(pids)])


def load(engine: str, locations: list[str], duration: float,
         kill: tuple[str, str, int] | None = None) -> dict:
    import threading

    stop = threading.Event()
    thread = None
    if kill is not None:
        thread = threading.Thread(target=killer, args=(*kill[:2], duration, kill[2], stop))
        thread.start()
    try:
        outcomes, elapsed = start_together(
            worker, [(engine, loc, f"w{i:02d}", duration) for i, loc in enumerate(locations)],
            timeout=duration + 120)
    finally:
        stop.set()
        if thread is not None:
            thread.join()
    submitted = [pair for o in outcomes for pair in o[2]]
    units = [unit for unit, _text in submitted]
    latencies = sorted(x for o in outcomes for x in o[3])
    return {"submissions": sum(o[0] for o in outcomes), "errors": sum(o[1] for o in outcomes),
            "twice": len(units) - len(set(units)), "elapsed": elapsed, "latencies": latencies,
            "submitted": dict(submitted), "reconnects": sum(o[4] for o in outcomes)}


def kept(location: str, submitted: dict[int, str]) -> tuple[int, int]:
    """Of the submissions the processes made: how many the desk holds (the text as sent),
    and how many have their history row (exactly one each)."""
    from transdesk import storage

    desk = storage.open(location)
    try:
        ids = list(submitted)
        rows = []
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            marks = ",".join("?" * len(chunk))
            rows += desk.execute(
                f"SELECT t.unit_id, t.text, (SELECT count(*) FROM history h WHERE"
                f" h.unit_id = t.unit_id AND h.lang = 'uk' AND h.action = 'translate')"
                f" FROM translations t WHERE t.lang = 'uk' AND t.unit_id IN ({marks})",
                chunk).fetchall()
    finally:
        desk.close()
    held = sum(1 for unit, text, _n in rows if submitted[unit] == text)
    with_history = sum(1 for _unit, _text, n in rows if n == 1)
    return held, with_history


def report(label: str, workers: int, r: dict, location: str) -> None:
    lat = r["latencies"]
    p50 = lat[len(lat) // 2] * 1000 if lat else 0
    p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else 0
    held, with_history = kept(location, r["submitted"])
    lost = len(r["submitted"]) - held
    print(f"{label:<22} {workers} processes, {r['elapsed']:.1f} s:"
          f" {r['submissions']} submissions ({r['submissions'] / r['elapsed']:.0f}/s),"
          f" claim p50 {p50:.1f} ms p99 {p99:.1f} ms, {r['errors']} errors,"
          f" {r['twice']} units twice, {lost} submissions lost,"
          f" {with_history}/{len(r['submitted'])} with their history row"
          + (f", {r['reconnects']} reconnections" if r["reconnects"] else "")
          + f"; load average {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--kills", type=int, default=5,
                        help="backends terminated during a further PostgreSQL run (0: none)")
    parser.add_argument("--kill-duration", type=float, default=30.0)
    parser.add_argument("--sqlite", help="an existing SQLite desk to load (with --postgres:"
                        " its copy on the server), e.g. the million units of"
                        " bench_next_json.py, instead of importing --articles")
    parser.add_argument("--postgres", help="the PostgreSQL URL of that desk's copy")
    args = parser.parse_args()
    server = os.environ.get("TRANSDESK_TEST_PG")
    if not server:
        sys.exit("set TRANSDESK_TEST_PG (a superuser URL) and PGPASSFILE: see the docstring")

    import psycopg

    from transdesk import storage, team

    work = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    base = server.rsplit("/", 1)[0]
    if args.sqlite and args.postgres:  # two copies of one desk, built before
        lite, pg_url, own_database = Path(args.sqlite), args.postgres, False
        dbname = pg_url.rsplit("/", 1)[1]
        print(f"desks: {lite} and {pg_url}")
    else:
        corpus = make_corpus(args.articles, "--seed", "7", "--lang", "mix")
        lite = work / "desk.db"
        t0 = time.perf_counter()
        subprocess.run(transdesk("--db", str(lite), "import", "-q",
                                 *sorted(str(p) for p in corpus.glob("*.txt"))), check=True)
        t1 = time.perf_counter()
        dbname, own_database = f"bench_{os.getpid()}", True
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        pg_url = f"{base}/{dbname}"
        subprocess.run(transdesk("db", "copy", str(lite), pg_url), check=True,
                       stdout=subprocess.DEVNULL)
        t2 = time.perf_counter()
        print(f"{args.articles} articles: import on SQLite {t1 - t0:.1f} s, db copy to"
              f" PostgreSQL {t2 - t1:.1f} s")
    prefix = f"load{os.getpid()}"
    # one translator login per worker, passwords in a pgpass file of the run's own
    passfile = work / "pgpass"
    passfile.write_text(Path(os.environ["PGPASSFILE"]).read_text())
    passfile.chmod(0o600)
    os.environ["PGPASSFILE"] = str(passfile)
    owner = storage.open(pg_url)
    host_port = base.split("@", 1)[1]
    logins = []
    for i in range(args.workers):
        name = f"{prefix}_w{i:02d}"
        team.add(owner, name, "translator", f"pw-{i}")
        with passfile.open("a") as out:
            out.write(f"{host_port}:*:{name}:pw-{i}\n")
        logins.append(f"postgresql://{name}@{host_port}/{dbname}")
    owner.close()
    try:
        for engine, locations in (("sqlite", [str(lite)] * args.workers),
                                  ("postgresql", logins)):
            r = load(engine, locations, args.duration)
            report(engine, args.workers, r, locations[0] if engine == "sqlite" else pg_url)
        if args.kills:
            r = load("postgresql", logins, args.kill_duration, (server, dbname, args.kills))
            report(f"postgresql, {args.kills} killed", args.workers, r, pg_url)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            if own_database:
                conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
                for role in ("editor", "reviewer", "translator"):
                    conn.execute(f'DROP ROLE IF EXISTS "{dbname}_{role}"')
            for i in range(args.workers):
                name = f"{prefix}_w{i:02d}"
                if not own_database:
                    with psycopg.connect(pg_url, autocommit=True) as desk_conn:
                        desk_conn.execute(f'REASSIGN OWNED BY "{name}" TO CURRENT_USER')
                        desk_conn.execute(f'DROP OWNED BY "{name}"')
                conn.execute(f'DROP ROLE IF EXISTS "{name}"')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
