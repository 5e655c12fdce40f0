"""tm import of hostile or huge TMX: every problem is one `Error:` line and exit 2 with
nothing imported (unknown encoding, deep nesting, entities, a bad file among good
ones); a big file is streamed (flat memory). bench/bench_tmx_memory.py measures 80 MB."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import transdesk_cmd
from helpers_desk import query

from transdesk import tm

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="ru"/><body>\n'
TAIL = "</body></tmx>\n"


def unit(ru: str, uk: str) -> str:
    return (f'<tu><tuv xml:lang="ru"><seg>{ru}</seg></tuv>'
            f'<tuv xml:lang="uk"><seg>{uk}</seg></tuv></tu>\n')


def memory_rows(location: Path | str) -> int:
    if isinstance(location, Path) and not location.exists():
        return 0
    return query(location, "SELECT count(*) FROM tm_memory")[0][0]


def refused(run, *files: Path) -> str:
    db_path = run.db_path
    before = memory_rows(db_path)
    result = run("tm", "import", *map(str, files))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    assert memory_rows(db_path) == before
    return result.stderr


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "good.tmx"
    path.write_text(HEAD + unit("Да", "Так") + unit("Нет", "Ні") + TAIL, encoding="utf-8")
    return path


@pytest.mark.english  # compares a translated message
def test_an_unknown_encoding_is_exit_2(run, tmp_path):
    bad = tmp_path / "klingon.tmx"
    bad.write_bytes(HEAD.replace("UTF-8", "x-klingon").encode() + unit("Да", "Так").encode()
                    + TAIL.encode())
    message = refused(run, bad)
    assert message == f"Error: {bad}: not a readable TMX file (unknown encoding: x-klingon)\n"


def test_a_declared_legacy_encoding_is_read(run, tmp_path):
    path = tmp_path / "cp1251.tmx"
    path.write_bytes((HEAD.replace("UTF-8", "windows-1251") + unit("Да", "Так") + TAIL)
                     .encode("cp1251"))
    result = run("tm", "import", str(path))
    assert result.exit_code == 0, result.output
    assert tm.read_tmx(path) == [{"ru": "Да", "uk": "Так"}]


@pytest.mark.english
def test_absurdly_nested_elements_are_exit_2(run, tmp_path):
    """No recursion anywhere: 1,000 nested `<g>` are read (test_isolated_items), and
    20,000 are refused as damage, one line, exit 2."""
    deep = tmp_path / "deep.tmx"
    deep.write_text(HEAD + '<tu><tuv xml:lang="ru"><seg>' + "<g>" * 20_000 + "Да"
                    + "</g>" * 20_000 + '</seg></tuv><tuv xml:lang="uk"><seg>Так</seg></tuv></tu>'
                    + TAIL, encoding="utf-8")
    message = refused(run, deep)
    assert "elements nested more than 10000 deep (line 3)" in message
    ok = tmp_path / "ok.tmx"
    ok.write_text(HEAD + '<tu><tuv xml:lang="ru"><seg>' + "<g>" * 1000 + "Да" + "</g>" * 1000
                  + ' <hi>да</hi></seg></tuv><tuv xml:lang="uk"><seg>Так</seg></tuv></tu>'
                  + TAIL, encoding="utf-8")
    assert tm.read_tmx(ok) == [{"ru": "Да да", "uk": "Так"}]


def test_inline_code_is_left_out_and_the_text_around_it_kept(tmp_path):
    path = tmp_path / "codes.tmx"
    path.write_text(HEAD + '<tu><tuv xml:lang="ru-RU"><seg>Цена <bpt i="1">&lt;b&gt;'
                    '<sub>подпись</sub></bpt>выросла<ept i="1">&lt;/b&gt;</ept> на'
                    ' <ph>{0}</ph>5%.</seg><seg>второй seg</seg></tuv>'
                    '<tuv lang="UA"><seg> Ціна\n  зросла </seg></tuv>'
                    '<tuv xml:lang="de"><seg>Preis</seg></tuv></tu>' + TAIL, encoding="utf-8")
    assert tm.read_tmx(path) == [{"ru": "Цена выросла на 5%.", "uk": "Ціна зросла"}]


@pytest.mark.english
@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
], ids=["xxe", "entity-expansion"])
def test_entities_are_refused(run, tmp_path, doctype):
    path = tmp_path / "entities.tmx"
    first_entity = "&xxe;" if "xxe" in doctype else "&c;"
    path.write_text('<?xml version="1.0"?>\n' + doctype + '\n<tmx version="1.4"><body>'
                    + unit(first_entity, "Так") + TAIL, encoding="utf-8")
    message = refused(run, path)
    assert "the DTD declares an entity" in message
    assert "root:" not in message


@pytest.mark.english  # compares translated messages
def test_a_bad_file_among_good_ones_imports_nothing(run, tmp_path, good):
    bad = tmp_path / "bad.tmx"
    bad.write_text(HEAD + unit("Может", "Може") + "<tu><tuv>", encoding="utf-8")
    message = refused(run, good, bad)
    assert message.startswith(f"Error: {bad}: not a valid TMX file (")
    assert memory_rows(run.db_path) == 0  # good.tmx was checked, never committed
    not_tmx = tmp_path / "x.tmx"
    not_tmx.write_text("<html><body/></html>", encoding="utf-8")
    assert "not a TMX file (no <tmx><body>)" in refused(run, good, not_tmx)
    assert "no such file" in refused(run, good, tmp_path / "missing.tmx")
    assert "is a directory" in refused(run, good, tmp_path)
    result = run("tm", "import", str(good), str(good))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{good}: imported 2 translation units (0 already known, 0 without two of ru/uk/en)",
        f"{good}: imported 0 translation units (2 already known, 0 without two of ru/uk/en)"]


@pytest.mark.english  # compares the (translated) summary line
def test_a_big_tmx_is_streamed_in_flat_memory(tmp_path, db_path):
    """20 MB of units (most in one language: read, then skipped) and a few pairs; the
    whole file held as a tree would take ~10 times its size."""
    path = tmp_path / "big.tmx"
    one_language = "".join(f'<tu tuid="{i}"><tuv xml:lang="en"><seg>Sentence number {i} of'
                           f' the archive, &amp; <ph>&lt;br/&gt;</ph> more.</seg></tuv></tu>\n'
                           for i in range(1000))
    skipped = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        while out.tell() < 20_000_000:
            out.write(one_language)
            skipped += 1000
        for i in range(50):
            out.write(unit(f"Предложение {i}.", f"Речення {i}."))
        out.write(TAIL)
    # measured from a small parent: a child's peak RSS counts what it had before exec,
    # and a child forked straight from this test process starts as big as pytest
    measure = ("import os, subprocess, sys\n"
               "proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)\n"
               "out = proc.stdout.read()\n"
               "_pid, status, usage = os.wait4(proc.pid, 0)\n"
               "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
               "print(out, end='')\n")
    result = subprocess.run([sys.executable, "-c", measure, *transdesk_cmd(), "--db",
                             str(db_path), "tm", "import", str(path)],
                            capture_output=True, text=True, check=True)
    first, _, output = result.stdout.partition("\n")
    status, maxrss = map(int, first.split())
    assert status == 0, result.stderr
    assert output == (f"{path}: imported 50 translation units (0 already known,"
                      f" {skipped} without two of ru/uk/en)\n")
    peak_mb = maxrss / 1024
    assert peak_mb < 80, f"peak RSS {peak_mb:.0f} MB for a 20 MB TMX"
    assert memory_rows(db_path) == 100
