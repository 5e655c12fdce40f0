"""Sentence segmentation: gold samples, generated gold, traps, losslessness."""

from __future__ import annotations

import json
import pathlib
import random
import subprocess
import sys

import pytest
from conftest import MAKE_CORPUS
from conftest import SAMPLES as SAMPLE_DIR

from transdesk.segment import _parse_rules, load_rules, split_sentences

SAMPLES = sorted(SAMPLE_DIR.glob("*.gold.json"))


def paragraphs_of(text: str) -> list[str]:
    """Paragraphs of a newsroom article: the blocks after switcher, date/category, title."""
    return [block.strip() for block in text.split("\n\n")[3:] if block.strip()]


def sentences(text: str, lang: str) -> list[str]:
    return [s for s, _ in split_sentences(text, lang)]


def assert_well_formed(text: str, lang: str) -> None:
    result = split_sentences(text, lang)
    assert "".join(s + ws for s, ws in result) == text
    for sentence, ws in result:
        assert sentence
        assert sentence == sentence.strip()
        assert ws.strip() == ""
    if len(result) > 1:  # signs alone are never a sentence of their own
        assert all(any(ch.isalnum() for ch in sentence) for sentence, _ in result), result


# --- gold ----------------------------------------------------------------------------


@pytest.mark.parametrize("gold_path", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_sample_gold(gold_path: pathlib.Path) -> None:
    gold = json.loads(gold_path.read_text("utf-8"))
    text = (gold_path.parent / gold["file"]).read_text("utf-8")
    lang = gold["file"][:2]
    paragraphs = paragraphs_of(text)
    assert len(paragraphs) == len(gold["paragraphs"])
    for paragraph, expected in zip(paragraphs, gold["paragraphs"], strict=True):
        assert sentences(paragraph, lang) == expected


@pytest.mark.parametrize("gold_path", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_sample_lossless(gold_path: pathlib.Path) -> None:
    text = (gold_path.parent / gold_path.name.replace(".gold.json", ".txt")).read_text("utf-8")
    lang = gold_path.name[:2]
    for paragraph in paragraphs_of(text):
        assert_well_formed(paragraph, lang)
        # Hard-wrapped and with trailing whitespace, as the caller may pass it.
        assert_well_formed(paragraph.replace(". ", ".\n", 2) + " \n", lang)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [
            sys.executable,
            str(MAKE_CORPUS),
            str(out),
            "--articles",
            "9",
            "--seed",
            "7",
            "--gold",
            "--translations",
        ],
        check=True,
    )
    return out


@pytest.mark.parametrize("lang", ["ru", "uk", "en"])
def test_generated_gold(corpus: pathlib.Path, lang: str) -> None:
    gold_files = sorted((corpus / "gold" / lang).glob("*.gold.json"))
    assert len(gold_files) == 9
    checked = 0
    for gold_path in gold_files:
        gold = json.loads(gold_path.read_text("utf-8"))
        name = gold["file"]
        source = corpus / name if name.startswith(lang) else corpus / "translations" / lang / name
        paragraphs = paragraphs_of(source.read_text("utf-8"))
        for paragraph, expected in zip(paragraphs, gold["paragraphs"], strict=True):
            assert sentences(paragraph, lang) == expected
            checked += len(expected)
    assert checked > 100


# --- traps: each rule firing and not firing ------------------------------------------

RU = [
    # abbreviations before digits and lowercase words
    ("Расходы составят ок. 3,5 трлн руб., т.е. на 7% больше.", 1),
    ("Это стоит 5 руб. Дорого ли это?", 2),
    ("Он пришёл, т. е. опоздал. Никто не ждал.", 2),
    ("См. таблицу на с. 12 и рис. 3 в отчёте.", 1),
    ("Собрали 5 млн. Деньги передадут фонду.", 2),
    ("Собрали 5 млн. рублей и 20 тыс. долларов.", 1),
    ("Около 5 тыс. человек пришли на площадь.", 1),
    # г. as город vs a year at the end of a sentence
    ("Мэр г. Одесса выступил перед журналистами.", 1),
    ("Кабинет утвердил бюджет на 2026 г. Расходы выросли.", 2),
    ("В 2020 г. бюджет вырос, а в 2021 г. — упал.", 1),
    ("Заседание перенесли на 2019–2020 гг. Причины не названы.", 2),
    # street, named after, professor, academician
    ("Улица им. Ленина. Дом снесли.", 2),
    ("Встреча на пр. Мира и ул. Садовой прошла спокойно.", 1),
    ("Выступили проф. Иванов и акад. Петров.", 1),
    ("Проф. Иванов согласен.", 1),
    # и т.д. / и т. п. at the end of a sentence before a capital
    ("Речь о налогах, пошлинах и т.д. Всё это обсудят.", 2),
    ("Речь о налогах, пошлинах и т. п. Всё это обсудят.", 2),
    ("Речь о налогах, пошлинах и т. д. и т. п. в том же духе.", 1),
    ("Речь о налогах и др. Решение за правительством.", 2),
    # initials
    ("Заявил министр А. Силуанов. Его поддержали.", 2),
    ("Экономист И. И. Петров согласен с ним.", 1),
    # numbers, units
    ("Инфляция составила 2.9% в мае.", 1),
    ("Рост составил 5%. 10% пришлось на импорт.", 2),
    ("Экспорт составил 4,5 млн т. Это рекорд.", 2),
    ("Работы продлятся 5 мес. Потом мост откроют.", 2),
    # quotes, ?!, ellipsis
    ("Он сказал: «Всё кончено». Потом ушёл.", 2),
    ("«Всё кончено!» — сказал он.", 1),
    ("«Всё кончено!» Потом он ушёл.", 2),
    ("Как это возможно?! Никто не знает.", 2),
    ("Ну... я не знаю.", 1),
    ("Подождите... Нет, всё верно.", 2),
    ("Рекорд… Но ненадолго.", 2),
    ("Речь идёт о т. н. «малой приватизации». «Большая» впереди.", 2),
    # dialogue dashes
    ("Эксперты настроены осторожно. — Цифры выглядят реалистично, — сказал он.", 2),
    ("— Наконец-то! — сказал один из жителей.", 1),
    ("— Правда? — спросил он. — Да.", 2),
    # brackets
    ("Документ внесут (см. записку, с. 12). Голосование в октябре!", 2),
]

UK = [
    ("Будівництво коштувало бл. 480 млн грн. Про це повідомив мер.", 2),
    ("Міст з'єднав вул. Городоцьку та просп. Чорновола.", 1),
    ("Мер м. Львів заявив про це.", 1),
    ("Висота мосту 5 м. Далі буде ширше.", 2),
    ("Рух відкриють до кінця т. зв. «сезону ремонтів», тобто до листопада.", 1),
    ("Я чекала цього з 2019 р. Нарешті дочекалася.", 2),
    ("У 2019 р. економіка зросла.", 1),
    ("Вода в р. Дніпро піднялася.", 1),
    ("Згідно зі ст. 12 Конституції (див. с. 5) це законно.", 1),
    ("Зібрали 500 тис. Гроші передали армії.", 2),
    ("Участь узяли 500 тис. осіб.", 1),
    ("— Нарешті! — сказала пані Ольга. — Я чекала цього з 2019 р.", 2),
    ("Мешканці поставилися до новини по-різному. — Нарешті!", 2),
    ("Ідеться про податки, мита та ін. Решту обговорять.", 2),
    ("Ідеться про податки, мита і т. д. Решту обговорять.", 2),
    ("Заяву зробив В. О. Зеленський.", 1),
    ("Курс становив 41,5 грн. Це рекорд.", 2),
    ("Сума склала 120 млн грн. без урахування ПДВ.", 1),
    ("У 2019 р. — 5,3%.", 1),
]

EN = [
    ("The U.S. Federal Reserve kept rates unchanged.", 1),
    ("He moved to the U.S. The move paid off.", 2),
    ("Mr. Powell, Mrs. Smith and Dr. Jones met Prof. Brown.", 1),
    ("He spoke at 2 p.m. in Washington.", 1),
    ("The meeting ended at 5 p.m. Reporters left.", 2),
    ("Markets priced in a pause, e.g. futures showed it, i.e. 92% odds.", 1),
    ("Analysts at Goldman Sachs Inc. expect a cut.", 1),
    ("He works at Acme Inc. The company grew.", 2),
    ("Apple Inc. CEO Tim Cook spoke first.", 1),
    ("The vote is at 3 p.m. ET on Friday.", 1),
    ("They met at 9 a.m. Monday in Kyiv.", 1),
    ("Room No. 5 was booked.", 1),
    ("Smith vs. Jones was decided on Friday.", 1),
    ("Taxes, duties, etc. The rest is unclear.", 2),
    ("Taxes, duties, etc. were cut.", 1),
    ("These include taxes, duties, etc. 245 deputies voted.", 2),
    ("Inflation cools to 2.9% in May.", 1),
    ('Fed Chair J. Powell said it was "unanimous and not a close call." Markets rallied.', 2),
    ('"We are not in a hurry," Mr. Powell said. "The data will guide us."', 2),
    ("Others disagree! Will the Fed move? Nobody knows.", 3),
    ("Wait... what happened?", 1),
    ("He lives on Main St. The house is old.", 2),
    ("St. Petersburg is cold in winter.", 1),
    ("The rally took place outside (12 Tsentralna St.). Police watched.", 2),
    ("Talks were held in Washington, D.C. 245 deputies voted.", 2),
    ("“Finally!” said one of the residents.", 1),
    ("See p. 12 for details.", 1),
    ("He said, “So far nothing. Over the weeks, the opposite.”", 2),
    ("J. R. R. Tolkien wrote it. J.R.R. Tolkien agreed.", 2),
]


# --- classes of errors found on public gold (issue 13, issue 10 item 11) -------------
# Each entry: language, text, the sentences expected (joined by " | ").

PUBLIC = [
    # abbreviations missing or misfiled: language names, figures, dates of life, titles
    ("uk", "Слово прийшло з ісп. Amigo, а не з англ. Friend чи нім. Freund.", 1),
    ("uk", "Метал вкрився корозією (мал. 8). Далі буде.", 2),
    ("ru", "Иван Петров (род. 21 декабря 1948 г.) -- актёр театра.", 1),
    ("ru", "Петров род. 21 декабря 1948 г. в Москве, ум. 5 мая 2000 г. в Киеве.", 1),
    ("ru", "Выступил к.п.н. И. П. Карташов.", 1),
    ("ru", "Директор фирмы Чарльз Дж. Филлипс согласен.", 1),
    ("en", "Chanel no. 5 is a perfume.", 1),
    ("en", "He won't say no. Not really.", 2),
    ("en", "The fight in Falluja (pop. 256,000) went on.", 1),
    ("en", "He wrote the Slavonic Dances, Op. 46 in a year.", 1),
    ("en", "This is a sentence written by Ed. And this is another one.", 2),
    # number + unit before a capital or a sign
    ("uk", "Постанова від 5 травня 2016 р. № 991 набула чинності.", 1),
    ("ru", "Указ от 5 мая 2020 г. № 12 подписан.", 1),
    ("uk", "Борг становив 4,8 млрд. дол. США на початок року.", 1),
    ("ru", "Помощь составит 470 млн долл. США в этом году.", 1),
    ("ru", "Работы продлятся 4 мес. США выделят деньги.", 2),
    ("uk", "Адреса: вул. Кирилівська, 105, м. Київ, Україна.", 1),
    # a year opening its sentence is a date; one ending a longer sentence ends it
    ("uk", "В 1941 р. Конрад Цузе побудував машину.", 1),
    ("uk", "15 вересня 1995 р. Україною було підписано угоду.", 1),
    ("ru", "В 2010-2012 гг. Виктор посещал Волгоград.", 1),
    ("uk", "Але закінчилося все аж у січні 2013 р. Як бачимо, недарма.", 2),
    ("ru", "Пара завоевала титул чемпионов Европы в 2010 г. Тренер доволен.", 2),
    # initials, Roman numerals, list numbers
    ("en", "Don't split strings like U. S. A. either.", 1),
    ("en", "He met J. A. Smith yesterday.", 1),
    ("uk", "Реформу провів цар Петро I. Він ухвалив закон.", 2),
    ("uk", "Тоді правив король Георг V. А нині все інакше.", 2),
    ("uk", "Наша зустріч з М. Л. Гончаруком, I. О. Денисюком відбулася.", 1),
    ("ru", "IV. Гестационный сахарный диабет", 1),
    ("en", "1. The first item 2. The second item", 2),
    ("en", "1. The first item. 2. The second item 3. The third.", 3),
    ("en", "The vote was 5 to 2. The bill passed.", 2),
    ("ru", "Всё, я сказала! 3. Потом пришла другая.", 2),
    ("ru", "Играть не мешало. 2. Квадрокоптер продаю.", 2),
    ("en", "He wrote the Slavonic Dances, Op. 46. These were praised.", 2),
    # spaced ellipsis, signs alone, footnote markers
    ("ru", "Так и было . . . Потом всё изменилось.", 2),
    ("en", "I think . . . maybe not.", 1),
    ("ru", "И это только начало! ;)", 1),
    ("ru", "Пастухов тоже ;) Я вспомнила.", 2),
    ("ru", "Пастухов тоже :) и я.", 1),
    ("ru", "Скоро каждый сможет стать частью действия. #atlasweekend #performance", 1),
    ("ru", "@xxxxxx - Гнилее тебя нет. @xxxxxx @yyyyyy", 1),
    ("ru", "Был спор (Прилепин лучше, чем Лимонов. Но враг)", 2),
    ("en", "Much research followed. [1 - 3] The rest is known.", 2),
    ("ru", "Больше всего понравилось! 👍 👍 Яблоки тоже хороши.", 2),
    ("en", "??? KEEP UP THE GOOD WORK.", 1),
    # closing quote or bracket after a space
    ("ru", "Кто они такие… »", 1),
    ("en", "Hello ( Hi! ) my name is Chris.", 1),
    # a dash after a period inside brackets or quotes; a quotation with its attribution
    ("uk", "Ціни зросли (вони самі це визнали. - Ред.) і далі ростуть.", 1),
    ("uk", "Ціни зросли (наступного року. — Ред.) і далі ростуть.", 1),
    ("ru", "«К чему ты готовишься? – спросила мама. – Завтра ведь выходной».", 1),
    ("uk", "«Ми не відступимо! Світло буде», — заявив В. Зеленський.", 1),
    ("ru", "«Мы не отступим! Свет будет», — заявил В. Зеленский.", 1),
    ("en", 'He said: "We will win. We will not stop," and left.', 1),
    ("en", "“Stop! Now!” she shouted.", 1),
    # a quotation that ends the sentence, or holds more than two sentences, splits
    ("uk", "Він сказав: «Батько служить. Він патріот». Оце і все.", 3),
    ("ru", "«Первое. Второе. Третье», — сказал он.", 3),
    # lowercase start: English splits after an ordinary word, ru/uk never (see README)
    ("en", "sounds exciting. want to go to dinner with me?", 2),
    ("en", "What is it? i don't know.", 2),
    ("en", "Wait... what happened?", 1),
    ("en", "VERY CONCERNED!!! plz bring your dog to the vet.", 2),
    ("en", "St. Michael's Church is on 5th st. near the light.", 1),
    ("en", "Because he liked making statues! :D", 1),
    ("en", "Because he liked making statues! :D Next question.", 2),
    ("en", "Markets priced in a pause, e.g. futures showed it.", 1),
    ("uk", "Цікаве інтерв'ю. найбільший лол - шрифти.", 1),
    # no space after the end: never split (see README)
    ("en", "This is a sentence.Isn't it?", 1),
    # before_name: the U.S. and D.C. end a sentence before a name that is no attribute
    ("en", "Most of the money comes from the U.S. Europe will add more later.", 2),
    ("en", "The U.S. Treasury sold bonds.", 1),
    ("en", "He sat on the U.S. Court of Appeals for the D.C. Circuit for years.", 1),
    ("en", "Prices rose 2.5% in Jan. The Fed held rates.", 2),
    ("en", "Prices rose on Jan. 5 and fell.", 1),
]


@pytest.mark.parametrize(("lang", "text", "count"), PUBLIC)
def test_public_gold_classes(lang: str, text: str, count: int) -> None:
    result = sentences(text, lang)
    assert len(result) == count, result
    assert_well_formed(text, lang)


def test_no_unit_is_signs_only() -> None:
    for text in ("Так и было . . . Потом.", "Yes! :) :) Next one.", ". . . Word.", "Кто? »"):
        for sentence in sentences(text, "ru"):
            assert any(ch.isalnum() for ch in sentence), sentence
    assert sentences(". . .", "en") == [". . ."]


@pytest.mark.parametrize(
    ("lang", "text", "count"),
    [("ru", t, n) for t, n in RU] + [("uk", t, n) for t, n in UK] + [("en", t, n) for t, n in EN],
)
def test_traps(lang: str, text: str, count: int) -> None:
    result = sentences(text, lang)
    assert len(result) == count, result
    assert_well_formed(text, lang)


def test_exact_pieces() -> None:
    assert split_sentences(
        "Кабинет утвердил проект на 2026 г. Расходы составят ок. 3,5 трлн.", "ru"
    ) == [
        ("Кабинет утвердил проект на 2026 г.", " "),
        ("Расходы составят ок. 3,5 трлн.", ""),
    ]
    assert split_sentences("Others disagree!\nWill the Fed move?  \n", "en") == [
        ("Others disagree!", "\n"),
        ("Will the Fed move?", "  \n"),
    ]
    assert split_sentences("(см. отчёт, с. 12). Голосование", "ru") == [
        ("(см. отчёт, с. 12).", " "),
        ("Голосование", ""),
    ]


def test_whitespace_only_and_empty() -> None:
    assert split_sentences("", "ru") == []
    assert split_sentences(" \n\t", "uk") == []


def test_no_terminal_punctuation_is_one_sentence() -> None:
    assert split_sentences("Заголовок без точки  ", "ru") == [("Заголовок без точки", "  ")]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="language"):
        split_sentences("Text.", "de")
    with pytest.raises(ValueError, match="whitespace"):
        split_sentences(" Text.", "en")


def test_rules_loaded_once_and_consistent() -> None:
    rules = load_rules()
    assert set(rules) == {"ru", "uk", "en"}
    assert load_rules() is rules
    assert rules["ru"].abbreviations["т.е"] == rules["ru"].abbreviations["Т.е"]


def test_rule_in_two_lists_is_rejected() -> None:
    with pytest.raises(ValueError, match="two lists"):
        _parse_rules({"ru": {"no_break": ["ок"], "may_end": ["ок"]}})


# --- losslessness, property style ----------------------------------------------------

PIECES = [trap for trap, _ in RU + UK + EN] + [text for _, text, _ in PUBLIC] + [
    ". . .",
    ":)",
    "[3]",
    "* * *",
    "👍",
    "№ 5",
    "1.",
    "IV.",
    "1941 р.",
    "ок.",
    "т. е.",
    "т.е.",
    "г.",
    "2026 г.",
    "р.",
    "м.",
    "U.S.",
    "p.m.",
    "etc.",
    "А.",
    "J.",
    "...",
    "…",
    "?!",
    "!",
    "?",
    ".",
    "—",
    "– так",
    "«",
    "»",
    "“",
    "”",
    '"',
    "'",
    "(",
    ")",
    "(с. 12).",
    "2.9%",
    "3,5",
    "Нарешті!",
    "— сказала",
    "слово",
    "Word",
    "x",
]
SPACES = [" ", "  ", "\n", " \n", "\u00a0", "\t", ""]


def test_lossless_random_concatenations() -> None:
    rng = random.Random(20240517)
    for lang in ("ru", "uk", "en"):
        for _ in range(1500):
            parts = []
            for _ in range(rng.randint(1, 12)):
                parts.append(rng.choice(PIECES))
                parts.append(rng.choice(SPACES))
            text = "".join(parts).lstrip()
            assert_well_formed(text, lang)


def test_long_runs_stay_fast() -> None:
    import time

    started = time.process_time()  # CPU time: the machine may be shared
    for text in (
        "." * 50_000 + "x",
        "!?" * 25_000 + " a",
        ".)" * 25_000 + " A",
        # the same without ! ? … ) (the scan for periods only)
        ".»" * 25_000 + "x",
        "." + "”" * 50_000 + "x",
        "a" * 100_000 + ". B",
        # runs of signs after a break, each one a candidate of its own
        "a" + " ." * 3000 + " b",
        "a." + " :)" * 3000,
        "! " * 3000 + "A",
        "A." + " [1]" * 3000 + " b",
    ):
        assert_well_formed(text, "en")
    # a guard against a hang (quadratic work: 25 s before), not a speed figure; the speed
    # is measured by bench/bench_segment.py
    assert time.process_time() - started < 5.0


