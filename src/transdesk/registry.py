"""Registries: a name maps to an object declared as `"module:attribute"`, imported on
first use, so that `--help` and option choices list the names without loading the code
behind them (the checks' compiled expressions, deep_translator).

A registry with an entry-point `group` also takes what installed packages declare in
that group (as llm and Babel do), and `register` adds an entry at run time: a test can
register a fake provider instead of serving HTTP.

The check registry is declared here rather than in checks.py, which is slow to import.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from transdesk.errors import BadInput
from transdesk.i18n import _

T = TypeVar("T")


class Registry(Generic[T]):
    """Names in declaration order (entry points after the built-in ones)."""

    def __init__(self, kind: str, declared: dict[str, Any], group: str | None = None) -> None:
        self.kind = kind
        self.group = group
        self._targets: dict[str, Any] = dict(declared)  # "module:attribute" or the object
        self._declared = tuple(declared)
        self._loaded: dict[str, T] = {}
        self._scanned = group is None

    def _scan(self) -> None:
        if self._scanned:
            return
        self._scanned = True
        from importlib.metadata import entry_points

        for entry in entry_points(group=self.group or ""):
            self._targets.setdefault(entry.name.strip().lower(), entry.value)

    def names(self) -> tuple[str, ...]:
        self._scan()
        return tuple(self._targets)

    def refresh(self) -> None:
        """Look for entry points again (after installing a plugin in this process)."""
        self._scanned = self.group is None

    def declared_names(self) -> tuple[str, ...]:
        """The built-in names, without looking for entry points (importlib.metadata
        costs about 30 ms, too much for `--help`)."""
        return self._declared

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def get(self, name: str) -> T:
        """The object registered as `name`; BadInput naming the known ones if unknown."""
        if name not in self:
            raise BadInput(_(
                    "unknown {kind} {name!r}; use one of: {names}"
                ).format(kind=self.kind, name=name, names=', '.join(self.names())))
        if name not in self._loaded:
            target = self._targets[name]
            if isinstance(target, str):
                module, _colon, attribute = target.partition(":")
                target = getattr(importlib.import_module(module), attribute)
            self._loaded[name] = target
        return self._loaded[name]

    def items(self) -> list[tuple[str, T]]:
        return [(name, self.get(name)) for name in self.names()]

    def register(self, name: str, target: T | str) -> None:
        """Add (or replace) an entry at run time."""
        self._scan()
        self._targets[name] = target
        self._loaded.pop(name, None)

    def unregister(self, name: str) -> None:
        self._targets.pop(name, None)
        self._loaded.pop(name, None)


# name -> check function (source, target, source_lang, target_lang) -> message | None
CHECKS: Registry[Any] = Registry("check", {
    "numbers": "transdesk.checks:check_numbers",
    "end-punctuation": "transdesk.checks:check_end_punctuation",
    "quotes": "transdesk.checks:check_quotes",
    "quote-style": "transdesk.checks:check_quote_style",
    "brackets": "transdesk.checks:check_brackets",
    "urls": "transdesk.checks:check_urls",
    "untranslated": "transdesk.checks:check_untranslated",
    "whitespace": "transdesk.checks:check_whitespace",
    "length": "transdesk.checks:check_length",
    "wrong-alphabet": "transdesk.checks:check_wrong_alphabet",
    "apostrophe": "transdesk.checks:check_apostrophe",
    # house style: the termbase and the spelling dictionaries
    "terminology": "transdesk.desk_style:check_terminology",
    "spelling": "transdesk.desk_style:check_spelling",
})
