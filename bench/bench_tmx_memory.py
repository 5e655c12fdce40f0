"""Peak memory of `tm import` on a big TMX: the file is streamed, so the peak RSS of
the importing process should not grow with the file (target: < 200 MB for ~80 MB).

    python bench/bench_tmx_memory.py [--mb 80]

The TMX (ru/uk/en units, with inline codes and XML escapes) is generated once under
bench/out; the import runs as a child process on a fresh database, and its peak RSS is
read from the kernel's accounting of that child (`os.wait4`).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

from common import OUT, transdesk

WORDS = {
    "ru": ["бюджет", "правительство", "министр", "решение", "закон", "рост", "цены",
           "город", "мост", "выборы"],
    "uk": ["бюджет", "уряд", "міністр", "рішення", "закон", "зростання", "ціни", "місто",
           "міст", "вибори"],
    "en": ["budget", "government", "minister", "decision", "law", "growth", "prices", "city",
           "bridge", "vote"],
}


def make_tmx(path: Path, megabytes: int, seed: int = 11) -> int:
    """Write a TMX of about `megabytes` MB; returns how many units it holds."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    units = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                  '<header creationtool="bench" creationtoolversion="1" datatype="plaintext"'
                  ' segtype="sentence" adminlang="en" srclang="ru" o-tmf="bench"/>\n<body>\n')
        while out.tell() < target:
            units += 1
            n = rng.randint(6, 18)
            picks = [rng.randrange(10) for _ in range(n)]
            out.write(f'<tu tuid="u{units}">\n')
            for lang in ("ru", "uk", "en"):
                words = " ".join(WORDS[lang][i] for i in picks)
                out.write(f'  <tuv xml:lang="{lang}"><seg>{units} {words} &amp; '
                          f'<ph>&lt;b/&gt;</ph>{rng.randint(1, 99)}%.</seg></tuv>\n')
            out.write("</tu>\n")
        out.write("</body>\n</tmx>\n")
    return units


def peak_rss_mb(cmd: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MB, wall seconds, exit status) of running `cmd` as a child."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(proc.stderr.read().decode() if proc.stderr else "")
    return usage.ru_maxrss / 1024, seconds, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=80, help="size of the TMX (MB)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    tmx = OUT / f"memory-{args.mb}mb.tmx"
    if not tmx.exists():
        units = make_tmx(tmx, args.mb)
        print(f"generated {tmx} ({units} units)")
    size = tmx.stat().st_size / 1e6
    with tempfile.TemporaryDirectory(prefix="transdesk-bench-") as work:
        db = Path(work) / "bench.db"
        rss, seconds, code = peak_rss_mb(transdesk("--db", str(db), "tm", "import", str(tmx)))
        print(f"  tm import, {size:.1f} MB TMX: peak RSS {rss:.0f} MB, {seconds:.1f} s,"
              f" exit {code} (target < 200 MB)")
        baseline, _s, _c = peak_rss_mb(transdesk("--db", str(db), "articles"))
        print(f"  for comparison, `transdesk articles`: peak RSS {baseline:.0f} MB")


if __name__ == "__main__":
    main()
