"""Title length as a platform counts it.

Platforms count a title in units: Taobao's rule is "unit=byte, value=60" and
its help says a Chinese character counts 2. A rule file gives the weights per
character class (``ascii`` and ``other``); each code point is one character.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["Measure", "UnitWeights", "describe_weights", "measure", "units_of"]


class UnitWeights(Protocol):
    """What a character counts, by class: ``[title] unit_weights`` of a rule file."""

    @property
    def ascii(self) -> int: ...

    @property
    def other(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Measure:
    """A title measured: total units and where each character ends, in units."""

    text: str
    units: int
    ends: tuple[int, ...]  # ends[i] = units used by text[: i + 1]

    def index_over(self, limit: int) -> int | None:
        """Index of the first character that no longer fits in ``limit`` units."""
        for index, end in enumerate(self.ends):
            if end > limit:
                return index
        return None


def _weight(char: str, weights: UnitWeights) -> int:
    return weights.ascii if char.isascii() else weights.other


def units_of(text: str, weights: UnitWeights) -> int:
    """Units of ``text``: the fast path when no spans are needed."""
    # Encoding drops every character above U+007F: what is left is the ASCII count.
    ascii_count = len(text) if text.isascii() else len(text.encode("ascii", "ignore"))
    return ascii_count * weights.ascii + (len(text) - ascii_count) * weights.other


def measure(text: str, weights: UnitWeights) -> Measure:
    ends: list[int] = []
    total = 0
    for char in text:
        total += _weight(char, weights)
        ends.append(total)
    return Measure(text, total, tuple(ends))


def describe_weights(weights: UnitWeights) -> str:
    """``汉字等计 2、字母数字计 1`` — how the count was made, for messages."""
    if weights.ascii == weights.other:
        return f"每个字符计 {weights.ascii}"
    return f"汉字等计 {weights.other}、字母数字和半角符号计 {weights.ascii}"
