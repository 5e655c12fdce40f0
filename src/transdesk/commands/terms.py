"""`terms` (the termbase) and `words` (the desk word list for the spelling check)."""

from __future__ import annotations

from pathlib import Path

import click

from transdesk.commands.common import as_option, emit_json, get_desk, json_option, lang_option
from transdesk.errors import BadInput
from transdesk.i18n import _, ngettext

EXCHANGE = (".tbx", ".csv", ".tsv", ".txt")


def acting_name(desk: object, translator: str) -> str:
    """Who a change is recorded for (the --as name; on PostgreSQL the login without one)."""
    from transdesk.commands.reporting import acting_name as name

    return name(desk, translator)


@click.group("terms", help=_(
    "The termbase: preferred, admitted and forbidden terms per concept, matched in\n"
    "any inflected form by `check` (terminology) and shown by `next`."
))
def terms_group() -> None:
    pass


def _split_form(value: str, option: str) -> tuple[str, str]:
    from transdesk.languages import normalize_lang

    lang, sep, text = value.partition(":")
    if not sep or not text.strip():
        raise BadInput(_("{option} wants LANG:TEXT (e.g. en:Kiev), not {value!r}").format(
            option=option, value=value))
    return normalize_lang(lang), text.strip()


@terms_group.command("add", help=_(
    "Add a concept.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk terms add --uk Київ --ru Киев --en Kyiv --forbid en:Kiev\n"
    '  transdesk terms add --uk "Верховна Рада" --ru "Верховная Рада" --en "Verkhovna Rada"\n'
    '  transdesk terms add --en Ukraine --forbid "en:the Ukraine" --case-sensitive'
))
@click.option("--ru", help=_("The preferred Russian term."))
@click.option("--uk", "--ua", "uk", help=_("The preferred Ukrainian term."))
@click.option("--en", help=_("The preferred English term."))
@click.option("--admit", multiple=True, metavar="LANG:TEXT",
              help=_("An admitted alternative (repeatable)."))
@click.option("--forbid", multiple=True, metavar="LANG:TEXT",
              help=_("A forbidden variant (repeatable), e.g. en:Kiev."))
@click.option("--note", default="", help=_("A note for translators."))
@click.option("--case-sensitive", is_flag=True,
              help=_("Match only with the capitals as written (Рада, not рада)."))
@as_option
@json_option
def terms_add(ru: str | None, uk: str | None, en: str | None, admit: tuple[str, ...],
              forbid: tuple[str, ...], note: str, case_sensitive: bool, translator: str,
              as_json: bool) -> None:
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
    desk = get_desk(create=True)
    add_concept(desk, concept, acting_name(desk, translator))
    if as_json:
        emit_json(concept.as_dict())
    else:
        click.echo(_("added concept {id}: {concept}").format(id=concept.id,
                                                             concept=describe(concept)))


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


@terms_group.command("list", help=_(
    "List the concepts (JSON: one object per concept)."
))
@json_option
def terms_list(as_json: bool) -> None:
    from transdesk.terms.store import load_concepts

    concepts = load_concepts(get_desk())
    if as_json:
        emit_json([c.as_dict() for c in concepts])
    elif not concepts:
        click.echo(_("the termbase is empty (see 'transdesk terms add --help')"))
    for concept in concepts if not as_json else []:
        click.echo(f"{concept.id:>4}  {describe(concept)}")


@terms_group.command("remove", help=_(
    "Remove a CONCEPT, given by its id or one of its terms."
))
@click.argument("concept")
@as_option
def terms_remove(concept: str, translator: str) -> None:
    from transdesk.terms.store import remove_concept

    desk = get_desk()
    removed = remove_concept(desk, concept, acting_name(desk, translator))
    click.echo(_("removed concept {id}: {concept}").format(id=removed.id,
                                                           concept=describe(removed)))


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


@terms_group.command("import", help=_(
    "Import concepts from TBX or a glossary CSV (by the extension). Concepts already\n"
    "in the termbase (a preferred term in common) are reported and not added.\n"
    "\n"
    "\b\n"
    "Examples:\n"
    "  transdesk terms import glossary.tbx\n"
    "  transdesk terms import weblate-glossary.csv --langs uk,en"
))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--langs", metavar="SOURCE,TARGET",
              help=_("The languages of a CSV glossary's two columns (e.g. uk,en)."))
@as_option
@json_option
def terms_import(file: str, langs: str | None, translator: str, as_json: bool) -> None:
    from transdesk.files import read_input
    from transdesk.terms import csvio, tbx
    from transdesk.terms.store import import_concepts

    fmt = _format(file)
    data = read_input(file, "a TBX or glossary file")
    if fmt == "tbx":
        concepts = tbx.read_tbx(data, Path(file).name)
    else:
        concepts = csvio.read_csv(data, Path(file).name, *_pair(langs, file))
    desk = get_desk(create=True)
    result = import_concepts(desk, concepts, acting_name(desk, translator), Path(file).name)
    if as_json:
        emit_json(result.as_dict())
        return
    for new, old in result.duplicates:
        click.echo(_("duplicate: {concept} is concept {id} already; not added").format(
            concept=new.label(), id=old.id))
    imported = ngettext("imported {count} concept from {file}",
                        "imported {count} concepts from {file}", len(result.added)).format(
        count=len(result.added), file=Path(file).name)
    skipped = ngettext("{count} duplicate skipped", "{count} duplicates skipped",
                       len(result.duplicates)).format(count=len(result.duplicates))
    click.echo(f"{imported} ({skipped})")


@terms_group.command("export", help=_(
    "Write the termbase as TBX-Basic or a glossary CSV (by the extension)."
))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--langs", metavar="SOURCE,TARGET",
              help=_("The language pair of a CSV glossary (e.g. uk,en)."))
def terms_export(file: str, langs: str | None) -> None:
    from transdesk.terms import csvio, tbx
    from transdesk.terms.store import load_concepts

    fmt = _format(file)
    concepts = load_concepts(get_desk())
    if fmt == "tbx":
        data = tbx.write_tbx(concepts)
    else:
        data = csvio.write_csv(concepts, file, *_pair(langs, file))
    try:
        Path(file).write_bytes(data)
    except OSError as exc:
        raise BadInput(_("cannot write {file!r}: {error}").format(
            file=file, error=exc.strerror)) from None
    click.echo(ngettext("exported {count} concept to {file}", "exported {count} concepts to {file}",
                        len(concepts)).format(count=len(concepts), file=file))


@click.group("words", help=_(
    "The desk word list: words the spelling check accepts (in any inflected form)."
))
def words_group() -> None:
    pass


@words_group.command("add", help=_(
    "Add WORDS to the desk word list (all or none: one transaction).\n"
    "\n"
    "\b\n"
    "Example:\n"
    "  transdesk words add Укренерго Нафтогаз --lang uk"
))
@click.argument("words", nargs=-1, required=True)
@lang_option(required=True, help=_("The language of the words: ru, uk (or ua), en."))
@as_option
def words_add(words: tuple[str, ...], lang: str, translator: str) -> None:
    from transdesk.terms.store import add_words

    desk = get_desk(create=True)
    for word, added in zip(words, add_words(desk, list(words), lang, acting_name(desk, translator)),
                           strict=True):
        click.echo((_("added: {word} [{lang}]") if added
                    else _("already listed: {word} [{lang}]")).format(word=word, lang=lang))


@words_group.command("remove", help=_(
    "Remove WORD from the desk word list."
))
@click.argument("word")
@lang_option(required=True, help=_("The language of the word."))
@as_option
def words_remove(word: str, lang: str, translator: str) -> None:
    from transdesk.terms.store import remove_word

    desk = get_desk()
    remove_word(desk, word, lang, acting_name(desk, translator))
    click.echo(_("removed: {word} [{lang}]").format(word=word, lang=lang))


@words_group.command("list", help=_(
    "List the desk word list (the list shipped with transdesk is not shown)."
))
@lang_option(required=False, help=_("Only this language."))
@json_option
def words_list(lang: str | None, as_json: bool) -> None:
    from transdesk.terms.store import list_words

    rows = list_words(get_desk(), lang)
    if as_json:
        emit_json(rows)
    elif not rows:
        click.echo(_("the desk word list is empty"))
    for row in rows if not as_json else []:
        click.echo(f"{row['lang']}  {row['word']}")


COMMANDS = [terms_group, words_group]
