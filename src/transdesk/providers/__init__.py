"""The registry of translation engines (a plain dict of classes that describe themselves).

Importing this package is cheap: the engines import deep_translator/requests only
when they translate.
"""

from __future__ import annotations

from typing import Any

from transdesk.errors import BadInput, ProviderError
from transdesk.providers.apertium import ApertiumProvider
from transdesk.providers.base import BatchFailed, BatchResult, Provider, env_name
from transdesk.providers.online import (
    DeeplProvider,
    GoogleProvider,
    LibreProvider,
    MicrosoftProvider,
    MyMemoryProvider,
    YandexProvider,
)

__all__ = [
    "PROVIDERS",
    "BatchFailed",
    "BatchResult",
    "Provider",
    "default_provider",
    "describe_providers",
    "get_provider",
]

PROVIDERS: dict[str, type[Provider]] = {
    cls.name: cls
    for cls in (
        ApertiumProvider,
        GoogleProvider,
        MyMemoryProvider,
        LibreProvider,
        DeeplProvider,
        MicrosoftProvider,
        YandexProvider,
    )
}


def get_provider(name: str) -> Provider:
    """A fresh provider (settings read from the environment now); BadInput if unknown."""
    cls = PROVIDERS.get(name.strip().lower())
    if cls is None:
        raise BadInput(f"unknown provider {name!r}; use one of: {', '.join(PROVIDERS)}, none")
    return cls()


def default_provider(source: str, target: str) -> str:
    """``apertium`` where it serves the pair (ru<->uk), else ``google``."""
    if (source, target) in ApertiumProvider.pairs:
        return "apertium"
    return "google"


def describe_providers() -> list[dict[str, Any]]:
    """One dict per provider for ``transdesk providers [--json]`` (never a setting's value).

    An online provider that is set up is also probed (a TCP connection to its service,
    all at once, a couple of seconds at most), so "usable" means reachable now.
    """
    from concurrent.futures import ThreadPoolExecutor

    from transdesk.providers.online import OnlineProvider

    states: dict[str, tuple[bool, str | None]] = {}
    to_probe: dict[str, OnlineProvider] = {}
    for name, cls in PROVIDERS.items():
        try:
            provider = cls()
            states[name] = provider.is_usable()
        except (BadInput, ProviderError) as exc:  # e.g. a malformed TRANSDESK_*_TIMEOUT
            states[name] = False, str(exc)
            continue
        if states[name][0] and isinstance(provider, OnlineProvider):
            to_probe[name] = provider
    if to_probe:
        with ThreadPoolExecutor(max_workers=len(to_probe)) as pool:
            probes = {name: pool.submit(p.reachable) for name, p in to_probe.items()}
        states.update({name: future.result() for name, future in probes.items()})
    described = []
    for name, cls in PROVIDERS.items():
        usable, reason = states[name]
        described.append(
            {
                "name": name,
                "pairs": [f"{s}-{t}" for s, t in sorted(cls.pairs)],
                "usable": usable,
                "reason": reason,
                "settings": [env_name(name, s) for s in cls.settings],
            }
        )
    return described
