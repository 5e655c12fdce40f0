"""Benchmark: `po export --mo` and `export --finished` on a generated corpus.

    python bench/bench_export.py [--articles 10000] [--workdir /tmp/bench-export]

Generates articles with bench/make_corpus.py, imports them
(`transdesk import -q`), marks every target language complete through the library
(`store.write_translation`, one transaction), then times:

* `transdesk po export --mo` of every article (POT + PO + MO per target language),
  against GNU `msgfmt` compiling the same PO files (`xargs -P <cores>`);
* the same `po export` again (nothing changed: every file is left untouched);
* `transdesk export --finished --lang L -o DIR` for each language.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import MAKE_CORPUS, stopwatch

CLI = [sys.executable, "-m", "transdesk"]


def timed(label: str, cmd: list[str] | str, **kwargs) -> float:
    with stopwatch() as watch:
        subprocess.run(cmd, check=True, **kwargs)
    elapsed = watch.seconds
    print(f"{label:<48} {elapsed:8.2f} s", flush=True)
    return elapsed


def mark_complete(db_path: Path) -> int:
    from transdesk import store
    from transdesk.db import open_db, write_transaction

    db = open_db(db_path)
    rows = db.execute(
        "SELECT t.unit_id, t.lang, u.source FROM translations t JOIN units u"
        " ON u.id = t.unit_id WHERE t.obsolete = 0 AND t.status != 'translated'"
    ).fetchall()
    with write_transaction(db) as conn:
        for unit_id, lang, source in rows:
            store.write_translation(conn, unit_id, lang, text=f"[{lang}] {source}",
                                    status="translated", origin="human", translator="bench")
    db.close()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workdir", default="/tmp/bench-export")
    args = parser.parse_args()
    work = Path(args.workdir)
    corpus = work / f"corpus-{args.articles}"
    db_path = work / f"bench-{args.articles}.db"
    env = {**os.environ, "TRANSDESK_DB": str(db_path), "TRANSDESK_USER": "bench"}
    cores = str(os.cpu_count() or 1)

    if not corpus.is_dir():
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(args.articles),
                        "--lang", "mix", str(corpus)], check=True, stdout=subprocess.DEVNULL)
    if not db_path.exists():
        files = sorted(str(p) for p in corpus.glob("*.txt"))
        timed(f"import {len(files)} articles", [*CLI, "import", "-q", *files], env=env,
              stdout=subprocess.DEVNULL)
        start = time.perf_counter()
        n = mark_complete(db_path)
        print(f"{'mark ' + str(n) + ' translations complete':<48}"
              f" {time.perf_counter() - start:8.2f} s")

    locales = work / "locales"
    shutil.rmtree(locales, ignore_errors=True)
    t_po = timed("po export --mo (fresh directory)",
                 [*CLI, "po", "export", "--mo", "-q", "--dir", str(locales)], env=env)
    t_po_again = timed("po export --mo (again, unchanged)",
                       [*CLI, "po", "export", "--mo", "-q", "--dir", str(locales)], env=env)
    pos = sorted(str(p) for p in locales.glob("*/LC_MESSAGES/*.po"))
    listing = work / "po-files.txt"
    listing.write_text("\n".join(pos) + "\n")
    t_msgfmt = timed(
        f"msgfmt of the same {len(pos)} PO files (xargs -P {cores})",
        f"xargs -a {listing} -P {cores} -I{{}} sh -c 'msgfmt -o \"${{1%.po}}.gnu.mo\" \"$1\"'"
        " _ {}",
        shell=True,
    )
    finished_total = 0.0
    for lang in ("ru", "uk", "en"):
        out = work / f"finished-{lang}"
        shutil.rmtree(out, ignore_errors=True)
        finished_total += timed(f"export --finished --lang {lang}",
                                [*CLI, "export", "--finished", "--lang", lang, "-o", str(out)],
                                env=env, stderr=subprocess.DEVNULL)
    exported = sum(len(list((work / f"finished-{lang}").iterdir())) for lang in ("ru", "uk", "en"))
    print()
    print(f"articles: {args.articles}; PO files: {len(pos)}; finished exports: {exported}")
    print(f"po export --mo / msgfmt (same PO files):  {t_po / t_msgfmt:6.2f}x")
    print(f"po export again / first export:           {t_po_again / t_po:6.2f}x")
    print(f"po export per article:                    {1000 * t_po / args.articles:6.2f} ms")
    print(f"export --finished per file:               {1000 * finished_total / exported:6.2f} ms")
    print(f"export --finished total / po export:      {finished_total / t_po:6.2f}x")


if __name__ == "__main__":
    main()
