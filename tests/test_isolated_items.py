"""Items of issue 11 whose fix is a few isolated lines in modules being restructured:
1 (no command writes over the database), 11 (a TMX declaring an unknown encoding,
inline markup nested a thousand deep) and 15 (exported files get the umask's mode; a
replaced file keeps its mode)."""

from __future__ import annotations

import os
import stat

import pytest
from conftest import SAMPLES, Cli

DEEP = 1000


@pytest.mark.english
def test_tm_import_of_an_unknown_encoding_is_bad_input(run, tmp_path):
    """0.1.0: `unexpected LookupError`, exit 3."""
    path = tmp_path / "enc.tmx"
    path.write_bytes(b'<?xml version="1.0" encoding="x-bogus"?><tmx version="1.4"><header/>'
                     b"<body/></tmx>")
    result = run("tm", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr == "Error: " + str(path) + ": not a readable TMX file (unknown encoding: x-bogus)\n"


def test_tm_import_of_markup_nested_a_thousand_deep(run, tmp_path):
    """0.1.0: `unexpected RecursionError`, exit 3."""
    path = tmp_path / "deep.tmx"
    seg = "<g>" * DEEP + "Глубоко <ph>x</ph>вложено." + "</g>" * DEEP
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header/><body>'
                    f'<tu><tuv xml:lang="ru"><seg>{seg}</seg></tuv>'
                    f'<tuv xml:lang="en"><seg>Deeply nested.</seg></tuv></tu></body></tmx>',
                    encoding="utf-8")
    result = run("tm", "import", str(path))
    assert result.exit_code == 0, result.output
    exported = run("tm", "export", "-", "--include-imported")
    assert "<seg>Глубоко вложено.</seg>" in exported.stdout


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_exported_files_get_the_umask_mode_and_keep_theirs_on_replace(run, tmp_path, umask_022):
    """0.1.0: 0600 whatever the umask, and an overwrite dropped the file's mode."""
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    out = tmp_path / "ru-budget.ru.txt"
    assert run("export", "ru-budget", "--lang", "ru", "-o", str(out)).exit_code == 0
    assert mode(out) == 0o644
    out.write_text("changed")
    out.chmod(0o640)
    assert run("export", "ru-budget", "--lang", "ru", "-o", str(out)).exit_code == 0
    assert mode(out) == 0o640 and out.read_bytes() == (SAMPLES / "ru-budget.txt").read_bytes()
    locales = tmp_path / "locales"
    assert run("po", "export", "--dir", str(locales)).exit_code == 0
    assert {mode(p) for p in locales.rglob("*.po")} == {0o644}


@pytest.mark.english
@pytest.mark.parametrize("args", [
    ["export", "ru-budget", "--lang", "ru", "-o", "{db}"],
    ["export", "ru-budget", "--lang", "ru", "-o", "{db}-wal"],
    ["export", "ru-budget", "--lang", "ru", "-o", "{link}"],
    ["tm", "export", "{db}"],
    ["po", "export", "--dir", "{folder}"],
], ids=["export", "export-wal", "export-link", "tm-export", "po-export-dir"])
def test_no_command_writes_over_the_database(run, db_path, tmp_path, args):
    """Item 1's database part. 0.1.0: `export -o "$TRANSDESK_DB"` replaced the database
    with the exported article, exit 0: every translation and the history gone."""
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    assert run("submit", "4", "--lang", "en", "--text", "Kept.").exit_code == 0
    (tmp_path / "link.db").symlink_to(db_path)
    names = {"db": str(db_path), "link": str(tmp_path / "link.db"), "folder": str(tmp_path)}
    result = run(*[a.format(**names) for a in args])
    assert result.exit_code == 2, result.output
    assert "the database" in result.stderr
    assert [u["translations"]["en"]["text"] for u in run.json("units", "ru-budget")][3] == "Kept."


def test_po_export_into_a_parent_of_the_database_folder_is_fine(tmp_path):
    (tmp_path / "desk").mkdir()
    run = Cli(tmp_path / "desk" / "desk.db")
    assert run("import", str(SAMPLES / "ru-budget.txt")).exit_code == 0
    assert run("po", "export", "--dir", str(tmp_path)).exit_code == 0
    assert (tmp_path / "ru-budget.pot").exists()
