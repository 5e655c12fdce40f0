"""The house style (`desk_style`) of a desk of either engine, and the fingerprint that
versions the recorded findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transdesk import desk_style

_FINGERPRINT: list[str] = []


def use_desk_style(desk: Any) -> desk_style.DeskStyle:
    """Make the desk's termbase and word list the active style (`desk_style.use`, whose
    queries run on either engine)."""
    return desk_style.use(desk.db if desk.engine == "sqlite" else desk)


def checks_fingerprint() -> str:
    """A fingerprint of checks.py and registry.py (the check names and functions), read
    beside this package (not imported: a warm check loads no check)."""
    if not _FINGERPRINT:
        import hashlib

        package = Path(__file__).resolve().parent.parent
        data = (package / "checks.py").read_bytes() + (package / "registry.py").read_bytes()
        _FINGERPRINT.append(hashlib.sha1(data).hexdigest())
    return _FINGERPRINT[0]


def desk_fingerprint(desk: Any) -> str:
    """What the recorded findings depend on: the checks, and the desk's style."""
    return checks_fingerprint() + desk_style.fingerprint(desk)
