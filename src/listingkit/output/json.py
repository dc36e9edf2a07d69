"""JSON: :meth:`Report.to_dict`, the shape the Python API returns too.

For ``listingkit titles`` the document is that same shape plus ``rows``, one
object per row of the parameter sheet with its candidates (see docs/cli.md),
under the same ``schema_version``. Strings stay as they are (control characters
as JSON escapes); only the undecodable bytes of a file name are written as the
text ``\\xff`` (see :mod:`listingkit.output.safe`).
"""

from __future__ import annotations

from typing import Any, TextIO

from listingkit.findings import Report
from listingkit.output.options import RenderOptions
from listingkit.output.safe import json_text

__all__ = ["document", "render"]


def document(report: Report, options: RenderOptions) -> dict[str, Any]:
    """The JSON document: the report, and the titles rows when there are any."""
    data = report.to_dict()
    if options.rows is not None:
        data["rows"] = [dict(row) for row in options.rows]
    return data


def render(report: Report, stream: TextIO, options: RenderOptions) -> None:
    """Write the document as indented JSON; Chinese stays readable (no ``\\u`` escapes)."""
    stream.write(json_text(document(report, options)) + "\n")
