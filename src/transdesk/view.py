"""An article seen in one target language: its layout and its units, each with the
translation in that language. Every format writer reads this model (formats/)."""

from __future__ import annotations

from dataclasses import dataclass

from transdesk.store import DONE, STATUSES


@dataclass
class AlignedUnit:
    """One live unit of an article with its translation in one language."""

    key: str
    kind: str
    source: str
    target: str | None
    status: str
    origin: str | None
    translator: str | None
    updated_at: str | None

    @property
    def done(self) -> bool:
        return self.status in DONE


@dataclass
class ArticleView:
    """An article seen in one target language: layout plus aligned units in order."""

    article_id: str
    source_lang: str
    lang: str
    title: str
    layout: list[list[str | None]]
    encoding: str
    bom: bool
    units: list[AlignedUnit]

    @property
    def missing(self) -> list[AlignedUnit]:
        return [u for u in self.units if not u.done]

    @property
    def percent(self) -> float:
        if not self.units:
            return 100.0
        return round(100.0 * sum(u.done for u in self.units) / len(self.units), 1)

    def term_hits(self, unit: AlignedUnit) -> list[dict[str, object]]:
        """The active termbase's hits in a unit (desk_style.use selects the database's)."""
        from transdesk.desk_style import term_hits_json

        return term_hits_json(unit.source, unit.target, self.source_lang, self.lang)

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATUSES, 0)
        for unit in self.units:
            result[unit.status] += 1
        return result

    def filled(self) -> tuple[dict[str, str], int, int]:
        """Each unit's text for the layout: the translation, else the draft, else the
        source; with how many units a draft and the source filled."""
        texts: dict[str, str] = {}
        drafts = sources = 0
        for unit in self.units:
            if unit.done and unit.target is not None:
                texts[unit.key] = unit.target
            elif unit.target:
                texts[unit.key] = unit.target
                drafts += 1
            else:
                texts[unit.key] = unit.source
                sources += 1
        return texts, drafts, sources
