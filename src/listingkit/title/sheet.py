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
from listingkit.title.batch import Progress, compose_many
from listingkit.title.compose import Suggestion, TitleCandidate, TitleParams
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
    """One row: its number, its 货号, the candidates, or why there are none.

    ``suggested``: with keyword data, the most valuable search terms for the
    row's product word that no candidate covers, best first; None without.
    """

    row: int
    item: str | None
    candidates: list[TitleCandidate]
    error: str | None = None
    error_column: str | None = None
    findings: list[Finding] = field(default_factory=list)
    suggested: list[Suggestion] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "row": self.row,
            "item": self.item,
            "candidates": [c.to_dict() for c in self.candidates],
        }
        if self.suggested is not None:  # only with keyword data
            data["suggested"] = [s.to_dict() for s in self.suggested]
        data["findings"] = [f.to_dict() for f in self.findings]
        return data


@dataclass
class SheetTitles:
    sheet: Sheet
    display: str
    outcomes: list[RowOutcome]
    report: Report
    #: Whether keyword data was given: rows then carry suggested words.
    suggesting: bool = False


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
    progress: Progress | None = None,
) -> SheetTitles:
    """Compose ``n`` candidates for every row; lint a 标题 column if the sheet has one.

    Large sheets are composed on every core (``workers``, default: all). With
    ``keywords``, each row's outcome also lists suggested words
    (:attr:`RowOutcome.suggested`, and a 建议补充的搜索词 column in
    :func:`titles_workbook_rows`): up to five of the most valuable search
    terms that contain or share a whole word with the row's product word and
    that no candidate covers.
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
        progress=progress,
    )
    selection = Selection(tuple(select), tuple(ignore))
    row_checks = active_checks("sheet_row", rules, selection)
    title_header = found.get("title")
    linter = TitleLinter(rules, select=select, ignore=ignore, segmenter=segmenter)
    item_header = found.get("item")
    outcomes: list[RowOutcome] = []
    for row, row_params, result in zip(sheet.rows, params, composed, strict=True):
        outcome = RowOutcome(row.row, row.get(item_header) if item_header else None, [])
        if keywords is not None:
            outcome.suggested = []
        if isinstance(result, str):
            outcome.error, outcome.error_column = result, found["product"]
        else:
            outcome.candidates = result.candidates
            if keywords is not None:
                outcome.suggested = result.suggested
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
    return SheetTitles(sheet, shown, outcomes, report, suggesting=keywords is not None)


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
    headers += ["省略的词", *(["建议补充的搜索词"] if result.suggesting else []), "问题"]
    by_row = {o.row: o for o in result.outcomes}
    rows: list[list[object]] = []
    for row in result.sheet.rows:
        outcome = by_row[row.row]
        cells: list[object] = [row.get(h) for h in result.sheet.headers]
        for i in range(n):
            candidate = outcome.candidates[i] if i < len(outcome.candidates) else None
            cells += [candidate.title, candidate.units] if candidate else ["", ""]
        best = outcome.candidates[0] if outcome.candidates else None
        cells.append(_dropped_text(best))
        if result.suggesting:  # keyword data given
            cells.append("、".join(s.keyword for s in outcome.suggested or ()))
        cells.append(_findings_text(outcome.findings))
        rows.append(cells)
    return headers, rows
