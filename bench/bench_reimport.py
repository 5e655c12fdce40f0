"""Re-importing a large changed article (issue 11 item 3): one article of N sentences,
every sentence then edited, imported again, as a subprocess; and how long another
writer waits meanwhile (the write lock is taken only after the matching).

    python bench/bench_reimport.py [--sentences 1000,3000,7000] [--transdesk-src DIR]

`--transdesk-src` runs another copy of transdesk's src/ (e.g. 0.1.0's, from
`git archive`) for the before figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import make_corpus, row, stopwatch, transdesk

from transdesk.segment import split_sentences


def big_article(corpus: Path, sentences: int) -> tuple[str, str]:
    """An article of about `sentences` sentences from the corpus's paragraphs, and the
    same article with a word added to every sentence."""
    head, paragraphs, count = "", [], 0
    for path in sorted(corpus.glob("ru-*.txt")):
        blocks = path.read_text(encoding="utf-8").split("\n\n")
        if not head:
            head = "\n\n".join(blocks[:3])
        for block in blocks[3:]:
            sentences_here = split_sentences(block.strip(), "ru")
            paragraphs.append(sentences_here)
            count += len(sentences_here)
            if count >= sentences:
                break
        if count >= sentences:
            break

    def text(edit: bool) -> str:
        out = []
        for para in paragraphs:
            parts = []
            for sentence, space in para:
                if edit:
                    first, _, rest = sentence.partition(" ")
                    sentence = f"{first} также {rest}" if rest else sentence
                parts.append(sentence + space)
            out.append("".join(parts).strip())
        return head + "\n\n" + "\n\n".join(out) + "\n"

    return text(False), text(True)


def other_writer(db: Path, done: threading.Event, waits: list[float]) -> None:
    """Take and release the write lock again and again, noting each wait."""
    import sqlite3

    conn = sqlite3.connect(db, timeout=60, isolation_level=None)
    while not done.is_set():
        with stopwatch() as watch:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("COMMIT")
        waits.append(watch.seconds)
        time.sleep(0.01)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", default="1000,3000,7000")
    parser.add_argument("--transdesk-src", help="PYTHONPATH for another transdesk")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    env = dict(os.environ)
    if args.transdesk_src:
        env["PYTHONPATH"] = args.transdesk_src
    corpus = make_corpus(1000, "--lang", "ru", name="corpus-1000-ru")
    for sentences in [int(n) for n in args.sentences.split(",")]:
        original, changed = big_article(corpus, sentences)
        with tempfile.TemporaryDirectory(prefix="transdesk-reimport-") as work:
            db, path = Path(work) / "desk.db", Path(work) / "big.txt"
            path.write_text(original, encoding="utf-8")
            cmd = transdesk("--db", str(db), "import", "-q", str(path))
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
            path.write_text(changed, encoding="utf-8")
            waits: list[float] = []
            done = threading.Event()
            writer = threading.Thread(target=other_writer, args=(db, done, waits))
            writer.start()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            with stopwatch() as watch:
                result = subprocess.run(cmd, check=True, capture_output=True, text=True,
                                        env=env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            done.set()
            writer.join()
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            row(f"re-import, {sentences} sentences changed", watch.seconds,
                f"CPU {cpu:.2f} s; longest wait of another writer"
                f" {max(waits, default=0):.3f} s; {result.stdout.strip()}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
