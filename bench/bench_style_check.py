"""Speed of `check` with the house-style checks (terminology, spelling) beside the same
`check` without them (the code of a given git revision, default d0ed3e4, before them).

    python bench/bench_style_check.py [--articles 2000] [--work DIR] [--repeat 3]
                                      [--baseline REV]

Sets up the corpus as bench/bench_check.py does (generated articles, imported, every
target language complete), adds a termbase for the corpus's names and institutions and a
desk word list of its people and places (what the spelling check would otherwise report),
then times as subprocesses: a cold `check` (the recorded findings forgotten: every
translation checked) and a warm one (each the best of --repeat, wall and CPU time),
first with the baseline revision's code (`git archive` into the work directory), then
with this checkout's.
Prints the findings of each check and the load average (2 shared cores: figures move).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import set_up

from transdesk.db import open_db, write_transaction

ROOT = Path(__file__).resolve().parent.parent
TERMS = [
    ["--ru", "Киев", "--uk", "Київ", "--en", "Kyiv", "--forbid", "en:Kiev"],
    ["--ru", "Одесса", "--uk", "Одеса", "--en", "Odesa", "--forbid", "en:Odessa"],
    ["--ru", "Львов", "--uk", "Львів", "--en", "Lviv"],
    ["--ru", "Харьков", "--uk", "Харків", "--en", "Kharkiv", "--forbid", "en:Kharkov"],
    ["--ru", "Всемирный банк", "--uk", "Світовий банк", "--en", "World Bank"],
    ["--ru", "Нацбанк", "--uk", "Нацбанк", "--en", "National Bank"],
    ["--ru", "бюджет", "--uk", "бюджет", "--en", "budget"],
    ["--en", "Ukraine", "--forbid", "en:the Ukraine", "--uk", "Україна", "--ru", "Украина"],
]

# The desk word list a desk would keep for this corpus: its people and places.
WORDS = {
    "en": ["Bondarenko", "Dmytro", "Dnipro", "Honcharenko", "Ihor", "Kovalenko", "Lytvynenko",
           "Marchenko", "Mykhailo", "Mykola", "Oleh", "Oleksiy", "Pavlo", "Petrenko",
           "Rudenko", "Serhiy", "Tkachenko", "Tsentralna", "Yuriy"],
    "ru": ["Госстат"],
}


def forget(db_path: Path) -> None:
    db = open_db(db_path)
    with write_transaction(db) as conn:
        conn.execute("DELETE FROM check_cache_version")
    db.close()


def timed(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, float, str]:
    """Best wall time, best CPU time (user + system of the process and its children:
    steadier than wall time on a busy machine) and the last stdout."""
    best, best_cpu, out = float("inf"), float("inf"), ""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True, env=env)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if result.returncode not in (0, 1):
            raise SystemExit(f"failed: {result.stderr[-800:]}")
        best, best_cpu, out = min(best, elapsed), min(best_cpu, cpu), result.stdout
    return best, best_cpu, out


def findings_by_check(report: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in json.loads(report)["results"]:
        for finding in result["findings"]:
            counts[finding["check"]] = counts.get(finding["check"], 0) + 1
    return dict(sorted(counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "style")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default="d0ed3e4")
    args = parser.parse_args()
    db_path, _locales = set_up(args.work, args.articles)
    base = args.work / f"baseline-{args.baseline}"
    if not base.exists():
        base.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "src"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    td = [sys.executable, "-m", "transdesk", "--db", str(db_path)]
    stamp = args.work / "terms-added"
    if not stamp.exists():
        for term in TERMS:
            subprocess.run([*td, "terms", "add", *term], check=True, capture_output=True,
                           env=env)
        for lang, words in WORDS.items():
            subprocess.run([*td, "words", "add", *words, "--lang", lang], check=True,
                           capture_output=True, env=env)
        stamp.touch()
    check = [*td, "check", "--format", "json"]
    rows = []
    for name, run_env in (("baseline " + args.baseline, {**env, "PYTHONPATH": str(base / "src")}),
                          ("with terminology, spelling", env)):
        cold = cold_cpu = float("inf")
        for _ in range(args.repeat):  # the best of a few cold runs, too
            forget(db_path)
            wall, cpu, report = timed(check, run_env, 1)
            cold, cold_cpu = min(cold, wall), min(cold_cpu, cpu)
        warm, warm_cpu, _ = timed(check, run_env, args.repeat)
        rows.append((name, cold, cold_cpu, warm, warm_cpu, findings_by_check(report)))
    print(f"\n{args.articles} articles (load average {os.getloadavg()[0]:.2f}):")
    for name, cold, cold_cpu, warm, warm_cpu, counts in rows:
        print(f"  {name:<28} first run {cold:6.2f} s (cpu {cold_cpu:5.2f} s)"
              f"   warm {warm:5.2f} s (cpu {warm_cpu:4.2f} s)   findings {counts}")
    print(f"  first run ratio {rows[1][1] / rows[0][1]:.2f}x wall,"
          f" {rows[1][2] / rows[0][2]:.2f}x cpu (load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
