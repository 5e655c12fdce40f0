"""Killed commands leave nothing behind: the workers of `check` and `import` die with
their parent (SIGKILL or SIGTERM), and a write killed midway leaves no temporary file
(SIGTERM: removed at once; SIGKILL: removed by the next write of that file). Real
processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MAKE_CORPUS, transdesk_cmd
from helpers_export import translate

from transdesk.files import STALE_TMP_SECONDS

needs_two_cpus = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2, reason="workers start only on a multi-core machine")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def watching(pids: list[int]) -> list[int]:
    """`pids` once every one runs its parent watcher (a second thread, started after
    `die_with_parent` asked the kernel): a worker frozen earlier could not be helped."""
    try:
        ready = all(len(os.listdir(f"/proc/{pid}/task")) >= 2 for pid in pids)
    except OSError:
        return []
    return pids if pids and ready else []


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"  # a zombie is dead, waiting to be reaped


def wait_for(condition, timeout: float = 30.0, step: float = 0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def gone_within(pids: list[int], seconds: float) -> bool:
    return bool(wait_for(lambda: not any(alive(p) for p in pids), seconds, 0.05))


def many_catalogs(root: Path, count: int = 1200) -> None:
    """`count` small catalogs in the `po export` layout: enough for `check --po` to
    share them with a second process."""
    entries = "".join(
        f'msgctxt "p{i}.s1"\nmsgid "Видатки зросли на {i}%."\nmsgstr "Видатки зросли на {i}%."\n\n'
        for i in range(30))
    folder = root / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"a{n}.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            f'"Language: en\\n"\n"X-Transdesk-Article: a{n}\\n"\n\n{entries}', encoding="utf-8")


@needs_two_cpus
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_check_worker_dies_with_its_parent(tmp_path, sig):
    many_catalogs(tmp_path / "locales")
    proc = subprocess.Popen([*transdesk_cmd(), "check", "--po", str(tmp_path / "locales")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        workers = wait_for(lambda: watching(children(proc.pid)))
        assert workers, "check started no worker"
        # Frozen, the worker can neither finish its half nor notice anything by itself:
        # only the kernel (SIGKILL) or the parent's handler (SIGTERM) can end it.
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        assert proc.returncode == (-sig if sig == signal.SIGKILL else 128 + sig)
        assert gone_within(workers, 5), "the check worker outlived its parent"
    finally:
        proc.kill()
        proc.wait()
        for pid in children(proc.pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> list[Path]:
    corpus = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--articles", "1500",
                    "--lang", "mix"], check=True, capture_output=True)
    return sorted(corpus.glob("*.txt"))


@needs_two_cpus
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_import_workers_die_with_their_parent(tmp_path, archive, sig):
    db = tmp_path / "archive.db"
    proc = subprocess.Popen([*transdesk_cmd(), "--db", str(db), "import", "-q",
                             *map(str, archive)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        workers = wait_for(lambda: len(children(proc.pid)) >= 2
                           and watching(children(proc.pid)))
        assert workers, "import started no worker pool"
        if sig == signal.SIGKILL:  # frozen: only the kernel can end them now
            for pid in workers:
                os.kill(pid, signal.SIGSTOP)
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        assert proc.returncode == (-sig if sig == signal.SIGKILL else 128 + sig), (
            proc.stderr.read() if proc.stderr else "")
        assert gone_within(workers, 5), "import workers outlived their parent"
    finally:
        proc.kill()
        proc.wait()
        for pid in children(proc.pid):
            os.kill(pid, signal.SIGKILL)


def test_a_worker_without_the_kernels_help_notices_its_parent_is_gone(tmp_path):
    """The portable half of `die_with_parent`: the watcher polling os.getppid()."""
    script = (
        "import os, sys, time\n"
        "from transdesk import processes\n"
        "parent = os.getpid()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    processes.die_with_parent(parent, kernel=False)\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print(pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        worker = int(proc.stdout.readline())
        assert alive(worker)
        time.sleep(2 * 0.5)  # the watcher runs: the worker stays while the parent lives
        assert alive(worker)
        proc.kill()
        proc.wait()
        assert gone_within([worker], 5)
    finally:
        proc.kill()
        proc.wait()


# --- temporary files of a write that was killed ---------------------------------------

WRITER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from transdesk.files import write_atomic\n"
    "from transdesk.processes import exit_on_termination\n"
    "exit_on_termination()\n"  # as the CLI's main does
    "data = b'x' * (int(sys.argv[2]) << 20)\n"
    "write_atomic(Path(sys.argv[1]), data)\n"
)


def kill_mid_write(target: Path, sig: int) -> tuple[int, list[Path]]:
    """Start a big write of `target`, send `sig` once its temporary file exists;
    returns the exit status and the temporary files left. Retried when the write won
    the race (finished before the signal)."""
    for _attempt in range(4):
        target.unlink(missing_ok=True)
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target), "160"],
                                stderr=subprocess.PIPE)
        found = wait_for(lambda: list(target.parent.glob(f".{target.name}.*.tmp")), 30, 0.0005)
        assert found, "the writer made no temporary file"
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        if not target.exists():  # the signal landed before the rename
            return proc.returncode, list(target.parent.glob(f".{target.name}.*.tmp"))
    pytest.fail("the write always finished before the signal")


def test_sigterm_mid_write_removes_the_temporary_file(tmp_path):
    status, left = kill_mid_write(tmp_path / "out.txt", signal.SIGTERM)
    assert status == 128 + signal.SIGTERM
    assert left == []


@pytest.fixture
def article(run, samples):
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    translate(run.db_path, "ru-budget", "uk")


def test_sigkill_leftovers_are_removed_by_the_next_write(run, article, tmp_path):
    target = tmp_path / "out.txt"
    status, left = kill_mid_write(target, signal.SIGKILL)
    assert status == -signal.SIGKILL
    assert len(left) == 1  # SIGKILL cannot be handled: the file stays until the next run
    old_style = tmp_path / ".out.txt.ab12cd_e.tmp"  # 0.1.0's name: no pid, removed when old
    old_style.write_bytes(b"x")
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(old_style, (week_ago, week_ago))
    fresh_old_style = tmp_path / ".out.txt.zz12cd_e.tmp"  # could be a writer at work
    fresh_old_style.write_bytes(b"x")
    live = tmp_path / f".out.txt.{os.getpid()}.q1w2e3r4.tmp"  # a live writer's
    live.write_bytes(b"x")
    foreign = [tmp_path / name for name in
               (".other.txt.1.abcdefgh.tmp", ".out.txt.tmp", "out.txt.12.abcdefgh.tmp",
                ".out.txt.1.abc.tmp")]
    for path in foreign:
        path.write_bytes(b"not ours")
        os.utime(path, (week_ago, week_ago))

    result = run("export", "ru-budget", "--lang", "uk", "-o", str(target))

    assert result.exit_code == 0, result.output
    assert "[uk] " in target.read_text(encoding="utf-8")
    assert not left[0].exists() and not old_style.exists()
    assert fresh_old_style.exists() and live.exists()
    assert all(path.exists() for path in foreign)
    # the fresh one without a pid goes once it is stale
    stale = time.time() - STALE_TMP_SECONDS - 5
    os.utime(fresh_old_style, (stale, stale))
    assert run("export", "ru-budget", "--lang", "uk", "-o", str(target)).exit_code == 0
    assert not fresh_old_style.exists() and live.exists()


def test_po_export_removes_leftovers_even_when_nothing_changed(run, article, tmp_path):
    assert run("po", "export", "--dir", "loc").exit_code == 0
    folder = tmp_path / "loc" / "uk" / "LC_MESSAGES"
    leftover = folder / ".ru-budget.po.999999999.abcdefgh.tmp"  # no such process
    leftover.write_bytes(b"half a catalog")
    result = run("po", "export", "--dir", "loc", "--json")
    assert result.exit_code == 0
    assert not leftover.exists()


def test_writing_many_files_into_one_folder_lists_it_once(tmp_path, monkeypatch):
    """Each write looks for a killed writer's leftovers beside its file: the folder is
    listed once per command, not once per file (po export of 30,000 articles into one
    folder was quadratic), and a leftover there before the command is still removed."""
    from transdesk import files

    stale = tmp_path / ".f7.txt.4194305.abcdefgh.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (time.time() - STALE_TMP_SECONDS - 5,) * 2)
    listed: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path="."):
        listed.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counting_scandir)
    files.forget_listings()
    for n in range(200):
        files.write_atomic(tmp_path / f"f{n}.txt", b"x")
    assert listed.count(str(tmp_path)) == 1
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"f{n}.txt" for n in range(200))
