"""Translator names (`--as`, TRANSDESK_USER, the login name): checked, trimmed, and
compared case-folded.

A name is stored in the history, in claims and in PO headers, and printed by `log`: a
newline in it could add header lines to a PO file or fake lines in `log`, so a name is
printable characters on one line. It is trimmed (and runs of spaces inside become one),
and two spellings that differ only in case or Unicode compatibility form (`dave `,
`DAVE`, full-width `ｄａｖｅ`) are one person: nobody approves their own translation by
typing their name differently.
"""

from __future__ import annotations

import re
import unicodedata

from transdesk.errors import BadInput
from transdesk.i18n import _
from transdesk.text_safety import describe

MAX_LENGTH = 100
_SPACES = re.compile(" {2,}")


def translator_name(raw: str, source: str = "translator name") -> str:
    """The name to record: trimmed, one space between words; BadInput (naming `source`,
    e.g. `--as`) when it is empty, too long, or holds anything but printable characters
    on one line."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", raw).strip())
    if not name:
        raise BadInput(_("{source}: the translator name is empty").format(source=source))
    bad = next((c for c in name if not c.isprintable()), None)
    if bad is not None:
        raise BadInput(
            _(
                "{source}: a translator name is printable characters on one line; it holds "
                "{describe}"
            ).format(source=source, describe=describe(bad))
        )
    if len(name) > MAX_LENGTH:
        raise BadInput(_(
                "{source}: the translator name is longer than {max_length} characters"
            ).format(source=source, max_length=MAX_LENGTH))
    return name


def identity(name: str) -> str:
    """What makes two spellings of a name the same person: NFKC, case-folded, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name).casefold().strip())


def same_person(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and identity(a) == identity(b)
