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
from typing import Any

from listingkit.findings import Finding, Location, Report, Subject
from listingkit.printable import CONTROL, printable, without_surrogates

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
    """Indented JSON, Chinese readable, no raw control character, valid UTF-8."""
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
