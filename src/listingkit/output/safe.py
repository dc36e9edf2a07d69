"""User data made safe for each output format, in one place.

File names, sheet and column names, titles quoted in messages and the
sources a store's rule file gives all come from the user's files. Every format
passes the report through this module before writing it:

- text, github and junit render :func:`for_display`: control characters (C0
  except the line break of a multi-line message, DEL, C1 such as NEL,
  U+2028/2029), bidirectional overrides, U+FFFE/U+FFFF and the undecodable
  bytes of a file name become visible escapes (``\\x1b``, ``\\u2028``, ``\\xff``).
  A terminal is never recoloured, a CI log never gets a forged line, and the
  XML is always XML 1.0.
- json and sarif render :func:`json_text`: the strings stay exactly as they
  are, with JSON escapes for every control character (never a raw one), except
  the undecodable bytes of a file name, which UTF-8 cannot carry and which are
  written as the text ``\\xff``.

Every format is then plain UTF-8 that any stream can encode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from json.encoder import encode_basestring as _encode_string
from typing import Any

from listingkit.findings import Finding, Location, Report, Subject
from listingkit.printable import CONTROL, SURROGATE, printable, without_surrogates

__all__ = ["for_display", "json_text", "line", "lines", "rows_for_display", "uri_bytes"]


def line(text: str) -> str:
    """A one-line value (a path, a sheet or column name) with every control character escaped."""
    return printable(text)


def lines(text: str) -> str:
    """A message: its line breaks kept, every other control character escaped."""
    return printable(text, keep_newlines=True)


def _optional(text: str | None, escape: Callable[[str], str]) -> str | None:
    return None if text is None else escape(text)


def _deep(value: Any, escape: Callable[[str], str]) -> Any:
    """``value`` with every string in it (keys too) escaped, containers rebuilt."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, Mapping):
        return {_deep(k, escape): _deep(v, escape) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_deep(item, escape) for item in value]
    return value


def _location(location: Location) -> Location:
    return Location(
        line(location.path),
        _optional(location.sheet, line),
        location.row,
        _optional(location.column, line),
        location.span,
    )


def _finding(finding: Finding) -> Finding:
    return replace(
        finding,
        location=_location(finding.location),
        code=line(finding.code),
        name=line(finding.name),
        message=lines(finding.message),
        hint=_optional(finding.hint, lines),
        source=_optional(finding.source, lines),
        data=_deep(dict(finding.data), lines),
    )


def _subject(subject: Subject) -> Subject:
    return Subject(line(subject.path), _optional(subject.sheet, line), subject.row)


def for_display(report: Report) -> Report:
    """The report with every string escaped for a terminal, a CI log or XML."""
    shown = Report(line(report.platform), [], [_subject(s) for s in report.checked()])
    # Assigned, not passed in: Report would sort again, by the escaped names.
    shown.findings = [_finding(f) for f in report.findings]
    return shown


def rows_for_display(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``titles`` rows with every string (a title, a word, a 货号) escaped as one line."""
    return [_deep(row, line) for row in rows]


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any) -> str:
    """Indented JSON, Chinese readable, no raw control character, valid UTF-8.

    Written by :class:`_Writer`, which gives exactly what :func:`_json_text_slow`
    gives in one pass; anything it does not know (a type JSON refuses, a key
    that escaping would merge with another) is left to the slow path.
    """
    try:
        return _Writer().text(value)
    except _Unsure:
        return _json_text_slow(value)


def _json_text_slow(value: Any) -> str:
    """The reference: :func:`json.dumps` of the escaped value, then control characters."""
    text = json.dumps(_deep(value, without_surrogates), ensure_ascii=False, indent=2)
    # json.dumps escapes C0 itself but writes DEL, C1 (NEL, CSI), U+2028/2029 and
    # bidi overrides raw; they can only sit inside strings, where \u escapes mean
    # the same. The newlines that remain are the indentation's.
    return "\n".join(CONTROL.sub(_json_escape, part) for part in text.split("\n"))


def uri_bytes(path: str) -> bytes:
    """The bytes a path names on disk: an undecodable byte kept as itself (``\\xff``)."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate os.fsdecode does not make: keep it encodable
        return path.encode("utf-8", "surrogatepass")


class _Unsure(Exception):
    """A value :class:`_Writer` leaves to :func:`json.dumps`."""


_INDENT = "  "


def _float_text(value: float) -> str:
    # As json.dumps with allow_nan: NaN and the infinities as JavaScript names.
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


_INFINITY = float("inf")


class _Writer:
    """``json.dumps(..., ensure_ascii=False, indent=2)`` of the escaped value, fused.

    A report repeats the same strings (keys, codes, names, messages, paths)
    thousands of times: each distinct string is escaped and encoded once. The
    standard encoder with an indent runs in Python, through generators; this
    writer appends to one list instead.
    """

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.keys: dict[str, str] = {}  # plain str keys only: 1, 1.0 and True are equal keys
        self.breaks: list[str] = ["\n"]
        self.parts: list[str] = []

    def text(self, value: Any) -> str:
        self.value(value, 0)
        return "".join(self.parts)

    def string(self, text: str) -> str:
        encoded = self.strings.get(text) if type(text) is str else None
        if encoded is None:
            # Control characters only ever sit inside strings: escaped here as
            # the reference escapes them in the whole text.
            encoded = CONTROL.sub(_json_escape, _encode_string(without_surrogates(text)))
            if type(text) is str:  # a subclass may compare equal to other text
                self.strings[text] = encoded
        return encoded

    def key(self, key: Any) -> str:
        if isinstance(key, str):
            if SURROGATE.search(key):  # escaped keys might merge: the reference decides
                raise _Unsure
            encoded = self.string(key)
            if type(key) is str:
                self.keys[key] = encoded
            return encoded
        if isinstance(key, float):
            return self.string(_float_text(key))
        if key is True:
            return '"true"'
        if key is False:
            return '"false"'
        if key is None:
            return '"null"'
        if isinstance(key, int):
            return self.string(int.__repr__(key))
        raise _Unsure

    def newline(self, level: int) -> str:
        breaks = self.breaks
        while len(breaks) <= level:
            breaks.append("\n" + _INDENT * len(breaks))
        return breaks[level]

    def value(self, value: Any, level: int) -> None:
        add = self.parts.append
        if isinstance(value, str):
            add(self.string(value))
        elif value is None:
            add("null")
        elif value is True:
            add("true")
        elif value is False:
            add("false")
        elif isinstance(value, int):
            add(int.__repr__(value))
        elif isinstance(value, float):
            add(_float_text(value))
        elif isinstance(value, Mapping):
            self.mapping(value, level)
        elif isinstance(value, list | tuple):
            self.sequence(value, level)
        else:
            raise _Unsure

    def mapping(self, value: Mapping[Any, Any], level: int) -> None:
        add = self.parts.append
        if not value:
            add("{}")
            return
        strings, keys, string, key_text = self.strings, self.keys, self.string, self.key
        inner = self.newline(level + 1)
        separator = "{" + inner
        for key, item in value.items():
            add(separator)
            encoded = keys.get(key) if type(key) is str else None
            add(encoded if encoded is not None else key_text(key))
            add(": ")
            if type(item) is str:  # the common leaf, without a call
                encoded = strings.get(item)
                add(encoded if encoded is not None else string(item))
            else:
                self.value(item, level + 1)
            separator = "," + inner
        add(self.breaks[level])  # made with level + 1
        add("}")

    def sequence(self, value: list[Any] | tuple[Any, ...], level: int) -> None:
        add = self.parts.append
        if not value:
            add("[]")
            return
        strings, string = self.strings, self.string
        inner = self.newline(level + 1)
        separator = "[" + inner
        for item in value:
            add(separator)
            if type(item) is str:
                encoded = strings.get(item)
                add(encoded if encoded is not None else string(item))
            else:
                self.value(item, level + 1)
            separator = "," + inner
        add(self.breaks[level])  # made with level + 1
        add("]")
