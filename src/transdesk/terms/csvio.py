"""Glossary CSV in the column layout of Weblate and OmegaT: term, translation, note.

One file holds one language pair (`--langs SOURCE,TARGET`). `.csv` is comma-separated
(Weblate), `.tsv` and `.txt` tab-separated (OmegaT). A header row (`source,target,...`
or `term,translation,...`) is skipped. A note starting with `forbidden` marks the
translation as a forbidden variant (Weblate's "forbidden translation" flag). Rows of
the same term make one concept.
"""

from __future__ import annotations

import csv
import io

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.terms.model import Concept

_HEADER_WORDS = {"source", "target", "term", "translation", "note", "comment", "comments",
                 "explanation"}
FORBIDDEN_NOTE = "forbidden"


def _dialect(name: str) -> str:
    return "\t" if name.lower().endswith((".tsv", ".txt")) else ","


def read_csv(data: bytes, name: str, source_lang: str, target_lang: str) -> list[Concept]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(_("malformed glossary {name!r}: not UTF-8").format(name=name)) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(name),
                               strict=True))
    except csv.Error as exc:
        raise BadInput(_("malformed glossary {name!r}: {error}").format(
            name=name, error=exc)) from None
    if rows and {c.strip().lower() for c in rows[0][:3]} <= _HEADER_WORDS | {""} \
            and rows[0][0].strip().lower() in _HEADER_WORDS:
        rows = rows[1:]
    concepts: dict[str, Concept] = {}
    for number, row in enumerate(rows, 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip():
            raise BadInput(_(
                "malformed glossary {name!r}: row {number} needs a term and a translation"
            ).format(name=name, number=number))
        term, translation = row[0].strip(), row[1].strip()
        note = row[2].strip() if len(row) > 2 else ""
        concept = concepts.get(term.lower())
        if concept is None:
            concept = concepts[term.lower()] = Concept()
            concept.add(source_lang, term)
        if note.lower().startswith(FORBIDDEN_NOTE):
            concept.add(target_lang, translation, "forbidden")
            note = note[len(FORBIDDEN_NOTE):].lstrip(" :;-")
        else:
            concept.add(target_lang, translation)
        if note and note not in concept.note:
            concept.note = f"{concept.note}; {note}" if concept.note else note
    return list(concepts.values())


def write_csv(concepts: list[Concept], name: str, source_lang: str,
              target_lang: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=_dialect(name), lineterminator="\n")
    writer.writerow(("source", "target", "note"))
    for concept in concepts:
        term = concept.preferred(source_lang)
        if term is None:
            continue
        for status in ("preferred", "admitted"):
            for text in concept.of(target_lang, status):
                writer.writerow((term, text, concept.note))
        for text in concept.of(target_lang, "forbidden"):
            writer.writerow((term, text, FORBIDDEN_NOTE))
    return out.getvalue().encode("utf-8")
