"""Helpers shared by the benchmark scripts: the paths (one corpus generator, one output
folder), corpus generation and timing (`stopwatch`, `timed`)."""

from __future__ import annotations

import compileall
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT / "bench" / "make_corpus.py"
OUT = ROOT / "bench" / "out"
SAMPLES = ROOT / "tests" / "data" / "samples"


def compile_sources(tree: Path) -> None:
    """Write the bytecode of a source tree's modules, as `pip install` does: where
    PYTHONDONTWRITEBYTECODE is set (this machine sets it), every run of an editable
    install would otherwise compile transdesk's modules again (~0.1 s of each start),
    while the peers, installed by pip, start from their bytecode."""
    compileall.compile_dir(str(tree), quiet=1)


compile_sources(ROOT / "src")


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


def tool(name: str) -> str:
    """A peer's command (translate-toolkit's scripts sit beside this Python)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


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


@dataclass
class Measured:
    """One child process's wall time, CPU time (user + system) and peak resident memory
    (of the largest process in its tree: the child or a worker it waited for)."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str = ""


TIME = "/usr/bin/time"  # GNU time: the peak RSS of the command alone


def measure(cmd: list[str] | str, ok: tuple[int, ...] = (0,), **kwargs) -> Measured:
    """Run `cmd` once as a child process and measure it alone. GNU time runs it: a
    child forked from this (large) Python would report this process's RSS as its floor,
    Linux carrying the peak across fork and exec."""
    argv = ["sh", "-c", cmd] if isinstance(cmd, str) else cmd
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "time"
        with stopwatch() as watch:
            result = subprocess.run([TIME, "-f", "%U %S %M", "-o", str(report), *argv],
                                    capture_output=True, **kwargs)
        if result.returncode not in ok:
            raise SystemExit(f"{str(cmd)[:100]} failed ({result.returncode}):"
                             f" {result.stderr[-400:].decode(errors='replace')}")
        user, system, peak_kb = report.read_text().split()[-3:]
    return Measured(watch.seconds, float(user) + float(system), int(peak_kb) / 1024,
                    result.stdout.decode(errors="replace"))


def drafts_digest(location: str | Path) -> tuple[int, str]:
    """(drafts, sha256) of every draft with its history rows, in unit order, on a desk of
    either engine (opened as it is: no schema step applied)."""
    import hashlib

    from transdesk import storage

    desk = storage.open(location, migrate=False, create=False)
    summed = hashlib.sha256()
    count = 0
    try:
        for found in desk.execute(
                "SELECT t.unit_id, t.lang, t.text, t.status, t.origin, t.score, h.action,"
                " h.old_text, h.new_text, h.old_status, h.new_status, h.note, h.score,"
                " h.old_origin, h.old_score FROM translations t JOIN history h"
                " ON h.unit_id = t.unit_id AND h.lang = t.lang WHERE t.status = 'draft'"
                " ORDER BY t.unit_id, t.lang, h.id"):
            summed.update(repr(tuple(found)).encode())
            count += 1
    finally:
        desk.close()
    return count, summed.hexdigest()


def row(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<52} {seconds:8.3f} s  {extra}")


def start_together(target, jobs: list[tuple], timeout: float) -> tuple[list, float]:
    """Run `target(*job, barrier, results)` in one forked process per job, released at
    the same moment; returns what each put on `results`, and the seconds from the release
    to the last result."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(jobs) + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*job, barrier, results)) for job in jobs]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.time()
    outcomes = [results.get(timeout=timeout) for _ in procs]
    elapsed = time.time() - start
    for proc in procs:
        proc.join()
    return outcomes, elapsed
