"""Real spreadsheet files in tmp_path: .xlsx by openpyxl, .xls by xlwt, .csv as raw bytes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import openpyxl
import pytest
import xlwt

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
def make_xls(tmp_path: Path) -> Callable[..., Path]:
    """``make_xls("导出.xls", rows)``: a real Excel 97-2003 workbook; row 1 first.

    A float in a column listed in ``percent`` is stored as a number formatted
    ``0.00%``, as Excel shows 7.45% and keeps 0.0745; a date as a date cell.
    """

    def make(
        name: str,
        rows: Rows = (),
        *,
        sheets: Mapping[str, Rows] | None = None,
        percent: Sequence[int] = (),
    ) -> Path:
        book = xlwt.Workbook(encoding="utf-8")
        as_percent = xlwt.easyxf(num_format_str="0.00%")
        as_date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        for title, content in (sheets or {"Sheet1": rows}).items():
            sheet = book.add_sheet(title)
            for number, row in enumerate(content):
                for column, value in enumerate(row or ()):
                    if value is None:
                        continue
                    if isinstance(value, float) and column in percent:
                        sheet.write(number, column, value, as_percent)
                    elif isinstance(value, dt.date):
                        sheet.write(number, column, value, as_date)
                    else:
                        sheet.write(number, column, value)
        path = tmp_path / name
        book.save(str(path))
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
