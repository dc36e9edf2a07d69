"""GitHub Actions workflow commands: each finding becomes an annotation on its file.

See https://docs.github.com/actions/reference/workflow-commands-for-github-actions.
The report is escaped first (:func:`~listingkit.output.safe.for_display`), then
each value as the runner reads it, so no file name or message can end a command
early or start a line of its own: every line written starts with ``::`` only
where a command is meant.
"""

from __future__ import annotations

from typing import TextIO

from listingkit.findings import Finding, Report, Severity
from listingkit.output.options import RenderOptions
from listingkit.output.safe import for_display
from listingkit.output.text import summary, where, with_hint

__all__ = ["escape_data", "escape_property", "render"]

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message: a raw newline would end the command early."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a ``key=value`` property: ``,`` and ``:`` delimit the properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(finding: Finding) -> str:
    properties = [f"file={escape_property(finding.location.path)}"]
    if finding.location.row is not None:
        properties.append(f"line={finding.location.row}")
    properties.append(f"title={escape_property(f'{finding.code} {finding.name}')}")
    # The annotation only shows a line number; sheet, column and characters go in the text.
    place = where(finding.location)
    message = f"{place}：{with_hint(finding)}" if place else with_hint(finding)
    return f"::{_COMMAND[finding.severity]} {','.join(properties)}::{escape_data(message)}"


def render(report: Report, stream: TextIO, options: RenderOptions) -> None:
    """Write one collapsible group of annotations per file, then the summary line."""
    report = for_display(report)
    for path, findings in report.by_path().items():
        stream.write(f"::group::{escape_data(path)}\n")
        for finding in findings:
            stream.write(_annotation(finding) + "\n")
        stream.write("::endgroup::\n")
    # A plain line is logged as is; without it a clean run would print nothing at all.
    stream.write(summary(report) + "\n")
