"""Titles for a whole parameter sheet: compose each row, lint existing titles, write a workbook.

A row that cannot give a title is a finding (TITLE040) naming its row and
column; the other rows are still composed. The input sheet is never written:
results go to a new workbook with the original columns, the candidates and
their lengths, the words left out and each row's findings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from listingkit.engine import active_checks, run_checks
from listingkit.errors import SheetError
from listingkit.findings import Finding, Location, Report, Subject
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.sheets import PARAMETER_COLUMNS, Sheet, SheetRow, find_columns, split_list
from listingkit.sheets.checks import sheet_findings
from listingkit.title.batch import compose_many
from listingkit.title.compose import TitleCandidate, TitleParams
from listingkit.title.lint import TitleInput, TitleLinter
from listingkit.title.score import KeywordScores
from listingkit.title.subject import RowSubject

__all__ = ["COLUMN_LABELS", "RowOutcome", "SheetTitles", "compose_sheet", "titles_workbook_rows"]

#: The Chinese name of each parameter column, as operators write it in --columns.
COLUMN_LABELS = {
    "item": "货号",
    "category": "类目词",
    "brand": "品牌",
    "product": "产品词",
    "attribute": "属性词",
    "marketing": "营销词",
    "modifier": "修饰词",
    "title": "标题",
}


@dataclass
class RowOutcome:
    """One row: its number, its 货号, the candidates, or why there are none."""

    row: int
    item: str | None
    candidates: list[TitleCandidate]
    error: str | None = None
    error_column: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "item": self.item,
            "candidates": [c.to_dict() for c in self.candidates],
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class SheetTitles:
    sheet: Sheet
    display: str
    outcomes: list[RowOutcome]
    report: Report


def _mapping(sheet: Sheet, columns: Mapping[str, str] | None) -> dict[str, str]:
    found = find_columns(sheet, PARAMETER_COLUMNS, columns)
    if "product" not in found:
        raise SheetError(
            f"{sheet.where}：找不到产品词列（表头有：{'、'.join(sheet.headers)}）；"
            "请把产品词所在列的表头改为“产品词”，或用 --columns 产品词=列名 指定"
        )
    return found


def _params(row: SheetRow, columns: Mapping[str, str]) -> TitleParams:
    def words(field_name: str) -> tuple[str, ...]:
        header = columns.get(field_name)
        return tuple(split_list(row.get(header))) if header else ()

    return TitleParams(
        product=words("product"),
        category=words("category"),
        brand=words("brand"),
        attribute=words("attribute"),
        marketing=words("marketing"),
        modifier=words("modifier"),
    )


def compose_sheet(
    sheet: Sheet,
    rules: Rules,
    *,
    keywords: KeywordScores | None = None,
    n: int = 5,
    columns: Mapping[str, str] | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    segmenter: str = "jieba",
    display: str | None = None,
    workers: int | None = None,
) -> SheetTitles:
    """Compose ``n`` candidates for every row; lint a 标题 column if the sheet has one.

    Large sheets are composed on every core (``workers``, default: all).
    """
    found = _mapping(sheet, columns)
    shown = display or os.fspath(sheet.path)
    params = [_params(row, found) for row in sheet.rows]
    composed = compose_many(
        params,
        rules,
        keywords=keywords,
        n=n,
        segmenter=segmenter,
        workers=workers,
        select=select,
        ignore=ignore,
    )
    selection = Selection(tuple(select), tuple(ignore))
    row_checks = active_checks("sheet_row", rules, selection)
    title_header = found.get("title")
    linter = TitleLinter(rules, select=select, ignore=ignore, segmenter=segmenter)
    item_header = found.get("item")
    outcomes: list[RowOutcome] = []
    for row, row_params, result in zip(sheet.rows, params, composed, strict=True):
        outcome = RowOutcome(row.row, row.get(item_header) if item_header else None, [])
        if isinstance(result, str):
            outcome.error, outcome.error_column = result, found["product"]
        else:
            outcome.candidates = result
        where = Location(shown, sheet.name, row.row, found["product"])
        subject = RowSubject(outcome.row, outcome.error, outcome.error_column)
        outcome.findings += run_checks(row_checks, subject, where, rules)
        if title_header and row.get(title_header):
            outcome.findings += linter.lint(
                TitleInput(
                    row.get(title_header),
                    shown,
                    sheet.name,
                    row.row,
                    title_header,
                    row_params.product,
                )
            )
        outcomes.append(outcome)
    # Duplicate headers and merged cells (SHEET0xx) belong to the sheet, not to a row.
    read = sheet_findings(sheet, rules, display=shown, select=select, ignore=ignore)
    report = Report(
        rules.platform,
        [*read, *(f for o in outcomes for f in o.findings)],
        [Subject(shown, sheet.name, o.row) for o in outcomes],
    )
    return SheetTitles(sheet, shown, outcomes, report)


def _dropped_text(candidate: TitleCandidate | None) -> str:
    if candidate is None:
        return ""
    return "；".join(f"{d.word}（{d.reason}）" for d in candidate.dropped)


def _findings_text(findings: Sequence[Finding]) -> str:
    return "；".join(f"{f.code} {f.message}" for f in findings)


def titles_workbook_rows(result: SheetTitles, n: int) -> tuple[list[str], list[list[object]]]:
    """Headers and rows of the results workbook: the sheet, then candidates and findings."""
    headers = list(result.sheet.headers)
    for i in range(1, n + 1):
        headers += [f"候选标题{i}", f"长度{i}"]
    headers += ["省略的词", "问题"]
    by_row = {o.row: o for o in result.outcomes}
    rows: list[list[object]] = []
    for row in result.sheet.rows:
        outcome = by_row[row.row]
        cells: list[object] = [row.get(h) for h in result.sheet.headers]
        for i in range(n):
            candidate = outcome.candidates[i] if i < len(outcome.candidates) else None
            cells += [candidate.title, candidate.units] if candidate else ["", ""]
        best = outcome.candidates[0] if outcome.candidates else None
        cells += [_dropped_text(best), _findings_text(outcome.findings)]
        rows.append(cells)
    return headers, rows
