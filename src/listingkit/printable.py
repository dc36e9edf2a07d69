"""User text made safe to show: no control character reaches a terminal or a log.

File names and cell values come from photographers, suppliers and competitors'
exports. An ESC in a title would recolour or rewrite the operator's terminal,
a newline in a file name would start a forged line in a CI log, and a name
that is not UTF-8 (held by Python as lone surrogates) cannot be encoded at all.
:func:`printable` shows each of these as a visible escape instead.
"""

from __future__ import annotations

import os
import re

__all__ = ["CONTROL", "SURROGATE", "printable", "show_path", "without_surrogates"]

#: C0 controls, DEL, C1 controls (NEL, CSI …), the line and paragraph separators,
#: the bidirectional embeddings, overrides and isolates (they reorder what the
#: reader sees), U+FFFE and U+FFFF (not characters; XML forbids them), and the
#: lone surrogates that stand for undecodable bytes of a file name.
CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)

#: Lone surrogates only: what UTF-8 cannot encode at all.
SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 name, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character shown as ``\\x1b``-style escape.

    ``keep_newlines`` leaves ``\\n`` alone, for messages that are meant to span lines.
    """
    if keep_newlines:
        return "\n".join(CONTROL.sub(_escape, line) for line in text.split("\n"))
    return CONTROL.sub(_escape, text)


def without_surrogates(text: str) -> str:
    """``text`` with only the undecodable bytes of a name escaped (``\\xff``), all else kept.

    For formats that escape control characters themselves (JSON) but must stay
    valid UTF-8.
    """
    return SURROGATE.sub(_escape, text)


def show_path(path: str | os.PathLike[str]) -> str:
    """A path as messages name it: undecodable bytes and control characters escaped."""
    return printable(os.fspath(path))
