#!/usr/bin/env python3
"""Memory lookups against gettext: ``draft --provider none`` vs ``msgmerge --compendium``.

The memory: the first ``--memory-units`` aligned ru/uk sentences of a make_corpus.py
corpus (seed 1, cached under bench/out), repeats included, as a newsroom's memory holds
them; ``--distinct`` keeps each ru sentence once instead.  The new work: ``--new-articles``
articles of another seed (2), imported into a copy of that database.

Timed, whole processes, ``--repeat`` times (median):

* ``transdesk draft --lang uk --provider none`` (every new article);
* GNU ``msgmerge --compendium COMP.po --previous /dev/null NEW.pot``, where NEW.pot holds
  the distinct sources of the same units and COMP.po the memory (one entry per distinct
  ru sentence, with the uk text the memory's exact lookup gives).

Then the matches are compared sentence by sentence (each distinct source): exact
matches; fuzzy matches at or above the threshold, scored for both tools with
rapidfuzz's ratio (msgmerge's ``#| msgid`` names the source it chose; its own
fstrcmp works on bytes with a 0.6 threshold, so its choices below our threshold are
left out); and, on a sample, the best score a brute-force scan of the whole memory finds.

    python bench/bench_memory.py [--memory-units 274000] [--distinct N] [--new-articles 420]
                                 [--repeat 1] [--profile FILE]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_draft import corpus, gold_units, schema_tag  # noqa: E402

from transdesk.db import open_db, write_transaction  # noqa: E402
from transdesk.tm import DEFAULT_THRESHOLD  # noqa: E402

OUT = ROOT / "bench" / "out"
CLI = [sys.executable, "-m", "transdesk"]
SENTENCES_PER_ARTICLE = 24  # make_corpus.py: about 24 gold sentences an article


def score(a: str, b: str) -> float:
    """The memory's score: rapidfuzz ratio, 100 only when equal."""
    return 100.0 if a == b else min(round(fuzz.ratio(a, b), 1), 99.9)


def memory_db(work: Path, units: int, distinct: bool) -> Path:
    """A database whose memory holds ``units`` aligned ru/uk/en sentences (cached)."""
    path = work / f"memory-{units}{'-distinct' if distinct else ''}-{schema_tag()}.db"
    if path.exists():
        return path
    articles = units // SENTENCES_PER_ARTICLE * (3 if distinct else 1) + 50
    mem_dir = corpus(OUT / f"tm-mem-{articles}", articles, 1, "--gold")
    chosen: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for unit in gold_units(mem_dir, articles):
        if distinct and unit[0] in seen:
            continue
        seen.add(unit[0])
        chosen.append(unit)
        if len(chosen) == units:
            break
    building = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    db = open_db(building)
    with write_transaction(db) as conn:
        conn.executemany(
            "INSERT INTO tm_memory (key, grp, lang, text) VALUES (?, ?, ?, ?)",
            [(-(i + 1) * 4 + index, -(i + 1), lang, text) for i, unit in enumerate(chosen)
             for index, (lang, text) in enumerate(zip(("ru", "uk", "en"), unit, strict=True))])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    building.rename(path)
    return path


def fresh_copy(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)


def desk_with_new_articles(work: Path, memory: Path, new_articles: int) -> Path:
    """The memory database with the new articles imported (cached)."""
    path = work / f"{memory.stem}-new{new_articles}.db"
    if path.exists():
        return path
    new_dir = corpus(OUT / f"tm-new-{new_articles}", new_articles, 2, "--gold")
    building = path.with_suffix(".building")
    fresh_copy(memory, building)
    files = sorted(str(p) for p in new_dir.glob("ru-*.txt"))
    subprocess.run([*CLI, "--db", str(building), "import", "-q", "--lang", "ru",
                    "--targets", "uk", *files], check=True, stdout=subprocess.DEVNULL)
    db = open_db(building)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    building.rename(path)
    return path


def write_gettext_files(desk: Path, work: Path) -> tuple[Path, Path, list[str]]:
    """NEW.pot (distinct sources of the units to draft) and COMP.po (the memory)."""
    db = open_db(desk)
    sources = list(dict.fromkeys(r[0] for r in db.execute(
        "SELECT u.source FROM translations t JOIN units u ON u.id = t.unit_id"
        " WHERE t.lang = 'uk' AND t.status = 'untranslated' ORDER BY t.article_id,"
        " t.position")))
    pairs: dict[str, str] = {}
    for ru, uk in db.execute(
        "SELECT m.text, t.text FROM tm_memory m JOIN tm_memory t ON t.key = m.grp * 4 + 1"
        " WHERE m.lang = 'ru' ORDER BY m.key DESC"
    ):
        pairs.setdefault(ru, uk)  # the exact lookup's order: the first one found
    db.close()
    header = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Language: uk\\n"\n\n')
    pot, comp = work / "new.pot", work / "comp.po"
    pot.write_text(header + "".join(f"msgid {_po(s)}\nmsgstr \"\"\n\n" for s in sources),
                   "utf-8")
    comp.write_text(header + "".join(f"msgid {_po(ru)}\nmsgstr {_po(uk)}\n\n"
                                     for ru, uk in pairs.items()), "utf-8")
    return pot, comp, sources


def _po(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def run_timed(cmd: list[str], repeat: int, setup=None, env=None) -> tuple[float, float]:
    """Median wall time and CPU time (user + system, all threads) of ``cmd``, in s: on a
    shared machine the CPU time is the steadier figure."""
    walls, cpus = [], []
    for _ in range(repeat):
        if setup:
            setup()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def our_matches(db_path: Path) -> dict[str, tuple[str, float, str]]:
    """source -> (matched memory source, score, text) of the memory's drafts."""
    db = open_db(db_path)
    found: dict[str, tuple[str, float, str]] = {}
    for source, text, score_, note in db.execute(
        "SELECT u.source, t.text, t.score, h.note FROM translations t"
        " JOIN units u ON u.id = t.unit_id JOIN history h ON h.unit_id = t.unit_id"
        " AND h.lang = t.lang AND h.action = 'draft'"
        " WHERE t.lang = 'uk' AND t.origin = 'tm'"
    ):
        found.setdefault(source, (note.removeprefix("tm-source: "), score_, text))
    db.close()
    return found


def msgmerge_matches(path: Path) -> dict[str, tuple[str, float, str]]:
    """source -> (matched compendium source, rapidfuzz score, text) from msgmerge."""
    found: dict[str, tuple[str, float, str]] = {}
    for entry in polib.pofile(str(path)):
        if not entry.msgid or not entry.msgstr:
            continue
        if "fuzzy" in entry.flags:
            chosen = entry.previous_msgid or ""
            found[entry.msgid] = (chosen, score(entry.msgid, chosen), entry.msgstr)
        else:
            found[entry.msgid] = (entry.msgid, 100.0, entry.msgstr)
    return found


def compare(ours: dict[str, tuple[str, float, str]], theirs: dict[str, tuple[str, float, str]],
            sources: list[str], threshold: float) -> None:
    theirs = {s: m for s, m in theirs.items() if m[1] >= threshold}
    exact_ours = {s for s, m in ours.items() if m[1] == 100}
    exact_theirs = {s for s, m in theirs.items() if m[1] == 100}
    print(f"  exact:  ours {len(exact_ours)}, msgmerge {len(exact_theirs)},"
          f" same sentences {exact_ours == exact_theirs},"
          f" same text {sum(ours[s][2] == theirs[s][2] for s in exact_ours & exact_theirs)}"
          f"/{len(exact_ours & exact_theirs)}")
    fz_ours = set(ours) - exact_ours
    fz_theirs = set(theirs) - exact_theirs
    both = fz_ours & fz_theirs
    better = sum(ours[s][1] > theirs[s][1] for s in both)
    worse = [s for s in both if ours[s][1] < theirs[s][1]]
    same_src = sum(ours[s][0] == theirs[s][0] for s in both)
    print(f"  fuzzy >= {threshold:g}: ours {len(fz_ours)}, msgmerge {len(fz_theirs)}; both"
          f" {len(both)} (same source {same_src}, same score {len(both) - better - len(worse)},"
          f" ours higher {better}, ours lower {len(worse)}); only ours"
          f" {len(fz_ours - fz_theirs)}, only msgmerge {len(fz_theirs - fz_ours)}")
    for s in sorted(fz_theirs - fz_ours)[:3] + worse[:3]:
        print(f"    msgmerge better: {s!r} -> {theirs[s][0]!r} {theirs[s][1]}"
              f" (ours {ours.get(s, ('', 0.0))[1]})")
    print(f"  without a memory draft: ours {len(set(sources) - set(ours))},"
          f" msgmerge {len(set(sources) - set(theirs))} (of {len(sources)} distinct sources)")


def brute_force(memory_path: Path, ours: dict[str, tuple[str, float, str]], sources: list[str],
                sample: int, threshold: float) -> None:
    """Our best score against a scan of the whole memory, on a sample of inexact ones."""
    db = open_db(memory_path)
    everything = list(dict.fromkeys(r[0] for r in db.execute(
        "SELECT text FROM tm_memory WHERE lang = 'ru'")))
    db.close()
    exact = set(everything)
    inexact = [s for s in sources if s not in exact]
    picked = random.Random(7).sample(inexact, min(sample, len(inexact)))
    wanted = found = best = 0
    for text in picked:
        hit = process.extractOne(text, everything, scorer=fuzz.ratio, score_cutoff=threshold)
        if hit is None:
            if text in ours:
                print(f"    ours below the threshold?! {text!r}")
            continue
        wanted += 1
        found += text in ours
        best += text in ours and ours[text][1] >= min(round(hit[1], 1), 99.9) - 0.05
    if wanted:
        print(f"  brute force on {len(picked)} sampled inexact sources, {wanted} with a match"
              f" >= {threshold:g}: ours found one {found / wanted:.1%}, the best score"
              f" {best / wanted:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-units", type=int, default=274_000)
    parser.add_argument("--distinct", action="store_true",
                        help="each remembered ru sentence once (--memory-units distinct ones)")
    parser.add_argument("--new-articles", type=int, default=420)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--brute-sample", type=int, default=300)
    parser.add_argument("--profile", type=Path, help="also run the draft under cProfile")
    parser.add_argument("--skip-msgmerge", action="store_true")
    parser.add_argument("--workdir", type=Path, default=OUT / "memory")
    args = parser.parse_args()
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    threshold = DEFAULT_THRESHOLD

    memory = memory_db(work, args.memory_units, args.distinct)
    desk = desk_with_new_articles(work, memory, args.new_articles)
    db = open_db(memory)
    units, distinct = db.execute(
        "SELECT count(*), count(DISTINCT text) FROM tm_memory WHERE lang = 'ru'").fetchone()
    db.close()
    pot, comp, sources = write_gettext_files(desk, work)
    print(f"memory: {units:,} ru/uk units ({distinct:,} distinct ru sentences);"
          f" {args.new_articles} new articles, {len(sources):,} distinct sources", flush=True)

    draft_db = work / "draft.db"
    cmd = [*CLI, "--db", str(draft_db), "draft", "--lang", "uk", "--provider", "none"]
    ours_s, ours_cpu = run_timed(cmd, args.repeat, setup=lambda: fresh_copy(desk, draft_db))
    print(f"  transdesk draft --provider none   {ours_s:7.2f} s wall {ours_cpu:7.2f} s CPU",
          flush=True)
    ours = our_matches(draft_db)
    if args.profile:
        fresh_copy(desk, draft_db)
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(args.profile), "-m",
                        "transdesk", "--db", str(draft_db), "draft", "--lang", "uk",
                        "--provider", "none"], check=True, stdout=subprocess.DEVNULL)
        print(f"  profile written to {args.profile}")
    if args.skip_msgmerge:
        return
    merged = work / "merged.po"
    theirs_s, theirs_cpu = run_timed(["msgmerge", "-q", "--previous", "--compendium",
                                      str(comp), "-o", str(merged), "/dev/null", str(pot)],
                                     args.repeat)
    print(f"  msgmerge --compendium             {theirs_s:7.2f} s wall {theirs_cpu:7.2f} s CPU"
          f"  (threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'all cores')})")
    print(f"  ratio draft / msgmerge            {ours_s / theirs_s:7.2f}x wall"
          f" {ours_cpu / theirs_cpu:7.2f}x CPU; load average {os.getloadavg()[0]:.1f}"
          f" on {os.cpu_count()} cores", flush=True)
    compare(ours, msgmerge_matches(merged), sources, threshold)
    brute_force(memory, ours, sources, args.brute_sample, threshold)


if __name__ == "__main__":
    main()
