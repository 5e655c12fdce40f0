"""The registry of translation engines: a name -> a Provider class.

The built-in engines are declared here as "module:Class" and imported when used, so
importing this package (for `--help`) loads none of them; other packages add engines
through the entry-point group `transdesk.providers` (`name = "module:Class"`), and a
test can `PROVIDERS.register("fake", FakeProvider)`.
"""

from __future__ import annotations

from typing import Any

from transdesk.errors import BadInput, ProviderError
from transdesk.i18n import _
from transdesk.providers.base import BatchFailed, BatchResult, Provider, env_name
from transdesk.registry import Registry

__all__ = [
    "PROVIDERS",
    "BatchFailed",
    "BatchResult",
    "Provider",
    "default_provider",
    "describe_providers",
    "get_provider",
]

ENTRY_POINT_GROUP = "transdesk.providers"

PROVIDERS: Registry[type[Provider]] = Registry("provider", {
    "apertium": "transdesk.providers.apertium:ApertiumProvider",
    "google": "transdesk.providers.online:GoogleProvider",
    "mymemory": "transdesk.providers.online:MyMemoryProvider",
    "libre": "transdesk.providers.online:LibreProvider",
    "deepl": "transdesk.providers.online:DeeplProvider",
    "microsoft": "transdesk.providers.online:MicrosoftProvider",
    "yandex": "transdesk.providers.online:YandexProvider",
}, group=ENTRY_POINT_GROUP)


def get_provider(name: str) -> Provider:
    """A fresh provider (settings read from the environment now); BadInput if unknown."""
    key = name.strip().lower()
    if key not in PROVIDERS:
        raise BadInput(_(
                "unknown provider {name!r}; use one of: {providers}, none"
            ).format(name=name, providers=', '.join(PROVIDERS)))
    return PROVIDERS.get(key)()


def default_provider(source: str, target: str) -> str:
    """``apertium`` where it serves the pair (ru<->uk), else ``google``."""
    if (source, target) in PROVIDERS.get("apertium").pairs:
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
