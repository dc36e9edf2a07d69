"""The comment a rule file writes next to a key: why a value was chosen.

A rule file explains a stricter or unusual choice in a TOML comment, on the
key's own line or on the comment lines right above it. ``tomllib`` drops
comments, so they are read from the text here, for ``rules show``.
"""

from __future__ import annotations

from pathlib import Path

from listingkit.errors import InputError
from listingkit.safeio.read import MAX_RULE_FILE_BYTES, read_input

__all__ = ["comment_at", "read_lines"]


def read_lines(path: Path) -> list[str]:
    """The lines of a rule file already loaded once, read again through the safe reader."""
    try:
        data = read_input(path, what="规则文件", limit=MAX_RULE_FILE_BYTES)
    except InputError:
        return []  # changed since it was loaded: show no comment rather than stop
    return data.decode("utf-8-sig", errors="replace").splitlines()


def _trailing_comment(line: str) -> str | None:
    """The ``# …`` at the end of a ``key = value`` line, outside strings."""
    quote = ""
    escaped = False
    for index, char in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[index + 1 :].strip() or None
    return None


def comment_at(lines: list[str], line: int) -> str | None:
    """The comment explaining the key set at 1-based ``line``: above it, then at its end."""
    if not 1 <= line <= len(lines):
        return None
    above: list[str] = []
    index = line - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        above.insert(0, lines[index].lstrip().lstrip("#").strip())
        index -= 1
    parts = [text for text in above if text]
    trailing = _trailing_comment(lines[line - 1])
    if trailing:
        parts.append(trailing)
    return " ".join(parts) or None
