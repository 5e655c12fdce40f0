"""`next --json` on a desk of a million units: SQLite and PostgreSQL in one run.

    eval "$(bash scripts/pg-test-server.sh start)"     # or any server: a superuser URL
    export PGPASSFILE=$TRANSDESK_TEST_PGPASSFILE
    python bench/bench_next_json.py [--units 1000000] [--articles 2000] [--runs 9]

Building (once, kept in --workdir and in the database `bench_next_<units>`; --rebuild
makes both again): bench/make_corpus.py writes `--articles` articles, `transdesk import`
imports them into a SQLite desk, `transdesk db copy` copies that desk to a new
PostgreSQL database, then the same SQL on both engines copies those articles (new
article ids `<id>-cK`, new unit ids, their translation rows) until the unit count is
reached: real rows in the real schema, indexed like imported ones.

Measured: the wall time of `python -m transdesk next --lang en --json` as a fresh
process (process start, connecting, claiming, printing), the engines taking turns, each
run claiming a fresh unit (SQLite: `--as` a new name; PostgreSQL: a translator login of
its own per run, as each person has). Also the plan of the queue query on each engine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import make_corpus, transdesk

COPY_STRIDE = 10_000_000  # unit ids of copy K: id + K * COPY_STRIDE


def _columns(cur, table: str, engine: str) -> list[str]:
    if engine == "sqlite":
        return [row[1] for row in cur.execute(f"PRAGMA table_info({table})")]
    cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " ORDER BY ordinal_position", [table])
    return [row[0] for row in cur.fetchall()]


def replicate(cur, engine: str, copies: int) -> None:
    """Copy the base articles `copies` times (same SQL on both engines but for the
    placeholder and the cast)."""
    p = "?" if engine == "sqlite" else "%s"
    k = p if engine == "sqlite" else "%s::text"
    renamed = {
        "articles": {"id": f"id || '-c' || {k}"},
        "units": {"id": f"id + {p} * {COPY_STRIDE}", "article_id": f"article_id || '-c' || {k}"},
        "translations": {"unit_id": f"unit_id + {p} * {COPY_STRIDE}",
                         "article_id": f"article_id || '-c' || {k}"},
    }
    base = {"articles": f"id NOT LIKE {p}", "units": f"id < {COPY_STRIDE}",
            "translations": f"unit_id < {COPY_STRIDE}"}
    for n in range(1, copies + 1):
        for table in ("articles", "units", "translations"):
            cols = _columns(cur, table, engine)
            exprs, params = [], []
            for col in cols:
                if col in renamed[table]:
                    exprs.append(renamed[table][col])
                    params.append(n)
                else:
                    exprs.append(col)
            params.append("%-c%" if table == "articles" else None)
            if params[-1] is None:
                params.pop()
            cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)}"
                        f" FROM {table} WHERE {base[table]}", params)


def build(workdir: Path, units: int, articles: int, server: str, rebuild: bool) -> tuple[Path, str]:
    import psycopg

    lite = workdir / f"next-{units}.db"
    dbname = f"bench_next_{units}"
    pg_url = f"{server.rsplit('/', 1)[0]}/{dbname}"
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [dbname]).fetchone()
        if lite.exists() and exists and not rebuild:
            print(f"reusing {lite} and {dbname}")
            return lite, pg_url
        if exists:
            conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    for suffix in ("", "-wal", "-shm"):
        Path(f"{lite}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    corpus = make_corpus(articles, "--seed", "7", "--lang", "mix")
    subprocess.run(transdesk("--db", str(lite), "import", "-q",
                             *sorted(str(p) for p in corpus.glob("*.txt"))), check=True)
    subprocess.run(transdesk("db", "copy", str(lite), pg_url), check=True,
                   stdout=subprocess.DEVNULL)
    t1 = time.perf_counter()
    conn = sqlite3.connect(lite)
    base_units = conn.execute("SELECT count(*) FROM units").fetchone()[0]
    copies = max(0, -(-units // base_units) - 1)
    with conn:
        replicate(conn.cursor(), "sqlite", copies)
    conn.execute("ANALYZE")
    total = conn.execute("SELECT count(*) FROM units").fetchone()[0]
    conn.close()
    t2 = time.perf_counter()
    with psycopg.connect(pg_url) as pg:
        with pg.cursor() as cur:
            replicate(cur, "postgresql", copies)
            cur.execute("SELECT setval(pg_get_serial_sequence('units', 'id'),"
                        " (SELECT max(id) FROM units))")
        pg.commit()
    with psycopg.connect(pg_url, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    t3 = time.perf_counter()
    print(f"built: {articles} articles imported and copied to PostgreSQL {t1 - t0:.0f} s;"
          f" {copies} copies: SQLite {t2 - t1:.0f} s, PostgreSQL {t3 - t2:.0f} s;"
          f" {total} units")
    return lite, pg_url


def pg_plan(pg_url: str) -> list[str]:
    """The plans of the statements `transdesk_next` runs (auto_explain, nested)."""
    from transdesk import storage
    from transdesk.storage import claims

    desk = storage.open(pg_url)
    try:
        return claims.next_unit_plan(desk, "en")
    finally:
        desk.close()


def sqlite_plan(lite: Path) -> list[str]:
    from transdesk.db import open_db
    from transdesk.storage import claims

    db = open_db(lite)
    try:
        return claims.sqlite_next_unit_plan(db, "en")
    finally:
        db.close()


def run_next(location: str, env: dict, *extra: str) -> tuple[float, float]:
    """Wall time and CPU time (user + system, of the client process alone) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = subprocess.run(transdesk("--db", location, "next", "--lang", "en", "--json",
                                      *extra), capture_output=True, text=True, env=env,
                            check=False)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode or not json.loads(result.stdout):
        sys.exit(f"next --json failed on {location}: {result.stderr or result.stdout}")
    return seconds, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/transdesk-bench-next"))
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    server = os.environ.get("TRANSDESK_TEST_PG")
    if not server:
        sys.exit("set TRANSDESK_TEST_PG (a superuser URL) and PGPASSFILE: see the docstring")
    args.workdir.mkdir(parents=True, exist_ok=True)
    lite, pg_url = build(args.workdir, args.units, args.articles, server, args.rebuild)
    if args.build_only:
        return

    from transdesk import storage, team

    print("SQLite queue plan:", " | ".join(sqlite_plan(lite)))
    print("PostgreSQL queue plan:", " | ".join(pg_plan(pg_url)))
    # one translator login per run, its password in a pgpass file of the run's own
    passfile = args.workdir / "pgpass"
    shutil.copyfile(os.environ["PGPASSFILE"], passfile)
    passfile.chmod(0o600)
    host_port = pg_url.split("@", 1)[1].rsplit("/", 1)[0]
    dbname = pg_url.rsplit("/", 1)[1]
    owner = storage.open(pg_url)
    logins = []
    stamp = int(time.time()) % 100000
    for i in range(args.runs):
        name = f"nx{stamp}_{i}"
        team.add(owner, name, "translator", f"pw-{i}")
        with passfile.open("a") as out:
            out.write(f"{host_port}:*:{name}:pw-{i}\n")
        logins.append(f"postgresql://{name}@{host_port}/{dbname}")
    owner.close()
    env = {**os.environ, "PGPASSFILE": str(passfile)}
    env.pop("TRANSDESK_USER", None)
    lite_times, pg_times = [], []
    try:
        run_next(str(lite), env, "--as", "warm-up")  # the page cache, both engines
        run_next(logins[0], env)
        for i in range(args.runs):
            lite_times.append(run_next(str(lite), env, "--as", f"nx{stamp}_{i}"))
            pg_times.append(run_next(logins[i], env))
    finally:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("UPDATE translations SET claimed_by = NULL, claim_expires = NULL,"
                         " claimed_at = NULL WHERE claimed_by IS NOT NULL")
            for i in range(args.runs):
                conn.execute(f'REASSIGN OWNED BY "nx{stamp}_{i}" TO CURRENT_USER')
                conn.execute(f'DROP OWNED BY "nx{stamp}_{i}"')
                conn.execute(f'DROP ROLE IF EXISTS "nx{stamp}_{i}"')
        lite_conn = sqlite3.connect(lite)
        with lite_conn:
            lite_conn.execute("UPDATE translations SET claimed_by = NULL, claim_expires = NULL,"
                              " claimed_at = NULL WHERE claimed_by IS NOT NULL")
        lite_conn.close()
    s, p = (statistics.median(t for t, _cpu in lite_times),
            statistics.median(t for t, _cpu in pg_times))
    s_cpu, p_cpu = (statistics.median(c for _t, c in lite_times),
                    statistics.median(c for _t, c in pg_times))
    print(f"next --json, fresh process, median of {args.runs} (engines taking turns):"
          f" SQLite {s * 1000:.0f} ms (min {min(lite_times)[0] * 1000:.0f}),"
          f" PostgreSQL {p * 1000:.0f} ms (min {min(pg_times)[0] * 1000:.0f}): {p / s:.2f}x;"
          f" client CPU SQLite {s_cpu * 1000:.0f} ms, PostgreSQL {p_cpu * 1000:.0f} ms;"
          f" load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
