"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

The ``rules[]`` of the run are one per code that has a finding, built from the
check documentation the command hands in (``docs``), so a viewer can show the
check's documentation next to a result.

Where a finding is inside a file:

- a line of a text file (a title file's line, a CSV row): ``region.startLine``,
  and for a title file, where the title is the whole line, the characters the
  finding names as ``startColumn``/``endColumn`` (code points, ``columnKind``);
- a cell of a workbook (.xlsx): SARIF has no sheets and a binary file has no
  lines, so there is no region; a ``logicalLocations`` entry names the cell the
  way a spreadsheet does (``Sheet1!标题3``) for viewers, and the location's
  ``properties`` carry ``sheet``, ``row`` and ``column`` for scripts.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, TextIO
from urllib.parse import quote

from listingkit._version import __version__
from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output.options import CheckDoc, RenderOptions
from listingkit.output.safe import json_text, uri_bytes
from listingkit.output.text import with_hint

__all__ = ["render", "to_sarif"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/listingkit/listingkit"
_HELP_URI = INFORMATION_URI + "/blob/main/docs/checks.md#"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


# Workbooks are zip files: a row of one is not a line a viewer can jump to.
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _rule(code: str, docs: Mapping[str, CheckDoc]) -> dict[str, Any]:
    doc = docs.get(code)
    if doc is None:  # a code the command had no documentation for
        return {"id": code}
    return {
        "id": code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.doc},
        "help": {"text": doc.doc},
        "helpUri": _HELP_URI + code.lower(),
        "defaultConfiguration": {"level": _LEVEL[doc.severity]},
    }


@lru_cache(maxsize=1024)  # findings come sorted by path: one file's findings share it
def _uri(path: str) -> str:
    # SARIF requires an RFC 3986 URI reference: GitHub rejects a raw non-ASCII
    # path, and a space, "#" or "%" in a name would change its meaning. A name
    # that is not UTF-8 is percent-encoded as the bytes it has on disk (%FF).
    return quote(uri_bytes(path), safe="/")


def _is_workbook(location: Location) -> bool:
    return location.sheet is not None or location.path.lower().endswith(_WORKBOOK_SUFFIXES)


def _line_region(location: Location, row: int) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": row}
    # Without a column the title is the whole line (a title file), so its span
    # (0-based, end-exclusive code points) is a span of the line. In a CSV the
    # cell does not start the line, and the span stays a property.
    if location.column is None and location.span is not None:
        region["startColumn"] = location.span[0] + 1
        region["endColumn"] = location.span[1] + 1
    return region


def _cell(location: Location) -> dict[str, Any]:
    sheet = location.sheet or "Sheet1"
    cell = f"{location.column or ''}{location.row if location.row is not None else ''}"
    name = f"{sheet}!{cell}" if cell else sheet
    known = {"sheet": location.sheet, "row": location.row, "column": location.column}
    return {
        "logicalLocations": [{"name": name, "kind": "element"}],
        "properties": {key: value for key, value in known.items() if value is not None},
    }


def _location(location: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": _uri(location.path), "uriBaseId": "%SRCROOT%"}
    }
    result: dict[str, Any] = {"physicalLocation": physical}
    if location.row is None and location.sheet is None:
        return result
    if _is_workbook(location):
        return {**result, **_cell(location)}
    if location.row is not None:
        # A title file's line, a CSV row: lines a viewer can jump to.
        physical["region"] = _line_region(location, location.row)
    return result


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "name": finding.name,
        "source": finding.source,
        "data": dict(finding.data),
    }
    # A title span counts characters of a cell, not of the file, so it is not a region.
    if finding.location.span:
        properties["span"] = list(finding.location.span)
    if finding.location.column:
        properties["column"] = finding.location.column
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": with_hint(finding)},
        "locations": [_location(finding.location)],
        "properties": properties,
    }


def to_sarif(report: Report, docs: Mapping[str, CheckDoc] | None = None) -> dict[str, Any]:
    """The SARIF log as a dict; no timestamps, so equal reports give equal logs.

    ``docs`` maps a check code to its documentation (the registry's ``CheckSpec``
    will do); a code without an entry gets a rule with its id only.
    """
    codes = sorted({f.code for f in report.findings})
    index = {code: i for i, code in enumerate(codes)}
    driver = {
        "name": "listingkit",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(code, docs or {}) for code in codes],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "results": [_result(f, index[f.code]) for f in report.findings],
                # Spans are counted in code points, as Python counts them.
                "columnKind": "unicodeCodePoints",
                "properties": {"platform": report.platform},
            }
        ],
    }


def render(report: Report, stream: TextIO, options: RenderOptions) -> None:
    """Write the report as a SARIF log."""
    stream.write(json_text(to_sarif(report, options.docs)) + "\n")
