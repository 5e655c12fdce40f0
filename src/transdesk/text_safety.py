"""Control characters: refused where text comes in, escaped where stored text is shown.

A translation or an article line holding BEL, ESC sequences, NUL or a C1 control makes
TMX that no XML reader accepts and, printed raw, can retitle a translator's terminal,
move the cursor or hide text; the bidirectional overrides (U+202A-U+202E,
U+2066-U+2069) can hide text as well. None of them belongs in a newsroom's ru/uk/en
text, so they are refused on input: `submit`, `next`, article files. Tabs and line
ends are fine.

Text already stored (by an older transdesk, or written straight into the database) is
never printed raw: `shown` escapes it for one line of a terminal, `shown_lines` keeps
the output's own line ends, and `json_text` escapes what `json.dumps` leaves raw.
"""

from __future__ import annotations

import re
import unicodedata

from transdesk.errors import BadInput

_BIDI = "\u202a-\u202e\u2066-\u2069"
# bytes that were not UTF-8, kept by Python's surrogateescape (command-line arguments,
# lines typed into `next`)
_UNDECODED = "\udc80-\udcff"
# C0 controls but tab, LF and CR; DEL; the C1 controls; bidirectional overrides
REFUSED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_UNDECODED}]")
# on output, also the line ends inside a value (they could fake lines) and the Unicode
# line and paragraph separators
_ESCAPED = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI}\u2028\u2029{_UNDECODED}]")
_ESCAPED_KEEPING_LINES = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029{_UNDECODED}]")
# json.dumps(ensure_ascii=False) escapes U+0000-U+001F itself
_JSON_RAW = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029]")

_C0 = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF",
    "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
    "SUB", "ESC", "FS", "GS", "RS", "US",
]
_C1 = [
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD",
    "PLU", "RI", "SS2", "SS3", "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS",
    "SGCI", "SCI", "CSI", "ST", "OSC", "PM", "APC",
]
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def describe(char: str) -> str:
    """`U+001B (ESC)`, `U+202E (RIGHT-TO-LEFT OVERRIDE)`."""
    code = ord(char)
    if code < 0x20:
        name = _C0[code]
    elif code == 0x7F:
        name = "DEL"
    elif 0x80 <= code <= 0x9F:
        name = _C1[code - 0x80]
    else:
        name = unicodedata.name(char, "control")
    return f"U+{code:04X} ({name})"


def first_refused(text: str) -> tuple[int, str] | None:
    """Index and character of the first character refused on input, or None."""
    match = REFUSED.search(text)
    return (match.start(), match.group()) if match else None


def refusal(text: str) -> str | None:
    """Why `text` is refused (`control character U+001B (ESC) at character 5`), or None."""
    hit = first_refused(text)
    if hit is None:
        return None
    index, char = hit
    if 0xDC80 <= ord(char) <= 0xDCFF:
        return (f"byte 0x{ord(char) - 0xDC00:02X} at character {index + 1} is not UTF-8"
                " (check the terminal's or the file's encoding)")
    return f"control character {describe(char)} at character {index + 1}"


def check_text(text: str, where: str) -> str:
    """`text`, or BadInput naming `where` (e.g. `unit 12 (en)`) and the character."""
    why = refusal(text)
    if why is not None:
        raise BadInput(f"{where}: {why}; remove it (tabs and line ends are fine)"
                       if why.startswith("control") else f"{where}: {why}")
    return text


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte: show the byte
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(value: object) -> str:
    """`value` as text for one line of a terminal: controls, line ends inside it and
    bidirectional overrides escaped (`\\x1b`, `\\n`, `\\u202e`); None as ``""``."""
    if value is None:
        return ""
    text = str(value)
    return _ESCAPED.sub(_escape, text) if _ESCAPED.search(text) else text


def shown_lines(text: str) -> str:
    """Like `shown`, keeping the line ends (for output made of several lines)."""
    return _ESCAPED_KEEPING_LINES.sub(_escape, text)


def json_text(dumped: str) -> str:
    """JSON text from `json.dumps(..., ensure_ascii=False)` with DEL, C1 controls,
    bidirectional overrides and U+2028/U+2029 as `\\uXXXX` escapes (the same data)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
