"""When two spellings are one word: full/half width and letter case folded.

Both the word-list loader (which refuses a word listed twice) and the matcher
(which finds a listed word in a title) fold text this way, so what the loader
calls a duplicate is exactly what the matcher cannot tell apart. It sits
below both: the rule-file layer and the text layer import it, and it imports
nothing of listingkit. It writes patterns as text with the standard library
(their escapes mean the same to the ``regex`` module, which compiles them in
the matcher): loading rule files for an image run must not import ``regex``.

Word lists may also hold patterns (``最{adj}``): :func:`compile_pattern`
reads them, for the loader (which refuses a bad one) and the matcher alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["BUILTIN_SETS", "CompiledPattern", "PatternError", "compile_pattern", "normal_form"]


@lru_cache(maxsize=65536)
def normal_form(text: str) -> str:
    """Full/half width and letter case folded: ``ＮＯ．１`` and ``no.1`` are one word."""
    return unicodedata.normalize("NFKC", text).casefold()


# --- word-list patterns ------------------------------------------------------
#
# A pattern entry is a small language, not a full regular expression: literal
# characters, ( | ) groups, [abc] character lists, ? after an item, {name}
# for a set of words and \ to take a special character literally. There is
# no repetition (* + {m,n} are literal characters), so a pattern matches only
# strings of bounded length and cannot backtrack catastrophically; the loader
# refuses anything else with a message naming the file and key.

#: Sets every pattern may name besides the word list's own ``[sets]``.
BUILTIN_SETS: dict[str, str] = {"han": r"\p{Han}", "digit": "[0-9]", "latin": "[a-z]"}
MAX_PATTERN_CHARS = 200
_SPECIAL = set("()|?[]{}\\")


class PatternError(ValueError):
    """A pattern entry that cannot be read; the message is for the operator."""


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    source: str  # as written in the word list
    regex: str  # the regular expression it stands for, over folded text
    #: characters a match can begin with; None when any character can
    heads: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class _Piece:
    regex: str
    heads: frozenset[str] | None
    nullable: bool


def compile_pattern(source: str, sets: Mapping[str, Sequence[str]]) -> CompiledPattern:
    """Translate a word-list pattern; raises PatternError with a Chinese message."""
    if len(source) > MAX_PATTERN_CHARS:
        raise PatternError(f"模式太长（{len(source)} 个字符，上限 {MAX_PATTERN_CHARS}）")
    parser = _Parser(source, sets)
    piece = parser.alternation()
    if parser.pos < len(source):
        raise PatternError(f"模式“{source}”第 {parser.pos + 1} 个字符的“{source[parser.pos]}”多余")
    if piece.nullable:
        raise PatternError(f"模式“{source}”可能匹配空字符串；去掉多余的 ?")
    return CompiledPattern(source, piece.regex, piece.heads)


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return None if a is None or b is None else a | b


def _literal(text: str) -> _Piece:
    folded = normal_form(text)
    return _Piece(re.escape(folded), frozenset(folded[:1]), not folded)


class _Parser:
    def __init__(self, source: str, sets: Mapping[str, Sequence[str]]) -> None:
        self.source = source
        self.sets = sets
        self.pos = 0

    def _fail(self, what: str) -> PatternError:
        return PatternError(f"模式“{self.source}”第 {self.pos + 1} 个字符处{what}")

    def alternation(self) -> _Piece:
        branches = [self.sequence()]
        while self.pos < len(self.source) and self.source[self.pos] == "|":
            self.pos += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        heads: frozenset[str] | None = frozenset()
        for branch in branches:
            if branch.nullable:
                raise self._fail("有空的分支（“||”或“(|”）")
            heads = _union(heads, branch.heads)
        return _Piece("(?:" + "|".join(b.regex for b in branches) + ")", heads, False)

    def sequence(self) -> _Piece:
        parts: list[_Piece] = []
        while self.pos < len(self.source) and self.source[self.pos] not in "|)":
            item = self.atom()
            if self.pos < len(self.source) and self.source[self.pos] == "?":
                self.pos += 1
                item = _Piece(f"(?:{item.regex})?", item.heads, True)
            parts.append(item)
        heads: frozenset[str] | None = frozenset()
        for part in parts:
            heads = _union(heads, part.heads)
            if not part.nullable:
                break
        nullable = all(p.nullable for p in parts)
        return _Piece("".join(p.regex for p in parts), heads, nullable)

    def atom(self) -> _Piece:
        char = self.source[self.pos]
        if char == "(":
            self.pos += 1
            inner = self.alternation()
            if self.pos >= len(self.source) or self.source[self.pos] != ")":
                raise self._fail("缺少与“(”配对的“)”")
            self.pos += 1
            return _Piece(f"(?:{inner.regex})", inner.heads, inner.nullable)
        if char == "[":
            end = self.source.find("]", self.pos + 1)
            chars = self.source[self.pos + 1 : end] if end > 0 else ""
            if not chars or any(c in _SPECIAL for c in chars):
                raise self._fail("的“[…]”应写成不含特殊字符的若干个字，如 [棉麻]")
            self.pos = end + 1
            folded = sorted({normal_form(c) for c in chars})
            return _Piece(
                "(?:" + "|".join(map(re.escape, folded)) + ")",
                frozenset(f[:1] for f in folded),
                False,
            )
        if char == "{":
            end = self.source.find("}", self.pos + 1)
            name = self.source[self.pos + 1 : end] if end > 0 else ""
            if name in BUILTIN_SETS:
                self.pos = end + 1
                return _Piece(BUILTIN_SETS[name], None, False)
            if name not in self.sets:
                known = "、".join([*self.sets, *BUILTIN_SETS])
                raise self._fail(f"的“{{{name}}}”不是已定义的词组（可用：{known}）")
            self.pos = end + 1
            words = sorted(
                {normal_form(w) for w in self.sets[name] if w}, key=lambda w: (-len(w), w)
            )
            if not words:
                raise self._fail(f"的词组“{name}”是空的")
            return _Piece(
                "(?:" + "|".join(map(re.escape, words)) + ")",
                frozenset(w[:1] for w in words),
                False,
            )
        if char == "\\":
            if self.pos + 1 >= len(self.source) or self.source[self.pos + 1] not in _SPECIAL:
                raise self._fail("的“\\”后面应是 ( ) | ? [ ] { } \\ 之一")
            self.pos += 2
            return _literal(self.source[self.pos - 1])
        if char in "?)|]}":
            raise self._fail(f"的“{char}”放错了位置")
        self.pos += 1
        return _literal(char)
