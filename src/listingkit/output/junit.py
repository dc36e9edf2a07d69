"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

Each subject is a test case; a warning or an error fails it, and info findings
are kept as its output so nothing is lost. The report is escaped first
(:func:`~listingkit.output.safe.for_display`): ElementTree writes characters
XML 1.0 forbids (ESC, U+FFFF) without complaint, and the document would not parse.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from listingkit.findings import Finding, Report, Severity
from listingkit.output.safe import for_display
from listingkit.output.text import where, with_hint

__all__ = ["render", "to_xml"]


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


def _info_line(finding: Finding) -> str:
    place = where(finding.location)
    head = f"{place} · " if place else ""
    return f"{head}{finding.severity.label} {finding.code} {finding.name}：{with_hint(finding)}"


def _testcase(name: str, findings: list[Finding]) -> ET.Element:
    case = ET.Element("testcase", classname="listingkit", name=name)
    for finding in findings:
        if finding.severity.rank >= Severity.WARNING.rank:
            failure = ET.SubElement(case, "failure", type=finding.code, message=finding.message)
            failure.text = _failure_text(finding)
    infos = [_info_line(f) for f in findings if f.severity is Severity.INFO]
    if infos:
        ET.SubElement(case, "system-out").text = "\n".join(infos)
    return case


def to_xml(report: Report) -> ET.Element:
    """The ``<testsuites>`` element; test cases sorted by subject, no timestamps."""
    report = for_display(report)
    groups = report.by_path()
    names = sorted(set(report.subjects) | set(groups))
    cases = [_testcase(name, groups.get(name, [])) for name in names]
    # "failures" counts failed test cases, not failure elements, so it never exceeds "tests".
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for case in cases if case.find("failure") is not None)),
        "errors": "0",
        "skipped": "0",
    }
    root = ET.Element("testsuites", {"name": "listingkit", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": f"listingkit.{report.platform}", **counts})
    suite.extend(cases)
    ET.indent(root)
    return root


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    """Write the report as a UTF-8 JUnit XML document."""
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(to_xml(report), encoding="unicode") + "\n")
