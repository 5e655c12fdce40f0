"""Our PO writer and readers agree with each other and with gettext on every character
(U+2028, U+0085, U+001C ... and a property test over all of Unicode), and `po import`
refuses what msgfmt refuses: duplicates, invalid escapes; plural entries are reported."""

from __future__ import annotations

import gettext
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from helpers_check import query
from helpers_export import translate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transdesk.catalog import Catalog, CatalogEntry
from transdesk.errors import BadInput
from transdesk.pofile import _read_po_polib, load_po, read_po, to_pofile

HEADER = {"Project-Id-Version": "art", "MIME-Version": "1.0",
          "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
          "Language": "uk", "X-Transdesk-Article": "art"}
# A gettext catalog cannot hold these: NUL ends a C string, EOT separates msgctxt.
UNREPRESENTABLE = "\x00\x04"


def one_per_category() -> dict[str, str]:
    """The first code point of every Unicode general category (but surrogates, which
    UTF-8 cannot encode), and the code points the issue names."""
    found: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        if category != "Cs" and category not in found and char not in UNREPRESENTABLE:
            found[category] = char
    return found


NAMED = "\u2028\u2029\u0085\u001c\u001e\u001d\u001f\x0b\x0c\r\t\x07\x08\x1b\x7f\ufeff\u200b"


def write_catalog(path: Path, texts: list[tuple[str, str]]) -> None:
    entries = [CatalogEntry(f"p{i}.s1", source, text, "translated")
               for i, (source, text) in enumerate(texts)]
    catalog = Catalog("art", "ru", "uk", "title", dict(HEADER), entries)
    path.write_text(str(to_pofile(catalog)), encoding="utf-8")


def gettext_reads(po: Path) -> gettext.GNUTranslations:
    """What msgfmt (--check) compiles, as Python's gettext reads it from the .mo."""
    mo = po.with_suffix(".mo")
    result = subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def assert_round_trip(path: Path, texts: list[tuple[str, str]]) -> None:
    write_catalog(path, texts)
    expected = [(f"p{i}.s1", source, text) for i, (source, text) in enumerate(texts)]
    for reader in (read_po, _read_po_polib, lambda p: load_po(str(p))):
        catalog = reader(path)
        assert [(e.key, e.source, e.text) for e in catalog.entries] == expected, reader
    compiled = gettext_reads(path)
    assert [(key, source, compiled.pgettext(key, source))
            for key, source, _text in expected] == expected


def test_the_named_characters_round_trip(tmp_path):
    texts = [(f"Источник {char} и{char}", f"Джерело {char} і{char}") for char in NAMED]
    texts.append(("Все вместе " + NAMED + ".", "Усі разом " + NAMED + "."))
    assert_round_trip(tmp_path / "named.po", texts)


def test_one_character_of_every_unicode_category_round_trips(tmp_path):
    chars = one_per_category()
    assert len(chars) == 29  # every general category but Cs
    texts = [(f"s{char}s {name}", f"t{char}t{char}") for name, char in sorted(chars.items())]
    assert_round_trip(tmp_path / "categories.po", texts)


TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters=UNREPRESENTABLE),
               max_size=30)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=4,
                      unique_by=lambda pair: pair[0]))
def test_any_text_round_trips_through_our_readers_and_gettext(tmp_path, pairs):
    # msgfmt --check wants msgid and msgstr to agree on a leading/trailing newline:
    # sentences never start or end with one, so the texts are framed by letters
    texts = [(f"s{source}s", f"t{text}t") for source, text in pairs]
    assert_round_trip(tmp_path / "any.po", texts)


@pytest.mark.english
def test_an_unrepresentable_character_is_refused_by_the_writer():
    for char in UNREPRESENTABLE:
        catalog = Catalog("art", "ru", "uk", "title", dict(HEADER),
                          [CatalogEntry("p1.s1", "Да", f"Так{char}", "translated")])
        with pytest.raises(BadInput, match=r"art p1\.s1: the text holds U\+000[04]"):
            to_pofile(catalog)


# --- po import refuses what gettext refuses ---------------------------------------------


@pytest.fixture
def exported(run, samples, tmp_path) -> Path:
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    # (U+0085 and U+001C are refused as translations since item 8: the readers' tests
    # above cover them; here the line separators the desk may really type)
    translate(run.db_path, "ru-budget", "uk", text=lambda key, src: f"[uk] {src}\u2028\u2029")
    assert run("po", "export", "--lang", "uk").exit_code == 0
    return tmp_path / "locales" / "uk" / "LC_MESSAGES" / "ru-budget.po"


@pytest.mark.english  # compares the (translated) summary line
def test_our_export_with_line_separators_imports_back(run, exported):
    result = run("po", "import", str(exported))
    assert result.exit_code == 0, result.output
    assert "0 applied, 12 unchanged" in result.stdout
    # an editor appends U+2028 to every translation (polib wraps the long ones at U+2028
    # and U+2029, which Python counts as spaces: each piece is still a string)
    edited = exported.read_text(encoding="utf-8").replace('\u2029"\n', '\u2029\u2028"\n')
    exported.write_text(edited, encoding="utf-8")
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(exported)]).returncode == 0
    result = run("po", "import", str(exported), "--as", "olena")
    assert result.exit_code == 0, result.output
    assert "12 applied, 0 unchanged" in result.stdout
    texts = [row[0] for row in query(run.db_path,
                                     "SELECT text FROM translations WHERE lang = 'uk'")]
    assert len(texts) == 12
    assert all(text.startswith("[uk] ") and text.endswith("\u2028\u2029\u2028")
               for text in texts)


def msgfmt_refuses(path: Path) -> str:
    result = subprocess.run(["msgfmt", "-o", "/dev/null", str(path)], capture_output=True,
                            text=True)
    assert result.returncode != 0
    return result.stderr


@pytest.mark.english  # "malformed PO file" is translated
def test_a_duplicate_entry_is_exit_2_naming_the_line(run, exported):
    text = exported.read_text(encoding="utf-8")
    first = text.index('msgctxt "p2.s1"')
    block = text[first:text.index("\n\n", first) + 2]
    exported.write_text(text + "\n" + block.replace("[uk]", "[other]"), encoding="utf-8")
    line = exported.read_text(encoding="utf-8")[:exported.read_text(
        encoding="utf-8").rindex('msgctxt "p2.s1"')].count("\n") + 1
    first_line = text[:first].count("\n") + 1
    assert "duplicate message definition" in msgfmt_refuses(exported)
    result = run("po", "import", str(exported))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {exported}: malformed PO file: line {line}:"
                                    " duplicate message definition (msgctxt 'p2.s1', msgid ")
    assert result.stderr.count("\n") == 1
    assert f"line {line}: duplicate message definition" in result.stderr
    assert f"first defined at line {first_line}" in result.stderr


@pytest.mark.english  # "malformed PO file" is translated
@pytest.mark.parametrize("escape", ["\\q", "\\u2028", "\\8", "\\x", "\\x414", "\\xc3\\xa9", "\\303"])
def test_an_invalid_escape_is_exit_2(run, exported, escape):
    text = exported.read_text(encoding="utf-8")
    exported.write_text(text.replace("[uk] ", f"[uk{escape}] ", 1), encoding="utf-8")
    if escape in ("\\q", "\\u2028", "\\8"):
        assert "invalid control sequence" in msgfmt_refuses(exported)
    # (msgfmt takes `\x` alone as 0x0C, `\x414` as "L", a byte past ASCII as Latin-1:
    # nothing a translator means; refused too)
    result = run("po", "import", str(exported))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {exported}: malformed PO file: line ")
    assert "invalid escape" in result.stderr


def test_valid_gettext_escapes_mean_what_gettext_says(tmp_path):
    po = tmp_path / "escapes.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgctxt "k"\nmsgid "a\\ab\\bc\\fd\\ve\\101\\x42\\"\\\\"\n'
                  'msgstr "А\\aБ\\bВ\\fГ\\vД\\101\\x42\\"\\\\"\n', encoding="utf-8")
    assert gettext_reads(po).pgettext("k", "a\ab\bc\fd\veAB\"\\") == "А\aБ\bВ\fГ\vДAB\"\\"
    entry = load_po(str(po)).entries[0]
    assert (entry.source, entry.text) == ("a\ab\bc\fd\veAB\"\\", "А\aБ\bВ\fГ\vДAB\"\\")


@pytest.mark.english  # the warning is command output (translated once wrapped in _())
def test_a_plural_entry_is_reported_not_counted_unchanged(run, exported):
    text = exported.read_text(encoding="utf-8")
    exported.write_text(text + '\nmsgctxt "p9.s9"\nmsgid "один файл"\nmsgid_plural "%d файлов"\n'
                        'msgstr[0] "один файл"\nmsgstr[1] "%d файли"\nmsgstr[2] "%d файлів"\n',
                        encoding="utf-8")
    result = run("po", "import", str(exported))
    assert result.exit_code == 0, result.output
    assert "0 applied, 12 unchanged" in result.stdout
    assert result.stderr == (f"warning: {exported}: p9.s9: a plural entry (msgid_plural); not"
                             " imported\n")
    assert run.json("po", "import", str(exported))[0]["plural"] == ["p9.s9"]
