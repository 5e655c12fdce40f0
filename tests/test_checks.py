"""Quality checks: each check firing and not firing, on real newsroom sentences."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from transdesk import checks, desk_style
from transdesk.checks import CHECK_NAMES, CHECKS, Finding, extract_numbers, run_checks
from transdesk.errors import BadInput
from transdesk.terms.model import Concept

# Careful hand translations of the sample articles: run_checks must find nothing.
RU_BUDGET_EN = [
    ("Понедельник, 17 февраля", "Monday, 17 February"),
    ("экономика", "economy"),
    ("Правительство одобрило проект бюджета на 2026 г.", "Government approves 2026 draft budget"),
    (
        "Кабинет министров утвердил проект бюджета на 2026 г.",
        "The Cabinet of Ministers approved the draft budget for 2026.",
    ),
    (
        "Расходы составят ок. 3,5 трлн руб., т.е. на 7% больше, чем в прошлом году.",
        "Spending will amount to about 3.5 trillion rubles, i.e. 7% more than last year.",
    ),
    (
        "«Мы сохраняем все социальные обязательства», — заявил министр финансов А. Силуанов.",
        "“We are keeping all our social commitments,” Finance Minister A. Siluanov said.",
    ),
    (
        "По его словам, дефицит не превысит 2,6% ВВП.",
        "According to him, the deficit will not exceed 2.6% of GDP.",
    ),
    ("Эксперты настроены осторожно.", "Experts are cautious."),
    (
        "— Цифры выглядят реалистично, — сказал экономист И. Петров.",
        "“The figures look realistic,” economist I. Petrov said.",
    ),
    ("— Но многое зависит от цен на нефть.", "“But a lot depends on oil prices.”"),
    (
        "Документ будет внесён в Госдуму до 1 сентября (см. пояснительную записку, с. 12).",
        "The document will be submitted to the State Duma by 1 September "
        "(see the explanatory note, p. 12).",
    ),
    ("Голосование ожидается в октябре!", "The vote is expected in October!"),
]

RU_BUDGET_UK = [
    ("Понедельник, 17 февраля", "Понеділок, 17 лютого"),
    ("экономика", "економіка"),
    ("Правительство одобрило проект бюджета на 2026 г.", "Уряд схвалив проєкт бюджету на 2026 р."),
    (
        "Расходы составят ок. 3,5 трлн руб., т.е. на 7% больше, чем в прошлом году.",
        "Витрати становитимуть бл. 3,5 трлн руб., тобто на 7% більше, ніж торік.",
    ),
    (
        "«Мы сохраняем все социальные обязательства», — заявил министр финансов А. Силуанов.",
        "«Ми зберігаємо всі соціальні зобов'язання», — заявив міністр фінансів А. Силуанов.",
    ),
    (
        "По его словам, дефицит не превысит 2,6% ВВП.",
        "За його словами, дефіцит не перевищить 2,6% ВВП.",
    ),
    (
        "— Цифры выглядят реалистично, — сказал экономист И. Петров.",
        "— Цифри виглядають реалістично, — сказав економіст І. Петров.",
    ),
    (
        "Документ будет внесён в Госдуму до 1 сентября (см. пояснительную записку, с. 12).",
        "Документ буде внесено до Держдуми до 1 вересня (див. пояснювальну записку, с. 12).",
    ),
]

EN_FED_RU = [
    ("Tuesday, 14 October", "Вторник, 14 октября"),
    ("economy", "экономика"),
    (
        "U.S. Fed holds rates as inflation cools to 2.9%",
        "ФРС США сохранила ставку на фоне замедления инфляции до 2,9%",
    ),
    (
        "The U.S. Federal Reserve kept its benchmark rate unchanged at 4.25% on Tuesday.",
        "Федеральная резервная система США во вторник сохранила базовую ставку на уровне 4,25%.",
    ),
    (
        'Fed Chair J. Powell said the decision was "unanimous and not a close call."',
        "Глава ФРС Дж. Пауэлл заявил, что решение было «единогласным и далеко не спорным».",
    ),
    (
        "Markets had priced in a pause, e.g. futures showed a 92% chance.",
        "Рынки заранее заложили паузу в цены: например, фьючерсы показывали вероятность 92%.",
    ),
    (
        '"We are not in a hurry," Mr. Powell told reporters at 2 p.m. in Washington.',
        "«Мы никуда не спешим», — сказал г-н Пауэлл журналистам в 14:00 в Вашингтоне.",
    ),
    ('"The data will guide us."', "«Мы будем ориентироваться на данные»."),
    (
        "Analysts at Goldman Sachs Inc. expect a cut in December.",
        "Аналитики Goldman Sachs Inc. ожидают снижения ставки в декабре.",
    ),
    ("Others disagree!", "Другие не согласны!"),
    ("Will the Fed move before the election?", "Изменит ли ФРС ставку до выборов?"),
    ("Nobody knows.", "Никто не знает."),
]

UK_BRIDGE_EN = [
    ("Четвер, 3 квітня", "Thursday, 3 April"),
    ("суспільство", "society"),
    (
        "У Львові відкрили новий міст через залізницю",
        "A new bridge over the railway opens in Lviv",
    ),
    (
        "Будівництво мосту тривало понад 2 роки й коштувало бл. 480 млн грн.",
        "Construction of the bridge took more than 2 years and cost about UAH 480 million.",
    ),
    (
        "«Це найбільший інфраструктурний проєкт міста за останні десять років», — наголосив він.",
        "“This is the city’s largest infrastructure project in the last ten years,” he stressed.",
    ),
    (
        "Міст з'єднав вул. Городоцьку та просп. Чорновола.",
        "The bridge connects Horodotska Street and Chornovola Avenue.",
    ),
    ("— Нарешті! — сказала пані Ольга.", "“Finally!” said Ms. Olha."),
    ("— Я чекала цього з 2019 р.", "“I have been waiting for this since 2019.”"),
    (
        "За даними ЛКП «Львівавтодор», рух мостом відкриють для всіх видів транспорту "
        "до кінця т. зв. «сезону ремонтів», тобто до листопада.",
        "According to the municipal company “Lvivavtodor”, the bridge will open to all "
        "kinds of traffic by the end of the so-called “repair season”, that is, by November.",
    ),
]

EN_TROOPS_UK = [
    ("Saturday, 2 November", "Субота, 2 листопада"),
    ("politics", "політика"),
    (
        "Russia’s defense ministry has announced it will withdraw some of its troops "
        "from the border with Ukraine.",
        "Міністерство оборони Росії оголосило, що відведе частину своїх військ від кордону "
        "з Україною.",
    ),
    (
        "“Many statements are constantly being made from [Russia], so we have a rule: "
        "we’ll believe it when we see it,” said Dmytro Kuleba, Ukraine’s foreign minister.",
        "«З [Росії] постійно лунає багато заяв, тож у нас є правило: повіримо, коли "
        "побачимо», — сказав міністр закордонних справ України Дмитро Кулеба.",
    ),
    (
        "He said, “So far we have not seen any de-escalation on the ground from the Russian side.",
        "Він сказав: «Поки що ми не бачили жодної деескалації на місцях з російського боку.",
    ),
    (
        "Over the last weeks and days, we have seen the opposite.”",
        "За останні тижні та дні ми бачили протилежне».",
    ),
    (
        "This is the case this time as well,” Dmitry Peskov said on Monday.",
        "Так буде і цього разу», — заявив у понеділок Дмитро Пєсков.",
    ),
]

CLEAN = (
    [(s, t, "ru", "en") for s, t in RU_BUDGET_EN]
    + [(s, t, "ru", "uk") for s, t in RU_BUDGET_UK]
    + [(s, t, "en", "ru") for s, t in EN_FED_RU]
    + [(s, t, "uk", "en") for s, t in UK_BRIDGE_EN]
    + [(s, t, "en", "uk") for s, t in EN_TROOPS_UK]
)


def test_sample_sources_are_real() -> None:
    """The clean cases quote the sample articles verbatim."""
    texts = {
        "ru": (SAMPLES / "ru-budget.txt").read_text(encoding="utf-8")
        + (SAMPLES / "en-fed-rates.txt").read_text(encoding="utf-8"),
        "uk": (SAMPLES / "uk-bridge.txt").read_text(encoding="utf-8"),
        "en": (SAMPLES / "en-fed-rates.txt").read_text(encoding="utf-8")
        + (SAMPLES / "en-troops-withdrawal.txt").read_text(encoding="utf-8")
        + (SAMPLES / "ru-budget.txt").read_text(encoding="utf-8"),
    }
    for source, _target, source_lang, _ in CLEAN:
        assert source in texts[source_lang], source


@pytest.mark.parametrize(("source", "target", "source_lang", "target_lang"), CLEAN)
def test_careful_translation_is_clean(
    source: str, target: str, source_lang: str, target_lang: str
) -> None:
    assert run_checks(source, target, source_lang, target_lang) == []


# Newsroom conventions that naive checkers get wrong; all correct translations.
CONVENTIONS = [
    ("Он сказал: «Да!»", "He said: “Yes!”", "ru", "en"),
    ("Рост составил 1,5 млрд долл.", "Growth was $1.5bn.", "ru", "en"),
    ("Температура −5 °C.", "The temperature is -5 °C.", "ru", "en"),
    ("Ціна — 1 200 грн.", "The price is UAH 1,200.", "uk", "en"),
    ("Он родился в XIX веке.", "He was born in the 19th century.", "ru", "en"),
    ("Он сказал: «„Газпром“ платит».", "He said: “Gazprom pays.”", "ru", "en"),
    ("«Раз», — сказал он. — «Два».", "“One,” he said. “Two.”", "ru", "en"),
    ("Ukraine’s ‘red lines’ remain.", "«Красные линии» Украины остаются.", "en", "ru"),
    ("Встреча в 9:30 утра.", "The meeting is at 9:30 a.m.", "ru", "en"),
    (
        "Подробнее: https://minfin.gov.ru/ru/press/2026/02/17.",
        "More: https://minfin.gov.ru/ru/press/2026/02/17.",
        "ru",
        "en",
    ),
]


@pytest.mark.parametrize(("source", "target", "source_lang", "target_lang"), CONVENTIONS)
def test_conventions_are_clean(
    source: str, target: str, source_lang: str, target_lang: str
) -> None:
    assert run_checks(source, target, source_lang, target_lang) == []


def fired(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    return [f.check for f in run_checks(source, target, source_lang, target_lang)]


# --- registry and run_checks -----------------------------------------------------------


def test_registry_order_and_names() -> None:
    assert CHECK_NAMES == (
        "numbers",
        "end-punctuation",
        "quotes",
        "quote-style",
        "brackets",
        "urls",
        "untranslated",
        "whitespace",
        "length",
        "wrong-alphabet",
        "apostrophe",
        "terminology",
        "spelling",
    )
    assert tuple(CHECKS) == CHECK_NAMES


def test_run_checks_reports_in_registry_order_and_honours_ignore() -> None:
    source = "Расходы составят 3,5 трлн рублей."
    target = 'Spending  will be 4.5 trillion "rubles"'
    findings = run_checks(source, target, "ru", "en")
    assert [f.check for f in findings] == ["numbers", "end-punctuation", "quotes", "whitespace"]
    assert findings[0] == Finding("numbers", "numbers differ: source has 3,5, translation has 4.5")
    ignored = run_checks(source, target, "ru", "en", ignore=["numbers", "whitespace"])
    assert [f.check for f in ignored] == ["end-punctuation", "quotes"]


@pytest.mark.english
def test_run_checks_rejects_unknown_check_and_language() -> None:
    with pytest.raises(BadInput, match="unknown check 'numbrs'"):
        run_checks("a", "b", "ru", "en", ignore=["numbrs"])
    with pytest.raises(BadInput, match="unsupported language"):
        run_checks("a", "b", "de", "en")


def test_run_checks_accepts_ua_alias() -> None:
    assert fired("Он сказал «да».", 'Він сказав "так".', "ru", "ua") == ["quote-style"]


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1 500,50 руб.", "ru", [1500.5]),
        ("1\u00a0500,50 руб.", "ru", [1500.5]),
        ("1\u202f500,50 грн", "uk", [1500.5]),
        ("1500,50", "ru", [1500.5]),
        ("1,500.50 rubles", "en", [1500.5]),
        ("1500.50", "en", [1500.5]),
        ("15,5% и 2,6%", "ru", [15.5, 2.6]),
        ("1,500", "ru", [1.5]),
        ("1,500", "en", [1500.0]),
        ("2 000 000 человек", "ru", [2000000.0]),
        ("1,000,000 people", "en", [1000000.0]),
        ("ок. 3,5 трлн руб.", "ru", [3.5]),
        ("17.02.2026", "ru", [17.0, 2.0, 2026.0]),
        ("в 2019, 2020 годах", "ru", [2019.0, 2020.0]),
        ("в 14:30", "ru", [14.0, 30.0]),
        ("at 2 p.m.", "en", [14.0]),
        ("see https://example.com/2024/05 now", "en", []),
        ("no digits here", "en", []),
    ],
)
def test_extract_numbers(text: str, lang: str, expected: list[float]) -> None:
    assert extract_numbers(text, lang) == expected


@pytest.mark.parametrize(
    ("source", "target", "source_lang", "target_lang"),
    [
        ("Сумма 1 500,50 руб.", "The sum is 1,500.50 rubles.", "ru", "en"),
        ("Сумма 1\u00a0500,50 руб.", "The sum is 1500.50 rubles.", "ru", "en"),
        ("Рост на 15,5%.", "Growth of 15.5%.", "ru", "en"),
        ("Growth of 15.5%.", "Зростання на 15,5%.", "en", "uk"),
        ("ок. 3,5 трлн руб.", "about 3.5 trillion rubles", "ru", "en"),
        ("3 500 млрд руб.", "3.5 trillion rubles", "ru", "en"),
        ("7% и 2,6%", "2.6% and 7%", "ru", "en"),
        ("XXI век", "the 21st century", "ru", "en"),
        ("21-й раз", "for the 21st time", "ru", "en"),
        ("в 14:00", "at 2 p.m.", "ru", "en"),
        ("Без цифр.", "No digits.", "ru", "en"),
    ],
)
def test_numbers_equal_in_different_conventions(
    source: str, target: str, source_lang: str, target_lang: str
) -> None:
    assert checks.check_numbers(source, target, source_lang, target_lang) is None


@pytest.mark.parametrize(
    ("source", "target", "source_lang", "target_lang", "message"),
    [
        (
            "Рост на 15,5%.",
            "Growth of 15.6%.",
            "ru",
            "en",
            "numbers differ: source has 15,5, translation has 15.6",
        ),
        (
            "Рост на 15,5%.",
            "Зростання на 16,5%.",
            "ru",
            "uk",
            "numbers differ: source has 15,5, translation has 16,5",
        ),
        (
            "1,500 people",
            "1,500 человек",
            "en",
            "ru",
            "numbers differ: source has 1,500 (1500), translation has 1,500 (1.5)",
        ),
        (
            "на 7% больше",
            "more",
            "ru",
            "en",
            "numbers differ: source has 7, missing in the translation",
        ),
        (
            "more",
            "на 7% больше",
            "en",
            "ru",
            "numbers differ: translation has 7, not in the source",
        ),
        (
            "7% и 7%",
            "7%",
            "ru",
            "en",
            "numbers differ: source has 7, missing in the translation",
        ),
    ],
)
def test_numbers_differ(
    source: str, target: str, source_lang: str, target_lang: str, message: str
) -> None:
    assert checks.check_numbers(source, target, source_lang, target_lang) == message


# --- end punctuation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "source_lang", "target_lang"),
    [
        ("«Мы сохраняем все обязательства».", 'He said "we keep all commitments."', "ru", "en"),
        ('He said "we keep all commitments."', "Он сказал: «Мы сохраняем все».", "en", "ru"),
        ("Ждём...", "Waiting…", "ru", "en"),
        ("Кто знает?", "Who knows?", "ru", "en"),
        ("«Кто знает?» — спросил он", "“Who knows?” he asked", "ru", "en"),
        ("Он спросил: «Идём?»", '"Shall we go?"', "ru", "en"),
        ("экономика", "economy", "ru", "en"),
        ("Проект бюджета на 2026 г.", "Draft budget for 2026", "ru", "en"),
        ("Analysts at Goldman Sachs Inc.", "Аналитики Goldman Sachs", "en", "ru"),
    ],
)
def test_end_punctuation_same(source: str, target: str, source_lang: str, target_lang: str) -> None:
    assert checks.check_end_punctuation(source, target, source_lang, target_lang) is None


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("Голосование в октябре!", "The vote is in October.", "source ends with '!'"),
        ("Кто знает?", "Nobody knows.", "source ends with '?'"),
        ("Эксперты настроены осторожно.", "Experts are cautious", "translation with no ending"),
        ("экономика", "economy.", "translation with '.'"),
        ("Он сказал: «Да».", "He said:", "translation with ':'"),
        ("Ждём…", "Waiting.", "source ends with '…'"),
    ],
)
def test_end_punctuation_differs(source: str, target: str, message: str) -> None:
    result = checks.check_end_punctuation(source, target, "ru", "en")
    assert result is not None
    assert message in result


# --- quotes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "source_lang", "target_lang"),
    [
        ("Он сказал «да».", "He said “yes.”", "ru", "en"),
        ('He said "yes."', "Он сказал «да».", "en", "ru"),
        ("Он сказал «нет „да“».", "He said “no ‘yes’.”", "ru", "en"),
        ("«Раз» и «два».", "“One” and “two.”", "ru", "en"),
        ("Russia’s troops", "Войска России", "en", "ru"),
        (
            "He said, “So far we have not seen it.",
            "Він сказав: «Поки ми цього не бачили.",
            "en",
            "uk",
        ),
        ("we have seen the opposite.”", "ми бачили протилежне».", "en", "uk"),
        ("— Нарешті! — сказала пані Ольга.", "“Finally!” said Ms. Olha.", "uk", "en"),
    ],
)
def test_quotes_fine(source: str, target: str, source_lang: str, target_lang: str) -> None:
    assert checks.check_quotes(source, target, source_lang, target_lang) is None


@pytest.mark.parametrize(
    ("source", "target", "source_lang", "target_lang", "message"),
    [
        ("Он сказал «да».", "He said “yes.", "ru", "en", "leaves a quote open"),
        ("Он сказал «да».", "He said yes.”", "ru", "en", "closes a quote it never opened"),
        ("Он сказал «да».", "Він сказав «так».»", "ru", "uk", "closes a quote it never opened"),
        ("«Раз» и «два».", "“One and two.”", "ru", "en", "source has 2, translation has 1"),
        ("Он сказал «да».", "He said yes.", "ru", "en", "source has 1, translation has 0"),
    ],
)
def test_quotes_fire(
    source: str, target: str, source_lang: str, target_lang: str, message: str
) -> None:
    result = checks.check_quotes(source, target, source_lang, target_lang)
    assert result is not None
    assert message in result


@pytest.mark.parametrize(
    ("target", "lang"),
    [
        ("Он сказал «да».", "ru"),
        ("Он сказал «нет „да“».", "ru"),
        ("Він сказав «так».", "uk"),
        ("He said “yes.”", "en"),
        ("He said “no ‘yes’.”", "en"),
        ('He said "yes."', "en"),
        ("Russia’s troops", "en"),
    ],
)
def test_quote_style_fine(target: str, lang: str) -> None:
    assert checks.check_quote_style("x", target, "ru" if lang == "en" else "en", lang) is None


@pytest.mark.parametrize(
    ("target", "lang", "message"),
    [
        ('Он сказал "да".', "ru", 'not straight "…"'),
        ('Він сказав "так".', "uk", 'not straight "…"'),
        ("Он сказал “да”.", "ru", "not English “…”"),
        ("He said «yes».", "en", "not «…»"),
        ("He said „yes“.", "en", "not „…“"),
        ('He said “yes” and "no".', "en", "straight and curly quotes mixed"),
    ],
)
def test_quote_style_fires(target: str, lang: str, message: str) -> None:
    result = checks.check_quote_style("x", target, "ru" if lang == "en" else "en", lang)
    assert result is not None
    assert message in result


# --- brackets --------------------------------------------------------------------------


def test_brackets() -> None:
    source = "до 1 сентября (см. записку, с. 12)."
    assert (
        checks.check_brackets(source, "by 1 September (see the note, p. 12).", "ru", "en") is None
    )
    assert checks.check_brackets("[Russia]", "[Росії]", "en", "uk") is None
    assert checks.check_brackets(source, "by 1 September, see the note, p. 12.", "ru", "en") == (
        "brackets differ: source has 2 of (), translation has 0"
    )
    assert checks.check_brackets(source, "by 1 September )see the note, p. 12(.", "ru", "en") == (
        "unbalanced brackets in the translation"
    )
    assert checks.check_brackets("[Russia]", "(Росії)", "en", "uk") is not None


# --- urls ------------------------------------------------------------------------------


def test_urls() -> None:
    source = "Подробности на https://minfin.gov.ru/budget, пишите press@minfin.gov.ru."
    good = "Details at https://minfin.gov.ru/budget, write to press@minfin.gov.ru."
    assert checks.check_urls(source, good, "ru", "en") is None
    assert checks.check_urls(
        source,
        "Details at https://minfin.gov.ru/en/budget, write to press@minfin.gov.ru.",
        "ru",
        "en",
    ) == (
        "URLs differ: source has https://minfin.gov.ru/budget, "
        "translation has https://minfin.gov.ru/en/budget"
    )
    assert checks.check_urls(source, "Details on the website.", "ru", "en") == (
        "URL missing in the translation: https://minfin.gov.ru/budget"
    )
    assert checks.check_urls("Подробности.", "See www.example.com.", "ru", "en") == (
        "URL not in the source: www.example.com"
    )


# --- untranslated ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "source_lang", "target_lang"),
    [
        ("Эксперты настроены осторожно.", "Experts are cautious.", "ru", "en"),
        ("2,6%", "2,6%", "ru", "uk"),
        ("https://minfin.gov.ru", "https://minfin.gov.ru", "ru", "en"),
        ("Goldman Sachs", "Goldman Sachs", "en", "ru"),
        ("NATO", "NATO", "en", "uk"),
        ("спорт", "спорт", "ru", "uk"),
    ],
)
def test_untranslated_not_fired(
    source: str, target: str, source_lang: str, target_lang: str
) -> None:
    assert checks.check_untranslated(source, target, source_lang, target_lang) is None


@pytest.mark.parametrize(
    ("source", "target", "source_lang", "target_lang"),
    [
        ("Эксперты настроены осторожно.", "Эксперты настроены осторожно.", "ru", "uk"),
        ("Nobody knows.", "  nobody   knows. ", "en", "ru"),
        ("экономика", "экономика", "ru", "en"),
        ("economy", "economy", "en", "ru"),
        ("Силуанов", "Силуанов", "ru", "en"),
    ],
)
def test_untranslated_fired(source: str, target: str, source_lang: str, target_lang: str) -> None:
    assert checks.check_untranslated(source, target, source_lang, target_lang) == (
        "translation is a copy of the source"
    )


# --- whitespace ------------------------------------------------------------------------


def test_whitespace() -> None:
    assert checks.check_whitespace("Эксперты.", "Experts.", "ru", "en") is None
    assert checks.check_whitespace(" Эксперты. ", " Experts. ", "ru", "en") is None
    assert checks.check_whitespace("А.\u00a0Силуанов", "A.\u00a0Siluanov", "ru", "en") is None
    assert checks.check_whitespace("Эксперты.", "Experts  are.", "ru", "en") == (
        "double space in the translation"
    )
    assert checks.check_whitespace("Эксперты.", "Experts \u00a0are.", "ru", "en") == (
        "double space in the translation"
    )
    assert checks.check_whitespace("Эксперты.", " Experts.", "ru", "en") == (
        "translation starts with whitespace"
    )
    assert checks.check_whitespace("Эксперты.", "Experts.\n", "ru", "en") == (
        "translation ends with whitespace"
    )


# --- length ----------------------------------------------------------------------------


def test_length() -> None:
    source = "Расходы составят ок. 3,5 трлн руб., т.е. на 7% больше, чем в прошлом году."
    assert (
        checks.check_length(source, "Spending will amount to about 3.5 trillion.", "ru", "en")
        is None
    )
    assert checks.check_length(source, "Spending grows.", "ru", "en") == (
        f"translation is suspiciously short: 15 characters for {len(source)} in the source"
    )
    result = checks.check_length(
        "Эксперты настроены осторожно.", "Experts are cautious. " * 4, "ru", "en"
    )
    assert result is not None and "suspiciously long" in result
    assert checks.check_length("экономика", "the economy of the country", "ru", "en") is None
    assert checks.check_length("экономика", "", "ru", "en") == "translation is empty"


# --- alphabet --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "lang"),
    [
        ("Эксперты настроены осторожно.", "ru"),
        ("Аналитики Goldman Sachs Inc. и SMS-сообщения.", "ru"),
        ("Міст з'єднав вул. Городоцьку.", "uk"),
        ("Experts are cautious.", "en"),
    ],
)
def test_wrong_alphabet_fine(target: str, lang: str) -> None:
    assert checks.check_wrong_alphabet("x", target, "en" if lang != "en" else "ru", lang) is None


@pytest.mark.parametrize(
    ("target", "lang", "message"),
    [
        ("Эксперты настpоены осторожно.", "ru", "mixed in a word: 'настpоены'"),  # Latin p
        ("Мiст відкрили.", "uk", "mixed in a word: 'Мiст'"),  # Latin i
        ("Gоldman Sachs", "ru", "mixed in a word: 'Gоldman'"),  # Cyrillic о
        ("Міст відкрили вы.", "uk", "Russian letter 'ы' in Ukrainian text: 'вы'"),
        ("Документ внесён.", "uk", "Russian letter 'ё'"),
        ("Мост открыли у Львові.", "ru", "Ukrainian letter 'і' in Russian text: 'Львові'"),
        ("Experts are саutious.", "en", "Cyrillic letters in English text: 'саutious'"),
    ],
)
def test_wrong_alphabet_fires(target: str, lang: str, message: str) -> None:
    result = checks.check_wrong_alphabet("x", target, "en" if lang != "en" else "ru", lang)
    assert result is not None
    assert message in result


# --- apostrophe ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "Міст з'єднав вул. Городоцьку.",
        "Міст з’єднав вул. Городоцьку.",
        "Міст зʼєднав вул. Городоцьку.",
        "Міст з'єднав вул. Городоцьку, м'ясо дешевшає.",
        "Міст відкрили.",
    ],
)
def test_apostrophe_fine(target: str) -> None:
    assert checks.check_apostrophe("x", target, "ru", "uk") is None


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("Міст з`єднав вул. Городоцьку.", "wrong apostrophe '`' in 'з`єднав'"),
        ("Міст з´єднав.", "wrong apostrophe '´'"),
        ("Міст з′єднав.", "wrong apostrophe '′'"),
        ("Ціна на м‘ясо.", "wrong apostrophe '‘' in 'м‘ясо'"),
        ("Міст з'єднав, м’ясо дешевшає.", "apostrophes mixed: \"'\" and '’'"),
    ],
)
def test_apostrophe_fires(target: str, message: str) -> None:
    result = checks.check_apostrophe("x", target, "ru", "uk")
    assert result is not None
    assert message in result


def test_apostrophe_only_checks_ukrainian() -> None:
    assert checks.check_apostrophe("x", "О`Нил", "en", "ru") is None


@pytest.mark.parametrize(
    ("target", "fires"),
    [
        ("Пауэлл сказал журналистам в 2 часа дня в Вашингтоне.", False),
        ("Пауэлл сказал журналистам в 14:00 в Вашингтоне.", False),
        ("Пауэлл сказал журналистам в 3 часа дня в Вашингтоне.", True),
        ("Пауэлл сказал журналистам в 15:00 в Вашингтоне.", True),
    ],
)
def test_numbers_twelve_hour_time_may_keep_its_face_value(target, fires):
    source = "Mr. Powell told reporters at 2 p.m. in Washington."
    findings = run_checks(source, target, "en", "ru")
    assert bool([f for f in findings if f.check == "numbers"]) is fires


# --- the archive runner ------------------------------------------------------------------

EDITS = [
    lambda t: t.replace("5", "6"),
    lambda t: t.replace(",", "."),
    lambda t: "«" + t,
    lambda t: t + " (",
    lambda t: t.rstrip("."),
    lambda t: t.replace(" ", "  ", 1),
    lambda t: t.replace("'", "`"),
    lambda t: t.replace("о", "o", 1),
    lambda t: t + " http://example.org/a",
    lambda t: t + " see www.example.org",
    lambda t: t[: len(t) // 3],
    lambda t: t.replace(" 1", " 1 000"),
    lambda t: t + " at 2 p.m.",
    lambda t: t.replace("”", '"'),
    lambda t: t.upper(),
]


def each_check(source: str, target: str, source_lang: str, target_lang: str, names=CHECK_NAMES):
    return [(name, message) for name in names
            if (message := CHECKS[name](source, target, source_lang, target_lang)) is not None]


def test_pair_checker_finds_what_each_check_finds() -> None:
    cases = [*CLEAN, *CONVENTIONS, *((s, s, sl, tl) for s, _t, sl, tl in CLEAN)]
    cases += [(s, edit(t), sl, tl) for s, t, sl, tl in CLEAN for edit in EDITS]
    kyiv = Concept()
    kyiv.add("uk", "Київ")
    kyiv.add("en", "Kyiv")
    kyiv.add("en", "Kiev", "forbidden")
    desk_style.activate(desk_style.DeskStyle([kyiv], {}, "test"))
    cases.append(("Зустріч у Києві.", "A meeting in Kiev.", "uk", "en"))
    check = checks.pair_checker()
    some = checks.pair_checker(["urls", "numbers", "length"])
    fired = set()
    for case in cases:
        expected = each_check(*case)
        assert check(*case) == expected, case
        assert some(*case) == each_check(*case, names=("numbers", "urls", "length")), case
        fired.update(name for name, _message in expected)
    assert fired == set(CHECK_NAMES)
