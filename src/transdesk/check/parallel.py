"""Running the checks on many sentence pairs, shared between two processes when big."""

from __future__ import annotations

import functools
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from transdesk.checks import CHECK_NAMES, pair_checker

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

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
    pickled on the way in); only its result comes back, through a pipe. An exception
    from the first half is raised first, so errors come in the same order as in one
    process. The child dies with the parent (`processes.die_with_parent`), and is
    killed when the parent stops early (an error, SIGTERM, Ctrl-C)."""
    half = (count + 1) // 2 if workers > 1 else count
    if half >= count:
        return [work(0, count)]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_second_half, args=(work, half, count, sender, os.getpid()),
                            name="transdesk-check-worker", daemon=True)
    child.start()
    sender.close()
    try:
        first = work(0, half)
        try:
            ok, second = receiver.recv()
        except EOFError:
            child.join()
            raise RuntimeError(f"the check worker died (exit status {child.exitcode})") from None
        if not ok:
            raise second
        return [first, second]
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def in_two_processes_streamed(produce: Callable[[int, int], Iterator[Any]], count: int,
                               workers: int) -> Iterator[Any]:
    """The items of `produce(0, half)` then of `produce(half, count)`, as they come,
    the second half made in a forked child (as `in_two_processes`) that writes its
    items to a temporary file as it goes: neither process holds a half's items, and the
    parent's half is made while its items are read."""
    half = (count + 1) // 2 if workers > 1 else count
    if half >= count:
        yield from produce(0, count)
        return
    import multiprocessing
    import tempfile

    with tempfile.TemporaryFile() as spool:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_second_half, args=(functools.partial(_spool, produce, spool), half,
                                       count, sender, os.getpid()),
            name="transdesk-check-worker", daemon=True)
        child.start()
        sender.close()
        try:
            yield from produce(0, half)
            try:
                ok, outcome = receiver.recv()
            except EOFError:
                child.join()
                raise RuntimeError(
                    f"the check worker died (exit status {child.exitcode})") from None
            if not ok:
                raise outcome
            spool.seek(0)
            while True:
                try:
                    batch = pickle.load(spool)
                except EOFError:
                    break
                yield from batch
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join()


def _spool(produce: Callable[[int, int], Iterator[Any]], spool: IO[bytes], start: int,
           stop: int) -> int:
    """Write `produce(start, stop)` into `spool`, pickled in batches; how many items."""
    import itertools

    items = iter(produce(start, stop))
    written = 0
    while batch := list(itertools.islice(items, 1000)):
        pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
        written += len(batch)
    spool.flush()
    return written


def _second_half(work: Callable[[int, int], Any], start: int, stop: int,
                 sender: Connection, parent: int) -> None:
    from transdesk.processes import die_with_parent

    die_with_parent(parent)
    try:
        outcome: tuple[bool, Any] = (True, work(start, stop))
    except BaseException as exc:
        outcome = (False, exc)
    try:
        sender.send(outcome)
    except Exception as exc:  # an exception that cannot be pickled
        sender.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({exc})")))
    sender.close()


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
