"""SHEET0xx: a sheet that was read, but not all of it the way the operator meant.

A sheet that cannot be read at all stops the run (:class:`~listingkit.errors.SheetError`).
These are the quieter losses: a second column under a header already used, the
cells a merged range leaves blank, the rows of a keyword sheet that were left out.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from listingkit.engine import active_checks, run_checks
from listingkit.findings import Finding, Hit, Location, Severity
from listingkit.registry import Selection, check
from listingkit.ruleset import Rules
from listingkit.sheets.keywords import KeywordTable
from listingkit.sheets.model import CellRange, DuplicateHeader, Sheet, SheetProblem

__all__ = [
    "SheetSubject",
    "duplicate_header",
    "keyword_row_skipped",
    "merged_cells",
    "sheet_findings",
]


@dataclass(frozen=True, slots=True)
class SheetSubject:
    """What reading one parameter or keyword sheet noticed without stopping."""

    header_row: int
    duplicate_headers: Sequence[DuplicateHeader] = ()
    merged: Sequence[CellRange] = ()
    more_merged: int = 0
    skipped_rows: Sequence[SheetProblem] = ()

    @classmethod
    def of(cls, source: Sheet | KeywordTable) -> SheetSubject:
        skipped = source.problems if isinstance(source, KeywordTable) else ()
        return cls(
            source.header_row,
            source.duplicate_headers,
            source.merged,
            source.more_merged,
            skipped,
        )


def sheet_findings(
    source: Sheet | KeywordTable,
    rules: Rules,
    *,
    display: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[Finding]:
    """The SHEET findings of a sheet or keyword table that was read.

    ``display`` is the path as reports show it (default: the path read).
    """
    specs = active_checks("sheet", rules, Selection(tuple(select), tuple(ignore)))
    name = source.name if isinstance(source, Sheet) else source.sheet
    place = Location(display or os.fspath(source.path), name)
    return run_checks(specs, SheetSubject.of(source), place, rules)


@check("SHEET001", "duplicate-header", subject="sheet")
def duplicate_header(subject: SheetSubject, rules: Rules) -> Iterator[Hit]:
    """两列的表头相同：只有第一列按这个名字读取。

    ## 检查什么
    表头行里是否有两个或更多单元格写着同一个列名（忽略全角半角、大小写、空格和结尾括号里的
    备注，“标题”与“标题（必填）”算同一个）。只有最左边的一列按这个名字读取，后面的列
    读作“标题 (2)”，组标题和检查标题时都不会用到。

    ## 为什么
    从几张表拼起来的参数表常常出现两列“标题”或两列“属性词”；第二列的内容被悄悄略过，
    生成和检查的结果就少了一半依据。

    ## 示例
    Okay: 表头 货号、产品词、标题
    SHEET001: 表头 货号、标题、产品词、标题（B1 和 D1 都叫“标题”）
    """
    for duplicate in subject.duplicate_headers:
        first, *later = duplicate.cells
        if len(set(duplicate.texts)) == 1:
            names = f"{_joined(duplicate.cells)} 都叫“{duplicate.texts[0]}”"
        else:
            written = [f"{c}“{t}”" for c, t in zip(duplicate.cells, duplicate.texts, strict=True)]
            names = f"{_joined(written)} 是同一个列名"
        yield Hit(
            f"{names}：只有 {first} 所在的列按这个名字读取，"
            f"{_joined(later)} 所在的列没有被当作这一列使用",
            hint="把多余的列改名或删掉，让每个列名只出现一次",
            row=subject.header_row,
            column=duplicate.texts[0],
            data={"cells": list(duplicate.cells), "headers": list(duplicate.texts)},
        )


@check("SHEET002", "merged-cells", subject="sheet")
def merged_cells(subject: SheetSubject, rules: Rules) -> Iterator[Hit]:
    """表头或数据里有合并单元格：只有左上角一格有值，其余读作空白。

    ## 检查什么
    工作表（.xlsx）的表头行和数据行里是否有合并单元格。合并区域只有左上角的单元格存着内容，
    其余单元格读出来是空的：合并了 10 行的“品牌”只有第一行有品牌，合并了几列的表头只有
    第一列有名字。表头上方的标题行合并不算。

    ## 为什么
    合并单元格看上去每一行都有值，读出来却是空白：组出的标题会少了品牌或属性词，检查也会漏掉
    这些行。取消合并并把值填到每一格，读到的才和看到的一样。

    ## 示例
    Okay: 参数表.xlsx（没有合并单元格，或只合并了表头上方的标题行）
    SHEET002: 参数表.xlsx：C3:C12 合并成一格写着品牌
    """
    for merge in subject.merged:
        cells = (merge.bottom - merge.top + 1) * (merge.right - merge.left + 1)
        yield Hit(
            f"{merge} 是合并单元格：只有 {merge.first} 有内容，其余 {cells - 1:,} 格读作空白",
            hint="取消合并，并把值填到每一格（取消合并后选中这一片，按 Ctrl+G 定位空值，"
            "输入 = 上一格再按 Ctrl+Enter）",
            row=merge.top + 1,
            data={"range": str(merge)},
        )
    if subject.more_merged:
        yield Hit(
            f"还有 {subject.more_merged:,} 个合并单元格没有逐个列出",
            hint="取消整张表的合并单元格，并把值填到每一格",
            data={"more": subject.more_merged},
        )


@check("SHEET003", "keyword-row-skipped", subject="sheet", severity=Severity.WARNING)
def keyword_row_skipped(subject: SheetSubject, rules: Rules) -> Iterator[Hit]:
    """关键词表的一行没有使用：关键词为空、数字看不懂，或与前面的行重复。

    ## 检查什么
    生意参谋导出的关键词表（`titles --keywords`）里，每一行的关键词和搜索人气、点击率、
    支付转化率、在线商品数能否读懂。关键词为空、数字写成了看不懂的样子（例如“约一千”），
    或关键词与前面某一行重复时，这一行不参与排序。

    ## 为什么
    排序只用读懂了的行；被略过的行如果正是主推词，候选标题的顺序就会不对。

    ## 示例
    Okay: 第 2 行 连衣裙、1,234、12.34%
    SHEET003: 第 3 行 半身裙、约一千（搜索人气不是数字）
    """
    for problem in subject.skipped_rows:
        yield Hit(
            problem.message,
            hint=problem.hint,
            row=problem.row,
            column=problem.column,
            data={"reason": problem.message},
        )


def _joined(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{'、'.join(items[:-1])} 和 {items[-1]}"
