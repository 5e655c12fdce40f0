"""`terms` (the termbase) and `words` (the desk word list for the spelling check)."""

from __future__ import annotations

from pathlib import Path

import click

from transdesk.commands.common import as_option, emit_json, get_db, json_option, lang_option
from transdesk.errors import BadInput
from transdesk.i18n import _

EXCHANGE = (".tbx", ".csv", ".tsv", ".txt")


@click.group("terms")
def terms_group() -> None:
    """The termbase: preferred, admitted and forbidden terms per concept, matched in
    any inflected form by `check` (terminology) and shown by `next`."""


def _split_form(value: str, option: str) -> tuple[str, str]:
    from transdesk.languages import normalize_lang

    lang, sep, text = value.partition(":")
    if not sep or not text.strip():
        raise BadInput(_("{option} wants LANG:TEXT (e.g. en:Kiev), not {value!r}").format(
            option=option, value=value))
    return normalize_lang(lang), text.strip()


@terms_group.command("add")
@click.option("--ru", help="The preferred Russian term.")
@click.option("--uk", "--ua", "uk", help="The preferred Ukrainian term.")
@click.option("--en", help="The preferred English term.")
@click.option("--admit", multiple=True, metavar="LANG:TEXT",
              help="An admitted alternative (repeatable).")
@click.option("--forbid", multiple=True, metavar="LANG:TEXT",
              help="A forbidden variant (repeatable), e.g. en:Kiev.")
@click.option("--note", default="", help="A note for translators.")
@click.option("--case-sensitive", is_flag=True,
              help="Match only with the capitals as written (Рада, not рада).")
@as_option
@json_option
def terms_add(ru: str | None, uk: str | None, en: str | None, admit: tuple[str, ...],
              forbid: tuple[str, ...], note: str, case_sensitive: bool, translator: str,
              as_json: bool) -> None:
    """Add a concept.

    \b
    Examples:
      transdesk terms add --uk Київ --ru Киев --en Kyiv --forbid en:Kiev
      transdesk terms add --uk "Верховна Рада" --ru "Верховная Рада" --en "Verkhovna Rada"
      transdesk terms add --en Ukraine --forbid "en:the Ukraine" --case-sensitive
    """
    from transdesk.terms.model import Concept
    from transdesk.terms.store import add_concept

    concept = Concept(note=note.strip(), case_sensitive=case_sensitive)
    for lang, text in (("ru", ru), ("uk", uk), ("en", en)):
        if text:
            concept.add(lang, text)
    for value in admit:
        concept.add(*_split_form(value, "--admit"), "admitted")
    for value in forbid:
        concept.add(*_split_form(value, "--forbid"), "forbidden")
    add_concept(get_db(create=True), concept, translator)
    if as_json:
        emit_json(concept.as_dict())
    else:
        click.echo(f"added concept {concept.id}: {describe(concept)}")


def describe(concept) -> str:
    parts = []
    for lang in concept.langs:
        forms = [concept.preferred(lang) or "-", *concept.of(lang, "admitted")]
        text = f"{lang} {' | '.join(forms)}"
        if concept.of(lang, "forbidden"):
            text += " (not: " + ", ".join(concept.of(lang, "forbidden")) + ")"
        parts.append(text)
    line = " · ".join(parts)
    if concept.case_sensitive:
        line += " [case-sensitive]"
    if concept.note:
        line += f" — {concept.note}"
    return line


@terms_group.command("list")
@json_option
def terms_list(as_json: bool) -> None:
    """List the concepts (JSON: one object per concept)."""
    from transdesk.terms.store import load_concepts

    concepts = load_concepts(get_db())
    if as_json:
        emit_json([c.as_dict() for c in concepts])
    elif not concepts:
        click.echo("the termbase is empty (see 'transdesk terms add --help')")
    for concept in concepts if not as_json else []:
        click.echo(f"{concept.id:>4}  {describe(concept)}")


@terms_group.command("remove")
@click.argument("concept")
@as_option
def terms_remove(concept: str, translator: str) -> None:
    """Remove a CONCEPT, given by its id or one of its terms."""
    from transdesk.terms.store import remove_concept

    removed = remove_concept(get_db(), concept, translator)
    click.echo(f"removed concept {removed.id}: {describe(removed)}")


def _format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in EXCHANGE:
        raise BadInput(_("{path!r}: use a .tbx file, or a glossary .csv, .tsv or .txt").format(
            path=path))
    return "tbx" if suffix == ".tbx" else "csv"


def _pair(langs: str | None, path: str) -> tuple[str, str]:
    from transdesk.languages import parse_lang_list

    pair = parse_lang_list(langs)
    if len(pair) != 2:
        raise BadInput(_(
            "a glossary file ({name}) holds one language pair: give --langs SOURCE,TARGET"
            " (e.g. uk,en)").format(name=Path(path).name))
    return pair[0], pair[1]


@terms_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--langs", metavar="SOURCE,TARGET",
              help="The languages of a CSV glossary's two columns (e.g. uk,en).")
@as_option
@json_option
def terms_import(file: str, langs: str | None, translator: str, as_json: bool) -> None:
    """Import concepts from TBX or a glossary CSV (by the extension). Concepts already
    in the termbase (a preferred term in common) are reported and not added.

    \b
    Examples:
      transdesk terms import glossary.tbx
      transdesk terms import weblate-glossary.csv --langs uk,en
    """
    from transdesk.files import read_input
    from transdesk.terms import csvio, tbx
    from transdesk.terms.store import import_concepts

    fmt = _format(file)
    data = read_input(file, "a TBX or glossary file")
    if fmt == "tbx":
        concepts = tbx.read_tbx(data, Path(file).name)
    else:
        concepts = csvio.read_csv(data, Path(file).name, *_pair(langs, file))
    result = import_concepts(get_db(create=True), concepts, translator, Path(file).name)
    if as_json:
        emit_json(result.as_dict())
        return
    for new, old in result.duplicates:
        click.echo(f"duplicate: {new.label()} is concept {old.id} already; not added")
    click.echo(f"imported {len(result.added)} concepts from {Path(file).name}"
               f" ({len(result.duplicates)} duplicates skipped)")


@terms_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--langs", metavar="SOURCE,TARGET",
              help="The language pair of a CSV glossary (e.g. uk,en).")
def terms_export(file: str, langs: str | None) -> None:
    """Write the termbase as TBX-Basic or a glossary CSV (by the extension)."""
    from transdesk.terms import csvio, tbx
    from transdesk.terms.store import load_concepts

    fmt = _format(file)
    concepts = load_concepts(get_db())
    if fmt == "tbx":
        data = tbx.write_tbx(concepts)
    else:
        data = csvio.write_csv(concepts, file, *_pair(langs, file))
    try:
        Path(file).write_bytes(data)
    except OSError as exc:
        raise BadInput(_("cannot write {file!r}: {error}").format(
            file=file, error=exc.strerror)) from None
    click.echo(f"exported {len(concepts)} concepts to {file}")


@click.group("words")
def words_group() -> None:
    """The desk word list: words the spelling check accepts (in any inflected form)."""


@words_group.command("add")
@click.argument("words", nargs=-1, required=True)
@lang_option(required=True, help="The language of the words: ru, uk (or ua), en.")
@as_option
def words_add(words: tuple[str, ...], lang: str, translator: str) -> None:
    """Add WORDS to the desk word list (all or none: one transaction).

    \b
    Example:
      transdesk words add Укренерго Нафтогаз --lang uk
    """
    from transdesk.terms.store import add_words

    for word, added in zip(words, add_words(get_db(create=True), list(words), lang, translator),
                           strict=True):
        click.echo(f"{'added' if added else 'already listed'}: {word} [{lang}]")


@words_group.command("remove")
@click.argument("word")
@lang_option(required=True, help="The language of the word.")
@as_option
def words_remove(word: str, lang: str, translator: str) -> None:
    """Remove WORD from the desk word list."""
    from transdesk.terms.store import remove_word

    remove_word(get_db(), word, lang, translator)
    click.echo(f"removed: {word} [{lang}]")


@words_group.command("list")
@lang_option(required=False, help="Only this language.")
@json_option
def words_list(lang: str | None, as_json: bool) -> None:
    """List the desk word list (the list shipped with transdesk is not shown)."""
    from transdesk.terms.store import list_words

    rows = list_words(get_db(), lang)
    if as_json:
        emit_json(rows)
    elif not rows:
        click.echo("the desk word list is empty")
    for row in rows if not as_json else []:
        click.echo(f"{row['lang']}  {row['word']}")


COMMANDS = [terms_group, words_group]
