"""The memory's words on both engines (m097): PostgreSQL splits remembered texts into
the words transdesk.tm splits a sentence into (and SQLite's FTS5 index holds), counts
them per word as SQLite's tm_vocab does, whoever changes the memory, and finds the same
fuzzy candidates, so drafts from a big memory agree."""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest
from conftest import Cli
from test_memory_engines import copied, drafts, source_desk
from test_tm import DAYS, FIRST, LAST, TEMPLATES, templated_tmx

from transdesk import storage, tm
from transdesk.errors import Refused
from transdesk.storage import memory as memory_sql
from transdesk.storage.postgres_words import WORD_CHARACTERS

TRICKY = [
    "Обʼєкт об'єкт «Київ» — м² COVID-19, 3.5% і 12:30; x_y",
    "Café NAÏVE Ⅻ ½ ﬁnal",  # (ﬁ: a letter of its own)
    "ЁЛКА ёлка Їжак ЇЖАК Ґанок",
    "e-mail: desk@example.com https://example.com/a?b=1 #тег",
]


def python_words(text: str) -> set[str]:
    return {w.lower() for w in tm._WORD.findall(text)}


def word_class() -> str:
    """WORD_CHARACTERS as generated: runs of ``str.isalnum`` characters, as ranges."""
    everything = "".join(map(chr, range(0x110000)))

    def escape(c: int) -> str:
        return chr(c) if c < 0x80 else (f"\\u{c:04x}" if c < 0x10000 else f"\\U{c:08x}")

    parts = []
    for m in re.finditer(r"[^\W_]+", everything):
        a, b = m.start(), m.end() - 1
        parts.append(escape(a) if a == b else escape(a) + escape(b) if b == a + 1
                     else f"{escape(a)}-{escape(b)}")
    return "".join(parts)


def class_members(bracket: str, below: int) -> set[int]:
    found: set[int] = set()
    for m in re.finditer(r"(\\u[0-9a-f]{4}|\\U[0-9a-f]{8}|.)(?:-(\\u[0-9a-f]{4}|\\U[0-9a-f]{8}|.))?",
                         bracket):
        a, b = (int(x[2:], 16) if x.startswith("\\") else ord(x)
                for x in (m.group(1), m.group(2) or m.group(1)))
        found.update(c for c in range(a, b + 1) if c < below)
    return found


def test_the_word_characters_are_what_python_splits_words_with():
    """Below U+3000 (every script a newsroom writes, and the digits, superscripts,
    fractions and number forms), the class is exactly Python's ``[^\\W_]``; all of it
    where Python's Unicode is the one it was generated from."""
    import unicodedata

    python = {c for c in range(0x3000) if chr(c).isalnum()}
    assert class_members(WORD_CHARACTERS, 0x3000) == python
    if unicodedata.unidata_version == "14.0.0":
        assert word_class() == WORD_CHARACTERS


def test_postgres_splits_texts_into_the_words_python_finds(pg_url):
    desk = storage.open(pg_url)
    try:
        for text in TRICKY:
            row = desk.execute("SELECT tsvector_to_array(transdesk_memory_words(?))",
                               [text]).fetchone()
            assert set(row[0]) == python_words(text), text
        row = desk.execute("SELECT transdesk_memory_words(?)", ["x" * 3000 + " ok"]).fetchone()
        assert str(row[0]) == "'ok'"  # a word too long for a lexeme is left out
    finally:
        desk.close()


def test_a_database_in_the_c_locale_still_lowers_every_script(pg_server, tmp_path):
    """lower() in a C-locale database changes ASCII only: the word function then takes
    another collation (ICU's, or C.UTF-8), and Cyrillic words still match."""
    from transdesk.storage.postgres import PostgresDesk

    name = f"td_c_locale_{tmp_path.name[-12:].lower()}"
    name = "".join(c if c.isalnum() else "_" for c in name)
    pg_server.admin(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\''
                    " LC_COLLATE 'C' LC_CTYPE 'C'")
    try:
        desk = PostgresDesk(pg_server.url_for(name), set_up_roles=False)
        try:
            row = desk.execute("SELECT lower('ЇЖАК'),"
                               " tsvector_to_array(transdesk_memory_words(?))",
                               [TRICKY[2]]).fetchone()
            assert row[0] == "ЇЖАК"  # the database's own lower()
            assert set(row[1]) == python_words(TRICKY[2]) == {"ёлка", "їжак", "ґанок"}
        finally:
            desk.close()
    finally:
        pg_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def counted_from_memory(desk) -> Counter:
    """word -> how many texts of tm_memory hold it, in any language (tm_vocab's count)."""
    counts: Counter = Counter()
    for (text,) in desk.execute("SELECT text FROM tm_memory").fetchall():
        counts.update(python_words(text))
    return counts


def assert_counts_follow_the_memory(desk, also: set[str] = frozenset()) -> None:
    expected = counted_from_memory(desk)
    assert expected
    words = sorted(set(expected) | set(also))
    assert memory_sql.document_frequencies(desk, words) == dict(expected)
    if desk.engine == "postgresql":  # per language, once folded
        memory_sql.fold_word_counts(desk)
        assert desk.execute("SELECT count(*) FROM tm_words_pending").fetchone()[0] == 0
        per_lang = Counter()
        for lang, text in desk.execute("SELECT lang, text FROM tm_memory").fetchall():
            per_lang.update((w, lang) for w in python_words(text))
        stored = {(w, lang): docs for w, lang, docs in desk.execute(
            "SELECT word, lang, docs FROM tm_words WHERE docs <> 0").fetchall()}
        assert stored == dict(per_lang)


def test_word_counts_follow_every_change_of_the_memory(engine, desk_url, samples, tmp_path):
    target = copied(source_desk(samples, tmp_path), desk_url)  # PostgreSQL: counted anew
    desk = storage.open(target)
    try:
        assert_counts_follow_the_memory(desk)
        old_texts = {t for (t,) in desk.execute("SELECT text FROM tm_memory").fetchall()}
        gone = set().union(*(python_words(t) for t in old_texts))
        with desk.transaction():
            # a translation changed, one taken back (it and maybe its source leave the
            # memory), a source sentence edited, a new one done
            desk.execute("UPDATE translations SET text = 'Уряд ухвалив новий бюджет на 2027 р.'"
                         " WHERE article_id = 'ru-budget' AND lang = 'uk'"
                         " AND unit_id = (SELECT id FROM units WHERE key = 'title'"
                         " AND article_id = 'ru-budget')")
            desk.execute("UPDATE translations SET status = 'untranslated', text = NULL"
                         " WHERE article_id = 'ru-budget' AND lang = 'uk' AND unit_id ="
                         " (SELECT id FROM units WHERE key = 'p3.s1'"
                         " AND article_id = 'ru-budget')")
            desk.execute("UPDATE units SET source = 'Кабинет министров утвердил смету.'"
                         " WHERE article_id = 'ru-budget' AND key = 'p1.s1'")
            desk.execute("UPDATE translations SET status = 'translated',"
                         " text = 'Ганна Петренко подякувала всім учасникам.'"
                         " WHERE article_id = 'follow-up' AND lang = 'uk' AND unit_id ="
                         " (SELECT min(unit_id) FROM translations WHERE"
                         " article_id = 'follow-up' AND lang = 'uk')")
        assert_counts_follow_the_memory(desk, also=gone)
        assert memory_sql.document_frequencies(desk, ["смету", "ганна", "эксперты"]) == {
            "смету": 1, "ганна": 1, "эксперты": 1}  # the TMX's, not the translation's
        more = tmp_path / "more.tmx"
        more.write_text('<tmx version="1.4"><header/><body><tu><tuv xml:lang="ru"><seg>'
                        "Эксперты настроены осторожно, смету приняли.</seg></tuv>"
                        '<tuv xml:lang="en"><seg>Experts are cautious.</seg></tuv></tu>'
                        "</body></tmx>", encoding="utf-8")
        tm.import_tmx(desk, more)
        assert_counts_follow_the_memory(desk, also=gone)
        assert memory_sql.document_frequencies(desk, ["смету", "experts"]) == {
            "смету": 2, "experts": 2}
    finally:
        desk.close()


def test_a_translators_submit_counts_its_words(pg_url, samples, tmp_path, logins,
                                               monkeypatch):
    """The submit function writes the memory and, through its triggers, the counts; a
    translator's look-up folds them (the fold is a function translators may call)."""
    copied(source_desk(samples, tmp_path), pg_url)
    monkeypatch.delenv("TRANSDESK_USER", raising=False)
    alice_url = logins.add("alice", "translator")
    alice = Cli(alice_url)
    unit = alice.json("next", "--lang", "uk", "--article", "follow-up")
    saved = alice.json("submit", str(unit["id"]), "--lang", "uk", "--text",
                       "Зовсім нове речення перекладачки Аліси.")
    assert saved["status"] == "translated"
    desk = storage.open(alice_url)
    try:
        assert desk.execute("SELECT count(*) FROM tm_words_pending").fetchone()[0] > 0
        assert memory_sql.document_frequencies(desk, ["аліси", "перекладачки"]) == {
            "аліси": 1, "перекладачки": 1}
        assert desk.execute("SELECT count(*) FROM tm_words_pending").fetchone()[0] == 0
        with pytest.raises(Refused, match=r"editor"):
            desk.execute("DELETE FROM tm_words")
    finally:
        desk.close()
    owner = storage.open(pg_url)
    try:
        assert_counts_follow_the_memory(owner)
    finally:
        owner.close()


def test_the_migration_counts_the_words_of_an_existing_memory(pg_url, samples, tmp_path):
    """A desk made before m097 (its trigram index, no word index or counts) gets them
    when opened, counted from the memory it holds."""
    copied(source_desk(samples, tmp_path), pg_url)
    desk = storage.open(pg_url)
    try:
        desk.conn.execute("""
            DROP FUNCTION transdesk_memory_words_fold();
            DROP TRIGGER tm_memory_words_ai ON tm_memory;
            DROP TRIGGER tm_memory_words_ad ON tm_memory;
            DROP TRIGGER tm_memory_words_au ON tm_memory;
            DROP FUNCTION tm_memory_words_count();
            DROP TABLE tm_words, tm_words_pending;
            DROP INDEX tm_memory_words;
            DROP FUNCTION transdesk_memory_words(text);
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            CREATE INDEX tm_memory_trgm ON tm_memory USING gin (text gin_trgm_ops);
            DELETE FROM transdesk_migrations WHERE name = 'm097_memory_words';
        """)
    finally:
        desk.close()
    desk = storage.open(pg_url)
    try:
        assert desk.applied_steps()[-1] == "m097_memory_words"
        assert desk.execute("SELECT count(*) FROM tm_words_pending").fetchone()[0] == 0
        assert_counts_follow_the_memory(desk)
        indexes = {row[0] for row in desk.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tm_memory'").fetchall()}
        assert "tm_memory_words" in indexes and "tm_memory_trgm" not in indexes
    finally:
        desk.close()


def big_memory_queries(rng, remembered: list[str]) -> list[str]:
    known = set(remembered)
    return list(dict.fromkeys(
        q for q in (t.format(rng.choice(FIRST), rng.choice(LAST), rng.choice(DAYS))
                    + rng.choice(["", " Это важно.", "!"]) for t in TEMPLATES * 10)
        if q not in known))


def test_fuzzy_look_ups_are_the_same_on_both_engines(pg_url, tmp_path, monkeypatch):
    """One text at a time (the full-text queries, on PostgreSQL too: no SentenceIndex,
    whatever the memory's size), every query word held by more rows than a candidate
    query reads: the same matches, scores and groups."""
    import random

    rng = random.Random(17)
    remembered = templated_tmx(tmp_path / "memory.tmx", rng)
    queries = big_memory_queries(rng, remembered)
    found = {}
    for location in (str(tmp_path / "lite.db"), pg_url):
        desk = storage.open(location)
        try:
            assert tm.import_tmx(desk, tmp_path / "memory.tmx").imported > 2 * tm.CANDIDATES
            memory = tm.Memory(desk, "ru", "uk")
            found[desk.engine] = [memory.fuzzy(q, limit=3) for q in queries]
            assert memory._index is None
        finally:
            desk.close()
    assert all(found["sqlite"])
    assert found["postgresql"] == found["sqlite"]


@pytest.mark.english
def test_draft_from_a_templated_memory_is_the_same_on_both_engines(pg_url, samples, tmp_path,
                                                             monkeypatch):
    """`draft` one text at a time: the same text, score, origin and note of every unit
    on PostgreSQL as on SQLite, with few candidates per query (the rows each query
    yields, in key order, decide)."""
    import random

    monkeypatch.setattr(tm, "CANDIDATES", 7)
    monkeypatch.setattr(tm, "ENOUGH", 3)
    rng = random.Random(23)
    lite = source_desk(samples, tmp_path)
    remembered = templated_tmx(tmp_path / "templated.tmx", rng)
    assert Cli(lite)("tm", "import", str(tmp_path / "templated.tmx")).exit_code == 0
    article = "Вторник, 18 февраля\nэкономика\n\nМэр ответил.\n\n" + " ".join(
        big_memory_queries(rng, remembered)[:40]) + "\n"
    (tmp_path / "templated.txt").write_text(article, encoding="utf-8")
    assert Cli(lite)("import", str(tmp_path / "templated.txt"), "--lang", "ru").exit_code == 0
    reference = tmp_path / "reference.db"
    shutil.copyfile(lite, reference)
    target = copied(lite, pg_url)

    ours = Cli(target).json("draft", "--lang", "uk", "--provider", "none")
    theirs = Cli(reference).json("draft", "--lang", "uk", "--provider", "none")

    assert ours == theirs and ours["by_origin"]["tm"] > 15
    for name in ("follow-up", "templated"):
        assert drafts(target, name, "uk") == drafts(reference, name, "uk")
    fuzzy = [row for row in drafts(reference, "templated", "uk") if row[3] == "tm"
             and row[4] < 100]
    assert len(fuzzy) > 5
