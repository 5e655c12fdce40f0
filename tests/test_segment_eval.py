"""The public-gold harness (bench/gold_public.py, bench/eval_segment.py) on gold written here."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import eval_segment
import gold_public

CONLLU = """\
# newdoc id = doc1
# newpar
# sent_id = 1
# text = Заголовок без точки
1\tЗаголовок\t_\t_\t_\t_\t0\troot\t_\t_
2\tбез\t_\t_\t_\t_\t1\t_\t_\t_
3\tточки\t_\t_\t_\t_\t1\t_\t_\t_

# sent_id = 2
# text = 1.
1\t1\t_\t_\t_\t_\t0\troot\t_\tSpaceAfter=No
2\t.\t_\t_\t_\t_\t1\t_\t_\t_

# sent_id = 3
# text = Перший пункт списку.
1\tПерший\t_\t_\t_\t_\t0\troot\t_\t_
2\tпункт\t_\t_\t_\t_\t1\t_\t_\t_
3\tсписку\t_\t_\t_\t_\t1\t_\t_\tSpaceAfter=No
4\t.\t_\t_\t_\t_\t1\t_\t_\t_

# sent_id = 4
# text = Друге речення.
1\tДруге\t_\t_\t_\t_\t0\troot\t_\t_
2\tречення\t_\t_\t_\t_\t1\t_\t_\tSpaceAfter=No
3\t.\t_\t_\t_\t_\t1\t_\t_\tSpaceAfter=No

# sent_id = 5
# text = Третє.
1\tТретє\t_\t_\t_\t_\t0\troot\t_\tSpaceAfter=No
2\t.\t_\t_\t_\t_\t1\t_\t_\t_

"""


def prepared(text: str) -> list[list[tuple[str, str]]]:
    stats: Counter[str] = Counter()
    out = []
    for raw in gold_public.conllu_paragraphs(text):
        out.extend(gold_public.normalise(raw, stats))
    assert stats["cut: no terminal punctuation"] == 1
    assert stats["joined: list number or punctuation only"] == 1
    return out


def test_conllu_conventions() -> None:
    paragraphs = prepared(CONLLU)
    # A heading without terminal punctuation is a paragraph of its own; the list number
    # joins its item; SpaceAfter=No on the last token joins two sentences without a space.
    assert paragraphs == [
        [("Заголовок без точки", " ")],
        [("1. Перший пункт списку.", " "), ("Друге речення.", ""), ("Третє.", " ")],
    ]


def test_score_counts_exact_spans() -> None:
    text = "Перше речення. Друге речення. Третє."
    row = {"lang": "uk", "text": text, "sentences": [[0, 14], [15, 29], [30, 36]]}
    assert eval_segment.score([row], eval_segment.transdesk)["F1"] == 1.0

    def one_piece(paragraph: str, lang: str) -> list[tuple[int, int]]:
        return [(0, len(paragraph))]

    result = eval_segment.score([row], one_piece)
    assert result["P"] == 0.0
    assert result["para"] == 0.0


def test_locate_and_python_cases() -> None:
    source = 'CASES = [("Hi there. Bye.", ["Hi there.", "Bye."]), ("x", "not a list")]'
    assert list(gold_public._python_cases(source)) == [("Hi there. Bye.", ["Hi there.", "Bye."])]
    assert gold_public._locate("Hi there.  Bye.", ["Hi there.", "Bye."]) == [
        ("Hi there.", "  "),
        ("Bye.", ""),
    ]
    assert gold_public._locate("Hi there.", ["Something else."]) is None


def test_eval_script_reads_prepared_gold(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    text = "Он пришёл в 2019 г. Потом ушёл."
    row = {"lang": "ru", "text": text, "sentences": [[0, 19], [20, 31]]}
    (gold / "mine.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    (gold / "mine.stats.json").write_text(json.dumps({"suite_of": ""}), "utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "eval_segment.py"), "--gold", str(gold), "--peers", ""],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "mine" in run.stdout
    assert "1.000 / 100%" in run.stdout


def test_eval_script_without_gold_says_so(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "eval_segment.py"), "--gold", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("Error: no gold")


def _join(*sentences: str) -> list[str]:
    stats: Counter[str] = Counter()
    paragraph = [(s, " ") for s in sentences]
    joined = gold_public.join_quotations(paragraph, stats)
    assert "".join(s + sep for s, sep in joined) == "".join(s + sep for s, sep in paragraph)
    assert stats["joined: quotation with what completes it"] == len(sentences) - len(joined)
    return [s for s, _ in joined]


def test_quotation_convention_joins_a_quotation_with_its_attribution() -> None:
    # two sentences in a quotation, the attribution after it (a dash, a comma)
    assert _join("«Ми не відступимо!", "Світло буде», — заявив В. Зеленський.", "Далі.") == [
        "«Ми не відступимо! Світло буде», — заявив В. Зеленський.",
        "Далі.",
    ]
    assert _join('"Це справедливо.', 'Зараз працюємо", - сказав Гройсман.') == [
        '"Це справедливо. Зараз працюємо", - сказав Гройсман.'
    ]
    # quoted dialogue: the sentence that closes the quotation opens with a dash
    assert _join("“Можна долари купити? – запитує жінка.", "– Я замовляла”.") == [
        "“Можна долари купити? – запитує жінка. – Я замовляла”."
    ]


def test_quotation_convention_leaves_other_quotations_split() -> None:
    # three sentences in the quotation; a quotation without attribution; no quotation
    three = ("«Перше.", "Друге.", "Третє», — сказав він.")
    assert _join(*three) == list(three)
    assert _join("«Перше.", "Друге.»", "Наступне речення.") == ["«Перше.", "Друге.»", "Наступне речення."]
    assert _join("Перше.", "— Друге.") == ["Перше.", "— Друге."]
    assert _join("«Ціла цитата.» Далі.", "Інше.") == ["«Ціла цитата.» Далі.", "Інше."]
