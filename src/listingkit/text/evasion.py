"""Fold a title for word matching, seeing through the usual ways sellers dodge a word list.

Folded, with every folded character mapped back to its span in the title:

- full/half width and letter case (``ＮＯ．１`` → ``no.1``), as
  :func:`listingkit.folding.normal_form` does for the word lists themselves;
- circled, parenthesised, superscript and full-width digits and letters
  (``①`` ``⑴`` ``⒈`` ``❶`` ``¹`` ``Ⅰ`` → ``1``);
- traditional characters to simplified ones (``最佳質量`` → ``最佳质量``), with OpenCC;
- zero-width characters dropped (``最\\u200b好``);
- the pinyin ``zui`` written as a whole Latin word right before a Chinese
  character read as 最 (``zui好`` → ``最好``): a market regulator has
  treated writing 最 as ``zui`` as the banned word itself;
- a short run of noise characters (at most two of space ``- _ * + · . / | ~ —``
  and symbols such as emoji) between two Chinese characters, or between a
  Chinese character and a digit, skipped (``最-好`` ``最 好`` ``第 ①``). The run
  is remembered: the matcher refuses a hit across a plain space when the hit
  is glued to Chinese on both sides (``全场最 好评如潮`` reads as two words).

Nothing here reads rule files: the matcher gets the folded text and decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from listingkit.folding import normal_form

__all__ = ["FoldedText", "fold_for_matching", "is_han"]

MAX_NOISE_RUN = 2
# A run of at most MAX_NOISE_RUN noise characters (spaces, a few separators,
# emoji and other pictographs) after a Chinese character and before a Chinese
# character or a digit; the look-arounds make it a whole run. Written for the
# standard re module, many times faster than regex on this simple search.
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NOISE = (
    "[\\s\\-_*+·.・/|~•—–"  # spaces and separators
    "\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"  # symbols
)
_GAP = re.compile(f"(?<=[{_HAN_RANGES}]){_NOISE}{{1,{MAX_NOISE_RUN}}}(?=[{_HAN_RANGES}0-9])")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0e\ufe0f")
_HAN = regex.compile(r"\p{Han}")
_ZUI = regex.compile(r"(?<![a-z0-9])zui(?=[ \-_*.·]{0,2}\p{Han})")
# Dingbat circled digits have no compatibility decomposition: ❶-❿ ➀-➉ ➊-➓.
_DINGBAT_DIGITS = {
    chr(first + i): str(i + 1) for first in (0x2776, 0x2780, 0x278A) for i in range(10)
}
#: characters NFKC leaves alone that are still folded here
_UNFOLDED = _ZERO_WIDTH | frozenset(_DINGBAT_DIGITS)


def _converter() -> object | None:
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return opencc.OpenCC("t2s")


_T2S = _converter()


@dataclass(frozen=True, slots=True)
class FoldedText:
    text: str  # folded, noise between words taken out
    #: per character of the folded title before noise was taken out: where it
    #: starts in the title, and where it ends
    starts: Sequence[int]
    ends: Sequence[int]
    #: index in ``text`` -> the noise run taken out just before it
    gaps: dict[int, str]

    def _unskipped(self, index: int) -> int:
        return index + sum(len(run) for at, run in self.gaps.items() if at <= index)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the title of ``text[start:end]``."""
        return self.starts[self._unskipped(start)], self.ends[self._unskipped(end - 1)]


def is_han(char: str) -> bool:
    """Whether ``char`` is a Chinese character (a quick range test first)."""
    if not char:
        return False
    if "\u4e00" <= char <= "\u9fff":
        return True
    return char > "\u2e7f" and _HAN.match(char) is not None


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char in _ZERO_WIDTH:
        return ""
    if char in _DINGBAT_DIGITS:
        return _DINGBAT_DIGITS[char]
    code = ord(char)
    folded = normal_form(char)
    # Roman numerals read as digits: 第Ⅰ名 is 第1名 (NFKC would make it "i").
    if 0x2160 <= code <= 0x2188:
        return str(int(unicodedata.numeric(char)))
    # Enclosed alphanumerics: ⑴ is "(1)" and ⒈ is "1." once decomposed.
    if 0x2460 <= code <= 0x24FF or 0x3251 <= code <= 0x32BF:
        folded = "".join(c for c in folded if c.isalnum())
    return folded


def _simplified(text: str) -> str:
    """``text`` in simplified characters, one character for each character."""
    if _T2S is None or text.isascii():
        return text
    converted: str = _T2S.convert(text)  # type: ignore[attr-defined]
    if len(converted) == len(text):
        return converted
    # A phrase converted to another length: convert character by character.
    pieces = [_T2S.convert(c) for c in text]  # type: ignore[attr-defined]
    return "".join(p if len(p) == 1 else c for p, c in zip(pieces, text, strict=True))


def fold_for_matching(title: str) -> FoldedText:
    """The title folded as described above, with the map back to the title."""
    if title.isascii():
        chars = title.lower()
        starts: Sequence[int] = range(len(title))
        ends: Sequence[int] = range(1, len(title) + 1)
    else:
        simple = _simplified(title)
        chars = simple.casefold()
        if (
            len(chars) == len(simple)
            and unicodedata.is_normalized("NFKC", simple)
            and _UNFOLDED.isdisjoint(simple)
        ):
            starts = range(len(simple))
            ends = range(1, len(simple) + 1)
        else:
            chars, starts, ends = _fold_chars(simple)
    if "zui" in chars:
        chars, starts, ends = _fold_zui(chars, starts, ends)
    if _GAP.search(chars) is None:
        return FoldedText(chars, starts, ends, {})
    return _skip_noise(chars, starts, ends)


def _fold_chars(simple: str) -> tuple[str, Sequence[int], Sequence[int]]:
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(simple):
        folded = _fold_char(char)
        pieces.append(folded)
        starts.extend([index] * len(folded))
        ends.extend([index + 1] * len(folded))
    return "".join(pieces), starts, ends


def _fold_zui(
    chars: str, starts: Sequence[int], ends: Sequence[int]
) -> tuple[str, Sequence[int], Sequence[int]]:
    for match in reversed(list(_ZUI.finditer(chars))):
        a, b = match.span()
        chars = chars[:a] + "最" + chars[b:]
        starts = [*starts[:a], starts[a], *starts[b:]]
        ends = [*ends[:a], ends[b - 1], *ends[b:]]
    return chars, starts, ends


def _skip_noise(chars: str, starts: Sequence[int], ends: Sequence[int]) -> FoldedText:
    out: list[str] = []
    gaps: dict[int, str] = {}
    done = kept = 0
    for match in _GAP.finditer(chars):
        i, j = match.span()
        out.append(chars[done:i])
        kept += i - done
        done = j
        gaps[kept] = match.group()
    out.append(chars[done:])
    return FoldedText("".join(out), starts, ends, gaps)
