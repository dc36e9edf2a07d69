"""JSON: exactly :meth:`Report.to_dict`, the shape the Python API returns too."""

from __future__ import annotations

import json
from typing import TextIO

from listingkit.findings import Report

__all__ = ["render"]


def render(report: Report, stream: TextIO, *, color: bool = False) -> None:
    """Write the report as indented JSON; Chinese stays readable (no ``\\u`` escapes)."""
    stream.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
