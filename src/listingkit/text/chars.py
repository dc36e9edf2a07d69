"""Character classes a platform forbids or rewrites in a title.

The names are the values of ``[title] forbid`` in a rule file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

__all__ = ["CHAR_CLASSES", "CharRun", "find_class", "is_emoji"]

# ©, ® and ™ are "Extended_Pictographic" but sit in brand names as plain
# text; they count as emoji only when asked to render as one (U+FE0F).
_TEXT_SYMBOLS = "\u00a9\u00ae\u2122"

_PATTERNS: dict[str, regex.Pattern[str]] = {
    "tab": regex.compile(r"\t+"),
    "newline": regex.compile(r"[\r\n\u000b\u000c\u0085\u2028\u2029]+"),
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


def is_emoji(text: str) -> bool:
    return _PATTERNS["emoji"].search(text) is not None
