"""Character classes a platform forbids or rewrites in a title.

The names are the values of ``[title] forbid`` in a rule file, except
``control``: C0 and C1 control characters and DEL, which no platform takes in
a title and which are always reported (TITLE004).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

__all__ = ["CHAR_CLASSES", "CharRun", "char_codes", "find_class", "is_emoji"]

# ©, ® and ™ are "Extended_Pictographic" but sit in brand names as plain
# text; they count as emoji only when asked to render as one (U+FE0F).
_TEXT_SYMBOLS = "\u00a9\u00ae\u2122"

_PATTERNS: dict[str, regex.Pattern[str]] = {
    "tab": regex.compile(r"\t+"),
    "newline": regex.compile(r"[\r\n\u000b\u000c\u0085\u2028\u2029]+"),
    # The controls that are neither a tab nor a line break: ESC, BEL, DEL, CSI …
    "control": regex.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]+"),
    "half_width_angle": regex.compile(r"[<>]+"),
    "zero_width": regex.compile(r"[\p{Cf}\u180e]+"),
    "full_width_space": regex.compile(r"\u3000+"),
    "emoji": regex.compile(
        rf"(?:\p{{Emoji_Presentation}}|(?![{_TEXT_SYMBOLS}])\p{{Extended_Pictographic}}"
        rf"|[{_TEXT_SYMBOLS}](?=\ufe0f))[\ufe0f\u200d\p{{Emoji_Modifier}}\p{{Regional_Indicator}}]*"
    ),
}

#: Chinese names of the classes, for messages.
CHAR_CLASSES: dict[str, str] = {
    "tab": "制表符",
    "newline": "换行符",
    "control": "控制字符",
    "half_width_angle": "半角尖括号 < >",
    "zero_width": "看不见的格式字符（零宽空格等）",
    "full_width_space": "全角空格",
    "emoji": "emoji 表情",
}


@dataclass(frozen=True, slots=True)
class CharRun:
    """A run of characters of one class: where, and what."""

    start: int
    end: int
    text: str


def find_class(name: str, text: str) -> Iterator[CharRun]:
    """Runs of ``text`` that belong to the class ``name``."""
    for match in _PATTERNS[name].finditer(text):
        yield CharRun(match.start(), match.end(), match.group())


# Standard abbreviations (ISO 6429), so a message can say ESC rather than only U+001B.
_C0 = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT",
       "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
       "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US")  # fmt: skip
_C1 = ("PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD",
       "PLU", "RI", "SS2", "SS3", "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA",
       "SOS", "SGCI", "SCI", "CSI", "ST", "OSC", "PM", "APC")  # fmt: skip


def _abbreviation(code: int) -> str | None:
    if code < 0x20:
        return _C0[code]
    if code == 0x7F:
        return "DEL"
    if 0x80 <= code <= 0x9F:
        return _C1[code - 0x80]
    return None


def char_codes(text: str) -> str:
    """``U+001B ESC U+200B``: characters named by code point, never shown raw."""
    parts = []
    for char in text:
        name = _abbreviation(ord(char))
        parts.append(f"U+{ord(char):04X}" + (f" {name}" if name else ""))
    return " ".join(parts)


def is_emoji(text: str) -> bool:
    return _PATTERNS["emoji"].search(text) is not None
