"""Benchmark of the translator workflow on a database of about a million units.

    python bench/bench_workflow.py [--workdir DIR] [--units 1000000] [--duration 60]

Building the database: bench/make_corpus.py writes N articles (about 27
units each), `transdesk import -q` imports them, then SQL copies those articles (new
article ids `<id>-cK`, new unit ids, their translation rows) until the unit count is
reached. The copies are real rows in the real schema, indexed like imported ones; only
the segmentation work is not repeated. The database is kept in the work directory and
reused (`--rebuild` makes it again).

Measured: `next --json`, `submit` and `status` as separate processes (a fresh Python
each time, median of `--runs`); then `--workers` processes looping claim + submit
through the library, each with its own connection, for `--duration` seconds.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import MAKE_CORPUS, start_together, stopwatch

# every column of a translation row; the copies take all but the first three as they are
TRANSLATION_COLUMNS = (
    "unit_id, lang, article_id, position, obsolete, text, status, origin, score, translator,"
    " claimed_by, claim_expires, created_at, updated_at, priority, due, claimed_at"
)


def transdesk(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "transdesk", "--db", str(db), *args],
                          capture_output=True, text=True, check=False)


def build(workdir: Path, units: int, articles: int, rebuild: bool) -> Path:
    db = workdir / "workflow.db"
    if db.exists() and not rebuild:
        print(f"reusing {db}")
        return db
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    corpus = workdir / f"corpus-{articles}"
    t0 = time.perf_counter()
    if not corpus.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(articles),
                        "--seed", "7", "--lang", "mix", str(corpus)], check=True)
    t1 = time.perf_counter()
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    result = transdesk(db, "import", "-q", *files)
    if result.returncode:
        sys.exit(f"import failed: {result.stderr}")
    t2 = time.perf_counter()
    print(f"corpus {articles} articles: {t1 - t0:.1f} s; import: {t2 - t1:.1f} s"
          f" ({result.stdout.strip()})")
    conn = sqlite3.connect(db)
    base = conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    copies = max(0, -(-units // base) - 1)
    with conn:
        for k in range(1, copies + 1):
            offset = k * 10_000_000
            conn.execute(
                "INSERT INTO articles (id, source_lang, targets, title, layout, encoding, bom,"
                " source_sha256, created_at, updated_at) SELECT id || '-c' || ?, source_lang,"
                " targets, title, layout, encoding, bom, source_sha256, created_at, updated_at"
                " FROM articles"
                " WHERE id IN (SELECT article_id FROM units WHERE id < 10000000)", [k])
            conn.execute(
                "INSERT INTO units (id, article_id, key, kind, paragraph, position, source,"
                " words, obsolete, created_at, updated_at) SELECT id + ?, article_id || '-c' || ?,"
                " key, kind, paragraph, position, source, words, obsolete, created_at,"
                " updated_at FROM units"
                " WHERE id < 10000000", [offset, k])
            conn.execute(
                f"INSERT INTO translations ({TRANSLATION_COLUMNS}) SELECT unit_id + ?, lang,"
                " article_id || '-c' || ?,"
                + TRANSLATION_COLUMNS.split(", ", 3)[3]
                + " FROM translations WHERE unit_id < 10000000", [offset, k])
    conn.execute("ANALYZE")
    total = conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    rows = conn.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    conn.close()
    print(f"copied {copies}x: {total} units, {rows} translation rows"
          f" (build total {time.perf_counter() - t0:.1f} s)")
    return db


def timed(db: Path, runs: int, make_args) -> list[float]:
    times = []
    for i in range(runs):
        args = make_args(i)
        with stopwatch() as watch:
            result = transdesk(db, *args)
        times.append(watch.seconds)
        if result.returncode:
            sys.exit(f"{args} failed: {result.stderr}")
    return times


def report(name: str, times: list[float]) -> None:
    print(f"  {name:<32} median {statistics.median(times) * 1000:7.0f} ms"
          f"  (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, n={len(times)})")


def cli_timings(db: Path, runs: int) -> None:
    import json

    print("one process per command (python -m transdesk ...):")
    report("--help", timed(db, runs, lambda i: ["--help"]))
    claimed: list[int] = []

    def next_args(i: int) -> list[str]:
        return ["next", "--lang", "en", "--json", "--as", f"bench{i}"]

    times = []
    for i in range(runs):
        with stopwatch() as watch:
            result = transdesk(db, *next_args(i))
        times.append(watch.seconds)
        claimed.append(json.loads(result.stdout)["id"])
    report("next --lang en --json", times)
    report("submit UNIT --lang en --text T",
           timed(db, runs, lambda i: ["submit", str(claimed[i]), "--lang", "en", "--text",
                                      f"bench text {i}", "--as", f"bench{i}"]))
    article = sqlite3.connect(db).execute("SELECT id FROM articles LIMIT 1").fetchone()[0]
    report(f"status {article}", timed(db, runs, lambda i: ["status", article]))
    report("log --limit 20", timed(db, runs, lambda i: ["log", "--limit", "20"]))
    report("status (every article)", timed(db, max(1, runs // 2), lambda i: ["status"]))


def worker(db_path: str, name: str, duration: float, barrier, results) -> None:
    from transdesk import workflow
    from transdesk.db import open_db

    db = open_db(db_path)
    done, errors, seen = 0, 0, []
    barrier.wait()
    deadline = time.time() + duration
    while time.time() < deadline:
        try:
            unit = workflow.next_unit(db, "uk", name)
            if unit is None:
                break
            workflow.submit(db, unit["id"], "uk", name, text=f"{name} {unit['id']}")
            seen.append(unit["id"])
            done += 1
        except Exception as exc:
            errors += 1
            print(f"{name}: {type(exc).__name__}: {exc}", file=sys.stderr)
    db.close()
    results.put((name, done, errors, seen))


def load(db: Path, workers: int, duration: float) -> None:
    outcomes, elapsed = start_together(
        worker, [(str(db), f"w{i:02d}", duration) for i in range(workers)],
        timeout=duration + 120)
    done = sum(o[1] for o in outcomes)
    errors = sum(o[2] for o in outcomes)
    seen = [u for o in outcomes for u in o[3]]
    conn = sqlite3.connect(db)
    kept = conn.execute("SELECT COUNT(*) FROM history WHERE lang = 'uk' AND action = 'translate'"
                        " AND translator LIKE 'w%'").fetchone()[0]
    conn.close()
    print(f"load: {workers} processes x claim+submit for {elapsed:.1f} s:"
          f" {done} submissions, {done / elapsed:.0f}/s, {errors} errors,"
          f" {len(seen) - len(set(seen))} units handed out twice, {kept} history rows kept")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/transdesk-bench-workflow"))
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000,
                        help="articles generated and imported before copying")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = build(args.workdir, args.units, args.articles, args.rebuild)

    from transdesk import workflow
    from transdesk.db import open_db

    handle = open_db(db)
    print("queue query plan:", " | ".join(workflow.next_unit_plan(handle)))
    handle.close()
    cli_timings(db, args.runs)
    load(db, args.workers, args.duration)


if __name__ == "__main__":
    main()
