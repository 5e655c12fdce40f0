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


def test_the_record_alone_holds_after_changes_that_keep_the_text(desk, samples: Path):
    """A warm run reads the record alone (no join to the units and translations) when
    nothing is marked changed: so a translation whose status, liveness, place or key
    changes with its text kept must be marked too, and the next run re-checks it. Here:
    a translation with findings sent back to draft (text kept), a paragraph inserted at
    the top of an article (every unit after it moves: positions and keys), and a sentence
    with findings taken out (its unit obsolete) — the warm reports are the computed ones."""
    assert desk("check").exit_code == 1  # recorded
    ru_keys = keys(desk, "ru-budget")
    flagged = [key for (key,) in query(
        desk.db_path, "SELECT u.key FROM check_findings f JOIN units u ON u.id = f.unit_id"
        " WHERE u.article_id = 'ru-budget' AND f.lang = 'uk' ORDER BY u.position")]
    assert len(flagged) >= 2, flagged
    text = dict(query(desk.db_path, "SELECT u.key, t.text FROM translations t JOIN units u"
                      " ON u.id = t.unit_id WHERE u.article_id = 'ru-budget'"
                      " AND t.lang = 'uk'"))
    translate(desk.db_path, "ru-budget", "uk", {flagged[0]: text[flagged[0]]}, status="draft")
    path = samples / "ru-budget.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    sentence = sources(desk, "ru-budget")[flagged[-1]]
    body = "\n".join(lines[5:]).replace(sentence, "").replace("  ", " ")
    path.write_text("\n".join(lines[:5]) + "\nНовый первый абзац.\n\n" + body,
                    encoding="utf-8")
    assert desk("import", str(path)).exit_code == 0
    assert keys(desk, "ru-budget") != ru_keys
    assert query(desk.db_path, "SELECT COUNT(*) FROM check_dirty")[0][0] > 0
    warm = [reports(desk, ()) for _run in range(2)]  # the changes re-checked; then warm
    assert query(desk.db_path, "SELECT COUNT(*) FROM check_dirty") == [(0,)]
    execute(desk.db_path, "DELETE FROM check_cache_version")
    computed = reports(desk, ARTICLES)
    for case, (code, output) in computed.items():
        assert warm[0][case] == (code, output), case
        assert warm[1][case] == (code, output), case
    report = computed[("text", ())][1]
    # a draft: listed missing, not checked (its findings were recorded as translated)
    lines = [line.strip() for line in report.splitlines()
             if f"ru-budget:{flagged[0]} [uk]" in line]
    assert lines == [f"ru-budget:{flagged[0]} [uk] draft"], lines
    assert re.search(r"ru-budget:\S+ \[uk\] \S+ \S+", report)  # the others, at new keys


def test_live_units_are_counted_once_per_version_of_an_article(desk, samples: Path):
    """A warm run takes each article's count of live units from `check_counts` while the
    article is at the version it was counted at; an article imported or changed since
    is counted (and recorded) first — the percentages are those computed."""
    assert desk("check").exit_code == 1
    live = dict(query(desk.db_path, "SELECT article_id, COUNT(*) FROM units WHERE"
                                    " obsolete = 0 GROUP BY article_id"))
    assert dict(query(desk.db_path, "SELECT article_id, units FROM check_counts")) == live
    assert desk("import", str(samples / "en-troops-withdrawal.txt")).exit_code == 0
    path = samples / "uk-bridge.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nЩе одне речення наприкінці.\n",
                    encoding="utf-8")
    assert desk("import", str(path)).exit_code == 0
    warm = desk("check", "--format", "json")
    live = dict(query(desk.db_path, "SELECT article_id, COUNT(*) FROM units WHERE"
                                    " obsolete = 0 GROUP BY article_id"))
    assert dict(query(desk.db_path, "SELECT article_id, units FROM check_counts")) == live
    assert len(live) == 4
    execute(desk.db_path, "DELETE FROM check_cache_version", "DELETE FROM check_counts")
    computed = desk("check", "--format", "json", *live)  # a selection: nothing recorded
    assert (warm.exit_code, warm.stdout) == (computed.exit_code, computed.stdout)
    units = {(r["article"], r["lang"]): r["units"]
             for r in __import__("json").loads(warm.stdout)["results"]}
    assert units[("uk-bridge", "en")] == live["uk-bridge"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("one_by_one", [True, False])
def test_a_desk_that_cannot_be_written_counts_the_units_itself(desk, samples: Path,
                                                               monkeypatch, one_by_one):
    """On a read-only connection the counts of articles imported since cannot be
    recorded: a few are counted one by one, many from every article's units."""
    import sqlite3

    from transdesk.check import database
    from transdesk.check.render import render
    from transdesk.db import as_database
    from transdesk.storage.sqlite import SqliteDesk

    assert desk("check").exit_code == 1
    assert desk("import", str(samples / "en-troops-withdrawal.txt")).exit_code == 0
    if not one_by_one:
        monkeypatch.setattr(database, "_UNCOUNTED_MAX", 0)
    conn = sqlite3.connect(f"file:{desk.db_path}?mode=ro", uri=True, isolation_level=None)
    read_only = SqliteDesk.over(as_database(conn))
    try:
        report = render(database.check_database(read_only, texts=False))
    finally:
        conn.close()
    assert query(desk.db_path, "SELECT COUNT(*) FROM check_counts") == [(3,)]  # not written
    result = desk("check")  # counts recorded: the same report
    assert query(desk.db_path, "SELECT COUNT(*) FROM check_counts") == [(4,)]
    assert report == result.stdout
    assert "en-troops-withdrawal" in report
