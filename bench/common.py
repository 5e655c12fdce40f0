"""Helpers shared by the benchmark scripts: the paths (one corpus generator, one output
folder), corpus generation and timing (`stopwatch`, `timed`)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT / "bench" / "make_corpus.py"
OUT = ROOT / "bench" / "out"
SAMPLES = ROOT / "tests" / "data" / "samples"


class Stopwatch:
    seconds: float = 0.0


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    """`with stopwatch() as watch: ...`, then `watch.seconds` is the wall time taken."""
    watch = Stopwatch()
    start = time.perf_counter()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - start


def transdesk(*args: str) -> list[str]:
    """The installed CLI as a command line (same interpreter as the benchmark)."""
    return [sys.executable, "-m", "transdesk", *args]


def make_corpus(articles: int, *extra: str, name: str | None = None) -> Path:
    """Generate (once, cached under bench/out) a deterministic corpus."""
    target = OUT / (name or f"corpus-{articles}{''.join(extra).replace('-', '_')}")
    marker = target / ".complete"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(target), "--articles",
                        str(articles), *extra], check=True, stdout=subprocess.DEVNULL)
        marker.write_text("ok")
    return target


def timed(cmd: list[str], repeat: int = 1, setup=None, **kwargs) -> float:
    """Median wall time of running `cmd` (after `setup()` each time), in seconds."""
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        with stopwatch() as watch:
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kwargs)
        times.append(watch.seconds)
    return statistics.median(times)


def row(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<52} {seconds:8.3f} s  {extra}")
