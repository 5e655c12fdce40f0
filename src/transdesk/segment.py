"""Sentence segmentation for ru, uk and en news text.

A small generic engine over rule data (`data/segment_rules.toml`). One compiled regex
finds candidate boundaries: terminal punctuation (`. ! ? …`, possibly with closing
quotes and brackets) followed by whitespace. Each candidate is then kept or dropped by
looking at what comes after it (a lowercase word never starts a sentence, also behind an
opening quote or a dialogue dash) and, after a plain period, at the word before it: an
abbreviation from the rule data, an initial, a number or an ordinary word.

The split is lossless: every sentence keeps the exact whitespace that follows it, so
`"".join(s + ws for s, ws in split_sentences(p, lang)) == p`.
"""

from __future__ import annotations

import re

__all__ = ["load_rules", "split_sentences"]

# Candidate boundary: whitespace after terminal punctuation or a closer (`. `, `?! `,
# `." `, `.). `, `” `). The punctuation run before it is read back in Python, and a run
# without a terminal (`” but`) is no boundary. The lookbehind keeps the scan linear.
_PUNCT = ".!?…)]»”\"’'"
_PUNCT_SET = frozenset(_PUNCT)
_CANDIDATE = re.compile(rf"(?<=[{re.escape(_PUNCT)}])\s+")
_TOKEN_WINDOW = 32  # longer than any abbreviation
_TERMINALS = frozenset(".!?…")
_OPENERS = "«“„\"‘'([‹"
_DASHES = "—–-"
_WORD = re.compile(r"\w+")
_ROMAN = re.compile(r"[IVXLC]+")
_LETTER_RUN = re.compile(r"[^\W\d_](?:\.[^\W\d_])*")

# Categories of the word before a period (see the comment at the top of the rule file).
NO_BREAK, NO_BREAK_DIGIT, MAY_END, MAY_END_ANY, AFTER_NUMBER, BEFORE_STARTER = range(6)
_CATEGORY_KEYS = {
    "no_break": NO_BREAK,
    "no_break_digit": NO_BREAK_DIGIT,
    "may_end": MAY_END,
    "may_end_any": MAY_END_ANY,
    "after_number": AFTER_NUMBER,
    "before_starter": BEFORE_STARTER,
}


class Rules:
    """Compiled rules of one language: abbreviation -> category, starters, continuations."""

    __slots__ = ("abbreviations", "continuations", "initial", "starters", "tails")

    def __init__(
        self,
        abbreviations: dict[str, int],
        starters: frozenset[str],
        continuations: frozenset[str],
    ) -> None:
        self.abbreviations = abbreviations
        self.starters = starters
        self.continuations = continuations
        # Multi-word entries ("т. е", "и т. д") are looked up only when the token could be
        # their last part; any suffix of an entry is a possible last part.
        self.tails = frozenset(
            key[i:] for key in abbreviations for i in range(len(key)) if key[i] != "."
        )
        # An initial before a sentence starter ends the sentence where starters are known.
        self.initial = BEFORE_STARTER if starters else NO_BREAK


def _compact(entry: str) -> str:
    return "".join(entry.split())


def _parse_rules(raw: dict[str, dict[str, list[str]]]) -> dict[str, Rules]:
    compiled: dict[str, Rules] = {}
    for lang, table in raw.items():
        abbreviations: dict[str, int] = {}
        for name, category in _CATEGORY_KEYS.items():
            for entry in table.get(name, []):
                key = _compact(entry)
                if abbreviations.get(key, category) != category:
                    raise ValueError(f"segment rules: {lang} {entry!r} is in two lists")
                abbreviations[key] = category
        for key, category in list(abbreviations.items()):
            # `Проф.` at the start of a sentence is still an abbreviation.
            if len(key) > 1 and key[0].islower():
                abbreviations.setdefault(key[0].upper() + key[1:], category)
        compiled[lang] = Rules(
            abbreviations,
            frozenset(table.get("starters", [])),
            frozenset(table.get("continuations", [])),
        )
    return compiled


_RULES: dict[str, Rules] = {}


def load_rules() -> dict[str, Rules]:
    """Read and compile the rule file once per process."""
    if not _RULES:
        import tomllib
        from importlib import resources

        text = resources.files("transdesk").joinpath("data/segment_rules.toml").read_text("utf-8")
        _RULES.update(_parse_rules(tomllib.loads(text)))
    return _RULES


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or _ROMAN.fullmatch(word) is not None


def _category(text: str, start: int, tok: str, rules: Rules) -> int | None:
    """Category of the word `tok` (at text[start:]) before a period; None: ordinary word."""
    abbreviations = rules.abbreviations
    if tok in rules.tails:
        words = text[max(0, start - 24) : start].split()
        if start > 24 and words:
            words.pop(0)  # possibly cut by the window
        for k in (2, 1):
            if len(words) >= k and all(len(w) <= 3 for w in words[-k:]):
                key = "".join(words[-k:]).lstrip(_OPENERS) + tok
                category = abbreviations.get(key)
                if category is not None:
                    return category
    category = abbreviations.get(tok)
    if category is not None:
        return category
    if tok[-1].isdigit():
        return None if start else NO_BREAK  # "1. " opening a paragraph is a list number
    if _LETTER_RUN.fullmatch(tok):
        # A single letter or a dotted run of single letters: J., J.R.R., т.д
        if tok.isupper():
            return rules.initial
        if tok.islower():
            return MAY_END
    return None


def _previous_word(text: str, start: int) -> str:
    words = text[max(0, start - 24) : start].split()
    return words[-1] if words else ""


def _breaks(text: str, ws_start: int, j: int, rules: Rules) -> bool:
    """Decide whether the whitespace at text[ws_start:j], before text[j], ends a sentence."""
    n = len(text)
    c = text[j]
    if c in _DASHES:
        # Dialogue: "— Нарешті! — сказала" continues, "осторожно. — Цифры" splits.
        j += 1
        while j < n and (text[j].isspace() or text[j] in _DASHES):
            j += 1
    while j < n and text[j] in _OPENERS:
        j += 1
    if j >= n:
        return False
    c = text[j]
    if c.islower():
        return False
    end = ws_start - 1  # the last punctuation mark
    if text[end] != "." or (end and text[end - 1] in _PUNCT_SET):
        # ! ? … ... ." .» ). end the sentence; a closer alone (” but) does not.
        run_start = end
        while run_start and text[run_start - 1] in _PUNCT_SET:
            run_start -= 1
        return not _TERMINALS.isdisjoint(text[run_start:ws_start])
    # A plain period: the word before it decides.
    if not end or text[end - 1].isspace():
        return True
    window = text[max(0, end - _TOKEN_WINDOW) : end]
    tok = window.rsplit(None, 1)[-1]
    if len(tok) == _TOKEN_WINDOW:
        return True  # a long word, no abbreviation
    tok = tok.lstrip(_OPENERS)
    if not tok:
        return True
    start = end - len(tok)
    category = _category(text, start, tok, rules)
    if category is None:
        return True
    if category == NO_BREAK:
        return False
    if category == BEFORE_STARTER:
        return _next_word(text, j) in rules.starters
    if c.isdigit():
        if category != MAY_END_ANY:
            return False
    elif category == AFTER_NUMBER and not _is_number(_previous_word(text, start)):
        return False
    # An abbreviation that may end a sentence, unless the next word continues it: 2 p.m. ET
    return not rules.continuations or _next_word(text, j) not in rules.continuations


def _next_word(text: str, pos: int) -> str:
    word = _WORD.match(text, pos)
    return word.group() if word else ""


def split_sentences(paragraph: str, lang: str) -> list[tuple[str, str]]:
    """Split one paragraph into (sentence, whitespace_after) pairs.

    Lossless: "".join(s + ws for s, ws in result) == paragraph. The paragraph must not
    start with whitespace; it may contain single newlines and end with whitespace.
    Every sentence is non-empty and has no leading or trailing whitespace.
    lang is one of "ru", "uk", "en". A whitespace-only paragraph gives [].
    """
    rules = _RULES.get(lang)
    if rules is None:
        rules = load_rules().get(lang)
        if rules is None:
            raise ValueError(f"no segmentation rules for language {lang!r}")
    if paragraph[:1].isspace():
        if paragraph.isspace():
            return []
        raise ValueError("paragraph starts with whitespace; strip it before segmenting")
    result: list[tuple[str, str]] = []
    start = 0
    n = len(paragraph)
    for match in _CANDIDATE.finditer(paragraph):
        ws_start, end = match.span()
        if end < n and _breaks(paragraph, ws_start, end, rules):
            result.append((paragraph[start:ws_start], paragraph[ws_start:end]))
            start = end
    tail = paragraph[start:]
    sentence = tail.rstrip()
    if sentence:
        result.append((sentence, tail[len(sentence) :]))
    return result
