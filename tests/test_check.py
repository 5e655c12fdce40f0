"""`transdesk check` from the database, `accept`/`accepted`: exit codes, checks, formats."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers_check import TITLES, execute, query, translate, write_article

from transdesk.checks import CHECK_NAMES
from transdesk.db import open_db

RU_BUDGET_EN = {
    "date": "Monday, 17 February",
    "category": "economy",
    "title": "Government approves draft budget for 2026",
    "p1.s1": "The Cabinet of Ministers approved the draft budget for 2026.",
    "p1.s2": "Spending will amount to about 3.5 trillion rubles, i.e. 7% more than last year.",
    "p2.s1": "“We are keeping all our social commitments,” Finance Minister A. Siluanov said.",
    "p2.s2": "According to him, the deficit will not exceed 2.6% of GDP.",
    "p3.s1": "Experts are cautious.",
    "p3.s2": "“The figures look realistic,” economist I. Petrov said.",
    "p3.s3": "“But a lot depends on oil prices.”",
    "p4.s1": "The document will be submitted to the State Duma by 1 September"
             " (see the explanatory note, p. 12).",
    "p4.s2": "The vote is expected in October!",
}
FINDING = re.compile(r"^    (?P<article>[\w-]+):(?P<key>[\w.]+) \[(?P<lang>\w\w)\] "
                     r"(?P<level>warning|error) (?P<check>[\w-]+): (?P<message>.+)$", re.M)


def report(run, *args: str) -> dict:
    """The JSON report whatever the exit code (run.json insists on 0)."""
    result = run("check", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["exit_code"] == result.exit_code
    return data


@pytest.fixture
def budget(run, samples: Path):
    """ru-budget imported; English complete and clean, Ukrainian untouched."""
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    translate(run.db_path, "ru-budget", "en", RU_BUDGET_EN)
    return run


# --- completeness and exit codes -----------------------------------------------------


@pytest.mark.english
def test_complete_language_exits_0(budget):
    result = budget("check", "ru-budget", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 article, 1 language: 0 incomplete, 0 warnings\n"


@pytest.mark.english
def test_missing_and_draft_units_are_listed_and_exit_1(budget):
    translate(budget.db_path, "ru-budget", "uk", {"date": "Понеділок, 17 лютого"})
    translate(budget.db_path, "ru-budget", "uk", {"category": "економіка"}, status="draft")
    translate(budget.db_path, "ru-budget", "en", {"p4.s2": None})
    result = budget("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "ru-budget"
    assert "  uk    8.3%  incomplete: 11 units missing" in lines
    assert "    ru-budget:category [uk] draft" in lines
    assert "    ru-budget:title [uk] untranslated" in lines
    assert "    ru-budget:date [uk] untranslated" not in lines
    assert "    ru-budget:p4.s2 [en] untranslated" in lines
    assert lines[-1] == "1 article, 2 languages: 1 incomplete (12 units missing), 0 warnings"


@pytest.mark.english
def test_min_percent_and_language_filters(budget):
    translate(budget.db_path, "ru-budget", "uk", {"date": "Понеділок, 17 лютого"})
    translate(budget.db_path, "ru-budget", "en", {"p4.s2": None})  # en 91.7%
    assert budget("check", "--lang", "en", "--min", "90").exit_code == 0
    assert budget("check", "--lang", "en", "--min", "92%").exit_code == 1
    result = budget("check", "--lang", "UA", "--min", "5")
    assert result.exit_code == 0
    assert "11 units missing (allowed by --min 5)" in result.stdout
    assert "ru-budget:title [uk]" not in result.stdout  # counted, not listed
    both = report(budget, "--lang", "ua,en")
    assert [(r["lang"], r["percent"]) for r in both["results"]] == [("uk", 8.3), ("en", 91.7)]
    repeated = report(budget, "ru-budget", "--lang", "en", "--lang", "uk")
    assert repeated["results"] == both["results"]


def test_articles_filter_and_other_targets(budget, samples):
    budget("import", str(samples / "uk-bridge.txt"))
    result = report(budget, "ru-budget", "--lang", "en")
    assert [r["article"] for r in result["results"]] == ["ru-budget"]
    everything = report(budget)
    assert {(r["article"], r["lang"]) for r in everything["results"]} == {
        ("ru-budget", "uk"), ("ru-budget", "en"), ("uk-bridge", "ru"), ("uk-bridge", "en")}
    # uk-bridge has no uk target: --lang uk checks only ru-budget
    only_uk = report(budget, "--lang", "uk")
    assert [r["article"] for r in only_uk["results"]] == ["ru-budget"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "unknown article 'nope'"),
        (["--lang", "de"], "unsupported language 'de'"),
        (["--min", "101"], "--min must be a percentage from 0 to 100"),
        (["--min", "lots"], "--min must be a percentage from 0 to 100"),
        (["--ignore", "numbers,grammar"], "unknown check 'grammar' in --ignore"),
        (["--po", "no-such-dir"], "no such directory: 'no-such-dir'"),
        (["--format", "xml"], "Invalid value for '--format'"),
    ],
)
@pytest.mark.english
def test_usage_errors_exit_2(budget, args, message):
    result = budget("check", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


# --- each quality check through the command ------------------------------------------

# (check, source language, target language, source sentence, good translation, bad one)
CASES = [
    ("numbers", "ru", "en", "Расходы составят 1 500,5 млн руб.",
     "Spending will be 1,500.5 million rubles.", "Spending will be 1,600.5 million rubles."),
    ("numbers", "en", "uk", "Inflation cooled to 2.9% in September.",
     "Інфляція сповільнилася до 2,9% у вересні.", "Інфляція сповільнилася до 29% у вересні."),
    ("numbers", "uk", "ru", "Рух відкриють о 14:30 для 1\u00a0200 автобусів.",
     "Движение откроют в 14:30 для 1 200 автобусов.",
     "Движение откроют в 14:30 для 1 300 автобусов."),
    ("end-punctuation", "ru", "uk", "Голосование ожидается в октябре!",
     "Голосування очікується в жовтні!", "Голосування очікується в жовтні."),
    ("quotes", "en", "ru", "He called it “a fair deal” on Monday.",
     "Он назвал это «честной сделкой» в понедельник.",
     "Он назвал это «честной сделкой в понедельник."),
    ("quote-style", "ru", "en", "«Мы сохраняем обязательства», — заявил министр.",
     "“We keep our commitments,” the minister said.",
     "«We keep our commitments», the minister said."),
    ("quote-style", "en", "uk", "“We will not retreat,” the mayor said.",
     "«Ми не відступимо», — сказав мер.", "\"Ми не відступимо\", — сказав мер."),
    ("brackets", "ru", "en", "Документ внесут в Госдуму (см. записку).",
     "The document goes to the Duma (see the note).",
     "The document goes to the Duma (see the note."),
    ("urls", "ru", "en", "Подробности на сайте https://minfin.gov.ru/budget сегодня.",
     "Details are at https://minfin.gov.ru/budget today.",
     "Details are at https://minfin.gov.ru today."),
    ("untranslated", "ru", "en", "Эксперты настроены осторожно.",
     "Experts are cautious.", "Эксперты настроены осторожно."),
    ("whitespace", "uk", "en", "Міст відкрили в четвер.",
     "The bridge opened on Thursday.", "The bridge  opened on Thursday."),
    ("length", "en", "ru",
     "The central bank kept its key rate unchanged at its meeting on Tuesday.",
     "Центральный банк сохранил ключевую ставку на заседании во вторник.",
     "Ставка осталась."),
    ("wrong-alphabet", "ru", "uk", "Мост открыли в четверг.",
     "Міст відкрили в четвер.", "Міст відкрили в чeтвер."),  # Latin e
    ("apostrophe", "en", "uk", "The bridge connected two streets.",
     "Міст з'єднав дві вулиці.", "Міст з`єднав дві вулиці."),
    ("terminology", "uk", "en", "Уряд зібрався у Києві.", "The government met in Kyiv.",
     "The government met in Kiev."),
    ("spelling", "uk", "en", "Уряд схвалив бюджет.", "The government approved the budget.",
     "The goverment approved the budget."),
]


def test_every_check_has_a_case():
    assert {case[0] for case in CASES} == set(CHECK_NAMES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
@pytest.mark.english
def test_check_fires_on_bad_and_not_on_good(run, tmp_path, case):
    check, source_lang, target_lang, source, good, bad = case
    path = write_article(tmp_path, "case", source_lang, source)
    assert run("import", str(path), "--lang", source_lang).exit_code == 0
    if check == "terminology":
        assert run("terms", "add", "--uk", "Київ", "--en", "Kyiv", "--forbid", "en:Kiev").exit_code == 0
    translate(run.db_path, "case", target_lang, {"title": TITLES[target_lang], "p1.s1": good})

    clean = run("check", "case", "--lang", target_lang, "--strict")
    assert clean.exit_code == 0, clean.output
    assert FINDING.findall(clean.stdout) == []

    translate(run.db_path, "case", target_lang, {"p1.s1": bad})
    warned = run("check", "case", "--lang", target_lang)
    assert warned.exit_code == 0  # complete: findings are warnings
    findings = [m.groupdict() for m in FINDING.finditer(warned.stdout)]
    assert {(f["key"], f["lang"], f["level"], f["check"]) for f in findings if f["check"] == check} \
        == {("p1.s1", target_lang, "warning", check)}
    assert "warning" in warned.stdout.splitlines()[-1]

    strict = run("check", "case", "--lang", target_lang, "--strict")
    assert strict.exit_code == 1
    assert any(m["check"] == check and m["level"] == "error"
               for m in FINDING.finditer(strict.stdout))
    fired = sorted({m["check"] for m in FINDING.finditer(strict.stdout)})
    ignored = run("check", "case", "--lang", target_lang, "--strict", "--ignore", ",".join(fired))
    assert ignored.exit_code == 0, ignored.output
    assert f"(ignored: {', '.join(fired)})" in ignored.stdout


def test_drafts_are_missing_not_checked(budget):
    translate(budget.db_path, "ru-budget", "en", {"p1.s1": "Кабинет  министров"}, status="draft")
    result = budget("check", "--lang", "en", "--strict")
    assert result.exit_code == 1
    assert "    ru-budget:p1.s1 [en] draft" in result.stdout
    assert FINDING.findall(result.stdout) == []


# --- strict, ignore, accepted exceptions ---------------------------------------------


def test_strict_ignore_repeatable(budget):
    translate(budget.db_path, "ru-budget", "en", {
        "p3.s1": "Experts are «cautious».",
        "p4.s2": "The vote is expected in October",
    })
    assert budget("check", "--lang", "en").exit_code == 0
    assert budget("check", "--lang", "en", "--strict").exit_code == 1
    assert budget("check", "--lang", "en", "--strict", "--ignore", "quote-style",
                  "--ignore", "end-punctuation", "--ignore", "quotes").exit_code == 0


@pytest.mark.english
def test_accepting_an_exception_makes_strict_green(budget):
    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts are cautious"})
    assert budget("check", "--lang", "en", "--strict").exit_code == 1

    accepted = budget("accept", "ru-budget", "p3.s1", "--lang", "EN", "--check",
                      "end-punctuation", "--note", "headline style", "--as", "editor")
    assert accepted.exit_code == 0, accepted.output
    assert accepted.stdout.startswith("accepted: ru-budget:p3.s1 [en] end-punctuation: ")

    result = budget("check", "--lang", "en", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 article, 1 language: 0 incomplete, 0 failures, 1 accepted\n"
    data = report(budget, "--lang", "en", "--strict")
    (finding,) = data["results"][0]["findings"]
    assert finding["severity"] == "accepted" and finding["note"] == "headline style"

    rows = query(budget.db_path,
                 "SELECT u.key, e.lang, e.check_name, e.text, e.note, e.accepted_by"
                 " FROM check_exceptions e JOIN units u ON u.id = e.unit_id")
    assert rows == [("p3.s1", "en", "end-punctuation", "Experts are cautious",
                     "headline style", "editor")]
    (history,) = query(budget.db_path,
                       "SELECT action, translator, note FROM history WHERE action = 'accept-check'")
    assert history[0:2] == ("accept-check", "editor")
    assert history[2].startswith("end-punctuation: ending punctuation differs")

    listed = budget.json("accepted")
    assert [(r["article"], r["key"], r["lang"], r["check"], r["current"]) for r in listed] == [
        ("ru-budget", "p3.s1", "en", "end-punctuation", True)]

    # a new translation is not covered by the old acceptance
    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts remain cautious"})
    assert budget("check", "--lang", "en", "--strict").exit_code == 1
    assert budget.json("accepted")[0]["current"] is False

    revoked = budget("accept", "ru-budget", "p3.s1", "--lang", "en", "--check",
                     "end-punctuation", "--revoke")
    assert revoked.exit_code == 0
    assert budget.json("accepted") == []
    assert query(budget.db_path, "SELECT COUNT(*) FROM history WHERE action = 'revoke-check'") \
        == [(1,)]


def test_an_accepted_exception_travels_in_the_exported_catalog(budget, tmp_path):
    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts are cautious"})
    assert budget("accept", "ru-budget", "p3.s1", "--lang", "en", "--check",
                  "end-punctuation").exit_code == 0
    locales = tmp_path / "loc"
    assert budget("po", "export", "ru-budget", "--lang", "en", "--dir", str(locales)).exit_code == 0
    po = (locales / "en" / "LC_MESSAGES" / "ru-budget.po").read_text(encoding="utf-8")
    assert "#, accept-end-punctuation\nmsgctxt \"p3.s1\"" in po
    strict = budget("check", "--po", str(locales), "--lang", "en", "--strict")
    assert strict.exit_code == 0, strict.output
    # once the text changes, the exception no longer covers it, in the catalog too
    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts are careful"})
    assert budget("po", "export", "ru-budget", "--lang", "en", "--dir", str(locales)).exit_code == 0
    assert budget("check", "--po", str(locales), "--lang", "en", "--strict").exit_code == 1


@pytest.mark.english
def test_accept_refuses_what_is_not_there(budget):
    nothing = budget("accept", "ru-budget", "p3.s1", "--lang", "en", "--check", "quotes")
    assert nothing.exit_code == 1
    assert nothing.stderr == ("Error: check 'quotes' finds nothing in ru-budget:p3.s1 [en]:"
                              " nothing to accept\n")
    untranslated = budget("accept", "ru-budget", "title", "--lang", "uk", "--check", "quotes")
    assert untranslated.exit_code == 1
    assert budget("accept", "ru-budget", "p3.s1", "--lang", "en", "--check", "nope").exit_code == 2
    assert budget("accept", "ru-budget", "p9.s9", "--lang", "en", "--check", "quotes").exit_code == 2
    assert budget("accept", "nope", "p3.s1", "--lang", "en", "--check", "quotes").exit_code == 2
    assert query(budget.db_path, "SELECT COUNT(*) FROM check_exceptions") == [(0,)]


# --- formats -------------------------------------------------------------------------


@pytest.fixture
def mixed(budget):
    """en complete with one finding; uk one unit done."""
    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts are “cautious."})
    translate(budget.db_path, "ru-budget", "uk", {"date": "Понеділок, 17 лютого"})
    return budget


def test_json_format(mixed):
    result = mixed("check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert list(data) == ["ok", "exit_code", "source", "min", "strict", "ignored", "summary",
                            "results"]
    assert data["ok"] is False and data["exit_code"] == 1 and data["source"] == "database"
    assert data["summary"] == {"articles": 1, "languages": 2, "incomplete_articles": 1,
                                 "incomplete": 1, "missing": 11, "warnings": 1, "failures": 0,
                                 "accepted": 0}
    uk, en = data["results"]
    assert (uk["lang"], uk["units"], uk["done"], uk["complete"], uk["passed"]) == \
        ("uk", 12, 1, False, False)
    assert uk["missing"][0] == {"key": "category", "status": "untranslated", "source": "экономика"}
    assert (en["complete"], en["passed"], en["missing"]) == (True, True, [])
    assert en["findings"] == [{
        "key": "p3.s1", "check": "quotes", "severity": "warning",
        "message": "unbalanced quotes: the translation leaves a quote open",
        "source": "Эксперты настроены осторожно.", "translation": "Experts are “cautious.",
        "note": None}]
    assert mixed("check", "--json").stdout == result.stdout


def test_json_is_valid_when_nothing_to_check_and_empty_is_allowed(run, db_path):
    open_db(db_path).close()  # a database with the schema and no article
    data = run.json("check", "--allow-empty")
    assert data["results"] == [] and data["ok"] is True


@pytest.mark.english
def test_nothing_to_check_is_bad_usage_unless_allowed(run, db_path):
    """A CI job pointed at an empty database must not pass the gate."""
    open_db(db_path).close()
    result = run("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: nothing to check") and "--allow-empty" in result.stderr
    assert result.stdout == ""


def test_junit_format(mixed):
    result = mixed("check", "--format", "junit", "--strict")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("2", "2")
    (suite,) = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("ru-budget", "2", "2")
    uk, en = suite.findall("testcase")
    assert (uk.get("classname"), uk.get("name")) == ("ru-budget", "uk")
    failure = uk.find("failure")
    assert failure.get("message") == "11 units missing (8.3% < 100%)"
    assert "ru-budget:category [uk] untranslated" in failure.text.splitlines()
    assert len(failure.text.splitlines()) == 11
    assert en.find("failure").get("message") == "1 check failed"
    assert en.find("failure").text == ("ru-budget:p3.s1 [en] quotes: unbalanced quotes: the"
                                       " translation leaves a quote open")
    # without --strict the finding is output, not a failure
    lenient = ET.fromstring(mixed("check", "--format", "junit").stdout)
    en = lenient.find("testsuite").findall("testcase")[1]
    assert en.find("failure") is None
    assert en.find("system-out").text.startswith("warning ru-budget:p3.s1 [en] quotes:")


GITHUB = re.compile(r"^::(?P<level>error|warning) (?:file=(?P<file>[^,:]+),line=(?P<line>\d+),)?"
                    r"title=(?P<title>[^:]+)::(?P<message>.*)$")


def test_github_format(mixed):
    result = mixed("check", "--format", "github")
    assert result.exit_code == 1
    *annotations, summary = result.stdout.splitlines()
    matches = [GITHUB.match(line) for line in annotations]
    assert all(matches), annotations
    errors = [m for m in matches if m["level"] == "error"]
    warnings = [m for m in matches if m["level"] == "warning"]
    assert len(errors) == 11 and len(warnings) == 1
    assert errors[0]["title"] == "ru-budget%3Acategory [uk] untranslated"
    assert errors[0]["message"] == "ru-budget:category [uk] is untranslated: экономика"
    assert warnings[0]["title"] == "quotes ru-budget%3Ap3.s1 [en]"
    assert summary == "1 article, 2 languages: 1 incomplete (11 units missing), 1 warning"
    strict = mixed("check", "--format", "github", "--strict", "--lang", "en").stdout
    assert strict.startswith("::error title=quotes ru-budget%3Ap3.s1 [en]::")


# --- the check cache ---------------------------------------------------------------------


def test_findings_are_recorded_and_rechecked_on_change(budget):
    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts are «cautious»."})
    first = report(budget, "--lang", "en")
    assert [f["check"] for f in first["results"][0]["findings"]] == ["quotes", "quote-style"]
    # `--lang en` alone cannot vouch for the whole database: nothing recorded yet
    assert query(budget.db_path, "SELECT COUNT(*) FROM check_findings") == [(0,)]
    assert report(budget)["summary"]["warnings"] == 2
    assert query(budget.db_path, "SELECT u.key, f.lang FROM check_findings f"
                                 " JOIN units u ON u.id = f.unit_id") == [("p3.s1", "en")]
    assert query(budget.db_path, "SELECT COUNT(*) FROM check_dirty") == [(0,)]
    # a changed translation is marked (trigger) and checked again
    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts are cautious."})
    assert query(budget.db_path, "SELECT COUNT(*) FROM check_dirty") == [(1,)]
    assert report(budget, "--lang", "en")["results"][0]["findings"] == []
    assert query(budget.db_path, "SELECT COUNT(*) FROM check_findings") == [(0,)]
    translate(budget.db_path, "ru-budget", "en", {"p4.s2": "The vote is in October."})
    assert report(budget, "--lang", "en")["summary"]["warnings"] == 1
    assert report(budget, "--lang", "en")["summary"]["warnings"] == 1  # from the record
    # findings recorded by other checks (another version of checks.py) are not trusted
    execute(budget.db_path, "UPDATE check_findings SET findings = '[[\"numbers\", \"stale\"]]'",
            "UPDATE check_cache_version SET version = 'older checks'")
    findings = report(budget, "--lang", "en")["results"][0]["findings"]
    assert [f["check"] for f in findings] == ["end-punctuation"]


# --- speed plumbing ------------------------------------------------------------------


@pytest.mark.english
def test_the_check_registry_drives_the_options_and_help():
    from click.testing import CliRunner

    from transdesk import checks
    from transdesk.check.render import FORMATS
    from transdesk.cli import cli
    from transdesk.registry import CHECKS

    # checks.py's functions are the registry's, in its order
    assert list(checks.CHECKS) == list(CHECKS.names())
    assert all(checks.CHECKS[name] is CHECKS.get(name) for name in CHECKS)
    command = cli.commands["check"]
    fmt = next(p for p in command.params if p.name == "fmt")
    assert tuple(fmt.type.choices) == FORMATS
    help_text = " ".join(CliRunner().invoke(cli, ["check", "--help"]).output.split())
    assert "Checks: " + ", ".join(CHECKS.names()) + "." in help_text
    ignore = next(p for p in command.params if p.name == "ignore")
    assert ignore.help.endswith(": " + ", ".join(CHECKS.names()) + ".")
    result = CliRunner().invoke(cli, ["check", "--ignore", "no-such-check"])
    assert result.exit_code == 2 and "no-such-check" in result.output


def test_help_does_not_load_the_checks():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "transdesk", "--help"],
                            capture_output=True, text=True, check=True)
    assert "check" in result.stdout
    assert "transdesk.commands.checking" in result.stderr
    loaded = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
              if line.startswith("import time:")}
    for module in ("transdesk.checks", "transdesk.check.database", "transdesk.check.catalogs",
                   "transdesk.check.parallel", "transdesk.pofile"):
        assert module not in loaded, module


def test_two_processes_find_what_one_finds():
    import os

    from transdesk.check import parallel

    pairs = [("Выросло на 5%.", "Grew by 5%.", "ru", "en"),
             ("Выросло на 5%.", "Grew by 6%.", "ru", "en"),
             ("«Да», — сказал он.", "“Yes,” he said", "ru", "en"),
             ("Сказал «да».", "Сказав «так».", "ru", "uk")] * 5
    one = parallel.check_pairs(pairs, workers=1)
    two = parallel.check_pairs(pairs, workers=2)
    assert two == one
    assert sorted(one) == [i for i in range(20) if i % 4 in (1, 2)]
    assert one[17] == [("numbers", "numbers differ: source has 5, translation has 6")]
    # the second half really runs in another process, the first in this one
    parts = parallel.in_two_processes(lambda start, stop: (os.getpid(), start, stop), 9, 2)
    assert parts[0] == (os.getpid(), 0, 5)
    assert parts[1][1:] == (5, 9) and parts[1][0] != os.getpid()
    assert parallel.in_two_processes(lambda start, stop: (start, stop), 9, 1) == [(0, 9)]


def test_an_error_in_the_first_half_comes_first():
    from transdesk.check import parallel
    from transdesk.errors import BadInput

    def work(start: int, stop: int) -> None:
        raise BadInput(f"bad catalog {start}")

    with pytest.raises(BadInput, match="bad catalog 0"):
        parallel.in_two_processes(work, 4, 2)

    def second_half_fails(start: int, stop: int) -> int:
        if start:
            raise BadInput(f"bad catalog {start}")
        return stop

    with pytest.raises(BadInput, match="bad catalog 2"):  # raised in the child, seen here
        parallel.in_two_processes(second_half_fails, 4, 2)


def test_a_full_check_in_two_processes_reports_and_records_the_same(mixed, samples):
    from transdesk import storage
    from transdesk.check.database import check_database
    from transdesk.check.render import report_dict

    assert mixed("import", str(samples / "uk-bridge.txt")).exit_code == 0
    translate(mixed.db_path, "ru-budget", "en", {"p4.s2": "The vote is in October."})
    reports, recorded = [], []
    for workers in (1, 2):
        execute(mixed.db_path, "DELETE FROM check_cache_version")  # check everything
        desk = storage.open(mixed.db_path)
        reports.append(report_dict(check_database(desk, workers=workers)))
        desk.close()
        recorded.append(query(mixed.db_path, "SELECT * FROM check_findings ORDER BY 1, 2"))
    assert reports[1] == reports[0]
    assert recorded[1] == recorded[0]
    findings = [(r["article"], r["lang"], f["key"], f["check"])
                for r in reports[0]["results"] for f in r["findings"]]
    assert findings == [("ru-budget", "en", "p3.s1", "quotes"),
                        ("ru-budget", "en", "p4.s2", "end-punctuation")]
    assert len(recorded[0]) == 2


def test_a_bulk_change_is_checked_in_full_and_recorded(budget, monkeypatch):
    from transdesk.check import database

    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts are «cautious»."})
    assert report(budget)["summary"]["warnings"] == 2  # recorded
    translate(budget.db_path, "ru-budget", "en", {"p4.s2": "The vote is in October."})
    translate(budget.db_path, "ru-budget", "en", {"p3.s1": "Experts are cautious."})
    assert query(budget.db_path, "SELECT COUNT(*) FROM check_dirty") == [(2,)]
    expected = report(budget)
    translate(budget.db_path, "ru-budget", "en", {"p4.s2": "The vote is in October!"})
    translate(budget.db_path, "ru-budget", "en", {"p4.s2": "The vote is in October."})
    monkeypatch.setattr(database, "_CHANGED_MAX", 0)  # as after a bulk change
    assert report(budget) == expected
    assert query(budget.db_path, "SELECT COUNT(*) FROM check_dirty") == [(0,)]
    assert query(budget.db_path, "SELECT u.key FROM check_findings f"
                                 " JOIN units u ON u.id = f.unit_id") == [("p4.s2",)]
