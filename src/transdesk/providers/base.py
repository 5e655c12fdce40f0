"""What every translation engine looks like, and how its settings are read.

A provider translates a batch of sentences and answers one result per input.  A
sentence it could not translate is ``None`` and ``result.reasons[i]`` says why, so the
caller can store a clear "why not" next to the unit.  A provider that fails as a whole
(unreachable, keeps answering 5xx, answers garbage) raises :class:`BatchFailed`, a
:class:`~transdesk.errors.ProviderError` that still carries what was finished.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from transdesk.errors import BadInput, ProviderError
from transdesk.i18n import _

NOT_ATTEMPTED = "not translated"


class BatchResult(list[str | None]):
    """A list of translations (``None`` = not translated) with a parallel ``reasons`` list.

    It is a plain list for callers that only want the drafts; ``reasons[i]`` is ``None``
    for a translated sentence and a one-line explanation for an untranslated one.
    """

    def __init__(self, size: int = 0) -> None:
        super().__init__([None] * size)
        self.reasons: list[str | None] = [NOT_ATTEMPTED] * size

    def attempted(self, index: int) -> bool:
        """Whether the provider answered for this sentence (a translation or a reason)."""
        return self[index] is not None or self.reasons[index] != NOT_ATTEMPTED

    def set_ok(self, index: int, text: str) -> None:
        """The sentence's translation; an answer holding a control character (see
        `text_safety`) is no translation: the sentence fails with the reason."""
        from transdesk.text_safety import refusal

        why = refusal(text)
        if why is not None:
            self.set_failed(index, f"the answer holds a {why}")
            return
        self[index] = text
        self.reasons[index] = None

    def set_failed(self, index: int, reason: str) -> None:
        self[index] = None
        self.reasons[index] = reason

    def pairs(self) -> list[tuple[str | None, str | None]]:
        """``[(translation, reason), ...]`` in input order."""
        return list(zip(self, self.reasons, strict=True))


class BatchFailed(ProviderError):
    """The provider failed; ``partial`` holds the sentences finished before it did.

    Sentences not attempted are ``None`` with reason "not translated", so a caller can
    save the finished ones and let a re-run resume.
    """

    def __init__(self, message: str, partial: BatchResult | None = None) -> None:
        super().__init__(message)
        self.partial = partial if partial is not None else BatchResult()


class Provider:
    """Base class: subclasses set the class attributes and implement ``translate_batch``."""

    name: str = ""
    pairs: frozenset[tuple[str, str]] = frozenset()
    #: Setting names; each is read from ``TRANSDESK_<NAME>_<SETTING>``.
    settings: tuple[str, ...] = ()
    #: How many sentences the caller should hand over per call.
    batch_size: int = 50
    #: How many requests may run at once (overridable by ``TRANSDESK_<NAME>_PARALLEL``).
    max_parallel: int = 1

    def is_usable(self) -> tuple[bool, str | None]:
        """``(True, None)`` or ``(False, "why not, and how to fix it")``."""
        return True, None

    def supports(self, source: str, target: str) -> bool:
        return (source, target) in self.pairs

    def check_pair(self, source: str, target: str) -> None:
        """Raise BadInput when this provider does not serve ``source -> target``."""
        if not self.supports(source, target):
            served = ", ".join(f"{s}-{t}" for s, t in sorted(self.pairs))
            raise BadInput(
                _(
                    "provider {name} does not translate {source}-{target} (it serves: {served})"
                ).format(name=self.name, source=source, target=target, served=served)
            )

    def translate_batch(self, texts: list[str], source: str, target: str) -> BatchResult:
        """Translate ``texts``; one result per input (see :class:`BatchResult`)."""
        raise NotImplementedError

    def env_name(self, setting: str) -> str:
        return env_name(self.name, setting)

    def setting(self, setting: str, default: str | None = None) -> str | None:
        return read_setting(self.name, setting, default)

    def __repr__(self) -> str:  # never show settings: they may hold keys
        return f"<{type(self).__name__} {self.name}>"


def env_name(provider: str, setting: str) -> str:
    """``env_name("libre", "api_key")`` -> ``TRANSDESK_LIBRE_API_KEY``."""
    return f"TRANSDESK_{provider.upper()}_{setting.upper()}"


def read_setting(provider: str, setting: str, default: str | None = None) -> str | None:
    """The one place provider settings are read: only ``TRANSDESK_*`` variables count."""
    value = os.environ.get(env_name(provider, setting), "").strip()
    return value or default


def read_number(
    provider: str, setting: str, default: float, minimum: float = 0.0, integer: bool = False
) -> float:
    """A numeric setting; a malformed value is bad usage (exit 2), named in the message."""
    raw = read_setting(provider, setting)
    if raw is None:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise BadInput(_(
                "{env_name} must be a number, got {raw!r}"
            ).format(env_name=env_name(provider, setting), raw=raw)) from None
    if value < minimum:
        raise BadInput(_(
                "{env_name} must be at least {minimum:g}"
            ).format(env_name=env_name(provider, setting), minimum=minimum))
    return value


def redact(message: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret in ``message`` by ``***`` (a last line of defence)."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            message = message.replace(secret, "***")
    return message
