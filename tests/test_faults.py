"""Faults of the machine and the environment become one clear line, never exit 3
(issue 11, item 12): a read-only database, a full disk, typed bytes that are not UTF-8,
a device or an endless pipe given as an article under a memory limit, a malformed
provider URL. (Another program's SQLite file: tests/test_db_opening.py.)"""

from __future__ import annotations

import contextlib
import os
import resource
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SAMPLES, Cli, transdesk_cmd


def one_error_line(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "unexpected" not in result.stderr and "Traceback" not in result.output
    return result.stderr


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small file system of our own (needs root: mount)."""
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system of `folder`, leaving about `leave` bytes."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
        handle.flush()
        while leave == 0:
            handle.write(b"\0" * 4096)
            handle.flush()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# -- a read-only database ------------------------------------------------------------


def test_writing_to_a_read_only_database(tmp_path):
    """0.1.0: `attempt to write a readonly database`, exit 3."""
    if os.geteuid() == 0:  # root ignores file modes: make the whole file system read-only
        with tmpfs(tmp_path / "ro", "8m") as folder:
            run = Cli(folder / "desk.db")
            assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
            before = (folder / "desk.db").read_bytes()
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            message = one_error_line(run("submit", "4", "--lang", "en", "--text", "Hi."))
            assert "read-only" in message or "not writable" in message
            one_error_line(run("import", str(SAMPLES / "uk-bridge.txt")))
            one_error_line(run("next", "--lang", "en", "--json"))
            assert (folder / "desk.db").read_bytes() == before
    else:
        run = Cli(tmp_path / "desk.db")
        assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
        for name in ("desk.db", "desk.db-wal", "desk.db-shm"):
            if (tmp_path / name).exists():
                (tmp_path / name).chmod(0o444)
        message = one_error_line(run("submit", "4", "--lang", "en", "--text", "Hi."))
        assert "read-only" in message


# -- a full disk -------------------------------------------------------------------------


def long_article(path: Path) -> Path:
    sentences = " ".join(f"Предложение номер {i} о бюджете на следующий год." for i in range(3000))
    path.write_text(f"Заголовок\n\n{sentences}\n", encoding="utf-8")
    return path


def test_a_full_disk_under_the_database(tmp_path):
    """0.1.0: `database or disk is full` / `disk I/O error`, exit 3."""
    with tmpfs(tmp_path / "small", "2m") as folder:
        db_path = folder / "desk.db"
        run = Cli(db_path)
        assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
        assert run("articles").exit_code == 0  # -shm and -wal exist
        fill(folder, leave=16 * 1024)
        message = one_error_line(run("import", str(long_article(tmp_path / "long.txt"))))
        assert "full" in message or "I/O" in message
        fill(folder)  # not a byte left
        one_error_line(run("submit", "4", "--lang", "en", "--text", "Hi."))
        (folder / "filler").unlink()
        assert integrity(db_path) == "ok"
        assert [a["id"] for a in run.json("articles")] == ["ru-budget"]  # nothing half-written
        assert run("submit", "4", "--lang", "en", "--text", "Hi.").exit_code == 0


def test_a_full_disk_under_an_export(run, tmp_path):
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    with tmpfs(tmp_path / "out", "1m") as folder:
        fill(folder)
        message = one_error_line(run("export", "ru-budget", "--lang", "ru", "-o",
                                     str(folder / "ru-budget.txt")))
        assert "No space left on device" in message
        assert not (folder / "ru-budget.txt").exists()
        assert [p.name for p in folder.iterdir()] == ["filler"]  # no temporary file left


# -- input that is not what it claims to be ------------------------------------------------


def limited_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (768 << 20, 768 << 20))


@pytest.mark.english
def test_import_of_a_device_under_a_memory_limit(tmp_path):
    """0.1.0 reads /dev/zero until the memory runs out: exit 3."""
    result = subprocess.run([*transdesk_cmd(), "--db", str(tmp_path / "d.db"), "import",
                             "/dev/zero"], capture_output=True, text=True,
                            preexec_fn=limited_memory, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "Error: '/dev/zero' is a device, not an article file\n"


@pytest.mark.english
def test_import_of_an_endless_pipe_under_a_memory_limit(tmp_path):
    fifo = tmp_path / "endless.txt"
    os.mkfifo(fifo)

    def feed() -> None:
        with contextlib.suppress(OSError), open(fifo, "wb") as handle:
            while True:
                handle.write(b"\0" * (1 << 20))

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    result = subprocess.run([*transdesk_cmd(), "--db", str(tmp_path / "d.db"), "import",
                             str(fifo)], capture_output=True, text=True,
                            preexec_fn=limited_memory, timeout=120)
    feeder.join(10)
    assert result.returncode == 2, result.stderr
    assert "is larger than 32 MB: too large for an article file" in result.stderr


@pytest.mark.english
def test_a_huge_article_file_is_refused_before_it_is_read(run, tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: no disk space used
        handle.truncate(40 << 20)
    assert "too large for an article file" in one_error_line(run("import", str(huge)))


@pytest.mark.english
def test_bytes_that_are_not_utf8_piped_into_next(tmp_path):
    """0.1.0: UnicodeDecodeError, exit 3. A real process, bytes on its stdin."""
    db = str(tmp_path / "d.db")
    subprocess.run([*transdesk_cmd(), "--db", db, "import", str(SAMPLES / "ru-budget.txt")],
                   check=True, capture_output=True)
    env = {**os.environ, "TRANSDESK_USER": "ann", "PYTHONIOENCODING": ""}
    result = subprocess.run([*transdesk_cmd(), "--db", db, "next", "--lang", "en"],
                            input=b"\xff\xfeMonday\nMonday, 17 February\n:q\n",
                            capture_output=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "byte 0xFF at character 1 is not UTF-8" in out and "1 saved" in out


@pytest.mark.english
@pytest.mark.parametrize(("url", "why"), [
    ("http://[::1", "is not a valid URL (malformed)"),
    ("http://127.0.0.1:99999/", "is not a valid URL (port out of range)"),
    ("http://127.0.0.1:port/", "is not a valid URL (a bad port)"),
    ("localhost:5000", "must start with http:// or https://"),
    ("http:///translate", "has no host name"),
])
def test_a_malformed_provider_url(run, monkeypatch, url, why):
    """0.1.0: `unexpected ValueError`."""
    assert run("import", str(SAMPLES / "en-fed-rates.txt")).exit_code == 0
    monkeypatch.setenv("TRANSDESK_LIBRE_URL", url)
    message = one_error_line(run("draft", "--lang", "uk", "--provider", "libre"), code=1)
    assert f"TRANSDESK_LIBRE_URL {why}" in message
    assert url not in message  # a URL may carry credentials
    listed = run("providers")
    assert f"libre      not usable: TRANSDESK_LIBRE_URL {why}" in listed.stdout


# -- beyond the list ---------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["submit", "99999999999999999999", "--lang", "en", "--text", "x"],
    ["log", "--unit", "-99999999999999999999"],
    ["log", "--limit", "99999999999999999999"],
    ["draft", "--lang", "en", "--provider", "none", "--limit", "99999999999999999999"],
], ids=lambda a: " ".join(a[:2]))
def test_numbers_sqlite_cannot_store_are_bad_usage(run, args):
    """0.1.0: `unexpected OverflowError`, exit 3."""
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    assert "is too large" in one_error_line(run(*args))


def test_exporting_to_a_device_neither_reads_nor_replaces_it(tmp_path):
    """0.1.0 read the old content of the output to compare it: /dev/full never ends, so it
    ate all the memory (killed by the OOM killer); and a rename as root would have put a
    file where the device was."""
    db = str(tmp_path / "d.db")
    subprocess.run([*transdesk_cmd(), "--db", db, "import", str(SAMPLES / "ru-budget.txt")],
                   check=True, capture_output=True)
    result = subprocess.run([*transdesk_cmd(), "--db", db, "export", "ru-budget", "--lang",
                             "ru", "-o", "/dev/full"], capture_output=True, text=True,
                            preexec_fn=limited_memory, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "Error: cannot write '/dev/full': No space left on device\n"
    assert Path("/dev/full").is_char_device()


def test_exporting_into_a_pipe_and_through_a_link(run, tmp_path):
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert run("export", "ru-budget", "--lang", "ru", "-o", str(fifo)).exit_code == 0
    reader.join(10)
    assert received == [(SAMPLES / "ru-budget.txt").read_bytes()]
    assert fifo.is_fifo()
    target = tmp_path / "real.txt"
    target.write_text("old")
    (tmp_path / "link.txt").symlink_to(target)
    assert run("export", "ru-budget", "--lang", "ru", "-o", str(tmp_path / "link.txt")).exit_code == 0
    assert (tmp_path / "link.txt").is_symlink()
    assert target.read_bytes() == (SAMPLES / "ru-budget.txt").read_bytes()


def test_a_damaged_database_is_one_line(run, db_path):
    """0.1.0: `unexpected DatabaseError: database disk image is malformed`, exit 3."""
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(db_path, "r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(b"\xde\xad" * 2000)
    for args in (["units", "ru-budget"], ["submit", "5", "--lang", "en", "--text", "Hi."]):
        assert "the database file is damaged" in one_error_line(run(*args))


@pytest.mark.english
def test_an_editor_that_saves_bytes_that_are_not_utf8(run, tmp_path):
    """0.1.0: `unexpected UnicodeDecodeError`, exit 3; now the session goes on."""
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "bad \\377 text\\n" > "$1"\n')
    editor.chmod(0o755)
    result = run("next", "--lang", "en", input=":e\nMonday, 17 February\n:q\n",
                 env={"EDITOR": str(editor), "VISUAL": str(editor)})
    assert result.exit_code == 0, result.output
    assert "editor failed: the editor saved text that is not UTF-8" in result.stdout
    assert "1 saved" in result.stdout


@pytest.mark.english
def test_next_with_stdin_closed_ends_like_end_of_input(tmp_path):
    """0.1.0: `unexpected AttributeError: 'NoneType' object has no attribute 'isatty'`."""
    db = str(tmp_path / "d.db")
    subprocess.run([*transdesk_cmd(), "--db", db, "import", str(SAMPLES / "ru-budget.txt")],
                   check=True, capture_output=True)
    result = subprocess.run([*transdesk_cmd(), "--db", db, "next", "--lang", "en"],
                            capture_output=True, text=True, timeout=60,
                            preexec_fn=lambda: os.close(0))
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("0 saved, 0 skipped.")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM translations WHERE claimed_by IS NOT NULL").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize("encoding", ["punycode", "base64", "rot13", "hex"])
@pytest.mark.english
def test_an_encoding_that_is_no_text_encoding_or_fails_oddly(run, encoding):
    """0.1.0: `--encoding punycode` ended in `unexpected UnicodeError`, exit 3."""
    result = run("import", "--id", "odd", "--encoding", encoding, str(SAMPLES / "en-fed-rates.txt"))
    assert f"the file is not valid {encoding} text" in one_error_line(result)


def test_a_lock_held_past_the_busy_timeout_is_a_refusal(db_path):
    """The real error of a second writer (with a short timeout, not the CLI's 30 s)
    becomes the exit-1 line the CLI prints (item 3's last point)."""
    from transdesk.db import describe_sqlite_error, open_db

    open_db(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(db_path, timeout=0.05, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiter.close()
    message, code = describe_sqlite_error(caught.value)
    assert code == 1 and message.startswith("the database is busy: another command held its write lock")
