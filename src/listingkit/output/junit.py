"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One test case per subject the run checked -- a file, an image, a title row
(``标题.txt:3``, ``参数表.xlsx[Sheet1]:5``) -- sorted by path, then sheet, then
row number. A case fails only for findings at or above the ``--fail-on``
threshold (default error), so the failures agree with the exit status; the
findings below it are kept in the case's ``<system-out>``. A finding whose
place was not a subject of the run (a folder that could not be walked, a
sheet's header row, the keyword file) gets a case named after its file.

The report is escaped first (:func:`~listingkit.output.safe.for_display`):
ElementTree writes characters XML 1.0 forbids (ESC, U+FFFF) without complaint,
and the document would not parse.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output.options import RenderOptions
from listingkit.output.safe import for_display
from listingkit.output.text import where, with_hint

__all__ = ["render", "to_xml"]

# A case is a file (sheet and row None), a sheet, or a row of either.
_Key = tuple[str, str | None, int | None]


def _failure_text(finding: Finding) -> str:
    place = where(finding.location)
    lines = [
        f"位置：{finding.location.path}" + (f" · {place}" if place else ""),
        f"级别：{finding.severity.label}",
        f"问题：{finding.message}",
    ]
    if finding.hint:
        lines.append(f"建议：{finding.hint}")
    if finding.source:
        lines.append(f"依据：{finding.source}")
    return "\n".join(lines)


def _output_line(finding: Finding) -> str:
    """One line per finding below the threshold, with the same facts as a failure."""
    place = where(finding.location)
    head = f"{place} · " if place else ""
    source = f"（依据：{finding.source}）" if finding.source else ""
    label = f"{finding.severity.label} {finding.code} {finding.name}"
    return f"{head}{label}：{with_hint(finding)}{source}"


def _cases(report: Report) -> dict[_Key, list[Finding]]:
    """Each subject with its findings, and a case per file for findings outside every subject."""
    cases: dict[_Key, list[Finding]] = {}
    for subject in report.checked():
        cases.setdefault((subject.path, subject.sheet, subject.row), [])
    for finding in report.findings:
        at = finding.location
        row: _Key = (at.path, at.sheet, at.row)
        whole_file: _Key = (at.path, None, None)
        if row in cases:
            cases[row].append(finding)
        elif whole_file in cases:
            cases[whole_file].append(finding)
        else:
            cases.setdefault((at.path, at.sheet, None), []).append(finding)
    return cases


def _order(key: _Key) -> tuple[str, str, int]:
    # Rows by number (row 10 after row 9); the whole file before its rows.
    path, sheet, row = key
    return (path, sheet or "", -1 if row is None else row)


def _testcase(key: _Key, findings: list[Finding], fail_on: Severity) -> ET.Element:
    case = ET.Element("testcase", classname="listingkit", name=str(Location(*key)))
    for finding in findings:
        if finding.severity.at_least(fail_on):
            failure = ET.SubElement(case, "failure", type=finding.code, message=finding.message)
            failure.text = _failure_text(finding)
    below = [_output_line(f) for f in findings if not f.severity.at_least(fail_on)]
    if below:
        ET.SubElement(case, "system-out").text = "\n".join(below)
    return case


def to_xml(report: Report, fail_on: Severity = Severity.ERROR) -> ET.Element:
    """The ``<testsuites>`` element; test cases sorted by subject, no timestamps."""
    report = for_display(report)
    grouped = _cases(report)
    cases = [_testcase(key, grouped[key], fail_on) for key in sorted(grouped, key=_order)]
    # "failures" counts failed test cases, not failure elements, so it never exceeds "tests".
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for case in cases if case.find("failure") is not None)),
        "errors": "0",
        "skipped": "0",
    }
    root = ET.Element("testsuites", {"name": "listingkit", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": f"listingkit.{report.platform}", **counts})
    # Says why a warning is output rather than a failure.
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="fail-on", value=str(fail_on))
    suite.extend(cases)
    ET.indent(root)
    return root


def render(report: Report, stream: TextIO, options: RenderOptions) -> None:
    """Write the report as a UTF-8 JUnit XML document."""
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(to_xml(report, options.fail_on), encoding="unicode") + "\n")
