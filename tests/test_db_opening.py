"""Opening the database safely: created only by commands that bring data in, created
once when several commands start at once, another program's file and a newer
transdesk's database refused untouched (issue 11, items 4, 12, 13, 14)."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from conftest import SAMPLES, Cli

from transdesk.db import migration_set, open_db

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="ru" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="test" creationtoolversion="1" o-tmf="test"/>
<body><tu><tuv xml:lang="ru"><seg>Бюджет принят.</seg></tuv>
<tuv xml:lang="en"><seg>The budget was adopted.</seg></tuv></tu></body></tmx>
"""

# every command that only reads or changes what is there, with arguments that would
# otherwise be valid enough to reach the database
READ_OR_CHANGE = [
    ["articles"],
    ["status"],
    ["units", "ru-budget"],
    ["log"],
    ["next", "--lang", "en"],
    ["next", "--lang", "en", "--json"],
    ["submit", "1", "--lang", "en", "--text", "Hello."],
    ["check"],
    ["export", "ru-budget", "--lang", "en"],
    ["draft", "--lang", "en", "--provider", "none"],
    ["po", "export"],
    ["accept", "ru-budget", "title", "--lang", "en", "--check", "quotes"],
    ["accepted"],
    ["tm", "export", "out.tmx"],
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        conn.close()


# -- item 14: only import and tm import create a database ------------------------------


@pytest.mark.parametrize("args", READ_OR_CHANGE, ids=lambda a: " ".join(a[:2]))
def test_a_missing_database_is_refused_and_not_created(run, db_path, tmp_path, args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: no transdesk database at ")
    assert str(db_path) in result.stderr
    assert "Traceback" not in result.output
    assert not db_path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no -wal, -shm, out.tmx


def test_an_empty_file_is_not_a_database_for_reading(run, db_path):
    db_path.write_bytes(b"")
    result = run("articles")
    assert result.exit_code == 2 and "no transdesk database at" in result.stderr
    assert db_path.read_bytes() == b""


def test_import_and_tm_import_create_the_database(run, db_path, tmp_path):
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    assert applied(db_path) == [m.name for m in migration_set()._migrations]
    other = Cli(tmp_path / "memory.db")
    tmx = tmp_path / "m.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    result = other("tm", "import", str(tmx))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "memory.db").exists()


def test_a_read_only_command_makes_no_folder_for_a_missing_database(tmp_path):
    """Only import and tm import create a database, so only they make its folder."""
    result = Cli(tmp_path / "no" / "such" / "desk.db")("articles")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "no transdesk database" in result.stderr
    assert not (tmp_path / "no").exists()


# -- item 12: another program's SQLite file is refused untouched --------------------------


def foreign_database(path: Path, extra_migrations: bool = False) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    if extra_migrations:  # another program that uses sqlite-utils migrations too
        conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY,"
                     " migration_set TEXT, name TEXT, applied_at TEXT)")
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                     " VALUES ('crm', 'm001_contacts', '2026-01-01')")
    conn.commit()
    conn.close()


@pytest.mark.english
@pytest.mark.parametrize("extra_migrations", [False, True])
@pytest.mark.parametrize("args", [["articles"], ["import", str(SAMPLES / "ru-budget.txt")],
                                  ["check"]], ids=lambda a: a[0])
def test_another_programs_database_is_refused_untouched(tmp_path, args, extra_migrations):
    path = tmp_path / "crm.sqlite"
    foreign_database(path, extra_migrations)
    before = digest(path)
    result = Cli(path)(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {str(path)!r} is not a transdesk database")
    assert "contacts" in result.stderr
    assert digest(path) == before  # not even switched to WAL
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "articles" not in tables
    assert ("_sqlite_migrations" in tables) == extra_migrations


# -- item 13: a database written by a newer transdesk ----------------------------------------


@pytest.mark.english
def test_a_database_of_a_newer_transdesk_is_refused(run, db_path):
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                 " VALUES ('transdesk', 'm050_something_new', '2027-01-01')")
    conn.execute("CREATE TABLE something_new (x)")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = digest(db_path)
    for args in (["articles"], ["import", str(SAMPLES / "uk-bridge.txt")],
                 ["submit", "1", "--lang", "en", "--text", "x"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "written by a newer transdesk" in result.stderr
        assert "m050_something_new" in result.stderr and "upgrade" in result.stderr
    assert digest(db_path) == before


@pytest.mark.english
def test_the_library_refuses_a_newer_database_too(db_path):
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                 " VALUES ('transdesk', 'm999_future', '2027-01-01')")
    conn.commit()
    conn.close()
    from transdesk.errors import BadInput

    with pytest.raises(BadInput, match="newer transdesk"):
        open_db(db_path)


# -- item 4: several commands at once on a new database ------------------------------------


def _start_together(db_path: str, args: list[str], barrier, results) -> None:
    barrier.wait()  # every process opens the new database at the same moment
    result = Cli(Path(db_path))(*args)
    results.put((args[0], result.exit_code, result.output))


TRIALS = 8


def test_commands_started_together_on_a_new_database_create_it_once(tmp_path):
    """Imports and a tm import started at the same moment on a database that does not
    exist yet: the schema is created once, nobody fails (0.1.0: `table tm_memory
    already exists` or `database is locked`, exit 3, in 5 of 6 trials)."""
    tmx = tmp_path / "m.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    articles = sorted(SAMPLES.glob("*.txt"))
    jobs = [["import", str(path)] for path in articles]
    jobs.append(["import", str(articles[0])])  # the same article twice at once
    jobs += [["tm", "import", str(tmx)]] * 2  # the same memory twice at once
    context = multiprocessing.get_context("fork")
    failures = []
    for trial in range(TRIALS):
        db_path = tmp_path / f"new-{trial}.db"
        barrier = context.Barrier(len(jobs))
        results = context.Queue()
        processes = [context.Process(target=_start_together,
                                     args=(str(db_path), job, barrier, results))
                     for job in jobs]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(60)
        failures += [(trial, *o) for o in outcomes if o[1] != 0]
        assert applied(db_path) == [m.name for m in migration_set()._migrations]
        conn = sqlite3.connect(db_path)
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(articles)
        assert conn.execute("SELECT COUNT(*) FROM tm_imported").fetchone()[0] == 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert failures == []


def test_readers_started_with_the_creator_wait_for_it_or_say_there_is_none(tmp_path):
    """`articles` started with the first `import`: either the article (it waited for the
    schema) or the one-line "no transdesk database", never a crash."""
    context = multiprocessing.get_context("fork")
    for trial in range(6):
        db_path = tmp_path / f"new-{trial}.db"
        jobs = [["import", str(SAMPLES / "ru-budget.txt")], ["articles"], ["status"]]
        barrier = context.Barrier(len(jobs))
        results = context.Queue()
        processes = [context.Process(target=_start_together,
                                     args=(str(db_path), job, barrier, results))
                     for job in jobs]
        for process in processes:
            process.start()
        outcomes = {o[0]: o for o in (results.get(timeout=120) for _ in processes)}
        for process in processes:
            process.join(60)
        assert outcomes["import"][1] == 0, outcomes
        for name in ("articles", "status"):
            code, output = outcomes[name][1:]
            assert code == 0 or (code == 2 and "no transdesk database" in output), output


def test_commands_started_together_on_an_old_database_upgrade_it_once(tmp_path):
    """A database of the first release, opened by several commands at the same moment:
    one applies the pending migrations, the others wait for it and find them applied."""
    from transdesk import importing
    from transdesk.db import apply_migrations

    context = multiprocessing.get_context("fork")
    for trial in range(6):
        db_path = tmp_path / f"old-{trial}.db"
        old = open_db(db_path, migrate=False)
        apply_migrations(old, stop_before="m002_translations_by_article")
        importing.import_article(old, (SAMPLES / "ru-budget.txt").read_bytes(), "ru-budget")
        old.close()
        jobs = [["articles"], ["status"], ["units", "ru-budget"], ["log"]]
        barrier = context.Barrier(len(jobs))
        results = context.Queue()
        processes = [context.Process(target=_start_together,
                                     args=(str(db_path), job, barrier, results))
                     for job in jobs]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(60)
        assert [o for o in outcomes if o[1] != 0] == []
        assert applied(db_path) == [m.name for m in migration_set()._migrations]
