"""Finding a termbase's terms in running text, in any inflected form.

A term is a sequence of words; it occurs where as many consecutive words of the text
are forms of its words (`morph.same_word`: a shared lemma of a compatible gender).
So «Верховної Ради» and «Верховною Радою» are «Верховна Рада», «у Києві» holds «Київ»,
and an unknown surname is matched through its guessed paradigm. Derived words are
other lemmas and do not match: «Київська область» does not hold the term «Київ».
A term that starts with a capital (a name: Сирський, Верховна Рада) matches only where
the text has the capital too, so the look-alike «сирський» is not the general; the rest
of its words may be written either way («Кабінет міністрів»). A case-sensitive concept
wants every word's capitals exactly as the term has them.

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
    anchor: int  # the word looked up first: the longest (the rarest, as a rule: not "the")


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
        self._starts: dict[str, dict[str, tuple[Pattern, ...]]] = {}  # lang -> anchor word
        self._inert: dict[str, set[str]] = {}  # lang -> words that anchor no term
        self._sources: dict[tuple[str, str], list[tuple[Concept, Hit]]] = {}

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
                        anchor = max(range(len(words)), key=lambda i: len(words[i]))
                        pattern = Pattern(concept, lang, text, status, words, lemmas, anchor)
                        for form, _gender in lemmas[anchor]:
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
                    if morph.same_word(pattern.lemmas[pattern.anchor], token):
                        seen[id(pattern)] = pattern
            found = self._starts[lang][word] = tuple(seen.values())
            if not found:
                self._inert[lang].add(word)
        return found

    def find(self, text: str, lang: str, statuses: Iterable[str] | None = None) -> list[Hit]:
        """Every occurrence of a term of `lang` in `text`, optionally only of the given
        statuses. A term is looked for by its longest word (its anchor), then the others
        are compared around it."""
        index = self._index(lang)
        if not index:
            return []
        found = morph.words(text)
        inert = self._inert[lang]
        if inert.issuperset(found):
            return []  # the usual case: one set operation
        hot = set(found).difference(inert)
        for word in hot:
            self._starting(word, lang)  # a new word: does it anchor a term?
        hot.difference_update(inert)
        if not hot:
            return []
        wanted = set(statuses) if statuses is not None else None
        starts = self._starts[lang]
        hits: list[Hit] = []
        offsets: list[tuple[int, int]] | None = None  # of each word, once a term is found
        for at in [i for i, word in enumerate(found) if word in hot]:
            for pattern in starts[found[at]]:
                if wanted is not None and pattern.status not in wanted:
                    continue
                n = len(pattern.words)
                i = at - pattern.anchor
                if i < 0 or i + n > len(found):
                    continue
                run = found[i:i + n]
                if n > 1 and not all(
                        k == pattern.anchor or morph.same_word(lemmas, morph.lemmas(word, lang))
                        for k, (lemmas, word) in enumerate(zip(pattern.lemmas, run,
                                                               strict=True))):
                    continue
                if pattern.concept.case_sensitive:
                    if not all(_case_fits(t, w) for t, w in zip(pattern.words, run,
                                                                 strict=True)):
                        continue
                elif pattern.words[0][:1].isupper() and not run[0][:1].isupper():
                    continue  # a name wants its capital: «Сирський», not «сирський»
                if offsets is None:
                    offsets = [m.span() for m in _WORDS.finditer(text)]
                start, end = offsets[i][0], offsets[i + n - 1][1]
                hits.append(Hit(pattern, start, end, text[start:end]))
        if len(hits) > 1:
            hits.sort(key=lambda hit: hit.start)
        return hits

    def concepts_in(self, text: str, lang: str) -> list[tuple[Concept, Hit]]:
        """The concepts whose forms occur in `text`, each once, in order of occurrence
        (remembered for the last source texts: a source is checked once per target)."""
        key = (text, lang)
        known = self._sources.get(key)
        if known is not None:
            return known
        seen: dict[int, tuple[Concept, Hit]] = {}
        for hit in self.find(text, lang):
            seen.setdefault(id(hit.pattern.concept), (hit.pattern.concept, hit))
        if len(self._sources) >= 1000:
            self._sources.clear()
        found = self._sources[key] = list(seen.values())
        return found

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
    source_hits = termbase.concepts_in(source, source_lang)
    target_hits = termbase.find(target, target_lang) if target else []
    if not source_hits and not target_hits:
        return []
    present = {id(h.pattern.concept) for h in target_hits if h.pattern.status != "forbidden"}
    forbidden_in_target: dict[int, tuple[Concept, list[str]]] = {}
    for h in target_hits:
        if h.pattern.status == "forbidden":
            entry = forbidden_in_target.setdefault(id(h.pattern.concept),
                                                   (h.pattern.concept, []))
            entry[1].append(h.text)
    hits: list[TermHit] = []
    for concept, hit in source_hits:
        preferred = concept.preferred(target_lang)
        if preferred is None and not concept.of(target_lang, "forbidden"):
            continue
        found = None
        if target and preferred is not None:
            found = id(concept) in present
        forbidden = forbidden_in_target.pop(id(concept), (concept, []))[1]
        hits.append(TermHit(concept, hit.text, hit.pattern.text, preferred, found, forbidden))
    for concept, texts in forbidden_in_target.values():
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

