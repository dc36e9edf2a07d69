"""Refuse absurdly nested TOML before anything recurses into it.

``tomllib`` parses ``[[[[…]]]]`` and ``{a = {a = …}}`` by recursion and dies
with ``RecursionError`` a few hundred levels down; ``[a.a.a.…]`` parses, but
every walk over the data after it would recurse as deep. A rule file or word
list needs a handful of levels (``images.main.source_for.max_bytes`` is four),
so anything deeper than :data:`MAX_NESTING` is refused with its line.
"""

from __future__ import annotations

import re
from typing import Any

from listingkit.ruleset.locate import KeyPath

__all__ = ["MAX_NESTING", "deep_bracket_line", "deep_key_path"]

MAX_NESTING = 32

# What ends the current state, per state: "" outside strings and comments. Line
# breaks matter only where they end a state; the line is counted once, at the end.
_NEXT = {
    "": re.compile(r'"""|\'\'\'|["\'#\[\]{}]'),
    '"': re.compile(r'\\.|["\n]', re.DOTALL),
    "'": re.compile(r"['\n]"),
    '"""': re.compile(r'\\.|"""', re.DOTALL),
    "'''": re.compile(r"'''"),
    "#": re.compile(r"\n"),
}


def deep_bracket_line(text: str, limit: int = MAX_NESTING) -> int | None:
    """The 1-based line where ``[`` and ``{`` first nest deeper than ``limit``, or None.

    Brackets inside strings and comments are not counted. One pass, no recursion.
    """
    state = ""
    depth = 0
    position = 0
    while True:
        match = _NEXT[state].search(text, position)
        if match is None:
            return None
        token = match.group()
        position = match.end()
        if state == "":
            if token in ('"""', "'''", '"', "'", "#"):
                state = token
            elif token in "[{":
                depth += 1
                if depth > limit:
                    return text.count("\n", 0, position) + 1
            else:
                depth = max(depth - 1, 0)
        elif token == "\n" or token == state:  # a line break ends '…', "…" and a comment
            state = ""


def deep_key_path(data: dict[str, Any], limit: int = MAX_NESTING) -> KeyPath | None:
    """A key path of ``data`` longer than ``limit`` (cut to ``limit + 1`` parts), or None.

    Only tables and lists are visited (TOML data holds no other containers), so a
    list of a million numbers costs one pass over it and no path is built for them.
    """
    stack: list[tuple[KeyPath, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if len(path) > limit:
            return path
        items = node.items() if type(node) is dict else enumerate(node)
        stack.extend(((*path, key), value) for key, value in items if type(value) in _CONTAINERS)
    return None


_CONTAINERS = (dict, list)
