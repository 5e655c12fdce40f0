"""Spelling with the Hunspell dictionaries of Debian (hunspell-ru, hunspell-uk,
hunspell-en-us, hunspell-en-gb) through pyenchant over libenchant-2.

A word is accepted when Hunspell knows it, when the ru/uk morphological dictionary of
pymorphy3 knows it (it holds many names Hunspell lacks), or when it is a form of a word
the desk accepts (the termbase's preferred and admitted forms, the desk word list and
the word list shipped with transdesk, all matched by lemma: «Нацбанк» accepts
«Нацбанку»). Not checked: numbers and words with digits, URLs and e-mail addresses,
all-caps abbreviations (НБУ, NATO) and short words before a period (р., бл., грн.),
Latin-script words in ru/uk text and Cyrillic ones
in en text (names in the other script; `wrong-alphabet` looks after stray letters).

The English dictionary is the desk's choice: TRANSDESK_ENGLISH=en_GB (the default) or
en_US. Every verdict is cached per distinct word, so an archive costs its vocabulary.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from transdesk.errors import BadInput
from transdesk.i18n import _

ENGLISH_ENV = "TRANSDESK_ENGLISH"
ENGLISH_VARIANTS = ("en_GB", "en_US")
SUGGESTIONS = 3

_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                  r"|\b(?:[a-z0-9-]+\.)+[a-z]{2,6}\b")  # and bare domains: minfin.gov.ua
# A candidate word: letters, digits, apostrophes and hyphens (so that COVID-19 is one
# token and is skipped for its digit).
_TOKEN = re.compile(r"[\w'’ʼ-]+\.?")
ABBREVIATION_MAX = 4  # a word this short before a period is an abbreviation: р., бл., грн.
_EDGES = "'’ʼ-_"
_DIGIT = re.compile(r"\d")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z]")


def english_variant() -> str:
    """The desk's English dictionary, from TRANSDESK_ENGLISH (en_GB, en_US; en-gb, GB...)."""
    value = os.environ.get(ENGLISH_ENV, "").strip()
    if not value:
        return "en_GB"
    code = value.replace("-", "_").upper().removeprefix("EN_")
    variant = f"en_{code}"
    if variant not in ENGLISH_VARIANTS:
        raise BadInput(_("{variable}={value!r}: use one of {variants}").format(
            variable=ENGLISH_ENV, value=value, variants=", ".join(ENGLISH_VARIANTS)))
    return variant


def dictionary_name(lang: str) -> str:
    return {"ru": "ru_RU", "uk": "uk_UA"}.get(lang) or english_variant()


@lru_cache(maxsize=4)
def _dictionary(name: str) -> Any:
    import enchant

    try:
        return enchant.Dict(name)
    except enchant.errors.DictNotFoundError:
        package = "hunspell-" + name.split("_")[0].lower() + (
            "-" + name.split("_")[1].lower() if name.startswith("en") else "")
        raise BadInput(_(
            "no Hunspell dictionary {name} (install the Debian package {package})"
        ).format(name=name, package=package)) from None


@dataclass
class Misspelling:
    word: str
    suggestions: list[str]

    def __str__(self) -> str:
        if not self.suggestions:
            return f"«{self.word}»"
        return f"«{self.word}» ({', '.join(self.suggestions)}?)"


@dataclass
class Speller:
    """Verdicts for one language, cached per word. `accepted(word)` says whether the
    desk accepts a word Hunspell does not know (termbase, word lists)."""

    lang: str
    accepted: Callable[[str], bool] = field(default=lambda word: False)
    dictionary: str = ""  # the Hunspell dictionary (default: by TRANSDESK_ENGLISH now)
    good: set[str] = field(default_factory=set)
    bad: dict[str, Misspelling] = field(default_factory=dict)

    def misspelled(self, text: str) -> list[Misspelling]:
        """The misspelled words of `text`, each once, in order."""
        from transdesk.terms.morph import words

        good = self.good
        if good.issuperset(words(text)):
            return []  # the usual case: one set operation on the shared words
        if "." in text or "@" in text:
            text = _URL.sub(" ", text)
        found: dict[str, Misspelling] = {}
        for token in _TOKEN.findall(text):
            if token in good:
                continue
            verdict = self.bad.get(token)
            if verdict is None:
                verdict = self._judge(token)
                if verdict is None:
                    good.add(token)
                    good.add(token.strip(_EDGES + "."))  # the word as `words` sees it
                    continue
                self.bad[token] = verdict
            found.setdefault(verdict.word, verdict)
        return list(found.values())

    def _judge(self, token: str) -> Misspelling | None:
        if token.endswith("."):
            if len(token) <= ABBREVIATION_MAX + 1:
                return None
            token = token[:-1]
        word = token.strip(_EDGES)
        if not word or _DIGIT.search(word) or "_" in word:
            return None
        if len(word) > 1 and word.isupper():
            return None  # an abbreviation
        if len(word) > 2 and word[1] == "-" and word[0].isalpha():
            return None  # an abbreviation with a hyphen: д-р, д-ра, г-жа
        cyrillic = _CYRILLIC.search(word) is not None
        if cyrillic == (self.lang == "en") or (not cyrillic and not _LATIN.search(word)):
            return None  # a name in the other script, or another alphabet altogether
        if self._known(word):
            return None
        if "-" in word and all(self._known(part) or (len(part) > 1 and part.isupper())
                               for part in word.split("-") if part):
            return None  # each part a word, or an abbreviation: PO-файл, TMX-файл
        suggestions = [s for s in self._dictionary().suggest(word.replace("ʼ", "'"))
                       if s != word][:SUGGESTIONS]
        return Misspelling(word, suggestions)

    def _dictionary(self) -> Any:
        return _dictionary(self.dictionary or dictionary_name(self.lang))

    def _known(self, word: str) -> bool:
        dictionary = self._dictionary()
        plain = word.replace("ʼ", "'").replace("’", "'")
        if dictionary.check(plain) or (plain != word and dictionary.check(word)):
            return True
        if self.lang != "en":
            from transdesk.terms import morph

            if morph.is_known(word, self.lang):
                return True
        return self.accepted(word)


def spelling_message(misspellings: Iterable[Misspelling]) -> str | None:
    """One line for the `spelling` check, or None."""
    found = list(misspellings)
    if not found:
        return None
    shown = "; ".join(str(m) for m in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return f"possible misspelling: {shown}{more}"
