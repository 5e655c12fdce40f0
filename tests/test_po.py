"""po export / po import: catalogs checked by msgfmt and polib, byte-stable re-export,
a Poedit-style round trip, conflicts, outdated entries and malformed files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib
import pytest
from conftest import SAMPLE_NAMES
from helpers_check import execute, query
from helpers_export import translate

from transdesk.po import plural_forms

TINY = "Понедельник, 17 февраля\nэкономика\n\nБюджет принят.\n\nРасходы вырастут. Дефицит снизится.\n"


def table_dump(db_path: Path | str) -> list:
    return [query(db_path, f"SELECT * FROM {t} ORDER BY 1, 2")
            for t in ("translations", "history")]


@pytest.fixture
def tiny(run, tmp_path):
    """A four-unit article with fixed dates: date/category translated, title approved,
    p1.s1 draft, p1.s2 untranslated."""
    path = tmp_path / "tiny.txt"
    path.write_text(TINY, encoding="utf-8")
    assert run("import", str(path), "--targets", "uk").exit_code == 0
    execute(run.db_path, "UPDATE articles SET updated_at = '2026-03-01T09:30:00.000000Z'")
    texts = {"date": "Понеділок, 17 лютого", "category": "економіка",
             "title": "Бюджет ухвалено.", "p1.s1": "Витрати зростуть."}
    statuses = {"title": "approved", "p1.s1": "draft"}
    translate(run.db_path, "tiny", "uk", text=lambda key, src: texts.get(key),
              status=lambda key: statuses.get(key, "translated"),
              ts="2026-03-02T10:15:00.000000Z")
    translate(run.db_path, "tiny", "uk", keys={"p1.s1"}, text=lambda k, s: "Витрати зростуть.",
              status="draft", origin="mt:apertium", translator="",
              ts="2026-03-02T10:16:00.000000Z")
    return path


def sha1(status: str, text: str) -> str:
    import hashlib

    return hashlib.sha1(f"{status}\n{text}".encode()).hexdigest()


def test_po_file_as_whole_bytes(run, tiny, tmp_path):
    result = run("po", "export", "tiny")
    assert result.exit_code == 0, result.output
    po = (tmp_path / "locales" / "uk" / "LC_MESSAGES" / "tiny.po").read_text(encoding="utf-8")
    assert po == f"""\
# uk translation of article tiny: Бюджет принят.
msgid ""
msgstr ""
"Project-Id-Version: tiny\\n"
"POT-Creation-Date: 2026-03-01 09:30+0000\\n"
"PO-Revision-Date: 2026-03-02 10:16+0000\\n"
"Last-Translator: olena\\n"
"Language-Team: Ukrainian\\n"
"Language: uk\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural_forms("uk")}\\n"
"X-Generator: transdesk 0.1.0\\n"
"X-Transdesk-Article: tiny\\n"
"X-Transdesk-Source-Language: ru\\n"

# origin: human
#. transdesk-hash: {sha1("translated", "Понеділок, 17 лютого")}
#: tiny:date
msgctxt "date"
msgid "Понедельник, 17 февраля"
msgstr "Понеділок, 17 лютого"

# origin: human
#. transdesk-hash: {sha1("translated", "економіка")}
#: tiny:category
msgctxt "category"
msgid "экономика"
msgstr "економіка"

# origin: human
# approved by olena
#. transdesk-hash: {sha1("approved", "Бюджет ухвалено.")}
#: tiny:title
msgctxt "title"
msgid "Бюджет принят."
msgstr "Бюджет ухвалено."

# origin: mt:apertium
#. transdesk-hash: {sha1("draft", "Витрати зростуть.")}
#: tiny:p1.s1
#, fuzzy
msgctxt "p1.s1"
msgid "Расходы вырастут."
msgstr "Витрати зростуть."

#. transdesk-hash: {sha1("untranslated", "")}
#: tiny:p1.s2
msgctxt "p1.s2"
msgid "Дефицит снизится."
msgstr ""
"""
    pot = (tmp_path / "locales" / "tiny.pot").read_text(encoding="utf-8")
    assert "\"Language: " not in pot and "X-Transdesk-Article: tiny" in pot
    assert pot.count('msgstr ""') == 6 and "#, fuzzy" not in pot and "#." not in pot


def test_catalogs_pass_msgfmt_and_mo_holds_the_finished_units(run, samples, tmp_path):
    for name in SAMPLE_NAMES:
        assert run("import", str(samples / f"{name}.txt")).exit_code == 0
    translate(run.db_path, "ru-budget", "uk", status=lambda k: "draft" if k == "p1.s1" else
              "translated", keys={"date", "title", "p1.s1"})
    result = run("po", "export", "--mo", "--dir", "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    pos = sorted(out.glob("*/LC_MESSAGES/*.po"))
    assert len(pos) == 8 and len(sorted(out.glob("*.pot"))) == 4
    for po_path in pos:
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        assert po_path.with_suffix(".mo").exists()
    for pot in out.glob("*.pot"):
        check = subprocess.run(["msgfmt", "--check-format", "--check-domain", "-o", "/dev/null",
                                str(pot)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    po_path = out / "uk" / "LC_MESSAGES" / "ru-budget.po"
    catalog = polib.pofile(str(po_path))
    assert catalog.metadata["Language"] == "uk"
    assert catalog.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert catalog.metadata["X-Transdesk-Article"] == "ru-budget"
    entries = {e.msgctxt: e for e in catalog}
    assert entries["title"].msgstr == f"[uk] {entries['title'].msgid}"
    assert entries["title"].occurrences == [("ru-budget:title", "")]
    assert "fuzzy" in entries["p1.s1"].flags
    assert entries["p1.s2"].msgstr == ""
    assert [e.msgctxt for e in catalog][:3] == ["date", "category", "title"]
    assert json.loads(json.dumps(catalog.percent_translated())) == 16  # 2 of 12
    unfmt = subprocess.run(["msgunfmt", str(po_path.with_suffix(".mo"))],
                           capture_output=True, text=True, check=True).stdout
    mo = polib.pofile(unfmt)
    assert sorted((e.msgctxt, e.msgstr) for e in mo) == sorted(
        (k, entries[k].msgstr) for k in ("date", "title"))  # drafts stay out of the MO
    assert mo.metadata["Language"] == "uk"


def test_reexport_is_byte_identical(run, samples, tmp_path):
    for name in SAMPLE_NAMES:
        assert run("import", str(samples / f"{name}.txt")).exit_code == 0
    translate(run.db_path, "uk-bridge", "en")
    assert run("po", "export", "--mo").exit_code == 0
    files = sorted(p for p in (tmp_path / "locales").rglob("*") if p.is_file())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    result = run("po", "export", "--mo", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["written"] == []
    assert sorted(p for p in (tmp_path / "locales").rglob("*") if p.is_file()) == files
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    # and a fresh directory gets the same bytes
    assert run("po", "export", "--mo", "--dir", "again").exit_code == 0
    for path in files:
        twin = tmp_path / "again" / path.relative_to(tmp_path / "locales")
        assert twin.read_bytes() == before[path][0]


def poedit(path: Path, edits: dict[str, str]) -> None:
    """What a translator's tool does: load, change msgstr, clear fuzzy, save."""
    catalog = polib.pofile(str(path))
    for entry in catalog:
        if entry.msgctxt in edits:
            entry.msgstr = edits[entry.msgctxt]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalog.metadata["PO-Revision-Date"] = "2030-01-01 00:00+0000"
    catalog.metadata["Last-Translator"] = "Poedit User <p@example.org>"
    catalog.save()


def units_by_key(run, article: str = "tiny") -> dict:
    return {u["key"]: u["translations"]["uk"] for u in run.json("units", article)}


@pytest.mark.english
def test_round_trip_through_a_translators_tool(run, tiny, tmp_path):
    assert run("po", "export").exit_code == 0
    po_path = tmp_path / "locales" / "uk" / "LC_MESSAGES" / "tiny.po"
    poedit(po_path, {"p1.s1": "Видатки зростуть.", "p1.s2": "Дефіцит зменшиться."})
    # one more entry left fuzzy with new text: becomes a draft
    catalog = polib.pofile(str(po_path))
    catalog.find("Бюджет принят.", msgctxt="title").msgstr = "Бюджет ухвалили."
    catalog.find("Бюджет принят.", msgctxt="title").flags.append("fuzzy")
    catalog.save()
    result = run("po", "import", str(po_path), "--as", "ivan")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"{po_path}: tiny (uk): 3 applied, 2 unchanged, 0 conflicts, 0 outdated, 0 unknown")
    units = units_by_key(run)
    assert units["p1.s1"] | {"updated_at": None} == {
        "text": "Видатки зростуть.", "status": "translated", "origin": "po-import",
        "translator": "ivan", "updated_at": None, "terms": []}
    assert units["p1.s2"]["text"] == "Дефіцит зменшиться."
    assert units["title"]["status"] == "draft" and units["title"]["text"] == "Бюджет ухвалили."
    assert units["date"]["origin"] == "human"  # untouched entries are not rewritten
    again = run.json("po", "import", str(po_path))
    assert again[0]["applied"] == 0


@pytest.mark.english
def test_conflicts_are_reported_and_left_alone(run, tiny, tmp_path):
    assert run("po", "export").exit_code == 0
    po_path = tmp_path / "locales" / "uk" / "LC_MESSAGES" / "tiny.po"
    poedit(po_path, {"category": "економіка (PO)", "date": "Понеділок, 17-го лютого",
                     "p1.s2": "Дефіцит зменшиться."})
    # meanwhile, in the database: category and p1.s1 change, date is approved
    translate(run.db_path, "tiny", "uk", keys={"category"}, text=lambda k, s: "економіка (DB)",
              translator="marta")
    translate(run.db_path, "tiny", "uk", keys={"p1.s1"}, text=lambda k, s: "Витрати зростуть!")
    translate(run.db_path, "tiny", "uk", keys={"date"}, text=lambda k, s: "Понеділок, 17 лютого",
              status="approved")
    result = run.json("po", "import", str(po_path))
    report = result[0]
    assert report["applied"] == 1  # p1.s2: nobody touched it in the database
    assert sorted(c["key"] for c in report["conflicts"]) == ["category", "date"]
    conflict = next(c for c in report["conflicts"] if c["key"] == "category")
    assert conflict == {"key": "category", "database": "економіка (DB)",
                        "database_status": "translated", "file": "економіка (PO)"}
    units = units_by_key(run)
    assert units["category"]["text"] == "економіка (DB)"
    assert units["date"]["status"] == "approved"
    assert units["p1.s1"]["text"] == "Витрати зростуть!"  # untouched in the file: kept
    assert units["p1.s2"]["text"] == "Дефіцит зменшиться."
    human = run("po", "import", str(po_path))
    assert "conflict  category: changed in the database since the export" in human.stdout


def test_outdated_and_unknown_entries(run, tiny, tmp_path):
    assert run("po", "export").exit_code == 0
    po_path = tmp_path / "locales" / "uk" / "LC_MESSAGES" / "tiny.po"
    poedit(po_path, {"p1.s2": "Дефіцит зменшиться.", "category": "економіка!"})
    # the source sentence changes after the export
    tiny.write_text(TINY.replace("Дефицит снизится.", "Дефицит вырастет."), encoding="utf-8")
    assert run("import", str(tiny)).exit_code == 0
    catalog = polib.pofile(str(po_path))
    catalog.append(polib.POEntry(msgctxt="p9.s9", msgid="Нет такого.", msgstr="Немає."))
    catalog.save()
    report = run.json("po", "import", str(po_path))[0]
    assert report["outdated"] == ["p1.s2"]
    assert report["unknown"] == ["p9.s9"]
    assert report["applied"] == 1
    assert units_by_key(run)["p1.s2"]["text"] is None


@pytest.mark.english
def test_article_from_file_name_and_language_checks(run, tiny, tmp_path):
    assert run("po", "export").exit_code == 0
    po_path = tmp_path / "locales" / "uk" / "LC_MESSAGES" / "tiny.po"
    catalog = polib.pofile(str(po_path))
    del catalog.metadata["X-Transdesk-Article"]
    catalog.find("Дефицит снизится.", msgctxt="p1.s2").msgstr = "Дефіцит зменшиться."
    catalog.save()
    before = table_dump(run.db_path)
    result = run("po", "import", str(po_path), "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {po_path}: the file is in uk (Language header),"
                             " not en\n")
    assert table_dump(run.db_path) == before
    result = run("po", "import", str(po_path), "--lang", "ua")
    assert result.exit_code == 0, result.output
    assert units_by_key(run)["p1.s2"]["text"] == "Дефіцит зменшиться."


@pytest.mark.english
def test_malformed_po_changes_nothing(run, tiny, tmp_path):
    assert run("po", "export").exit_code == 0
    good = tmp_path / "locales" / "uk" / "LC_MESSAGES" / "tiny.po"
    poedit(good, {"p1.s2": "Дефіцит зменшиться."})
    bad = tmp_path / "bad.po"
    bad.write_text(good.read_text(encoding="utf-8").replace('msgid "Бюджет', 'msgid Бюджет'),
                   encoding="utf-8")
    before = table_dump(run.db_path)
    result = run("po", "import", str(good), str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}: malformed PO file")
    assert result.stderr.count("\n") == 1
    assert table_dump(run.db_path) == before
    for garbage in (b"\x00\xff\xfe binary", b'msgid "a"\nmsgstr "b\n'):
        bad.write_bytes(garbage)
        result = run("po", "import", str(bad))
        assert result.exit_code == 2, garbage
        assert "malformed PO file" in result.stderr
    missing = run("po", "import", str(tmp_path / "nope.po"))
    assert missing.exit_code == 2
    assert table_dump(run.db_path) == before


@pytest.mark.english
def test_po_export_language_selection(run, samples, tmp_path):
    for name in ("ru-budget", "uk-bridge"):
        assert run("import", str(samples / f"{name}.txt")).exit_code == 0
    result = run("po", "export", "--lang", "ua")
    assert result.exit_code == 0
    files = sorted(str(p.relative_to(tmp_path / "locales"))
                   for p in (tmp_path / "locales").rglob("*") if p.is_file())
    assert files == ["ru-budget.pot", "uk/LC_MESSAGES/ru-budget.po"]  # uk-bridge: source uk
    result = run("po", "export", "uk-bridge", "--lang", "uk")
    assert result.exit_code == 2
    assert "uk is not a target language of 'uk-bridge'" in result.stderr
    assert run("po", "export", "nope").exit_code == 2
    # one bad article among several: nothing is written
    result = run("po", "export", "ru-budget", "uk-bridge", "--lang", "uk", "--dir", "mixed")
    assert (result.exit_code, result.stderr) == (
        2, "Error: uk is not a target language of 'uk-bridge' (targets: ru, en)\n")
    assert not (tmp_path / "mixed").exists()
    result = run("po", "export", "--dir", "")
    assert (result.exit_code, result.stderr) == (2, "Error: --dir needs a directory name\n")
    result = run("po", "export", "ru-budget", "--lang", "uk", "--dir", "one")
    assert (result.exit_code, result.stdout) == (
        0, "1 article: 2 files written, 0 unchanged in one\n")


@pytest.mark.english
def test_po_import_names_what_is_wrong_with_the_input(run, tiny, tmp_path):
    assert run("po", "export", "--mo").exit_code == 0
    folder = tmp_path / "locales" / "uk" / "LC_MESSAGES"
    renamed = tmp_path / "other.po"
    catalog = polib.pofile(str(folder / "tiny.po"))
    del catalog.metadata["X-Transdesk-Article"]
    catalog.save(str(renamed))
    catalog.metadata["X-Transdesk-Article"] = "gone"
    catalog.save(str(tmp_path / "gone.po"))
    before = table_dump(run.db_path)
    cases = [
        ([str(folder)], f"Error: '{folder}' is a directory: name the PO files in it"),
        ([str(folder / "tiny.mo"), "--lang", "uk"],
         f"Error: {folder / 'tiny.mo'}: malformed PO file: binary data, not text"
         " (a compiled .mo? import the .po)"),
        ([str(renamed)], f"Error: {renamed}: no X-Transdesk-Article header, and the file name"
                         " gives an unknown article 'other' (see 'transdesk articles')"),
        ([str(tmp_path / "gone.po")], f"Error: {tmp_path / 'gone.po'}: its X-Transdesk-Article"
                                      " header names an unknown article 'gone'"
                                      " (see 'transdesk articles')"),
        ([str(tmp_path / "locales" / "tiny.pot"), "--lang", "ru"],
         f"Error: {tmp_path / 'locales' / 'tiny.pot'}: ru is not a target language of 'tiny'"
         " (targets: uk)"),
    ]
    for args, message in cases:
        result = run("po", "import", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", message + "\n"), args
    assert table_dump(run.db_path) == before
