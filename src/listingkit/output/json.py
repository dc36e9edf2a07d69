"""JSON: exactly :meth:`Report.to_dict`, the shape the Python API returns too.

Strings stay as they are (control characters as JSON escapes); only the
undecodable bytes of a file name are written as the text ``\\xff``
(see :mod:`listingkit.output.safe`).
"""

from __future__ import annotations

from typing import TextIO

from listingkit.findings import Report
from listingkit.output.safe import json_text

__all__ = ["render"]


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    """Write the report as indented JSON; Chinese stays readable (no ``\\u`` escapes)."""
    stream.write(json_text(report.to_dict()) + "\n")
