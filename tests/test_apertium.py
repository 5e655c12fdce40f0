"""Apertium ru <-> uk through real pipeline processes, on the sample articles' sentences."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from conftest import SAMPLES

from transdesk.errors import BadInput, ProviderError
from transdesk.providers import get_provider
from transdesk.providers.apertium import (
    ApertiumProvider,
    build_pipeline,
    escape_stream,
    keep_final_punctuation,
    protect_apostrophes,
    strip_marks,
    unescape_stream,
)

MODES = Path("/usr/share/apertium/modes")
installed = pytest.mark.skipif(
    not (MODES / "rus-ukr.mode").exists(), reason="apertium-rus-ukr not installed"
)
MARK = re.compile(r"(?<!\w)[*#@]\w")


def sentences(name: str) -> list[str]:
    data = json.loads((SAMPLES / f"{name}.gold.json").read_text(encoding="utf-8"))
    return [s for paragraph in data["paragraphs"] for s in paragraph]


RU = sentences("ru-budget")
UK = sentences("uk-bridge")


@pytest.fixture
def apertium() -> ApertiumProvider:
    provider = get_provider("apertium")
    assert isinstance(provider, ApertiumProvider)
    return provider


@installed
@pytest.mark.parametrize(("texts", "source", "target"), [(RU, "ru", "uk"), (UK, "uk", "ru")])
def test_samples_every_sentence_drafted(
    apertium: ApertiumProvider, texts: list[str], source: str, target: str
) -> None:
    result = apertium.translate_batch(texts, source, target)
    assert len(result) == len(texts) == len(result.reasons)
    for text, (draft, reason) in zip(texts, result.pairs(), strict=True):
        assert draft is not None, (text, reason)  # the fixed pipeline translates them all
        assert reason is None
        assert not MARK.search(draft), draft
        assert draft != text


@installed
def test_known_translations(apertium: ApertiumProvider) -> None:
    ru_uk = apertium.translate_batch(
        ["Эксперты настроены осторожно.", "Голосование ожидается в октябре!"], "ru", "uk"
    )
    assert list(ru_uk) == ["Експерти налаштовані обережно.", "Голосування очікується у жовтні!"]
    uk_ru = apertium.translate_batch(["Про це повідомив міський голова А. Садовий."], "uk", "ru")
    assert list(uk_ru) == ["Про это уведомил городской голова А. Садовый."]


@installed
def test_unknown_word_marks_are_stripped(apertium: ApertiumProvider) -> None:
    # "Силуанов" and "ВВП" are unknown to the pair: raw Apertium writes "*Силуанов".
    [draft] = apertium.translate_batch(["Министр А. Силуанов назвал ВВП."], "ru", "uk")
    assert draft is not None
    assert "Силуанов" in draft and "ВВП" in draft
    assert "*" not in draft


@installed
def test_batch_equals_one_by_one(apertium: ApertiumProvider) -> None:
    """The separator is reliable: a big shuffled batch answers as single sentences do."""
    single = {text: apertium.translate_batch([text], "ru", "uk")[0] for text in RU}
    batch = RU * 20
    random.Random(7).shuffle(batch)
    result = apertium.translate_batch(batch, "ru", "uk")
    assert list(result) == [single[text] for text in batch]


@installed
def test_stream_special_characters_survive(apertium: ApertiumProvider) -> None:
    texts = [
        "Цифры [1] выглядят ^ реалистично $5 \\ a/b <x> {y} #хэштег @user",
        "",
        "   ",
        "без точки в конце",
        "Строка\nс переводом",
        "NUL\0внутри",
    ]
    result = apertium.translate_batch(texts, "ru", "uk")
    first = result[0]
    assert first is not None
    for kept in ("[1]", "^", "$5", "\\", "a/b", "<x>", "{y}", "#хэштег", "@user"):
        assert kept in first, (kept, first)
    assert result[1] is None and result.reasons[1] == "empty source text"
    assert result[2] is None and result.reasons[2] == "empty source text"
    assert result[3] == "без точки наприкінці"
    assert result[4] is not None and result[5] is not None


@installed
def test_stock_mode_loses_sentences_with_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    """Observed with apertium-rus-ukr 0.2.1-4: the stock tagger dies (SIGSEGV) on most
    sentences (here ru 7 of 9, uk 5 of 8 crash); each gets a reason, never a draft."""
    fixed = ApertiumProvider()
    monkeypatch.setenv("TRANSDESK_APERTIUM_MODE", "stock")
    stock = ApertiumProvider()
    for texts, source, target in ((RU, "ru", "uk"), (UK, "uk", "ru")):
        good = fixed.translate_batch(texts, source, target)
        bad = stock.translate_batch(texts, source, target)
        assert len(bad) == len(texts)
        assert sum(d is not None for d in bad) < sum(d is not None for d in good)
        for draft, reason in bad.pairs():
            if draft is None:
                assert reason is not None and "crashed" in reason
            else:
                assert reason is None and not MARK.search(draft)


@installed
def test_a_batch_of_200_sentences_is_translated_in_one_run(apertium: ApertiumProvider) -> None:
    """Every sentence of a big batch comes back (its speed is measured by bench/)."""
    batch = (RU * 23)[:200]
    result = apertium.translate_batch(batch, "ru", "uk")
    assert len(result) == len(batch)
    assert all(draft is not None for draft in result)


def test_not_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRANSDESK_APERTIUM_DIR", str(tmp_path))
    provider = ApertiumProvider()
    assert provider.is_usable() == (
        False,
        "apertium-rus-ukr not installed (apt-get install apertium-rus-ukr)",
    )
    with pytest.raises(ProviderError, match="apt-get install apertium-rus-ukr"):
        provider.translate_batch(["Привет"], "ru", "uk")


def test_bad_settings_and_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BadInput, match="ru-en"):
        ApertiumProvider().translate_batch(["Привет"], "ru", "en")
    monkeypatch.setenv("TRANSDESK_APERTIUM_MODE", "fast")
    with pytest.raises(BadInput, match="TRANSDESK_APERTIUM_MODE"):
        ApertiumProvider()


@installed
def test_fixed_pipeline_is_built_from_the_mode_file() -> None:
    mode = (MODES / "rus-ukr.mode").read_text(encoding="utf-8")
    fixed = build_pipeline(mode, fixed=True)
    stock = build_pipeline(mode, fixed=False)
    names = [Path(argv[0]).name for argv in fixed]
    assert "apertium-tagger" not in names
    assert "apertium-tagger" in [Path(argv[0]).name for argv in stock]
    assert len(fixed) == len(stock) - 1
    cg = fixed[names.index("cg-proc")]
    assert cg[:4] == ["cg-proc", "-z", "-1", "-n"]
    assert all(argv[1] == "-z" for argv in fixed)
    assert not any("$" in arg for argv in fixed for arg in argv)


def test_stream_escaping_round_trip() -> None:
    text = "a [b] ^c$ \\d / <e> @f {g}"
    escaped = escape_stream(text)
    assert escaped == "a \\[b\\] \\^c\\$ \\\\d \\/ \\<e\\> \\@f \\{g\\}"
    assert unescape_stream(escaped) == text


@pytest.mark.parametrize(
    ("raw", "source", "expected"),
    [
        ("министр *Силуанов.", "", "министр Силуанов."),
        ("#вийшов @слово *ок.", "", "вийшов слово ок."),
        ("#*хэштег", "#хэштег", "#хэштег"),
        ("@*user", "@user", "@user"),
        ("mail a@b.c", "", "mail a@b.c"),
        ("3 * 4", "", "3 * 4"),
    ],
)
def test_strip_marks(raw: str, source: str, expected: str) -> None:
    assert strip_marks(raw, source) == expected


@installed
@pytest.mark.parametrize(
    ("source", "target", "text", "expected"),
    [
        ("uk", "ru", "Це було у 2025.", "Это было в 2025."),
        ("ru", "uk", "Это было в 2025.", "Це було у 2025."),
        ("ru", "uk", "Рост составил 2,5.", "Ріст склав 2,5."),
        ("ru", "uk", "Сумма 1 500.", "Сума 1 500."),
        ("ru", "uk", "Читайте https://example.com/a?b=1.", "Читайте https://example.com/a?b=1."),
        ("ru", "uk", "Он сказал «в 2025».", "Він сказав «у 2025»."),
        ("ru", "uk", "Всё в 2025!", "Все у 2025!"),
    ],
)
def test_final_punctuation_after_a_number_or_url_survives(
    apertium: ApertiumProvider, source: str, target: str, text: str, expected: str
) -> None:
    """`lt-proc -z` swallowed a period standing right before the NUL after a number or
    a URL: `Це було у 2025.` came back as `Это было в 2025`."""
    assert list(apertium.translate_batch([text], source, target)) == [expected]
    # and in a batch, where every sentence but the last one used to be followed by more
    batch = apertium.translate_batch([text, "Эксперты настроены осторожно.", text],
                                     source, target)
    assert batch[0] == batch[2] == expected


@installed
@pytest.mark.parametrize("apostrophe", ["'", "’", "ʼ"])
def test_words_with_the_ukrainian_apostrophe_are_not_cut(
    apertium: ApertiumProvider, apostrophe: str
) -> None:
    """`м'ясо` is not in the pair's dictionary: cut at the apostrophe it became `м'шум`.
    Known words (`п'ять`) are still translated, in every apostrophe form."""
    meat, five = f"м{apostrophe}яса", f"п{apostrophe}ять"
    [draft] = apertium.translate_batch([f"Ціна {meat} зросла на {five} відсотків."], "uk", "ru")
    assert draft is not None
    assert meat in draft  # whole, in the source's own apostrophe
    assert "шум" not in draft
    assert "пять" in draft
    assert draft.endswith("процентов.")


@installed
def test_a_stage_that_loses_the_end_of_a_sentence_is_caught(tmp_path: Path, monkeypatch) -> None:
    """The truncation guard: a pipeline whose last stage drops the sentence's last word
    (and the closing tag behind it) gives no draft, and says why."""
    modes = tmp_path / "modes"
    modes.mkdir()
    stock = (MODES / "rus-ukr.mode").read_text(encoding="utf-8").strip()
    # a real extra stage that cuts the last word and everything after it
    (modes / "rus-ukr.mode").write_text(stock + r" | sed -E 's/ [^ ]+$//'" + "\n",
                                        encoding="utf-8")
    monkeypatch.setenv("TRANSDESK_APERTIUM_DIR", str(tmp_path))
    provider = ApertiumProvider()
    result = provider.translate_batch(["Эксперты настроены очень осторожно."], "ru", "uk")
    assert result[0] is None
    assert result.reasons[0] == "apertium answer looks truncated (its end was lost)"


@pytest.mark.parametrize(
    ("draft", "source", "expected"),
    [
        ("Це було у 2025", "Это было в 2025.", "Це було у 2025."),
        ("Він сказав «у 2025»", "Он сказал «в 2025».", "Він сказав «у 2025»."),
        ("Він сказав «у 2025»", "Он сказал «в 2025.»", "Він сказав «у 2025.»"),
        ("Все у 2025!", "Всё в 2025!", "Все у 2025!"),
        ("без точки", "без точки", "без точки"),
        ("Так?", "Да.", "Так?"),  # a draft with its own ending is left alone
    ],
)
def test_keep_final_punctuation(draft: str, source: str, expected: str) -> None:
    assert keep_final_punctuation(draft, source) == expected


def test_protect_apostrophes_only_inside_words() -> None:
    assert protect_apostrophes("м'ясо, м’ясо, мʼясо 'цитата' O'Brien") == (
        "мʼясо, мʼясо, мʼясо 'цитата' OʼBrien")


@installed
def test_answers_cached_by_an_older_apertium_call_are_asked_again(run, samples):
    """The cache of a fixed engine call is keyed by its version: an answer cached before
    the fix (here a lost final period) is not served again."""
    from helpers_desk import execute, query

    assert run("import", str(samples / "uk-bridge.txt")).exit_code == 0
    source = query(run.db_path, "SELECT source FROM units WHERE kind = 'sentence'"
                   " ORDER BY position LIMIT 1")[0][0]
    execute(run.db_path, "INSERT INTO mt_cache (provider, source_lang, target_lang, source,"
            " text, reason, created_at) VALUES ('apertium', 'uk', 'ru', ?, 'STALE', NULL,"
            " '2026-01-01T00:00:00Z')", [source])
    assert run("draft", "uk-bridge", "--lang", "ru", "--no-tm").exit_code == 0
    draft = query(run.db_path, "SELECT t.text FROM translations t JOIN units u"
                  " ON u.id = t.unit_id WHERE u.source = ? AND t.lang = 'ru'", [source])[0][0]
    assert draft and draft != "STALE"
