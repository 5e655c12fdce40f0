"""The termbase and the desk word list of a desk (either engine; the SQL is in
`storage.terms`), each change in one transaction with a `style_history` row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transdesk.db import now
from transdesk.errors import BadInput, Refused
from transdesk.i18n import _, ngettext
from transdesk.languages import LANGUAGES, normalize_lang
from transdesk.storage import terms as storage
from transdesk.storage.terms import writing
from transdesk.terms import morph
from transdesk.terms.model import STATUSES, Concept

# `db` below: a desk (storage.open, either engine) or a sqlite-utils Database


def revision(db: Any) -> int:
    """Grows with every change to terms or words (versions the recorded findings)."""
    return storage.revision(db)


def load_concepts(db: Any) -> list[Concept]:
    concepts: dict[int, Concept] = {}
    for cid, note, case, by, at in storage.concept_rows(db):
        concepts[cid] = Concept({}, note, bool(case), cid, by, at)
    for cid, lang, text, status in storage.form_rows(db):
        concepts[cid].add(lang, text, status)
    return list(concepts.values())


def _key(lang: str, text: str) -> tuple[str, str]:
    return lang, " ".join(morph.normalize(text).split())


def _keys(concept: Concept) -> set[tuple[str, str]]:
    """What makes two concepts the same: a preferred form of one language."""
    return {_key(lang, p) for lang in concept.langs if (p := concept.preferred(lang))}


def validate(concept: Concept) -> None:
    for lang, slots in concept.forms.items():
        if lang not in LANGUAGES:
            raise BadInput(_("unsupported language {lang!r} in a term; use ru, uk or en").format(
                lang=lang))
        for status, texts in slots.items():
            if status not in STATUSES:
                raise BadInput(_("unknown term status {status!r}").format(status=status))
            for text in texts:
                if not any(ch.isalpha() for ch in text):
                    raise BadInput(_("term {text!r} ({lang}) has no letters").format(
                        text=text, lang=lang))
    if not any(concept.preferred(lang) for lang in concept.langs):
        raise BadInput(_("a concept needs a preferred term in at least one language"))


def _insert(conn: Any, concept: Concept, who: str, ts: str, action: str,
            note: str | None) -> int:
    forms = [(lang, text, status) for lang in concept.langs for status in STATUSES
             for text in concept.of(lang, status)]
    cid = storage.insert_concept(conn, concept.note, concept.case_sensitive, who, ts, forms)
    concept.id, concept.added_by, concept.added_at = cid, who, ts
    storage.record(conn, "term", str(cid), ts, who, action, None, concept.as_dict(), note)
    return cid


def _duplicate_of(concept: Concept, existing: list[Concept]) -> Concept | None:
    keys = _keys(concept)
    return next((other for other in existing if keys & _keys(other)), None)


def add_concept(db: Any, concept: Concept, who: str) -> Concept:
    """Add one concept; Refused when a preferred form already names another concept."""
    validate(concept)
    with writing(db) as conn:
        existing = load_concepts(conn)
        other = _duplicate_of(concept, existing)
        if other is not None:
            raise Refused(_("already in the termbase as concept {id}: {concept}").format(
                id=other.id, concept=other.label()))
        _insert(conn, concept, who, now(), "add", None)
    return concept


@dataclass
class ImportResult:
    added: list[Concept] = field(default_factory=list)
    duplicates: list[tuple[Concept, Concept]] = field(default_factory=list)  # new, existing

    def as_dict(self) -> dict[str, Any]:
        return {"added": [c.id for c in self.added],
                "duplicates": [{"concept": new.label(), "existing": old.id}
                               for new, old in self.duplicates]}


def import_concepts(db: Any, concepts: list[Concept], who: str,
                    file: str | None = None) -> ImportResult:
    """Add the concepts not yet in the termbase, all in one transaction; a concept
    that shares a preferred form with one already there (or earlier in the file) is
    reported as a duplicate and not added."""
    for concept in concepts:
        validate(concept)
    result = ImportResult()
    ts = now()
    with writing(db) as conn:
        existing = load_concepts(conn)
        for concept in concepts:
            other = _duplicate_of(concept, existing)
            if other is not None:
                result.duplicates.append((concept, other))
                continue
            _insert(conn, concept, who, ts, "import", file)
            existing.append(concept)
            result.added.append(concept)
    return result


def find_concept(db: Any, ref: str) -> Concept:
    """A concept by id or by one of its forms (any language, any case)."""
    concepts = load_concepts(db)
    if ref.strip().isdigit():
        for concept in concepts:
            if concept.id == int(ref):
                return concept
        raise BadInput(_("no concept {ref} in the termbase (see 'transdesk terms list')").format(
            ref=ref))
    wanted = " ".join(morph.normalize(ref).split())
    found = [c for c in concepts if any(
        _key(lang, text)[1] == wanted for lang in c.langs for status in STATUSES
        for text in c.of(lang, status))]
    if not found:
        raise BadInput(_("no term {ref!r} in the termbase (see 'transdesk terms list')").format(
            ref=ref))
    if len(found) > 1:
        raise BadInput(ngettext(
            "{ref!r} names {count} concept ({ids}): give the id",
            "{ref!r} names {count} concepts ({ids}): give the id", len(found),
        ).format(ref=ref, count=len(found), ids=", ".join(str(c.id) for c in found)))
    return found[0]


def remove_concept(db: Any, ref: str, who: str) -> Concept:
    concept = find_concept(db, ref)
    assert concept.id is not None
    with writing(db) as conn:
        storage.delete_concept(conn, concept.id)
        storage.record(conn, "term", str(concept.id), now(), who, "remove", concept.as_dict(),
                       None)
    return concept


# --- the desk word list ----------------------------------------------------------------


def _clean_word(word: str) -> str:
    cleaned = word.strip()
    if not morph.WORD.fullmatch(cleaned) or not any(ch.isalpha() for ch in cleaned):
        raise BadInput(_("not a word: {word!r} (letters, with ' or - inside)").format(word=word))
    return cleaned


def add_words(db: Any, words: list[str], lang: str, who: str) -> list[bool]:
    """Add words to the desk list in one transaction; per word, False when it was
    there already. BadInput (nothing added) when one is not a word."""
    lang = normalize_lang(lang)
    cleaned = [_clean_word(word) for word in words]
    ts = now()
    added = []
    with writing(db) as conn:
        for word in cleaned:
            added.append(storage.insert_word(conn, lang, word, who, ts))
            if added[-1]:
                storage.record(conn, "word", f"{lang}:{word}", ts, who, "add", None, word)
    return added


def add_word(db: Any, word: str, lang: str, who: str) -> bool:
    """Add one word to the desk list; False when it was there already."""
    return add_words(db, [word], lang, who)[0]


def remove_word(db: Any, word: str, lang: str, who: str) -> None:
    lang, word = normalize_lang(lang), word.strip()
    with writing(db) as conn:
        if not storage.delete_word(conn, lang, word):
            raise Refused(_("{word!r} is not in the {lang} word list").format(word=word, lang=lang))
        storage.record(conn, "word", f"{lang}:{word}", now(), who, "remove", word, None)


def list_words(db: Any, lang: str | None = None) -> list[dict[str, Any]]:
    keys = ("lang", "word", "added_by", "added_at")
    return [dict(zip(keys, row, strict=True))
            for row in storage.word_rows(db, normalize_lang(lang) if lang else None)]


def history(db: Any, limit: int = 50) -> list[dict[str, Any]]:
    keys = ("id", "kind", "ref", "at", "who", "action", "old", "new", "note")
    return [dict(zip(keys, row, strict=True)) for row in storage.history_rows(db, limit)]
