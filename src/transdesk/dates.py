"""The article's date line (``Суббота, 2 ноября``) across languages, from CLDR via Babel.

Weekday and month names come from Babel's locale data, never from our own tables:
parsing accepts the wide and abbreviated names of both CLDR contexts (``ноября`` and
``ноябрь``); rendering uses the format context, wide (the genitive ``2 листопада``),
with the weekday capitalised as the site writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = r"[^\W\d_](?:[^\W\d_]|['’ʼ.-])*"
# "Saturday, 2 November", "Суббота, 2 ноября 2024", "Saturday, November 2"
_DAY_MONTH = re.compile(
    rf"^\s*(?:(?P<weekday>{_WORD})\s*,\s*)?(?P<day>\d{{1,2}})\s+(?P<month>{_WORD})"
    rf"(?:\s+(?P<year>\d{{4}}))?\s*$"
)
_MONTH_DAY = re.compile(
    rf"^\s*(?:(?P<weekday>{_WORD})\s*,\s*)?(?P<month>{_WORD})\s+(?P<day>\d{{1,2}})"
    rf"(?:\s*,?\s+(?P<year>\d{{4}}))?\s*$"
)
_APOSTROPHES = str.maketrans({"'": "ʼ", "’": "ʼ"})
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class DateLine:
    """A parsed date line: weekday 0-6 (Monday first, as in CLDR) or None, day, month, year."""

    weekday: int | None
    day: int
    month: int
    year: int | None = None


def _key(word: str) -> str:
    return word.strip().rstrip(".").lower().replace("ё", "е").translate(_APOSTROPHES)


@lru_cache(maxsize=8)
def _names(lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """Lower-cased weekday and month names of ``lang`` -> their numbers (all CLDR forms)."""
    from babel import Locale

    locale = Locale.parse(lang)
    days: dict[str, int] = {}
    months: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.days[context][width].items():
                days.setdefault(_key(name), number)
            for number, name in locale.months[context][width].items():
                months.setdefault(_key(name), number)
    return days, months


def parse_date_line(text: str, lang: str) -> DateLine | None:
    """Parse a date line written in ``lang``; None when ``text`` is not one."""
    if not text or len(text) > 60:
        return None
    match = _DAY_MONTH.match(text) or _MONTH_DAY.match(text)
    if match is None:
        return None
    days, months = _names(lang)
    month = months.get(_key(match["month"]))
    if month is None:
        return None
    weekday = None
    if match["weekday"] is not None:
        weekday = days.get(_key(match["weekday"]))
        if weekday is None:
            return None
    day = int(match["day"])
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return None
    year = int(match["year"]) if match["year"] else None
    return DateLine(weekday, day, month, year)


def render_date_line(date: DateLine, lang: str) -> str:
    """``Субота, 2 листопада``: weekday capitalised, month genitive (format, wide)."""
    from babel import Locale

    locale = Locale.parse(lang)
    text = f"{date.day} {locale.months['format']['wide'][date.month]}"
    if date.year is not None:
        text += f" {date.year}"
    if date.weekday is not None:
        weekday = locale.days["format"]["wide"][date.weekday]
        text = f"{weekday[:1].upper()}{weekday[1:]}, {text}"
    return text


def translate_date_line(text: str, source: str, target: str) -> str | None:
    """The date line ``text`` (in ``source``) written in ``target``; None if not a date line."""
    date = parse_date_line(text, source)
    if date is None:
        return None
    return render_date_line(date, target)
