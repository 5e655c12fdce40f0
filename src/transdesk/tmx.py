"""TMX 1.4 writing: translation units (from the memory, or an article: formats/tmx.py).

Language codes are the plain ISO 639-1 subtags `ru`, `uk`, `en` (valid RFC 3066 /
BCP 47 tags, as TMX 1.4 asks for `xml:lang`): the newsroom's texts are not tied to a
region, PO headers and CLDR use the same codes, and CAT tools and translate-toolkit
match `en` against `en-GB`/`en-US` memories by the primary subtag, while the reverse
(`en-GB` written, `en` looked up) is not matched by every tool. Inventing a region
would add information we do not have.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from transdesk import __version__

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
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "transdesk",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": srclang,
            "o-tmf": "transdesk",
        },
    )
    body = ET.SubElement(root, "body")
    for unit in units:
        attrs = {}
        if unit.tuid:
            attrs["tuid"] = unit.tuid
        if unit.srclang:
            attrs["srclang"] = unit.srclang
        if unit.changedate:
            attrs["changedate"] = unit.changedate
        if unit.changeid:
            attrs["changeid"] = unit.changeid
        tu = ET.SubElement(body, "tu", attrs)
        for name, value in unit.props:
            prop = ET.SubElement(tu, "prop", type=name)
            prop.text = value
        for lang, text in unit.variants.items():
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(root, space="  ")
    body_text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body_text + "\n").encode("utf-8")
