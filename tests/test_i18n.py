"""transdesk's own interface in Ukrainian and Russian: choosing the language, the
catalogs (complete, fresh, shipped in the wheel), plural forms, and what never changes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import polib
import pytest
from conftest import ROOT

from transdesk import i18n
from transdesk.i18n import interface_language

LOCALES = ROOT / "locales"
SHIPPED = ROOT / "src" / "transdesk" / "locale"
LANGS = ("uk", "ru")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"TRANSDESK_LANG": "uk"}, "uk"),
        ({"TRANSDESK_LANG": "UA"}, "uk"),
        ({"TRANSDESK_LANG": "ru", "LANG": "uk_UA.UTF-8"}, "ru"),
        ({"TRANSDESK_LANG": "de"}, "en"),
        ({"LANG": "uk_UA.UTF-8"}, "uk"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LC_MESSAGES": "ru_RU", "LANG": "uk_UA.UTF-8"}, "ru"),
        ({"LC_ALL": "uk_UA.UTF-8", "LC_MESSAGES": "ru_RU", "LANG": "ru_RU"}, "uk"),
        ({"LANGUAGE": "de:ru", "LANG": "uk_UA.UTF-8"}, "ru"),
        ({"LANGUAGE": "de:fr", "LANG": "uk_UA.UTF-8"}, "en"),
        ({"LC_ALL": "C.UTF-8", "LANG": "uk_UA.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
    ],
)
def test_interface_language_follows_the_environment(environ, expected):
    assert interface_language(environ) == expected


def _run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("TRANSDESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "transdesk", *args], capture_output=True,
                          text=True, env={**clean, **env}, timeout=60)


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"TRANSDESK_LANG": "uk"}, ["Використання:", "Параметри", "Команди",
                                     "Переклад статей редакції"]),
        ({"LANG": "ru_RU.UTF-8"}, ["Использование:", "Параметры", "Команды",
                                   "Перевод статей редакции"]),
        ({}, ["Usage:", "Options", "Commands", "Translate the newsroom's articles"]),
    ],
)
def test_help_speaks_the_chosen_language(env, words):
    result = _run_cli("--help", **env)
    assert result.returncode == 0, result.stderr
    for word in words:
        assert word in result.stdout


def test_usage_errors_are_translated_but_keep_the_error_prefix_and_exit_code():
    result = _run_cli("no-such-command", TRANSDESK_LANG="uk")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ")
    assert "Немає такої команди" in result.stderr


def test_plural_forms_come_from_the_catalogs(monkeypatch):
    singular, plural = "Got unexpected extra argument ({args})", \
        "Got unexpected extra arguments ({args})"
    expected = {
        "uk": ["Зайвий аргумент ({args})", "Зайві аргументи ({args})",
               "Зайві аргументи ({args})", "Зайвих аргументів ({args})"],
        "ru": ["Лишний аргумент ({args})", "Лишние аргументы ({args})",
               "Лишние аргументы ({args})", "Лишних аргументов ({args})"],
        "en": [singular, plural, plural, plural],
    }
    for lang, forms in expected.items():
        monkeypatch.setenv("TRANSDESK_LANG", lang)
        assert [i18n.ngettext(singular, plural, n) for n in (1, 2, 4, 5)] == forms
        assert i18n.ngettext(singular, plural, 21) == (forms[0] if lang != "en" else plural)


def test_english_reads_no_catalog_and_babel_is_not_imported():
    code = (
        "import sys, gettext\n"
        "opened = []\n"
        "real = gettext.translation\n"
        "gettext.translation = lambda *a, **k: opened.append(a) or real(*a, **k)\n"
        "from transdesk.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('OPENED', len(opened), 'BABEL', 'babel' in sys.modules, file=sys.stderr)\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LANG")}
    english = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**clean, "TRANSDESK_LANG": "en"}, timeout=60)
    assert "OPENED 0 BABEL False" in english.stderr
    ukrainian = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env={**clean, "TRANSDESK_LANG": "uk"}, timeout=60)
    assert "OPENED 1 BABEL False" in ukrainian.stderr


def test_the_template_is_fresh(tmp_path):
    """locales/transdesk.pot is what Babel extracts from the code today
    (run `bash scripts/catalogs.sh` after changing a message)."""
    fresh = tmp_path / "fresh.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(["bash", str(ROOT / "scripts" / "catalogs.sh"), "extract", str(fresh)],
                   check=True, cwd=ROOT, env={**os.environ, "PYBABEL": str(pybabel)})

    def body(path: Path) -> list[str]:
        return [line for line in path.read_text(encoding="utf-8").splitlines()
                if not line.startswith('"POT-Creation-Date:')]

    assert body(fresh) == body(LOCALES / "transdesk.pot"), "run: bash scripts/catalogs.sh"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogs_are_complete_and_msgfmt_accepts_them(lang):
    template = {(e.msgctxt, e.msgid) for e in polib.pofile(str(LOCALES / "transdesk.pot"))}
    po_path = LOCALES / lang / "LC_MESSAGES" / "transdesk.po"
    catalog = polib.pofile(str(po_path))
    assert {(e.msgctxt, e.msgid) for e in catalog if not e.obsolete} == template
    assert catalog.metadata["Language"] == lang
    assert catalog.metadata["Plural-Forms"].startswith("nplurals=3;")
    for entry in catalog:
        assert "fuzzy" not in entry.flags, entry.msgid
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1, 2], entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr, entry.msgid
    subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(po_path)], check=True)


@pytest.mark.parametrize("lang", LANGS)
def test_the_shipped_mo_is_compiled_from_the_catalog(lang):
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po_path = LOCALES / lang / "LC_MESSAGES" / "transdesk.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    shipped = SHIPPED / lang / "LC_MESSAGES" / "transdesk.mo"
    assert shipped.read_bytes() == compiled.getvalue(), "run: bash scripts/catalogs.sh compile"


def test_click_messages_listed_for_translation_are_clicks():
    import click

    from transdesk.click_messages import CLICK_MESSAGES, CLICK_PLURAL_MESSAGES

    source = "".join(p.read_text(encoding="utf-8")
                     for p in Path(click.__file__).parent.glob("*.py"))
    for message in [*CLICK_MESSAGES, *(m for pair in CLICK_PLURAL_MESSAGES for m in pair)]:
        assert f'"{message}"' in source, message


def test_a_wheel_built_from_the_repository_ships_the_compiled_catalogs(tmp_path):
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(tree)], check=True, capture_output=True,
                   timeout=300)
    (wheel,) = tmp_path.glob("transdesk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for lang in LANGS:
        assert f"transdesk/locale/{lang}/LC_MESSAGES/transdesk.mo" in names
