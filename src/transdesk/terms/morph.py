"""Words and their lemmas, cached per distinct word.

ru and uk are lemmatized with pymorphy3 and its OpenCorpora / VESUM dictionaries; a word
the dictionary does not know (a new surname, a company) gets its paradigm guessed from
its ending by pymorphy3's predictor (Зеленського -> зеленський). en goes through
simplemma. Each lemma carries the grammatical gender of the parse (None when the form
has none, e.g. a plural), so that a feminine surname («Зеленська») is not taken for the
masculine one («Зеленський»).

The analysers and the cache load on first use: a warm `check` that has nothing new to
read never pays for them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# A word: letters (and digits: `\w` scans twice as fast as letters alone, and a word
# with a digit is no term), with apostrophes and hyphens inside (п'ять, Нью-Йорк).
# U+02BC is a letter to `re`; ' and ’ are joined here.
WORD = re.compile(r"\w+(?:['’ʼ-]\w+)*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_CYRILLIC = re.compile("[\u0400-\u04ff]")

_GENDERED = frozenset({"ADJF", "PRTF"})
_NAME_TAGS = frozenset({"Surn", "Patr"})
Lemma = tuple[str, str | None]  # normal form, gender (masc, femn, neut or None)


def normalize(word: str) -> str:
    """Lower case, one apostrophe (' for ’ and ʼ), е for ё."""
    return word.lower().translate(_APOSTROPHES).replace("ё", "е")


def words(text: str) -> list[str]:
    """The words of `text`, in order, as written (the last texts remembered: the
    terminology and spelling checks read the same translation one after the other)."""
    found = _RECENT.get(text)
    if found is None:
        if len(_RECENT) >= 8:
            _RECENT.clear()
        found = _RECENT[text] = WORD.findall(text)
    return found


_RECENT: dict[str, list[str]] = {}


@lru_cache(maxsize=2)
def _analyzer(lang: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


_CACHE: dict[tuple[str, str], frozenset[Lemma]] = {}


def lemmas(word: str, lang: str) -> frozenset[Lemma]:
    """Every (normal form, gender) the word can be a form of, normalized; cached."""
    key = (lang, word)
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = _lemmas(word, lang)
    return found


def _lemmas(word: str, lang: str) -> frozenset[Lemma]:
    norm = normalize(word)
    cyrillic = _CYRILLIC.search(norm) is not None
    if lang == "en" or not cyrillic:
        if cyrillic or lang != "en":  # a name in the other script: as written
            return frozenset({(norm, None)})
        bare = norm[:-2] if norm.endswith("'s") else norm  # Kyiv's
        return frozenset({(_english(bare), None), (bare, None)})
    if norm.isupper() or (len(word) > 1 and word.isupper()):
        return frozenset({(norm, None)})  # an abbreviation: НБУ, МЗС
    found = set()
    analyzer = _analyzer(lang)
    if word[:1].isupper() and not analyzer.word_is_known(norm):
        found.update(_name_stems(norm))
    for parse in analyzer.parse(norm):
        tag = parse.tag
        # Gender tells apart only words that change it by inflection: adjectives and
        # surnames (Зеленський / Зеленська); a noun's gender is no clue (and the guessed
        # one of an unknown name is often wrong).
        gendered = tag.POS in _GENDERED or bool(_NAME_TAGS & tag.grammemes)
        gender = tag.gender if gendered and tag.number != "plur" else None
        found.add((normalize(parse.normal_form), gender))
    return frozenset(found or {(norm, None)})


# Case endings of names that decline like nouns (Умєров, Умєрова, Умєрову, Умєрові,
# Умєровим; Шмыгаль, Шмыгаля, Шмыгалем, Шмыгале): pymorphy3's predictor guesses them
# from similar common words and sometimes misses; the stems these endings leave are
# extra lemmas (marked `~`) of a capitalized word the dictionary does not know.
_NAME_ENDINGS = ("", "а", "я", "у", "ю", "ові", "еві", "єві", "ом", "ем", "єм", "им", "ым",
                 "і", "е", "ь", "й")
_STEM_MIN = 3


def _name_stems(norm: str) -> set[Lemma]:
    return {("~" + norm[:len(norm) - len(ending)], None) for ending in _NAME_ENDINGS
            if norm.endswith(ending) and len(norm) - len(ending) >= _STEM_MIN}


def head_lemmas(word: str, lang: str) -> frozenset[Lemma]:
    """The lemmas of a term's own word, which is written in its dictionary form: only
    the parses whose normal form is the word itself (Рада: рада, not радий), else all."""
    every = lemmas(word, lang)
    own = frozenset(lemma for lemma in every
                    if lemma[0] == normalize(word) or lemma[0].startswith("~"))
    return own or every


def _english(word: str) -> str:
    import simplemma

    # low_memory: the same dictionary read in place (2 MB, where loading it whole took
    # 20 MB and 30 at its peak, in each process of a check); every word is cached above
    return normalize(simplemma.lemmatize(word, lang="en", low_memory=True))


def same_word(term: frozenset[Lemma], token: frozenset[Lemma]) -> bool:
    """A token is a form of a term's word: a shared normal form of a compatible gender."""
    for form, gender in term:
        for other, other_gender in token:
            if form == other and (gender is None or other_gender is None
                                  or gender == other_gender):
                return True
    return False


def is_known(word: str, lang: str) -> bool:
    """Whether the morphological dictionary of ru or uk holds the word (not guessed)."""
    if lang == "en":
        return False
    return bool(_analyzer(lang).word_is_known(normalize(word)))
