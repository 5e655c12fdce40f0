"""The commands in Ukrainian and Russian: help, summaries with their plural forms, errors;
machine output (JSON, junit, github) the same in every interface language; and `check --po`
on program catalogs (every plural form checked, placeholders not read as words)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from transdesk import i18n

LANG_VARIABLES = ("TRANSDESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _run_cli(*args: str, lang: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own: help texts are translated when it starts."""
    env = {k: v for k, v in os.environ.items() if k not in LANG_VARIABLES}
    return subprocess.run([sys.executable, "-m", "transdesk", *args], capture_output=True,
                          text=True, env={**env, "TRANSDESK_LANG": lang}, timeout=60)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("uk", ["Імпортувати статті з файлів FILE", "Приклад:", "Параметри",
                "Мова оригіналу (ru, uk/ua, en)", "Вивести JSON."]),
        ("ru", ["Импортировать статьи из файлов FILE", "Пример:", "Параметры",
                "Язык оригинала (ru, uk/ua, en)", "Вывести JSON."]),
        ("en", ["Import article FILEs", "Example:", "Options",
                "Source language (ru, uk/ua, en)", "Print JSON."]),
    ],
)
def test_command_help_speaks_the_interface_language(lang, words):
    result = _run_cli("import", "--help", lang=lang)
    assert result.returncode == 0, result.stderr
    for word in words:
        assert word in result.stdout
    # the examples' command lines stay as they are, unwrapped (the \b block is kept)
    assert "\n    transdesk import --lang ua --id bridge --targets ru,en bridge.txt\n" \
        in result.stdout
    assert "\b" not in result.stdout


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_check_help_lists_the_checks_and_keeps_the_examples(lang):
    result = _run_cli("check", "--help", lang=lang)
    assert result.returncode == 0, result.stderr
    assert {"uk": "Перевірки: numbers,", "ru": "Проверки: numbers,"}[lang] in result.stdout
    assert "  transdesk check --po locales --strict --format github\n" in result.stdout
    assert "Check that ARTICLEs" not in result.stdout


def _import_copies(run, samples: Path, tmp_path: Path, count: int):
    """`import -q` of `count` copies of one sample: the summary line."""
    folder = tmp_path / f"copies{count}"
    folder.mkdir()
    files = []
    for n in range(count):
        files.append(str(shutil.copy(samples / "ru-budget.txt", folder / f"budget-{count}-{n}.txt")))
    result = run("import", "-q", "--lang", "ru", *files)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("uk", ["1 стаття (нові: 1, оновлені: 0), 12 сегментів",
                "2 статті (нові: 2, оновлені: 0), 24 сегменти",
                "5 статей (нові: 5, оновлені: 0), 60 сегментів"]),
        ("ru", ["1 статья (новые: 1, обновлённые: 0), 12 сегментов",
                "2 статьи (новые: 2, обновлённые: 0), 24 сегмента",
                "5 статей (новые: 5, обновлённые: 0), 60 сегментов"]),
        ("en", ["1 article (1 new, 0 updated), 12 units",
                "2 articles (2 new, 0 updated), 24 units",
                "5 articles (5 new, 0 updated), 60 units"]),
    ],
)
def test_the_import_summary_takes_the_plural_form_of_each_count(
        run, samples, tmp_path, monkeypatch, lang, expected):
    """ru-budget has 12 units: 1, 2 and 5 copies take the three forms of `article`."""
    monkeypatch.setenv("TRANSDESK_LANG", lang)
    assert [_import_copies(run, samples, tmp_path, count) for count in (1, 2, 5)] == expected


@pytest.mark.parametrize(
    ("lang", "forms"),
    [
        ("uk", {1: "1 стаття", 2: "2 статті", 4: "4 статті", 5: "5 статей", 11: "11 статей",
                21: "21 стаття", 22: "22 статті", 25: "25 статей"}),
        ("ru", {1: "1 статья", 2: "2 статьи", 4: "4 статьи", 5: "5 статей", 11: "11 статей",
                21: "21 статья", 22: "22 статьи", 25: "25 статей"}),
    ],
)
def test_plural_forms_of_a_count_come_from_the_catalog(monkeypatch, lang, forms):
    from transdesk.commands.articles import count_articles

    monkeypatch.setenv("TRANSDESK_LANG", lang)
    assert {n: count_articles(n) for n in forms} == forms


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("uk", "Error: --min має бути відсотком від 0 до 100, а не '200'\n"),
        ("ru", "Error: --min должен быть процентом от 0 до 100, а не '200'\n"),
        ("en", "Error: --min must be a percentage from 0 to 100, not '200'\n"),
    ],
)
def test_errors_are_translated_after_the_error_prefix(run, monkeypatch, lang, message):
    monkeypatch.setenv("TRANSDESK_LANG", lang)
    result = _run_cli("check", "--min", "200", lang=lang)
    assert result.returncode == 2
    assert result.stderr == message


def test_the_check_report_speaks_the_language_but_github_and_junit_do_not(
        run, samples, monkeypatch):
    run("import", str(samples / "ru-budget.txt"))
    monkeypatch.setenv("TRANSDESK_LANG", "uk")
    text = run("check", "--lang", "uk")
    assert text.exit_code == 1
    assert "неповна: бракує" in text.stdout
    assert text.stdout.splitlines()[-1].startswith("1 стаття, 1 мова: неповних — 1 (бракує ")
    github = run("check", "--lang", "uk", "--format", "github")
    assert github.stdout.splitlines()[-1].startswith("1 article, 1 language: 1 incomplete (")


MACHINE_OUTPUTS = [
    ("articles", "--json"),
    ("status", "--json"),
    ("units", "ru-budget", "--json"),
    ("log", "--json"),
    ("accepted", "--json"),
    ("check", "--format", "json"),
    ("check", "--json", "--strict"),
    ("check", "--format", "junit"),
    ("check", "--format", "github", "--strict"),
    ("export", "ru-budget", "--lang", "uk", "--format", "aligned", "--allow-incomplete"),
    ("export", "ru-budget", "--lang", "uk", "--format", "json", "--allow-incomplete"),
    ("tm", "export", "-"),
]


def test_machine_output_is_the_same_in_every_interface_language(run, samples, monkeypatch):
    run("import", str(samples / "ru-budget.txt"))
    run("draft", "--lang", "uk", "--provider", "none", "--limit", "3")
    run("submit", "1", "--lang", "uk", "--text", "Текст \"у лапках\" 2026.")
    outputs = {}
    for lang in ("en", "uk", "ru"):
        monkeypatch.setenv("TRANSDESK_LANG", lang)
        outputs[lang] = [(r.exit_code, r.stdout) for r in (run(*a) for a in MACHINE_OUTPUTS)]
    assert outputs["uk"] == outputs["en"]
    assert outputs["ru"] == outputs["en"]
    assert any(code == 1 for code, _ in outputs["en"])  # the failing check is in there
    assert all(out for _, out in outputs["en"])


def test_the_interface_language_changes_no_machine_output_of_import(run, samples, monkeypatch):
    reports = []
    for lang, name in (("en", "a"), ("uk", "b")):
        monkeypatch.setenv("TRANSDESK_LANG", lang)
        source = shutil.copy(samples / "uk-bridge.txt", samples / f"{name}.txt")
        result = run("import", "--json", "--id", "bridge-" + name, str(source))
        reports.append(result.stdout.replace("bridge-" + name, "ID"))
    assert reports[0] == reports[1]


# --- check --po on a program's catalogs -----------------------------------------------

HEADER = ('msgid ""\nmsgstr ""\n"Language: uk\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4'
          ' && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n"X-Source-Language: en\\n"\n\n')


def _catalog(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "po" / "uk" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(HEADER + body, encoding="utf-8")
    return tmp_path / "po"


def test_check_po_checks_every_plural_form(run, tmp_path):
    po = _catalog(tmp_path, (
        '#, python-brace-format\nmsgid "{count} article"\nmsgid_plural "{count} articles"\n'
        'msgstr[0] "{count} стаття"\nmsgstr[1] "{count} статті"\n'
        'msgstr[2] "{count} статей  "\n'))
    report = run("check", "--po", str(po), "--json")
    (result,) = report_results(report)
    assert result["missing"] == []
    assert [(f["check"], f["translation"]) for f in result["findings"]] == [
        ("whitespace", "{count} статей  ")]


def test_check_po_counts_a_plural_entry_without_all_its_forms_as_missing(run, tmp_path):
    po = _catalog(tmp_path, (
        '#, python-brace-format\nmsgid "{count} file"\nmsgid_plural "{count} files"\n'
        'msgstr[0] "{count} файл"\nmsgstr[1] "{count} файли"\nmsgstr[2] ""\n'))
    (result,) = report_results(run("check", "--po", str(po), "--json"))
    assert [m["source"] for m in result["missing"]] == ["{count} file"]


def test_check_po_does_not_read_placeholders_as_words(run, tmp_path):
    body = ('#, python-brace-format\nmsgid "{file}: {article}"\nmsgstr "{file}: {article}"\n\n'
            '#, python-format\nmsgid "%(name)s: %(count)d"\nmsgstr "%(name)s: %(count)d"\n\n'
            'msgid "file article"\nmsgstr "file article"\n')
    (result,) = report_results(run("check", "--po", str(_catalog(tmp_path, body)), "--json"))
    # the last one is not a program message: a copy of the source is reported
    assert [(f["check"], f["source"]) for f in result["findings"]] == [
        ("untranslated", "file article")]


def report_results(result) -> list[dict]:
    import json

    return json.loads(result.stdout)["results"]


def test_a_message_is_looked_up_in_the_language_of_the_moment(monkeypatch):
    monkeypatch.setenv("TRANSDESK_LANG", "ru")
    assert i18n._("no history yet") == "истории пока нет"
    monkeypatch.setenv("TRANSDESK_LANG", "uk")
    assert i18n._("no history yet") == "історії ще немає"
