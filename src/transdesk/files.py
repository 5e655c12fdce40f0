"""Reading the files a user names, with one wording for what can go wrong."""

from __future__ import annotations

import os
from pathlib import Path

from transdesk.errors import BadInput


def read_input(path: str | os.PathLike[str], kind: str) -> bytes:
    """The bytes of the `kind` file at `path` ("an article file", "a PO file", ...),
    or BadInput saying why it cannot be read."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(f"{str(path)!r} is a directory, not {kind}")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"no such file: {str(path)!r}") from None
    except OSError as exc:
        raise BadInput(f"cannot read {str(path)!r}: {exc.strerror}") from None
