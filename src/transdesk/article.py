"""The newsroom's plain-text article: decoding, parsing into units, rendering back.

An article is kept as a *layout*: the file's text with every unit's text cut out,
as a list of `[literal, key]` pairs (the last key is None). Rendering joins each
literal with the text chosen for its key, so exporting in the source language gives
back the imported characters exactly, and a translation lands in the same layout.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.text_safety import REFUSED, describe, first_refused

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_SWITCHER = re.compile(r"\s*(?:RU|UA|UK|EN)(?:[\s|/]+(?:RU|UA|UK|EN))+\s*", re.IGNORECASE)
_WORD = r"[^\W\d_](?:[^\W\d_]|['’ʼ](?=[^\W\d_]))*"  # a word, with apostrophes: П'ятниця
_DATE_LINE = re.compile(
    rf"""\s*(?:
        {_WORD},\s*\d{{1,2}}\.?\s+{_WORD}\.?(?:\s+\d{{4}})?   # Saturday, 2 November [2026]
      | {_WORD},\s*{_WORD}\s+\d{{1,2}}(?:,\s*\d{{4}})?       # Saturday, November 2[, 2026]
      | \d{{1,2}}\s+{_WORD}(?:\s+\d{{4}})?                     # 2 November [2026]
    )\s*""",
    re.VERBOSE,
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

Splitter = Callable[[str, str], list[tuple[str, str]]]


@dataclass(slots=True)
class Unit:
    key: str
    kind: str  # date, category, title, sentence
    paragraph: int | None
    text: str
    words: int = 0  # filled by the store, which knows how it counts words

    def __reduce__(self) -> tuple[type[Unit], tuple[str, str, int | None, str, int]]:
        # a plain tuple: an archive's units cross from the parsing workers in a third of
        # the time slots' generic pickling takes
        return (Unit, (self.key, self.kind, self.paragraph, self.text, self.words))


@dataclass
class Article:
    units: list[Unit]
    layout: list[list[str | None]]
    encoding: str = "utf-8"
    bom: bool = False
    title: str = ""
    #: The language the text looks like when it clearly is not the one it is imported as.
    looks_like: str | None = None


@dataclass
class Decoded:
    text: str
    encoding: str
    bom: bool


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode file bytes: BOM, then UTF-8, then charset-normalizer's best guess.

    Refuses empty, blank-only and binary input with BadInput.
    """
    if not data:
        raise BadInput(_("the file is empty"))
    bom = False
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise BadInput(_("unknown encoding {encoding!r}").format(encoding=encoding)) from None
        name = encoding
        for mark, bom_name in _BOMS:
            if data.startswith(mark) and codecs.lookup(bom_name).name.startswith(
                codecs.lookup(encoding).name.split("-")[0]
            ):
                data, bom = data[len(mark) :], True
                name = bom_name
                break
    else:
        name = ""
        for mark, bom_name in _BOMS:
            if data.startswith(mark):
                data, bom, name = data[len(mark) :], True, bom_name
                break
        if not name:
            name = _guess_encoding(data)
    try:
        text = data.decode(name)
    except (UnicodeError, LookupError, ValueError):  # punycode raises a bare UnicodeError
        raise BadInput(_("the file is not valid {name} text").format(name=name)) from None
    if not text.strip():
        raise BadInput(_("the file is empty (only whitespace)"))
    if len(_CONTROL.findall(text)) > max(2, len(text) // 1000):
        raise BadInput(_("the file looks binary, not an article in plain text"))
    _refuse_controls(text)
    return Decoded(text, codecs.lookup(name).name, bom)


def _refuse_controls(text: str) -> None:
    """BadInput naming the line, column, unit (when it can tell) and character of the
    first control character in the text (see `text_safety`)."""
    hit = first_refused(text)
    if hit is None:
        return
    index, char = hit
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    unit = _unit_at(text, index)
    where = f"unit {unit}, " if unit else ""
    raise BadInput(
        _(
            "{where}line {line}, column {column}: control character {describe}; remove it (tabs "
            "and line ends are fine)"
        ).format(where=where, line=line, column=column, describe=describe(char))
    )


def _unit_at(text: str, index: int) -> str | None:
    """The key of the unit the character at `index` would be in (only for messages)."""
    from transdesk.languages import detect_lang
    from transdesk.segment import split_sentences

    blank = REFUSED.sub(" ", text)  # same length: offsets still match
    try:
        article = parse(blank, detect_lang(blank), split_sentences)
    except (BadInput, AssertionError):
        return None
    unit_by_key = {u.key: u for u in article.units}
    position = 0
    for literal, key in article.layout:
        position += len(literal or "")
        if key is not None:
            length = len(unit_by_key[key].text)
            if position <= index < position + length:
                return key
            position += length
    return None


def _guess_encoding(data: bytes) -> str:
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BadInput(_("the file looks binary, not an article in plain text"))
    return best.encoding


def encode(text: str, encoding: str, bom: bool) -> bytes:
    """Inverse of decode: the same bytes for the same text, encoding and BOM."""
    body = text.encode(encoding)
    if bom:
        mark = next((m for m, name in _BOMS if codecs.lookup(name).name == encoding), b"")
        body = mark + body
    return body


def has_article_text(text: str) -> bool:
    """Whether anything but blank lines and a switcher line is there (a cheap pre-check)."""
    # line by line, stopping at the first: the title is within the first few lines
    return any(line.strip() and not _SWITCHER.fullmatch(line)
               for line in map(_first_group, _LINE.finditer(text)))


def _first_group(match: re.Match[str]) -> str:
    return match.group()


def is_date_line(line: str) -> bool:
    return bool(_DATE_LINE.fullmatch(line))


def parse(text: str, lang: str, split: Splitter) -> Article:
    """Parse article text into units and a layout; `split` is the sentence segmenter."""
    lines = _LINE.findall(text)
    blocks = _blocks(lines)
    layout: list[list[str | None]] = []
    units: list[Unit] = []
    pending = [""]  # literal text accumulated since the last unit

    def literal(s: str) -> None:
        pending[0] += s

    def unit(key: str, kind: str, paragraph: int | None, content: str) -> None:
        layout.append([pending[0], key])
        pending[0] = ""
        units.append(Unit(key, kind, paragraph, content))

    def emit_stripped(key: str, kind: str, block_text: str) -> None:
        stripped = block_text.strip()
        start = block_text.index(stripped[0])
        literal(block_text[:start])
        unit(key, kind, None, stripped)
        literal(block_text[start + len(stripped) :])

    # blocks: list of (leading blank text, [lines]); the header is read line by line
    queue = list(blocks)
    trailing = queue.pop() if queue and not queue[-1][1] else None
    header_done = False
    if queue and _SWITCHER.fullmatch(_content(queue[0][1][0])):
        lead, block_lines = queue.pop(0)
        literal(lead + block_lines[0])
        if block_lines[1:]:
            queue.insert(0, ("", block_lines[1:]))
    if queue and is_date_line(_content(queue[0][1][0])):
        lead, block_lines = queue.pop(0)
        literal(lead)
        emit_stripped("date", "date", block_lines[0])
        if block_lines[1:]:
            emit_stripped("category", "category", block_lines[1])
            if block_lines[2:]:
                queue.insert(0, ("", block_lines[2:]))
        header_done = True
    if not header_done and len(queue) > 1 and _looks_like_category(queue[0][1]):
        lead, block_lines = queue.pop(0)
        literal(lead)
        emit_stripped("category", "category", block_lines[0])
    if queue:
        lead, block_lines = queue.pop(0)
        literal(lead)
        emit_stripped("title", "title", "".join(block_lines))
    for number, (lead, block_lines) in enumerate(queue, start=1):
        literal(lead)
        block_text = "".join(block_lines)
        stripped_left = block_text.lstrip()
        literal(block_text[: len(block_text) - len(stripped_left)])
        body = stripped_left.rstrip()
        tail = stripped_left[len(body) :]
        for index, (sentence, space) in enumerate(split(body, lang), start=1):
            unit(f"p{number}.s{index}", "sentence", number, sentence)
            literal(space)
        literal(tail)
    if trailing:
        literal(trailing[0])
    layout.append([pending[0], None])
    title = next((u.text for u in units if u.kind == "title"), "")
    article = Article(units=units, layout=layout, title=title)
    if render(layout, {u.key: u.text for u in units}) != text:  # pragma: no cover - safety net
        raise AssertionError("article layout is not lossless")
    return article


def render(layout: list[list[str | None]], texts: Mapping[str, str]) -> str:
    """Join the layout's literals with the text for each unit key."""
    parts: list[str] = []
    for literal, key in layout:
        parts.append(literal or "")
        if key is not None:
            parts.append(texts[key])
    return "".join(parts)


def _content(line: str) -> str:
    return line.rstrip("\r\n")


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Group lines into blocks of non-blank lines, each with the blank lines before it.

    A final entry with no lines holds blank lines after the last block.
    """
    blocks: list[tuple[str, list[str]]] = []
    lead = ""
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        else:
            if current:
                blocks.append((lead, current))
                lead, current = "", []
            lead += line
    if current:
        blocks.append((lead, current))
        lead = ""
    if lead:
        blocks.append((lead, []))
    return blocks


def _looks_like_category(block_lines: list[str]) -> bool:
    """A one-line, lower-case block of a few words before the title: a category."""
    if len(block_lines) != 1:
        return False
    content = block_lines[0].strip()
    return bool(content) and content[0].islower() and len(content.split()) <= 3
