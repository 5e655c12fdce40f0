"""`check_catalogs` (`check --po DIR`): the report from gettext catalogs, no database."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from transdesk import desk_style
from transdesk.catalog import Catalog
from transdesk.check.options import active_checks, parse_ignore
from transdesk.check.parallel import (
    PARALLEL_MIN,
    Findings,
    in_two_processes_streamed,
    worker_count,
)
from transdesk.check.report import LANG_ORDER, LangResult, Missing, Problem, Report
from transdesk.checks import pair_checker
from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.languages import detect_lang, normalize_lang
from transdesk.packed import PackedStrings, sorted_in_runs
from transdesk.pofile import read_po

MEMO_PAIRS = 10_000  # distinct sentence pairs whose findings are kept for reuse (~8 MB)


def find_catalogs(directory: str | os.PathLike[str]) -> PackedStrings:
    """`<article>/<lang directory>` of every `DIR/<lang>/LC_MESSAGES/<article>.po`, in
    (article, language directory) order, packed (see `_path`).

    The names never sit in one list: each language directory is read in sorted runs
    of names, each packed, and the runs are merged (`packed.sorted_in_runs`). A list
    of 200,000 names (a 100,000-article archive) with its sort keys took 50 MB at once, which the
    process kept once they were gone (the memory of many small objects is seldom
    handed back): the peak of the check was 20 MB higher than at 10,000 articles."""
    import heapq

    root = Path(directory)
    if not root.is_dir():
        raise BadInput(_(
                "no such directory: {directory!r} (--po DIR)"
            ).format(directory=str(directory)))
    runs: list[Iterator[tuple[str, str]]] = []
    with os.scandir(root) as langs:
        for lang_dir in langs:
            messages = Path(lang_dir.path, "LC_MESSAGES")
            if not lang_dir.is_dir() or not messages.is_dir():
                continue
            with os.scandir(messages) as files:
                articles = sorted_in_runs(entry.name[:-3] for entry in files
                                          if entry.name.endswith(".po") and entry.is_file())
            runs.append(_with_lang(articles, lang_dir.name))
    return PackedStrings(f"{article}/{lang}" for article, lang in heapq.merge(*runs))


def _with_lang(articles: Iterator[str], lang_dir: str) -> Iterator[tuple[str, str]]:
    return ((article, lang_dir) for article in articles)


def _path(root: Path, found: str) -> tuple[str, str, Path]:
    """(article, language directory, path) of a `find_catalogs` entry."""
    article, _slash, lang_dir = found.rpartition("/")
    return article, lang_dir, root / lang_dir / "LC_MESSAGES" / f"{article}.po"


def check_catalogs(
    directory: str | os.PathLike[str],
    articles: list[str] | None = None,
    langs: list[str] | None = None,
    min_percent: float = 100.0,
    strict: bool = False,
    ignore: Iterable[str] = (),
    workers: int | None = None,
    words: dict[str, list[str]] | None = None,
) -> Report:
    """Check PO catalogs as `po export` writes them, with no database (`words`: a desk
    word list for the spelling check, see desk_style.read_word_list).

    Empty and fuzzy entries are missing units; the others get the quality checks. The
    language comes from the path and the `Language` header (BadInput if they disagree),
    the article from `X-Transdesk-Article` or the file name, the source language from
    `X-Transdesk-Source-Language` or else from the text of the msgids. An entry flagged
    `#, accept-<check>` has that check's finding accepted. `workers` (1 or 2; default:
    by size) is how many processes share the catalogs.
    """
    ignored = parse_ignore(ignore)
    desk_style.use_shipped(words)  # no database: word lists, no termbase
    catalogs = find_catalogs(directory)
    if not catalogs:
        raise BadInput(_(
                "no catalogs in {directory!r}: expected <lang>/LC_MESSAGES/*.po"
            ).format(directory=str(directory)))
    absent = set(articles or ())  # (no set of every article: an archive has many)
    if absent:
        for found in catalogs:
            absent.discard(found.rpartition("/")[0])
    for article in articles or ():
        if article in absent:
            raise BadInput(_(
                    "no catalog for article {article!r} in {directory!r}"
                ).format(article=article, directory=str(directory)))
    wanted_langs = [normalize_lang(lang) for lang in langs] if langs else None
    wanted = set(articles) if articles else None
    checks = pair_checker(active_checks(ignored))
    if wanted is not None:
        catalogs = PackedStrings(c for c in catalogs if c.rpartition("/")[0] in wanted)
    root = Path(directory)

    def work(start: int, stop: int) -> Iterator[LangResult]:
        memo: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}
        for found in catalogs.between(start, stop):
            article, dir_lang, path = _path(root, found)
            catalog = read_po(path)
            lang = _catalog_lang(catalog, dir_lang)
            if wanted_langs is not None and lang not in wanted_langs:
                continue
            article = catalog.header.get("X-Transdesk-Article", "").strip() or article
            if len(memo) >= MEMO_PAIRS:
                memo.clear()
            yield _check_catalog(catalog, article, lang, checks, memo)

    # Reading and checking are pure Python: big directories are shared by two processes
    # (each about 200 catalogs per 1000 pairs of a process's second).
    if workers is None:
        workers = worker_count(len(catalogs), PARALLEL_MIN // 20)
    if workers > 1 and "spelling" not in ignored:
        desk_style.prepare()  # dictionaries loaded once, before the fork: shared
    results = in_two_processes_streamed(work, len(catalogs), workers)
    return Report(_in_order(results), min_percent, strict, ignored, "po")


def _in_order(results: Iterable[LangResult]) -> Iterator[LangResult]:
    """The results of each file name's article in language order, as they come (the
    catalogs are read in file name order)."""
    group: list[LangResult] = []
    for result in results:
        if group and result.article != group[-1].article:
            group.sort(key=lambda r: (r.article, LANG_ORDER[r.lang]))
            yield from group
            group = []
        group.append(result)
    group.sort(key=lambda r: (r.article, LANG_ORDER[r.lang]))
    yield from group


def _catalog_lang(catalog: Catalog, dir_name: str) -> str:
    header = catalog.header.get("Language", "").strip()
    from_header = _lang_or_none(re.split(r"[_@.-]", header)[0]) if header else None
    from_path = _lang_or_none(dir_name)
    if from_header and from_path and from_header != from_path:
        raise BadInput(_(
                "{path}: header says Language {header!r} but it lies under {dir_name}/"
            ).format(path=catalog.path, header=header, dir_name=dir_name))
    lang = from_header or from_path
    if lang is None:
        raise BadInput(_(
                "{path}: unknown language (set the Language header to ru, uk or en)"
            ).format(path=catalog.path))
    return lang


def _lang_or_none(code: str) -> str | None:
    try:
        return normalize_lang(code)
    except BadInput:
        return None


# A program's message (`#, python-brace-format` / `python-format`): its placeholders are
# names in code, neither words to translate nor Latin letters inside a Cyrillic text.
_PLACEHOLDERS = {
    "python-brace-format": re.compile(r"\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}"),
    "python-format": re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]"),
}
PLACEHOLDER_MASK = "§"


def _placeholder_mask(flags: tuple[str, ...]) -> Callable[[str], str]:
    """The text with the placeholders its format flags declare replaced by `§`."""
    patterns = [_PLACEHOLDERS[flag] for flag in flags if flag in _PLACEHOLDERS]
    if not patterns:
        return _unchanged

    def mask(text: str) -> str:
        for pattern in patterns:
            text = pattern.sub(PLACEHOLDER_MASK, text)
        return text

    return mask


def _unchanged(text: str) -> str:
    return text


def _check_catalog(
    catalog: Catalog,
    article: str,
    lang: str,
    checks: Callable[[str, str, str, str], Findings],
    memo: dict[tuple[str, str, str, str], list[tuple[str, str]]],
) -> LangResult:
    """Completeness and findings of one catalog; `memo` holds the findings of sentence
    pairs seen before (news repeats itself: about half the sentences of a big archive)."""
    result = LangResult(article, lang, file=str(catalog.path))
    source_lang = _lang_or_none(catalog.header.get("X-Transdesk-Source-Language", "")
                                or catalog.header.get("X-Source-Language", ""))
    if source_lang is None:
        try:
            source_lang = detect_lang(" ".join(e.source for e in catalog.entries[:50]))
        except BadInput:
            source_lang = "en"  # nothing to read: no letters, so no language conventions
    for entry in catalog.entries:
        result.units += 1
        if entry.status != "translated":  # empty, or fuzzy
            result.missing.append(Missing(entry.key, entry.status, entry.source, entry.line))
            continue
        assert entry.text is not None
        result.done += 1
        # a plural entry: every form is checked, the first against msgid, the others
        # against msgid_plural
        mask = _placeholder_mask(entry.flags)
        for source, text in ((entry.source, entry.text), *entry.plural_forms):
            memo_key = (mask(source), mask(text), source_lang, lang)
            findings = memo.get(memo_key)
            if findings is None:
                findings = memo[memo_key] = checks(*memo_key)
            for name, message in findings:
                accepted = name in entry.accepted
                result.findings.append(Problem(entry.key, name, message, source, text,
                                               accepted, None, entry.line))
    return result
