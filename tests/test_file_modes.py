"""Exported files get the mode the umask gives (not 0600), and a replaced file keeps
its mode: real processes with a real umask."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from conftest import transdesk_cmd
from helpers_export import translate


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def article(run, samples):
    """ru-budget translated into Ukrainian; the desk's location (a file or a URL)."""
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    translate(run.db_path, "ru-budget", "uk")
    return run.db_path


def transdesk(db_path: Path | str, *args: str, umask: int) -> None:
    result = subprocess.run([*transdesk_cmd(), "--db", str(db_path), *args], umask=umask,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002, 0o077])
def test_new_files_get_the_umasks_mode(article, tmp_path, umask):
    db_path = article
    out = tmp_path / "out"
    transdesk(db_path, "export", "ru-budget", "--lang", "uk", "-o", str(out / "a.txt"),
              umask=umask)
    transdesk(db_path, "tm", "export", str(out / "m.tmx"), umask=umask)
    transdesk(db_path, "po", "export", "--dir", str(out / "loc"), "--mo", umask=umask)
    written = [out / "a.txt", out / "m.tmx", out / "loc" / "ru-budget.pot",
               out / "loc" / "uk" / "LC_MESSAGES" / "ru-budget.po",
               out / "loc" / "uk" / "LC_MESSAGES" / "ru-budget.mo"]
    for path in written:
        assert mode(path) == 0o666 & ~umask, (path, oct(mode(path)))


def test_a_replaced_file_keeps_its_mode(article, tmp_path):
    db_path = article
    target = tmp_path / "a.txt"
    target.write_text("old text\n", encoding="utf-8")
    target.chmod(0o604)
    transdesk(db_path, "export", "ru-budget", "--lang", "uk", "-o", str(target), umask=0o077)
    assert "[uk] " in target.read_text(encoding="utf-8")
    assert mode(target) == 0o604
    po = tmp_path / "loc" / "uk" / "LC_MESSAGES" / "ru-budget.po"
    transdesk(db_path, "po", "export", "--dir", str(tmp_path / "loc"), umask=0o022)
    po.chmod(0o664)  # group-writable for the desk's translators
    translate(db_path, "ru-budget", "uk", text=lambda key, src: f"[uk2] {src}")
    transdesk(db_path, "po", "export", "--dir", str(tmp_path / "loc"), umask=0o077)
    assert "[uk2] " in po.read_text(encoding="utf-8")
    assert mode(po) == 0o664


def test_a_fifo_or_device_is_written_into_never_replaced(run, article, tmp_path):
    """`-o /dev/stdout` or a FIFO: renaming a temporary file over it would replace the
    device (as root, /dev/null itself); 0.1.0 also hung reading the FIFO first."""
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("export", "ru-budget", "--lang", "uk", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"[uk] " in received[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")] == []
