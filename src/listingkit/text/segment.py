"""Word segmentation of titles: jieba by default, rjieba as an optional accelerator.

Both backends load the shipped e-commerce dictionary (``rules/words/ecommerce.dict``)
and see the same text: model numbers such as ``5W-30`` or ``BZ-YQ1722`` and the
store's brand words are cut out first and kept whole, so neither backend can
split them. The dictionary is loaded once per process, on first use: jieba's
on-disk cache does not shorten its load, so the only saving is not loading it
when no title is touched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import regex

from listingkit.errors import UsageError
from listingkit.shipped import rules_dir

__all__ = [
    "JOINERS",
    "SEGMENTERS",
    "Segmenter",
    "Token",
    "get_segmenter",
    "protected_spans",
    "user_dictionary",
]

SEGMENTERS = ("jieba", "rjieba")

# A model number, 货号 or size code is runs of ASCII letters and digits joined by
# single - _ . / + characters (5W-30, BZ-YQ1722). It is found by a scan, not by
# a pattern such as [A-Za-z0-9]+(?:[-_./+][A-Za-z0-9]+)+: tried at every
# position of a long run of letters, that pattern takes time quadratic in the
# run (80,000 letters: about a minute).
_ALNUM_RUN = regex.compile(r"[A-Za-z0-9]+")
#: What joins the runs of a model number.
JOINERS = "-_./+"
_JOINERS = frozenset(JOINERS)


# Not frozen (never changed once built all the same): titles are tokenised by
# the hundred thousand, and a frozen dataclass is twice as slow to construct.
@dataclass(slots=True, unsafe_hash=True)
class Token:
    text: str
    start: int
    end: int


class _Backend(Protocol):
    def tokenize(self, text: str) -> Iterable[tuple[str, int, int]]: ...


def user_dictionary() -> Path:
    return rules_dir() / "words" / "ecommerce.dict"


def _dictionary_entries() -> list[tuple[str, int, str]]:
    entries = []
    path = user_dictionary()
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                entries.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return entries


class _Jieba:
    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._tokenizer: Any = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word, freq, tag in _dictionary_entries():
            self._tokenizer.add_word(word, freq, tag or None)

    def tokenize(self, text: str) -> Iterable[tuple[str, int, int]]:
        result: Iterable[tuple[str, int, int]] = self._tokenizer.tokenize(text)
        return result

    def separable(self, left: str, right: str) -> bool:
        """Whether ``left + right`` is certain to segment as each does alone.

        jieba picks the most probable path through every dictionary word of a
        run of text (its DAG), then hands each stretch of single characters to
        its HMM. The path splits at the junction when no dictionary word starts
        in ``left`` and ends past it (found by walking the prefix dictionary,
        as jieba builds its DAG; a word that may run on past ``right`` counts),
        and the HMM sees each side apart unless both sides end in single
        characters at the junction.
        """
        freq: dict[str, int] = self._tokenizer.FREQ
        text = left + right
        for start in range(len(left)):
            end = start + 1
            while end <= len(text) and text[start:end] in freq:
                if end > len(left) and (freq[text[start:end]] or end == len(text)):
                    return False
                end += 1
        return not (self._single_edge(left, -1) and self._single_edge(right, 0))

    def _single_edge(self, text: str, index: int) -> bool:
        # Without the HMM, the path's steps come out as they are, except that
        # single letters and digits are run together: count those as single too.
        edge: str = list(self._tokenizer.cut(text, HMM=False))[index]
        return len(edge) == 1 or (edge.isascii() and edge.isalnum())


class _RJieba:
    def __init__(self) -> None:
        try:
            import rjieba
        except ImportError:
            raise UsageError(
                "分词器 rjieba 未安装：请运行 pip install 'listingkit[fast]'，"
                "或去掉 --segmenter rjieba"
            ) from None
        self._jieba: Any = rjieba.Jieba()
        for word, freq, tag in _dictionary_entries():
            self._jieba.add_word(word, freq, tag or None)

    def tokenize(self, text: str) -> Iterable[tuple[str, int, int]]:
        result: Iterable[tuple[str, int, int]] = self._jieba.tokenize(text)
        return result


class Segmenter:
    """Splits a title into tokens with their character offsets."""

    def __init__(self, name: str, backend: _Backend) -> None:
        self.name = name
        self._backend = backend
        self._separable: dict[tuple[str, str], bool] = {}

    def tokenize(self, text: str, protect: Sequence[str] = ()) -> list[Token]:
        """Tokens of ``text``; model numbers and the ``protect`` words stay whole."""
        tokens: list[Token] = []
        position = 0
        for start, end in protected_spans(text, protect):
            tokens += self._cut(text[position:start], position)
            tokens.append(Token(text[start:end], start, end))
            position = end
        tokens += self._cut(text[position:], position)
        return tokens

    @property
    def proves_junctions(self) -> bool:
        """Whether :meth:`separable` can ever answer True (jieba: yes; rjieba: no)."""
        return hasattr(self._backend, "separable")

    def separable(self, left: str, right: str) -> bool:
        """Whether ``left + right`` is certain to segment as ``left`` and ``right`` each do.

        An empty side always is. False whenever it cannot be proven (for
        rjieba always: its dictionary cannot be walked by prefix); cached per pair.
        """
        if not left or not right:
            return True
        known = self._separable.get((left, right))
        if known is None:
            check = getattr(self._backend, "separable", None)
            known = check is not None and bool(check(left, right))
            if len(self._separable) > 200_000:
                self._separable.clear()
            self._separable[(left, right)] = known
        return known

    def is_word(self, text: str) -> bool:
        """Whether ``text`` alone stays one token: a word the segmenter knows."""
        tokens = self._cut(text, 0)
        return len(tokens) == 1 and tokens[0].text == text

    def _cut(self, chunk: str, offset: int) -> list[Token]:
        if not chunk:
            return []
        return [
            Token(word, start + offset, end + offset)
            for word, start, end in self._backend.tokenize(chunk)
        ]


@cache
def _word_pattern(words: frozenset[str]) -> regex.Pattern[str] | None:
    """The protected words, longest first (the first alternative that matches wins)."""
    ordered = sorted((w for w in words if w), key=lambda w: (-len(w), w))
    if not ordered:
        return None
    return regex.compile("|".join(regex.escape(w) for w in ordered), regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Code:
    """A run of letters and digits that begins a model number, and where that number ends."""

    start: int
    end: int  # end of the run: a number may start anywhere inside it
    reach: int  # end of the model number


def _codes(text: str) -> list[_Code]:
    """Every run from which a model number reaches on, in one pass from the right.

    A run joined to the next run by one joiner belongs to the same model number,
    which ends where the last joined run ends; the last run of such a chain (or a
    lone run) begins no model number, since at least one joiner is required.
    """
    runs = [match.span() for match in _ALNUM_RUN.finditer(text)]
    codes: list[_Code] = []
    reach = -1
    for index in range(len(runs) - 1, -1, -1):
        start, end = runs[index]
        following = runs[index + 1] if index + 1 < len(runs) else None
        joined = following is not None and following[0] == end + 1 and text[end] in _JOINERS
        if joined:
            codes.append(_Code(start, end, reach))
        else:
            reach = end
    codes.reverse()
    return codes


def protected_spans(text: str, protect: Iterable[str] = ()) -> Iterator[tuple[int, int]]:
    """Spans of ``text`` kept whole: the ``protect`` words (any case) and model numbers.

    Leftmost first; where a word and a model number start at the same place the
    word wins, and nothing overlaps. Linear in the length of ``text``: each
    search for a word resumes where the last one stopped, unless a model number
    has already covered the word it found.
    """
    pattern = _word_pattern(frozenset(protect))
    codes = _codes(text)
    next_code = 0
    word: regex.Match[str] | None = None
    words_left = pattern is not None
    position = 0
    while True:
        while next_code < len(codes) and codes[next_code].end <= position:
            next_code += 1
        if pattern is not None and words_left and (word is None or word.start() < position):
            word = pattern.search(text, position)
            words_left = word is not None
        code = codes[next_code] if next_code < len(codes) else None
        code_start = max(code.start, position) if code is not None else len(text)
        if word is not None and word.start() <= code_start:
            start, end = word.span()
        elif code is not None:
            start, end = code_start, code.reach
        else:
            return
        yield start, end
        position = end


_LOCK = threading.Lock()
_LOADED: dict[str, Segmenter] = {}


def get_segmenter(name: str = "jieba") -> Segmenter:
    """The process-wide segmenter ``name``, loading its dictionary on first use."""
    if name not in SEGMENTERS:
        raise UsageError(f"未知的分词器 “{name}”；可选：{'、'.join(SEGMENTERS)}")
    with _LOCK:
        if name not in _LOADED:
            backend: _Backend = _Jieba() if name == "jieba" else _RJieba()
            _LOADED[name] = Segmenter(name, backend)
        return _LOADED[name]
