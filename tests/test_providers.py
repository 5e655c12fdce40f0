"""The registry, and the online engines driven through deep-translator's own clients
against a local LibreTranslate-protocol server (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
import requests
from libre_server import LibreServer

from transdesk.errors import BadInput, ProviderError
from transdesk.providers import (
    PROVIDERS,
    BatchFailed,
    default_provider,
    describe_providers,
    get_provider,
)
from transdesk.providers.http import HttpPolicy, http_scope
from transdesk.providers.online import LibreProvider, MyMemoryProvider

KEY = "s3cr3t-Key-42"
TEXTS = ["Привет, мир.", "Как дела?", "Голосование ожидается в октябре!"]


@pytest.fixture
def libre(monkeypatch: pytest.MonkeyPatch) -> Iterator[LibreServer]:
    with LibreServer() as server:
        monkeypatch.setenv("TRANSDESK_LIBRE_URL", server.url.rstrip("/"))  # slash is ours
        monkeypatch.setenv("TRANSDESK_LIBRE_TIMEOUT", "2")
        monkeypatch.setenv("TRANSDESK_LIBRE_BACKOFF", "0.01")
        yield server


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> Iterator[LibreServer]:
    with LibreServer(api_key=KEY) as server:
        monkeypatch.setenv("TRANSDESK_LIBRE_URL", server.url)
        monkeypatch.setenv("TRANSDESK_LIBRE_API_KEY", KEY)
        monkeypatch.setenv("TRANSDESK_LIBRE_TIMEOUT", "0.5")
        monkeypatch.setenv("TRANSDESK_LIBRE_BACKOFF", "0.01")
        yield server


def libre_provider() -> LibreProvider:
    provider = get_provider("libre")
    assert isinstance(provider, LibreProvider)
    return provider


# -- registry ---------------------------------------------------------------------------


def test_registry() -> None:
    assert list(PROVIDERS) == [
        "apertium",
        "google",
        "mymemory",
        "libre",
        "deepl",
        "microsoft",
        "yandex",
    ]
    assert get_provider("Libre").name == "libre"
    with pytest.raises(BadInput, match="apertium, google, mymemory, libre, deepl"):
        get_provider("babelfish")


def test_default_provider() -> None:
    assert default_provider("ru", "uk") == "apertium"
    assert default_provider("uk", "ru") == "apertium"
    assert default_provider("en", "uk") == "google"
    assert default_provider("ru", "en") == "google"


def test_describe_never_shows_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSDESK_DEEPL_API_KEY", KEY)
    described = {d["name"]: d for d in describe_providers()}
    assert set(described) == set(PROVIDERS)
    assert KEY not in json.dumps(described)
    # set up, so probed: usable exactly when its service answers from here
    assert described["deepl"]["usable"] is _reachable("api.deepl.com")
    assert described["deepl"]["reason"] in (None, _UNREACHABLE.format("api.deepl.com:443"))
    assert described["microsoft"] == {
        "name": "microsoft",
        "pairs": ["en-ru", "en-uk", "ru-en", "ru-uk", "uk-en", "uk-ru"],
        "usable": False,
        "reason": "set TRANSDESK_MICROSOFT_API_KEY",
        "settings": [
            "TRANSDESK_MICROSOFT_API_KEY",
            "TRANSDESK_MICROSOFT_REGION",
            "TRANSDESK_MICROSOFT_TIMEOUT",
            "TRANSDESK_MICROSOFT_RETRIES",
            "TRANSDESK_MICROSOFT_BACKOFF",
            "TRANSDESK_MICROSOFT_PARALLEL",
        ],
    }
    assert described["libre"]["reason"] == "set TRANSDESK_LIBRE_URL"
    assert described["apertium"]["pairs"] == ["ru-uk", "uk-ru"]


def test_keyless_providers_refuse_to_run() -> None:
    for name in ("deepl", "microsoft", "yandex"):
        with pytest.raises(ProviderError, match=f"set TRANSDESK_{name.upper()}_API_KEY"):
            get_provider(name).translate_batch(["Привет"], "ru", "en")


@pytest.mark.english
def test_bad_number_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSDESK_GOOGLE_TIMEOUT", "soon")
    with pytest.raises(BadInput, match="TRANSDESK_GOOGLE_TIMEOUT must be a number"):
        get_provider("google")


def test_mymemory_gets_locale_codes() -> None:
    provider = MyMemoryProvider()
    client = provider.make_client(provider.codes["uk"], provider.codes["en"])
    assert (client.source, client.target) == ("uk-UA", "en-GB")


# -- libre: success ---------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), [("ru", "uk"), ("uk", "en"), ("en", "ru")])
def test_libre_translates_including_uk(libre: LibreServer, source: str, target: str) -> None:
    result = libre_provider().translate_batch(TEXTS, source, target)
    assert list(result) == [f"[{target}] {text}" for text in TEXTS]
    assert result.reasons == [None, None, None]
    sent = libre.translations()
    assert sorted(r.query["q"] for r in sent) == sorted(TEXTS)  # nothing sent twice
    assert {(r.query["source"], r.query["target"]) for r in sent} == {(source, target)}
    assert all("api_key" not in r.fields for r in sent)  # none set: none sent


def test_libre_empty_and_too_long(libre: LibreServer) -> None:
    result = libre_provider().translate_batch(["", "Да.", "x" * 6000], "ru", "uk")
    assert list(result) == [None, "[uk] Да.", None]
    assert result.reasons[0] == "empty source text"
    assert result.reasons[2] is not None and "too long" in result.reasons[2]
    assert len(libre.translations()) == 1


def test_libre_key_sent_only_as_asked(keyed: LibreServer) -> None:
    result = libre_provider().translate_batch(TEXTS, "ru", "uk")
    assert None not in result
    assert all(r.body["api_key"] == KEY and r.query == {} for r in keyed.translations())


def test_deep_translator_env_var_ignored(
    libre: LibreServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIBRE_API_KEY", "not-ours")
    libre_provider().translate_batch(TEXTS[:1], "ru", "uk")
    assert "api_key" not in libre.translations()[0].fields


@pytest.mark.english
def test_libre_server_without_uk(monkeypatch: pytest.MonkeyPatch) -> None:
    with LibreServer(languages={"en": "English", "ru": "Russian"}) as server:
        monkeypatch.setenv("TRANSDESK_LIBRE_URL", server.url)
        with pytest.raises(ProviderError, match="does not serve 'uk'"):
            libre_provider().translate_batch(TEXTS, "ru", "uk")
        assert server.translations() == []


# -- libre: faults ----------------------------------------------------------------------


def test_500s_fail_after_retries(libre: LibreServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "2")
    monkeypatch.setenv("TRANSDESK_LIBRE_PARALLEL", "1")
    libre.faults.fail_status = 500
    with pytest.raises(ProviderError, match=r"^libre \(127\.0\.0\.1:\d+\): HTTP 500 after 3"):
        libre_provider().translate_batch(TEXTS, "ru", "uk")
    assert len(libre.translations()) == 3  # one sentence, three attempts, then stop


def test_500_after_n_keeps_what_was_done(
    libre: LibreServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "1")
    monkeypatch.setenv("TRANSDESK_LIBRE_PARALLEL", "1")
    libre.faults.fail_after = 2
    texts = [f"Предложение {n}." for n in range(6)]
    with pytest.raises(BatchFailed) as caught:
        libre_provider().translate_batch(texts, "ru", "uk")
    partial = caught.value.partial
    assert list(partial[:2]) == ["[uk] Предложение 0.", "[uk] Предложение 1."]
    assert list(partial[2:]) == [None] * 4
    assert all(reason for reason in partial.reasons[2:])


def test_429_every_other_succeeds(libre: LibreServer) -> None:
    libre.faults.rate_limit = True
    result = libre_provider().translate_batch(TEXTS, "ru", "uk")
    assert list(result) == [f"[uk] {text}" for text in TEXTS]
    statuses = sorted(r.status for r in libre.translations() if r.status is not None)
    assert statuses.count(200) == 3 and set(statuses) == {200, 429}


def test_429_always_fails(libre: LibreServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "1")
    libre.faults.fail_status = 429
    with pytest.raises(ProviderError, match="rate limited"):
        libre_provider().translate_batch(TEXTS, "ru", "uk")


def test_hang_fails_within_timeout(libre: LibreServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSDESK_LIBRE_TIMEOUT", "0.5")
    libre.faults.hang = True
    start = time.perf_counter()
    with pytest.raises(ProviderError, match=r"no answer within 0\.5 s"):
        libre_provider().translate_batch(TEXTS, "ru", "uk")
    assert time.perf_counter() - start < 1.5


def test_garbage_fails(libre: LibreServer) -> None:
    libre.faults.garbage = True
    with pytest.raises(ProviderError, match="garbage"):
        libre_provider().translate_batch(TEXTS, "ru", "uk")
    assert len(libre.translations()) <= 3  # not retried


def test_closed_port_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("TRANSDESK_LIBRE_URL", f"http://127.0.0.1:{port}/")
    start = time.perf_counter()
    with pytest.raises(ProviderError, match="cannot connect"):
        libre_provider().translate_batch(TEXTS, "ru", "uk")
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(
    "fault",
    [
        {"fail_status": 500},
        {"fail_status": 429},
        {"fail_status": 400},
        {"garbage": True},
        {"hang": True},
        {"wrong_key": True},
    ],
)
def test_key_never_in_errors(keyed: LibreServer, monkeypatch: pytest.MonkeyPatch, fault) -> None:
    monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "1")
    if fault.pop("wrong_key", False):
        monkeypatch.setenv("TRANSDESK_LIBRE_API_KEY", KEY + "x")
    for name, value in fault.items():
        setattr(keyed.faults, name, value)
    provider = libre_provider()
    with pytest.raises(ProviderError) as caught:
        provider.translate_batch(TEXTS, "ru", "uk")
    error = caught.value
    assert str(error).startswith("libre (127.0.0.1:")
    assert "\n" not in str(error)
    assert KEY not in str(error) and KEY not in repr(error) and KEY not in repr(provider)
    assert error.__cause__ is None and error.__suppress_context__


def test_wrong_key_names_the_setting(keyed: LibreServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSDESK_LIBRE_API_KEY", "wrong")
    with pytest.raises(ProviderError, match="check TRANSDESK_LIBRE_API_KEY"):
        libre_provider().translate_batch(TEXTS, "ru", "uk")


# -- the HTTP scope ---------------------------------------------------------------------


def test_scope_does_not_leak(libre: LibreServer) -> None:
    """Outside our scope requests is untouched: no retry; inside, 500 is retried."""
    libre.faults.fail_status = 500
    assert requests.post(libre.url + "translate", params={"q": "a"}).status_code == 500
    assert len(libre.translations()) == 1
    with http_scope(HttpPolicy(timeout=1, retries=2, backoff=0.01)) as state:
        requests.post(libre.url + "translate", params={"q": "b"})
    assert state.attempts == 3 and state.last_status == 500
    assert len(libre.translations()) == 4


def test_scope_supplies_timeout(libre: LibreServer) -> None:
    libre.faults.hang = True
    start = time.perf_counter()
    with pytest.raises(requests.Timeout), http_scope(HttpPolicy(timeout=0.3)):
        requests.post(libre.url + "translate", params={"q": "a"})
    assert time.perf_counter() - start < 1


# -- parallelism ------------------------------------------------------------------------


def test_parallel_sends_requests_at_once_and_serial_one_by_one(
    libre: LibreServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PARALLEL is how many requests the server holds at once (the speed that buys is
    measured by bench/bench_draft.py, not here)."""
    libre.faults.latency_ms = 50
    texts = [f"Предложение номер {n}." for n in range(16)]
    held = {}
    for parallel in (1, 8):
        monkeypatch.setenv("TRANSDESK_LIBRE_PARALLEL", str(parallel))
        provider = libre_provider()
        provider.served_languages()
        libre.reset_in_flight()
        result = provider.translate_batch(texts, "ru", "uk")
        held[parallel] = libre.most_in_flight
        assert list(result) == [f"[uk] {text}" for text in texts]
    assert held[1] == 1
    assert held[8] > 1


# -- `providers` probes the services it calls usable --------------------------------------

_UNREACHABLE = "cannot reach {} (Name or service not known; no network?)"


def _reachable(host: str, port: int = 443) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def test_google_is_usable_only_when_reachable() -> None:
    """On a machine without network (the test machines) google is not usable, and says
    which host it could not reach; with network it is usable."""
    google = {d["name"]: d for d in describe_providers()}["google"]
    if _reachable("translate.google.com"):
        assert (google["usable"], google["reason"]) == (True, None)
    else:
        assert google["usable"] is False
        assert google["reason"].startswith("cannot reach translate.google.com:443 (")
        assert google["reason"].endswith("; no network?)")


def test_libre_probe_against_a_live_and_a_closed_port(libre: LibreServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    described = {d["name"]: d for d in describe_providers()}
    assert (described["libre"]["usable"], described["libre"]["reason"]) == (True, None)
    assert libre.log == []  # a connection only: no request sent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("TRANSDESK_LIBRE_URL", f"http://127.0.0.1:{port}/")
    start = time.perf_counter()
    described = {d["name"]: d for d in describe_providers()}
    assert described["libre"]["usable"] is False
    assert described["libre"]["reason"] == (
        f"cannot reach 127.0.0.1:{port} (Connection refused; no network?)")
    assert time.perf_counter() - start < 3
