"""An archive import killed with SIGKILL leaves whole articles only, and a sound file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import MAKE_CORPUS, transdesk_cmd

from transdesk.importing import parse_source


def count_articles(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_sigkill_mid_import_leaves_no_half_article(tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--articles", "1500",
                    "--lang", "mix"], check=True, capture_output=True)
    files = sorted(corpus.glob("*.txt"))
    db = tmp_path / "crash.db"
    # a desk that exists (a new one is built beside its name: see the test below)
    first = tmp_path / "first.txt"
    first.write_bytes(files[0].read_bytes())
    subprocess.run([*transdesk_cmd(), "--db", str(db), "import", str(first)], check=True,
                   capture_output=True)
    proc = subprocess.Popen([*transdesk_cmd(), "--db", str(db), "import", "-q", *map(str, files)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while count_articles(db) < 20 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    imported = conn.execute("SELECT id FROM articles WHERE id != 'first'").fetchall()
    assert 20 <= len(imported) < len(files)
    by_slug = {path.stem.lower(): path for path in files}
    for (article_id,) in imported:
        article, _lang = parse_source(by_slug[article_id].read_bytes())
        units = conn.execute("SELECT COUNT(*) FROM units WHERE article_id = ?",
                             [article_id]).fetchone()[0]
        translations = conn.execute("SELECT COUNT(*) FROM translations WHERE article_id = ?",
                                    [article_id]).fetchone()[0]
        assert units == len(article.units)
        assert translations == 2 * units
    orphans = conn.execute("SELECT COUNT(*) FROM units WHERE article_id NOT IN"
                           " (SELECT id FROM articles)").fetchone()[0]
    assert orphans == 0
    conn.close()

    # and the same command, run again, completes the archive
    result = subprocess.run([*transdesk_cmd(), "--db", str(db), "import", "-q", *map(str, files)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert count_articles(db) == len(files) + 1


def test_sigkill_while_a_new_desk_is_built_leaves_no_desk(tmp_path):
    """A new desk is built under a temporary name: killed, it leaves no desk (and the
    next import removes the dead import's temporary file)."""
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--articles", "1500",
                    "--lang", "mix"], check=True, capture_output=True)
    files = sorted(map(str, corpus.glob("*.txt")))
    db = tmp_path / "crash.db"
    proc = subprocess.Popen([*transdesk_cmd(), "--db", str(db), "import", "-q", *files],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def building() -> list[Path]:
        return [p for p in tmp_path.iterdir() if p.name.startswith(".crash.db.")]

    deadline = time.monotonic() + 60
    while (not any(p.stat().st_size > 1_000_000 for p in building() if p.exists())
           and time.monotonic() < deadline and proc.poll() is None):
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert not db.exists()
    assert building()  # what the killed import left

    result = subprocess.run([*transdesk_cmd(), "--db", str(db), "import", "-q", *files],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert count_articles(db) == len(files)
    assert building() == []
