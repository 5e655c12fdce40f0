"""A draft through a provider works a chunk of articles at a time (issue 17): a chunk's
units are read, drafted from memory and CLDR, and the rest sent to the provider (real
HTTP to the LibreTranslate-protocol server on 127.0.0.1) and written, before the next
chunk is read; a run never collects the whole archive's units first. The drafts and
their history are those of a run that takes every article in one chunk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Cli
from helpers_desk import query
from libre_server import LibreServer

from transdesk import draft as draft_module
from transdesk.providers.online import LibreProvider

ARTICLES = ("en-fed-rates", "en-troops-withdrawal", "ru-budget")  # in id (chunk) order
DRAFT = ("draft", "--lang", "uk", "--provider", "libre", "--no-tm", "--batch-size", "1000")


@pytest.fixture
def libre(monkeypatch: pytest.MonkeyPatch) -> Iterator[LibreServer]:
    with LibreServer() as server:
        monkeypatch.setenv("TRANSDESK_LIBRE_URL", server.url)
        monkeypatch.setenv("TRANSDESK_LIBRE_TIMEOUT", "5")
        monkeypatch.setenv("TRANSDESK_LIBRE_RETRIES", "0")
        monkeypatch.setenv("TRANSDESK_LIBRE_BACKOFF", "0.01")
        yield server


class Watch:
    """Every provider call: its sentences, and the drafts the desk held when it was made
    (article -> how many units in draft), read through a connection of its own."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.desk: str | Path = ""
        self.calls: list[tuple[list[str], dict[str, int]]] = []
        translate = LibreProvider.translate_batch
        watch = self

        def translate_batch(provider, texts, source, target):  # type: ignore[no-untyped-def]
            drafted = dict(query(watch.desk, "SELECT article_id, count(*) FROM translations"
                                 " WHERE lang = 'uk' AND status = 'draft' GROUP BY article_id"))
            watch.calls.append((list(texts), drafted))
            return translate(provider, texts, source, target)

        monkeypatch.setattr(LibreProvider, "translate_batch", translate_batch)


def _import(run: Cli, samples: Path) -> dict[str, list[str]]:
    """The articles imported; article -> the sources of its sentences."""
    for article in ARTICLES:
        assert run("import", str(samples / f"{article}.txt")).exit_code == 0
    rows = query(run.db_path, "SELECT article_id, source FROM units WHERE kind != 'date'")
    sources: dict[str, list[str]] = {}
    for article, source in rows:
        sources.setdefault(article, []).append(source)
    return sources


def _units(location: str | Path) -> int:
    return query(location, "SELECT count(*) FROM translations WHERE lang = 'uk'")[0][0]


def _drafts(location: str | Path) -> list[tuple]:
    """Every uk row with its history (no timestamps), in article and position order."""
    return [tuple(row) for row in query(
        location,
        "SELECT t.article_id, u.key, t.text, t.status, t.origin, t.score, h.action,"
        " h.origin, h.old_text, h.new_text, h.old_status, h.new_status, h.note, h.score"
        " FROM translations t JOIN units u ON u.id = t.unit_id LEFT JOIN history h"
        " ON h.unit_id = t.unit_id AND h.lang = t.lang WHERE t.lang = 'uk'"
        " ORDER BY t.article_id, t.position, h.id")]


def test_each_chunk_is_sent_and_written_before_the_next_is_read(
        run, samples, libre, monkeypatch, tmp_path):
    watch = Watch(monkeypatch)
    twin = Cli(tmp_path / "twin.db")
    sources = _import(run, samples)
    assert _import(twin, samples) == sources
    per_article = {article: query(run.db_path, "SELECT count(*) FROM translations"
                                  " WHERE lang = 'uk' AND article_id = ?", [article])[0][0]
                   for article in ARTICLES}
    watch.desk = twin.db_path
    whole = twin.json(*DRAFT)  # every article in one chunk (500 a chunk)
    # a call per source language (en, ru): the batch size holds all their sentences
    assert [len(texts) for texts, _drafted in watch.calls] == [
        len(sources[ARTICLES[0]]) + len(sources[ARTICLES[1]]), len(sources[ARTICLES[2]])]
    watch.calls.clear()
    monkeypatch.setattr(draft_module, "ARTICLES_PER_CHUNK", 1)
    watch.desk = run.db_path

    chunked = run.json(*DRAFT)

    # one call per article, each with that article's sentences only
    assert [set(texts) for texts, _drafted in watch.calls] == [
        set(sources[article]) for article in ARTICLES]
    first, last = watch.calls[0][1], watch.calls[-1][1]
    # the first call comes before the next articles are even read (not their CLDR date
    # lines either); the last one after the earlier articles' answers are written
    assert first == {ARTICLES[0]: 1}
    assert last == {**{a: per_article[a] for a in ARTICLES[:-1]}, ARTICLES[-1]: 1}
    assert chunked == whole
    assert chunked["drafted"] == _units(run.db_path) == sum(per_article.values())
    assert chunked["sent"] == len({s for texts in sources.values() for s in texts})
    assert _drafts(run.db_path) == _drafts(twin.db_path)


@pytest.mark.english
def test_after_a_provider_failure_the_rest_is_drafted_from_memory_then_resumed(
        run, samples, libre, monkeypatch):
    monkeypatch.setattr(draft_module, "ARTICLES_PER_CHUNK", 1)
    sources = _import(run, samples)
    libre.faults.fail_status = 500

    failed = run(*DRAFT)

    assert failed.exit_code == 1
    match = re.fullmatch(r"Error: libre \(127\.0\.0\.1:\d+\): [^\n]+; drafted (\d+) units so"
                         r" far, re-run to resume\n", failed.stderr)
    assert match, failed.stderr
    # the provider was asked once (the first chunk), never after it failed; every
    # article's date line was still drafted through CLDR, as when the provider came last
    asked = [r.fields["q"] for r in libre.translations()]
    assert set(asked) <= set(sources[ARTICLES[0]])
    drafted = query(run.db_path, "SELECT article_id, origin FROM translations"
                    " WHERE lang = 'uk' AND status = 'draft'")
    assert sorted(drafted) == sorted((article, "cldr") for article in ARTICLES)
    assert int(match[1]) == len(drafted)
    libre.faults.fail_status = None
    before = len(libre.translations())

    resumed = run.json(*DRAFT)

    again = [r.fields["q"] for r in libre.translations()[before:]]
    assert sorted(again) == sorted({s for texts in sources.values() for s in texts})
    assert resumed["by_origin"] == {"mt:libre": len(again)}
    assert query(run.db_path, "SELECT count(*) FROM translations"
                 " WHERE lang = 'uk' AND status != 'draft'") == [(0,)]
