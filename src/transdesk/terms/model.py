"""A termbase entry: a concept with its forms per language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# `preferred`: the one form to use; `admitted`: an accepted alternative (TBX
# admittedTerm); `forbidden`: never to be used (deprecated / superseded in TBX).
STATUSES = ("preferred", "admitted", "forbidden")


@dataclass
class Concept:
    """One concept: per language a preferred form, admitted ones and forbidden ones."""

    forms: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    note: str = ""
    case_sensitive: bool = False
    id: int | None = None
    added_by: str | None = None
    added_at: str | None = None

    def add(self, lang: str, text: str, status: str = "preferred") -> None:
        """Add a form; a second `preferred` form of a language becomes `admitted`."""
        text = " ".join(text.split())
        if not text:
            return
        slot = self.forms.setdefault(lang, {s: [] for s in STATUSES})
        if status == "preferred" and slot["preferred"]:
            status = "admitted"
        if not any(text in forms for forms in slot.values()):
            slot[status].append(text)

    def preferred(self, lang: str) -> str | None:
        forms = self.forms.get(lang, {}).get("preferred", [])
        return forms[0] if forms else None

    def of(self, lang: str, status: str) -> list[str]:
        return list(self.forms.get(lang, {}).get(status, []))

    @property
    def langs(self) -> list[str]:
        from transdesk.languages import LANGUAGES

        return [lang for lang in LANGUAGES if lang in self.forms]

    def label(self) -> str:
        """`Київ / Киев / Kyiv`: the preferred forms, for messages."""
        names = [p for lang in self.langs if (p := self.preferred(lang))]
        return " / ".join(names) or "(empty)"

    def as_dict(self) -> dict[str, Any]:
        """The `terms list --json` shape: one object per concept."""
        return {
            "id": self.id,
            "note": self.note,
            "case_sensitive": self.case_sensitive,
            "added_by": self.added_by,
            "added_at": self.added_at,
            "terms": {
                lang: {
                    "preferred": self.preferred(lang),
                    "admitted": self.of(lang, "admitted"),
                    "forbidden": self.of(lang, "forbidden"),
                }
                for lang in self.langs
            },
        }
