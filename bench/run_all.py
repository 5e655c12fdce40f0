"""One table for the README: every command beside its peer, at several archive sizes,
with wall-time ratios, CPU time, peak memory, and how each grows.

    python bench/run_all.py [--sizes 1000,10000,30000] [--repeat 1]

For each size it builds (once, cached under bench/out) the generated corpus with its
aligned translations (bench/make_corpus.py, deterministic), then runs each pair as child
processes, measured alone (wall time, user+system CPU, and peak RSS of the largest
process, by GNU time; a machine shared with other work inflates wall times, so the
CPU ratio is printed too):

    import ARCHIVE (new database)          txt2po on the same source files
    import ONE article (new database)      txt2po on that file
    import ONE article into the desk       txt2po on that file
    check (database), first run            pocount on the PO files
    check (database), warm                 pocount
    check --po                             pocount
    po export --mo                         msgfmt -o /dev/null per file (xargs -P1)
    export --finished (each language)      -
    tm export (TMX of the whole desk)      po2tmx on the exported PO files
    tm import (that TMX, new database)     -
    draft --provider none (a new desk of   -
      the same sources, memory = that TMX)

The desk's translations are made complete from the corpus's aligned translations
(bench_check.fill_translations). Re-importing a large changed article is in
bench/bench_reimport.py, memory lookups beside msgmerge --compendium in bench_draft.py.
Ratios are ours / the peer's (below 1: faster). The growth lines compare each size with
the one before: time exponent (1 = linear) and memory factor.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import resource
import shutil
import sys
from pathlib import Path

from bench_check import fill_translations
from common import OUT, Measured, make_corpus, measure, tool, transdesk

from transdesk.db import open_db, write_transaction


def desk(size: int) -> tuple[Path, Path, Path]:
    """The corpus (with translations), a folder of only its sources, and a work folder."""
    corpus = make_corpus(size, "--lang", "mix", "--translations",
                         name=f"corpus-{size}-mix-translations")
    sources = corpus.parent / f"{corpus.name}-sources"
    marker = corpus.parent / f"{sources.name}.complete"
    if not marker.exists():
        shutil.rmtree(sources, ignore_errors=True)
        sources.mkdir()
        for path in corpus.glob("*.txt"):
            os.link(path, sources / path.name)
        marker.write_text("ok")
    work = OUT / f"run-all-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return corpus, sources, work


def best(cmd: list[str] | str, repeat: int, setup=None, **kwargs) -> Measured:
    runs = []
    for _ in range(repeat):
        if setup:
            setup()
        runs.append(measure(cmd, **kwargs))
    return min(runs, key=lambda m: m.wall)


def run_size(size: int, repeat: int) -> dict[str, tuple[Measured, Measured | None]]:
    corpus, sources, work = desk(size)
    files = sorted(str(p) for p in sources.glob("*.txt"))
    db = work / "desk.db"
    results: dict[str, tuple[Measured, Measured | None]] = {}

    def fresh(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def txt2po(source: str) -> Measured:
        out = work / "txt2po"
        return best([tool("txt2po"), "--progress=none", "-i", source, "-o", str(out)], repeat,
                    setup=lambda: shutil.rmtree(out, ignore_errors=True))

    # import: an archive, then one article, into a new database and into the desk
    results["import ARCHIVE"] = (
        best(transdesk("--db", str(db), "import", "-q", *files), repeat,
             setup=lambda: fresh(db)),
        txt2po(str(sources)))
    one = work / "one-more-article.txt"
    shutil.copyfile(files[0], one)
    fresh_db = work / "new.db"
    results["import ONE, new database"] = (
        best(transdesk("--db", str(fresh_db), "import", "-q", str(one)), repeat,
             setup=lambda: fresh(fresh_db)),
        txt2po(str(one)))

    def forget_one() -> None:
        handle = open_db(db)
        with write_transaction(handle) as conn:
            for table in ("translations", "units"):
                conn.execute(f"DELETE FROM {table} WHERE article_id = 'one-more-article'")
            conn.execute("DELETE FROM articles WHERE id = 'one-more-article'")
        handle.close()

    results["import ONE into the desk"] = (
        best(transdesk("--db", str(db), "import", "-q", str(one)), repeat,
             setup=forget_one),
        txt2po(str(one)))
    forget_one()

    # check and po export on a complete desk
    fill_translations(db, corpus)
    locales = work / "locales"
    export = measure(transdesk("--db", str(db), "po", "export", "--mo", "-q", "--dir",
                               str(locales)))
    po_files = sorted(str(p) for p in locales.glob("*/LC_MESSAGES/*.po"))
    listing = work / "po-files.txt"
    listing.write_text("\n".join(po_files) + "\n")
    msgfmt = measure(f"xargs -a {listing} -n1 -P1 msgfmt -o /dev/null")
    results["po export --mo"] = (export, msgfmt)
    lang_dirs = sorted(str(p) for p in locales.iterdir() if p.is_dir())
    pocount = best([tool("pocount"), *lang_dirs], repeat)
    check = transdesk("--db", str(db), "check", "--format", "json")
    results["check, first run"] = (measure(check, ok=(0, 1)), pocount)
    results["check, warm"] = (best(check, repeat, ok=(0, 1)), pocount)
    results["check --po"] = (
        best(transdesk("check", "--po", str(locales), "--format", "json"), repeat,
             ok=(0, 1)), pocount)
    results.update(memory_work(db, files, locales, work, repeat))
    shutil.rmtree(work / "txt2po", ignore_errors=True)
    return results


def memory_work(db: Path, files: list[str], locales: Path, work: Path,
                repeat: int) -> dict[str, tuple[Measured, Measured | None]]:
    """export --finished, tm export / import and a draft from that memory."""
    results: dict[str, tuple[Measured, Measured | None]] = {}
    finished = work / "finished"
    results["export --finished"] = (best(
        transdesk("--db", str(db), "export", "--finished", "--lang", "en", "-o", str(finished)),
        repeat, setup=lambda: shutil.rmtree(finished, ignore_errors=True)), None)
    tmx = work / "desk.tmx"
    po2tmx_out = work / "po2tmx"
    en = locales / "en"
    results["tm export"] = (
        best(transdesk("--db", str(db), "tm", "export", str(tmx)), repeat,
             setup=lambda: tmx.unlink(missing_ok=True)),
        best([tool("po2tmx"), "--progress=none", "-l", "en", "-i", str(en), "-o",
              str(po2tmx_out)], repeat,
             setup=lambda: shutil.rmtree(po2tmx_out, ignore_errors=True))
        if en.is_dir() else None)
    memory = work / "memory.db"

    def fresh(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    results["tm import"] = (best(transdesk("--db", str(memory), "tm", "import", str(tmx)),
                                 repeat, setup=lambda: fresh(memory)), None)
    drafting = work / "drafting.db"

    def new_desk() -> None:
        fresh(drafting)
        shutil.copyfile(memory, drafting)
        measure(transdesk("--db", str(drafting), "import", "-q", *files))

    results["draft --provider none"] = (best(
        transdesk("--db", str(drafting), "draft", "--lang", "en", "--provider", "none"),
        repeat, setup=new_desk, ok=(0, 1)), None)
    for path in (memory, drafting):
        fresh(path)
    shutil.rmtree(po2tmx_out, ignore_errors=True)
    shutil.rmtree(finished, ignore_errors=True)
    return results


def growth(series: list[tuple[int, Measured]]) -> str:
    """Time exponent and memory factor from each size to the next."""
    parts = []
    for (n1, m1), (n2, m2) in itertools.pairwise(series):
        exponent = math.log(max(m2.wall, 1e-3) / max(m1.wall, 1e-3)) / math.log(n2 / n1)
        shape = "linear" if exponent <= 1.15 else "FASTER than linear"
        memory = m2.peak_mb / m1.peak_mb
        kind = "flat" if memory < 1.25 else f"grows x{memory:.1f}"
        parts.append(f"{n1}->{n2}: time ^{exponent:.2f} ({shape}), memory {kind}")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (best kept)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    # an archive of 30,000+ files passed as arguments needs more than the default
    # 2 MB of argv (a quarter of the stack limit), as when a shell runs `import *.txt`
    stack = 512 * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if hard == resource.RLIM_INFINITY or hard >= stack:
        resource.setrlimit(resource.RLIMIT_STACK, (stack, hard))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    table: dict[str, list[tuple[int, Measured, Measured | None]]] = {}
    for size in sizes:
        for name, (ours, peer) in run_size(size, args.repeat).items():
            table.setdefault(name, []).append((size, ours, peer))
        print(f"  {size} articles done (load average {os.getloadavg()[0]:.1f})", flush=True)
    print()
    print("| work | articles | ours wall s | CPU s | peak MB | peer wall s | CPU s"
          " | peak MB | ratio wall | ratio CPU |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, entries in table.items():
        for size, ours, peer in entries:
            ratio = (f"{ours.wall / peer.wall:.2f}x | {ours.cpu / max(peer.cpu, 0.01):.2f}x"
                     if peer else "- | -")
            peer_cells = (f"{peer.wall:.2f} | {peer.cpu:.2f} | {peer.peak_mb:.0f}" if peer
                          else "- | - | -")
            print(f"| {name} | {size} | {ours.wall:.2f} | {ours.cpu:.2f} | {ours.peak_mb:.0f}"
                  f" | {peer_cells} | {ratio} |")
    if len(sizes) > 1:
        print("\ngrowth (ours):")
        for name, entries in table.items():
            print(f"  {name}: {growth([(size, ours) for size, ours, _ in entries])}")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
