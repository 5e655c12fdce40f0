"""export: the translated article in the source's layout, refusal, --allow-incomplete,
--finished, and the aligned TSV, TMX and JSON formats read back by independent readers."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SAMPLE_NAMES, SAMPLES
from helpers_export import targets_of, translate

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def put_sources_back(exported: str, units: list[dict], lang: str) -> str:
    """Replace each `[lang] source` marker, in order, by the source sentence."""
    out, cursor = [], 0
    for unit in units:
        marker = f"[{lang}] {unit['source']}"
        found = exported.index(marker, cursor)
        out.append(exported[cursor:found])
        out.append(unit["source"])
        cursor = found + len(marker)
    out.append(exported[cursor:])
    return "".join(out)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_translated_article_keeps_the_source_layout(run, samples, tmp_path, name):
    path = samples / f"{name}.txt"
    assert run("import", str(path)).exit_code == 0
    units = run.json("units", name)
    for lang in targets_of(name):
        translate(run.db_path, name, lang)
        out = tmp_path / f"{name}.{lang}.txt"
        result = run("export", name, "--lang", lang, "-o", str(out))
        assert result.exit_code == 0, result.output
        exported = out.read_bytes().decode("utf-8")
        assert exported != path.read_text(encoding="utf-8")
        assert put_sources_back(exported, units, lang) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t.replace("\n", "\r\n").encode(),
        lambda t: b"\xef\xbb\xbf" + t.rstrip("\n").encode(),
        lambda t: t.replace("\n\n", "\n\n\n").encode() + b"\n\n",
    ],
    ids=["crlf", "bom-no-final-newline", "extra-blank-lines"],
)
def test_layout_variants_survive_translation(run, tmp_path, variant):
    data = variant((SAMPLES / "uk-bridge.txt").read_text(encoding="utf-8"))
    path = tmp_path / "uk-bridge.txt"
    path.write_bytes(data)
    assert run("import", str(path)).exit_code == 0
    translate(run.db_path, "uk-bridge", "en")
    result = run("export", "uk-bridge", "--lang", "en")
    assert result.exit_code == 0
    units = run.json("units", "uk-bridge")
    exported = result.stdout_bytes
    assert exported.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    back = put_sources_back(exported.decode("utf-8-sig"), units, "en")
    assert back == data.decode("utf-8-sig")


@pytest.fixture
def budget(run, samples):
    """ru-budget with uk translated except p2.s1 (draft) and p3.s2 (untranslated)."""
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    translate(run.db_path, "ru-budget", "uk",
              text=lambda key, src: None if key == "p3.s2" else f"[uk] {src}",
              status=lambda key: "draft" if key == "p2.s1" else "translated")
    return run.json("units", "ru-budget")


@pytest.mark.english
def test_incomplete_language_is_refused_with_the_keys(run, budget, tmp_path):
    out = tmp_path / "out.txt"
    result = run("export", "ru-budget", "--lang", "ua", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ru-budget is not complete in uk: 2 of 12 units")
    assert "p2.s1 (draft), p3.s2 " in result.stderr
    assert result.stdout == ""
    assert not out.exists()


@pytest.mark.english
def test_allow_incomplete_fills_with_drafts_then_the_source(run, budget):
    result = run("export", "ru-budget", "--lang", "uk", "--allow-incomplete")
    assert result.exit_code == 0
    text = result.stdout
    by_key = {u["key"]: u for u in budget}
    assert f"[uk] {by_key['p2.s1']['source']}" in text  # the draft
    assert f"[uk] {by_key['p3.s2']['source']}" not in text
    assert by_key["p3.s2"]["source"] in text  # the source fills the gap
    assert "incomplete: 2 units filled in (1 with drafts, 1 with the source text)" in (
        result.stderr)


@pytest.mark.english
def test_several_articles_and_finished_go_into_a_directory(run, samples, tmp_path):
    for name in SAMPLE_NAMES:
        assert run("import", str(samples / f"{name}.txt")).exit_code == 0
    translate(run.db_path, "ru-budget", "en")
    translate(run.db_path, "uk-bridge", "en")
    translate(run.db_path, "en-fed-rates", "uk", keys={"title"})
    result = run("export", "ru-budget", "uk-bridge", "--lang", "en")
    assert result.exit_code == 2
    assert "give -o DIR" in result.stderr
    out = tmp_path / "out"
    result = run("export", "ru-budget", "uk-bridge", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["ru-budget.en.txt", "uk-bridge.en.txt"]
    finished = tmp_path / "finished"
    result = run("export", "--finished", "--lang", "en", "-o", str(finished))
    assert result.exit_code == 0
    assert sorted(p.name for p in finished.iterdir()) == ["ru-budget.en.txt",
                                                          "uk-bridge.en.txt"]
    assert (finished / "uk-bridge.en.txt").read_bytes() == (out / "uk-bridge.en.txt").read_bytes()
    assert "wrote 2 files" in result.stderr
    one = tmp_path / "one"
    one.mkdir()
    assert run("export", "uk-bridge", "--lang", "en", "-o", str(one)).exit_code == 0
    assert [p.name for p in one.iterdir()] == ["uk-bridge.en.txt"]
    # one incomplete article among several: refused, nothing written
    again = tmp_path / "again"
    result = run("export", "ru-budget", "en-fed-rates", "--lang", "uk", "-o", str(again))
    assert result.exit_code == 1
    assert "ru-budget is not complete" in result.stderr
    assert "en-fed-rates is not complete" in result.stderr
    assert not again.exists()


@pytest.mark.english
def test_unknown_article_and_source_language_formats(run, samples):
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    assert run("export", "nope", "--lang", "uk").exit_code == 2
    result = run("export", "ru-budget", "--lang", "ru", "--format", "tmx")
    assert result.exit_code == 2
    assert "source language" in result.stderr
    assert run("export", "ru-budget", "--lang", "de").exit_code == 2


def test_aligned_tsv_reads_back_with_csv(run, budget, tmp_path):
    tricky = 'Це\t"табуляція"\nі новий рядок'
    translate(run.db_path, "ru-budget", "uk", text=lambda key, src: tricky, keys={"p1.s1"})
    out = tmp_path / "a.tsv"
    result = run("export", "ru-budget", "--lang", "uk", "--format", "aligned", "-o", str(out))
    assert result.exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    assert rows[0] == ["key", "source", "target", "status"]
    assert [r[0] for r in rows[1:]] == [u["key"] for u in budget]
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["p1.s1"][2] == tricky
    assert by_key["p2.s1"][3] == "draft"
    assert by_key["p3.s2"][2:] == ["", "untranslated"]
    assert by_key["title"][1] == budget[2]["source"]


def test_tmx_is_valid_and_read_by_translate_toolkit(run, budget, tmp_path):
    out = tmp_path / "ru-budget.tmx"
    result = run("export", "ru-budget", "--lang", "uk", "--format", "tmx", "-o", str(out))
    assert result.exit_code == 0
    root = ET.parse(out).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    for attribute in ("creationtool", "creationtoolversion", "datatype", "adminlang",
                      "o-tmf"):
        assert header.get(attribute)
    assert header.get("segtype") == "sentence"
    assert header.get("srclang") == "ru"
    tus = root.findall("body/tu")
    done = [u for u in budget if u["key"] not in ("p2.s1", "p3.s2")]
    assert len(tus) == len(done) == 10
    first = tus[0]
    assert first.get("tuid") == "ru-budget:date"
    assert [tuv.get(XML_LANG) for tuv in first.findall("tuv")] == ["ru", "uk"]
    assert first.find("tuv/seg").text == done[0]["source"]

    from translate.storage import tmx

    store = tmx.tmxfile(out.read_bytes())
    units = [u for u in store.units if not u.isheader()]
    assert [(u.source, u.target) for u in units] == [
        (u["source"], f"[uk] {u['source']}") for u in done
    ]


def test_json_format(run, budget):
    result = run("export", "ru-budget", "--lang", "uk", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["article"] == "ru-budget" and data["lang"] == "uk"
    assert data["units"] == {"untranslated": 1, "draft": 1, "translated": 10, "approved": 0}
    assert data["complete"] is False
    assert [s["key"] for s in data["segments"]] == [u["key"] for u in budget]
    assert data["segments"][0]["target"] == f"[uk] {budget[0]['source']}"
    assert data["segments"][0]["translator"] == "olena"


def test_export_to_stdout_and_file_are_the_same(run, budget, tmp_path):
    translate(run.db_path, "ru-budget", "uk")
    out = tmp_path / "x.txt"
    assert run("export", "ru-budget", "--lang", "uk", "-o", str(out)).exit_code == 0
    result = run("export", "ru-budget", "--lang", "uk", "-o", "-")
    assert result.stdout_bytes == out.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert io.BytesIO(out.read_bytes()).read().endswith(b"\n")
    assert Path(out).read_text(encoding="utf-8").splitlines()[0] == "RU  UA  EN"


@pytest.mark.english
def test_unwritable_output_is_one_error_line(run, budget, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("not a directory")
    result = run("export", "ru-budget", "--lang", "ru", "-o", str(blocker / "x.txt"))
    assert (result.exit_code, result.stderr) == (
        2, f"Error: cannot write '{blocker / 'x.txt'}': '{blocker}' is a file, not a directory\n")
    result = run("po", "export", "--dir", str(blocker / "locales"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot write '{blocker / 'locales'}")
    assert result.stderr.endswith(f"'{blocker}' is a file, not a directory\n")
    result = run("tm", "export", str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        2, f"Error: '{tmp_path}' is a directory: give a file name\n")
    assert blocker.read_text() == "not a directory"
    assert not [p for p in tmp_path.rglob("*.tmp")]


@pytest.mark.english
def test_export_usage_errors_and_directory_messages(run, budget, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    cases = [
        (["--finished", "--lang", "uk"], "Error: --finished writes into a directory: give -o DIR"),
        (["--finished", "ru-budget", "--lang", "uk", "-o", "out"],
         "Error: give ARTICLEs or --finished, not both"),
        (["--lang", "uk"], "Error: name at least one ARTICLE, or use --finished"),
        (["ru-budget", "--lang", "ru", "-o", f"{blocker}/"],
         f"Error: '{blocker}' is a file, not a directory (-o DIR)"),
        (["ru-budget", "--lang", "ru", "-o", ""],
         "Error: -o needs a file or directory name, or - for stdout"),
    ]
    for args, message in cases:
        result = run("export", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", message + "\n"), args
    nothing = tmp_path / "nothing"
    result = run("export", "--finished", "--lang", "uk", "-o", str(nothing))
    assert (result.exit_code, result.stderr) == (0, "no article is complete in uk: nothing written\n")
    one = tmp_path / "one"
    result = run("export", "ru-budget", "--lang", "ru", "-o", f"{one}/")
    assert (result.exit_code, result.stderr) == (0, f"wrote 1 file to {one}/\n")
    assert [p.name for p in one.iterdir()] == ["ru-budget.ru.txt"]
