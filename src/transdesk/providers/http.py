"""Deadlines and retries for HTTP calls made by code we do not own (deep-translator).

deep-translator calls ``requests.get/post`` without a timeout and never retries.  We
wrap ``requests.Session.request`` once; the wrapper only acts inside ``http_scope()``
(a context variable, so per thread and per call): there it supplies the timeout when
the caller gave none, retries 429 and 5xx answers with exponential backoff, records
the last status for error messages, and keeps API keys out of URLs (deep-translator
sends LibreTranslate's ``api_key`` and DeepL's ``auth_key`` as query parameters, which
land in server and proxy logs): a request whose query holds one of the policy's
``key_params`` is sent as a POST with the fields in a form body, the key in a header
where the service takes one there.  Outside a scope requests behaves as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class HttpPolicy:
    """How calls inside a scope behave; ``retries`` is the number of extra attempts."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 30.0
    #: Query parameters that carry a secret: never left in a URL.
    key_params: tuple[str, ...] = ()
    #: (parameter, header, prefix): send that parameter as this header instead.
    key_header: tuple[str, str, str] | None = None


@dataclass
class CallState:
    """What happened to the HTTP calls of one scope (one sentence, one thread)."""

    policy: HttpPolicy
    attempts: int = 0
    last_status: int | None = None


_SCOPE: ContextVar[CallState | None] = ContextVar("transdesk_http_scope", default=None)
_install_lock = threading.Lock()
_installed = False


@contextmanager
def http_scope(policy: HttpPolicy) -> Iterator[CallState]:
    """Apply ``policy`` to every ``requests`` call made in this thread inside the block."""
    install()
    state = CallState(policy)
    token = _SCOPE.set(state)
    try:
        yield state
    finally:
        _SCOPE.reset(token)


def install() -> None:
    """Wrap ``requests.Session.request`` (once, idempotent, thread-safe)."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        import requests

        original = requests.Session.request

        def request(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            state = _SCOPE.get()
            if state is None:
                return original(self, method, url, *args, **kwargs)
            if kwargs.get("timeout") is None and len(args) < 9:  # timeout is the 9th
                kwargs["timeout"] = state.policy.timeout
            method = keys_out_of_url(state.policy, method, args, kwargs)
            attempt = 0
            while True:
                state.attempts += 1
                response = original(self, method, url, *args, **kwargs)
                state.last_status = response.status_code
                if response.status_code not in RETRY_STATUSES or attempt >= state.policy.retries:
                    return response
                delay = _delay(state.policy, attempt, response.headers.get("Retry-After"))
                response.close()
                attempt += 1
                time.sleep(delay)

        request.__wrapped__ = original  # type: ignore[attr-defined]
        requests.Session.request = request  # type: ignore[method-assign, assignment]
        _installed = True


class KeyInUrl(Exception):
    """A request would carry a key in its URL and cannot be rewritten: not sent."""


def keys_out_of_url(
    policy: HttpPolicy, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> str:
    """Move the policy's key parameters out of the query (in place); the method to use."""
    params = args[0] if args else kwargs.get("params")
    if not policy.key_params or not params:
        return method
    if not isinstance(params, dict) or args:
        if isinstance(params, dict) and not any(name in params for name in policy.key_params):
            return method
        raise KeyInUrl("request parameters in a form that cannot be checked for keys")
    if not any(name in params for name in policy.key_params):
        return method
    fields = dict(params)
    headers = dict(kwargs.get("headers") or {})
    if policy.key_header is not None:
        name, header, prefix = policy.key_header
        value = fields.pop(name, None)
        if value:
            headers[header] = prefix + str(value)
    if kwargs.get("data") is not None or kwargs.get("json") is not None:
        raise KeyInUrl("a key in the query of a request that already has a body")
    kwargs["params"] = None
    kwargs["data"] = fields
    kwargs["headers"] = headers
    return "POST"


def _delay(policy: HttpPolicy, attempt: int, retry_after: str | None) -> float:
    delay = policy.backoff * (2**attempt)
    if retry_after and retry_after.strip().isdigit():
        delay = max(delay, float(retry_after))
    return min(delay, policy.max_backoff)
