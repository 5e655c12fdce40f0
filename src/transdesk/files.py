"""Reading and writing the files a user names, with one wording for what can go wrong."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from transdesk.errors import BadInput
from transdesk.i18n import _


def read_input(path: str | os.PathLike[str], kind: str) -> bytes:
    """The bytes of the `kind` file at `path` ("an article file", "a PO file", ...),
    or BadInput saying why it cannot be read."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(_("{path!r} is a directory, not {kind}").format(path=str(path), kind=kind))
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput(_("no such file: {path!r}").format(path=str(path))) from None
    except OSError as exc:
        raise BadInput(_(
                "cannot read {path!r}: {strerror}"
            ).format(path=str(path), strerror=exc.strerror)) from None


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file in the same directory and
    `os.replace`. A file that already holds exactly these bytes is left untouched
    (no mtime churn); returns whether the file was written. Missing parent directories
    are created; a path that cannot be written is bad input, named in the error."""
    if path.is_dir():
        raise BadInput(_("{path!r} is a directory: give a file name").format(path=str(path)))
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise
    return True


def _cannot_write(path: Path, exc: OSError) -> BadInput:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                return BadInput(f"cannot write {str(path)!r}: {str(parent)!r} is a file,"
                                " not a directory")
            break
    return BadInput(f"cannot write {str(path)!r}: {exc.strerror or exc}")
