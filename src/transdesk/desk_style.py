"""The desk's house style as the `terminology` and `spelling` checks see it: the
termbase, the desk word list (database) and the word list shipped with transdesk
(`data/words/<lang>.txt`).

The checks keep the plain signature of every check (`checks.CheckFn`), so the style
they read is the *active* one: `use(db)` makes a database's termbase and words active
(`check`, `accept`, `next` and the JSON views call it), and without a database (`check
--po`) only the shipped word list is (no termbase: terminology finds nothing).
Nothing heavy loads here: the analysers and dictionaries load when a text is read.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from transdesk.i18n import _
from transdesk.terms.match import Termbase, TermHit, term_hits, terminology_message
from transdesk.terms.model import Concept

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlite_utils import Database

    from transdesk.spelling import Speller

WORDS_DIR = Path(__file__).parent / "data" / "words"


def shipped_words(lang: str) -> list[str]:
    """The newsroom's word list shipped with transdesk (names, institutions, terms)."""
    path = WORDS_DIR / f"{lang}.txt"
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


class DeskStyle:
    """A termbase and word lists, with the spellers that accept them."""

    def __init__(self, concepts: list[Concept], words: dict[str, list[str]],
                 revision: str = "") -> None:
        from transdesk.languages import LANGUAGES

        self.termbase = Termbase(concepts)
        self.words = {lang: [*shipped_words(lang), *words.get(lang, [])] for lang in LANGUAGES}
        self.revision = revision
        self._accepted: dict[str, tuple[set[str], set[str]]] = {}
        self._spellers: dict[str, Speller] = {}

    def _accepted_sets(self, lang: str) -> tuple[set[str], set[str]]:
        """Words and lemmas the desk accepts in `lang` (word lists, term forms)."""
        sets = self._accepted.get(lang)
        if sets is None:
            from transdesk.terms import morph

            words: set[str] = set()
            lemmas: set[str] = set()
            texts = list(self.words.get(lang, []))
            for concept in self.termbase.concepts:
                texts += concept.of(lang, "preferred") + concept.of(lang, "admitted")
            for text in texts:
                for word in morph.words(text):
                    words.add(morph.normalize(word))
                    lemmas.update(form for form, _g in morph.lemmas(word, lang))
            sets = self._accepted[lang] = (words, lemmas)
        return sets

    def _accepts_in(self, lang: str, word: str) -> bool:
        return self.accepts(word, lang)

    def accepts(self, word: str, lang: str) -> bool:
        from transdesk.terms import morph

        words, lemmas = self._accepted_sets(lang)
        if morph.normalize(word) in words:
            return True
        return any(form in lemmas for form, _g in morph.lemmas(word, lang))

    def speller(self, lang: str) -> Speller:
        speller = self._spellers.get(lang)
        if speller is None:
            from transdesk.spelling import Speller, dictionary_name

            speller = self._spellers[lang] = Speller(lang, functools.partial(
                self._accepts_in, lang), dictionary=dictionary_name(lang))
        return speller

    def hits(self, source: str, target: str | None, source_lang: str,
             target_lang: str) -> list[TermHit]:
        return term_hits(self.termbase, source, target, source_lang, target_lang)


_ACTIVE: list[DeskStyle] = []


def active() -> DeskStyle:
    if not _ACTIVE:
        use_shipped()
    return _ACTIVE[0]


def prepare() -> None:
    """Load the analysers and dictionaries now (before a fork: the processes share them)."""
    from transdesk.languages import LANGUAGES
    from transdesk.spelling import _dictionary, dictionary_name
    from transdesk.terms import morph

    termbase = active().termbase
    for lang in LANGUAGES:
        if lang != "en":
            morph.is_known("прогрев", lang)  # the analysers: spelling needs them too
        elif termbase:
            morph.lemmas("warming", lang)  # simplemma: for English terms only
        _dictionary(dictionary_name(lang))


def _english() -> str:
    """The English variant a style's spellers use: a change makes a new style."""
    from transdesk.spelling import english_variant

    return english_variant()


def activate(style: DeskStyle) -> None:
    _ACTIVE[:] = [style]


def use_shipped(words: dict[str, list[str]] | None = None) -> DeskStyle:
    """Make the shipped word list (and `words`, a desk word list read from a file) the
    active style, without a termbase: what `check --po` has without a database."""
    revision = f"shipped#{_english()}#{sorted((words or {}).items())}"
    if not _ACTIVE or _ACTIVE[0].revision != revision:
        activate(DeskStyle([], words or {}, revision))
    return _ACTIVE[0]


def read_word_list(path: str) -> dict[str, list[str]]:
    """A desk word list file as `words list` prints it: `LANG  WORD` per line (`#`
    comments and blank lines skipped); BadInput names a bad line."""
    from transdesk.errors import BadInput
    from transdesk.files import read_input
    from transdesk.languages import normalize_lang

    try:
        text = read_input(path, "a word list").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(_("word list {path!r} is not UTF-8").format(path=path)) from None
    words: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise BadInput(_(
                "{path}:{number}: expected 'LANG WORD' (as 'transdesk words list' prints),"
                " not {line!r}").format(path=path, number=number, line=line.strip()))
        words.setdefault(normalize_lang(parts[0]), []).append(parts[1])
    return words


def use(db: Database) -> DeskStyle:
    """Make `db`'s termbase and word list the active style (reloaded only when they
    changed since) and return it."""
    from transdesk.terms import store

    revision = f"{_db_path(db)}#{store.revision(db)}#{_english()}"
    if _ACTIVE and _ACTIVE[0].revision == revision:
        return _ACTIVE[0]
    words: dict[str, list[str]] = {}
    for row in store.list_words(db):
        words.setdefault(row["lang"], []).append(row["word"])
    style = DeskStyle(store.load_concepts(db), words, revision)
    activate(style)
    return style


def use_termbase(load: Callable[[], list[Concept]], revision: str) -> DeskStyle:
    """Make a termbase the active style (the concepts from `load()`, called only when
    `revision` differs from the active style's), without the desk's word list: what the
    term hits of `next` need, when the concepts come from elsewhere than a SQLite
    database (a PostgreSQL desk sends them along with the claimed unit)."""
    if _ACTIVE and _ACTIVE[0].revision == revision:
        return _ACTIVE[0]
    style = DeskStyle(load(), {}, revision)
    activate(style)
    return style


def _db_path(db: Database) -> str:
    """Which desk: its location (a desk of either engine), or a SQLite file's path."""
    location = getattr(db, "location", None)
    if location is not None:
        return f"{getattr(db, 'engine', 'sqlite')}:{location}"
    from transdesk.storage.sqlite import attached_files

    return next((filename for name, filename in attached_files(db) if name == "main"), "")


def fingerprint(db: Database | None = None) -> str:
    """What the recorded findings of `terminology` and `spelling` depend on besides
    checks.py: this code, the shipped word lists, the English variant, and the
    revision of the database's terms and words."""
    from transdesk import spelling
    from transdesk.terms import match, morph

    digest = hashlib.sha1()
    for path in (Path(__file__), Path(spelling.__file__), Path(match.__file__),
                 Path(morph.__file__), *sorted(WORDS_DIR.glob("*.txt"))):
        digest.update(path.read_bytes())
    digest.update(os.environ.get(spelling.ENGLISH_ENV, "").encode())
    if db is not None:
        from transdesk.terms import store

        digest.update(str(store.revision(db)).encode())
    return digest.hexdigest()[:16]


# --- the two checks (registered in registry.CHECKS) --------------------------------------


def check_terminology(source: str, target: str, source_lang: str,
                      target_lang: str) -> str | None:
    """A term of the source whose preferred (or admitted) translation is missing from
    the translation in every inflected form, or a forbidden variant in the translation."""
    termbase = (_ACTIVE[0] if _ACTIVE else active()).termbase
    if not termbase:
        return None
    return terminology_message(term_hits(termbase, source, target, source_lang, target_lang))


def check_spelling(source: str, target: str, source_lang: str,
                   target_lang: str) -> str | None:
    """Words of the translation that the target language's Hunspell dictionary, the
    morphological dictionary and the desk's words do not know, with suggestions."""
    from transdesk.spelling import spelling_message

    style = _ACTIVE[0] if _ACTIVE else active()
    return spelling_message(style.speller(target_lang).misspelled(target))


# --- where terms show: `next`, `units --json`, `export --format json` ------------------


def term_hits_json(source: str, target: str | None, source_lang: str,
                   target_lang: str) -> list[dict[str, object]]:
    """The active termbase's hits in one unit, as JSON objects: `concept`, `source` (as
    written), `term`, `translation` (preferred), `present` (in the translation; null
    without one), `forbidden` (forbidden forms in the translation)."""
    style = active()
    if not style.termbase:
        return []
    return [h.as_dict() for h in style.hits(source, target, source_lang, target_lang)]


def add_term_hits(db: Database, units: list[dict], source_lang: str) -> list[dict]:
    """`units --json` rows (store.list_units) with `terms` on each translation."""
    use(db)
    for unit in units:
        for lang, translation in unit["translations"].items():
            translation["terms"] = term_hits_json(unit["source"], translation["text"],
                                                  source_lang, lang)
    return units


def with_term_hits(db: Database, unit: dict | None) -> dict | None:
    """A `next --json` unit with `terms`: the hits of its source and current text."""
    if unit is None:
        return None
    use(db)
    from transdesk.storage import articles

    source_lang = articles.source_lang(db, unit["article"])
    assert source_lang is not None  # the unit was just read from this article
    current = unit["translations"].get(unit["lang"], {})
    unit["terms"] = term_hits_json(unit["source"], current.get("text"), source_lang,
                                   unit["lang"])
    return unit


def screen_lines(source: str, text: str | None, source_lang: str, lang: str) -> list[str]:
    """The `next` screen's lines: each term of the source with its preferred
    translation, marked when the draft misses it or uses a forbidden form."""
    style = active()
    if not style.termbase:
        return []
    lines = []
    for hit in style.hits(source, text, source_lang, lang):
        if hit.source:
            mark = "  ✗ " + _("not in the draft") if hit.present is False else ""
            lines.append(f"{hit.source} → {hit.translation or '-'}{mark}")
        for form in hit.forbidden:
            if hit.translation:
                line = _("forbidden in the draft: {form} (use {translation})").format(
                    form=form, translation=hit.translation)
            else:
                line = _("forbidden in the draft: {form}").format(form=form)
            lines.append("✗ " + line)
    label = _("terms")
    return [f"   {label if i == 0 else '':>6}  {line}" for i, line in enumerate(lines)]
