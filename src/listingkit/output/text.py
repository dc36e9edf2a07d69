"""The operator's format: Chinese, one block per file, a summary line at the end.

A source is cited once: a finding carries ``[依据 N]`` and the notes under the
report say what N is, so the same rule is not repeated under every finding.

``where``, ``with_hint`` and ``summary`` are also used by the other formats,
so an operator reads the same words for a place, a fix and a total everywhere.
The report is escaped first (:func:`~listingkit.output.safe.for_display`): the
only control characters written are the colour codes added here. For
``listingkit titles`` the candidates of each row come first, then the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output.options import RenderOptions
from listingkit.output.safe import for_display, rows_for_display

__all__ = ["render", "summary", "where", "with_hint"]

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_COLOR = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[34m"}

# Hint, source and the rest of a multi-line message sit under the finding they belong to.
_INDENT = "    "


def where(location: Location) -> str:
    """The place inside a file, e.g. ``表 Sheet1 · 行 3 · 列 标题 · 字 1-4``.

    Empty for a finding about the whole file.
    """
    parts = []
    if location.sheet:
        parts.append(f"表 {location.sheet}")
    if location.row is not None:
        parts.append(f"行 {location.row}")
    if location.column:
        parts.append(f"列 {location.column}")
    if location.span:
        # A span is 0-based and end-exclusive; operators count characters from 1.
        first = location.span[0] + 1
        last = max(location.span[1], first)
        parts.append(f"字 {first}" if first == last else f"字 {first}-{last}")
    return " · ".join(parts)


def with_hint(finding: Finding) -> str:
    """The message, followed by the hint when there is one (for one-line formats)."""
    if finding.hint:
        return f"{finding.message}（建议：{finding.hint}）"
    return finding.message


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


class _Notes:
    """The sources cited in a report, numbered in the order they are first met."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def number(self, source: str) -> int:
        return self._numbers.setdefault(source, len(self._numbers) + 1)

    def lines(self) -> list[str]:
        if not self._numbers:
            return []
        return ["依据：", *(f"  [{n}] {source}" for source, n in self._numbers.items())]


def _finding_lines(finding: Finding, color: bool, notes: _Notes) -> list[str]:
    place = where(finding.location)
    label = _paint(f"{finding.severity.label} {finding.code}", _COLOR[finding.severity], color)
    first, *rest = finding.message.split("\n")
    if finding.source:
        first += f" [依据 {notes.number(finding.source)}]"
    head = f"{place} · " if place else ""
    lines = [f"  {head}{label} {finding.name}：{first}", *(_INDENT + line for line in rest)]
    if finding.hint:
        lines.append(f"{_INDENT}→ 建议：{finding.hint}")
    return lines


def summary(report: Report) -> str:
    """``检查了 N 个对象，发现 …`` with only the severities that occur."""
    checked = f"检查了 {len(report.subjects)} 个对象"
    counts = [
        f"{report.count(severity)} 个{severity.label}"
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if report.count(severity)
    ]
    if not counts:
        return f"{checked}，没有发现问题"
    return f"{checked}，发现 {'、'.join(counts)}"


def _row_lines(row: Mapping[str, Any]) -> list[str]:
    item = f" 货号 {row['item']}" if row.get("item") else ""
    lines = [f"第 {row['row']} 行{item}"]
    candidates = row["candidates"]
    for index, candidate in enumerate(candidates, start=1):
        lines.append(f"  {index}. {candidate['title']}（{candidate['units']}）")
    if not candidates:
        lines.append("  （没有候选标题，原因见下方的问题）")
    elif candidates[0]["dropped"]:
        dropped = "；".join(f"{d['word']}（{d['reason']}）" for d in candidates[0]["dropped"])
        lines.append(f"     省略：{dropped}")
    suggested = row.get("suggested") or []
    if suggested:
        # Searches with demand that no candidate reaches: the operator decides.
        words = "、".join(str(s["keyword"]) for s in suggested)
        lines.append(f"     建议补充的搜索词：{words}")
    return lines


def _write_rows(rows: Sequence[Mapping[str, Any]], stream: TextIO) -> None:
    """Each row of a parameter sheet with its candidate titles, best first."""
    for row in rows_for_display(rows):
        stream.write("\n".join(_row_lines(row)) + "\n")
    stream.write("\n")


def render(report: Report, stream: TextIO, options: RenderOptions) -> None:
    """Write the titles rows if any, the findings grouped per file, the sources they cite,
    then the summary line."""
    color = options.color
    if options.rows is not None:
        _write_rows(options.rows, stream)
    report = for_display(report)
    notes = _Notes()
    for path, findings in report.by_path().items():
        stream.write(_paint(path, _BOLD, color) + "\n")
        for finding in findings:
            stream.write("\n".join(_finding_lines(finding, color, notes)) + "\n")
        stream.write("\n")
    if cited := notes.lines():
        stream.write("\n".join(cited) + "\n\n")
    stream.write(summary(report) + "\n")
