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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import regex

from listingkit.errors import UsageError
from listingkit.ruleset.builtin import rules_dir

__all__ = ["SEGMENTERS", "Segmenter", "Token", "get_segmenter", "user_dictionary"]

SEGMENTERS = ("jieba", "rjieba")

# Letters and digits joined by - _ . / + : a model number, 货号 or size code.
_CODE = r"[A-Za-z0-9]+(?:[-_./+][A-Za-z0-9]+)+"


@dataclass(frozen=True, slots=True)
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

    def tokenize(self, text: str, protect: Sequence[str] = ()) -> list[Token]:
        """Tokens of ``text``; model numbers and the ``protect`` words stay whole."""
        tokens: list[Token] = []
        position = 0
        for match in _protected_pattern(
            tuple(sorted(set(protect), key=len, reverse=True))
        ).finditer(text):
            tokens += self._cut(text[position : match.start()], position)
            tokens.append(Token(match.group(), match.start(), match.end()))
            position = match.end()
        tokens += self._cut(text[position:], position)
        return tokens

    def _cut(self, chunk: str, offset: int) -> list[Token]:
        if not chunk:
            return []
        return [
            Token(word, start + offset, end + offset)
            for word, start, end in self._backend.tokenize(chunk)
        ]


@cache
def _protected_pattern(words: tuple[str, ...]) -> regex.Pattern[str]:
    alternatives = [regex.escape(w) for w in words if w] + [_CODE]
    return regex.compile("|".join(alternatives), regex.IGNORECASE)


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
