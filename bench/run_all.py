"""One table for the README: every command beside its peer, at several archive sizes,
with wall-time ratios, CPU time, peak memory, and how each grows.

    python bench/run_all.py [--sizes 1000,10000,30000] [--repeat 1] [--record FILE]
                            [--only NAMES] [--peers-up-to N]
    python bench/run_all.py --from-record FILE   # the table of a recorded run again

For each size it builds (once, cached under bench/out) the generated corpus with its
aligned translations (bench/make_corpus.py, deterministic), then runs each pair as child
processes, measured alone (wall time, user+system CPU, and peak RSS of the largest
process, by GNU time; a machine shared with other work inflates wall times, so the
CPU ratio is printed too):

    import ARCHIVE (its folder, new desk)  txt2po on the same source folder
    import ONE article (new database)      txt2po on that file
    import ONE article into the desk       txt2po on that file
    re-import ARCHIVE into the desk        -
      (every file unchanged)
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
import json
import math
import os
import shutil
import sys
from collections.abc import Callable
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


class Rows(dict):
    """The rows of one size: each printed (and appended to `record` as a JSON line) as
    soon as it is measured, so a long run's figures survive it being stopped; `only`
    (name prefixes) skips the others."""

    def __init__(self, size: int, record: Path | None, only: list[str] | None) -> None:
        super().__init__()
        self.size, self.record, self.only = size, record, only

    def wanted(self, name: str) -> bool:
        return self.only is None or any(name.startswith(prefix) for prefix in self.only)

    def __setitem__(self, name: str, pair: tuple[Measured, Measured | None]) -> None:
        super().__setitem__(name, pair)
        ours, peer = pair
        print(f"  {self.size} {name}: {ours.wall:.2f} s wall, {ours.cpu:.2f} s CPU,"
              f" {ours.peak_mb:.0f} MB" + (f"; peer {peer.wall:.2f} s, {peer.cpu:.2f} s CPU,"
                                           f" {peer.peak_mb:.0f} MB" if peer else "")
              + f" (load {os.getloadavg()[0]:.1f})", flush=True)
        if self.record is not None:
            with self.record.open("a") as out:
                out.write(json.dumps({
                    "size": self.size, "work": name, "load": os.getloadavg()[0],
                    "ours": [ours.wall, ours.cpu, ours.peak_mb],
                    "peer": [peer.wall, peer.cpu, peer.peak_mb] if peer else None}) + "\n")


def best(cmd: list[str] | str, repeat: int, setup=None, **kwargs) -> Measured:
    runs = []
    for _ in range(repeat):
        if setup:
            setup()
        runs.append(measure(cmd, **kwargs))
    return min(runs, key=lambda m: m.wall)


def run_size(size: int, repeat: int, rows: Rows, peers: bool = True) -> Rows:
    """Every row at one size into `rows`; without `peers` only ours (the peers' runs at
    100k take longer than all of ours). The work the later rows need (the archive's
    import, po export, tm export and import) runs even when its row is not wanted."""
    corpus, sources, work = desk(size)
    # the archive is given as its folder, as to txt2po (100,000 file names exceed what
    # Linux passes to a program); the draft's desk imports the same folder
    db = work / "desk.db"

    def peer(name: str, run: Callable[[], Measured]) -> Measured | None:
        return run() if peers and rows.wanted(name) else None

    def txt2po(source: str) -> Measured:
        out = work / "txt2po"
        return best([tool("txt2po"), "--progress=none", "-i", source, "-o", str(out)], repeat,
                    setup=lambda: shutil.rmtree(out, ignore_errors=True))

    # import: an archive, then one article, into a new database and into the desk
    name = "import ARCHIVE"
    rows[name] = (best(transdesk("--db", str(db), "import", "-q", str(sources)), repeat,
                       setup=lambda: fresh(db)),
                  peer(name, lambda: txt2po(str(sources))))
    one = work / "one-more-article.txt"
    shutil.copyfile(min(sources.glob("*.txt")), one)
    fresh_db = work / "new.db"
    name = "import ONE, new database"
    if rows.wanted(name):
        rows[name] = (best(transdesk("--db", str(fresh_db), "import", "-q", str(one)), repeat,
                           setup=lambda: fresh(fresh_db)),
                      peer(name, lambda: txt2po(str(one))))

    def forget_one() -> None:
        handle = open_db(db)
        with write_transaction(handle) as conn:
            for table in ("translations", "units"):
                conn.execute(f"DELETE FROM {table} WHERE article_id = 'one-more-article'")
            conn.execute("DELETE FROM articles WHERE id = 'one-more-article'")
        handle.close()

    name = "import ONE into the desk"
    if rows.wanted(name):
        rows[name] = (best(transdesk("--db", str(db), "import", "-q", str(one)), repeat,
                           setup=forget_one),
                      peer(name, lambda: txt2po(str(one))))
        forget_one()
    name = "re-import ARCHIVE (the desk, unchanged)"
    if rows.wanted(name):  # its first pass reads every file; nothing is written
        rows[name] = (best(transdesk("--db", str(db), "import", "-q", str(sources)), repeat),
                      None)

    # check and po export on a complete desk
    fill_translations(db, corpus)
    locales = work / "locales"
    export = measure(transdesk("--db", str(db), "po", "export", "--mo", "-q", "--dir",
                               str(locales)))
    po_files = sorted(str(p) for p in locales.glob("*/LC_MESSAGES/*.po"))
    listing = work / "po-files.txt"
    listing.write_text("\n".join(po_files) + "\n")
    name = "po export --mo"
    rows[name] = (export, peer(name, lambda: measure(
        f"xargs -a {listing} -n1 -P1 msgfmt -o /dev/null")))
    lang_dirs = sorted(str(p) for p in locales.iterdir() if p.is_dir())
    pocounted: list[Measured] = []

    def pocount() -> Measured:
        if not pocounted:
            pocounted.append(best([tool("pocount"), *lang_dirs], repeat))
        return pocounted[0]

    check = transdesk("--db", str(db), "check", "--format", "json")
    name = "check, first run"
    if rows.wanted("check"):
        rows[name] = (measure(check, ok=(0, 1)), peer(name, pocount))
        name = "check, warm"
        rows[name] = (best(check, repeat, ok=(0, 1)), peer(name, pocount))
    name = "check --po"
    if rows.wanted(name):
        rows[name] = (best(transdesk("check", "--po", str(locales), "--format", "json"),
                           repeat, ok=(0, 1)), peer(name, pocount))
    memory_work(db, sources, locales, work, repeat, rows, peer)
    shutil.rmtree(work / "txt2po", ignore_errors=True)
    return rows


def fresh(path: Path) -> None:
    """Remove a SQLite database file with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def memory_work(db: Path, sources: Path, locales: Path, work: Path, repeat: int,
                rows: Rows, peer: Callable[[str, Callable[[], Measured]], Measured | None],
                ) -> None:
    """export --finished, tm export / import and a draft from that memory."""
    finished = work / "finished"
    name = "export --finished"
    if rows.wanted(name):
        rows[name] = (best(
            transdesk("--db", str(db), "export", "--finished", "--lang", "en", "-o",
                      str(finished)),
            repeat, setup=lambda: shutil.rmtree(finished, ignore_errors=True)), None)
    tmx = work / "desk.tmx"
    po2tmx_out = work / "po2tmx"
    en = locales / "en"
    name = "tm export"
    rows[name] = (
        best(transdesk("--db", str(db), "tm", "export", str(tmx)), repeat,
             setup=lambda: tmx.unlink(missing_ok=True)),
        peer(name, lambda: best(
            [tool("po2tmx"), "--progress=none", "-l", "en", "-i", str(en), "-o",
             str(po2tmx_out)], repeat,
            setup=lambda: shutil.rmtree(po2tmx_out, ignore_errors=True)))
        if en.is_dir() else None)
    memory = work / "memory.db"
    rows["tm import"] = (best(transdesk("--db", str(memory), "tm", "import", str(tmx)),
                              repeat, setup=lambda: fresh(memory)), None)
    drafting = work / "drafting.db"

    def new_desk() -> None:
        fresh(drafting)
        shutil.copyfile(memory, drafting)
        measure(transdesk("--db", str(drafting), "import", "-q", str(sources)))

    name = "draft --provider none"
    if rows.wanted(name):
        rows[name] = (best(
            transdesk("--db", str(drafting), "draft", "--lang", "en", "--provider", "none"),
            repeat, setup=new_desk, ok=(0, 1)), None)
    for path in (memory, drafting):
        fresh(path)
    shutil.rmtree(po2tmx_out, ignore_errors=True)
    shutil.rmtree(finished, ignore_errors=True)


def growth(series: list[tuple[int, Measured]]) -> str:
    """Time exponents (wall and CPU: on a shared machine CPU time is the steadier) and
    memory factor from each size to the next; "linear" when the CPU exponent is."""
    parts = []
    for (n1, m1), (n2, m2) in itertools.pairwise(series):
        def exponent(a: float, b: float, n1: int = n1, n2: int = n2) -> float:
            return math.log(max(b, 1e-3) / max(a, 1e-3)) / math.log(n2 / n1)

        wall, cpu = exponent(m1.wall, m2.wall), exponent(m1.cpu, m2.cpu)
        shape = "linear" if cpu <= 1.15 else "FASTER than linear"
        memory = m2.peak_mb / m1.peak_mb
        kind = "flat" if memory < 1.25 else f"grows x{memory:.1f}"
        parts.append(f"{n1}->{n2}: time ^{wall:.2f} wall, ^{cpu:.2f} CPU ({shape}),"
                     f" memory {kind} (x{memory:.2f})")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (best kept)")
    parser.add_argument("--peers-up-to", type=int, default=None, metavar="N",
                        help="run the peers only at sizes up to N (ours at every size)")
    parser.add_argument("--only", default=None, metavar="NAMES",
                        help="rows whose names start with these (comma-separated)")
    parser.add_argument("--record", type=Path, default=None, metavar="FILE",
                        help="append each row to FILE as a JSON line as it is measured")
    parser.add_argument("--from-record", type=Path, default=None, metavar="FILE",
                        help="only print the table and growth of the rows FILE holds")
    args = parser.parse_args()
    if args.from_record:
        show(table_of(args.from_record))
        return
    sizes = [int(n) for n in args.sizes.split(",")]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    table: Table = {}
    for size in sizes:
        peers = args.peers_up_to is None or size <= args.peers_up_to
        rows = Rows(size, args.record, args.only.split(",") if args.only else None)
        for name, (ours, peer) in run_size(size, args.repeat, rows, peers).items():
            table.setdefault(name, []).append((size, ours, peer))
        print(f"  {size} articles done (load average {os.getloadavg()[0]:.1f})", flush=True)
    show(table)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    sys.stdout.flush()


Table = dict[str, list[tuple[int, Measured, "Measured | None"]]]


def table_of(record: Path) -> Table:
    """The rows a `--record` file holds (the last of each work and size), by size."""
    latest: dict[tuple[str, int], tuple[Measured, Measured | None]] = {}
    for line in record.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            latest[(row["work"], row["size"])] = (
                Measured(*row["ours"]), Measured(*row["peer"]) if row["peer"] else None)
    table: Table = {}
    for (name, size), (ours, peer) in sorted(latest.items(), key=lambda item: item[0][1]):
        table.setdefault(name, []).append((size, ours, peer))
    return table


def show(table: Table) -> None:
    """The table of every row and size, then each row's growth from size to size."""
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
    if any(len(entries) > 1 for entries in table.values()):
        print("\ngrowth (ours):")
        for name, entries in table.items():
            print(f"  {name}: {growth([(size, ours) for size, ours, _ in entries])}")


if __name__ == "__main__":
    main()
