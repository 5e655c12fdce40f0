"""Start-up time of `transdesk --help` in each interface language.

    python bench/bench_startup.py [--runs 20] [ARGS...]

Each run is a fresh `python -m transdesk --help` (or ARGS) with TRANSDESK_LANG set to
en, uk and ru in turn (interleaved, so that a busy machine slows all three alike);
prints the median and the fastest run of each, and the median's ratio to English. The
issue's budget: Ukrainian under 0.15 s and within 10% of English.
"""

from __future__ import annotations

import argparse
import os
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
    for lang in LANGS:  # warm the file cache and the bytecode
        subprocess.run(transdesk(*options.args), env={**base, "TRANSDESK_LANG": lang},
                       check=True, capture_output=True)
    for _ in range(options.runs):
        for lang in LANGS:
            with stopwatch() as watch:
                subprocess.run(transdesk(*options.args), env={**base, "TRANSDESK_LANG": lang},
                               check=True, capture_output=True)
            times[lang].append(watch.seconds)
    english = statistics.median(times["en"])
    print(f"transdesk {' '.join(options.args)}: {options.runs} runs each")
    for lang in LANGS:
        median = statistics.median(times[lang])
        print(f"  {lang}  median {median * 1000:6.1f} ms  fastest {min(times[lang]) * 1000:6.1f} ms"
              f"  {median / english:5.2f}x English")


if __name__ == "__main__":
    main()
