"""`detect_lang`: letters counted without a regex's list of matches give the verdicts the
plain count gives, on the sample articles and on random mixtures of the alphabets."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from transdesk.errors import BadInput
from transdesk.languages import detect_lang

SAMPLES = Path(__file__).parent / "data" / "samples"


def counted(text: str) -> str | None:
    """The rule written plainly: every letter of each alphabet counted."""
    text = text[:4000]
    uk = len(re.findall("[іїєґІЇЄҐ]", text))
    ru = len(re.findall("[ыэъёЫЭЪЁ]", text))
    if uk or ru:
        return "uk" if uk > ru else "ru"
    cyr = len(re.findall("[а-яА-Я]", text))
    lat = len(re.findall("[a-zA-Z]", text))
    if cyr > lat:
        return "ru"
    return "en" if lat else None


def verdict(text: str) -> str | None:
    try:
        return detect_lang(text)
    except BadInput:
        return None


def test_the_samples_are_told_apart():
    found = {path.name[:2]: verdict(path.read_text(encoding="utf-8"))
             for path in sorted(SAMPLES.glob("*.txt"))}
    assert found == {"en": "en", "ru": "ru", "uk": "uk"}


@pytest.mark.parametrize("seed", range(5))
def test_the_same_verdicts_as_counting_every_letter(seed):
    rng = random.Random(seed)
    alphabet = "abcXYZ абвгдЖЗИ ыэъё ієїґ 123 .,—«»\n"
    for _ in range(2000):
        size = rng.choice((0, 1, 3, 10, 50, 4100))
        text = "".join(rng.choice(alphabet) for _ in range(size))
        if rng.random() < 0.3:  # mostly one alphabet
            text = "".join(c for c in text if not ("a" <= c.lower() <= "z"))
        assert verdict(text) == counted(text), text
