"""Reading the files a user names, with one wording for what can go wrong."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from transdesk.errors import BadInput

# what one file may hold before it is refused rather than read into memory: a device
# like /dev/zero, or a pipe that never ends, must not exhaust the memory
MAX_INPUT_BYTES = 1 << 30
MAX_ARTICLE_BYTES = 32 << 20  # a news article is a few kilobytes


def read_input(path: str | os.PathLike[str], kind: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the `kind` file at `path` ("an article file", "a PO file", ...),
    or BadInput saying why it cannot be read (also: a device, more than `limit` bytes)."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(f"{str(path)!r} is a directory, not {kind}")
    try:
        with open(path, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
                raise BadInput(f"{str(path)!r} is a device, not {kind}")
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise BadInput(f"no such file: {str(path)!r}") from None
    except OSError as exc:
        raise BadInput(f"cannot read {str(path)!r}: {exc.strerror}") from None
    if len(data) > limit:
        raise BadInput(f"{str(path)!r} is larger than {limit >> 20} MB: too large for {kind}")
    return data
