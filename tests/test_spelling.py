"""The spelling check with the real Hunspell dictionaries of Debian."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from transdesk import desk_style
from transdesk.errors import BadInput
from transdesk.spelling import english_variant
from transdesk.terms.model import Concept

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "translations"


def words(text: str, lang: str, style: desk_style.DeskStyle | None = None) -> list[str]:
    style = style or desk_style.DeskStyle([], {}, "test")
    return [m.word for m in style.speller(lang).misspelled(text)]


@pytest.mark.parametrize("text, lang, wrong", [
    ("Уряд схвалив бюджет на наступний рік.", "uk", []),
    ("Уряд схвалыв бюджет.", "uk", ["схвалыв"]),
    ("Правительство одобрило проект бюджета.", "ru", []),
    ("Правительство одобрилло проект.", "ru", ["одобрилло"]),
    ("The government approved the budget.", "en", []),
    ("The goverment approved the budget.", "en", ["goverment"]),
])
def test_right_and_wrong_words(text, lang, wrong):
    assert words(text, lang) == wrong


def test_findings_carry_suggestions():
    (m,) = desk_style.DeskStyle([], {}, "t").speller("en").misspelled("The goverment met.")
    assert "government" in m.suggestions
    assert str(m).startswith("«goverment» (government")


@pytest.mark.parametrize("text, lang", [
    ("Видатки зростуть на 7,5% до 3 500 млрд грн.", "uk"),
    ("Подробиці на https://example.com/zvit-2026 та mail@example.com.", "uk"),
    ("НБУ, МВФ і ЄБРР підписали меморандум.", "uk"),
    ("Компанія Ukrenergo та банк Raiffeisen уклали угоду.", "uk"),  # Latin names
    ("Компания Xiaomi открыла офис.", "ru"),
    ("The bank Приватбанк opened an office.", "en"),  # Cyrillic name: wrong-alphabet's job
    ("NATO and the IMF met in 2026 at 14:30.", "en"),
    ("Вартість — 480 млн грн. Рух відкрили у 2025 р.", "uk"),  # abbreviations with a dot
    ("Пʼять об’єктів і п'ять мостів.", "uk"),  # the three apostrophes
    ("Науково-дослідний інститут.", "uk"),  # hyphenated
    ("Covid-19 and COVID-19 cases.", "en"),
    ("Пришлите PO-файл или TMX-файлы.", "ru"),  # an abbreviation joined by a hyphen
])
def test_what_is_not_a_misspelling(text, lang):
    assert words(text, lang) == []


def test_a_misspelled_word_after_an_abbreviation_is_still_found():
    assert words("Надішліть PO-фйал.", "uk") == ["PO-фйал"]


def test_termbase_forms_and_desk_words_are_accepted_in_any_form():
    text = "Зустріч з Буданчуком і Ярмачуком у Вишгородівці."
    assert set(words(text, "uk")) >= {"Буданчуком", "Ярмачуком"}
    term = Concept()
    term.add("uk", "Буданчук")
    style = desk_style.DeskStyle([term], {"uk": ["Ярмачук"]}, "t")
    assert "Буданчуком" not in words(text, "uk", style)
    assert "Ярмачуком" not in words(text, "uk", style)


def test_english_variant(monkeypatch):
    assert english_variant() == "en_GB"
    monkeypatch.setenv("TRANSDESK_ENGLISH", "en-us")
    assert english_variant() == "en_US"
    assert words("The color of the defense.", "en") == []
    monkeypatch.setenv("TRANSDESK_ENGLISH", "en_GB")
    assert words("The color of the defense.", "en") == ["color", "defense"]
    monkeypatch.setenv("TRANSDESK_ENGLISH", "fr")
    with pytest.raises(BadInput, match="TRANSDESK_ENGLISH"):
        english_variant()


def test_no_false_positives_on_the_example_translations():
    """Every word the check would report in examples/translations is one a person would
    not fix: none is left (names are in the shipped word list, data/words/)."""
    style = desk_style.use_shipped()
    found = []
    for path in sorted(EXAMPLES.glob("*.tsv")):
        lang = path.name.split(".")[-2]
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter="\t"):
                found += [(path.name, row[0], str(m))
                          for m in style.speller(lang).misspelled(row[1])]
    assert len(list(EXAMPLES.glob("*.tsv"))) == 8
    assert found == []
