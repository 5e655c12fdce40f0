"""A translation engine for tests: registered by name (or through an entry point), it
answers `[lang] text` for every sentence and remembers what it was asked."""

from __future__ import annotations

from typing import ClassVar

from transdesk.providers.base import BatchResult, Provider

LANGS = ("ru", "uk", "en")


class FakeProvider(Provider):
    name = "fake"
    pairs = frozenset((s, t) for s in LANGS for t in LANGS if s != t)
    batch_size = 4
    asked: ClassVar[list[list[str]]] = []  # every batch, in order (shared by all instances)

    def translate_batch(self, texts: list[str], source: str, target: str) -> BatchResult:
        type(self).asked.append(list(texts))
        result = BatchResult(len(texts))
        for i, text in enumerate(texts):
            result.set_ok(i, f"[{target}] {text}")
        return result
