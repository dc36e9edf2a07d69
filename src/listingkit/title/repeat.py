"""Repeated words in a title: the same word twice, or a word inside another word.

A title has room for about 30 Chinese characters; a word said twice spends
units without reaching a single extra search. ``连衣裙 … 裙`` counts too: the
short word is already inside the long one.

Calibrated on 1,101 real JD titles, where a naive check flagged about half its
hits wrongly. What does not count as a repeat:

- a single character jieba split off a longer word (作废章 … 付讫章 share 章):
  a one-character word counts only where it stands on its own — inside a
  longer word only when no Chinese character follows it, twice only when
  neither copy touches a Chinese character;
- a quantity: a number and its unit are one word (24色, 13.3英寸) and only an
  identical quantity repeats (24色 … 36色 is fine, 300ml … 300ML is not);
- Latin words and model numbers, unless identical (nova3e contains nova).

The shorter word is the one to delete: in ``手机 … 手机夹`` it is 手机.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from listingkit.text.segment import Token
from listingkit.text.wordlist import normal_form

__all__ = ["GLUE", "UNIT_WORDS", "Repeat", "Unit", "clash", "find_repeats", "units_of_tokens"]

# Single characters that join words rather than carry a search term.
GLUE = frozenset("的之与和及或兼配加送带含款式型号版")
# Words that, straight after a number, are its unit.
UNIT_WORDS = frozenset(
    ["英寸", "寸", "厘米", "毫米", "公分", "公斤", "千克", "毫升", "个装", "支装", "只装", "片装",
     "包装", "件套", "寸屏", "毫安", "ml", "mm", "cm", "kg", "g", "l", "w", "v"]
)  # fmt: skip

_CONTENT = regex.compile(r"[\p{Han}]|[A-Za-z]{2,}")
_HAN = regex.compile(r"\p{Han}")
_NUMBER = regex.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Unit:
    """A token that carries a search term, as the repeat check sees it."""

    token: Token
    key: str  # normal form
    kind: str  # "word" (2+ Chinese), "char" (1 Chinese), "latin", "quantity"
    han_before: bool = False  # touches a Chinese character on the left
    han_after: bool = False  # … on the right


@dataclass(frozen=True, slots=True)
class Repeat:
    kept: Token  # the word to keep (the longer one, or the first of two equal ones)
    flagged: Token  # the word to delete
    inside: bool  # flagged is inside kept rather than equal to it


def _is_content(token: Token) -> bool:
    text = token.text.strip()
    return bool(text) and text not in GLUE and _CONTENT.search(text) is not None


def _han_at(text: str, index: int) -> bool:
    return bool(text) and _HAN.match(text[index]) is not None


def _is_unit(number: Token, after: Token) -> bool:
    """Whether ``after`` is the unit of ``number`` (24色, 13.3英寸, 300ml)."""
    if after.start != number.end:
        return False
    return (len(after.text) == 1 and _han_at(after.text, 0)) or after.text.lower() in UNIT_WORDS


def units_of_tokens(tokens: Sequence[Token]) -> list[Unit]:
    """The content units of a tokenised title, quantities joined to their number."""
    units: list[Unit] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if _NUMBER.match(token.text) and after is not None and _is_unit(token, after):
            joined = Token(token.text + after.text, token.start, after.end)
            units.append(Unit(joined, normal_form(joined.text), "quantity"))
            index += 2
            continue
        if _is_content(token):
            key = normal_form(token.text.strip())
            kind = "latin" if not _HAN.search(key) else ("char" if len(key) == 1 else "word")
            before = tokens[index - 1] if index > 0 else None
            units.append(
                Unit(
                    token,
                    key,
                    kind,
                    han_before=before is not None and _han_at(before.text, -1),
                    han_after=after is not None and _han_at(after.text, 0),
                )
            )
        index += 1
    return units


def clash(earlier: Unit, later: Unit) -> bool:
    """Whether two units repeat each other, by the rules above."""
    if earlier.key == later.key:
        if earlier.kind == "char":
            alone = (earlier.han_before, earlier.han_after, later.han_before, later.han_after)
            return not any(alone)
        return True
    if {earlier.kind, later.kind} & {"latin", "quantity"}:
        return False
    short, long = (earlier, later) if len(earlier.key) < len(later.key) else (later, earlier)
    if short.key not in long.key:
        return False
    return short.kind != "char" or not short.han_after


def find_repeats(tokens: Sequence[Token]) -> list[Repeat]:
    """Each word to delete, with the word that already says it; neighbours merged."""
    units = units_of_tokens(tokens)
    found: dict[int, Repeat] = {}
    for i, later in enumerate(units):
        for earlier in units[:i]:
            if not clash(earlier, later):
                continue
            inside = earlier.key != later.key
            if inside and len(earlier.key) < len(later.key):
                repeat = Repeat(later.token, earlier.token, inside)
            else:
                repeat = Repeat(earlier.token, later.token, inside)
            found.setdefault(repeat.flagged.start, repeat)
            break
    return _merge_neighbours(sorted(found.values(), key=lambda r: r.flagged.start))


def _merge_neighbours(repeats: list[Repeat]) -> list[Repeat]:
    """阿米 + 洛 repeated after 阿米洛 is one repeat, not two."""
    merged: list[Repeat] = []
    for repeat in repeats:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.flagged.end == repeat.flagged.start
            and last.kept.end == repeat.kept.start
        ):
            merged[-1] = Repeat(
                Token(last.kept.text + repeat.kept.text, last.kept.start, repeat.kept.end),
                Token(
                    last.flagged.text + repeat.flagged.text, last.flagged.start, repeat.flagged.end
                ),
                last.inside or repeat.inside,
            )
        else:
            merged.append(repeat)
    return merged
