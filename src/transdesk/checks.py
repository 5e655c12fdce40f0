"""Quality checks on a translated unit: plain functions, each registered under a stable
name in `transdesk.registry.CHECKS` (cheap to import, so `--help` lists the names without
compiling the expressions here); `CHECKS` below maps those names to the functions.

Every check has the signature ``fn(source, target, source_lang, target_lang)`` and returns
one short human line when it finds a problem, or ``None``. Languages are the canonical
codes ``ru``, ``uk``, ``en``. The checks know the newsroom's conventions: decimal comma and
space-grouped thousands in ru/uk (``1 500,50``), «ёлочки» in ru/uk and “curly” quotes in en,
and the Ukrainian apostrophe. Units are single sentences or header lines, so a quote or a
bracket that spans two sentences is legitimate when the source does the same.

All regular expressions are compiled once at import; each check starts with a cheap
test so that common text costs little (``run_checks`` is meant for whole archives).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.languages import LANGUAGES, normalize_lang
from transdesk.registry import CHECKS as _REGISTRY


@dataclass(frozen=True)
class Finding:
    """One problem found by one check."""

    check: str
    message: str


CheckFn = Callable[[str, str, str, str], str | None]

_CYR = "\u0400-\u04ff"
_SPACES = " \u00a0\u202f\u2009"  # space, no-break, narrow no-break, thin

# --- URLs and e-mail addresses ---------------------------------------------------------

_URL = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s<>«»“”\"]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_URL_TRAILING = ".,;:!?)]'’"


def _urls(text: str) -> list[str]:
    if "://" not in text and "www." not in text and "@" not in text:
        return []
    return [m.group().rstrip(_URL_TRAILING) for m in _URL.finditer(text)]


def _without_urls(text: str) -> str:
    if "://" not in text and "www." not in text and "@" not in text:
        return text
    return _URL.sub(" ", text)


# --- numbers ---------------------------------------------------------------------------

# ru/uk: decimal comma, thousands grouped by a (no-break, narrow, thin) space.
# A dot between digits is read leniently as a decimal point too.
_NUM_CYR = re.compile(
    rf"""(?=[0-9])(?<![0-9])(?:  # the lookahead first lets re skip to digits fast
        (?P<dotted>[0-9]+(?:\.[0-9]+){{2,}})              # 17.02.2026, 1.2.3: separate numbers
      | (?P<time>[0-9]{{1,2}}:[0-5][0-9])(?![0-9])          # 14:30
      | (?P<grouped>[0-9]{{1,3}}(?:[{_SPACES}][0-9]{{3}})+(?![0-9])(?:,[0-9]+)?)  # 1 500,50
      | (?P<plain>[0-9]+(?:[.,][0-9]+)?)                   # 15,5  2026
    )""",
    re.VERBOSE,
)
# en: decimal point, thousands grouped by a comma or a no-break/thin space.
_NUM_EN = re.compile(
    r"""(?=[0-9])(?<![0-9])(?:  # the lookahead first lets re skip to digits fast
        (?P<dotted>[0-9]+(?:\.[0-9]+){2,})
      | (?P<time>[0-9]{1,2}:[0-5][0-9])(?![0-9])
      | (?P<grouped>[0-9]{1,3}(?:[,\u00a0\u202f\u2009][0-9]{3})+(?![0-9])(?:\.[0-9]+)?)
      | (?P<plain>[0-9]+(?:\.[0-9]+)?)
    )""",
    re.VERBOSE,
)
_DIGIT = re.compile("[0-9]")
_AMPM = re.compile(r"[ \u00a0]?([ap])\.?[ ]?m\b\.?", re.IGNORECASE)
_GROUP_SEPARATORS = str.maketrans("", "", _SPACES)
_SCALE = re.compile(
    rf"[{_SPACES}]?(?:"
    r"(?P<k>тыс\w*|тис\w*|thousand)"
    r"|(?P<m>млн|миллион\w*|мільйон\w*|million\w*|mln|mn)"
    r"|(?P<b>млрд|миллиард\w*|мільярд\w*|billion\w*|bln|bn)"
    r"|(?P<t>трлн|триллион\w*|трильйон\w*|trillion\w*|trln|trn|tn)"
    r")\b",
    re.IGNORECASE,
)
_SCALE_FACTOR = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_ROMAN = re.compile(
    r"\b(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\b"
)
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}


class _Number(NamedTuple):
    value: float
    raw: str
    end: int
    face: float | None = None  # the hour as written, for 12-hour times: 2 in "2 p.m."


def _parse_numbers(text: str, lang: str) -> list[_Number]:
    pattern = _NUM_EN if lang == "en" else _NUM_CYR
    found: list[_Number] = []
    en = lang == "en"
    first = _DIGIT.search(text)
    if first is None:
        return found
    # From the first digit: the scan skips the text before it at C speed.
    for m in pattern.finditer(text, first.start()):
        raw = m.group()
        kind = m.lastgroup
        if kind == "plain":
            if en:
                if len(raw) > 2 or not raw.isdigit():
                    found.append(_Number(float(raw), raw, m.end()))
                    continue
                kind = "time"  # a bare hour may be followed by a.m./p.m.
            else:
                found.append(_Number(float(raw.replace(",", ".")), raw, m.end()))
                continue
        if kind == "time":
            # Clock times: 14:30 is 14 and 30; 14:00 and 2 p.m. are both just 14.
            hour, _colon, minutes = raw.partition(":")
            value = int(hour)
            ampm = _AMPM.match(text, m.end()) if en and 0 < value <= 12 else None
            face = float(value)
            if ampm is not None:
                value = value % 12 + (12 if ampm.group(1) in "pP" else 0)
            found.append(_Number(float(value), raw, m.end(), face if ampm else None))
            if minutes and minutes != "00":
                found.append(_Number(float(minutes), raw, m.end()))
        elif kind == "dotted":
            # A date or version: each part is a number of its own.
            start = m.start()
            for part in raw.split("."):
                start += len(part) + 1
                found.append(_Number(float(part), part, start - 1))
        else:  # grouped thousands
            digits = raw.translate(_GROUP_SEPARATORS)
            digits = digits.replace(",", "") if en else digits.replace(",", ".")
            found.append(_Number(float(digits), raw, m.end()))
    return found


def extract_numbers(text: str, lang: str) -> list[float]:
    """Return the numeric values written in digits in `text`, read by `lang`'s conventions.

    ``1 500,50`` (ru/uk, any space as thousands separator) and ``1,500.50`` (en) both give
    1500.5; ``3,5 трлн`` gives 3.5 (scale words are not applied here). Dates and versions
    such as ``17.02.2026`` give their parts. Signs are ignored (``-5`` gives 5.0, so that
    ranges like ``10-15`` read as two numbers). URLs and e-mail addresses are skipped.
    """
    return [n.value for n in _parse_numbers(_without_urls(text), lang)]


def _scaled(text: str, number: _Number) -> float:
    m = _SCALE.match(text, number.end)
    if m is None or m.lastgroup is None:
        return number.value
    return number.value * _SCALE_FACTOR[m.lastgroup]


def _roman_values(text: str) -> list[int]:
    values = []
    for m in _ROMAN.finditer(text):
        numeral = m.group()
        total = 0
        for i, ch in enumerate(numeral):
            value = _ROMAN_VALUES[ch]
            nxt = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
            total += -value if value < nxt else value
        values.append(total)
    return values


def _take_matches(
    left: list[_Number], right: list[_Number], key: Callable[[_Number], float]
) -> tuple[list[_Number], list[_Number]]:
    """Pair numbers of `left` and `right` with equal `key`; return the unpaired ones."""
    rest = list(right)
    unpaired = []
    for number in left:
        k = key(number)
        for j, other in enumerate(rest):
            if math.isclose(k, key(other), rel_tol=1e-9):
                del rest[j]
                break
        else:
            unpaired.append(number)
    return unpaired, rest


def _explain_by_roman(numbers: list[_Number], other_text: str) -> list[_Number]:
    """Drop numbers that the other text writes as a Roman numeral (XXI век / 21st century)."""
    if not numbers:
        return numbers
    romans: Counter[float] = Counter(map(float, _roman_values(other_text)))
    left = []
    for number in numbers:
        if romans[number.value] > 0:
            romans[number.value] -= 1
        else:
            left.append(number)
    return left


# A run of digits and separators, from a digit to a digit: every number _NUM_CYR and
# _NUM_EN read lies inside one, and reads the same wherever the run stands.
_NUM_TOKEN = re.compile(rf"[0-9](?:[0-9.,:{_SPACES}]*[0-9])?")


def _same_numbers_written(src: str, tgt: str, source_lang: str, target_lang: str) -> bool:
    """True when both texts certainly hold the same numbers, without reading them: the
    same runs of digits, read by the same conventions (ru and uk), or runs of bare digits
    that en reads as ru/uk do (not an hour before a.m./p.m.)."""
    src_runs = _NUM_TOKEN.findall(src)
    tgt_runs = _NUM_TOKEN.findall(tgt)
    if sorted(src_runs) != sorted(tgt_runs):
        return False
    if source_lang != "en" and target_lang != "en":
        return True
    if not all(run.isdigit() for run in src_runs):
        return False
    for text, lang in ((src, source_lang), (tgt, target_lang)):
        if lang == "en":
            for m in _NUM_TOKEN.finditer(text):
                if m.end() - m.start() <= 2 and _AMPM.match(text, m.end()) is not None:
                    return False
    return True


def check_numbers(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """Numbers written in digits must be the same values, in any order.

    Each side is read by its own conventions (``15,5%`` = ``15.5%``, ``1 500,50`` =
    ``1,500.50``). A number may also match by its scaled value (``3 500 млрд`` =
    ``3.5 trillion``) or a Roman numeral on the other side (``XXI век`` = ``21st century``).
    Numbers spelled out in words are out of scope.
    """
    if _DIGIT.search(source) is None and _DIGIT.search(target) is None:
        return None  # most sentences: no digits, nothing to parse
    src_text, tgt_text = _without_urls(source), _without_urls(target)
    if _same_numbers_written(src_text, tgt_text, source_lang, target_lang):
        return None
    src = _parse_numbers(src_text, source_lang)
    tgt = _parse_numbers(tgt_text, target_lang)
    if not src and not tgt:
        return None
    if sorted(n.value for n in src) == sorted(n.value for n in tgt):
        return None
    src_left, tgt_left = _take_matches(src, tgt, lambda n: n.value)
    if src_left and tgt_left:
        scale = {id(n): _scaled(src_text, n) for n in src_left}
        scale.update({id(n): _scaled(tgt_text, n) for n in tgt_left})
        src_left, tgt_left = _take_matches(src_left, tgt_left, lambda n: scale[id(n)])
    if src_left and tgt_left:  # "2 p.m." may stay "2 часа дня" as well as become "14:00"
        src_left, tgt_left = _take_matches(
            src_left, tgt_left, lambda n: n.value if n.face is None else n.face)
    src_left = _explain_by_roman(src_left, tgt_text)
    tgt_left = _explain_by_roman(tgt_left, src_text)
    if not src_left and not tgt_left:
        return None
    src_raw = " and ".join(n.raw for n in src_left)
    tgt_raw = " and ".join(n.raw for n in tgt_left)
    if src_left and tgt_left:
        if src_raw == tgt_raw:  # same digits, read differently: 1,500 is 1500 in en, 1.5 in ru
            src_raw += " (" + " and ".join(f"{n.value:g}" for n in src_left) + ")"
            tgt_raw += " (" + " and ".join(f"{n.value:g}" for n in tgt_left) + ")"
        return f"numbers differ: source has {src_raw}, translation has {tgt_raw}"
    if src_left:
        return f"numbers differ: source has {src_raw}, missing in the translation"
    return f"numbers differ: translation has {tgt_raw}, not in the source"


# --- ending punctuation ----------------------------------------------------------------

_END_MARKS = ".!?…:;»\"”“’'›)]"
_END_CHARS = frozenset(_END_MARKS)
_END_RUN = re.compile(f"[{re.escape(_END_MARKS)}]+$")
_LAST_WORD = re.compile(r"(\w+(?:\.\w+)*)\.+$")
# Abbreviations that may end a header line or sentence with their own dot.
_ABBREVIATION_WORDS = """
    г гг р рр руб коп тыс тис млн млрд трлн грн долл ст ок бл см с вул ул просп пр пл обл д
    др им тел м км кг мин хв сек inc ltd co corp jr sr st no vs etc dr mr mrs ms
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_PUNCT_NAMES = {
    "": "no ending punctuation",
    ";": "';'",
    ":": "':'",
    ".": "'.'",
    "…": "'…'",
    "!": "'!'",
    "?": "'?'",
}


def _ending(text: str) -> str:
    tail = text.rstrip()[-8:]
    m = _END_RUN.search(tail)
    if m is None:
        return ""
    run = m.group().replace("...", "…")
    for mark in "?!…":
        if mark in run:
            return mark
    for mark in ".:;":
        if mark in run:
            return mark
    return ""


def _ends_with_abbreviation(text: str) -> bool:
    m = _LAST_WORD.search(text.rstrip().rstrip("»\"”“’')]"))
    if m is None:
        return False
    word = m.group(1)
    return "." in word or len(word) == 1 or word.lower() in _ABBREVIATIONS


def check_end_punctuation(
    source: str, target: str, source_lang: str, target_lang: str
) -> str | None:
    """The translation ends with the same punctuation as the source.

    Closing quotes and brackets are looked through (ru ``…».`` = en ``…."``), ``...`` is
    ``…``, and ``?`` or ``!`` inside the closing run wins over a dot after it. A header line
    without a final period is fine; a period that belongs to an abbreviation (``2026 г.``,
    ``Inc.``, ``p.m.``) counts as no punctuation when the other side has none.
    """
    src_tail, tgt_tail = source.rstrip()[-2:], target.rstrip()[-2:]
    if src_tail[-1:] == tgt_tail[-1:] and (
        src_tail[-1:] not in _END_CHARS  # no punctuation run on either side
        or (src_tail[:-1] not in _END_CHARS and tgt_tail[:-1] not in _END_CHARS)
    ):
        return None  # the same one-character ending (the usual case), without parsing
    src, tgt = _ending(source), _ending(target)
    if src == tgt:
        return None
    if src == "." and tgt == "" and _ends_with_abbreviation(source):
        return None
    if tgt == "." and src == "" and _ends_with_abbreviation(target):
        return None
    return (
        f"ending punctuation differs: source ends with {_PUNCT_NAMES[src]}, "
        f"translation with {_PUNCT_NAMES[tgt]}"
    )


# --- quotes ----------------------------------------------------------------------------

_QUOTE_CHARS = re.compile(r"[«»„“”\"‘’]")
# ru/uk direct speech after a dash: "— Цифры выглядят реалистично, — сказал он." is quoted
# speech that en writes in “…”, so passages are not counted for such lines.
_DIALOGUE = re.compile(r"\s*[—–]")
_OPEN_CONTEXT = set(_SPACES + '\t\n([{—–-/«„“‘"')


@dataclass
class _QuoteShape:
    unclosed: int = 0
    stray: int = 0
    passages: int = 0

    @property
    def balanced(self) -> bool:
        return self.unclosed == 0 and self.stray == 0


def _quote_shape(text: str, lang: str) -> _QuoteShape:
    """Parse the double quotes (and ‘’ in en) of `text` into passages and leftovers."""
    shape = _QuoteShape()
    stack: list[str] = []
    for m in _QUOTE_CHARS.finditer(text):
        ch = m.group()
        i = m.start()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        top = stack[-1] if stack else ""
        if ch in "’‘":
            if lang != "en":
                continue  # ru/uk use no single quotes; ’ is an apostrophe there
            if ch == "’":
                if top != "‘":
                    continue  # an apostrophe: Russia’s, countries’
                opening = False
            else:
                if not after.isalpha() and after not in '“"':
                    continue
                opening = True
        elif ch in "«„":
            opening = True
        elif ch in "»”":
            opening = False
        elif ch == "“":
            opening = top != "„"  # „…“ in ru/uk, “…” in en
        else:  # straight quote: opening or closing by what surrounds it
            opening = top != '"' and before in _OPEN_CONTEXT and not after.isspace()
        if opening:
            if not stack:
                shape.passages += 1
            stack.append(ch)
        elif stack and (
            (ch == "»" and top == "«")
            or (ch in "“”" and top in "„“")
            or (ch == '"' and top in '"„“')
            or (ch == "’" and top == "‘")
        ):
            stack.pop()
        else:
            shape.stray += 1
            if not stack:
                shape.passages += 1  # the end of a passage opened in an earlier sentence
    shape.unclosed = len(stack)
    return shape


def check_quotes(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """Quotes in the translation are balanced and quote as many passages as the source.

    Only outermost passages are counted, so ru «… „…“ …» and en “… ‘…’ …” agree. A quote
    left open (or closed) by the source sentence may be left open (or closed) the same way.
    Straight ``"`` open or close by their surroundings; in en, ’ with no open ‘ is an
    apostrophe. Passages are not compared when either side is a ru/uk dialogue line
    starting with a dash (direct speech that en puts in quotes).
    """
    has_src = _QUOTE_CHARS.search(source) is not None
    has_tgt = _QUOTE_CHARS.search(target) is not None
    if not has_src and not has_tgt:
        return None
    src = _quote_shape(source, source_lang) if has_src else _QuoteShape()
    tgt = _quote_shape(target, target_lang) if has_tgt else _QuoteShape()
    if (tgt.unclosed, tgt.stray) != (src.unclosed, src.stray):
        if tgt.unclosed > src.unclosed:
            return "unbalanced quotes: the translation leaves a quote open"
        if tgt.stray > src.stray:
            return "unbalanced quotes: the translation closes a quote it never opened"
        return (
            "quotes differ: the source leaves a quote open or closed that the translation does not"
        )
    if src.passages != tgt.passages and not (_DIALOGUE.match(source) or _DIALOGUE.match(target)):
        return f"quoted passages differ: source has {src.passages}, translation has {tgt.passages}"
    return None


_STYLE_CHARS = re.compile(r"[«»„“”\"‹›]")


def check_quote_style(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """The translation uses its language's quotes.

    ru/uk: «…», with „…“ inside; straight ``"`` and English “…” are flagged. en: “…” (and
    ‘…’); guillemets and „ are flagged, and so is mixing straight and curly quotes (straight
    quotes alone are accepted: the newsroom's English copy uses them).
    """
    if _STYLE_CHARS.search(target) is None:
        return None
    if target_lang == "en":
        if "«" in target or "»" in target or "‹" in target or "›" in target:
            return "quote style: use “…” in English, not «…»"
        if "„" in target:
            return "quote style: use “…” in English, not „…“"
        if '"' in target and ("“" in target or "”" in target):
            return "quote style: straight and curly quotes mixed; use “…”"
        return None
    if '"' in target:
        return 'quote style: use «…» (and „…“ inside), not straight "…"'
    if target.count("“") + target.count("”") > target.count("„"):
        return "quote style: use «…» (and „…“ inside), not English “…”"
    return None


# --- brackets --------------------------------------------------------------------------

_BRACKET_CHARS = re.compile(r"[()\[\]]")
_BRACKET_PAIRS = {")": "(", "]": "["}


def _brackets_balanced(text: str) -> bool:
    stack: list[str] = []
    for m in _BRACKET_CHARS.finditer(text):
        ch = m.group()
        if ch in "([":
            stack.append(ch)
        elif stack and stack[-1] == _BRACKET_PAIRS[ch]:
            stack.pop()
        else:
            return False
    return not stack


def check_brackets(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """Round and square brackets: same count as the source, and balanced."""
    if _BRACKET_CHARS.search(source) is None and _BRACKET_CHARS.search(target) is None:
        return None
    for opening, closing in ("()", "[]"):
        src = source.count(opening) + source.count(closing)
        tgt = target.count(opening) + target.count(closing)
        if src != tgt:
            return f"brackets differ: source has {src} of {opening}{closing}, translation has {tgt}"
    if not _brackets_balanced(target) and _brackets_balanced(source):
        return "unbalanced brackets in the translation"
    return None


# --- URLs ------------------------------------------------------------------------------


def check_urls(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """URLs and e-mail addresses appear verbatim, as many times as in the source."""
    src_urls, tgt_urls = _urls(source), _urls(target)
    if src_urls == tgt_urls:
        return None
    src, tgt = Counter(src_urls), Counter(tgt_urls)
    if src == tgt:
        return None
    missing = list((src - tgt).elements())
    extra = list((tgt - src).elements())
    if missing and extra:
        return f"URLs differ: source has {missing[0]}, translation has {extra[0]}"
    if missing:
        return f"URL missing in the translation: {missing[0]}"
    return f"URL not in the source: {extra[0]}"


# --- untranslated ----------------------------------------------------------------------

_LETTER_WORD = re.compile(r"[^\W\d_][\w'’ʼ-]*")
_HAS_CYR = re.compile(f"[{_CYR}]")
_WS = re.compile(r"\s+")


def check_untranslated(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """The translation is a copy of the source (case and whitespace aside).

    Identical text is accepted when it is legitimately the same: no letters once URLs and
    e-mail addresses are removed (numbers, punctuation, links); a name of at most four
    capitalised words or acronyms (``Goldman Sachs``, ``NATO``, ``iPhone``) unless it is
    Cyrillic in an English translation; and a single word between ru and uk (``спорт``).
    """
    # casefold() maps character by character, so the first characters of two texts that
    # are equal once folded fold to strings one of which starts with the other.
    first_src, first_tgt = source.lstrip()[:1].casefold(), target.lstrip()[:1].casefold()
    if not (first_src.startswith(first_tgt) or first_tgt.startswith(first_src)):
        return None  # the usual case, decided without splitting both texts
    src_words, tgt_words = source.split(), target.split()
    if len(src_words) != len(tgt_words):
        return None
    if " ".join(src_words).casefold() != " ".join(tgt_words).casefold():
        return None
    words = _LETTER_WORD.findall(_without_urls(source))
    if not words:
        return None
    cyrillic_in_en = target_lang == "en" and _HAS_CYR.search(source) is not None
    if not cyrillic_in_en:
        if len(words) <= 4 and all(any(c.isupper() for c in w) for w in words):
            return None
        if len(words) == 1 and source_lang != "en" and target_lang != "en":
            return None
    return "translation is a copy of the source"


# --- whitespace ------------------------------------------------------------------------

_DOUBLE_SPACE = re.compile(rf"[{_SPACES}\t]{{2,}}")


def check_whitespace(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """No double spaces, and no leading or trailing whitespace the source does not have."""
    if target[:1].isspace() and not source[:1].isspace():
        return "translation starts with whitespace"
    if target[-1:].isspace() and not source[-1:].isspace():
        return "translation ends with whitespace"
    if _DOUBLE_SPACE.search(target) is not None and _DOUBLE_SPACE.search(target.strip()):
        return "double space in the translation"
    return None


# --- length ----------------------------------------------------------------------------

LENGTH_MIN_SOURCE = 20
# The log of the length ratio target/source of a correct translation is spread around 0
# by about this much (ru<->uk sit close, a pair with en spreads more) ...
LENGTH_SPREAD = {"close": 0.08, "far": 0.15}
# ... and more for short sentences, as if this many characters were added to the source
# (an idiom: `Слідкуйте за оновленнями!` -> `Stay tuned!`, 0.44) ...
LENGTH_SHORT_SLACK = 60
# ... and a ratio this many spreads away from 1 is suspicious. Tuned on the pairs of
# bench/length_pairs.py: no correct translation flagged, most half-cut ones caught.
LENGTH_SPREADS_ALLOWED = 3.5


def length_bounds(source_chars: int, source_lang: str, target_lang: str) -> tuple[float, float]:
    """The lowest and highest target/source length ratio `length` lets through."""
    spread = LENGTH_SPREAD["close" if {source_lang, target_lang} == {"ru", "uk"} else "far"]
    width = LENGTH_SPREADS_ALLOWED * spread * math.sqrt(1 + LENGTH_SHORT_SLACK / source_chars)
    return math.exp(-width), math.exp(width)


def check_length(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """The translation is not suspiciously short or long: a dropped or duplicated clause.

    Between ru, uk and en, news sentences keep roughly the same length in characters,
    ru and uk closer to each other than either to en; the shorter the sentence the more
    an idiom or a headline may shrink or grow, so the allowed ratio widens for short
    sources (`length_bounds`: 0.51-1.94 for 100 characters ru->en, 0.38-2.63 for 25;
    0.70-1.43 for 100 characters ru->uk). Sources up to 20 characters (dates,
    categories, short titles) are not judged, except that an empty translation is.
    """
    src, tgt = len(source.strip()), len(target.strip())
    if src == 0:
        return None
    if tgt == 0:
        return "translation is empty"
    if src <= LENGTH_MIN_SOURCE:
        return None
    low, high = length_bounds(src, source_lang, target_lang)
    ratio = tgt / src
    if ratio < low:
        return f"translation is suspiciously short: {tgt} characters for {src} in the source"
    if ratio > high:
        return f"translation is suspiciously long: {tgt} characters for {src} in the source"
    return None


# --- alphabet --------------------------------------------------------------------------

_MIXED = rf"[a-zA-Z][{_CYR}]|[{_CYR}][a-zA-Z]"
# One scan per text: a Latin/Cyrillic pair inside a word, or a letter of the other language.
_SUSPECT_RU = re.compile(rf"{_MIXED}|[іїєґІЇЄҐ]")
_SUSPECT_UK = re.compile(rf"{_MIXED}|[ыэъёЫЭЪЁ]")
_WORD_AT = re.compile(r"\w+")
_LATIN = re.compile("[a-zA-Z]")
# Without a Latin letter in the text, only these can match _SUSPECT_RU / _SUSPECT_UK.
_ONLY_UK = re.compile("[іїєґІЇЄҐ]")
_ONLY_RU = re.compile("[ыэъёЫЭЪЁ]")


def _word_around(text: str, index: int) -> str:
    start = index
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    m = _WORD_AT.match(text, start)
    return m.group() if m else text[index]


def check_wrong_alphabet(
    source: str, target: str, source_lang: str, target_lang: str
) -> str | None:
    """Letters from the wrong alphabet for the target language.

    Latin and Cyrillic letters side by side inside one word (a Latin look-alike ``a o e c p
    x i`` typed into a Cyrillic word, or the reverse); Russian-only ы э ъ ё in Ukrainian;
    Ukrainian-only і ї є ґ in Russian; any Cyrillic letter in English.
    """
    if target_lang == "en":
        m = _HAS_CYR.search(target)
        if m is not None:
            return f"Cyrillic letters in English text: {_word_around(target, m.start())!r}"
        return None
    if _LATIN.search(target) is None:  # no mixed words: one cheap character-set scan
        other = _ONLY_RU if target_lang == "uk" else _ONLY_UK
        if other.search(target) is None:
            return None
    suspect = _SUSPECT_UK if target_lang == "uk" else _SUSPECT_RU
    m = suspect.search(target)
    if m is None:
        return None
    word = _word_around(target, m.start())
    if len(m.group()) == 2:
        return f"Latin and Cyrillic letters mixed in a word: {word!r}"
    if target_lang == "uk":
        return f"Russian letter {m.group()!r} in Ukrainian text: {word!r}"
    return f"Ukrainian letter {m.group()!r} in Russian text: {word!r}"


# --- Ukrainian apostrophe --------------------------------------------------------------

_APOSTROPHES = "'’ʼ`´′‘ʹʻ"
_APOSTROPHE_LIKE = re.compile(f"[{_APOSTROPHES}]")
_APOSTROPHE_IN_WORD = re.compile(rf"(?<=[{_CYR}])['’ʼ`´′‘ʹʻ](?=[{_CYR}])")
GOOD_APOSTROPHES = ("'", "’", "ʼ")


def _token_around(text: str, index: int) -> str:
    start = end = index
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _APOSTROPHES):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in _APOSTROPHES):
        end += 1
    return text[start:end]


def check_apostrophe(source: str, target: str, source_lang: str, target_lang: str) -> str | None:
    """The Ukrainian apostrophe inside a word is a real apostrophe, used consistently.

    The newsroom writes the straight ``'`` (its copy has ``з'єднав``); the typographic ``’``
    (U+2019) and the official Ukrainian ``ʼ`` (U+02BC) are accepted too. Look-alikes are
    flagged: backtick `````, acute ``´``, prime ``′``, ``‘``, ``ʹ``, ``ʻ``; so is mixing two
    accepted forms in one text. Only uk translations are checked.
    """
    if target_lang != "uk" or _APOSTROPHE_LIKE.search(target) is None:
        return None
    forms: list[str] = []
    for m in _APOSTROPHE_IN_WORD.finditer(target):
        ch = m.group()
        if ch not in GOOD_APOSTROPHES:
            return f"wrong apostrophe {ch!r} in {_token_around(target, m.start())!r}; use '"
        if ch not in forms:
            forms.append(ch)
    if len(forms) > 1:
        return "apostrophes mixed: " + " and ".join(repr(f) for f in forms) + "; use one form"
    return None


# --- the registry ----------------------------------------------------------------------

# The names and their order are declared once, in transdesk.registry (cheap to import,
# so that --help lists them without loading this module).
CHECKS: dict[str, CheckFn] = dict(_REGISTRY.items())
CHECK_NAMES: tuple[str, ...] = tuple(CHECKS)


# Checks that find nothing in text without some of these characters (a URL has ':' or
# "www.", an apostrophe-like mark is in the set), so a pair with none skips them.
_MARKUP_CHECKS = frozenset({"quotes", "quote-style", "brackets", "urls", "apostrophe"})
_MARKUP_CHARS = re.compile(f"[«»„“”\"‘’‹›()\\[\\]@:{_APOSTROPHES}]")


def pair_checker(names: Iterable[str] = CHECK_NAMES) -> Callable[[str, str, str, str], list]:
    """A function running the named checks on one pair of canonical languages, giving
    `[(check, message), ...]` in CHECKS order: the same as calling each check, quicker
    for whole archives (most sentences hold no quotes, brackets, links or apostrophes,
    and one scan for those skips five checks)."""
    wanted = set(names)
    every = [(name, fn) for name, fn in CHECKS.items() if name in wanted]
    plain = [(name, fn) for name, fn in every if name not in _MARKUP_CHECKS]
    markup = _MARKUP_CHARS.search

    def check(source: str, target: str, source_lang: str, target_lang: str) -> list:
        checks = (every if markup(source) or markup(target) or "www." in source
                  or "www." in target else plain)
        return [(name, message) for name, fn in checks
                if (message := fn(source, target, source_lang, target_lang)) is not None]

    return check


def run_checks(
    source: str,
    target: str,
    source_lang: str,
    target_lang: str,
    ignore: Iterable[str] = (),
) -> list[Finding]:
    """Run every check except those in `ignore`; findings come in CHECKS order.

    Languages may be given as aliases (``ua``). Raises BadInput for an unknown language or
    an unknown check name in `ignore`.
    """
    if source_lang not in LANGUAGES:
        source_lang = normalize_lang(source_lang)
    if target_lang not in LANGUAGES:
        target_lang = normalize_lang(target_lang)
    items: Iterable[tuple[str, CheckFn]] = CHECKS.items()
    if ignore:
        skip = frozenset(ignore)
        unknown = sorted(skip.difference(CHECKS))
        if unknown:
            raise BadInput(_(
                    "unknown check {unknown!r}; known checks: {check_names}"
                ).format(unknown=unknown[0], check_names=', '.join(CHECK_NAMES)))
        items = [item for item in items if item[0] not in skip]
    findings = []
    for name, check in items:
        message = check(source, target, source_lang, target_lang)
        if message is not None:
            findings.append(Finding(name, message))
    return findings
