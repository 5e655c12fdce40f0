"""Finding a termbase's terms in running text, in any inflected form.

A term is a sequence of words; it occurs where as many consecutive words of the text
are forms of its words (`morph.same_word`: a shared lemma of a compatible gender).
So «Верховної Ради» and «Верховною Радою» are «Верховна Рада», «у Києві» holds «Київ»,
and an unknown surname is matched through its guessed paradigm. Derived words are
other lemmas and do not match: «Київська область» does not hold the term «Київ».
A case-sensitive concept also wants each word's capital letters where the term has them.

The matcher is built for whole archives: a word's candidate terms are computed once per
distinct word, and a text none of whose words starts a term costs one set operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from transdesk.terms import morph
from transdesk.terms.model import Concept

_WORDS = morph.WORD


@dataclass(frozen=True)
class Pattern:
    concept: Concept
    lang: str
    text: str
    status: str  # preferred, admitted, forbidden
    words: tuple[str, ...]
    lemmas: tuple[frozenset[morph.Lemma], ...]


@dataclass(frozen=True)
class Hit:
    pattern: Pattern
    start: int  # character offsets in the text
    end: int
    text: str  # as written in the text


def _case_fits(term_word: str, word: str) -> bool:
    if term_word.isupper() and len(term_word) > 1:
        return word.isupper()
    return term_word[:1].isupper() == word[:1].isupper()


class Termbase:
    """The concepts of a desk, ready for matching (patterns compile on first use)."""

    def __init__(self, concepts: Iterable[Concept] = ()) -> None:
        self.concepts = list(concepts)
        self._patterns: dict[str, dict[str, list[Pattern]]] = {}  # lang -> first lemma
        self._starts: dict[str, dict[str, tuple[Pattern, ...]]] = {}  # lang -> word
        self._inert: dict[str, set[str]] = {}  # lang -> words that start no term

    def __bool__(self) -> bool:
        return bool(self.concepts)

    def _index(self, lang: str) -> dict[str, list[Pattern]]:
        index = self._patterns.get(lang)
        if index is None:
            index = self._patterns[lang] = {}
            for concept in self.concepts:
                for status, forms in concept.forms.get(lang, {}).items():
                    for text in forms:
                        words = tuple(_WORDS.findall(text))
                        if not words:
                            continue
                        lemmas = tuple(morph.head_lemmas(w, lang) for w in words)
                        pattern = Pattern(concept, lang, text, status, words, lemmas)
                        for form, _gender in lemmas[0]:
                            index.setdefault(form, []).append(pattern)
            self._starts[lang] = {}
            self._inert[lang] = set()
        return index

    def _starting(self, word: str, lang: str) -> tuple[Pattern, ...]:
        found = self._starts[lang].get(word)
        if found is None:
            index = self._patterns[lang]
            token = morph.lemmas(word, lang)
            seen: dict[int, Pattern] = {}
            for form, _gender in token:
                for pattern in index.get(form, ()):
                    if morph.same_word(pattern.lemmas[0], token):
                        seen[id(pattern)] = pattern
            found = self._starts[lang][word] = tuple(seen.values())
            if not found:
                self._inert[lang].add(word)
        return found

    def find(self, text: str, lang: str, statuses: Iterable[str] | None = None) -> list[Hit]:
        """Every occurrence of a term of `lang` in `text` (longest first where two
        start at one word), optionally only of the given statuses."""
        index = self._index(lang)
        if not index:
            return []
        found = _WORDS.findall(text)
        inert = self._inert[lang]
        if inert.issuperset(found):
            return []
        wanted = set(statuses) if statuses is not None else None
        matches = list(_WORDS.finditer(text))
        hits: list[Hit] = []
        for i, m in enumerate(matches):
            word = m.group()
            if word in inert:
                continue
            for pattern in self._starting(word, lang):
                if wanted is not None and pattern.status not in wanted:
                    continue
                n = len(pattern.words)
                if i + n > len(matches):
                    continue
                run = matches[i:i + n]
                if not all(morph.same_word(lemmas, morph.lemmas(w.group(), lang))
                           for lemmas, w in zip(pattern.lemmas[1:], run[1:], strict=True)):
                    continue
                if pattern.concept.case_sensitive and not all(
                        _case_fits(t, w.group()) for t, w in zip(pattern.words, run,
                                                                  strict=True)):
                    continue
                hits.append(Hit(pattern, m.start(), run[-1].end(),
                                text[m.start():run[-1].end()]))
        return hits

    def concepts_in(self, text: str, lang: str) -> list[tuple[Concept, Hit]]:
        """The concepts whose forms occur in `text`, each once, in order of occurrence."""
        seen: dict[int, tuple[Concept, Hit]] = {}
        for hit in self.find(text, lang):
            seen.setdefault(id(hit.pattern.concept), (hit.pattern.concept, hit))
        return list(seen.values())

    def has_form(self, concept: Concept, text: str, lang: str,
                 statuses: tuple[str, ...] = ("preferred", "admitted")) -> bool:
        return any(hit.pattern.concept is concept
                   for hit in self.find(text, lang, statuses))


@dataclass
class TermHit:
    """A concept found in a unit's source, and how the translation treats it."""

    concept: Concept
    source: str  # as written in the source
    term: str  # the source-language form it matched
    translation: str | None  # the preferred form in the target language
    present: bool | None  # preferred (or admitted) form in the translation; None: no text
    forbidden: list[str]  # forbidden forms found in the translation

    def as_dict(self) -> dict[str, object]:
        return {"concept": self.concept.id, "source": self.source, "term": self.term,
                "translation": self.translation, "present": self.present,
                "forbidden": self.forbidden}


def term_hits(termbase: Termbase, source: str, target: str | None, source_lang: str,
              target_lang: str) -> list[TermHit]:
    """The concepts of `source` that have a form in `target_lang`, with what `target`
    (if any) does with them; then forbidden forms in `target` of concepts not in the
    source."""
    if not termbase:
        return []
    hits: list[TermHit] = []
    forbidden_in_target: dict[int, list[str]] = {}
    if target:
        for hit in termbase.find(target, target_lang, ("forbidden",)):
            forbidden_in_target.setdefault(id(hit.pattern.concept), []).append(hit.text)
    for concept, hit in termbase.concepts_in(source, source_lang):
        preferred = concept.preferred(target_lang)
        if preferred is None and not concept.of(target_lang, "forbidden"):
            continue
        present = None
        if target and preferred is not None:
            present = termbase.has_form(concept, target, target_lang)
        hits.append(TermHit(concept, hit.text, hit.pattern.text, preferred, present,
                            forbidden_in_target.pop(id(concept), [])))
    for texts in forbidden_in_target.values():
        concept = next(h.pattern.concept for h in termbase.find(target or "", target_lang,
                                                                  ("forbidden",))
                       if h.text in texts)
        hits.append(TermHit(concept, "", "", concept.preferred(target_lang), None, texts))
    return hits


def terminology_message(hits: list[TermHit]) -> str | None:
    """One line for the `terminology` check, or None when the translation is fine."""
    parts = []
    for hit in hits:
        if hit.present is False:
            parts.append(f"«{hit.source}» should be «{hit.translation}»")
        for text in hit.forbidden:
            use = f"; use «{hit.translation}»" if hit.translation else ""
            parts.append(f"forbidden «{text}»{use}")
    if not parts:
        return None
    return "; ".join(dict.fromkeys(parts))

