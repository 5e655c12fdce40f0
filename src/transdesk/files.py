"""Reading and writing the files a user names, with one wording for what can go wrong."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from transdesk.errors import BadInput
from transdesk.i18n import _

# what one file may hold before it is refused rather than read into memory: a device
# like /dev/zero, or a pipe that never ends, must not exhaust the memory
MAX_INPUT_BYTES = 1 << 30
MAX_ARTICLE_BYTES = 32 << 20  # a news article is a few kilobytes


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


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file in the same directory and
    `os.replace`. A file that already holds exactly these bytes is left untouched
    (no mtime churn); returns whether the file was written. Missing parent directories
    are created; a path that cannot be written is bad input, named in the error."""
    if path.is_dir():
        raise BadInput(_("{path!r} is a directory: give a file name").format(path=str(path)))
    if path.exists() and not path.is_file():
        # a device or a pipe (/dev/full, a FIFO, /dev/stdout): never read it, never
        # replace it (as root, a rename would put a file where the device was)
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        return True
    if path.is_symlink():  # a link to a regular file: replace the file, keep the link
        path = path.resolve()
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        os.fchmod(fd, _mode_for(path))  # mkstemp makes 0600 whatever the umask
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise
    return True


def _mode_for(path: Path) -> int:
    """An existing file's permissions (a replace keeps them), else what the umask gives
    a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _cannot_write(path: Path, exc: OSError) -> BadInput:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                return BadInput(f"cannot write {str(path)!r}: {str(parent)!r} is a file,"
                                " not a directory")
            break
    return BadInput(f"cannot write {str(path)!r}: {exc.strerror or exc}")
