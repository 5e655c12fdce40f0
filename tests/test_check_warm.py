"""`transdesk check` warm (nothing changed since the last run): the report read from the
record of findings is byte for byte the report computed without it, in every format,
and such a run loads neither the checks nor the desk's style.

The record is read in one stream for every language, batch by batch (findings decoded
a batch at a time); a small `BATCH` here makes many batches of a small desk."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_check import execute, query, translate

from transdesk.storage import findings

FORMATS = ("text", "json", "junit", "github")
OPTIONS = ((), ("--strict",), ("--lang", "en,uk"), ("--ignore", "quotes,untranslated",
                                                    "--min", "50"))
ARTICLES = ("en-fed-rates", "ru-budget", "uk-bridge")


def keys(run, article: str) -> list[str]:
    return [row[0] for row in query(run.db_path, "SELECT key FROM units WHERE article_id = ?"
                                                 " AND obsolete = 0 ORDER BY position",
                                    [article])]


def sources(run, article: str) -> dict[str, str]:
    return dict(query(run.db_path, "SELECT key, source FROM units WHERE article_id = ?"
                                   " AND obsolete = 0", [article]))


@pytest.fixture
def desk(run, samples: Path):
    """Three articles, one per source language, with findings in every target language
    (sources left as translations: `untranslated`; quotes; punctuation), units left
    untranslated or draft, and an accepted exception."""
    for article in ARTICLES:
        assert run("import", str(samples / f"{article}.txt")).exit_code == 0
    for article, targets in (("en-fed-rates", ("ru", "uk")), ("ru-budget", ("en", "uk")),
                             ("uk-bridge", ("ru", "en"))):
        source = sources(run, article)
        for n, lang in enumerate(targets):
            texts: dict[str, str | None] = {
                key: f"«{text}" if i % 3 == n else text
                for i, key in enumerate(keys(run, article)) for text in [source[key]]}
            last = keys(run, article)[-1]
            texts[last] = None  # left untranslated
            translate(run.db_path, article, lang, texts)
            translate(run.db_path, article, lang, {keys(run, article)[-2]: "Черновик."},
                      status="draft")
    result = run("accept", "ru-budget", "title", "--lang", "en", "--check", "untranslated",
                 "--note", "a name")
    assert result.exit_code == 0, result.output
    # an exception gone stale: the text changed since, the finding speaks again
    first = keys(run, "ru-budget")[0]
    assert run("accept", "ru-budget", first, "--lang", "en", "--check", "quotes").exit_code == 0
    translate(run.db_path, "ru-budget", "en", {first: "«" + sources(run, "ru-budget")[first]
                                               + "."})
    return run


def reports(run, selection: tuple[str, ...]) -> dict[tuple, tuple[int, str]]:
    return {(fmt, options): (result.exit_code, result.stdout)
            for fmt in FORMATS for options in OPTIONS
            for result in [run("check", *selection, *options, "--format", fmt)]}


def test_the_report_read_from_the_record_is_the_report_computed(desk, monkeypatch):
    # no record yet, and a selection cannot vouch for the whole desk: computed in memory
    execute(desk.db_path, "DELETE FROM check_cache_version")
    computed = reports(desk, ARTICLES)
    assert query(desk.db_path, "SELECT COUNT(*) FROM check_cache_version") == [(0,)]
    assert desk("check").exit_code == 1  # the whole desk: recorded
    assert query(desk.db_path, "SELECT COUNT(*) FROM check_findings")[0][0] > 20
    for batch in (3, 1):  # rows read (and findings decoded) a few at a time, one at a time
        monkeypatch.setattr(findings, "BATCH", batch)
        recorded = reports(desk, ARTICLES)
        for case, (code, output) in computed.items():
            assert recorded[case] == (code, output), (batch, case)
    # what the reports hold: every language's findings, units missing, the exception
    code, text = computed[("text", ())]
    assert code == 1
    for article, lang in (("en-fed-rates", "uk"), ("ru-budget", "en"), ("uk-bridge", "ru")):
        # (the severity word is in the interface's language; the check's name is not)
        assert f"    {article}:" in text and re.search(rf"\[{lang}\] \S+ untranslated", text)
    assert "draft" in computed[("json", ())][1] and '"accepted"' in computed[("json", ())][1]
    assert re.search(rf"ru-budget:{keys(desk, 'ru-budget')[0]} \[en\] \S+ quotes", text)  # stale
    # and the whole desk warm, in the languages' order, is the selection's report
    assert reports(desk, ()) == recorded


def test_a_warm_check_loads_no_check_nor_the_style(desk):
    assert desk("check").exit_code == 1  # recorded
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "transdesk", "--db", str(desk.db_path),
         "check"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "ru-budget" in result.stdout
    loaded = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
              if line.startswith("import time:")}
    assert "transdesk.check.database" in loaded
    for module in ("transdesk.checks", "transdesk.check.parallel", "sqlite_utils",
                   "transdesk.commands.articles"):
        assert module not in loaded, module
    # something changed: the checks load and run again
    translate(desk.db_path, "ru-budget", "en", {"title": "A title."})
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "transdesk", "--db", str(desk.db_path),
         "check", "--format", "json"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "transdesk.checks" in {line.rsplit("|", 1)[1].strip()
                                  for line in result.stderr.splitlines()
                                  if line.startswith("import time:")}
