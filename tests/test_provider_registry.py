"""The provider registry: an engine is a registration (by name, or an entry point in the
group `transdesk.providers`), so drafting can be tested without an HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_provider import FakeProvider
from helpers_desk import query

from transdesk.providers import ENTRY_POINT_GROUP, PROVIDERS, get_provider
from transdesk.registry import Registry


@pytest.fixture
def fake() -> Iterator[type[FakeProvider]]:
    FakeProvider.asked = []
    PROVIDERS.register("fake", FakeProvider)
    yield FakeProvider
    PROVIDERS.unregister("fake")


def test_a_registered_provider_drafts_and_each_sentence_is_asked_once(run, samples, fake):
    run("import", str(samples / "en-fed-rates.txt"), "--id", "one")
    run("import", str(samples / "en-fed-rates.txt"), "--id", "two")
    first = run.json("draft", "--lang", "ru", "--provider", "fake", "--no-tm")
    asked = [text for batch in fake.asked for text in batch]
    assert asked and len(asked) == len(set(asked)) == first["sent"]
    assert all(len(batch) <= FakeProvider.batch_size for batch in fake.asked)
    drafts = query(run.db_path, "SELECT u.source, t.text, t.origin FROM translations t"
                            " JOIN units u ON u.id = t.unit_id WHERE t.article_id = 'one'"
                            " AND t.lang = 'ru' AND t.origin LIKE '%fake%'")
    assert drafts and all(text == f"[ru] {source}" for source, text, _origin in drafts)
    run("import", str(samples / "en-fed-rates.txt"), "--id", "three")
    third = run.json("draft", "three", "--lang", "ru", "--provider", "fake", "--no-tm")
    assert third["cached"] == first["sent"] and third["sent"] == 0
    assert [t for batch in fake.asked for t in batch] == asked


@pytest.mark.english
def test_an_unknown_provider_names_the_registered_ones(run, samples, fake):
    run("import", str(samples / "en-fed-rates.txt"))
    result = run("draft", "--lang", "ru", "--provider", "babelfish")
    assert result.exit_code == 2
    assert "use one of: apertium, google, mymemory, libre, deepl, microsoft, yandex, fake," \
        " none" in result.output
    assert get_provider("FAKE").name == "fake"


def _plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed distribution declaring `echoer` in the provider group."""
    info = tmp_path / "plugin" / "echo_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nechoer = fake_provider:FakeProvider\n")
    monkeypatch.syspath_prepend(str(tmp_path / "plugin"))


def test_an_entry_point_adds_a_provider(run, tmp_path, monkeypatch):
    _plugin(tmp_path, monkeypatch)
    fresh: Registry = Registry("provider", {"apertium": "transdesk.providers.apertium:"
                                            "ApertiumProvider"}, group=ENTRY_POINT_GROUP)
    assert fresh.names() == ("apertium", "echoer")
    assert fresh.get("echoer") is FakeProvider
    PROVIDERS.refresh()
    try:
        listed = {p["name"]: p for p in run.json("providers")}
        assert listed["echoer"]["usable"] is True
        assert listed["echoer"]["pairs"] == ["en-ru", "en-uk", "ru-en", "ru-uk", "uk-en", "uk-ru"]
    finally:
        PROVIDERS.unregister("echoer")
        PROVIDERS.refresh()


def test_the_builtin_providers_load_only_when_used():
    import subprocess
    import sys

    code = ("import sys; from transdesk.providers import PROVIDERS; names = PROVIDERS.names();"
            " print(','.join(names), 'transdesk.providers.online' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["apertium,google,mymemory,libre,deepl,microsoft,yandex", "False"]
