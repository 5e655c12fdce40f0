"""`transdesk check` warm on a desk of 10,000 articles, SQLite and PostgreSQL in one run
(issue 12: under 1 s on both engines), and beside translate-toolkit's pocount/pofilter.

    eval "$(bash scripts/pg-test-server.sh start)"     # or any server: a superuser URL
    export PGPASSFILE=$TRANSDESK_TEST_PGPASSFILE
    python bench/bench_check.py [--articles 10000] [--runs 5] [--reference main]
                                [--peers] [--rebuild]

Building (once, kept in bench/out/check-<articles>; --rebuild makes it again): the
generated corpus with aligned translations (bench/make_corpus.py --lang mix
--translations, shared with bench/run_all.py), `transdesk import -q` into a SQLite desk,
every target language made complete in bulk (the generator's aligned translations,
segmented like the sources, one SQL UPDATE per language: `fill_translations`), the
catalogs written by `transdesk po export`, a first `check` that records the findings,
then `transdesk db copy` of that desk to the PostgreSQL database `bench_check_<articles>`
on the server TRANSDESK_TEST_PG names (without it: SQLite only) and a first check there.

Measured, as child processes (start-up included) taking turns engine by engine: `check`
warm (nothing changed since the last run) in the text report and `--format json`, the
wall time, the CPU time (user + system, of the process and the workers it waited for)
and the peak RSS (GNU time), --runs times each after one run to warm the page cache; the
load average is printed beside each (the machine may be shared: CPU time is the figure
a busy machine inflates least).

Checked in the same run: the warm reports (text, json, junit, github) are byte-identical
on both engines, and identical to the reports of `--reference REF` (a git ref of this
repository, default `main`, its src/ run on the same desks: `--reference ''` skips it),
whose timings are printed too (before / after). `--peers` adds the old comparison with
pocount and pofilter on the exported catalogs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import (
    OUT,
    ROOT,
    Measured,
    compile_sources,
    make_corpus,
    measure,
    stopwatch,
    tool,
    transdesk,
)

from transdesk.checks import CHECK_NAMES
from transdesk.db import open_db, write_transaction
from transdesk.importing import parse_source

FORMATS = ("text", "json", "junit", "github")
TIMED_FORMATS = ("text", "json")


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


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
            if path.stem not in keys:
                continue  # an article of the source language itself
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


def _step(label: str, start: float) -> None:
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)


def set_up(work: Path, articles: int, rebuild: bool) -> tuple[Path, Path]:
    """The SQLite desk (complete, findings recorded) and its catalogs."""
    db_path, locales = work / "desk.db", work / "locales"
    stamp = work / "ready"
    if stamp.exists() and not rebuild:
        return db_path, locales
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"building the desk of {articles} articles in {work}:", flush=True)
    t = time.perf_counter()
    corpus = make_corpus(articles, "--lang", "mix", "--translations",
                         name=f"corpus-{articles}-mix-translations")
    _step("corpus", t)
    t = time.perf_counter()
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    result = run(transdesk("--db", str(db_path), "import", "-q", *files))
    if result.returncode:
        raise SystemExit(result.stderr)
    _step(f"import ({result.stdout.strip()})", t)
    t = time.perf_counter()
    done, left = fill_translations(db_path, corpus)
    _step(f"translations ({done} units written, {left} left untranslated: articles whose"
          " translation segments differently)", t)
    unfinish(db_path)
    t = time.perf_counter()
    run(transdesk("--db", str(db_path), "po", "export", "--dir", str(locales))
        ).check_returncode()
    _step("po export", t)
    t = time.perf_counter()
    first = run(transdesk("--db", str(db_path), "check", "--format", "json"))
    if first.returncode not in (0, 1):
        raise SystemExit(first.stderr)
    _step("check, first run (records the findings)", t)
    accept_some(db_path, first.stdout)
    stamp.touch()
    return db_path, locales


def unfinish(db_path: Path) -> None:
    """Some work left, as on a real desk: in every 40th article the last two units back
    to draft in each target language (the reports then list missing units too)."""
    db = open_db(db_path)
    with write_transaction(db) as conn:
        # Bench set-up only, as fill_translations.
        conn.execute(
            "UPDATE translations SET status = 'draft' WHERE obsolete = 0 AND article_id IN"
            " (SELECT id FROM articles WHERE rowid % 40 = 0) AND position >="
            " (SELECT MAX(position) - 1 FROM units u WHERE u.article_id ="
            " translations.article_id)")
    db.close()


def accept_some(db_path: Path, report: str, count: int = 20) -> None:
    """A few findings accepted as exceptions (`transdesk accept`, with a note)."""
    import json

    findings = [(r["article"], f["key"], r["lang"], f["check"])
                for r in json.loads(report)["results"] for f in r["findings"]]
    for article, key, lang, check in findings[::max(1, len(findings) // count)][:count]:
        run(transdesk("--db", str(db_path), "accept", article, key, "--lang", lang,
                      "--check", check, "--note", "bench: accepted")).check_returncode()


def set_up_postgres(server: str, db_path: Path, articles: int, rebuild: bool) -> str:
    """The PostgreSQL copy of the SQLite desk (`transdesk db copy`), findings recorded."""
    import psycopg

    dbname = f"bench_check_{articles}"
    pg_url = f"{server.rsplit('/', 1)[0]}/{dbname}"
    stamp = db_path.parent / "ready-postgresql"
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [dbname]).fetchone()
        built = db_path.parent / "ready"  # the SQLite desk's stamp: a newer one, a new copy
        if exists and stamp.exists() and not rebuild and \
                stamp.stat().st_mtime >= built.stat().st_mtime:
            return pg_url
        if exists:
            conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    print(f"copying the desk to PostgreSQL ({dbname}):", flush=True)
    t = time.perf_counter()
    run(transdesk("db", "copy", str(db_path), pg_url)).check_returncode()
    _step("db copy", t)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    t = time.perf_counter()
    first = run(transdesk("--db", pg_url, "check", "--format", "json"))
    if first.returncode not in (0, 1):
        raise SystemExit(first.stderr)
    _step("check, first run (records the findings)", t)
    stamp.touch()
    return pg_url


def reference_python(ref: str, work: Path) -> list[str]:
    """A Python command line running `ref`'s transdesk (its src/ exported by git)."""
    commit = run(["git", "-C", str(ROOT), "rev-parse", ref]).stdout.strip()
    if not commit:
        raise SystemExit(f"--reference {ref!r}: no such git ref")
    tree = work / f"reference-{commit[:12]}"
    if not (tree / "src").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        # the compiled catalogs are not all in git: the same ones as this tree's
        for mo in (ROOT / "src").rglob("*.mo"):
            target = tree / mo.relative_to(ROOT)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(mo, target)
    compile_sources(tree / "src")
    print(f"reference: {ref} = {commit[:12]} ({tree})")
    return ["env", f"PYTHONPATH={tree / 'src'}", sys.executable, "-m", "transdesk"]


class ServerClock:
    """CPU time used by the PostgreSQL server's processes (the backends and workers a
    command's connection used, reaped by the postmaster): read from /proc, so only for
    a server on this machine whose data directory is readable (TRANSDESK_TEST_PG_DIR,
    as scripts/pg-test-server.sh prints it)."""

    def __init__(self) -> None:
        self.pid: int | None = None
        folder = os.environ.get("TRANSDESK_TEST_PG_DIR")
        try:
            self.pid = int((Path(folder or "") / "data" / "postmaster.pid").read_text()
                           .split()[0])
            self.seconds()
        except (OSError, ValueError, IndexError):
            self.pid = None

    def seconds(self) -> float | None:
        """The CPU time of the postmaster's finished children so far."""
        if self.pid is None:
            return None
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")

    def after(self, before: float | None) -> float | None:
        """The server CPU time since `before`, once the command's backend has ended."""
        if before is None:
            return None
        used = -1.0
        for _ in range(20):  # the backend exits (and is reaped) after the client
            time.sleep(0.05)
            now = self.seconds() - before  # type: ignore[operator]
            if now == used:
                break
            used = now
        return used


def reads_desks(python: list[str], desks: dict[str, str]) -> bool:
    """Whether a version reads these desks: a release before a schema step refuses a
    desk that has it (then it is left out, said so)."""
    for engine, desk in desks.items():
        probe = run([*python, "--db", desk, "articles", "--json"])
        if probe.returncode != 0:
            print(f"  the reference cannot read the {engine} desk (left out):"
                  f" {probe.stderr.strip()[-200:]}")
            return False
    return True


def check_cmd(python: list[str], desk: str, fmt: str) -> list[str]:
    return [*python, "--db", desk, "check", "--format", fmt]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def compare_reports(versions: dict[str, list[str]], desks: dict[str, str]) -> bool:
    """Every format's warm report, from every version on every desk: all identical."""
    same = True
    for fmt in FORMATS:
        outputs = {}
        for version, python in versions.items():
            for engine, desk in desks.items():
                outputs[f"{version}/{engine}"] = measure(check_cmd(python, desk, fmt),
                                                         ok=(0, 1)).stdout
        digests = {name: digest(out) for name, out in outputs.items()}
        agree = len(set(digests.values())) == 1
        same = same and agree
        size = len(next(iter(outputs.values())).encode())
        print(f"  {fmt:<7} {size / 1e6:6.1f} MB  "
              + ("identical: " if agree else "DIFFERENT: ")
              + ", ".join(f"{name} {d}" for name, d in digests.items()))
    return same


Timed = tuple[Measured, float | None, float]  # the run, server CPU, load average


def time_warm(versions: dict[str, list[str]], desks: dict[str, str],
              runs: int) -> dict[tuple[str, str, str], list[Timed]]:
    """(version, engine, format) -> the measured runs, taking turns."""
    server = ServerClock()
    results: dict[tuple[str, str, str], list[Timed]] = {}
    turns = [(version, python, engine, desk, fmt) for version, python in versions.items()
             for engine, desk in desks.items() for fmt in TIMED_FORMATS]
    for _version, python, _engine, desk, fmt in turns:  # the page cache, both engines
        measure(check_cmd(python, desk, fmt), ok=(0, 1))
    for _ in range(runs):
        for version, python, engine, desk, fmt in turns:
            load = os.getloadavg()[0]
            before = server.seconds() if engine == "postgresql" else None
            m = measure(check_cmd(python, desk, fmt), ok=(0, 1))
            m.stdout = ""  # the report is not kept
            results.setdefault((version, engine, fmt), []).append(
                (m, server.after(before), load))
    return results


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):5.2f} ({min(values):.2f}-{max(values):.2f})"


def print_timings(results: dict[tuple[str, str, str], list[Timed]]) -> None:
    print(f"  {'version':<8} {'engine':<11} {'format':<6} {'wall, median (min-max)':>22}"
          f" {'CPU':>17} {'server CPU':>17} {'peak RSS':>8}  load average at each run")
    for (version, engine, fmt), runs in results.items():
        server = [s for _m, s, _load in runs if s is not None]
        print(f"  {version:<8} {engine:<11} {fmt:<6} {_spread([m.wall for m, _s, _l in runs]):>22}"
              f" {_spread([m.cpu for m, _s, _l in runs]):>17}"
              f" {_spread(server) if server else '-':>17}"
              f" {max(m.peak_mb for m, _s, _l in runs):5.0f} MB"
              f"  {' '.join(f'{load:.1f}' for _m, _s, load in runs)}")
    print("  (wall and CPU of the command as a child process, start-up included; CPU: user +"
          " system of the process and the workers it waited for; server CPU: the PostgreSQL"
          " backend's)")


def peers(db_path: Path, locales: Path, work: Path, runs: int) -> None:
    """The old comparison: check (db) and check --po beside pocount and pofilter."""
    lang_dirs = sorted(str(p) for p in locales.iterdir() if p.is_dir())

    def best(cmd: list[str], ok: tuple[int, ...] = (0, 1)) -> float:
        return min(measure(cmd, ok=ok).wall for _ in range(runs))

    times = {
        "check (db), warm": best(transdesk("--db", str(db_path), "check", "--format", "json")),
        "check --po": best(transdesk("check", "--po", str(locales), "--format", "json")),
        "check --po, no checks": best(transdesk("check", "--po", str(locales), "--ignore",
                                                ",".join(CHECK_NAMES))),
        "pocount": best([tool("pocount"), *lang_dirs], ok=(0,)),
    }
    total = 0.0
    for lang_dir in lang_dirs:
        out_dir = work / "pofilter" / Path(lang_dir).name
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with stopwatch() as watch:
            run([tool("pofilter"), "--progress=none", "-i", lang_dir, "-o", str(out_dir)]
                ).check_returncode()
        total += watch.seconds
    times["pofilter"] = total
    for name, seconds in times.items():
        print(f"  {name:<22} {seconds:7.2f} s")
    print(f"  pocount / check (db)   {times['pocount'] / times['check (db), warm']:6.1f}x")
    print(f"  pocount / check --po   {times['pocount'] / times['check --po']:6.1f}x")
    print(f"  pofilter / check --po  {times['pofilter'] / times['check --po']:6.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--reference", default="main",
                        help="git ref to compare with ('' for none; default main)")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--peers", action="store_true",
                        help="also time check --po, pocount and pofilter")
    args = parser.parse_args()
    work = OUT / f"check-{args.articles}"
    db_path, locales = set_up(work, args.articles, args.rebuild)
    desks = {"sqlite": str(db_path)}
    server = os.environ.get("TRANSDESK_TEST_PG")
    if server:
        desks["postgresql"] = set_up_postgres(server, db_path, args.articles, args.rebuild)
    else:
        print("(no TRANSDESK_TEST_PG: SQLite only)")
    versions = {"this": transdesk()}
    if args.reference:
        python = reference_python(args.reference, work)
        if reads_desks(python, desks):
            versions[args.reference] = python
    print(f"\nthe warm reports, {args.articles} articles:")
    same = compare_reports(versions, desks)
    print(f"\ncheck warm, {args.runs} runs each (cpus: {os.cpu_count()}, load average"
          f" {' '.join(f'{x:.2f}' for x in os.getloadavg())}):")
    print_timings(time_warm(versions, desks, args.runs))
    if args.peers:
        print("\npeers (SQLite desk, best of the runs):")
        peers(db_path, locales, work, args.runs)
    print(f"(load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    if not same:
        raise SystemExit("the reports differ")


if __name__ == "__main__":
    main()
