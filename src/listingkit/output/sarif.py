"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

The ``rules[]`` of the run come from the registry, one per code that has a
finding, so a viewer can show the check's documentation next to a result.
"""

from __future__ import annotations

from typing import Any, TextIO
from urllib.parse import quote

from listingkit import __version__
from listingkit.codes import CODES
from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output.safe import json_text, uri_bytes
from listingkit.output.text import with_hint
from listingkit.registry import CheckSpec, describe

__all__ = ["render", "to_sarif"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/listingkit/listingkit"
_HELP_URI = INFORMATION_URI + "/blob/main/docs/checks.md#"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _spec(code: str) -> CheckSpec | None:
    # describe() would raise a usage error for a code outside the table.
    return describe(code) if code in CODES else None


def _rule(code: str) -> dict[str, Any]:
    spec = _spec(code)
    if spec is None:
        return {"id": code}
    return {
        "id": code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": spec.doc},
        "help": {"text": spec.doc},
        "helpUri": _HELP_URI + code.lower(),
        "defaultConfiguration": {"level": _LEVEL[spec.severity]},
    }


def _uri(path: str) -> str:
    # SARIF requires an RFC 3986 URI reference: GitHub rejects a raw non-ASCII
    # path, and a space, "#" or "%" in a name would change its meaning. A name
    # that is not UTF-8 is percent-encoded as the bytes it has on disk (%FF).
    return quote(uri_bytes(path), safe="/")


def _location(location: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": _uri(location.path), "uriBaseId": "%SRCROOT%"}
    }
    result: dict[str, Any] = {"physicalLocation": physical}
    if location.row is None and location.sheet is None:
        return result
    if location.path.lower().endswith(".csv"):
        # A CSV row is a text line, so a viewer can jump to it.
        if location.row is not None:
            physical["region"] = {"startLine": location.row}
        return result
    # An xlsx has no lines: name the cell the way a spreadsheet does (Sheet1!标题3).
    sheet = location.sheet or "Sheet1"
    cell = f"{location.column or ''}{location.row if location.row is not None else ''}"
    name = f"{sheet}!{cell}" if cell else sheet
    result["logicalLocations"] = [{"name": name, "kind": "element"}]
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


def to_sarif(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict; no timestamps, so equal reports give equal logs."""
    codes = sorted({f.code for f in report.findings})
    index = {code: i for i, code in enumerate(codes)}
    driver = {
        "name": "listingkit",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(code) for code in codes],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "results": [_result(f, index[f.code]) for f in report.findings],
                "properties": {"platform": report.platform},
            }
        ],
    }


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    """Write the report as a SARIF log."""
    stream.write(json_text(to_sarif(report)) + "\n")
