"""Option values of `transdesk check`: `--ignore` and `--min`."""

from __future__ import annotations

import math
from collections.abc import Iterable

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.registry import CHECKS  # the names, without loading the checks

CHECK_NAMES = CHECKS.names()


def parse_ignore(values: Iterable[str]) -> tuple[str, ...]:
    """`--ignore` values, repeated or comma-separated; BadInput names an unknown check."""
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in CHECKS:
                raise BadInput(_("unknown check {name!r} in --ignore; known checks: {checks}")
                               .format(name=part.strip(), checks=", ".join(CHECK_NAMES)))
            if name not in names:
                names.append(name)
    return tuple(names)


def parse_min(value: str | float) -> float:
    """`--min PERCENT`: a number from 0 to 100 (a trailing % is allowed)."""
    text = str(value).strip().removesuffix("%")
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not 0.0 <= number <= 100.0:  # also false for nan
        raise BadInput(_("--min must be a percentage from 0 to 100, not {value!r}").format(
            value=str(value)))
    return number


def active_checks(ignore: Iterable[str]) -> list[str]:
    skip = set(ignore)
    return [name for name in CHECK_NAMES if name not in skip]
