"""Online engines through deep-translator: google, mymemory, libre, deepl, microsoft, yandex.

deep-translator has no timeouts, no retries and a plain loop for batches; we add the
deadline and retries (``providers.http``), parallel requests (a thread pool of
``max_parallel`` workers, one client per worker: clients keep per-call state), explicit
settings (only ``TRANSDESK_<PROVIDER>_<SETTING>``; deep-translator's own environment
variables never count) and one mapping of every failure to a one-line error that names
the provider and never a key.
"""

from __future__ import annotations

import socket
import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, ClassVar
from urllib.parse import urlsplit

from transdesk.errors import ProviderError
from transdesk.i18n import _
from transdesk.providers.base import (
    BatchFailed,
    BatchResult,
    Provider,
    env_name,
    read_number,
    redact,
)
from transdesk.providers.http import CallState, HttpPolicy, KeyInUrl, http_scope

_ALL_PAIRS = frozenset((s, t) for s in ("ru", "uk", "en") for t in ("ru", "uk", "en") if s != t)
_COMMON_SETTINGS = ("TIMEOUT", "RETRIES", "BACKOFF", "PARALLEL")
PROBE_TIMEOUT_S = 2.0  # `transdesk providers` waits at most this long for a service


class SentenceFailed(Exception):
    """This sentence cannot be translated by this provider; the others may be."""


class _NotStarted(Exception):
    """A request not sent because another one of the batch failed first."""


class OnlineProvider(Provider):
    """A deep-translator client with our deadline, retries, parallelism and errors."""

    pairs = _ALL_PAIRS
    batch_size = 50
    max_parallel = 4
    #: Settings without which the provider is not usable.
    required: tuple[str, ...] = ()
    #: Settings that are secrets: never shown, scrubbed from every message.
    secret_settings: tuple[str, ...] = ("API_KEY",)
    #: Our language code -> the provider's.
    codes: ClassVar[dict[str, str]] = {"ru": "ru", "uk": "uk", "en": "en"}
    #: Longest text the client accepts (deep-translator validates it before sending).
    max_chars = 5000
    #: Query parameters in which the client would send a key (see `providers.http`).
    key_params: tuple[str, ...] = ()
    key_header: tuple[str, str, str] | None = None

    def __init__(self) -> None:
        self.timeout = read_number(self.name, "TIMEOUT", 30.0, minimum=0.001)
        self.retries = int(read_number(self.name, "RETRIES", 3, integer=True))
        self.backoff = read_number(self.name, "BACKOFF", 0.5)
        self.max_parallel = int(
            read_number(self.name, "PARALLEL", type(self).max_parallel, minimum=1, integer=True)
        )
        self._values = {name: self.setting(name) for name in self.settings}
        self._local = threading.local()

    # -- what subclasses provide -------------------------------------------------------

    def make_client(self, source: str, target: str) -> Any:
        """A deep-translator client for the pair (called inside an HTTP scope)."""
        raise NotImplementedError

    def call(self, client: Any, text: str) -> Any:
        return client.translate(text)

    # -- the common machinery ----------------------------------------------------------

    def policy(self) -> HttpPolicy:
        return HttpPolicy(
            timeout=self.timeout,
            retries=self.retries,
            backoff=self.backoff,
            max_backoff=max(self.backoff * 8, min(30.0, self.timeout)),
            key_params=self.key_params,
            key_header=self.key_header,
        )

    def value(self, setting: str) -> str | None:
        return self._values.get(setting)

    def is_usable(self) -> tuple[bool, str | None]:
        missing = [env_name(self.name, s) for s in self.required if not self.value(s)]
        if missing:
            return False, "set " + " and ".join(missing)
        return True, None

    #: The host the client talks to (https), probed by ``reachable``.
    host: str = ""

    def endpoint(self) -> tuple[str, int]:
        return self.host, 443

    def reachable(self, timeout: float = PROBE_TIMEOUT_S) -> tuple[bool, str | None]:
        """Whether a TCP connection to the service opens within ``timeout`` seconds (no
        request is sent: no key travels, nothing is translated)."""
        host, port = self.endpoint()
        try:
            socket.create_connection((host, port), timeout=timeout).close()
        except OSError as exc:
            why = "no answer" if isinstance(exc, TimeoutError) else (
                exc.strerror or type(exc).__name__)
            return False, f"cannot reach {host}:{port} ({why}; no network?)"
        return True, None

    def translate_batch(self, texts: list[str], source: str, target: str) -> BatchResult:
        self.check_pair(source, target)
        usable, why = self.is_usable()
        if not usable:
            raise ProviderError(_("{name}: not usable: {why}").format(name=self.name, why=why))
        result = BatchResult(len(texts))
        todo: list[int] = []
        for i, text in enumerate(texts):
            if not text.strip():
                result.set_failed(i, "empty source text")
            elif len(text) > self.max_chars:
                result.set_failed(i, f"too long for {self.name} (over {self.max_chars} characters)")
            else:
                todo.append(i)
        if not todo:
            return result
        self.prepare(source, target)
        pool = ThreadPoolExecutor(
            max_workers=min(self.max_parallel, len(todo)),
            thread_name_prefix=f"transdesk-{self.name}",
        )
        stop = threading.Event()  # set by the first failing request: start no more

        def attempt(text: str) -> str:
            if stop.is_set():
                raise _NotStarted
            try:
                return self._translate_one(text, source, target)
            except SentenceFailed:
                raise
            except BaseException:
                stop.set()
                raise

        futures: dict[Future[str], int] = {pool.submit(attempt, texts[i]): i for i in todo}
        failure: BaseException | None = None
        try:
            for future in as_completed(futures):
                error = future.exception()
                if error is None:
                    result.set_ok(futures[future], future.result())
                elif isinstance(error, SentenceFailed):
                    result.set_failed(futures[future], str(error))
                elif not isinstance(error, _NotStarted):
                    failure = error
                    break
        finally:
            # No new request after a failure; those already running (each has its
            # deadline) are waited for, and their answers kept in the partial result,
            # so that nothing answered is asked again on the re-run.
            pool.shutdown(wait=True, cancel_futures=True)
        if failure is not None:
            for future, i in futures.items():
                if future.cancelled() or not future.done() or result.attempted(i):
                    continue
                error = future.exception()
                if error is None:
                    result.set_ok(i, future.result())
                elif isinstance(error, SentenceFailed):
                    result.set_failed(i, str(error))
        if failure is not None:
            if isinstance(failure, ProviderError):
                message = str(failure)
            else:
                message = f"{self.name}: unexpected {type(failure).__name__}"
            raise BatchFailed(self._scrub(message), result) from None
        return result

    def prepare(self, source: str, target: str) -> None:
        """Hook run once per batch before the sentences (e.g. check the server's languages)."""

    def _client(self, source: str, target: str) -> Any:
        clients: dict[tuple[str, str], Any] = self._local.__dict__.setdefault("clients", {})
        if (source, target) not in clients:
            clients[(source, target)] = self.make_client(self.codes[source], self.codes[target])
        return clients[(source, target)]

    def _translate_one(self, text: str, source: str, target: str) -> str:
        with http_scope(self.policy()) as state:
            try:
                answer = self.call(self._client(source, target), text)
            except SentenceFailed:
                raise
            except Exception as exc:
                raise self._map_error(exc, state) from None
        if isinstance(answer, list) and all(isinstance(part, str) for part in answer):
            answer = " ".join(answer)
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            raise SentenceFailed(f"{self.name} returned an empty translation")
        if not isinstance(answer, str):
            raise ProviderError(_(
                    "{name}: answered garbage (not a translation)"
                ).format(name=self.name))
        return answer.strip()

    def where(self) -> str:
        """Where requests go, for messages (host only: a URL may carry credentials)."""
        return ""

    def _map_error(self, exc: Exception, state: CallState) -> Exception:
        """Turn any failure into SentenceFailed (this sentence) or ProviderError (all)."""
        import requests
        from deep_translator import exceptions as dt

        name = self.name + (f" ({self.where()})" if self.where() else "")
        status = state.last_status
        attempts = f" after {state.attempts} attempts" if state.attempts > 1 else ""
        if isinstance(exc, KeyInUrl):
            return ProviderError(f"{name}: not sent: {exc} (a key never travels in a URL)")
        if isinstance(exc, dt.NotValidLength | dt.NotValidPayload):
            return SentenceFailed(f"{self.name} refused the text (empty, non-text or too long)")
        if isinstance(exc, dt.TranslationNotFound):
            return SentenceFailed(f"{self.name} found no translation")
        if isinstance(exc, dt.LanguageNotSupportedException | dt.InvalidSourceOrTargetLanguage):
            return ProviderError(f"{name}: language pair not supported by the client")
        if isinstance(exc, dt.ApiKeyException):
            return ProviderError(f"{name}: no API key; set {env_name(self.name, 'API_KEY')}")
        if isinstance(exc, requests.Timeout):
            return ProviderError(f"{name}: no answer within {self.timeout:g} s (timeout)")
        if isinstance(exc, requests.ConnectionError | ConnectionError):
            return ProviderError(f"{name}: cannot connect (network or server down)")
        if status in (401, 403) or isinstance(exc, dt.AuthorizationException):
            return ProviderError(
                f"{name}: authorization refused (HTTP {status}); "
                f"check {env_name(self.name, 'API_KEY')}"
            )
        if status == 429 or isinstance(exc, dt.TooManyRequests):
            return ProviderError(f"{name}: rate limited (HTTP 429){attempts}; try again later")
        if status is not None and status >= 400:
            return ProviderError(f"{name}: HTTP {status}{attempts}")
        if isinstance(exc, ValueError | KeyError | TypeError | AttributeError | IndexError):
            # JSON decode errors are ValueErrors; the others come from parsing odd JSON.
            return ProviderError(f"{name}: answered garbage (not the expected JSON)")
        if isinstance(exc, requests.RequestException):
            return ProviderError(f"{name}: request failed ({type(exc).__name__})")
        if isinstance(exc, dt.ServerException | dt.RequestError | dt.MicrosoftAPIerror):
            return ProviderError(f"{name}: the service reported an error ({type(exc).__name__})")
        return ProviderError(f"{name}: unexpected {type(exc).__name__}")

    def _scrub(self, message: str) -> str:
        secrets = [self.value(s) for s in self.secret_settings]
        return redact(message, secrets)


class GoogleProvider(OnlineProvider):
    name = "google"
    host = "translate.google.com"
    settings = _COMMON_SETTINGS

    def make_client(self, source: str, target: str) -> Any:
        from deep_translator import GoogleTranslator

        return GoogleTranslator(source=source, target=target)


class MyMemoryProvider(OnlineProvider):
    name = "mymemory"
    host = "api.mymemory.translated.net"
    settings = ("EMAIL", *_COMMON_SETTINGS)
    secret_settings = ("EMAIL",)
    codes: ClassVar[dict[str, str]] = {"ru": "ru-RU", "uk": "uk-UA", "en": "en-GB"}
    max_parallel = 2
    max_chars = 500

    def make_client(self, source: str, target: str) -> Any:
        from deep_translator import MyMemoryTranslator

        extra = {"email": self.value("EMAIL")} if self.value("EMAIL") else {}
        return MyMemoryTranslator(source=source, target=target, **extra)


class LibreProvider(OnlineProvider):
    """A LibreTranslate server (``TRANSDESK_LIBRE_URL``), self-hosted or public."""

    name = "libre"
    settings = ("URL", "API_KEY", *_COMMON_SETTINGS)
    required = ("URL",)
    key_params = ("api_key",)  # the server reads a form body as well as the query

    def __init__(self) -> None:
        super().__init__()
        self._served: dict[str, set[str]] | None = None
        self._served_lock = threading.Lock()

    def base_url(self) -> str:
        url = self.value("URL") or ""
        return url if url.endswith("/") else url + "/"

    def where(self) -> str:
        if not self.value("URL") or self.url_problem():
            return ""
        parts = urlsplit(self.base_url())
        host = parts.hostname or "?"
        return f"{host}:{parts.port}" if parts.port else host

    def url_problem(self) -> str | None:
        """Why TRANSDESK_LIBRE_URL is not a usable http(s) URL, or None (the URL itself
        is never quoted: it may carry credentials)."""
        setting = env_name(self.name, "URL")
        try:
            parts = urlsplit(self.value("URL") or "")
            parts.port  # noqa: B018  (raises for a port out of range or not a number)
        except ValueError as exc:
            reason = "port out of range" if "out of range" in str(exc) else (
                "a bad port" if "port" in str(exc).lower() else "malformed")
            return f"{setting} is not a valid URL ({reason})"
        if parts.scheme not in ("http", "https"):
            return f"{setting} must start with http:// or https://"
        if not parts.hostname:
            return f"{setting} has no host name"
        return None

    def is_usable(self) -> tuple[bool, str | None]:
        usable, why = super().is_usable()
        if usable and (problem := self.url_problem()):
            return False, problem
        return usable, why

    def endpoint(self) -> tuple[str, int]:
        parts = urlsplit(self.base_url())
        return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)

    def make_client(self, source: str, target: str) -> Any:
        from deep_translator import LibreTranslator

        # The client refuses to start without a key, even for a server that needs none;
        # its hard-coded language list lacks "uk", so build it with codes it knows and
        # set ours through its public setters: the server decides what it serves.
        client = LibreTranslator(
            source="en",
            target="es",
            api_key=self.value("API_KEY") or "none",
            custom_url=self.base_url(),
        )
        if not self.value("API_KEY"):
            client.api_key = None  # then no api_key field is sent at all
        client.source, client.target = source, target
        return client

    def prepare(self, source: str, target: str) -> None:
        served = self.served_languages()
        if served is None:
            return
        for code in (source, target):
            if code not in served:
                raise ProviderError(_(
                        "libre ({where}): the server does not serve {code!r}"
                    ).format(where=self.where(), code=code))
        if target not in served[source]:
            raise ProviderError(
                _(
                    "libre ({where}): the server does not translate {source}-{target}"
                ).format(where=self.where(), source=source, target=target)
            )

    def served_languages(self) -> dict[str, set[str]] | None:
        """``GET /languages`` once: code -> target codes; None when the server won't say."""
        with self._served_lock:
            if self._served is None:
                self._served = self._fetch_languages()
            return self._served or None

    def _fetch_languages(self) -> dict[str, set[str]]:
        import requests

        with http_scope(self.policy()) as state:
            try:
                response = requests.get(self.base_url() + "languages")
                data = response.json() if response.status_code == 200 else None
            except ValueError:
                data = None
            except Exception as exc:
                raise BatchFailed(self._scrub(str(self._map_error(exc, state)))) from None
        served: dict[str, set[str]] = {}
        if isinstance(data, list):
            for entry in data:
                if isinstance(entry, dict) and isinstance(entry.get("code"), str):
                    targets = entry.get("targets")
                    served[entry["code"]] = set(targets) if isinstance(targets, list) else set()
            codes = set(served)
            for code, targets in served.items():
                if not targets:
                    served[code] = codes - {code}
        return served


class DeeplProvider(OnlineProvider):
    name = "deepl"
    settings = ("API_KEY", "FREE", *_COMMON_SETTINGS)
    required = ("API_KEY",)
    # DeepL takes the key as `Authorization: DeepL-Auth-Key KEY` and the rest as a form
    key_params = ("auth_key",)
    key_header = ("auth_key", "Authorization", "DeepL-Auth-Key ")

    def use_free_api(self) -> bool:
        free = self.value("FREE")
        if free is None:
            return (self.value("API_KEY") or "").endswith(":fx")
        return free.lower() in ("1", "yes", "true")

    def endpoint(self) -> tuple[str, int]:
        return ("api-free.deepl.com" if self.use_free_api() else "api.deepl.com"), 443

    def make_client(self, source: str, target: str) -> Any:
        from deep_translator import DeeplTranslator

        key = self.value("API_KEY") or ""
        return DeeplTranslator(source=source, target=target, api_key=key,
                               use_free_api=self.use_free_api())


class MicrosoftProvider(OnlineProvider):
    name = "microsoft"
    host = "api.cognitive.microsofttranslator.com"
    settings = ("API_KEY", "REGION", *_COMMON_SETTINGS)
    required = ("API_KEY",)

    def make_client(self, source: str, target: str) -> Any:
        from deep_translator import MicrosoftTranslator

        # Its constructor fetches the language list: it runs inside our HTTP scope.
        return MicrosoftTranslator(
            source=source,
            target=target,
            api_key=self.value("API_KEY"),
            region=self.value("REGION"),
        )


class YandexProvider(OnlineProvider):
    name = "yandex"
    host = "translate.yandex.net"
    settings = ("API_KEY", *_COMMON_SETTINGS)
    required = ("API_KEY",)
    key_params = ("key",)  # its language list is a GET with the key in the query

    def make_client(self, source: str, target: str) -> Any:
        from deep_translator import YandexTranslator

        return YandexTranslator(source=source, target=target, api_key=self.value("API_KEY"))
