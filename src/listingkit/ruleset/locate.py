"""Find the line of each key in a TOML text, for messages and provenance.

``tomllib`` gives values without positions, so this scans the text once and
maps every key path it can see (table headers, ``key = value`` lines, dotted
keys, keys of inline tables) to its 1-based line. It is a locator, not a
parser: the text has already been parsed by ``tomllib`` when it runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["KeyLines", "KeyPath", "Origin", "line_of", "scan_key_lines", "table_at"]

KeyPath = tuple[str | int, ...]
KeyLines = dict[KeyPath, int]


@dataclass(frozen=True, slots=True)
class Origin:
    """The file and line that set a value."""

    file: str
    line: int | None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_KEY})\s*=")
_PART = re.compile(_KEY)


def _split(dotted: str) -> tuple[str, ...]:
    parts = []
    for token in _PART.findall(dotted):
        if token[:1] in "\"'":
            token = token[1:-1]
        parts.append(token)
    return tuple(parts)


def _bracket_balance(line: str) -> int:
    """Open minus closed brackets outside strings and comments."""
    depth = 0
    quote = ""
    for char in line:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def scan_key_lines(text: str) -> KeyLines:
    """Map each key path seen in ``text`` to the line where it is set."""
    lines: KeyLines = {}
    table: KeyPath = ()
    array_counts: dict[KeyPath, int] = {}
    pending = 0  # open brackets of a value that spans lines
    in_multiline = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if raw.count(in_multiline) % 2 == 1:
                in_multiline = ""
            continue
        if pending > 0:
            pending += _bracket_balance(raw)
            continue
        header = _HEADER.match(raw)
        if header:
            path: KeyPath = _split(header.group(2))
            if header.group(1) == "[[":
                index = array_counts.get(path, 0)
                array_counts[path] = index + 1
                lines.setdefault(path, number)
                path = (*path, index)
            table = path
            lines.setdefault(table, number)
            continue
        assign = _ASSIGN.match(raw)
        if not assign:
            continue
        key_path = (*table, *_split(assign.group(1)))
        lines.setdefault(key_path, number)
        value = raw[assign.end() :]
        for delimiter in ('"""', "'''"):
            if value.count(delimiter) == 1:
                in_multiline = delimiter
        if value.lstrip().startswith("{"):
            for inner in _INLINE_KEY.findall(value):
                lines.setdefault((*key_path, *_split(inner)), number)
        pending = max(_bracket_balance(value), 0)
    return lines


def line_of(lines: KeyLines, path: Sequence[str | int]) -> int | None:
    """The line of ``path``, or of its nearest enclosing key or table."""
    key = tuple(path)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None


def table_at(data: Mapping[str, Any], path: KeyPath) -> Any:
    """The value at ``path`` in parsed TOML data, or None where the path breaks off."""
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(str(part))
    return node
