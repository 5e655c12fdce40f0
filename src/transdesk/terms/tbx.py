"""TBX (ISO 30042) in the TBX-Basic dialect: reading the `martif` form that Weblate
and translate-toolkit write (termEntry > langSet xml:lang > tig|ntig > term) and the
2019 `tbx` form (conceptEntry > langSec > termSec > term); writing `martif`.

A termNote `administrativeStatus` of deprecatedTerm-admn-sts or supersededTerm-admn-sts
marks a forbidden form, admittedTerm-admn-sts an admitted one, preferredTerm-admn-sts
or none the preferred one (a second one of a language is admitted). The XML is parsed
by defusedxml: a DOCTYPE is allowed (TBX files carry one), entities are refused and
nothing is fetched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.languages import normalize_lang
from transdesk.terms.model import Concept

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS = {
    "preferredterm-admn-sts": "preferred",
    "admittedterm-admn-sts": "admitted",
    "deprecatedterm-admn-sts": "forbidden",
    "supersededterm-admn-sts": "forbidden",
}
_WRITE_STATUS = {"preferred": "preferredTerm-admn-sts", "admitted": "admittedTerm-admn-sts",
                 "forbidden": "deprecatedTerm-admn-sts"}
CASE_NOTE = "transdesk: case-sensitive"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(node: ET.Element, *names: str) -> list[ET.Element]:
    return [child for child in node if _local(child.tag) in names]


def read_tbx(data: bytes, name: str = "TBX file") -> list[Concept]:
    """The concepts of a TBX document; BadInput (one line) on anything malformed."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data)  # a DOCTYPE is fine; entities are refused
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise BadInput(_("malformed TBX {name!r}: {error}").format(name=name, error=exc)) from None
    if _local(root.tag) not in ("martif", "tbx"):
        raise BadInput(_("malformed TBX {name!r}: the root is <{root}>, not <martif> or <tbx>")
                       .format(name=name, root=_local(root.tag)))
    entries = [e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")]
    concepts = []
    for entry in entries:
        concept = Concept()
        notes = [_text(n) for n in _children(entry, "note", "descrip")]
        for lang_node in _children(entry, "langSet", "langSec"):
            code = lang_node.get(XML_LANG) or lang_node.get("lang") or ""
            try:
                lang = normalize_lang(code.replace("_", "-").split("-")[0])
            except BadInput:
                raise BadInput(_(
                    "{name}: unsupported language {code!r} in a term; use ru, uk or en"
                ).format(name=name, code=code)) from None
            for holder in lang_node.iter():
                if _local(holder.tag) not in ("tig", "termSec", "termGrp"):
                    continue
                terms = _children(holder, "term")
                if not terms:
                    continue
                status = "preferred"
                for note in _children(holder, "termNote"):
                    if note.get("type") == "administrativeStatus":
                        status = _STATUS.get(_text(note).lower(), "preferred")
                concept.add(lang, _text(terms[0]), status)
        if CASE_NOTE in notes:
            concept.case_sensitive = True
            notes.remove(CASE_NOTE)
        concept.note = "; ".join(n for n in notes if n)
        if concept.forms:
            concepts.append(concept)
    if not entries:
        raise BadInput(_("malformed TBX {name!r}: no termEntry or conceptEntry").format(name=name))
    return concepts


def _text(node: ET.Element) -> str:
    return " ".join("".join(node.itertext()).split())


def write_tbx(concepts: list[Concept]) -> bytes:
    """TBX-Basic (`martif`), one termEntry per concept, one tig per form."""
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    header = ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc")
    ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = "transdesk termbase"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for concept in concepts:
        entry = ET.SubElement(body, "termEntry", {"id": f"c{concept.id}"}
                              if concept.id is not None else {})
        if concept.note:
            ET.SubElement(entry, "descrip", {"type": "definition"}).text = concept.note
        if concept.case_sensitive:
            ET.SubElement(entry, "note").text = CASE_NOTE
        for lang in concept.langs:
            lang_set = ET.SubElement(entry, "langSet", {XML_LANG: lang})
            for status in ("preferred", "admitted", "forbidden"):
                for text in concept.of(lang, status):
                    tig = ET.SubElement(lang_set, "tig")
                    ET.SubElement(tig, "term").text = text
                    ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = (
                        _WRITE_STATUS[status])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
