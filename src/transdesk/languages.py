"""The three newsroom languages, their aliases and detection from text."""

from __future__ import annotations

import re

from transdesk.errors import BadInput
from transdesk.i18n import _

LANGUAGES = ("ru", "uk", "en")
ALIASES = {"ua": "uk"}

_UK_LETTERS = "іїєґІЇЄҐ"
_RU_LETTERS = "ыэъёЫЭЪЁ"
_UK_ONLY = re.compile(f"[{_UK_LETTERS}]")
_RU_ONLY = re.compile(f"[{_RU_LETTERS}]")
_CYRILLIC = re.compile(r"[а-яА-Я]")
_LATIN = re.compile(r"[a-zA-Z]")


def normalize_lang(code: str) -> str:
    """Return the canonical code for `code` (case-insensitive, `ua` -> `uk`) or raise BadInput."""
    lowered = code.strip().lower()
    lowered = ALIASES.get(lowered, lowered)
    if lowered not in LANGUAGES:
        raise BadInput(
            _("unsupported language {code!r}; use one of: ru, uk (or ua), en").format(code=code)
        )
    return lowered


def parse_lang_list(values: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Parse `ru,uk` or repeated options into canonical codes, order kept, no duplicates."""
    if not values:
        return []
    if isinstance(values, str):
        values = [values]
    result: list[str] = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                code = normalize_lang(part)
                if code not in result:
                    result.append(code)
    return result


def detect_lang(text: str) -> str:
    """Guess ru, uk or en from letters unique to each alphabet (in the first 4,000
    characters: an article's opening says enough, and archives import faster)."""
    text = text[:4000]
    # counted by str.count, letter by letter: a regex's findall makes a string of each
    # match (a fifth of an archive import's parsing went into this function)
    uk = sum(map(text.count, _UK_LETTERS))
    ru = sum(map(text.count, _RU_LETTERS))
    if uk or ru:
        return "uk" if uk > ru else "ru"
    cyr = len(_CYRILLIC.findall(text))
    if not cyr:  # (English: no Latin letter needs counting, one is enough)
        if _LATIN.search(text):
            return "en"
    elif cyr > len(_LATIN.findall(text)):
        return "ru"
    else:
        return "en"
    raise BadInput(_("cannot detect the language of the text; pass --lang ru|uk|en"))


NAMES = {"ru": "Russian", "uk": "Ukrainian", "en": "English"}
# How lopsided the letters must be before a declared language is doubted: a Ukrainian
# article quotes Russian and names English things, and that must not raise a warning.
_STRONGLY = 3
_ENOUGH_LETTERS = 20
_ENOUGH_MARKERS = 5


def disagreeing_lang(text: str, declared: str) -> str | None:
    """The language the text's letters clearly say, when it is not `declared`; None when
    they agree or are not clear enough (so a false alarm is rare)."""
    text = text[:4000]
    latin, cyrillic = len(_LATIN.findall(text)), len(_CYRILLIC.findall(text))
    uk, ru = len(_UK_ONLY.findall(text)), len(_RU_ONLY.findall(text))
    if declared in ("ru", "uk"):
        if latin >= _ENOUGH_LETTERS and latin > _STRONGLY * cyrillic:
            return "en"
        other, mine = (uk, ru) if declared == "ru" else (ru, uk)
        if other >= _ENOUGH_MARKERS and other > _STRONGLY * mine:
            return "uk" if declared == "ru" else "ru"
        return None
    if cyrillic >= _ENOUGH_LETTERS and cyrillic > _STRONGLY * latin:
        return "uk" if uk > ru else "ru"
    return None
