"""Date lines through CLDR (Babel): all six directions, several dates, and non-dates."""

from __future__ import annotations

import itertools

import pytest

from transdesk.dates import DateLine, parse_date_line, translate_date_line

# The same date as the site writes it in each language.
DATES = [
    {"ru": "Суббота, 2 ноября", "uk": "Субота, 2 листопада", "en": "Saturday, 2 November"},
    {"ru": "Понедельник, 17 февраля", "uk": "Понеділок, 17 лютого", "en": "Monday, 17 February"},
    {"ru": "Четверг, 3 апреля", "uk": "Четвер, 3 квітня", "en": "Thursday, 3 April"},
    {"ru": "Вторник, 14 октября", "uk": "Вівторок, 14 жовтня", "en": "Tuesday, 14 October"},
    {"ru": "Воскресенье, 1 мая", "uk": "Неділя, 1 травня", "en": "Sunday, 1 May"},
    {"ru": "Среда, 31 декабря", "uk": "Середа, 31 грудня", "en": "Wednesday, 31 December"},
    {"ru": "Пятница, 9 января", "uk": "Пʼятниця, 9 січня", "en": "Friday, 9 January"},
]
DIRECTIONS = [(s, t) for s, t in itertools.permutations(("ru", "uk", "en"), 2)]
from conftest import SAMPLES  # noqa: E402


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
@pytest.mark.parametrize("date", DATES, ids=lambda d: d["en"])
def test_all_directions(date: dict[str, str], source: str, target: str) -> None:
    assert translate_date_line(date[source], source, target) == date[target]


@pytest.mark.parametrize("lang", ["ru", "uk", "en"])
def test_same_language_normalises(lang: str) -> None:
    assert translate_date_line(DATES[0][lang].lower(), lang, lang) == DATES[0][lang]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("суббота, 2 ноябрь", "ru", "Субота, 2 листопада"),  # stand-alone month accepted
        ("Сб, 2 нояб.", "ru", "Субота, 2 листопада"),  # abbreviated names accepted
        ("П'ятниця, 9 січня", "uk", "Пʼятниця, 9 січня"),  # ASCII apostrophe
        ("П’ятниця, 9 січня", "uk", "Пʼятниця, 9 січня"),  # typographic apostrophe
        ("Saturday,\u00a02\u00a0November", "en", "Субота, 2 листопада"),  # no-break spaces
        ("  Saturday , 2 November ", "en", "Субота, 2 листопада"),
        ("Saturday, November 2", "en", "Субота, 2 листопада"),
        ("Saturday, 2 November 2024", "en", "Субота, 2 листопада 2024"),
        ("2 ноября", "ru", "2 листопада"),  # no weekday
    ],
)
def test_variants_to_uk(text: str, lang: str, expected: str) -> None:
    assert translate_date_line(text, lang, "uk") == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("", "ru"),
        ("экономика", "ru"),
        ("politics", "en"),
        ("RU  UA  EN", "en"),
        ("Правительство одобрило проект бюджета на 2026 г.", "ru"),
        ("Saturday, 32 November", "en"),
        ("Saturday, 31 February", "en"),
        ("Суббота, 2 листопада", "ru"),  # a Ukrainian month is no Russian date
        ("Субота, 2 ноября", "uk"),
        ("Someday, 2 November", "en"),
        ("Saturday 2 November and more words", "en"),
        ("Голосование ожидается в октябре!", "ru"),
    ],
)
def test_not_a_date_line(text: str, lang: str) -> None:
    target = "en" if lang != "en" else "ru"
    assert translate_date_line(text, lang, target) is None


def test_parse_gives_cldr_numbers() -> None:
    assert parse_date_line("Понедельник, 17 февраля", "ru") == DateLine(0, 17, 2)
    assert parse_date_line("Sunday, 1 May 2025", "en") == DateLine(6, 1, 5, 2025)


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("ru-budget", "ru"),
        ("uk-bridge", "uk"),
        ("en-fed-rates", "en"),
        ("en-troops-withdrawal", "en"),
    ],
)
def test_sample_date_lines(name: str, lang: str) -> None:
    line = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8").splitlines()[2]
    for target in ("ru", "uk", "en"):
        rendered = translate_date_line(line, lang, target)
        assert rendered is not None
        assert translate_date_line(rendered, target, lang) == line
