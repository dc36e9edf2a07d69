"""Real spreadsheet files in tmp_path: .xlsx written by openpyxl, .csv as raw bytes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import openpyxl
import pytest

Rows = Sequence[Sequence[object] | None]


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """``make_xlsx("参数表.xlsx", rows)`` or with ``sheets={"名": rows, …}``; row 1 first.

    ``None`` rows stay blank, so row numbers in a test read like Excel's.
    """

    def make(
        name: str,
        rows: Rows = (),
        *,
        sheets: Mapping[str, Rows] | None = None,
        hidden: Sequence[str] = (),
    ) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)  # type: ignore[arg-type]
        for title, content in (sheets or {"Sheet1": rows}).items():
            sheet = book.create_sheet(title)
            for number, row in enumerate(content, start=1):
                for column, value in enumerate(row or (), start=1):
                    if value is not None:
                        sheet.cell(row=number, column=column, value=value)
            if title in hidden:
                sheet.sheet_state = "hidden"
        path = tmp_path / name
        book.save(path)
        return path

    return make


@pytest.fixture
def make_csv(tmp_path: Path) -> Callable[..., Path]:
    """``make_csv("词表.csv", "a,b\\n1,2\\n", encoding="gb18030")`` → the file, as those bytes."""

    def make(name: str, text: str, *, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return make
