"""Reading and writing the files a user names, with one wording for what can go wrong.

Every file a command writes goes through `write_atomic` (a temporary name in the same
folder, then `os.replace`), after `refuse_overwrite` has made sure that no output is
one of the command's inputs (the database, its `-wal`/`-shm`/`-journal`, a file read).
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.packed import PackedStrings, sorted_in_runs

# A temporary file left by a writer that was killed is removed by the next write of the
# same file once it is stale: its writer (the pid in its name) is gone from this machine,
# or it is older than this (a writer on another machine sharing the folder).
STALE_TMP_SECONDS = 600.0

# what one file may hold before it is refused rather than read into memory: a device
# like /dev/zero, or a pipe that never ends, must not exhaust the memory
MAX_INPUT_BYTES = 1 << 30
MAX_ARTICLE_BYTES = 32 << 20  # a news article is a few kilobytes


def expand_folders(paths: Sequence[str], suffix: str = ".txt") -> PathList:
    """`paths`, each folder among them replaced by its `suffix` files in name order
    (not hidden ones, not those of its subfolders): an archive given by its folder. A
    command line of 100,000 file names is more than the system passes (ARG_MAX), and
    the interpreter's start-up copies of so many arguments outweigh the import itself.
    The paths come as a `PathList`: an archive's names held for the whole import cost
    it ~20 bytes each, not the ~120 of a list of strings."""
    found = PathList()
    for path in paths:
        if not os.path.isdir(path):
            found.add("", [path])
            continue
        try:
            with os.scandir(path) as entries:  # sorted a run at a time: no list of all
                names = sorted_in_runs(entry.name for entry in entries
                                       if entry.name.endswith(suffix)
                                       and not entry.name.startswith(".") and entry.is_file())
        except OSError as exc:
            raise BadInput(_("cannot read the folder {path!r}: {reason}").format(
                path=str(path), reason=exc.strerror or exc)) from None
        held = len(found)
        found.add(path, names)
        if len(found) == held:
            raise BadInput(_("no {suffix} file in the folder {path!r}").format(
                suffix=suffix, path=str(path)))
    return found


class PathList(Sequence[str]):
    """File paths kept compactly: each folder once, the names packed
    (`packed.PackedStrings`); a path is made again when asked for
    (`os.path.join(folder, name)`, as a list would have held it)."""

    def __init__(self) -> None:
        self._names = PackedStrings()
        self._firsts: list[int] = []  # the index of each folder's first name
        self._folders: list[str] = []

    def add(self, folder: str, names: Iterable[str]) -> None:
        """`names` in `folder` ("": paths as they are), after the paths held."""
        if not self._folders or self._folders[-1] != folder:
            self._firsts.append(len(self._names))
            self._folders.append(folder)
        for name in names:
            self._names.append(name)

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("PathList index out of range")
        name = self._names[index]
        folder = self._folders[bisect_right(self._firsts, index) - 1]
        return os.path.join(folder, name) if folder else name

    def __iter__(self) -> Iterator[str]:
        bounds = [*self._firsts[1:], len(self)]
        for first, folder, end_index in zip(self._firsts, self._folders, bounds, strict=True):
            for name in self._names.between(first, end_index):
                yield os.path.join(folder, name) if folder else name


def read_input(path: str | os.PathLike[str], kind: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the `kind` file at `path` ("an article file", "a PO file", ...),
    or BadInput saying why it cannot be read (also: a device, more than `limit` bytes)."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(_("{path!r} is a directory, not {kind}").format(path=str(path), kind=kind))
    try:
        with open(path, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
                raise BadInput(_(
                        "{path!r} is a device, not {kind}"
                    ).format(path=str(path), kind=kind))
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise BadInput(_("no such file: {path!r}").format(path=str(path))) from None
    except OSError as exc:
        raise BadInput(_(
                "cannot read {path!r}: {strerror}"
            ).format(path=str(path), strerror=exc.strerror)) from None
    if len(data) > limit:
        raise BadInput(_(
                "{path!r} is larger than {value} MB: too large for {kind}"
            ).format(path=str(path), value=limit >> 20, kind=kind))
    return data


# --- outputs that must not be inputs ---------------------------------------------------


def database_files(conn: sqlite3.Connection) -> list[Path]:
    """The files of the open database `conn`: the main file and its `-wal`, `-shm` and
    `-journal` companions (whether they exist yet or not). Nothing for `:memory:`."""
    from transdesk.storage.sqlite import attached_files

    found = []
    for name, filename in attached_files(conn):
        if name == "main" and filename:
            found += [Path(filename + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    return found


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: after symlinks and `..`, or through a hard link."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwrite(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """BadInput if any output would write over one of the inputs (the same file by
    another name, a symlink or a hard link included). Called before anything is written."""
    inputs = list(inputs)
    for output in outputs:
        for source in inputs:
            if _same_file(output, source):
                raise BadInput(_(
                        "refusing to write {output!r}: it is {describe}"
                    ).format(output=str(output), describe=_describe(source)))


def refuse_folder_holding(directory: Path, inputs: Iterable[Path]) -> None:
    """BadInput if the catalog folder `directory` holds one of `inputs` where catalogs
    are written: in it, or in one of its `<lang>/LC_MESSAGES` folders (a folder further
    up, or another one inside, is fine)."""
    root = os.path.realpath(directory)
    for source in inputs:
        if not source.exists():
            continue
        folder = Path(os.path.realpath(source)).parent
        if str(folder) == root or (folder.name == "LC_MESSAGES"
                                   and str(folder.parent.parent) == root):
            raise BadInput(_(
                    "refusing to write into {directory!r}: it holds {describe}; choose another "
                    "folder"
                ).format(directory=str(directory), describe=_describe(source)))


def refuse_stdout_onto(inputs: Iterable[Path]) -> None:
    """BadInput if standard output is redirected onto one of the inputs (`>> db`)."""
    try:
        out = os.fstat(1)
    except OSError:
        return
    if not stat.S_ISREG(out.st_mode):
        return
    for source in inputs:
        try:
            st = source.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
            raise BadInput(_(
                    "refusing to write to standard output: it is {describe}"
                ).format(describe=_describe(source)))


def _describe(source: Path) -> str:
    name = source.name
    for suffix in ("-wal", "-shm", "-journal"):
        if name.endswith(suffix):
            return f"a file of the database ({str(source)!r})"
    if source.suffix in {".db", ".sqlite", ".sqlite3"} or _is_sqlite(source):
        return f"the database ({str(source)!r})"
    return f"an input of this command ({str(source)!r})"


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\0"
    except OSError:
        return False


# --- writing ---------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> bool:
    """Write `data` (bytes, or chunks of them written as they come) to `path` through a
    temporary file in the same directory and `os.replace`. A file that already holds
    exactly these bytes is left untouched (no mtime churn); returns whether the file
    was written. Missing parent directories
    are created; a path that cannot be written is bad input, named in the error.

    A new file gets the mode the umask gives (as `open` would: 0666 & ~umask); a
    replaced file keeps its mode. Stale temporary files of earlier writers of `path`
    that were killed are removed first (`remove_stale_temporaries`); this writer's own
    is removed on any exception, SIGTERM included (`processes.exit_on_termination`)."""
    if path.is_dir():
        raise BadInput(_("{path!r} is a directory: give a file name").format(path=str(path)))
    if path.exists() and not path.is_file():
        # a device or a pipe (/dev/full, a FIFO, /dev/stdout): never read it, never
        # replace it (as root, a rename would put a file where the device was)
        try:
            with open(path, "wb") as handle:
                for chunk in _chunks(data):
                    handle.write(chunk)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        return True
    if path.is_symlink():  # a link to a regular file: replace the file, keep the link
        path = path.resolve()
    remove_stale_temporaries(path)
    try:
        if (isinstance(data, bytes) and path.stat().st_size == len(data)
                and path.read_bytes() == data):
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    mode = _existing_mode(path)
    for _attempt in range(100):
        # the name is known before the file exists, so a signal at any moment finds it
        tmp = path.parent / f".{path.name}.{os.getpid()}.{_token()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _cannot_write(path, exc) from None
            raise
        break
    else:
        raise BadInput(_("cannot write {path!r}: no free temporary name").format(path=str(path)))
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            for chunk in _chunks(data):
                handle.write(chunk)
        if not isinstance(data, bytes) and _same_bytes(tmp, path):
            tmp.unlink()
            return False
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise
    return True


def _chunks(data: bytes | Iterable[bytes]) -> Iterable[bytes]:
    return [data] if isinstance(data, bytes) else data


def _same_bytes(written: Path, existing: Path) -> bool:
    """Whether an existing regular file holds the bytes just written (compared a block
    at a time)."""
    import filecmp

    try:
        return existing.is_file() and filecmp.cmp(written, existing, shallow=False)
    except OSError:
        return False
def new_temporary(path: Path) -> Path:
    """A new empty file beside `path` under one of our temporary names
    (`.NAME.PID.xxxxxxxx.tmp`, which `remove_stale_temporaries` recognises once its
    writer is dead), made with the mode a new file gets (0666 less the umask).
    OSError when the folder cannot take it."""
    for _attempt in range(100):
        tmp = path.parent / f".{path.name}.{os.getpid()}.{_token()}.tmp"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(str(path))


_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def _token() -> str:
    """Eight random characters, as mkstemp's."""
    import secrets  # (only for a temporary file: random and hmac cost a short command)

    return "".join(secrets.choice(_TOKEN_CHARS) for _ in range(8))


def _existing_mode(path: Path) -> int | None:
    """An existing file's permission bits (kept on replace); None for a new file, which
    gets 0666 less the umask from `os.open`, as any file a program creates."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def _temporary_name(name: str) -> re.Pattern[str]:
    """Our temporary names for `name`: `.NAME.PID.xxxxxxxx.tmp` (and 0.1.0's
    `.NAME.xxxxxxxx.tmp`); the eight characters are mkstemp's."""
    return re.compile(rf"\.{re.escape(name)}\.(?:(\d+)\.)?[a-z0-9_]{{8}}\.tmp")


def remove_stale_temporaries(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files a killed writer of `path` left next to it: only our
    own names for this file, and only stale ones (see STALE_TMP_SECONDS). Returns them."""
    pattern = _temporary_name(path.name)
    now = time.time() if now is None else now
    removed: list[Path] = []
    candidates = _temporaries_in(path.parent)
    for entry in [e for e in candidates if pattern.fullmatch(e.name)]:
        match = pattern.fullmatch(entry.name)
        assert match is not None
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            candidates.remove(entry)
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        pid = int(match.group(1)) if match.group(1) else None
        if not (now - info.st_mtime > STALE_TMP_SECONDS or (pid and not _alive(pid))):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
            candidates.remove(entry)
        except OSError:
            pass
    return removed


# folder -> its hidden `.tmp` entries, listed once per process: a command writing
# 30,000 files into one folder would otherwise list the folder 30,000 times (quadratic);
# what a killed writer left is there before this process starts
_TEMPORARIES: dict[str, list[os.DirEntry[str]]] = {}


def forget_listings() -> None:
    """Forget the folders listed so far (each command starts afresh)."""
    _TEMPORARIES.clear()


def _temporaries_in(folder: Path) -> list[os.DirEntry[str]]:
    key = os.path.abspath(folder)
    if key not in _TEMPORARIES:
        try:
            with os.scandir(folder) as entries:
                _TEMPORARIES[key] = [e for e in entries
                                     if e.name.startswith(".") and e.name.endswith(".tmp")]
        except OSError:
            return []
    return _TEMPORARIES[key]


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _cannot_write(path: Path, exc: OSError) -> BadInput:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                return BadInput(f"cannot write {str(path)!r}: {str(parent)!r} is a file,"
                                " not a directory")
            break
    return BadInput(f"cannot write {str(path)!r}: {exc.strerror or exc}")
