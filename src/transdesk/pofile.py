"""PO and MO files: reading them into the catalog model (catalog.py) and writing it.

Two readers give the same `Catalog`: `read_po` (check --po) parses the subset `po export`
writes with a few regular expressions and lets polib read anything else; `load_po`
(po import) checks the syntax strictly first, so that a damaged file is refused rather
than silently repaired. `to_pofile` turns a catalog into a polib file (PO text and MO
bytes).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING

from transdesk.catalog import (
    ACCEPT_FLAG_PREFIX,
    HASH_PREFIX,
    Catalog,
    CatalogEntry,
    state_hash,
)
from transdesk.errors import BadInput
from transdesk.i18n import _

if TYPE_CHECKING:
    import polib

WRAP_WIDTH = 78  # as msgcat and Poedit wrap


def read_po(path: Path) -> Catalog:
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


def _read_po_fast(path: Path, data: bytes) -> Catalog | None:
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
    entries: list[CatalogEntry] = []
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
            entries.append(_entry(msgctxt or "", msgid, msgstr, "fuzzy" in flags, flags,
                                  line))
        pos = m.end()
    if headers is None:
        headers = {}
    charset = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""))
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    return _catalog(path, headers, entries)


def _parse_headers(text: str) -> dict[str, str]:
    headers = {}
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip()] = value.strip()
    return headers


def _read_po_polib(path: Path) -> Catalog:
    import polib

    try:
        po = polib.pofile(str(path))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise BadInput(_("malformed PO file {path!r}: {exc}").format(
            path=str(path), exc=exc)) from None
    return _from_polib(path, po, plural_text=True)


def _from_polib(path: Path, po: polib.POFile, plural_text: bool) -> Catalog:
    """The live entries of a polib file; `plural_text`: a plural entry's text is its
    first form (else it counts as empty, as `po import` has always taken it)."""
    entries = []
    nplurals = _nplurals(po.metadata.get("Plural-Forms", ""))
    for entry in po:
        if entry.obsolete:
            continue
        text = entry.msgstr
        others: tuple[tuple[str, str], ...] = ()
        if entry.msgid_plural and plural_text:
            count = max(nplurals or 0, len(entry.msgstr_plural), 1)
            forms = [entry.msgstr_plural.get(n, "") for n in range(count)]
            # incomplete unless every form the language has is written
            text = forms[0] if all(forms) else ""
            others = tuple((entry.msgid_plural, form) for form in forms[1:])
        exported = next((line[len(HASH_PREFIX):].strip()
                         for line in (entry.comment or "").splitlines()
                         if line.startswith(HASH_PREFIX)), None)
        read = _entry(entry.msgctxt or "", entry.msgid, text, entry.fuzzy,
                      tuple(entry.flags), entry.linenum, exported)
        if others and text:
            read = dataclasses.replace(read, plural_forms=others)
        entries.append(read)
    return _catalog(path, dict(po.metadata), entries)


def _nplurals(plural_forms: str) -> int | None:
    """`nplurals=3; plural=...` -> 3; None when the header does not say."""
    match = re.search(r"nplurals\s*=\s*(\d+)", plural_forms)
    return int(match.group(1)) if match else None


def _entry(key: str, source: str, text: str, fuzzy: bool, flags: tuple[str, ...],
           line: int | None, exported_hash: str | None = None) -> CatalogEntry:
    """An entry read from a file: untranslated when empty, a draft when fuzzy."""
    status = "untranslated" if not text else "draft" if fuzzy else "translated"
    accepted = tuple(flag[len(ACCEPT_FLAG_PREFIX):] for flag in flags
                     if flag.startswith(ACCEPT_FLAG_PREFIX))
    return CatalogEntry(key, source, text, status, accepted=accepted, flags=flags, line=line,
                        exported_hash=exported_hash)


def _catalog(path: Path, header: dict[str, str], entries: list[CatalogEntry]) -> Catalog:
    from transdesk.catalog import ARTICLE_HEADER, SOURCE_LANG_HEADER

    lang = header.get("Language", "").strip() or None
    return Catalog(header.get(ARTICLE_HEADER, "").strip(),
                   header.get(SOURCE_LANG_HEADER, "").strip(), lang, "", header, entries, path)


# --- po import: the strict reader -------------------------------------------------------

_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(
    rf"(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_PO_STRING}"
)


def check_po_syntax(text: str) -> str | None:
    """The first line that is neither a comment, a keyword with a quoted string, nor a
    quoted continuation (polib silently repairs some of those), as an error message."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.fullmatch(stripped):
            return f"line {number}: {stripped[:60]!r} is not a PO keyword line or string"
    return None


def load_po(path: str) -> Catalog:
    """A PO file a user gives to `po import`, with its syntax checked line by line
    (polib silently repairs some damage); BadInput names the file and the problem."""
    import polib

    from transdesk.files import read_input

    if Path(path).is_dir():
        raise BadInput(_("{path!r} is a directory: name the PO files in it").format(path=path))
    data = read_input(path, "a PO file")
    try:
        if b"\0" in data[:8192]:
            raise ValueError("binary data, not text (a compiled .mo? import the .po)")
        charset = polib.detect_encoding(path)
        error = check_po_syntax(data.decode(charset))
        if error:
            raise ValueError(error)
        po = polib.pofile(path, wrapwidth=WRAP_WIDTH)
    except UnicodeDecodeError as exc:
        raise BadInput(
            _(
                "{path}: malformed PO file: not {encoding} text (byte {start})"
            ).format(path=path, encoding=exc.encoding, start=exc.start)
        ) from None
    except (OSError, ValueError, LookupError) as exc:
        raise BadInput(_("{path}: malformed PO file: {exc}").format(path=path, exc=exc)) from None
    return _from_polib(Path(path), po, plural_text=False)


# --- writing --------------------------------------------------------------------------


def to_pofile(catalog: Catalog) -> polib.POFile:
    """The polib file for a catalog: msgctxt = key, msgid = source, msgstr = translation."""
    import polib

    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    if catalog.lang:
        po.header = (
            f"{catalog.lang} translation of article {catalog.article_id}: {catalog.title}"
        )
    else:
        po.header = f"Template of article {catalog.article_id}: {catalog.title}"
    po.metadata = dict(catalog.header)
    for entry in catalog.entries:
        po_entry = polib.POEntry(
            msgctxt=entry.key,
            msgid=entry.source,
            msgstr=entry.msgstr if catalog.lang else "",
            occurrences=[(f"{catalog.article_id}:{entry.key}", "")],
        )
        if catalog.lang:
            comments = []
            if entry.origin and entry.status != "untranslated":
                comments.append(f"origin: {entry.origin}")
            if entry.status == "approved" and entry.translator:
                comments.append(f"approved by {entry.translator}")
            po_entry.tcomment = "\n".join(comments)
            po_entry.comment = HASH_PREFIX + state_hash(entry.status, entry.text)
            if entry.fuzzy:
                po_entry.flags.append("fuzzy")
            po_entry.flags.extend(f"{ACCEPT_FLAG_PREFIX}{check}" for check in entry.accepted)
        po.append(po_entry)
    return po


