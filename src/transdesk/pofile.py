"""Reading PO files: a fast reader for the subset `po export` writes, polib for the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from transdesk.errors import BadInput


@dataclass
class PoEntry:
    key: str  # msgctxt
    source: str  # msgid
    text: str  # msgstr
    fuzzy: bool
    flags: tuple[str, ...]
    line: int


@dataclass
class PoCatalog:
    path: Path
    headers: dict[str, str]
    entries: list[PoEntry]


def read_po(path: Path) -> PoCatalog:
    """Read a catalog: the fast reader for what `po export` writes, polib for the rest."""
    data = path.read_bytes()
    catalog = _read_po_fast(path, data)
    return catalog if catalog is not None else _read_po_polib(path)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")
_VALID_BODY = re.compile(r'(?:[^"\\]|\\.)*')
# One entry as `po export` (polib, msgcat) writes it: comments, msgctxt, msgid, msgstr,
# each string on one or more quoted lines.
_PO_ENTRY = re.compile(
    r'((?:#[^\n]*\n)*)'
    r'(?:msgctxt ("[^\n]*"\n(?:"[^\n]*"\n)*))?'
    r'msgid ("[^\n]*"\n(?:"[^\n]*"\n)*)'
    r'msgstr ("[^\n]*"(?:\n"[^\n]*")*)[ \t]*(?:\n|\Z)'
)
_PO_COMMENTS = re.compile(r'(?:#[^\n]*(?:\n|\Z))+')
_PO_BLANK = re.compile(r'(?:[ \t]*(?:\n|\Z))+')


_PO_SEGMENT = re.compile(r'^"(.*)"[ \t]*$', re.M)


def _po_string(block: str) -> str | None:
    """The value of quoted lines (`"a"\n"b"\n` -> `ab`), or None if polib should judge."""
    if block.count('"') == 2:
        body = block[1:block.rindex('"')]
    else:
        body = "".join(_PO_SEGMENT.findall(block))
    if '"' in body or "\\" in body:
        if not _VALID_BODY.fullmatch(body):
            return None
        try:
            return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], body)
        except KeyError:  # octal or hex escapes: polib's business
            return None
    return body


def _read_po_fast(path: Path, data: bytes) -> PoCatalog | None:
    """Parse the PO subset that `po export` writes (UTF-8; comments, flags, msgctxt,
    msgid, msgstr; obsolete `#~` entries skipped) with a few regular expressions.
    Returns None on anything else (plural forms, other charsets, odd syntax), so that
    polib reads the file and reports real errors."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    entries: list[PoEntry] = []
    headers: dict[str, str] | None = None
    pos, end, line, counted = 0, len(text), 1, 0
    while pos < end:
        if text[pos] == "\n":
            pos += 1
            continue
        m = _PO_ENTRY.match(text, pos)
        if m is None:
            blank = _PO_BLANK.match(text, pos)
            if blank and blank.end() > pos:
                pos = blank.end()
                continue
            m = _PO_COMMENTS.match(text, pos)  # an obsolete entry, or a lone comment
            if m is None:
                return None
            pos = m.end()
            continue
        comments, ctxt_block, msgid_block, msgstr_block = m.groups()
        if "#~" in comments:
            return None
        msgid = _po_string(msgid_block)
        msgstr = _po_string(msgstr_block)
        msgctxt = _po_string(ctxt_block) if ctxt_block is not None else None
        if msgid is None or msgstr is None or (ctxt_block is not None and msgctxt is None):
            return None
        msgid_at = m.start(3)
        line += text.count("\n", counted, msgid_at)
        counted = msgid_at
        if msgid == "" and msgctxt is None:
            if headers is not None:
                return None
            headers = _parse_headers(msgstr)
        else:
            flags: tuple[str, ...] = ()
            if "#," in comments:
                flags = tuple(
                    flag.strip()
                    for row in comments.split("\n") if row.startswith("#,")
                    for flag in row[2:].split(",") if flag.strip()
                )
            entries.append(PoEntry(msgctxt or "", msgid, msgstr, "fuzzy" in flags, flags,
                                   line))
        pos = m.end()
    if headers is None:
        headers = {}
    charset = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""))
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    return PoCatalog(path, headers, entries)


def _parse_headers(text: str) -> dict[str, str]:
    headers = {}
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip()] = value.strip()
    return headers


def _read_po_polib(path: Path) -> PoCatalog:
    import polib

    try:
        po = polib.pofile(str(path))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"malformed PO file {str(path)!r}: {exc}") from None
    entries = []
    for entry in po:
        if entry.obsolete:
            continue
        text = entry.msgstr
        if entry.msgid_plural:
            text = entry.msgstr_plural.get(0, "")
        entries.append(PoEntry(entry.msgctxt or "", entry.msgid, text, entry.fuzzy,
                               tuple(entry.flags), entry.linenum))
    return PoCatalog(path, dict(po.metadata), entries)
