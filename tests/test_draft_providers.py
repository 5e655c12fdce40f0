"""`draft` end to end through real engines: Apertium on the samples, and deep-translator's
LibreTranslator over real HTTP against the local LibreTranslate-protocol server (faults,
resume after a failure and after SIGKILL, the cache, keys never stored or shown)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import transdesk_cmd
from libre_server import LibreServer

from transdesk.db import open_db

MARK = re.compile(r"(?<!\w)[*#@]\w")
ONE_LINE = re.compile(
    r"^Error: libre \(127\.0\.0\.1:\d+\): (?P<why>[^\n]+); drafted (?P<n>\d+) units? so far,"
    r" re-run to resume\n$"
)
KEY = "secret-7Hq2-libre-key"


@pytest.fixture
def libre(monkeypatch: pytest.MonkeyPatch) -> Iterator[LibreServer]:
    with LibreServer() as server:
        monkeypatch.setenv("TRANSDESK_LIBRE_URL", server.url)
        monkeypatch.setenv("TRANSDESK_LIBRE_TIMEOUT", "0.5")
        monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "1")
        monkeypatch.setenv("TRANSDESK_LIBRE_BACKOFF", "0.01")
        yield server


def sent(server: LibreServer, answered_only: bool = False) -> list[str]:
    """The sentences the server was asked to translate (``q``), in arrival order."""
    return [r.fields.get("q", "") for r in server.translations()
            if not answered_only or r.status == 200]


def statuses(run, article: str, lang: str) -> dict[str, dict]:
    return {u["key"]: u["translations"][lang] for u in run.json("units", article, "--lang", lang)}


# -- Apertium, offline ----------------------------------------------------------------


@pytest.mark.parametrize(("article", "lang"), [("ru-budget", "uk"), ("uk-bridge", "ru")])
def test_apertium_drafts_every_sentence_or_says_why(run, samples, article, lang):
    run("import", str(samples / f"{article}.txt"))

    result = run("draft", article, "--lang", lang, "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    units = statuses(run, article, lang)
    assert report["selected"] == len(units)
    assert report["drafted"] + len(report["without_draft"]) == len(units)
    assert report["by_origin"]["cldr"] == 1
    assert report["by_origin"]["mt:apertium"] >= len(units) - 2
    for miss in report["without_draft"]:
        assert miss["reason"].startswith("apertium")
    for key, unit in units.items():
        if unit["status"] == "draft":
            assert unit["text"].strip(), key
            assert not MARK.search(unit["text"]), (key, unit["text"])
    missing = {m["key"] for m in report["without_draft"]}
    assert {k for k, u in units.items() if u["status"] == "untranslated"} == missing


def test_apertium_answers_are_cached(run, samples):
    run("import", str(samples / "ru-budget.txt"))
    first = run.json("draft", "--lang", "uk")
    run("import", str(samples / "ru-budget.txt"), "--id", "copy")

    second = run.json("draft", "copy", "--lang", "uk", "--no-tm")

    assert second["sent"] == 0
    assert second["cached"] == first["sent"]
    assert second["by_origin"] == first["by_origin"]


# -- deep-translator over real HTTP -----------------------------------------------------


@pytest.mark.english
def test_libre_drafts_through_deep_translator(run, samples, libre):
    run("import", str(samples / "en-fed-rates.txt"))

    result = run("draft", "--lang", "uk", "--provider", "libre", "--no-tm")

    assert result.exit_code == 0, result.output
    units = statuses(run, "en-fed-rates", "uk")
    assert result.stdout == f"drafted {len(units)} units: cldr 1, mt:libre {len(units) - 1}\n"
    sources = {u["key"]: u["source"] for u in run.json("units", "en-fed-rates")}
    for key, unit in units.items():
        if key != "date":
            assert (unit["text"], unit["origin"]) == (f"[uk] {sources[key]}", "mt:libre")
    request = libre.translations()[0]
    assert (request.query["source"], request.query["target"]) == ("en", "uk")
    assert "api_key" not in request.fields


def test_identical_sentences_are_sent_once_and_never_again(run, samples, libre):
    run("import", str(samples / "en-fed-rates.txt"), "--id", "one")
    run("import", str(samples / "en-fed-rates.txt"), "--id", "two")

    first = run.json("draft", "--lang", "ru", "--provider", "libre", "--no-tm")

    questions = sent(libre)
    assert len(questions) == len(set(questions)) == first["sent"]
    assert first["drafted"] == 2 * (first["sent"] + 1)  # + the date lines
    run("import", str(samples / "en-fed-rates.txt"), "--id", "three")
    third = run.json("draft", "three", "--lang", "ru", "--provider", "libre", "--no-tm")
    assert third["cached"] == first["sent"] and third["sent"] == 0
    assert sent(libre) == questions


@pytest.mark.english
@pytest.mark.parametrize(
    ("faults", "env", "why"),
    [
        ({"fail_status": 500}, {}, "HTTP 500 after 2 attempts"),
        ({"fail_status": 503}, {"TRANSDESK_LIBRE_RETRIES": "3"}, "HTTP 503 after 4 attempts"),
        ({"rate_limit": True}, {"TRANSDESK_LIBRE_RETRIES": "0"}, "rate limited (HTTP 429)"),
        ({"hang": True}, {}, "no answer within 0.5 s (timeout)"),
        ({"garbage": True}, {}, "answered garbage (not the expected JSON)"),
    ],
)
def test_a_failing_server_stops_the_run_quickly_with_one_line(
    run, samples, libre, monkeypatch, faults, env, why
):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name, value in faults.items():
        setattr(libre.faults, name, value)
    run("import", str(samples / "en-fed-rates.txt"))

    started = time.monotonic()
    result = run("draft", "--lang", "uk", "--provider", "libre", "--no-tm")

    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert result.stdout == ""
    match = ONE_LINE.match(result.stderr)
    assert match, result.stderr
    assert why in match["why"]
    drafts = [u for u in statuses(run, "en-fed-rates", "uk").values() if u["status"] == "draft"]
    assert int(match["n"]) == len(drafts) >= 1  # at least the date line, through CLDR


def test_rate_limits_are_retried(run, samples, libre, monkeypatch):
    monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "5")
    libre.faults.rate_limit = True
    run("import", str(samples / "en-fed-rates.txt"))
    result = run("draft", "--lang", "uk", "--provider", "libre", "--no-tm")
    assert result.exit_code == 0, result.output
    assert Counter(r.status for r in libre.translations())[429] > 0


@pytest.mark.english
def test_unreachable_server_fails_fast(run, samples, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nobody listens
    monkeypatch.setenv("TRANSDESK_LIBRE_URL", f"http://127.0.0.1:{port}/")
    monkeypatch.setenv("TRANSDESK_LIBRE_BACKOFF", "0.01")
    run("import", str(samples / "en-fed-rates.txt"))

    started = time.monotonic()
    result = run("draft", "--lang", "uk", "--provider", "libre")

    assert time.monotonic() - started < 3
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: libre (127.0.0.1:{port}): cannot connect (network or server down);"
        " drafted 1 unit so far, re-run to resume\n"
    )


@pytest.mark.english
def test_resume_after_a_failure_never_resends_an_answered_sentence(
    run, samples, libre, monkeypatch
):
    monkeypatch.setenv("TRANSDESK_LIBRE_PARALLEL", "2")
    monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "0")
    libre.faults.fail_after = 4
    run("import", str(samples / "en-troops-withdrawal.txt"))
    args = ("draft", "--lang", "ru", "--provider", "libre", "--no-tm", "--batch-size", "3")

    failed = run(*args)

    assert failed.exit_code == 1
    assert ONE_LINE.match(failed.stderr), failed.stderr
    answered = sent(libre, answered_only=True)
    assert len(answered) == 4
    before = len(libre.translations())
    libre.faults.fail_after = None

    resumed = run(*args)

    assert resumed.exit_code == 0, resumed.output
    again = sent(libre)[before:]
    assert not set(again) & set(answered)
    assert len(again) == len(set(again))
    units = statuses(run, "en-troops-withdrawal", "ru")
    assert {u["status"] for u in units.values()} == {"draft"}
    assert len(set(answered) | set(again)) == len(units) - 1


def drafted_count(location: Path | str) -> int:
    from helpers_desk import query

    return query(location, "SELECT count(*) FROM mt_cache WHERE text IS NOT NULL")[0][0]


def test_resume_after_sigkill_mid_run(run, samples, libre, monkeypatch):
    """Kill -9 while a request is in flight; the re-run asks only for what never came back."""
    monkeypatch.setenv("TRANSDESK_LIBRE_PARALLEL", "1")
    monkeypatch.setenv("TRANSDESK_LIBRE_TIMEOUT", "30")
    libre.faults.latency_ms = 40
    run("import", str(samples / "en-troops-withdrawal.txt"))
    run("import", str(samples / "en-fed-rates.txt"))
    db_path = run.db_path
    proc = subprocess.Popen(
        [*transdesk_cmd(), "--db", str(db_path), "draft", "--lang", "uk", "--provider", "libre",
         "--no-tm", "--batch-size", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
    )
    try:
        deadline = time.monotonic() + 15
        while drafted_count(db_path) < 3:
            assert time.monotonic() < deadline and proc.poll() is None, "no progress"
            time.sleep(0.02)
        libre.faults.hang = True  # the next request never gets an answer
        while not (any(r.status is None for r in libre.translations())
                   and drafted_count(db_path) == len(sent(libre, answered_only=True))):
            assert time.monotonic() < deadline, "never settled"
            time.sleep(0.02)
        time.sleep(0.2)  # past the latency: the request is now truly hanging
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(5) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    answered = sent(libre, answered_only=True)
    before = len(libre.translations())
    assert 3 <= len(answered) < 20
    libre.faults.hang = False

    resumed = run("draft", "--lang", "uk", "--provider", "libre", "--no-tm")

    assert resumed.exit_code == 0, resumed.output
    again = sent(libre)[before:]
    assert not set(again) & set(answered)
    answers = Counter(r.fields["q"] for r in libre.translations() if r.status == 200)
    assert max(answers.values()) == 1, answers  # no sentence was answered twice
    for article in ("en-troops-withdrawal", "en-fed-rates"):
        assert {u["status"] for u in statuses(run, article, "uk").values()} == {"draft"}


def test_the_key_is_never_stored_or_shown(run, samples, db_path, monkeypatch, tmp_path):
    with LibreServer(api_key=KEY) as server:
        monkeypatch.setenv("TRANSDESK_LIBRE_URL", server.url)
        monkeypatch.setenv("TRANSDESK_LIBRE_API_KEY", KEY)
        monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "0")
        run("import", str(samples / "en-fed-rates.txt"))
        holder = open_db(db_path)  # keeps the WAL file from being checkpointed away
        outputs = []
        ok = run("draft", "--lang", "uk", "--provider", "libre", "--limit", "5", "-v")
        assert ok.exit_code == 0, ok.output
        outputs.append(ok.output)
        server.faults.fail_status = 403
        bad = run("draft", "--lang", "uk", "--provider", "libre", "-v")
        assert bad.exit_code == 1
        outputs += [bad.output, bad.stderr, run("providers", "--json").output,
                    run("providers").output]
        assert all(r.fields.get("api_key") == KEY for r in server.translations())
    assert "authorization refused (HTTP 403)" in bad.stderr
    for text in outputs:
        assert KEY not in text
    files = [p for p in tmp_path.iterdir() if p.name.startswith(db_path.name)]
    assert any(p.name.endswith("-wal") and p.stat().st_size > 0 for p in files)
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path
    holder.close()


@pytest.mark.english
def test_providers_json_shape(run, libre):
    described = run.json("providers")
    by_name = {p["name"]: p for p in described}
    assert list(by_name) == ["apertium", "google", "mymemory", "libre", "deepl", "microsoft",
                             "yandex"]
    for entry in described:
        assert set(entry) == {"name", "pairs", "usable", "reason", "settings"}
        assert isinstance(entry["usable"], bool)
        assert (entry["reason"] is None) == entry["usable"]
    assert by_name["apertium"]["pairs"] == ["ru-uk", "uk-ru"]
    assert by_name["libre"]["usable"] is True  # TRANSDESK_LIBRE_URL is set by the fixture
    assert "TRANSDESK_LIBRE_API_KEY" in by_name["libre"]["settings"]
    assert by_name["deepl"] == {**by_name["deepl"], "usable": False,
                                "reason": "set TRANSDESK_DEEPL_API_KEY"}
    assert libre.url not in json.dumps(described)
    text = run("providers").stdout
    assert "deepl      not usable: set TRANSDESK_DEEPL_API_KEY" in text
