"""transdesk's own interface language: gettext catalogs shipped in the package.

The language is chosen per call from the environment (TRANSDESK_LANG, else gettext's
LANGUAGE / LC_ALL / LC_MESSAGES / LANG, else English), so a test or a program that
changes the environment between calls gets the new language. A compiled catalog is
read the first time a message in its language is asked for; English reads none.
Babel writes the catalogs (scripts/catalogs.sh) but is never imported here.

Machine output (JSON, exit codes, junit, github, TSV, PO, TMX) is never translated:
only text meant for a person goes through `_` and `ngettext`.
"""

from __future__ import annotations

import functools
import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "transdesk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
INTERFACE_LANGUAGES = ("en", "ru", "uk")
_ALIASES = {"ua": "uk"}
_STANDARD_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _code(value: str) -> str | None:
    """`uk_UA.UTF-8` -> `uk`, `UA` -> `uk`, `C` -> `en`; None for languages we lack."""
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    code = _ALIASES.get(code, code)
    if code in ("c", "posix"):
        return "en"
    return code if code in INTERFACE_LANGUAGES else None


def interface_language(environ: Mapping[str, str] | None = None) -> str:
    """The language transdesk speaks to a person: en, ru or uk."""
    env = os.environ if environ is None else environ
    chosen = env.get("TRANSDESK_LANG", "").strip()
    if chosen:
        return _code(chosen) or "en"
    for name in _STANDARD_VARIABLES:  # gettext's order: the first one set decides
        value = env.get(name, "").strip()
        if value:
            for part in value.split(":") if name == "LANGUAGE" else [value]:
                code = _code(part)
                if code:
                    return code
            return "en"
    return "en"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang`, read once; English is the source and needs none."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """`message` in the interface language."""
    return translations(interface_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count `n`, by the language's own plural rule
    (Ukrainian and Russian have three: 1 стаття, 2 статті, 5 статей)."""
    return translations(interface_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where shown."""
    return message


#: The statuses of a translation, as a person reads them (the names stay in machine output).
STATUS_LABELS = {
    "untranslated": N_("untranslated"),
    "draft": N_("draft"),
    "translated": N_("translated"),
    "approved": N_("approved"),
}


def status_label(status: str) -> str:
    """A status name in the interface language (unknown names as they are)."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def translate_click() -> None:
    """Click's own words (`Usage:`, `Options:`, its error messages) through our catalogs.

    Click looks them up with the stdlib's module-level gettext, bound to no catalog of
    ours; its modules import `gettext as _` and `ngettext` by name, so pointing those
    names at ours is the one way to translate them without changing the process locale.
    """
    import sys

    import click  # noqa: F401  (loads the modules that hold click's messages)

    for name, module in list(sys.modules.items()):
        if not name.startswith("click.") or module is None:
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]
