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
``--instant``: instead of the HTTP server (a request per sentence: minutes at 10,000
articles), a provider answering at once inside the drafting process (a child making
the CLI's library call, with the provider registered as a plugin would be).

    python bench/bench_draft_provider.py [--sizes 1000,3000] [--before DIR] [--instant]
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


def instant_draft(location: str) -> None:
    """The child of ``--instant``: the library call the CLI makes, through a provider
    answering ``[lang] text`` at once."""
    from transdesk import draft, storage
    from transdesk.providers import PROVIDERS
    from transdesk.providers.base import BatchResult, Provider

    class Instant(Provider):
        name = "instant"
        pairs = frozenset((s, t) for s in ("ru", "uk", "en") for t in ("ru", "uk", "en")
                          if s != t)
        batch_size = 50

        def translate_batch(self, texts: list[str], source: str, target: str) -> BatchResult:
            result = BatchResult(len(texts))
            for i, text in enumerate(texts):
                result.set_ok(i, f"[{target}] {text}")
            return result

    PROVIDERS.register("instant", Instant)
    desk = storage.open(location)
    try:
        print(draft.draft(desk, "en", provider="instant", use_tm=False,
                          keep_misses=False).summary())
    finally:
        desk.close()


def run_size(size: int, url: str | None, src: Path | None, label: str) -> Measured:
    ready = ready_desk(size)
    run = ready.parent / "provider.db"
    fresh(run)
    shutil.copyfile(ready, run)
    env = dict(os.environ, TRANSDESK_LIBRE_URL=url or "")
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    measure([sys.executable, "-c", MIGRATE, str(run)], env=env)
    if url is None:
        name = "instant"
        cmd = [sys.executable, __file__, "--child", str(run)]
    else:
        name = "libre"
        cmd = transdesk("--db", str(run), "draft", "--lang", "en", "--provider", "libre",
                        "--no-tm")
    measured = measure(cmd, env=env)
    print(f"{size:>7} articles{label}  draft --provider {name} --no-tm {measured.wall:8.2f} s"
          f" wall {measured.cpu:8.2f} s CPU {measured.peak_mb:7.1f} MB peak"
          f" (load {os.getloadavg()[0]:.1f})  {measured.stdout.strip()}", flush=True)
    fresh(run)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,3000")
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also draft each size with that checkout's sources first")
    parser.add_argument("--instant", action="store_true",
                        help="a provider answering at once, in the drafting process")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        instant_draft(args.child)
        return
    with LibreServer() as server:
        url = None if args.instant else server.url
        for size in (int(n) for n in args.sizes.split(",")):
            if args.before:
                run_size(size, url, args.before, " (before)")
            run_size(size, url, None, "")


if __name__ == "__main__":
    main()
