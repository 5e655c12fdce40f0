#!/usr/bin/env python3
"""Peak memory of a `draft` through a provider as the archive grows (issue 17).

For each size, a copy of bench_draft_growth's desk (a new desk of SIZE generated
articles beside its complete twin's memory) is drafted into English with no memory
(`--no-tm`: every unit goes to the provider) through the LibreTranslate-protocol server
of the tests (tests/libre_server.py, on 127.0.0.1, no latency):

    draft --lang en --provider libre --no-tm    (wall, CPU, peak RSS by GNU time)

A run that collected every unit before asking the provider grows with the archive; one
that works a chunk of articles at a time stays flat. With ``--before DIR`` each size is
drafted first with another checkout's sources (a before/after in the same run).

    python bench/bench_draft_provider.py [--sizes 1000,3000] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from bench_draft_growth import MIGRATE, ready_desk
from bench_memory_growth import fresh
from common import ROOT, Measured, measure, transdesk

sys.path.insert(0, str(ROOT / "tests"))

from libre_server import LibreServer


def run_size(size: int, url: str, src: Path | None, label: str) -> Measured:
    ready = ready_desk(size)
    run = ready.parent / "provider.db"
    fresh(run)
    shutil.copyfile(ready, run)
    env = dict(os.environ, TRANSDESK_LIBRE_URL=url)
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    measure([sys.executable, "-c", MIGRATE, str(run)], env=env)
    measured = measure(transdesk("--db", str(run), "draft", "--lang", "en", "--provider",
                                 "libre", "--no-tm"), env=env)
    print(f"{size:>7} articles{label}  draft --provider libre --no-tm {measured.wall:8.2f} s"
          f" wall {measured.cpu:8.2f} s CPU {measured.peak_mb:7.1f} MB peak"
          f" (load {os.getloadavg()[0]:.1f})  {measured.stdout.strip()}", flush=True)
    fresh(run)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,3000")
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also draft each size with that checkout's sources first")
    args = parser.parse_args()
    with LibreServer() as server:
        for size in (int(n) for n in args.sizes.split(",")):
            if args.before:
                run_size(size, server.url, args.before, " (before)")
            run_size(size, server.url, None, "")


if __name__ == "__main__":
    main()
