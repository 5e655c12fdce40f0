"""`next` in the desk's order (overdue, priority, deadline, article) against the code
before it, on the same database of about a million units.

    python bench/bench_schedule.py [--workdir DIR] [--units 1000000] [--runs 9]
                                   [--base-rev d0ed3e4]

The database is bench_workflow's (10,000 generated articles imported, then copied up to
`--units`; reused from the work directory). The code before this change is taken from
git (`--base-rev`, `git archive` of src/ into the work directory) and run on the same
file: it ignores the new columns and indexes. Without numpy (the old install had none;
matplotlib brings it now), both run as separate processes, interleaved run by run so
that the shared machine's load falls on both alike.

Measured: `next --lang en --json` as a process (what a script or editor plugin pays), and
in one process the claim alone (`workflow.next_unit` then `release`, 200 times); then
again with 1 % of the articles urgent with a deadline and 1 % overdue; `status` of
every article (it now adds deadlines and estimates).
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_workflow import build

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = ("import sys; sys.modules['numpy'] = sys.modules['pandas'] = None;"
          " from transdesk.cli import main; sys.argv[0] = 'transdesk'; main()")
CLAIM_LOOP = """
import sys, time, json
sys.modules['numpy'] = sys.modules['pandas'] = None
from transdesk import workflow
from transdesk.db import open_db
db = open_db(sys.argv[1])
times = []
for i in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    unit = workflow.next_unit(db, 'en', 'loop')
    times.append(time.perf_counter() - t0)
    workflow.release(db, unit['id'], 'en', 'loop')
print(json.dumps(times))
"""


def base_source(workdir: Path, rev: str) -> Path:
    target = workdir / f"base-{rev}"
    if not (target / "src" / "transdesk" / "cli.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, list[float]] = {}


def run(src: Path, db: Path, *args: str) -> tuple[float, str]:
    """Wall time of one process (its CPU time, user + system, kept in CPU by code)."""
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "TRANSDESK_USER": "bench"}
    t0, c0 = time.perf_counter(), cpu()
    result = subprocess.run([sys.executable, "-c", LAUNCH, "--db", str(db), *args],
                            capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    CPU.setdefault(str(src), []).append(cpu() - c0)
    if result.returncode:
        sys.exit(f"{args} failed: {result.stderr}")
    return elapsed, result.stdout


def ms(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:7.1f} ms"
            f" (min {min(values) * 1000:.1f}, n={len(values)})")


def compare(label: str, codes: dict[str, Path], db: Path, runs: int, args_for) -> None:
    times: dict[str, list[float]] = {name: [] for name in codes}
    CPU.clear()
    for i in range(runs):
        for name, src in codes.items():
            times[name].append(run(src, db, *args_for(name, i))[0])
    for name, src in codes.items():
        print(f"  {label:<34} {name:<7} {ms(times[name])};"
              f" CPU median {statistics.median(CPU[str(src)]) * 1000:.0f} ms")
    base, new = statistics.median(times["before"]), statistics.median(times["now"])
    cpu_ratio = (statistics.median(CPU[str(codes["now"])])
                 / statistics.median(CPU[str(codes["before"])]))
    print(f"  {'':<34} now/before {new / base:.3f} (CPU {cpu_ratio:.3f})")


def claim_loop(codes: dict[str, Path], db: Path, n: int) -> None:
    for name, src in codes.items():
        env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}
        out = subprocess.run([sys.executable, "-c", CLAIM_LOOP, str(db), str(n)],
                             capture_output=True, text=True, env=env, check=True).stdout
        times = json.loads(out)
        print(f"  {'claim in one process (next_unit)':<34} {name:<7} median"
              f" {statistics.median(times) * 1e6:7.0f} µs (p90"
              f" {sorted(times)[int(len(times) * 0.9)] * 1e6:.0f} µs, n={len(times)})")


def plan_some(db: Path) -> None:
    """1 % of the articles urgent with a deadline in an hour, 1 % overdue (low priority)."""
    conn = sqlite3.connect(db)
    ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
    urgent, late = ids[50::100], ids[77::100]
    with conn:
        conn.executemany("INSERT OR REPLACE INTO schedule VALUES (?, 'en', 0,"
                         " strftime('%Y-%m-%dT%H:%M:%f000Z', 'now', '+1 hour'), 'now')",
                         [(a,) for a in urgent])
        conn.executemany("INSERT OR REPLACE INTO schedule VALUES (?, 'en', 3,"
                         " '2020-01-01T00:00:00.000000Z', 'now')", [(a,) for a in late])
        conn.execute("UPDATE translations SET priority = s.priority, due = s.due FROM schedule s"
                     " WHERE s.article_id = translations.article_id AND s.lang = translations.lang")
    conn.close()
    print(f"planned: {len(urgent)} articles urgent (due in an hour), {len(late)} overdue")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/transdesk-bench-workflow"))
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--base-rev", default="d0ed3e4")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = build(args.workdir, args.units, args.articles, args.rebuild)
    codes = {"before": base_source(args.workdir, args.base_rev), "now": ROOT / "src"}
    run(codes["now"], db, "articles", "--json")  # migrate once, outside the timings
    conn = sqlite3.connect(db)
    conn.execute("ANALYZE")
    units = conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    conn.close()
    print(f"{units} units; load average {Path('/proc/loadavg').read_text().split()[0]}")

    def next_args(name: str, i: int) -> list[str]:
        return ["next", "--lang", "en", "--json", "--as", f"{name}{i}"]

    print("no schedule (every article normal, no deadline):")
    compare("next --lang en --json", codes, db, args.runs, next_args)
    claim_loop(codes, db, 200)
    plan_some(db)
    print("with deadlines (before: ignores them):")
    compare("next --lang en --json", codes, db, args.runs,
            lambda name, i: [*next_args(name, i)[:-1], f"{name}p{i}"])
    claim_loop(codes, db, 200)
    compare("status (every article)", codes, db, max(1, args.runs // 3),
            lambda name, i: ["status"])
    print(f"load average {Path('/proc/loadavg').read_text().split()[0]}")


if __name__ == "__main__":
    main()
