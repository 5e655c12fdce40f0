"""Translation memory: exact and fuzzy matches across articles and languages, TMX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers_desk import open_desk
from helpers_desk import query as query_desk

from transdesk import storage, tm
from transdesk.store import unit_id_for, write_translation

BUDGET_UK = {
    "title": "Уряд схвалив проєкт бюджету на 2026 р.",
    "p1.s1": "Кабінет міністрів затвердив проєкт бюджету на 2026 р.",
    "p3.s1": "Експерти налаштовані обережно.",
}
BUDGET_EN = {"title": "The government approved the draft budget for 2026"}

# A later article sharing one sentence exactly and one nearly (a changed number).
FOLLOW_UP = """\
Вторник, 18 февраля
экономика

Правительство одобрило проект бюджета на 2026 г.

Кабинет министров утвердил проект бюджета на 2027 г. Эксперты настроены осторожно.
"""


def translate(location: Path | str, article: str, lang: str, texts: dict[str, str],
              status: str = "translated") -> None:
    """What a translator's submit does: the one writer, in one transaction."""
    desk = open_desk(location)
    with desk.transaction():
        for key, text in texts.items():
            write_translation(desk, unit_id_for(desk, article, key), lang, text=text,
                              status=status, origin="human", translator="olha")
    desk.close()


def units_by_key(run, article: str, lang: str) -> dict[str, dict]:
    return {u["key"]: u["translations"][lang] for u in run.json("units", article, "--lang", lang)}


def history_notes(location: Path | str, article: str, lang: str) -> dict[str, str | None]:
    return dict(query_desk(
        location, "SELECT u.key, h.note FROM history h JOIN units u ON u.id = h.unit_id"
        " WHERE u.article_id = ? AND h.lang = ? AND h.action = 'draft'", [article, lang]))


@pytest.mark.english
def test_exact_and_fuzzy_memory_across_articles(run, samples, tmp_path):
    assert run("import", str(samples / "ru-budget.txt")).exit_code == 0
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    (tmp_path / "follow-up.txt").write_text(FOLLOW_UP, encoding="utf-8")
    assert run("import", str(tmp_path / "follow-up.txt"), "--lang", "ru").exit_code == 0

    result = run("draft", "follow-up", "--lang", "uk", "--provider", "none")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "drafted 4 units: tm 3, cldr 1; 1 without a draft (no memory match)\n"
    )
    units = units_by_key(run, "follow-up", "uk")
    assert units["title"]["text"] == BUDGET_UK["title"]
    assert (units["title"]["status"], units["title"]["origin"]) == ("draft", "tm")
    assert units["p1.s2"]["text"] == BUDGET_UK["p3.s1"]
    assert units["p1.s1"]["text"] == BUDGET_UK["p1.s1"]  # the fuzzy one: 2026 for 2027
    assert units["date"]["text"] == "Вівторок, 18 лютого"
    assert units["category"]["status"] == "untranslated"
    db = open_desk(run.db_path)
    scores = dict(db.execute(
        "SELECT u.key, t.score FROM translations t JOIN units u ON u.id = t.unit_id"
        " WHERE t.article_id = 'follow-up' AND t.lang = 'uk' AND t.origin = 'tm'").fetchall())
    assert scores["title"] == 100.0
    assert 75 <= scores["p1.s1"] < 100
    notes = history_notes(run.db_path, "follow-up", "uk")
    assert notes["p1.s1"] == "tm-source: Кабинет министров утвердил проект бюджета на 2026 г."
    assert notes["date"] is None


def test_threshold_and_no_tm(run, samples, tmp_path):
    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    (tmp_path / "follow-up.txt").write_text(FOLLOW_UP, encoding="utf-8")
    run("import", str(tmp_path / "follow-up.txt"), "--lang", "ru")

    strict = run.json("draft", "follow-up", "--lang", "uk", "--provider", "none",
                      "--threshold", "99.5")
    assert strict["by_origin"] == {"tm": 2, "cldr": 1}  # the two exact matches only

    run("import", str(tmp_path / "follow-up.txt"), "--lang", "ru", "--id", "again")
    without = run.json("draft", "again", "--lang", "uk", "--provider", "none", "--no-tm")
    assert without["by_origin"] == {"cldr": 1}
    assert {m["reason"] for m in without["without_draft"]} == {"no provider (--provider none)"}


def test_memory_in_every_direction(run, samples, tmp_path):
    """ru source translated into uk and en: memory for uk->ru, and uk<->en too."""
    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    translate(run.db_path, "ru-budget", "en", BUDGET_EN, status="approved")
    (tmp_path / "uk.txt").write_text(BUDGET_UK["title"] + "\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text(BUDGET_EN["title"] + "\n", encoding="utf-8")
    run("import", str(tmp_path / "uk.txt"), "--lang", "uk", "--id", "uk-art")
    run("import", str(tmp_path / "en.txt"), "--lang", "en", "--id", "en-art")

    assert run("draft", "uk-art", "--lang", "ru", "--provider", "none").exit_code == 0
    assert run("draft", "uk-art", "--lang", "en", "--provider", "none").exit_code == 0
    assert run("draft", "en-art", "--lang", "uk", "--provider", "none").exit_code == 0

    assert units_by_key(run, "uk-art", "ru")["title"]["text"] == (
        "Правительство одобрило проект бюджета на 2026 г.")
    assert units_by_key(run, "uk-art", "en")["title"]["text"] == BUDGET_EN["title"]
    assert units_by_key(run, "en-art", "uk")["title"]["text"] == BUDGET_UK["title"]


def test_memory_never_matches_a_unit_against_itself(run, samples):
    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    db = open_desk(run.db_path)
    uid = unit_id_for(db, "ru-budget", "title")
    memory = tm.Memory(db, "ru", "uk")
    source = "Правительство одобрило проект бюджета на 2026 г."
    assert memory.best(source).text == BUDGET_UK["title"]
    assert memory.best(source, exclude_unit=uid) is None
    assert memory.fuzzy(source + "!", exclude_unit=uid) == []


def test_memory_forgets_a_translation_sent_back_to_draft(run, samples):
    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    translate(run.db_path, "ru-budget", "uk", {"title": "Уряд схвалив"}, status="draft")
    db = open_desk(run.db_path)
    memory = tm.Memory(db, "ru", "uk")
    assert memory.best("Правительство одобрило проект бюджета на 2026 г.") is None
    assert memory.best("Эксперты настроены осторожно.").text == BUDGET_UK["p3.s1"]


@pytest.mark.english
def test_tmx_round_trip_into_a_fresh_database(run, samples, tmp_path):
    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    translate(run.db_path, "ru-budget", "en", BUDGET_EN)
    out = tmp_path / "memory.tmx"

    result = run("tm", "export", str(out))

    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote 3 translation units to {out}\n"
    text = out.read_text(encoding="utf-8")
    assert '<tmx version="1.4">' in text
    assert '<tu tuid="ru-budget:title" srclang="ru">' in text
    assert '<tuv xml:lang="en">' in text
    units = tm.read_tmx(out)
    assert units[0] == {"ru": "Правительство одобрило проект бюджета на 2026 г.",
                        "uk": BUDGET_UK["title"], "en": BUDGET_EN["title"]}

    other = tmp_path / "other.db"
    imported = run("--db", str(other), "tm", "import", str(out), "--json")
    assert json.loads(imported.stdout) == [
        {"file": str(out), "imported": 3, "duplicates": 0, "skipped": 0}]
    again = run("--db", str(other), "tm", "import", str(out))
    assert again.stdout == f"{out}: imported 0 translation units (3 already known, 0 without two of ru/uk/en)\n"
    run("--db", str(other), "import", str(samples / "ru-budget.txt"))
    drafted = run("--db", str(other), "draft", "--lang", "uk", "--provider", "none", "--json")
    assert json.loads(drafted.stdout)["by_origin"] == {"tm": 3, "cldr": 1}


def test_tmx_from_another_tool(run, samples, tmp_path):
    tmx = tmp_path / "vendor.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="ru-RU"'
        ' datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x"'
        ' creationtool="x" creationtoolversion="1"/><body>'
        '<tu><tuv xml:lang="ru-RU"><seg>Эксперты настроены <ph>&lt;b&gt;</ph>осторожно.</seg></tuv>'
        '<tuv xml:lang="UK-UA"><seg>Експерти налаштовані обережно.</seg></tuv></tu>'
        '<tu><tuv xml:lang="ru"><seg>Только одна сторона</seg></tuv>'
        '<tuv xml:lang="de"><seg>Nur eine Seite</seg></tuv></tu>'
        "</body></tmx>", encoding="utf-8")
    result = run("tm", "import", "--json", str(tmx))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"file": str(tmx), "imported": 1, "duplicates": 0, "skipped": 1}]
    run("import", str(samples / "ru-budget.txt"))
    run("draft", "--lang", "uk", "--provider", "none")
    assert units_by_key(run, "ru-budget", "uk")["p3.s1"]["text"] == "Експерти налаштовані обережно."


@pytest.mark.english
def test_malformed_tmx_exits_2_and_adds_nothing(run, tmp_path):
    good = tmp_path / "good.tmx"
    good.write_text('<tmx version="1.4"><body><tu><tuv xml:lang="ru"><seg>Да</seg></tuv>'
                    '<tuv xml:lang="uk"><seg>Так</seg></tuv></tu></body></tmx>', encoding="utf-8")
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")

    result = run("tm", "import", str(bad))

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}: not a valid TMX file")
    assert run("tm", "import", str(tmp_path / "missing.tmx")).exit_code == 2
    db = open_desk(run.db_path)
    assert db.execute("SELECT count(*) FROM tm_memory").fetchone()[0] == 0
    db.close()
    assert run("tm", "import", str(good)).exit_code == 0


def test_tm_export_to_stdout_and_unknown_article(run, samples):
    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", {"p3.s1": BUDGET_UK["p3.s1"]})
    result = run("tm", "export", "-")
    assert result.exit_code == 0
    assert "<seg>Експерти налаштовані обережно.</seg>" in result.stdout
    assert run("tm", "export", "-", "--article", "nope").exit_code == 2


def test_tm_export_is_written_a_unit_at_a_time_with_the_same_bytes(run, samples, tmp_path):
    """The memory's TMX is streamed (flat memory at any size): one chunk per translation
    unit, the same document as the whole-document writer, and an unchanged re-export
    leaves the file as it was (no mtime churn)."""
    from transdesk.tmx import TranslationUnit, write_tmx

    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    desk = open_desk(run.db_path)
    streamed = tm.MemoryTmx(desk)
    chunks = list(streamed)
    whole = write_tmx([TranslationUnit(
        dict(sorted(variants.items(), key=lambda item: (item[0] != lang, item[0]))),
        tuid=f"{article}:{key}", srclang=lang)
        for article, key, lang, variants in tm.iter_memory_units(desk)], "*all*")
    desk.close()
    assert streamed.units == len(BUDGET_UK) == 3
    assert len(chunks) == 3 + streamed.units  # head, <body>, one per unit, tail
    assert b"".join(chunks) == whole
    out = tmp_path / "memory.tmx"
    assert run("tm", "export", str(out)).exit_code == 0
    assert out.read_bytes() == whole
    before = out.stat().st_mtime_ns
    import time

    time.sleep(0.01)
    assert run("tm", "export", str(out)).exit_code == 0
    assert out.stat().st_mtime_ns == before
    translate(run.db_path, "ru-budget", "en", BUDGET_EN)
    assert run("tm", "export", str(out)).exit_code == 0
    assert out.stat().st_mtime_ns != before
    assert b"<seg>The government approved the draft budget for 2026</seg>" in out.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.sqlite_only
def test_fuzzy_lookup_uses_the_index_not_a_scan(run, samples):
    """Exact look-ups by the whole text's index; fuzzy candidates come from FTS5 (rare
    words), ranked: check the query plan."""
    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    db = open_desk(run.db_path)
    plan = " ".join(row[3] for row in db.execute(
        "EXPLAIN QUERY PLAN SELECT m.grp FROM tm_memory m WHERE m.lang = 'ru'"
        " AND m.text = 'x'"))
    assert "USING INDEX tm_memory_text (lang=? AND text=?)" in plan
    memory = tm.Memory(db, "ru", "uk")
    assert memory._rare_words("Эксперты настроены очень осторожно.")[0] == "эксперты"
    assert memory._rare_words("Совсем другие слова") == []  # nothing known: no query at all


def test_length_window_never_drops_a_match_above_the_threshold():
    """Every pair scoring >= the threshold has its length inside the window."""
    import random

    from rapidfuzz import fuzz

    rng = random.Random(5)
    alphabet = "абвгд ежз"
    for _ in range(3000):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        b = list(a)
        for _ in range(rng.randint(0, 15)):
            op = rng.random()
            if op < 0.4 and b:
                del b[rng.randrange(len(b))]
            elif op < 0.8:
                b.insert(rng.randint(0, len(b)), rng.choice(alphabet))
            elif b:
                b[rng.randrange(len(b))] = rng.choice(alphabet)
        b = "".join(b)
        for threshold in (50.0, 75.0, 90.0):
            low, high = tm.length_window(len(a), threshold)
            if fuzz.ratio(a, b) >= threshold:
                assert low <= len(b) <= high, (a, b, threshold)
    assert tm.length_window(60, 75.0) == pytest.approx((36.0, 100.0))


FIRST = ["Виктор", "Игорь", "Олег", "Юрий", "Тарас", "Николай", "Алексей", "Денис"]
LAST = ["Бондаренко", "Марченко", "Лысенко", "Шевченко", "Коваленко", "Руденко", "Петренко",
        "Кравченко", "Гончаренко", "Литвиненко"]
DAYS = ["в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "накануне"]
TEMPLATES = ["Мэр города {} {} {} ответил на вопросы журналистов.",
             "Глава НБУ {} {} {} предложил снизить налог на прибыль.",
             "Министр финансов {} {} {} представил отчёт о выполнении бюджета."]


def templated_tmx(path: Path, rng) -> list[str]:
    """A TMX memory the way a newsroom's looks: a few templates, their slots filled with
    common names and days, many sentences remembered several times (each with its own
    translation); returns the remembered ru sentences."""
    units, remembered = [], []
    for template in TEMPLATES:
        for first in FIRST:
            for last in LAST:
                for day in rng.sample(DAYS, 5):
                    ru = template.format(first, last, day)
                    remembered.append(ru)
                    units.extend((ru, f"uk {len(units)}") for _ in range(rng.randint(10, 30)))
    tus = "".join(f'<tu><tuv xml:lang="ru"><seg>{ru}</seg></tuv>'
                  f'<tuv xml:lang="uk"><seg>{uk}</seg></tuv></tu>' for ru, uk in units)
    path.write_text(f'<tmx version="1.4"><header/><body>{tus}</body></tmx>', encoding="utf-8")
    return remembered


def test_fuzzy_finds_the_best_match_among_thousands_alike(engine, desk_url, tmp_path):
    """Every query word is held by hundreds of remembered sentences, more rows than one
    candidate query reads: the best match is still found (checked by brute force)."""
    import random

    from rapidfuzz import fuzz, process

    rng = random.Random(11)
    remembered = templated_tmx(tmp_path / "memory.tmx", rng)
    db = storage.open(desk_url)
    assert tm.import_tmx(db, tmp_path / "memory.tmx").imported > 2 * tm.CANDIDATES
    memory = tm.Memory(db, "ru", "uk")
    known = set(remembered)
    queries = [q for q in (t.format(rng.choice(FIRST), rng.choice(LAST), rng.choice(DAYS))
                           + rng.choice(["", " Это важно."]) for t in TEMPLATES * 10)
               if q not in known]
    for query in queries:
        brute = process.extractOne(query, remembered, scorer=fuzz.ratio)
        found = memory.fuzzy(query)
        assert found, query
        assert found[0].score == pytest.approx(min(round(brute[1], 1), 99.9)), (query, brute)
        assert found[0].text.startswith("uk ")
    db.close()


def test_fuzzy_skips_a_close_sentence_without_the_target_language(engine, desk_url, tmp_path):
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(
        '<tmx version="1.4"><header/><body>'
        '<tu><tuv xml:lang="ru"><seg>Эксперты настроены очень осторожно.</seg></tuv>'
        '<tuv xml:lang="en"><seg>Experts are very cautious.</seg></tuv></tu>'
        '<tu><tuv xml:lang="ru"><seg>Эксперты настроены довольно осторожно.</seg></tuv>'
        '<tuv xml:lang="uk"><seg>Експерти налаштовані досить обережно.</seg></tuv></tu>'
        "</body></tmx>", encoding="utf-8")
    db = storage.open(desk_url)
    tm.import_tmx(db, tmx)
    query = "Эксперты настроены очень осторожно!"

    assert tm.Memory(db, "ru", "en").best(query).text == "Experts are very cautious."
    found = tm.Memory(db, "ru", "uk").fuzzy(query, limit=5)

    assert [(m.source, m.text) for m in found] == [
        ("Эксперты настроены довольно осторожно.", "Експерти налаштовані досить обережно.")]
    assert found[0].imported and 75 <= found[0].score < 100
    db.close()


def test_prefetch_ranks_many_sentences_at_once_and_finds_the_best(engine, desk_url, tmp_path):
    """The batch path (a SentenceIndex) gives every query the brute-force best score, as
    the one-by-one FTS5 path does, and still skips the unit being drafted."""
    import random

    from rapidfuzz import fuzz, process

    rng = random.Random(12)
    remembered = templated_tmx(tmp_path / "memory.tmx", rng)
    db = storage.open(desk_url)
    tm.import_tmx(db, tmp_path / "memory.tmx")
    known = set(remembered)
    queries = list(dict.fromkeys(
        q for q in (t.format(rng.choice(FIRST), rng.choice(LAST), rng.choice(DAYS))
                    + rng.choice(["", " Это важно.", "!"]) for t in TEMPLATES * 20)
        if q not in known))
    one_by_one = tm.Memory(db, "ru", "uk")
    batch = tm.Memory(db, "ru", "uk")
    batch.prefetch(queries, index_from=1)

    for query in queries:
        brute = process.extractOne(query, remembered, scorer=fuzz.ratio)
        found = batch.fuzzy(query)
        assert found, query
        assert found[0].score == pytest.approx(min(round(brute[1], 1), 99.9)), (query, brute)
        assert found[0].score == one_by_one.fuzzy(query)[0].score
        assert found[0].text.startswith("uk ")
        assert found[0].imported
    db.close()


def test_prefetch_skips_the_unit_itself_and_sentences_without_the_target(
        run, samples, tmp_path):
    run("import", str(samples / "ru-budget.txt"))
    translate(run.db_path, "ru-budget", "uk", BUDGET_UK)
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(
        '<tmx version="1.4"><header/><body>'
        '<tu><tuv xml:lang="ru"><seg>Правительство одобрило проект бюджета на 2026 г.!</seg>'
        '</tuv><tuv xml:lang="en"><seg>The government approved it!</seg></tuv></tu>'
        "</body></tmx>", encoding="utf-8")
    db = open_desk(run.db_path)
    tm.import_tmx(db, tmx)
    uid = unit_id_for(db, "ru-budget", "title")
    source = "Правительство одобрило проект бюджета на 2026 г.?"
    memory = tm.Memory(db, "ru", "uk")
    memory.prefetch([source], index_from=1)

    assert memory.fuzzy(source, exclude_unit=uid) == []
    found = memory.fuzzy(source)
    assert [(m.text, m.group) for m in found] == [(BUDGET_UK["title"], uid)]
    db.close()


def test_draft_of_many_sentences_ranks_them_at_once(run, tmp_path, monkeypatch):
    """A draft run hands its sentences without an exact match to ``prefetch``; with the
    batch path on (PREFETCH_MIN lowered, ROWS_PER_TEXT raised), each unit gets the
    brute-force best match."""
    import random

    from rapidfuzz import fuzz, process

    from transdesk.draft import draft

    rng = random.Random(13)
    remembered = templated_tmx(tmp_path / "memory.tmx", rng)
    assert run("tm", "import", str(tmp_path / "memory.tmx")).exit_code == 0
    known = set(remembered)
    sentences = list(dict.fromkeys(
        t.format(f, la, d) for t in TEMPLATES for f in FIRST[:4] for la in LAST[:4]
        for d in DAYS))
    article = tmp_path / "many.txt"
    article.write_text("Статья\n\n" + "\n\n".join(sentences) + "\n", encoding="utf-8")
    assert run("import", str(article), "--lang", "ru", "--targets", "uk").exit_code == 0
    monkeypatch.setattr(tm, "PREFETCH_MIN", 10)
    monkeypatch.setattr(tm, "ROWS_PER_TEXT", 10**9)
    db = open_desk(run.db_path)

    report = draft(db, "uk", provider="none")

    drafted = dict(db.execute(
        "SELECT u.source, t.score FROM translations t JOIN units u ON u.id = t.unit_id"
        " WHERE t.lang = 'uk' AND t.origin = 'tm'").fetchall())
    db.close()
    assert report.by_origin["tm"] == len(sentences)
    for sentence in sentences:
        if sentence in known:
            assert drafted[sentence] == 100.0
        else:
            brute = process.extractOne(sentence, remembered, scorer=fuzz.ratio)
            assert drafted[sentence] == pytest.approx(min(round(brute[1], 1), 99.9))
    assert sum(s not in known for s in sentences) > 10


def test_sentence_index_selects_the_sentences_sharing_the_most_words(engine, desk_url, tmp_path):
    """The bit-sliced word counts agree with counting in Python: the candidates are the
    sentences of the length window holding at least c of the text's words, c the highest
    count that selects BATCH_ENOUGH of them."""
    import random
    import re

    rng = random.Random(14)
    remembered = set(templated_tmx(tmp_path / "memory.tmx", rng))
    db = storage.open(desk_url)
    tm.import_tmx(db, tmp_path / "memory.tmx")
    index = tm.SentenceIndex(db, "ru", "uk")
    db.close()
    assert set(index.texts) == remembered

    def words(text: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[^\W_]+", text)}

    queries = ["Мэр города Денис Руденко накануне ответил на вопросы журналистов.",
               "Глава НБУ Тарас Марченко в среду предложил снизить налог.",
               "Министр финансов представил отчёт.", "Совсем другое предложение."]
    for query in queries:
        low, high = tm.length_window(len(query), 75.0)
        window = [t for t in remembered if low <= len(t) <= high]
        shared = {t: len(words(t) & words(query)) for t in window}
        counts = sorted({c for c in shared.values() if c}, reverse=True)
        at_least = next((c for c in counts
                         if sum(n >= c for n in shared.values()) >= tm.BATCH_ENOUGH),
                        counts[-1] if counts else None)
        expected = {t for t, n in shared.items() if at_least and n >= at_least}
        assert set(index.candidates(query, 75.0)) == expected, query
