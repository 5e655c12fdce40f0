"""Article ids: checking a given one, and deriving one from a file name.

A derived id transliterates Cyrillic with the official tables that translitua keeps:
Ukrainian by the Cabinet of Ministers' 2010 table (Київ → Kyiv), Russian by the 1997
international-passport table (Бюджет → Byudzhet). A name with letters only Ukrainian has
(і ї є ґ) is read as Ukrainian, one with letters only Russian has (ы э ъ ё) as Russian;
a name with neither follows the article's language, else Russian.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from transdesk.errors import BadInput
from transdesk.i18n import _

MAX_LENGTH = 100  # a file name of its own (`<id>.<lang>.po`) stays well under 255 bytes
ARTICLE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
_RUSSIAN_ONLY = set("ыэъёЫЭЪЁ")


def check_article_id(article_id: str) -> str:
    """`article_id` if it is a valid id, else BadInput saying what an id may hold."""
    if not ARTICLE_ID.fullmatch(article_id):
        raise BadInput(
            _(
                "invalid article id {article_id!r}: use lower-case letters, digits and dashes "
                "([a-z0-9][a-z0-9-]*)"
            ).format(article_id=article_id)
        )
    if len(article_id) > MAX_LENGTH:
        raise BadInput(_(
                "article id too long ({count} characters; at most {max_length})"
            ).format(count=len(article_id), max_length=MAX_LENGTH))
    return article_id


def slugify(name: str, lang: str | None = None) -> str:
    """An article id from a file name: lower-case ASCII letters, digits and dashes,
    Cyrillic transliterated, at most MAX_LENGTH characters."""
    ascii_name = unicodedata.normalize("NFKD", transliterate(name, lang))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        return "article-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    if len(slug) > MAX_LENGTH:
        cut = slug[:MAX_LENGTH]
        # end at a word boundary when one is near, and never on a dash
        slug = (cut.rsplit("-", 1)[0] if "-" in cut[MAX_LENGTH // 2:] else cut).strip("-")
    return slug


def transliterate(text: str, lang: str | None = None) -> str:
    """Cyrillic to Latin by the official table of the name's language (see above)."""
    if text.isascii():  # what the tables do to ASCII (they drop the apostrophe), without
        return text.replace("'", "")  # loading them: a tenth of a short import's start-up
    from translitua import (
        RussianInternationalPassport1997,
        TransliterationTable,
        UkrainianKMU,
        translit,
    )

    letters = set(text)
    first: type[TransliterationTable]
    if letters & _UKRAINIAN_ONLY and not letters & _RUSSIAN_ONLY:
        first = UkrainianKMU
    elif letters & _RUSSIAN_ONLY or lang != "uk":
        first = RussianInternationalPassport1997
    else:
        first = UkrainianKMU
    second = RussianInternationalPassport1997 if first is UkrainianKMU else UkrainianKMU
    # a name mixing both alphabets: the other table takes the letters the first left
    return str(translit(translit(text, first), second))
