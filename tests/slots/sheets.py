"""Real .xlsx files for the slot tests: one writer for every test module."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl


def xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A workbook whose first sheet holds ``rows`` (the header first).

    Text that starts with ``=`` is typed as text, as an operator's 货号 that
    looks like a formula is in a sheet exported from a shop's back office.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    book.save(path)
    return path
