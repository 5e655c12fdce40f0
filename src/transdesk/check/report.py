"""The report of `transdesk check`: per article and language, what is missing and what
the quality checks found."""

from __future__ import annotations

from dataclasses import dataclass, field

from transdesk.languages import LANGUAGES

DONE = ("translated", "approved")
LANG_ORDER = {lang: i for i, lang in enumerate(LANGUAGES)}


@dataclass
class Missing:
    """A unit that is not done: `untranslated` or `draft` (empty or fuzzy in PO)."""

    key: str
    status: str
    source: str
    line: int | None = None  # of the PO entry


@dataclass
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


@dataclass
class Report:
    results: list[LangResult]
    min_percent: float = 100.0
    strict: bool = False
    ignored: tuple[str, ...] = ()
    source: str = "database"  # or "po": what the report was built from

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(r.article for r in self.results))

    @property
    def languages(self) -> list[str]:
        return sorted({r.lang for r in self.results}, key=LANG_ORDER.__getitem__)

    @property
    def incomplete(self) -> list[LangResult]:
        return [r for r in self.results if r.below(self.min_percent)]

    @property
    def severity(self) -> str:
        """What an open quality finding is in this run: `error` with --strict."""
        return "error" if self.strict else "warning"

    def failed(self, result: LangResult) -> bool:
        return result.below(self.min_percent) or bool(self.strict and result.open_findings)

    @property
    def exit_code(self) -> int:
        return 1 if any(self.failed(r) for r in self.results) else 0

    def counts(self) -> dict[str, int]:
        incomplete = self.incomplete
        open_findings = sum(len(r.open_findings) for r in self.results)
        return {
            "articles": len(self.articles),
            "languages": len(self.languages),
            "incomplete_articles": len({r.article for r in incomplete}),
            "incomplete": len(incomplete),
            "missing": sum(len(r.missing) for r in incomplete),
            "warnings": 0 if self.strict else open_findings,
            "failures": open_findings if self.strict else 0,
            "accepted": sum(len(r.findings) - len(r.open_findings) for r in self.results),
        }
