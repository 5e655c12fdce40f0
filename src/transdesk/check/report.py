"""The report of `transdesk check`: per article and language, what is missing and what
the quality checks found."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from transdesk.languages import LANGUAGES

DONE = ("translated", "approved")
LANG_ORDER = {lang: i for i, lang in enumerate(LANGUAGES)}


@dataclass(slots=True)
class Missing:
    """A unit that is not done: `untranslated` or `draft` (empty or fuzzy in PO)."""

    key: str
    status: str
    source: str
    line: int | None = None  # of the PO entry


@dataclass(slots=True)
class Problem:
    """One quality-check finding on a done unit."""

    key: str
    check: str
    message: str
    source: str
    translation: str
    accepted: bool = False
    note: str | None = None
    line: int | None = None


@dataclass
class LangResult:
    """One article in one target language."""

    article: str
    lang: str
    units: int = 0
    done: int = 0
    file: str | None = None  # the PO catalog, when checking catalogs
    missing: list[Missing] = field(default_factory=list)
    findings: list[Problem] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return round(100.0 * self.done / self.units, 1) if self.units else 100.0

    def below(self, min_percent: float) -> bool:
        """Exact comparison: 99.96% is below 100 even though it rounds to 100.0."""
        return self.done * 100.0 < min_percent * self.units

    @property
    def open_findings(self) -> list[Problem]:
        return [p for p in self.findings if not p.accepted]


class Tally:
    """The counts of a report, gathered while its results go by (in article order)."""

    def __init__(self) -> None:
        self.articles = self.incomplete_articles = self.incomplete = self.missing = 0
        self.open_findings = self.accepted = 0
        self.langs: set[str] = set()
        self.failed = False
        self._last_article: str | None = None
        self._last_incomplete: str | None = None

    def add(self, report: Report, r: LangResult) -> None:
        if r.article != self._last_article:
            self.articles += 1
            self._last_article = r.article
        self.langs.add(r.lang)
        below = r.below(report.min_percent)
        if below:
            self.incomplete += 1
            self.missing += len(r.missing)
            if r.article != self._last_incomplete:
                self.incomplete_articles += 1
                self._last_incomplete = r.article
        open_findings = len(r.open_findings) if r.findings else 0
        self.open_findings += open_findings
        self.accepted += len(r.findings) - open_findings
        # report.failed(r), with what is known here
        self.failed = self.failed or below or bool(report.strict and open_findings)


@dataclass
class Report:
    """The results, in article order: a list, or an iterator read once while the report
    is rendered (a check of a whole archive never holds all of it)."""

    results: Iterable[LangResult]
    min_percent: float = 100.0
    strict: bool = False
    ignored: tuple[str, ...] = ()
    source: str = "database"  # or "po": what the report was built from
    _tally: Tally | None = field(default=None, init=False, repr=False)
    _first: list[LangResult] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.results, list):
            self.results = iter(self.results)

    @property
    def empty(self) -> bool:
        """No result at all (looks at the first one only)."""
        if isinstance(self.results, list):
            return not self.results
        if not self._first:
            self._first = list(itertools.islice(self.results, 1))
        return not self._first

    def each(self) -> Iterator[LangResult]:
        """Every result once, counting them (`counts`, `exit_code` after the last)."""
        tally = Tally()
        if isinstance(self.results, list):
            source: Iterable[LangResult] = self.results
        else:
            source = itertools.chain(self._first, self.results)
            self._first = []
        for r in source:
            tally.add(self, r)
            yield r
        self._tally = tally

    def _counted(self) -> Tally:
        if isinstance(self.results, list) or self._tally is None:
            for _r in self.each():
                pass
        assert self._tally is not None
        return self._tally

    @property
    def languages(self) -> list[str]:
        return sorted(self._counted().langs, key=LANG_ORDER.__getitem__)

    @property
    def severity(self) -> str:
        """What an open quality finding is in this run: `error` with --strict."""
        return "error" if self.strict else "warning"

    def failed(self, result: LangResult) -> bool:
        return result.below(self.min_percent) or bool(self.strict and result.open_findings)

    @property
    def exit_code(self) -> int:
        return 1 if self._counted().failed else 0

    def counts(self) -> dict[str, int]:
        t = self._counted()
        return {
            "articles": t.articles,
            "languages": len(t.langs),
            "incomplete_articles": t.incomplete_articles,
            "incomplete": t.incomplete,
            "missing": t.missing,
            "warnings": 0 if self.strict else t.open_findings,
            "failures": t.open_findings if self.strict else 0,
            "accepted": t.accepted,
        }
