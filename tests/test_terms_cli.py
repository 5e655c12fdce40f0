"""`terms` and `words` on a real database, and where the termbase shows: `check`
(terminology and spelling, with accept, PO flags and --ignore), `next`, `units --json`
and `export --format json`."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from helpers_check import translate, write_article
from helpers_desk import sql

from transdesk import storage

DATA = Path(__file__).parent / "data" / "terms"


def kyiv(run):
    result = run("terms", "add", "--uk", "Київ", "--ru", "Киев", "--en", "Kyiv",
                 "--forbid", "en:Kiev", "--note", "the capital")
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.english
def test_add_list_remove_with_history(run):
    assert kyiv(run).stdout == ("added concept 1: ru Киев · uk Київ · en Kyiv (not: Kiev)"
                                " — the capital\n")
    assert run("terms", "add", "--uk", "Верховна Рада", "--en", "Verkhovna Rada").exit_code == 0
    listed = run.json("terms", "list")
    assert [c["terms"]["uk"]["preferred"] for c in listed] == ["Київ", "Верховна Рада"]
    assert listed[0]["terms"]["en"] == {"preferred": "Kyiv", "admitted": [],
                                        "forbidden": ["Kiev"]}
    assert listed[0]["added_by"] == "tester" and listed[0]["note"] == "the capital"
    removed = run("terms", "remove", "верховна рада")
    assert removed.exit_code == 0 and "removed concept 2" in removed.stdout
    assert [c["id"] for c in run.json("terms", "list")] == [1]
    history = sql(run.db_path, "SELECT kind, ref, action, who FROM style_history ORDER BY id")
    assert history == [("term", "1", "add", "tester"), ("term", "2", "add", "tester"),
                       ("term", "2", "remove", "tester")]


@pytest.mark.english
def test_duplicate_add_is_refused(run):
    kyiv(run)
    again = run("terms", "add", "--uk", "київ", "--en", "Kyiv city")
    assert again.exit_code == 1
    assert "already in the termbase as concept 1" in again.stderr
    assert sql(run.db_path, "SELECT COUNT(*) FROM term_concepts") == [(1,)]


@pytest.mark.english
@pytest.mark.parametrize("args, words", [
    (["--en", "Kyiv", "--forbid", "Kiev"], "--forbid wants LANG:TEXT"),
    (["--en", "Kyiv", "--forbid", "de:Kiew"], "unsupported language 'de'"),
    (["--forbid", "en:Kiev"], "needs a preferred term"),
    (["--en", "123"], "has no letters"),
])
def test_bad_add_is_one_line_exit_2(run, args, words):
    storage.open(run.db_path).close()  # an empty desk
    assert run("terms", "list").exit_code == 0
    result = run("terms", "add", *args)
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.splitlines()) == 1
    assert sql(run.db_path, "SELECT COUNT(*) FROM style_history") == [(0,)]


@pytest.mark.english
def test_import_tbx_reports_duplicates_and_export_round_trips(run, tmp_path):
    kyiv(run)
    result = run("terms", "import", str(DATA / "termbase.tbx"))
    assert result.exit_code == 0, result.output
    assert "duplicate: Киев / Київ / Kyiv is concept 1 already; not added" in result.stdout
    assert result.stdout.endswith("imported 13 concepts from termbase.tbx (1 duplicate"
                                  " skipped)\n")
    again = run.json("terms", "import", str(DATA / "termbase.tbx"))
    assert again["added"] == [] and len(again["duplicates"]) == 14
    exported = tmp_path / "out.tbx"
    assert run("terms", "export", str(exported)).exit_code == 0
    before = run.json("terms", "list")
    fresh = type(run)(tmp_path / "other.db")
    assert fresh("terms", "import", str(exported)).exit_code == 0
    after = fresh.json("terms", "list")
    strip = lambda rows: [(r["terms"], r["note"], r["case_sensitive"]) for r in rows]  # noqa: E731
    assert strip(after) == strip(before)


def test_import_and_export_csv(run, tmp_path):
    glossary = tmp_path / "weblate.csv"
    glossary.write_text("source,target,note\nКиїв,Kyiv,capital\nКиїв,Kiev,forbidden\n",
                        encoding="utf-8")
    missing = run("terms", "import", str(glossary))
    assert missing.exit_code == 2 and "--langs SOURCE,TARGET" in missing.stderr
    assert run("terms", "import", str(glossary), "--langs", "ua,en").exit_code == 0
    (concept,) = run.json("terms", "list")
    assert concept["terms"]["en"]["forbidden"] == ["Kiev"]
    out = tmp_path / "out.tsv"
    assert run("terms", "export", str(out), "--langs", "uk,en").exit_code == 0
    assert out.read_text("utf-8") == "source\ttarget\tnote\nКиїв\tKyiv\tcapital\nКиїв\tKiev\tforbidden\n"


@pytest.mark.english
@pytest.mark.parametrize("name, content, words", [
    ("bad.tbx", "<martif><text>", "malformed TBX 'bad.tbx'"),
    ("xxe.tbx", '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                "<martif>&x;</martif>", "malformed TBX 'xxe.tbx'"),
    ("de.tbx", '<martif><text><body><termEntry><langSet xml:lang="de"><tig><term>Kiew</term>'
               "</tig></langSet></termEntry></body></text></martif>", "unsupported language"),
    ("bad.csv", 'Київ,"Kyiv\n', "malformed glossary 'bad.csv'"),
    ("glossary.xlsx", "x", "use a .tbx file"),
])
def test_bad_import_changes_nothing(run, tmp_path, name, content, words):
    kyiv(run)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = run("terms", "import", str(path), "--langs", "uk,en")
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.splitlines()) == 1
    assert sql(run.db_path, "SELECT COUNT(*) FROM term_concepts") == [(1,)]
    assert sql(run.db_path, "SELECT COUNT(*) FROM style_history") == [(1,)]


@pytest.mark.english
def test_words_add_list_remove(run):
    assert run("words", "add", "Укренерго", "Нафтогаз", "--lang", "ua").exit_code == 0
    assert run("words", "add", "Укренерго", "--lang", "uk").stdout == "already listed: Укренерго [uk]\n"
    assert [w["word"] for w in run.json("words", "list", "--lang", "uk")] == ["Нафтогаз",
                                                                            "Укренерго"]
    assert run("words", "remove", "Нафтогаз", "--lang", "uk").exit_code == 0
    assert run("words", "remove", "Нафтогаз", "--lang", "uk").exit_code == 1
    assert run("words", "add", "Енергоатом", "два слова", "--lang", "uk").exit_code == 2
    assert [w["word"] for w in run.json("words", "list")] == ["Укренерго"]  # all or none
    assert sql(run.db_path, "SELECT kind, ref, action FROM style_history ORDER BY id") == [
        ("word", "uk:Укренерго", "add"), ("word", "uk:Нафтогаз", "add"),
        ("word", "uk:Нафтогаз", "remove")]


@pytest.fixture
def article(run, tmp_path):
    path = write_article(tmp_path, "news", "uk", "Зеленський прибув до Києва.")
    assert run("import", str(path), "--targets", "en,ru").exit_code == 0
    kyiv(run)
    assert run("terms", "add", "--uk", "Зеленський", "--en", "Zelensky", "--ru",
               "Зеленский").exit_code == 0
    return run


def check_lines(run, *args):
    result = run("check", "news", "--lang", "en", *args)
    return result, [line.strip() for line in result.stdout.splitlines() if "news:" in line]


@pytest.mark.english
def test_terminology_in_check_with_accept_and_ignore(article, db_path):
    translate(db_path, "news", "en", {"title": "A short note",
                                      "p1.s1": "Zelensky arrived in Kiev."})
    result, lines = check_lines(article, "--strict")
    assert result.exit_code == 1
    assert lines == ["news:p1.s1 [en] error terminology: «Києва» should be «Kyiv»; forbidden"
                     " «Kiev»; use «Kyiv»"]
    assert check_lines(article, "--strict", "--ignore", "terminology")[0].exit_code == 0
    accepted = article("accept", "news", "p1.s1", "--lang", "en", "--check", "terminology",
                       "--note", "historical name")
    assert accepted.exit_code == 0, accepted.output
    result, lines = check_lines(article, "--strict")
    assert result.exit_code == 0 and lines == []
    translate(db_path, "news", "en", {"p1.s1": "Zelensky arrived in Kyiv."})
    assert check_lines(article, "--strict")[0].exit_code == 0


@pytest.mark.english
def test_a_termbase_change_rechecks_recorded_findings(article, db_path):
    translate(db_path, "news", "en", {"title": "A short note",
                                      "p1.s1": "Zelensky arrived in Kyiv."})
    assert check_lines(article, "--strict")[0].exit_code == 0  # recorded: no findings
    assert article("terms", "add", "--uk", "прибути", "--en", "land").exit_code == 0
    _result, lines = check_lines(article, "--strict")
    assert lines == ["news:p1.s1 [en] error terminology: «прибув» should be «land»"]
    assert article("terms", "remove", "прибути").exit_code == 0
    assert check_lines(article, "--strict")[0].exit_code == 0


def test_spelling_in_check_with_suggestions_and_desk_words(article, db_path):
    translate(db_path, "news", "ru", {"title": "Короткая заметка",
                                      "p1.s1": "Зеленский прибыл в Киев вмесьте с Ярмаком."})
    result = article("check", "news", "--lang", "ru", "--json")
    (finding,) = json.loads(result.stdout)["results"][0]["findings"]
    assert finding["check"] == "spelling"
    assert finding["message"].startswith("possible misspelling: «вмесьте» (вместе")
    assert "«Ярмаком»" in finding["message"]
    assert article("words", "add", "Ярмак", "--lang", "ru").exit_code == 0
    finding = json.loads(article("check", "news", "--lang", "ru", "--json").stdout)[
        "results"][0]["findings"][0]
    assert "Ярмаком" not in finding["message"]  # a desk word, in any form


@pytest.mark.english
def test_terms_and_spelling_in_po_catalogs_with_flags(run, tmp_path):
    locales = tmp_path / "locales"
    assert run("import", str(write_article(tmp_path, "news", "uk",
                                           "Рух відкрили вчора."))).exit_code == 0
    translate(run.db_path, "news", "en", {"title": "A short note",
                                          "p1.s1": "Trafic opened yesterday."})
    assert run("po", "export", "news", "--dir", str(locales)).exit_code == 0
    result = run("check", "--po", str(locales), "--strict", "--lang", "en")
    assert result.exit_code == 1 and "spelling: possible misspelling: «Trafic»" in result.stdout
    path = locales / "en" / "LC_MESSAGES" / "news.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgctxt == "p1.s1").flags.append("accept-spelling")
    po.save(str(path))
    result = run("check", "--po", str(locales), "--strict", "--lang", "en")
    assert result.exit_code == 0 and result.stdout.endswith("1 accepted\n")


@pytest.mark.english
def test_next_screen_and_json_show_the_terms(article, db_path):
    translate(db_path, "news", "en", {"p1.s1": "Zelensky arrived in Kiev."}, status="draft")
    screen = article("next", "--lang", "en", "--article", "news", input=":s\n:q\n")
    assert screen.exit_code == 0
    assert "    terms  Зеленський → Zelensky\n" in screen.stdout
    assert "           Києва → Kyiv  ✗ not in the draft\n" in screen.stdout
    assert "           ✗ forbidden in the draft: Kiev (use Kyiv)\n" in screen.stdout
    unit = json.loads(article("next", "--lang", "en", "--article", "news", "--json").stdout)
    assert unit["key"] == "title"
    assert unit["terms"] == []


def test_next_screen_and_errors_in_ukrainian(article, run, db_path):
    """The term lines and the termbase's errors speak the interface language."""
    translate(db_path, "news", "en", {"p1.s1": "Zelensky arrived in Kiev."}, status="draft")
    uk = {"TRANSDESK_LANG": "uk"}
    screen = article("next", "--lang", "en", "--article", "news", input=":s\n:q\n", env=uk)
    assert screen.exit_code == 0
    assert "   терміни  Зеленський → Zelensky\n" in screen.stdout
    assert "Києва → Kyiv  ✗ немає в чернетці\n" in screen.stdout
    assert "✗ заборонена форма в чернетці: Kiev (уживайте Kyiv)\n" in screen.stdout
    again = run("terms", "add", "--uk", "Київ", "--en", "Kyiv", env=uk)
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: уже є в термінологічній базі як поняття 1: ")
    missing = run("terms", "remove", "Вашингтон", env=uk)
    assert missing.exit_code == 2 and "немає терміна 'Вашингтон'" in missing.stderr


def test_units_json_and_export_json_carry_term_hits(article, db_path, tmp_path):
    translate(db_path, "news", "en", {"title": "A short note",
                                      "p1.s1": "Zelensky arrived in Kyiv."})
    units = article.json("units", "news", "--lang", "en")
    hits = units[1]["translations"]["en"]["terms"]
    assert hits == [
        {"concept": 2, "source": "Зеленський", "term": "Зеленський", "translation": "Zelensky",
         "present": True, "forbidden": []},
        {"concept": 1, "source": "Києва", "term": "Київ", "translation": "Kyiv",
         "present": True, "forbidden": []}]
    out = tmp_path / "news.json"
    assert article("export", "news", "--lang", "en", "--format", "json", "-o",
                   str(out)).exit_code == 0
    segments = json.loads(out.read_text("utf-8"))["segments"]
    assert segments[1]["terms"] == hits
    assert segments[0]["terms"] == []


def test_english_variant_is_the_desks_choice(run, tmp_path):
    assert run("import", str(write_article(tmp_path, "news", "uk",
                                           "Колір змінили."))).exit_code == 0
    translate(run.db_path, "news", "en", {"title": "A short note", "p1.s1": "The color changed."})
    british = run("check", "news", "--lang", "en")
    assert "«color» (colour" in british.stdout
    american = run("check", "news", "--lang", "en", env={"TRANSDESK_ENGLISH": "en_US"})
    assert "spelling" not in american.stdout
    bad = run("check", "news", "--lang", "en", env={"TRANSDESK_ENGLISH": "en_AU"})
    assert bad.exit_code == 2 and "TRANSDESK_ENGLISH='en_AU'" in bad.stderr


def test_shipped_words_are_package_data():
    from transdesk.desk_style import shipped_words

    assert "Siluanov" in shipped_words("en")


@pytest.mark.english
def test_po_check_takes_a_desk_word_list_file(run, tmp_path):
    locales = tmp_path / "locales"
    assert run("import", str(write_article(tmp_path, "news", "uk",
                                           "Ярмак прибув."))).exit_code == 0
    translate(run.db_path, "news", "en", {"title": "A short note", "p1.s1": "Yarmak arrived."})
    assert run("po", "export", "news", "--dir", str(locales)).exit_code == 0
    assert run("words", "add", "Yarmak", "--lang", "en").exit_code == 0
    words = tmp_path / "words.txt"
    words.write_text(run("words", "list").stdout, encoding="utf-8")
    assert words.read_text(encoding="utf-8") == "en  Yarmak\n"
    flagged = run("check", "--po", str(locales), "--strict", "--lang", "en")
    assert flagged.exit_code == 1 and "«Yarmak»" in flagged.stdout
    clean = run("check", "--po", str(locales), "--strict", "--lang", "en", "--words", str(words))
    assert clean.exit_code == 0, clean.output
    words.write_text("en Yarmak extra\n", encoding="utf-8")
    bad = run("check", "--po", str(locales), "--words", str(words))
    assert bad.exit_code == 2 and "words.txt:1: expected 'LANG WORD'" in bad.stderr
    assert run("check", "--words", str(words)).exit_code == 2
