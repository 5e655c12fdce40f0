"""Start-up time of `transdesk --help` in each interface language.

    python bench/bench_startup.py [--runs 20] [ARGS...]

Each run is a fresh `python -m transdesk --help` (or ARGS) with TRANSDESK_LANG set to
en, uk and ru in turn (interleaved, so that a busy machine slows all three alike);
prints the median and the fastest wall time of each, the median CPU time (user + system
of the child: steadier than the clock on a shared machine), and the medians' ratios to
English. The issue's budget: Ukrainian under 0.15 s and within 10% of English.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess

from common import stopwatch, transdesk

LANGS = ("en", "uk", "ru")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("args", nargs="*", default=["--help"])
    options = parser.parse_args(argv)
    base = {k: v for k, v in os.environ.items()
            if k not in ("TRANSDESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    times: dict[str, list[float]] = {lang: [] for lang in LANGS}
    cpu: dict[str, list[float]] = {lang: [] for lang in LANGS}
    for lang in LANGS:  # warm the file cache and the bytecode
        subprocess.run(transdesk(*options.args), env={**base, "TRANSDESK_LANG": lang},
                       check=True, capture_output=True)
    for _ in range(options.runs):
        for lang in LANGS:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            with stopwatch() as watch:
                subprocess.run(transdesk(*options.args), env={**base, "TRANSDESK_LANG": lang},
                               check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[lang].append(watch.seconds)
            cpu[lang].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    english, english_cpu = statistics.median(times["en"]), statistics.median(cpu["en"])
    print(f"transdesk {' '.join(options.args)}: {options.runs} runs each")
    for lang in LANGS:
        median, median_cpu = statistics.median(times[lang]), statistics.median(cpu[lang])
        print(f"  {lang}  wall: median {median * 1000:6.1f} ms, fastest"
              f" {min(times[lang]) * 1000:6.1f} ms, {median / english:4.2f}x English;"
              f"  CPU: median {median_cpu * 1000:6.1f} ms,"
              f" {median_cpu / english_cpu:4.2f}x English")


if __name__ == "__main__":
    main()
