"""TMX 1.4 writing (translation units from the memory, or an article: formats/tmx.py)
and reading (`iter_tmx`, streamed: `tm import` of any size in flat memory).

Language codes are the plain ISO 639-1 subtags `ru`, `uk`, `en` (valid RFC 3066 /
BCP 47 tags, as TMX 1.4 asks for `xml:lang`): the newsroom's texts are not tied to a
region, PO headers and CLDR use the same codes, and CAT tools and translate-toolkit
match `en` against `en-GB`/`en-US` memories by the primary subtag, while the reverse
(`en-GB` written, `en` looked up) is not matched by every tool. Inventing a region
would add information we do not have.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from transdesk import __version__
from transdesk.errors import BadInput
from transdesk.i18n import _

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class TranslationUnit:
    variants: dict[str, str]  # language -> text, written in this order
    tuid: str | None = None
    srclang: str | None = None  # when the document's header says `*all*`
    changedate: str | None = None  # TMX form: YYYYMMDDThhmmssZ
    changeid: str | None = None
    props: tuple[tuple[str, str], ...] = ()


def tmx_date(iso: str | None) -> str | None:
    """`2026-11-25T11:23:38.123456Z` -> `20261125T112338Z` (TMX 1.4 date form)."""
    if not iso:
        return None
    digits = iso.replace("-", "").replace(":", "")
    return digits[:15] + "Z"


def write_tmx(units: Iterable[TranslationUnit], srclang: str) -> bytes:
    """A TMX 1.4 document; header attributes as the spec requires (`srclang` may be
    `*all*` for memory whose units have different source languages)."""
    return b"".join(tmx_chunks(units, srclang))


def tmx_chunks(units: Iterable[TranslationUnit], srclang: str) -> Iterator[bytes]:
    """`write_tmx`'s document a translation unit at a time (the same bytes), so a
    memory of any size is written in flat memory."""
    header = ET.Element("header", {
        "creationtool": "transdesk",
        "creationtoolversion": __version__,
        "datatype": "plaintext",
        "segtype": "sentence",
        "adminlang": "en",
        "srclang": srclang,
        "o-tmf": "transdesk",
    })
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  '
           + ET.tostring(header, encoding="unicode") + "\n").encode("utf-8")
    opened = False
    for unit in units:
        if not opened:
            yield b"  <body>\n"
            opened = True
        yield ("    " + _tu_text(unit) + "\n").encode("utf-8")
    yield b"  </body>\n</tmx>\n" if opened else b"  <body />\n</tmx>\n"


def _tu_text(unit: TranslationUnit) -> str:
    """One `<tu>`, indented as at its depth in the document."""
    attrs = {}
    if unit.tuid:
        attrs["tuid"] = unit.tuid
    if unit.srclang:
        attrs["srclang"] = unit.srclang
    if unit.changedate:
        attrs["changedate"] = unit.changedate
    if unit.changeid:
        attrs["changeid"] = unit.changeid
    tu = ET.Element("tu", attrs)
    for name, value in unit.props:
        prop = ET.SubElement(tu, "prop", type=name)
        prop.text = value
    for lang, text in unit.variants.items():
        tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
        ET.SubElement(tuv, "seg").text = text
    ET.indent(tu, space="  ", level=2)
    return ET.tostring(tu, encoding="unicode")


# --- reading ---------------------------------------------------------------------------

INLINE_CODE = frozenset({"bpt", "ept", "ph", "it", "ut"})  # inline markup holding native code
MAX_DEPTH = 10_000  # real TMX nests a few levels; this deep is an attack or damage
CHUNK = 1 << 16

Variants = list[tuple[str | None, str]]  # (the tuv's language code, its seg's text)


def iter_tmx(path: str | Path) -> Iterator[Variants]:
    """The translation units of a TMX file, one at a time: for each `<tu>`, the
    language code (`xml:lang`, TMX 1.1 `lang`) and text of each `<tuv>` with a `<seg>`
    (its first; inline code such as `<ph>` left out, the text around it kept).

    Streamed with expat in small chunks, so memory does not grow with the file. Any
    problem is BadInput naming the file: not XML (with line and column), not TMX, an
    unknown encoding, elements nested deeper than MAX_DEPTH, or a DTD declaring
    entities (refused outright: no entity expansion, no external entities)."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(_("{path!r} is a directory, not a TMX file").format(path=str(path)))
    reader = _TmxReader(path)
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                reader.parser.Parse(chunk, False)
                yield from reader.take()
            reader.parser.Parse(b"", True)
    except FileNotFoundError:
        raise BadInput(_("no such file: {path!r}").format(path=str(path))) from None
    except expat.ExpatError as exc:
        raise BadInput(_("{path}: not a valid TMX file ({exc})").format(
            path=path, exc=exc)) from None
    except LookupError as exc:
        raise BadInput(_("{path}: not a readable TMX file ({exc})").format(
            path=path, exc=exc)) from None
    except OSError as exc:
        raise BadInput(_(
                "cannot read {path!r}: {strerror}"
            ).format(path=str(path), strerror=exc.strerror or exc)) from None
    yield from reader.take()
    if not reader.body:
        raise BadInput(_("{path}: not a TMX file (no <tmx><body>)").format(path=path))


class _TmxReader:
    """expat handlers collecting the units of one file; `take` hands them over."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.EntityDeclHandler = self.entity
        self.depth = 0
        self.body = False
        self.units: list[Variants] = []
        self.tu: Variants | None = None
        self.tuv: tuple[int, str | None, bool] | None = None  # depth, language, seg seen
        self.seg: list[str] | None = None
        self.seg_depth = 0
        self.code = 0  # inline code elements open inside the seg

    def take(self) -> list[Variants]:
        units, self.units = self.units, []
        return units

    def where(self) -> str:
        return f"line {self.parser.CurrentLineNumber}"

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BadInput(_(
                    "{path}: elements nested more than {max_depth} deep ({where}): not a TMX file "
                    "this reads"
                ).format(path=self.path, max_depth=MAX_DEPTH, where=self.where()))
        if self.depth == 1 and name != "tmx":
            raise BadInput(_("{path}: not a TMX file (no <tmx><body>)").format(path=self.path))
        if self.seg is not None:
            if name in INLINE_CODE or self.code:
                self.code += 1
        elif name == "tu":
            self.tu = []
        elif name == "tuv" and self.tu is not None:
            self.tuv = (self.depth, attrs.get("xml:lang") or attrs.get("lang"), False)
        elif (name == "seg" and self.tuv is not None and not self.tuv[2]
              and self.depth == self.tuv[0] + 1):
            self.tuv = (self.tuv[0], self.tuv[1], True)
            self.seg, self.seg_depth = [], self.depth
        elif name == "body" and self.depth == 2:
            self.body = True

    def end(self, name: str) -> None:
        if self.seg is not None:
            if self.depth == self.seg_depth:
                assert self.tu is not None and self.tuv is not None
                self.tu.append((self.tuv[1], "".join(self.seg)))
                self.seg = None
            elif self.code:
                self.code -= 1
        elif self.tuv is not None and self.depth == self.tuv[0]:
            self.tuv = None
        elif name == "tu" and self.tu is not None:
            self.units.append(self.tu)
            self.tu = None
        self.depth -= 1

    def text(self, data: str) -> None:
        if self.seg is not None and not self.code:
            self.seg.append(data)

    def entity(self, name: str, *_args: Any) -> None:
        raise BadInput(_(
                "{path}: the DTD declares an entity ({name!r}, {where}); entities are not read"
            ).format(path=self.path, name=name, where=self.where()))
