"""The sheet layer for title work: read parameter and keyword sheets, write results.

A parameter sheet (one product per row: 货号, 类目词, 品牌, 产品词, 属性词 …)
becomes candidate titles; a keyword sheet exported from 生意参谋 (.xlsx, .xls
or .csv, report lines above the header and all) gives each search term its
搜索人气, 点击率 and 支付转化率::

    from listingkit.sheets import PARAMETER_COLUMNS, find_columns, read_sheet

    sheet = read_sheet("参数表.xlsx")
    columns = find_columns(sheet, PARAMETER_COLUMNS)
    for row in sheet.rows:
        print(row.row, row.get(columns["product"]))

Every cell arrives as the text the operator typed; every error names the file,
and the sheet, row and column where there is one. python-calamine and openpyxl
are imported only when a workbook is actually read or written.
"""

from __future__ import annotations

from listingkit.sheets.columns import (
    KEYWORD_COLUMNS,
    PARAMETER_COLUMNS,
    find_columns,
    normalise_header,
)
from listingkit.sheets.keywords import (
    KEYWORD_LABELS,
    KeywordStat,
    KeywordTable,
    parse_number,
    read_keywords,
)
from listingkit.sheets.model import Sheet, SheetProblem, SheetRow
from listingkit.sheets.reader import read_sheet
from listingkit.sheets.text import cell_text, split_list
from listingkit.sheets.writer import write_xlsx

__all__ = [
    "KEYWORD_COLUMNS",
    "KEYWORD_LABELS",
    "PARAMETER_COLUMNS",
    "KeywordStat",
    "KeywordTable",
    "Sheet",
    "SheetProblem",
    "SheetRow",
    "cell_text",
    "find_columns",
    "normalise_header",
    "parse_number",
    "read_keywords",
    "read_sheet",
    "split_list",
    "write_xlsx",
]
