"""Speed of `transdesk check` (database and --po) beside translate-toolkit's pocount/pofilter.

    python bench/bench_check.py [--articles 10000] [--work DIR] [--repeat 3] [--no-pofilter]

Generates a corpus with bench/make_corpus.py --translations, imports it
with `transdesk import -q`, makes every target language complete in bulk (the
generator's aligned translations, segmented like the sources, written with one SQL
UPDATE per language), writes the catalogs with `transdesk po export`, then times, as
subprocesses (start-up included) on the same PO files:

    transdesk check                       (database; completeness + quality checks)
    transdesk check --po DIR              (catalogs, no database)
    transdesk check --po DIR --ignore ALL (catalogs, completeness only: pocount's job)
    pocount DIR/<lang>...                 (completeness only)
    pofilter -i DIR/<lang> -o OUT/<lang>  (quality checks), summed over the languages

and prints the best of --repeat runs and the ratios. `check` from the database is
timed warm: the first run checks every translation and records the findings; later
runs re-check only translations changed since (see check.database._RecordedFindings); the cold
run is timed too. Big runs share the work between two processes (check.parallel.worker_count), so
the figures depend on what else the machine is doing: the load average is printed
before and after. The work directory is kept (default: bench/out/check) so that a
second run skips the set-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import MAKE_CORPUS, OUT, stopwatch

from transdesk.checks import CHECK_NAMES
from transdesk.db import open_db, write_transaction
from transdesk.importing import parse_source

TRANSDESK = [sys.executable, "-m", "transdesk"]


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def timed(cmd: list[str], repeat: int, ok: tuple[int, ...] = (0, 1)) -> tuple[float, str]:
    """Best wall time of `repeat` runs and the last stdout."""
    best, out = float("inf"), ""
    for _ in range(repeat):
        with stopwatch() as watch:
            result = run(cmd)
        elapsed = watch.seconds
        if result.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd[:4])}... failed ({result.returncode}):"
                             f" {result.stderr[-500:]}")
        best, out = min(best, elapsed), result.stdout
    return best, out


def fill_translations(db_path: Path, corpus: Path) -> tuple[int, int]:
    """Every target language complete from the generator's aligned translations.

    Returns (units translated, units left untranslated because segmentation of the
    translation did not produce the same key)."""
    db = open_db(db_path)
    keys: dict[str, list[str]] = {}
    for article_id, key in db.execute("SELECT article_id, key FROM units WHERE obsolete = 0"
                                      " ORDER BY article_id, position"):
        keys.setdefault(article_id, []).append(key)
    done = 0
    for lang_dir in sorted((corpus / "translations").iterdir()):
        lang = lang_dir.name
        rows = []
        for path in sorted(lang_dir.glob("*.txt")):
            article, _ = parse_source(path.read_bytes(), lang)
            if [unit.key for unit in article.units] != keys[path.stem]:
                continue  # segmented differently: sentences would pair with wrong ones
            rows += [(unit.text, path.stem, unit.key, lang) for unit in article.units]
        with write_transaction(db) as conn:
            # Bench set-up only: the product writes through store.write_translation.
            conn.executemany(
                "UPDATE translations SET text = ?, status = 'translated', origin = 'human',"
                " translator = 'bench' WHERE unit_id = (SELECT id FROM units WHERE"
                " article_id = ? AND key = ? AND obsolete = 0) AND lang = ?",
                rows,
            )
        done += len(rows)
    left = db.execute("SELECT COUNT(*) FROM translations WHERE status = 'untranslated'"
                      " AND obsolete = 0").fetchone()[0]
    db.close()
    return done, left


def set_up(work: Path, articles: int) -> tuple[Path, Path]:
    corpus, db_path, locales = work / "corpus", work / "bench.db", work / "locales"
    stamp = work / f"ready-{articles}"
    if stamp.exists():
        return db_path, locales
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t = time.perf_counter()
    run([sys.executable, str(MAKE_CORPUS), str(corpus), "--articles", str(articles),
         "--translations"]).check_returncode()
    print(f"corpus: {articles} articles in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    result = run([*TRANSDESK, "--db", str(db_path), "import", "-q", *files])
    if result.returncode:
        raise SystemExit(result.stderr)
    print(f"import: {result.stdout.strip()} in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    done, left = fill_translations(db_path, corpus)
    print(f"translations: {done} units written, {left} left untranslated (articles whose"
          f" translation segments differently) in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    run([*TRANSDESK, "--db", str(db_path), "po", "export", "--dir",
         str(locales)]).check_returncode()
    print(f"po export: {time.perf_counter() - t:.1f} s", flush=True)
    stamp.touch()
    return db_path, locales


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--work", type=Path,
                        default=OUT / "check")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pofilter", action="store_true")
    args = parser.parse_args()
    db_path, locales = set_up(args.work, args.articles)
    lang_dirs = sorted(str(p) for p in locales.iterdir() if p.is_dir())
    po_files = sum(1 for _ in locales.glob("*/LC_MESSAGES/*.po"))
    print(f"\n{args.articles} articles, {po_files} PO files; best of {args.repeat}"
          f" (load average {os.getloadavg()[0]:.2f}):")

    times: dict[str, float] = {}
    db = open_db(db_path)
    with write_transaction(db) as conn:  # forget the recorded findings: a cold run
        conn.execute("DELETE FROM check_cache_version")
    db.close()
    times["check (db), cold"], _ = timed(
        [*TRANSDESK, "--db", str(db_path), "check", "--format", "json"], 1)
    times["check (db)"], out = timed(
        [*TRANSDESK, "--db", str(db_path), "check", "--format", "json"], args.repeat)
    summary_db = out
    times["check --po"], out = timed(
        [*TRANSDESK, "check", "--po", str(locales), "--format", "json"], args.repeat)
    summary_po = out
    times["check --po, no checks"], _ = timed(
        [*TRANSDESK, "check", "--po", str(locales), "--ignore", ",".join(CHECK_NAMES)],
        args.repeat)
    times["pocount"], _ = timed(["pocount", *lang_dirs], args.repeat)
    flagged = 0
    if not args.no_pofilter:
        total = 0.0
        for lang_dir in lang_dirs:
            out_dir = args.work / "pofilter" / Path(lang_dir).name
            shutil.rmtree(out_dir, ignore_errors=True)
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            elapsed, _ = timed(["pofilter", "--progress=none", "-i", lang_dir, "-o",
                                str(out_dir)], 1, ok=(0,))
            flagged += sum(1 for _ in out_dir.rglob("*.po"))
            total += elapsed
        times["pofilter"] = total

    import json

    for name, summary in (("check (db)", summary_db), ("check --po", summary_po)):
        counts = json.loads(summary)["summary"]
        print(f"  {name:<11} findings: {counts['warnings']} warnings, {counts['missing']}"
              f" missing units, {counts['incomplete']} incomplete languages")
    if flagged:
        print(f"  pofilter    flagged entries in {flagged} of {po_files} PO files")
    for name, seconds in times.items():
        print(f"  {name:<22} {seconds:7.2f} s")
    print("ratios:")
    print(f"  pocount / check (db)  {times['pocount'] / times['check (db)']:6.1f}x")
    print(f"  pocount / check --po  {times['pocount'] / times['check --po']:6.1f}x")
    print(f"  pocount / check --po, no checks"
          f"  {times['pocount'] / times['check --po, no checks']:6.1f}x")
    if "pofilter" in times:
        print(f"  pofilter / check --po {times['pofilter'] / times['check --po']:6.1f}x")
        print(f"  pofilter / check (db) {times['pofilter'] / times['check (db)']:6.1f}x")
    print(f"(cpus: {os.cpu_count()}; load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
