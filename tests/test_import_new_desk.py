"""Importing into a new SQLite desk: built beside its name in one pass and put in place
whole, with the same rows as an import into an existing desk."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MAKE_CORPUS
from helpers_desk import table_dump

from transdesk import storage
from transdesk.importing import ImportOptions, import_new_file
from transdesk.storage.articles import NEW_DESK_PAGE_SIZE

pytestmark = pytest.mark.sqlite_only  # about the SQLite file itself
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """100 generated articles in the three languages (enough for the worker pool)."""
    corpus = tmp_path_factory.mktemp("archive") / "corpus"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--articles", "100",
                    "--lang", "mix"], check=True, capture_output=True)
    return sorted(map(str, corpus.glob("*.txt")))


def without_times(dump: list) -> list:
    return [[tuple(TIMESTAMP.sub("T", v) if isinstance(v, str) else v for v in row)
             for row in rows] for rows in dump]


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "transdesk", "--db", str(db), *args],
                          capture_output=True, text=True)


def test_a_new_desk_holds_the_rows_an_existing_desk_gets(tmp_path, archive):
    new, existing = tmp_path / "new" / "desk.db", tmp_path / "existing" / "desk.db"
    storage.open(existing, create=True).close()  # an empty desk: the usual two passes
    for db in (new, existing):
        result = cli(db, "import", "--priority", "high", *archive)
        assert result.returncode == 0, result.stderr
        # every article reported, in the order of the files, once the desk is in place
        lines = result.stdout.splitlines()
        assert [line.split()[1] for line in lines[:-1]] == [Path(p).stem for p in archive]
    assert without_times(table_dump(new)) == without_times(table_dump(existing))
    # a desk like any other: write-ahead log, nothing left beside it
    assert sorted(p.name for p in new.parent.iterdir()) == ["desk.db"]
    conn = sqlite3.connect(new)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA page_size").fetchone()[0] == NEW_DESK_PAGE_SIZE
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def schema(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                            " ORDER BY type, name").fetchall()
    finally:
        conn.close()


def test_an_archive_built_without_indexes_gets_them_all_back(tmp_path, archive):
    """Without a plan, a new desk's units and translations get their indexes only once
    the rows are in: the file ends with the schema and rows of the usual import."""
    new, existing = tmp_path / "new" / "desk.db", tmp_path / "existing" / "desk.db"
    storage.open(existing, create=True).close()
    for db in (new, existing):
        result = cli(db, "import", "-q", *archive)
        assert result.returncode == 0, result.stderr
    assert without_times(table_dump(new)) == without_times(table_dump(existing))
    assert schema(new) == schema(existing)
    indexes = {row[1] for row in schema(new) if row[0] == "index" and row[3]
               and row[2] in ("units", "translations")}
    assert {"units_article_position", "translations_queue", "translations_work"} <= indexes
    conn = sqlite3.connect(new)
    try:
        # every index holds an entry for each row of its table it covers, no more
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM translations INDEXED BY translations_work"
                            " WHERE obsolete = 0 AND status IN ('untranslated', 'draft')"
                            ).fetchone()[0] == 2 * conn.execute(
                                "SELECT COUNT(*) FROM units").fetchone()[0]
    finally:
        conn.close()


def test_one_article_into_a_new_desk_is_the_same_too(tmp_path, archive):
    new, existing = tmp_path / "new.db", tmp_path / "existing.db"
    storage.open(existing, create=True).close()
    warnings = []
    for db in (new, existing):
        result = cli(db, "import", "--lang", "ru", "--id", "one", "--targets", "en", archive[0])
        assert result.returncode == 0, result.stderr
        warnings.append(result.stderr)
    assert warnings[0] == warnings[1] != ""  # the text looks English: said on both
    assert without_times(table_dump(new)) == without_times(table_dump(existing))


def test_two_files_that_would_be_one_article_leave_no_desk(tmp_path, archive):
    twin = tmp_path / "twin"
    twin.mkdir()
    copy = twin / Path(archive[-1]).name
    copy.write_bytes(Path(archive[-1]).read_bytes())
    db = tmp_path / "desk.db"
    result = cli(db, "import", "-q", *archive, str(copy))
    assert result.returncode == 2
    assert f"{str(copy)!r}" in result.stderr and f"{archive[-1]!r}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["twin"]


def test_a_desk_made_meanwhile_takes_the_files_the_usual_way(tmp_path, archive):
    """Another process made the desk while this import built its own: the built file
    is dropped and the files go into that desk as into any existing one."""
    db = tmp_path / "desk.db"
    assert cli(db, "import", "--id", "earlier", archive[0]).returncode == 0
    seen: list[str] = []
    reports = import_new_file(db, archive[:70],
                              ImportOptions(progress=lambda r: seen.append(r.article)))
    assert [r.article for r in reports] == seen == [Path(p).stem for p in archive[:70]]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 71
    finally:
        conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk.db"]


def test_an_archive_shown_as_it_goes_keeps_no_report(tmp_path, archive):
    """Without `keep`, each report is let go once given to `progress`: at the last one,
    no more than a few are alive (the archive's reports would grow with it)."""
    import gc

    from transdesk.importing import ImportReport

    alive: list[int] = []
    seen: list[str] = []

    def progress(report: ImportReport) -> None:
        seen.append(report.article)
        if len(seen) == len(archive):
            alive.append(sum(isinstance(o, ImportReport) for o in gc.get_objects()))

    assert import_new_file(tmp_path / "desk.db", archive,
                           ImportOptions(progress=progress, keep=False)) == []
    assert seen == [Path(p).stem for p in archive]
    assert alive and alive[0] <= 2, alive


@pytest.mark.english
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the import starts workers on 2 CPUs")
def test_ctrl_c_during_an_archive_is_one_line_and_leaves_nothing(tmp_path_factory, tmp_path):
    """Ctrl-C reaches the whole process group: the writer says "Interrupted." and ends
    its workers, which leave it to the writer (one reached first would otherwise die
    printing a traceback, and the writer fail with exit 3); no desk appears."""
    corpus = tmp_path_factory.mktemp("big") / "corpus"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--articles", "1500",
                    "--lang", "mix"], check=True, capture_output=True)
    db = tmp_path / "desk.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "transdesk", "--db", str(db), "import", "-q", str(corpus)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        # as a terminal's job: Python's own SIGINT handler (a background shell ignores it)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(_children(proc.pid)) < 2:
            time.sleep(0.005)
        workers = _children(proc.pid)
        assert len(workers) >= 2, "no workers started"
        time.sleep(0.3)  # parsing
        for worker in workers:  # the workers first: they carry on
            os.kill(worker, signal.SIGINT)
        time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert err.decode().strip() == "Interrupted."
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")]


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []
