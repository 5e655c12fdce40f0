"""Sentence segmentation for ru, uk and en news text.

A small generic engine over rule data (`data/segment_rules.toml`). One compiled regex
finds candidate boundaries: terminal punctuation (`. ! ? …`, possibly with closing
quotes and brackets, or a smiley) followed by whitespace (a paragraph without `! ? … )`
is scanned for periods only, which is faster). The common candidates are decided in one
loop (`_candidate_breaks`); the others go through `_breaks`. Each candidate is kept or
dropped by looking at what comes after it (a lowercase word starts no sentence, also
behind an opening quote or a dialogue dash, unless the language's data lets it after an
ordinary word) and, after a plain period, at the word before it: an abbreviation from
the rule data, an initial, a number or an ordinary word.

What holds in every language, whatever its data says:
- a quotation of two sentences, or a bracket, keeps its break when the last sentence in
  it opens with a dash or the sentence goes on after the closer
  (`«Ми не відступимо! Світло буде», — заявив він.` is one sentence);
- no sentence is signs only: `. . .`, a stray `»`, `:)`, a footnote marker `[3]`, and
  hashtags closing a post join the sentence before them; `* * *` or an emoji opens the
  next one;
- initials in a row (`U. S. A.`, `J. A. Smith`) never split; a number, Roman numeral or
  letter opening a paragraph (`IV.`), or a short number opening a sentence, is a list
  number; in a paragraph that opens with `1.`, item numbers open sentences.

The split is lossless: every sentence keeps the exact whitespace that follows it, so
`"".join(s + ws for s, ws in split_sentences(p, lang)) == p`.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from typing import Any

__all__ = ["load_rules", "split_sentences"]

# Candidate boundary: whitespace after terminal punctuation or a closer (`. `, `?! `,
# `." `, `.). `, `” `). The punctuation run before it is read back in Python, and a run
# without a terminal (`” but`) is no boundary. The pattern opens with a character class,
# so the regex engine scans for it in C (a lookbehind would be tried at every position).
_PUNCT = ".!?…)]»”\"’'"
_PUNCT_SET = frozenset(_PUNCT)
_CANDIDATE = re.compile(rf"[{re.escape(_PUNCT)}](\s+)(?=\S)")  # not at the end
# The same in a paragraph without `!`, `?`, `…` or `)`, where only a run with a period can
# end a sentence (a run of closers without a terminal never does; a smiley needs `)`):
# its last period, closers after it. The scan looks for one character, which the regex
# engine does several times faster; no period is tried twice (linear on `.....`).
_PERIOD_CANDIDATE = re.compile(r"\.[\]»”\"’']*+(\s+)(?=\S)")
_TOKEN_WINDOW = 32  # longer than any abbreviation
_TERMINALS = frozenset(".!?…")
_OPENERS = "«“„\"‘'([‹"
_DASHES = "—–-"
_WORD = re.compile(r"\w+|[^\w\s]")  # the next word, or the one sign after a boundary
_ROMAN = re.compile(r"[IVXLC]+")
_LETTER_RUN = re.compile(r"[^\W\d_](?:\.[^\W\d_])*")
_INITIAL_NEXT = re.compile(r"[^\W\d_]\.")  # `A.` after an abbreviation or initial
# A number before `г.`/`р.`: 2026, 2011–2014, 1970-х, 90-ті, XV (not `105,` before `м. Київ`)
_NUMBER_WORD = re.compile(r"\(?(?:\d[\d.,]*[-–])*\d+(?:[-–]\w{1,3})?|[IVXLC]+")
_HAS_WORD = re.compile(r"\w")
_NON_SPACE = re.compile(r"\S+")
_SPACE = re.compile(r"\s+")
_FOOTNOTE = re.compile(r"\[\d+(?:\s*[-–,]\s*\d+)*\]")
_LIST_START = re.compile(r"\(?1[.)]\s")
_LIST_ITEM = re.compile(r"\S(\s+)\d{1,2}\.")
_TAGS_TO_END = re.compile(r"(?:[#@][\w.-]*\s*)+")
_SMILEY = re.compile(r"[:;]-?[()DPpO3]+|[xX]D+")
_TRAILING = frozenset(".!?…)]»”\"’':;")
# Quotes and brackets: a boundary inside a pair is dropped when the pair protects it.
_PAIRS = re.compile("[«»“”„()\\[\\]\"]")
_CLOSER_OF = {"«": "»", "“": "”", "„": "“”", "(": ")", "[": "]", '"': '"'}
_BRACKETS = "(["

# Categories of the word before a period (see the comment at the top of the rule file).
NO_BREAK, NO_BREAK_DIGIT, MAY_END, MAY_END_ANY, AFTER_NUMBER, BEFORE_STARTER, BEFORE_NAME = (
    range(7)
)
_CATEGORY_KEYS = {
    "no_break": NO_BREAK,
    "no_break_digit": NO_BREAK_DIGIT,
    "may_end": MAY_END,
    "may_end_any": MAY_END_ANY,
    "after_number": AFTER_NUMBER,
    "before_starter": BEFORE_STARTER,
    "before_name": BEFORE_NAME,
}


class Rules:
    """Compiled rules of one language: abbreviation -> category, starters, continuations."""

    __slots__ = (
        "abbreviations",
        "attributive",
        "continuations",
        "date_opener_words",
        "dates",
        "initial",
        "latin_roman",
        "letters",
        "lowercase_starts",
        "starters",
        "tails",
    )

    def __init__(
        self,
        abbreviations: dict[str, int],
        starters: frozenset[str],
        continuations: frozenset[str],
        attributive: frozenset[str] = frozenset(),
        lowercase_starts: bool = False,
        latin_roman: bool = False,
        date_opener_words: int = -1,
        dates: frozenset[str] = frozenset(),
    ) -> None:
        self.date_opener_words = date_opener_words
        self.dates = dates
        self.abbreviations = abbreviations
        self.starters = starters
        self.continuations = continuations
        self.attributive = attributive
        self.lowercase_starts = lowercase_starts
        self.latin_roman = latin_roman
        # Multi-word entries ("т. е", "и т. д") are looked up only when the token could be
        # their last part: a proper suffix of an entry (`е`, `д`, `т.д`, `др` of `и др`).
        self.tails = frozenset(
            key[i:] for key in abbreviations for i in range(1, len(key)) if key[i] != "."
        )
        # An initial before a sentence starter ends the sentence where starters are known.
        self.initial = BEFORE_STARTER if starters else NO_BREAK
        # The category of a single letter before a period (`_letter_run_category`), for
        # the letters of the three alphabets; any other letter is looked up as it comes.
        self.letters: dict[str, int | None] = {}
        for letter in string.ascii_letters + "абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя":
            for variant in (letter, letter.upper()):
                self.letters[variant] = _letter_run_category(variant, self)


def _compact(entry: str) -> str:
    return "".join(entry.split())


def _compact_pair(entry: str) -> str:
    """`дол. США` -> `дол США`: a word that continues the sentence after one abbreviation."""
    words = entry.replace(".", " ").split()
    return " ".join(words) if len(words) == 2 else entry


def _parse_rules(raw: dict[str, dict[str, Any]]) -> dict[str, Rules]:
    compiled: dict[str, Rules] = {}
    for lang, table in raw.items():
        abbreviations: dict[str, int] = {}
        for name, category in _CATEGORY_KEYS.items():
            for entry in table.get(name, []):
                key = _compact(entry)
                if abbreviations.get(key, category) != category:
                    raise ValueError(f"segment rules: {lang} {entry!r} is in two lists")
                abbreviations[key] = category
        continuations = {_compact_pair(entry) for entry in table.get("continuations", [])}
        for key, category in list(abbreviations.items()):
            # `Проф.` at the start of a sentence is still an abbreviation.
            if len(key) > 1 and key[0].islower():
                abbreviations.setdefault(key[0].upper() + key[1:], category)
        compiled[lang] = Rules(
            abbreviations,
            frozenset(table.get("starters", [])),
            frozenset(continuations),
            frozenset(table.get("attributive", [])),
            bool(table.get("lowercase_starts", False)),
            bool(table.get("latin_roman_numerals", False)),
            int(table.get("date_opener_words", -1)),
            frozenset(table.get("dates", [])),
        )
    return compiled


_RULES: dict[str, Rules] = {}


def load_rules() -> dict[str, Rules]:
    """Read and compile the rule file once per process."""
    if not _RULES:
        import pkgutil  # (importlib.resources loads tempfile, zipfile...: a short import's
        import tomllib  # start-up pays for them)

        data = pkgutil.get_data("transdesk", "data/segment_rules.toml")
        if data is None:  # (a loader that cannot read its package's files)
            raise FileNotFoundError("transdesk/data/segment_rules.toml")
        _RULES.update(_parse_rules(tomllib.loads(data.decode("utf-8"))))
    return _RULES


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
        # `1. ` opening a paragraph, or `3. ` opening a sentence, is a list number.
        if not start or (len(tok) <= 2 and tok.isdigit() and _after_sentence_end(text, start)):
            return NO_BREAK
        return None
    if not start and (len(tok) == 1 or _ROMAN.fullmatch(tok)):
        return NO_BREAK  # "IV. " or "B. " opening a paragraph is a list heading
    if len(tok) > 1 and "." not in tok:
        return None  # a word (the common case: no letter run to look for)
    if _LETTER_RUN.fullmatch(tok):
        return _letter_run_category(tok, rules)
    return None


def _letter_run_category(tok: str, rules: Rules) -> int | None:
    """A single letter or a dotted run of single letters: J., J.R.R., т.д, к.п.н"""
    if tok.isupper():
        if rules.latin_roman and len(tok) == 1 and tok in "IVX":
            return MAY_END  # a Latin I, V, X in Cyrillic text: `цар Петро I.`
        return rules.initial
    if tok.islower():
        # An unlisted dotted run (к.п.н, д.э.н) is a title before a name.
        return NO_BREAK if len(tok) > 2 else MAY_END
    return None


def _after_sentence_end(text: str, start: int) -> bool:
    """The word at text[start] follows a sentence's end: `…всё-оо! 3. Потом`, `…мешало. 2.`
    (a word of four letters or more before the period, so not `Op. 46.`)."""
    if not start or not text[start - 1].isspace():
        return False
    word = _previous_word(text, start)
    if word[-1:] in ("!", "?", "…"):
        return True
    return word[-1:] == "." and len(word) > 4 and word[-5:-1].isalpha() and word[-2].islower()


def _previous_word(text: str, start: int) -> str:
    words = text[max(0, start - 24) : start].split()
    return words[-1] if words else ""


def _breaks(text: str, ws_start: int, j: int, rules: Rules) -> bool:
    """Decide whether the whitespace at text[ws_start:j], before text[j], ends a sentence."""
    n = len(text)
    c = text[j]
    introduced = False  # a dash or an opening quote stands before the next word
    if c in _DASHES:
        # Dialogue: "— Нарешті! — сказала" continues, "осторожно. — Цифры" splits.
        j += 1
        while j < n and (text[j].isspace() or text[j] in _DASHES):
            j += 1
        introduced = True
    while j < n and text[j] in _OPENERS:
        j += 1
        introduced = True
    if j >= n:
        return False
    c = text[j]
    lower = c.islower()
    if lower and (introduced or not rules.lowercase_starts):
        return False
    end = ws_start - 1  # the last punctuation mark
    if text[end] != "." or (end and text[end - 1] in _PUNCT_SET):
        if lower:
            # Only `?`, `!` or a run of them after a word: not `...`, `?»`, `!)`.
            run_start = end
            while run_start and text[run_start - 1] in "?!":
                run_start -= 1
            return text[end] in "?!" and not (run_start and text[run_start - 1] in _PUNCT_SET)
        # ! ? … ... ." .» ). end the sentence; a closer alone (” but) does not.
        run_start = end
        while run_start and text[run_start - 1] in _PUNCT_SET:
            run_start -= 1
        if not _TERMINALS.isdisjoint(text[run_start:ws_start]):
            return True
        # A smiley ends a sentence like `!`: `тоже ;) Я вспомнила`, `жабы :)) А платить`
        return text[run_start:ws_start] == ")" * (ws_start - run_start) and (
            text[run_start - 1 : run_start] in (":", ";") or ws_start - run_start > 1
        )
    # A plain period: the word before it decides.
    if not end or text[end - 1].isspace():
        return not lower
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
    if lower or category == NO_BREAK:
        return False
    return _ends_after(text, start, tok, category, j, rules)


def _ends_after(text: str, start: int, tok: str, category: int, j: int, rules: Rules) -> bool:
    """Whether the abbreviation `tok` (at text[start:], of a category that may end a
    sentence) ends one before text[j], which is no lowercase letter."""
    c = text[j]
    if tok.isupper() and _INITIAL_NEXT.match(text, j) and _LETTER_RUN.fullmatch(tok):
        return False  # initials in a row: `U. S. A.`, `J. A. Smith`
    if category == BEFORE_STARTER:
        return _next_word(text, j) in rules.starters
    if category == BEFORE_NAME:
        return _next_word(text, j) not in rules.attributive
    if c.isdigit():
        if category != MAY_END_ANY:
            return False
    elif category == AFTER_NUMBER:
        number = _previous_word(text, start)
        if not _NUMBER_WORD.fullmatch(number):
            return False
        if tok in rules.dates and _opens_sentence(
            text, start - len(number) - 1, rules.date_opener_words
        ):
            return False  # `В 1941 р. Конрад`: a date opening the sentence, not ending it
    # An abbreviation that may end a sentence, unless the next word continues it: 2 p.m. ET,
    # 5 млн дол. США, 2016 р. № 991
    if not rules.continuations:
        return True
    word = _next_word(text, j)
    return word not in rules.continuations and f"{tok} {word}" not in rules.continuations


def _opens_sentence(text: str, pos: int, limit: int) -> bool:
    """At most `limit` words stand between text[pos] and the start of its sentence."""
    words = text[max(0, pos - 60) : pos].split()
    for count, word in enumerate(reversed(words)):
        if word[-1] in _TERMINALS or (word[-1] in _PUNCT_SET and word[-2:-1] in _TERMINALS):
            return True
        if count >= limit:
            return False
    return pos <= 60


def _next_word(text: str, pos: int) -> str:
    word = _WORD.match(text, pos)
    return word.group() if word else ""


def _outside_pairs(paragraph: str, breaks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The breaks that no bracket or quotation pair protects.

    A pair protects its breaks when the last sentence inside opens with a dash (an
    editor's note `(визнали. - Ред.)`, dialogue `«…? – спросила мама. – Завтра…»`), or
    when the sentence goes on after the closer (a comma, a lowercase word, or a dash and
    a lowercase word follow it: `буде», — заявив`, `stop," and`, `(…) і далі`). A
    quotation of more than two sentences is split as usual (the treebanks split it too,
    and a unit of five sentences is no unit to translate); so are `(Text. More text.)`.
    """
    drop: set[tuple[int, int]] = set()
    stack: list[tuple[str, int]] = []
    n = len(paragraph)
    starts = [b[0] for b in breaks]
    last_break = starts[-1]
    for match in _PAIRS.finditer(paragraph):
        pos = match.start()
        if pos > last_break and not stack:
            break  # no pair that opens from here on holds a break
        ch = paragraph[pos]
        if stack and ch in _CLOSER_OF[stack[-1][0]]:
            opener, start = stack.pop()
            first = bisect_right(starts, start)
            last = bisect_left(starts, pos)
            if first == last:
                continue
            inside = breaks[first:last]
            if paragraph[inside[-1][1]] in _DASHES:
                drop.update(inside)  # `(визнали. - Ред.)`, `? – спросила мама. – Завтра`
                continue
            if len(inside) > 1 and opener not in _BRACKETS:
                continue
            k = pos + 1
            while k < n and (paragraph[k].isspace() or paragraph[k] in _DASHES):
                k += 1
            if k < n and (paragraph[k] == "," or paragraph[k].islower()):
                drop.update(inside)
        elif ch in _CLOSER_OF and (ch != '"' or not pos or not paragraph[pos - 1].isalnum()):
            stack.append((ch, pos))
    return [b for b in breaks if b not in drop] if drop else breaks


def _before_list_numbers(paragraph: str, breaks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """In a paragraph that opens with `1.`, an item number ends no sentence but opens one:
    `1. The first item 2. The second item` breaks before the `2.`, not after it."""
    moved = []
    for ws_start, end in breaks:
        item = _LIST_ITEM.search(paragraph, max(0, ws_start - 5), ws_start + 1)
        if item is None or item.end() != ws_start:
            moved.append((ws_start, end))
        elif paragraph[item.start()] not in _TERMINALS:
            moved.append(item.span(1))
        # else the item follows a sentence end, whose break opens it already
    return moved


def _signs_after(paragraph: str, ws_start: int, end: int) -> tuple[int, int, bool]:
    """Where a break before signs goes: closers, `. . .`, `:)` and footnote markers `[3]`
    join the sentence before them, and so do hashtags and mentions that end the paragraph;
    other signs (`* * *`, `©`, emoji) open the next sentence.

    (ws_start, end, True): the break, maybe moved past the signs. (_, scanned, False): no
    break (only signs follow, or a lowercase word), nor any before `scanned`.
    """
    n = len(paragraph)
    pos = end
    while True:
        footnote = _FOOTNOTE.match(paragraph, pos)
        if footnote:
            token_end = footnote.end()
        else:
            token = _NON_SPACE.match(paragraph, pos)
            if token is None:
                return 0, n, False
            text = token.group()
            if text[0] in "#@" and _TAGS_TO_END.fullmatch(paragraph, pos):
                return 0, n, False  # hashtags and mentions closing a post join its last sentence
            if (_HAS_WORD.search(text) and not _SMILEY.fullmatch(text)) or text[0] in _DASHES:
                break
            if not _TRAILING.issuperset(text) and not _SMILEY.fullmatch(text):
                word = _HAS_WORD.search(paragraph, pos)
                if word is None:
                    return 0, n, False
                if word.group().islower():
                    return 0, word.start(), False
                break
            token_end = token.end()
        space = _SPACE.match(paragraph, token_end)
        if space is None or space.end() >= n:
            return 0, n, False
        ws_start, end = space.span()
        pos = end
    return ws_start, end, not paragraph[end].islower()


def _candidate_breaks(paragraph: str, rules: Rules) -> tuple[list[tuple[int, int]], bool]:
    """The candidate boundaries (whitespace spans) that `_breaks` keeps, in order, and
    whether a letter or a digit follows each of them.

    The common cases are decided here without `_breaks`' reading of the context, each
    exactly as `_breaks` would decide it: a capital or a digit after `!`, `?`, `…`, after
    a run of punctuation that ends in a period, or after a period that ends a token found
    with one `rfind` (its category decides); a lowercase word where no sentence starts
    lowercase, or after anything but `?`, `!` or `.` after a word.
    """
    abbreviations = rules.abbreviations
    tails = rules.tails
    letters = rules.letters
    lowercase_continues = not rules.lowercase_starts
    punct = _PUNCT_SET
    window = _TOKEN_WINDOW
    breaks = []
    plain = True
    if "!" in paragraph or "?" in paragraph or "…" in paragraph or ")" in paragraph:
        candidates = _CANDIDATE.finditer(paragraph)
    else:
        candidates = _PERIOD_CANDIDATE.finditer(paragraph)
    for match in candidates:
        ws_start, end = match.span(1)
        c = paragraph[end]
        last = paragraph[ws_start - 1]
        if c.isupper() or c.isdigit():
            if last == "." and ws_start > 1:
                if paragraph[ws_start - 2] in punct:
                    breaks.append((ws_start, end))  # `.).`, `?.`: a terminal in the run
                    continue
                # The token before the period, as `_breaks` reads it: after the last space
                # (or from the paragraph's start), with no other whitespace nor opener.
                lo = ws_start - window if ws_start > window else 0
                space = paragraph.rfind(" ", lo, ws_start - 1)
                tok = paragraph[space + 1 : ws_start - 1]
                if tok.isalpha() and tok not in tails and (space >= 0 or ws_start <= window):
                    # Letters only: `_category` in short.
                    category = abbreviations.get(tok)
                    if category is None:
                        if space < 0:
                            if len(tok) == 1 or _ROMAN.fullmatch(tok):
                                category = NO_BREAK  # `B. `, `IV. ` opening the paragraph
                            else:
                                breaks.append((ws_start, end))
                                continue
                        elif len(tok) == 1:
                            category = (
                                letters[tok] if tok in letters else _letter_run_category(tok, rules)
                            )
                        else:
                            breaks.append((ws_start, end))  # an ordinary word
                            continue
                    if category is None or (
                        category != NO_BREAK
                        and _ends_after(paragraph, space + 1, tok, category, end, rules)
                    ):
                        breaks.append((ws_start, end))
                    continue
                if (
                    (space >= 0 or ws_start <= window)
                    and tok
                    and tok.isprintable()
                    and tok[0] not in _OPENERS
                ):
                    category = _category(paragraph, space + 1, tok, rules)
                    if category is None or (
                        category != NO_BREAK
                        and _ends_after(paragraph, space + 1, tok, category, end, rules)
                    ):
                        breaks.append((ws_start, end))
                    continue
            elif last in "!?…":
                breaks.append((ws_start, end))
                continue
        elif c.islower() and (
            lowercase_continues
            or (
                last not in "?!"
                and (last != "." or (ws_start > 1 and paragraph[ws_start - 2] in punct))
            )
        ):
            continue  # no lowercase start, or not after `?`, `!` or `.` after a word
        if _breaks(paragraph, ws_start, end, rules):
            breaks.append((ws_start, end))
            if not c.isalnum():
                plain = False
    return breaks, plain


def split_sentences(paragraph: str, lang: str) -> list[tuple[str, str]]:
    """Split one paragraph into (sentence, whitespace_after) pairs.

    Lossless: "".join(s + ws for s, ws in result) == paragraph. The paragraph must not
    start with whitespace; it may contain single newlines and end with whitespace.
    Every sentence is non-empty, has no leading or trailing whitespace and holds a letter
    or a digit unless the whole paragraph holds none.
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
    breaks, plain = _candidate_breaks(paragraph, rules)
    if breaks and (
        "«" in paragraph
        or '"' in paragraph
        or "(" in paragraph
        or "“" in paragraph
        or "„" in paragraph
        or "[" in paragraph
    ):
        breaks = _outside_pairs(paragraph, breaks)
    if paragraph[:1] in "(1" and _LIST_START.match(paragraph):
        breaks = _before_list_numbers(paragraph, breaks)
        plain = False  # a moved break may repeat the one before it
    result: list[tuple[str, str]] = []
    start = 0
    if plain and paragraph[:1].isalnum():
        # Every sentence opens with a letter or a digit: no signs to move, none skipped.
        for ws_start, end in breaks:
            result.append((paragraph[start:ws_start], paragraph[ws_start:end]))
            start = end
        tail = paragraph[start:]
        sentence = tail.rstrip()
        result.append((sentence, tail[len(sentence) :]))
        return result
    taken = 0  # where the last break used or skipped ends
    signs = 0  # paragraph[start:signs] holds no letter or digit
    for ws_start, end in breaks:
        if ws_start < taken:
            continue
        c = paragraph[end]
        if not c.isalnum() and c not in _DASHES:
            ws_start, end, moved = _signs_after(paragraph, ws_start, end)
            taken = end
            if not moved:
                continue
        if not paragraph[start].isalnum() and not _HAS_WORD.search(paragraph, signs, ws_start):
            signs = ws_start  # nothing but signs so far: they open the next sentence
            continue
        result.append((paragraph[start:ws_start], paragraph[ws_start:end]))
        start = taken = signs = end
    if result and not _HAS_WORD.search(paragraph, start):
        start -= len(result[-1][0]) + len(result.pop()[1])  # signs at the end join the last
    tail = paragraph[start:]
    sentence = tail.rstrip()
    if sentence:
        result.append((sentence, tail[len(sentence) :]))
    return result
