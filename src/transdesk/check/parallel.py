"""Running the checks on many sentence pairs, shared between two processes when big."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from transdesk.checks import CHECK_NAMES, pair_checker

Pair = tuple[str, str, str, str]  # source, translation, source language, target language
Findings = list[tuple[str, str]]  # (check, message)

# Below this many pairs one process is quicker than forking a second one.
PARALLEL_MIN = 20_000


def worker_count(items: int, threshold: int = PARALLEL_MIN) -> int:
    """How many processes to share `items` between: 2 on a multi-core machine with
    enough work, else 1 (the checks are pure Python: threads would not help)."""
    if items < threshold or not hasattr(os, "fork"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return 2 if cpus >= 2 else 1


def in_two_processes(work: Callable[[int, int], Any], count: int, workers: int) -> list[Any]:
    """`[work(0, half), work(half, count)]`, the second half in a forked child when
    `workers` is 2. The child sees the parent's data as it was at the fork (nothing is
    pickled on the way in); only its result comes back. An exception from the first
    half is raised first, so errors come in the same order as in one process."""
    half = (count + 1) // 2 if workers > 1 else count
    if half >= count:
        return [work(0, count)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _FORKED_WORK[:] = [work]  # a closure cannot be pickled: the child finds it here
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            second = pool.submit(_forked_work, half, count)
            try:
                first = work(0, half)
            except BaseException:
                second.cancel()
                raise
            return [first, second.result()]
    finally:
        _FORKED_WORK.clear()


_FORKED_WORK: list[Callable[[int, int], Any]] = []


def _forked_work(start: int, stop: int) -> Any:
    return _FORKED_WORK[0](start, stop)


def check_pairs(
    pairs: list[Pair],
    names: Iterable[str] = CHECK_NAMES,
    workers: int | None = None,
) -> dict[int, Findings]:
    """Run the named checks on each pair; return the findings by index, only for the
    pairs that have any (most have none). Big lists are shared between two processes."""
    if workers is None:
        workers = worker_count(len(pairs))
    check = pair_checker(names)

    def work(start: int, stop: int) -> dict[int, Findings]:
        found = {}
        for i in range(start, stop):
            findings = check(*pairs[i])
            if findings:
                found[i] = findings
        return found

    merged: dict[int, Findings] = {}
    for part in in_two_processes(work, len(pairs), workers):
        merged.update(part)
    return merged
