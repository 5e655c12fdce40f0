"""API keys never travel in a URL (issue 11, item 16): deep-translator puts
LibreTranslate's `api_key`, DeepL's `auth_key` and Yandex's `key` in the query string,
where server and proxy logs keep them. Real HTTP against the local server
(tests/libre_server.py), which logs every request line, body and header."""

from __future__ import annotations

import contextlib

import pytest
from conftest import SAMPLES
from libre_server import LibreServer

from transdesk.providers import get_provider
from transdesk.providers.http import HttpPolicy, KeyInUrl, http_scope, keys_out_of_url

KEY = "s3cr3t-Key-42"


def no_key_in_any_url(server: LibreServer) -> None:
    assert server.log, "the server saw no request"
    for request in server.log:
        assert KEY not in request.path
        assert all(KEY not in name and KEY not in value for name, value in request.query.items())


def test_draft_through_libre_sends_the_key_in_the_body(run, monkeypatch):
    with LibreServer(api_key=KEY) as server:
        monkeypatch.setenv("TRANSDESK_LIBRE_URL", server.url)
        monkeypatch.setenv("TRANSDESK_LIBRE_API_KEY", KEY)
        assert run("import", str(SAMPLES / "en-fed-rates.txt")).exit_code == 0
        result = run("draft", "--lang", "uk", "--provider", "libre", "--limit", "3")
        assert result.exit_code == 0, result.output
        no_key_in_any_url(server)
        sent = server.translations()
        assert len(sent) >= 2  # the date line comes from CLDR
        assert all(r.body["api_key"] == KEY for r in sent)  # accepted: 200
        assert all(r.status == 200 for r in sent)


def test_deepl_sends_the_key_as_an_authorization_header(monkeypatch):
    monkeypatch.setenv("TRANSDESK_DEEPL_API_KEY", KEY)
    provider = get_provider("deepl")
    with LibreServer() as server, http_scope(provider.policy()):
        client = provider.make_client("ru", "en")
        client._base_url = server.url  # the real client, pointed at the local server
        with contextlib.suppress(Exception):  # the answer is not DeepL's: only the request counts
            client.translate("Привет, мир.")
        no_key_in_any_url(server)
        (request,) = server.log
        assert request.method == "POST" and request.path == "/translate"
        assert request.headers["Authorization"] == f"DeepL-Auth-Key {KEY}"
        assert "auth_key" not in request.body
        assert (request.body["text"], request.body["target_lang"]) == ("Привет, мир.", "en")


def test_yandex_language_list_sends_the_key_in_the_body(monkeypatch, capsys):
    monkeypatch.setenv("TRANSDESK_YANDEX_API_KEY", KEY)
    provider = get_provider("yandex")
    with LibreServer() as server, http_scope(provider.policy()):
        client = provider.make_client("ru", "en")
        client._base_url = server.url + "api/{version}/tr.json/{endpoint}"
        with contextlib.suppress(Exception):
            client.dirs  # noqa: B018  (a property that makes the request)
        no_key_in_any_url(server)
        (request,) = server.log
        assert request.method == "POST" and request.body["key"] == KEY


def test_outside_a_scope_requests_behaves_as_before():
    policy = HttpPolicy(key_params=("api_key",))
    kwargs = {"params": {"q": "x"}}
    assert keys_out_of_url(policy, "GET", (), kwargs) == "GET"  # no key: untouched
    assert kwargs == {"params": {"q": "x"}}


def test_a_key_that_cannot_be_moved_is_not_sent():
    policy = HttpPolicy(key_params=("api_key",))
    with pytest.raises(KeyInUrl):
        keys_out_of_url(policy, "POST", (), {"params": {"api_key": KEY}, "data": "raw"})
