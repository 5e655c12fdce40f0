"""Machine drafts for untranslated units: memory first, then the CLDR date line, then a
provider.

Only ``untranslated`` units are drafted, and each batch of drafts re-checks the status
inside its transaction (``store.write_drafts``: a translator may have submitted
meanwhile): ``translated`` and ``approved`` text is never touched.  Work is committed
as it goes (memory drafts in chunks, provider answers per batch) and every provider
answer is kept in ``mt_cache`` keyed by (provider, pair, sentence) in the same
transaction, so a run that fails or is killed resumes where it stopped and never asks
for a sentence twice; identical sentences within a run are asked once.

A run works ARTICLES_PER_CHUNK articles at a time: their units are read, drafted from
memory and CLDR, and the rest sent to the provider, before the next chunk is read, so
its memory does not grow with the archive (with or without a provider).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from transdesk import store
from transdesk.db import now
from transdesk.errors import BadInput, ProviderError
from transdesk.i18n import _, ngettext
from transdesk.providers.base import NOT_ATTEMPTED
from transdesk.storage import drafts as drafts_storage
from transdesk.storage import mt_cache
from transdesk.storage.memory import as_desk
from transdesk.store import Draft
from transdesk.tm import DEFAULT_THRESHOLD, Memory

if TYPE_CHECKING:
    from transdesk.providers import Provider

#: ``progress(done, total)`` after each unit is settled (drafted or given up on).
ProgressCallback = Callable[[int, int], None]

NO_PROVIDER = "none"
#: Memory and CLDR drafts are committed in chunks of this many units.
COMMIT_EVERY = 200
#: Units are read (and drafted from memory) this many articles at a time.
ARTICLES_PER_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    article_id: str
    key: str
    kind: str
    source: str
    source_lang: str


@dataclass(frozen=True, slots=True)
class Miss:
    """A unit left without a draft, and why."""

    article: str
    key: str
    unit_id: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"article": self.article, "key": self.key, "unit_id": self.unit_id,
                "reason": self.reason}


@dataclass
class DraftReport:
    """What a run did.  ``without_draft`` lists the units left without a draft only
    when ``keep_misses`` (the CLI asks for it with --json or --verbose: the list grows
    with the archive); ``missed`` counts them by reason either way."""

    lang: str
    selected: int = 0
    by_origin: Counter[str] = field(default_factory=Counter)
    without_draft: list[Miss] = field(default_factory=list)
    missed: Counter[str] = field(default_factory=Counter)
    keep_misses: bool = True
    skipped: int = 0  # no longer untranslated when its draft was written
    cached: int = 0  # sentences answered from mt_cache (asked by an earlier run, or by
    #                  this one for an earlier chunk of articles)
    sent: int = 0  # distinct sentences sent to a provider

    @property
    def drafted(self) -> int:
        return sum(self.by_origin.values())

    def add_misses(self, misses: Iterable[Miss]) -> None:
        for miss in misses:
            self.missed[miss.reason] += 1
            if self.keep_misses:
                self.without_draft.append(miss)

    def summary(self) -> str:
        """``drafted 42 units: tm 10, cldr 1, mt:apertium 31; 2 without a draft (...)``."""
        if not self.selected:
            return _("nothing to draft: no untranslated units in {lang}").format(lang=self.lang)
        line = ngettext("drafted {count} unit", "drafted {count} units", self.drafted).format(
            count=self.drafted)
        if self.by_origin:
            line += ": " + ", ".join(f"{o} {n}" for o, n in self._origins())
        if self.missed:
            reasons = self.missed
            why = "; ".join(f"{r}: {n}" if len(reasons) > 1 else r for r, n in
                            reasons.most_common())
            missed = reasons.total()
            line += "; " + ngettext("{count} without a draft ({why})",
                                    "{count} without a draft ({why})",
                                    missed).format(count=missed, why=why)
        if self.skipped:
            line += "; " + ngettext("{count} skipped (translated meanwhile)",
                                    "{count} skipped (translated meanwhile)",
                                    self.skipped).format(count=self.skipped)
        return line

    def _origins(self) -> list[tuple[str, int]]:
        order = {"tm": 0, "cldr": 1}
        return sorted(self.by_origin.items(), key=lambda item: (order.get(item[0], 2), item[0]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "selected": self.selected,
            "drafted": self.drafted,
            "by_origin": dict(self._origins()),
            "without_draft": [m.as_dict() for m in self.without_draft],
            "skipped": self.skipped,
            "cached": self.cached,
            "sent": self.sent,
        }


class _Writer:
    """Writes drafts, re-checking in the transaction that each unit is still untranslated."""

    def __init__(self, desk: Any, lang: str, report: DraftReport,
                 progress: ProgressCallback | None) -> None:
        self.desk, self.lang, self.report, self.progress = desk, lang, report, progress
        self.settled = 0

    def commit(self, drafts: Iterable[Draft], misses: Iterable[Miss] = (),
               cache_rows: Iterable[tuple[Any, ...]] = ()) -> None:
        drafts, misses, cache_rows = list(drafts), list(misses), list(cache_rows)
        ts = now()
        written: list[Draft] = []
        if drafts or cache_rows:
            with self.desk.transaction():
                mt_cache.remember(self.desk, cache_rows, ts)
                done = store.write_drafts(self.desk, self.lang, drafts, ts)
                written = [d for d in drafts if d.unit_id in done]
        for item in written:
            self.report.by_origin[item.origin] += 1
        self.report.skipped += len(drafts) - len(written)
        self.report.add_misses(misses)
        self.settled += len(drafts) + len(misses)
        if self.progress is not None and (drafts or misses):
            self.progress(self.settled, self.report.selected)

    def settle(self, misses: list[Miss]) -> None:
        """Units given up on without writing anything."""
        self.report.add_misses(misses)
        self.settled += len(misses)
        if self.progress is not None and misses:
            self.progress(self.settled, self.report.selected)


def _article_chunks(desk: Any, lang: str, articles: list[str] | None
                    ) -> Callable[[], Iterator[list[str]]]:
    """The articles to draft, sorted, ARTICLES_PER_CHUNK at a time (a new iterator per
    call): those named (each must have ``lang`` as a target: BadInput here, before
    anything is written), or every article translated into ``lang``, paged from the
    database (never all their ids at once)."""
    if articles is None:
        return lambda: drafts_storage.iter_article_chunks(desk, lang, ARTICLES_PER_CHUNK)
    targets = drafts_storage.article_targets(desk, articles)
    for article_id, langs in targets.items():
        store.check_target({"id": article_id, "targets": langs}, lang)  # or BadInput
    ids = sorted(targets)
    return lambda: (ids[start : start + ARTICLES_PER_CHUNK]
                    for start in range(0, len(ids), ARTICLES_PER_CHUNK))


def iter_unit_chunks(desk: Any, lang: str, chunks: Iterable[list[str]],
                     limit: int | None = None) -> Iterator[list[Unit]]:
    """The live ``untranslated`` units in ``lang``, in article and position order, a
    list per chunk of articles (so a run's memory does not grow with the archive)."""
    if limit == 0:
        return
    for rows in drafts_storage.iter_untranslated(desk, lang, chunks, limit):
        yield [Unit(*row) for row in rows]


def select_units(
    db: Any, lang: str, articles: list[str] | None = None, limit: int | None = None
) -> list[Unit]:
    """The live ``untranslated`` units in ``lang``, in article and position order."""
    desk = as_desk(db)
    chunks = _article_chunks(desk, lang, articles)
    return [unit for chunk in iter_unit_chunks(desk, lang, chunks(), limit) for unit in chunk]


def resolve_providers(
    source_langs: Iterable[str], lang: str, provider: str | None
) -> dict[str, Provider | None]:
    """Source language -> the provider drafting from it (None for ``--provider none``).

    An explicit provider that does not serve a pair, or one that is not usable, is
    refused here, before anything is written.
    """
    from transdesk.providers import default_provider, get_provider

    chosen: dict[str, Provider | None] = {}
    instances: dict[str, Provider] = {}
    for source_lang in sorted(set(source_langs)):
        name = provider if provider is not None else default_provider(source_lang, lang)
        if name.strip().lower() == NO_PROVIDER:
            chosen[source_lang] = None
            continue
        if name not in instances:
            instances[name] = get_provider(name)
            usable, why = instances[name].is_usable()
            if not usable:
                raise ProviderError(
                    _(
                        "provider {name} is not usable: {why} (or draft from memory only with "
                        "--provider none)"
                    ).format(name=instances[name].name, why=why)
                )
        instances[name].check_pair(source_lang, lang)
        chosen[source_lang] = instances[name]
    return chosen


def draft(
    db: Any,
    lang: str,
    articles: list[str] | None = None,
    *,
    provider: str | None = None,
    use_tm: bool = True,
    limit: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    batch_size: int | None = None,
    retry_failed: bool = False,
    progress: ProgressCallback | None = None,
    keep_misses: bool = True,
) -> DraftReport:
    """Draft the untranslated units of ``articles`` (default: all) in ``lang``.

    ``db``: a desk (either engine), or a SQLite Database.  ``provider``: a provider
    name, ``"none"`` (memory and CLDR only) or None (the default per source language).
    Raises ProviderError when the provider fails, at the end of the run: what it
    answered is committed, it is asked nothing more, and the rest of the archive is
    still drafted from memory and CLDR (as when every provider call came last); a
    re-run resumes.  Units are read, drafted from memory and sent to the provider a
    chunk of articles at a time, so the run's memory does not grow with the archive.
    """
    if not 0 <= threshold <= 100:
        raise BadInput(_("--threshold must be between 0 and 100"))
    if batch_size is not None and batch_size < 1:
        raise BadInput(_("--batch-size must be at least 1"))
    desk = as_desk(db)
    chunks = _article_chunks(desk, lang, articles)
    by_source: Counter[str] = Counter()
    for ids in chunks() if limit != 0 else ():
        by_source.update(drafts_storage.untranslated_by_source(desk, lang, ids))
    selected = by_source.total()
    report = DraftReport(lang=lang, selected=min(selected, limit)
                         if limit is not None else selected, keep_misses=keep_misses)
    if not report.selected:
        return report
    providers = resolve_providers(by_source, lang, provider)
    writer = _Writer(desk, lang, report, progress)
    memories: dict[str, Memory] = {}
    why = "no memory match" if use_tm else "no provider (--provider none)"
    failure: ProviderError | None = None
    for units in iter_unit_chunks(desk, lang, chunks(), limit):
        rest = _draft_locally(desk, units, lang, use_tm, threshold, writer, memories)
        misses: list[Miss] = []
        by_provider: dict[tuple[str, str], list[Unit]] = {}
        for unit in rest:
            chosen = providers[unit.source_lang]
            if chosen is None:
                misses.append(Miss(unit.article_id, unit.key, unit.id, why))
            else:
                by_provider.setdefault((chosen.name, unit.source_lang), []).append(unit)
        writer.settle(misses)
        # this chunk's sentences go to the provider now, not at the end of the run (a
        # run holds one chunk's units, however big the archive); after a failure the
        # provider is asked nothing more, and the memory and CLDR drafts go on
        for (_provider, source_lang), group in by_provider.items():
            chosen = providers[source_lang]
            if failure is None and chosen is not None:
                failure = _draft_with_provider(desk, chosen, group, source_lang, lang, writer,
                                               batch_size or chosen.batch_size, retry_failed)
    if failure is not None:
        drafted = report.drafted
        raise ProviderError(
            ngettext(
                "{failure}; drafted {drafted} unit so far, re-run to resume",
                "{failure}; drafted {drafted} units so far, re-run to resume",
                drafted,
            ).format(failure=_one_line(str(failure)), drafted=drafted)
        ) from None
    return report


def _draft_locally(
    desk: Any, units: list[Unit], lang: str, use_tm: bool, threshold: float,
    writer: _Writer, memories: dict[str, Memory],
) -> list[Unit]:
    """Memory (exact, then fuzzy) and CLDR drafts; returns the units still without one.

    A date line is tried with CLDR before fuzzy memory: a 90 % match of another date
    is a wrong date, CLDR's answer is exact.  ``memories`` (one per source language)
    are kept across the chunks of a run.
    """
    from transdesk.dates import translate_date_line

    exact: dict[int, Draft] = {}
    if use_tm:
        # Exact matches first; then the sentences still without one are ranked at once.
        fuzzy_wanted: dict[str, list[str]] = {}
        by_lang: dict[str, list[str]] = {}
        for unit in units:
            by_lang.setdefault(unit.source_lang, []).append(unit.source)
        for source_lang, texts in by_lang.items():
            if source_lang not in memories:
                shared = next(iter(memories.values())).index_budget if memories else None
                memories[source_lang] = Memory(desk, source_lang, lang, threshold, shared)
            memories[source_lang].prefetch_exact(texts)
        for unit in units:
            memory = memories[unit.source_lang]
            match = memory.exact(unit.source, exclude_unit=unit.id)
            if match is not None:
                exact[unit.id] = Draft(unit.id, match.text, "tm", match.score,
                                          f"tm-source: {match.source}")
            elif unit.kind != "date":
                fuzzy_wanted.setdefault(unit.source_lang, []).append(unit.source)
        for source_lang, texts in fuzzy_wanted.items():
            memories[source_lang].prefetch(texts)
    rest: list[Unit] = []
    pending: list[Draft] = []
    for unit in units:
        found = exact.get(unit.id)
        remembered = memories.get(unit.source_lang) if use_tm else None
        if found is None and unit.kind == "date":
            text = translate_date_line(unit.source, unit.source_lang, lang)
            if text:
                found = Draft(unit.id, text, "cldr")
        if found is None and remembered is not None:
            fuzzy = remembered.fuzzy(unit.source, exclude_unit=unit.id)
            if fuzzy:
                match = fuzzy[0]
                found = Draft(unit.id, match.text, "tm", match.score,
                                 f"tm-source: {match.source}")
        if found is None:
            rest.append(unit)
        else:
            pending.append(found)
            if len(pending) >= COMMIT_EVERY:
                writer.commit(pending)
                pending = []
    writer.commit(pending)
    return rest


def _draft_with_provider(
    desk: Any, provider: Provider, units: list[Unit], source: str, target: str,
    writer: _Writer, batch_size: int, retry_failed: bool,
) -> ProviderError | None:
    """Cached answers first, then the distinct new sentences in batches, each batch
    committed (cache rows and drafts) in one transaction as it comes back. Returns the
    failure that stopped the provider (after committing what it answered), if any."""
    origin = f"mt:{provider.name}"
    by_text: dict[str, list[Unit]] = {}
    for unit in units:
        by_text.setdefault(unit.source, []).append(unit)

    def settle(text: str, answer: str | None, reason: str | None,
               drafts: list[Draft], misses: list[Miss]) -> None:
        for unit in by_text[text]:
            if answer:
                drafts.append(Draft(unit.id, answer, origin))
            else:
                misses.append(Miss(unit.article_id, unit.key, unit.id,
                                   reason or f"{provider.name}: no translation"))

    todo: list[str] = []
    drafts: list[Draft] = []
    misses: list[Miss] = []
    for text, (answer, reason) in _cached(desk, provider.cache_key, source, target,
                                          by_text).items():
        if answer is None and (retry_failed or reason is None):
            todo.append(text)
            continue
        writer.report.cached += 1
        settle(text, answer, reason, drafts, misses)
    writer.commit(drafts, misses)

    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        outcomes, failure = _translate(provider, batch, source, target)
        drafts, misses, rows = [], [], []
        for text, outcome in zip(batch, outcomes, strict=True):
            if outcome is None:
                continue  # never tried: the re-run asks for it
            answer, reason = outcome
            answer = answer.strip() if answer else None
            reason = reason or f"{provider.name}: empty answer"
            rows.append((provider.cache_key, source, target, text, answer,
                         None if answer else reason))
            writer.report.sent += 1
            settle(text, answer, reason, drafts, misses)
        writer.commit(drafts, misses, rows)
        if failure is not None:
            return failure
    return None


Outcome = tuple[str | None, str | None] | None  # (answer, reason); None: never attempted


def _translate(
    provider: Provider, batch: list[str], source: str, target: str
) -> tuple[list[Outcome], ProviderError | None]:
    """One outcome per sentence of ``batch``, and the failure that stopped the provider.

    On a failure the provider returns what it finished (requests already in flight
    included), so nothing answered is lost and asked again on the re-run.
    """
    from transdesk.providers import BatchFailed

    try:
        return _attempted(provider.translate_batch(batch, source, target).pairs()), None
    except BatchFailed as exc:
        partial = exc.partial.pairs() if len(exc.partial) == len(batch) else []
        return (_attempted(partial) if partial else [None] * len(batch)), exc


def _attempted(pairs: list[tuple[str | None, str | None]]) -> list[Outcome]:
    return [None if answer is None and reason == NOT_ATTEMPTED else (answer, reason)
            for answer, reason in pairs]


def _cached(
    desk: Any, provider: str, source: str, target: str, texts: Iterable[str]
) -> dict[str, tuple[str | None, str | None]]:
    """text -> (answer, reason) from mt_cache; (None, None) for texts never asked."""
    texts = list(texts)
    found: dict[str, tuple[str | None, str | None]] = dict.fromkeys(texts, (None, None))
    found.update(mt_cache.cached(desk, provider, source, target, texts))
    return found


def _one_line(message: str) -> str:
    return " ".join(message.split())
