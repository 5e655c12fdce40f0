"""`transdesk check --po DIR`: gettext catalogs checked with no database at all."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest
from helpers_check import translate

from transdesk.pofile import _read_po_fast, _read_po_polib, read_po

# (key, source, translation, fuzzy)
BRIDGE_EN = [
    ("date", "Четвер, 3 квітня", "Thursday, 3 April", False),
    ("category", "суспільство", "society", False),
    ("title", "У Львові відкрили новий міст через залізницю",
     "Lviv opens a new bridge over the railway", False),
    ("p1.s1", "Будівництво мосту тривало понад 2 роки й коштувало бл. 480 млн грн.",
     "Construction of the bridge took over 2 years and cost about UAH 480 million.", False),
    ("p2.s1", "«Це найбільший інфраструктурний проєкт міста за останні десять років»,"
     " — наголосив він.",
     "“This is the city’s largest infrastructure project in the last ten years,”"
     " he stressed.", False),
]


def write_po(
    root: Path,
    lang_dir: str,
    article: str,
    entries: list[tuple[str, str, str, bool]],
    language: str | None = None,
    source_lang: str | None = "uk",
    obsolete: list[tuple[str, str, str]] = (),
) -> Path:
    """A catalog in the `po export` layout, written by polib."""
    po = polib.POFile(wrapwidth=78)
    po.metadata = {
        "Project-Id-Version": article,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Transdesk-Article": article,
    }
    if language is not None:
        po.metadata["Language"] = language
    if source_lang is not None:
        po.metadata["X-Transdesk-Source-Language"] = source_lang
    for key, source, text, fuzzy in entries:
        entry = polib.POEntry(msgctxt=key, msgid=source, msgstr=text,
                              occurrences=[(f"{article}:{key}", "")])
        if fuzzy:
            entry.flags.append("fuzzy")
        po.append(entry)
    for key, source, text in obsolete:
        po.append(polib.POEntry(msgctxt=key, msgid=source, msgstr=text, obsolete=True))
    path = root / lang_dir / "LC_MESSAGES" / f"{article}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def no_database(tmp_path: Path) -> None:
    assert list(tmp_path.glob("*.db*")) == []


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    root = tmp_path / "locales"
    write_po(root, "en", "uk-bridge", BRIDGE_EN, language="en")
    return root


@pytest.mark.english
def test_complete_catalogs_pass_without_a_database(run, tmp_path, locales):
    result = run("check", "--po", str(locales), "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 article, 1 language: 0 incomplete, 0 failures\n"
    no_database(tmp_path)
    if isinstance(run.db_path, Path):  # (a PostgreSQL desk is not a file)
        assert not run.db_path.exists()


@pytest.mark.english
def test_empty_and_fuzzy_entries_are_missing(run, tmp_path, locales):
    entries = [*BRIDGE_EN[:3], (*BRIDGE_EN[3][:2], "", False), (*BRIDGE_EN[4][:3], True)]
    write_po(locales, "ua", "uk-bridge", entries, language="ru")  # contradicts its directory
    result = run("check", "--po", str(locales))
    assert result.exit_code == 2
    assert "header says Language 'ru' but it lies under ua/" in result.stderr

    write_po(locales, "ua", "uk-bridge", entries, language=None)  # language from the path
    result = run("check", "--po", str(locales), "--lang", "uk")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "uk-bridge",
        "  uk   60.0%  incomplete: 2 units missing",
        "    uk-bridge:p1.s1 [uk] untranslated",
        "    uk-bridge:p2.s1 [uk] draft",
        "1 article, 1 language: 1 incomplete (2 units missing), 0 warnings",
    ]
    assert run("check", "--po", str(locales), "--lang", "en").exit_code == 0
    assert run("check", "--po", str(locales), "--min", "60").exit_code == 0
    no_database(tmp_path)


@pytest.mark.english
def test_quality_checks_on_catalogs(run, tmp_path, locales):
    bad = [*BRIDGE_EN[:3],
           (*BRIDGE_EN[3][:2], "Construction took over 3 years and cost UAH 480 million.", False),
           (*BRIDGE_EN[4][:2], "«This is the city’s largest project in ten years», he said.",
            False)]
    path = write_po(locales, "en", "uk-bridge", bad, language="en")
    lenient = run("check", "--po", str(locales))
    assert lenient.exit_code == 0
    assert "    uk-bridge:p1.s1 [en] warning numbers: numbers differ: source has 2," \
           " translation has 3" in lenient.stdout.splitlines()
    assert "    uk-bridge:p2.s1 [en] warning quote-style: quote style: use “…” in English," \
           " not «…»" in lenient.stdout.splitlines()

    strict = run("check", "--po", str(locales), "--strict", "--format", "github")
    assert strict.exit_code == 1
    lines = strict.stdout.splitlines()
    pattern = re.compile(r"^::error file=(?P<file>[^,]+),line=(?P<line>\d+),"
                         r"title=(?P<check>[\w-]+) (?P<where>[^:]+)::(?P<message>.+)$")
    matches = [pattern.match(line) for line in lines[:-1]]
    assert all(matches), lines
    assert [(m["file"], m["check"]) for m in matches] == [
        (str(path), "numbers"), (str(path), "quote-style")]
    po_lines = path.read_text(encoding="utf-8").splitlines()
    assert po_lines[int(matches[0]["line"]) - 1].startswith('msgid "Будівництво мосту')

    ignored = run("check", "--po", str(locales), "--strict", "--ignore", "numbers",
                  "--ignore", "quote-style")
    assert ignored.exit_code == 0
    no_database(tmp_path)


@pytest.mark.english
def test_accept_flag_in_a_catalog(run, locales):
    path = locales / "en" / "LC_MESSAGES" / "uk-bridge.po"
    po = polib.pofile(str(path))
    po[1].msgstr = "social affairs"  # category: not a check problem
    po[0].msgstr = "Thursday, 3 April, 2025"
    po.save(str(path))
    assert run("check", "--po", str(locales), "--strict").exit_code == 1
    po[0].flags.append("accept-numbers")
    po.save(str(path))
    result = run("check", "--po", str(locales), "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("0 failures, 1 accepted\n")


def test_formats_from_catalogs(run, locales):
    write_po(locales, "ru", "uk-bridge", [(k, s, "", False) for k, s, _t, _f in BRIDGE_EN],
             language="ru")
    data = json.loads(run("check", "--po", str(locales), "--json").stdout)
    assert data["source"] == "po"
    assert [(r["lang"], r["file"], r["percent"]) for r in data["results"]] == [
        ("ru", str(locales / "ru" / "LC_MESSAGES" / "uk-bridge.po"), 0.0),
        ("en", str(locales / "en" / "LC_MESSAGES" / "uk-bridge.po"), 100.0)]
    junit = ET.fromstring(run("check", "--po", str(locales), "--format", "junit").stdout)
    cases = junit.find("testsuite").findall("testcase")
    assert [(c.get("name"), c.find("failure") is not None) for c in cases] == [
        ("ru", True), ("en", False)]
    assert cases[0].get("file") == str(locales / "ru" / "LC_MESSAGES" / "uk-bridge.po")


@pytest.mark.english
def test_bad_catalog_dirs_and_files(run, tmp_path, locales):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("check", "--po", str(empty))
    assert result.exit_code == 2 and "no catalogs in" in result.stderr
    result = run("check", "other-article", "--po", str(locales))
    assert result.exit_code == 2 and "no catalog for article 'other-article'" in result.stderr
    broken = locales / "ru" / "LC_MESSAGES" / "uk-bridge.po"
    broken.parent.mkdir(parents=True)
    broken.write_text('msgid "a"\nmsgstr "b\nthis is not PO\n', encoding="utf-8")
    result = run("check", "--po", str(locales))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: malformed PO file ")
    no_database(tmp_path)


@pytest.mark.english
def test_po_export_then_check_without_database(run, tmp_path, samples):
    """The real round trip: `po export` from a database, `check --po` with none."""
    assert run("import", str(samples / "uk-bridge.txt")).exit_code == 0
    units = run.json("units", "uk-bridge", "--lang", "en")
    translate(run.db_path, "uk-bridge", "en", {
        u["key"]: f"Sentence {i}." if u["kind"] == "sentence" else f"Header {i}"
        for i, u in enumerate(units)})
    translate(run.db_path, "uk-bridge", "en", {"p1.s1": "A draft."}, status="draft")
    exported = run("po", "export", "--dir", "locales")
    assert exported.exit_code == 0, exported.output
    on_file = isinstance(run.db_path, Path)  # else a PostgreSQL desk, left alone
    if on_file:
        run.db_path.rename(tmp_path / "elsewhere.sqlite")
    result = run("check", "--po", "locales", "--lang", "en", "--ignore", "numbers,length,quotes")
    assert result.exit_code == 1
    assert "    uk-bridge:p1.s1 [en] draft" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == (
        "1 article, 1 language: 1 incomplete (1 unit missing), 0 warnings"
        " (ignored: numbers, length, quotes)")
    assert not (on_file and run.db_path.exists())
    assert not (tmp_path / "transdesk.db").exists()


# --- the fast reader agrees with polib -----------------------------------------------


def test_fast_reader_matches_polib(tmp_path):
    long = "Дуже довге речення, " * 12 + "із «лапками» та \"прямими\" і табуляцією\tтут."
    entries = [
        ("title", "Заголовок", "Title", False),
        ("p1.s1", long, long.upper() + "\nnew line \\ backslash", False),
        ("p1.s2", "Чернетка", "Draft", True),
        ("p1.s3", "Порожньо", "", False),
    ]
    path = write_po(tmp_path, "en", "art", entries, language="en",
                    obsolete=[("p9.s9", "Старе", "Old")])
    fast = _read_po_fast(path, path.read_bytes())
    assert fast is not None
    slow = _read_po_polib(path)
    assert fast.header == slow.header
    assert [(e.key, e.source, e.text, e.fuzzy) for e in fast.entries] == \
        [(e.key, e.source, e.text, e.fuzzy) for e in slow.entries] == entries
    lines = path.read_text(encoding="utf-8").splitlines()
    for entry in fast.entries:
        assert lines[entry.line - 1].startswith("msgid ")


def test_plural_and_other_charsets_fall_back_to_polib(tmp_path):
    path = tmp_path / "plural.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: uk\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "p1.s1"\nmsgid "one file"\nmsgid_plural "%d files"\nmsgstr[0] "один файл"\n'
        'msgstr[1] "%d файли"\n', encoding="utf-8")
    assert _read_po_fast(path, path.read_bytes()) is None
    (entry,) = read_po(path).entries
    assert (entry.key, entry.text) == ("p1.s1", "один файл")
    cp = tmp_path / "cp1251.po"
    cp.write_bytes('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=cp1251\\n"\n\n'
                   'msgctxt "title"\nmsgid "Заголовок"\nmsgstr "Заголовок"\n'.encode("cp1251"))
    assert _read_po_fast(cp, cp.read_bytes()) is None
    assert read_po(cp).entries[0].text == "Заголовок"


# --- dogfood: the repository's own catalogs ------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_locales_are_built_from_the_examples_and_pass_strict(run, tmp_path):
    """`examples/locales/` is exactly what examples/build_locales.py makes (rebuild and commit
    after editing examples/translations), and the strict gate passes on it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_locales",
                                                  ROOT / "examples" / "build_locales.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--dir", str(tmp_path / "built")]) == 0
    built = {p.relative_to(tmp_path / "built"): p.read_bytes()
             for p in (tmp_path / "built").rglob("*.po*")}
    committed = {p.relative_to(ROOT / "examples" / "locales"): p.read_bytes()
                 for p in (ROOT / "examples" / "locales").rglob("*.po*")}
    assert sorted(built) == sorted(committed)
    stale = [str(path) for path in built if built[path] != committed[path]]
    assert stale == [], "run: python examples/build_locales.py"
    result = run("check", "--po", str(ROOT / "examples" / "locales"), "--strict")
    assert result.exit_code == 0, result.output
    no_database(tmp_path)


def test_catalogs_in_two_processes_give_the_same_report(tmp_path, locales):
    from transdesk.check.catalogs import check_catalogs
    from transdesk.check.render import report_dict

    write_po(locales, "en", "uk-bridge-2", [
        *BRIDGE_EN[:3],
        (*BRIDGE_EN[3][:2], "Construction took over 3 years and cost UAH 480 million.", False),
        *BRIDGE_EN[4:]], language="en")
    write_po(locales, "en", "uk-bridge-3", [(*BRIDGE_EN[0][:2], "", False), *BRIDGE_EN[1:]],
             language="en")
    one = report_dict(check_catalogs(locales, workers=1))
    two = report_dict(check_catalogs(locales, workers=2))
    assert two == one
    assert [(r["article"], len(r["missing"]), [f["check"] for f in r["findings"]])
            for r in one["results"]] == [("uk-bridge", 0, []), ("uk-bridge-2", 0, ["numbers"]),
                                         ("uk-bridge-3", 1, [])]
    no_database(tmp_path)


def test_catalog_names_are_kept_packed_in_order(tmp_path):
    """An archive's catalog names are held as one text and offsets (memory that does not
    grow by a str object per catalog), read back in (article, language) order."""
    import sys

    from transdesk.check.catalogs import find_catalogs
    from transdesk.packed import PackedStrings

    for lang in ("uk", "en"):
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        for n in (3, 1, 2):
            (folder / f"article-{n}.po").write_text("", encoding="utf-8")
    (tmp_path / "en" / "LC_MESSAGES" / "notes.txt").write_text("", encoding="utf-8")
    found = find_catalogs(tmp_path)
    assert isinstance(found, PackedStrings)
    assert list(found) == [f"article-{n}/{lang}" for n in (1, 2, 3) for lang in ("en", "uk")]
    assert found[3] == "article-2/uk" and list(found.between(4, 99)) == ["article-3/en",
                                                                          "article-3/uk"]
    names = [f"article-{n:06d}/uk" for n in range(20_000)]
    packed = PackedStrings(names)
    assert list(packed) == names
    as_list = sys.getsizeof(names) + sum(sys.getsizeof(name) for name in names)
    assert sys.getsizeof(packed) < as_list / 2


def _find_catalogs_peak(root: Path) -> int:
    import tracemalloc

    from transdesk.check.catalogs import find_catalogs

    tracemalloc.start()
    try:
        found = find_catalogs(root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(found) > 0
    return peak


def test_finding_catalogs_holds_no_object_per_catalog(tmp_path):
    """The names are read in sorted runs, packed, and merged: what finding 3x the
    catalogs takes more is their packed names (~20 bytes each), not a list of str and
    sort keys (~200 bytes each, which a process keeps once freed), and the order is
    (article, language) across runs."""
    from transdesk.check.catalogs import find_catalogs
    from transdesk.packed import PACK_BLOCK

    def make(root: Path, count: int) -> None:
        for lang in ("uk", "en"):
            folder = root / lang / "LC_MESSAGES"
            folder.mkdir(parents=True)
            for n in range(count):
                (folder / f"a-{(n * 7919) % count:06d}.po").touch()

    small, big = tmp_path / "small", tmp_path / "big"
    make(small, 2_000)
    make(big, 6_000)  # 12,000 catalogs: runs of PACK_BLOCK, more than one per directory
    assert PACK_BLOCK < 6_000
    found = find_catalogs(big)
    assert list(found) == [f"a-{n:06d}/{lang}" for n in range(6_000) for lang in ("en", "uk")]
    grown = _find_catalogs_peak(big) - _find_catalogs_peak(small)
    assert grown < 60 * 8_000, grown  # bytes per catalog more


def test_names_read_in_many_runs_give_the_same_report_bytes(tmp_path, locales, monkeypatch):
    """Catalogs found in runs of two names (merged) give the report, text and JSON,
    byte for byte as found in one run."""
    from transdesk import packed
    from transdesk.check import catalogs
    from transdesk.check.render import render

    for n, lang in ((3, "en"), (2, "ru"), (4, "en"), (1, "ru"), (5, "en")):
        entries = [*BRIDGE_EN[:2], (*BRIDGE_EN[3][:2], f"It took {n} years.", n % 2 == 0)]
        write_po(locales, lang, f"uk-bridge-{n}", entries, language=lang)
    one_run = [render(catalogs.check_catalogs(locales, workers=1), fmt)
               for fmt in ("text", "json")]
    monkeypatch.setattr(packed, "PACK_BLOCK", 2)
    assert [render(catalogs.check_catalogs(locales, workers=1), fmt)
            for fmt in ("text", "json")] == one_run
    assert json.loads(one_run[1])["summary"]["articles"] == 6
    articles = [(r["article"], r["lang"]) for r in json.loads(one_run[1])["results"]]
    assert articles == sorted(articles, key=lambda a: (a[0], ["ru", "uk", "en"].index(a[1])))
