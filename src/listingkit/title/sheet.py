"""Titles for a whole parameter sheet: compose each row, lint existing titles, write a workbook.

A row that cannot give a title is a finding (TITLE040) naming its row and
column; the other rows are still composed. The input sheet is never written:
results go to a new workbook with the original columns, the candidates and
their lengths, the words left out and each row's findings.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from listingkit.engine import active_checks, run_checks
from listingkit.errors import SheetError
from listingkit.findings import Finding, Location, Report, Subject
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.sheets import PARAMETER_COLUMNS, Sheet, SheetRow, find_columns, split_list
from listingkit.sheets.checks import sheet_findings
from listingkit.title.batch import Progress, RowResult, compose_shaped
from listingkit.title.compose import Suggestion, TitleCandidate, TitleParams
from listingkit.title.labels import COLUMN_LABELS
from listingkit.title.lint import TitleInput, TitleLinter
from listingkit.title.score import KeywordScores
from listingkit.title.subject import RowSubject

__all__ = [
    "COLUMN_LABELS",
    "RowOutcome",
    "SheetStream",
    "SheetTitles",
    "compose_sheet",
    "stream_sheet",
    "titles_workbook_rows",
]

T = TypeVar("T")


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
    with stream_sheet(
        sheet,
        rules,
        keywords=keywords,
        n=n,
        columns=columns,
        select=select,
        ignore=ignore,
        segmenter=segmenter,
        display=display,
        workers=workers,
        progress=progress,
    ) as stream:
        outcomes = list(stream)
        return SheetTitles(sheet, stream.display, outcomes, stream.report(), stream.suggesting)


def stream_sheet(
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
) -> SheetStream:
    """:func:`compose_sheet`, row by row: iterate the result for each row's
    :class:`RowOutcome` as soon as it is composed, then take its ``report()``.

    A missing product column is refused here, before any row is composed. Use
    it in a ``with`` block: leaving early stops the workers.
    """
    found = _mapping(sheet, columns)
    return SheetStream(
        sheet,
        rules,
        found,
        keywords=keywords,
        n=n,
        select=select,
        ignore=ignore,
        segmenter=segmenter,
        display=display or os.fspath(sheet.path),
        workers=workers,
        progress=progress,
    )


class _Params(Sequence[TitleParams]):
    """The rows' title parameters, each made when asked (so composing starts on
    the first chunk while the others are made)."""

    def __init__(self, rows: Sequence[SheetRow], columns: Mapping[str, str]) -> None:
        self._rows, self._columns = rows, columns

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> TitleParams: ...

    @overload
    def __getitem__(self, index: slice) -> list[TitleParams]: ...

    def __getitem__(self, index: int | slice) -> TitleParams | list[TitleParams]:
        if isinstance(index, slice):
            return [_params(row, self._columns) for row in self._rows[index]]
        return _params(self._rows[index], self._columns)


#: What a worker sends back for a row of the workbook: each candidate's title
#: and length, the best one's words left out, the suggested words (as the cells
#: show them); or why there is no title.
_WorkbookPart = tuple[tuple[tuple[str, int], ...], str, str] | str


def _workbook_part(result: RowResult) -> _WorkbookPart:
    if isinstance(result, str):
        return result
    best = result.candidates[0] if result.candidates else None
    return (
        tuple((c.title, c.units) for c in result.candidates),
        _dropped_text(best),
        _suggested_text(result.suggested),
    )


class SheetStream:
    """A sheet's rows in row order as they are composed, and its report once all are in.

    Iterate it for each row's :class:`RowOutcome`, or take
    :meth:`workbook_rows` (the workers then send back only the cells); once,
    either way. Leaving early (``close``, the ``with`` block) stops the workers.
    """

    def __init__(
        self,
        sheet: Sheet,
        rules: Rules,
        found: dict[str, str],
        *,
        keywords: KeywordScores | None,
        n: int,
        select: Sequence[str],
        ignore: Sequence[str],
        segmenter: str,
        display: str,
        workers: int | None,
        progress: Progress | None,
    ) -> None:
        self.sheet = sheet
        self.display = display
        #: Whether keyword data was given: rows then carry suggested words.
        self.suggesting = keywords is not None
        self._rules = rules
        self._found = found
        self._n = n
        self._select, self._ignore = tuple(select), tuple(ignore)
        self._segmenter = segmenter
        self._compose = functools.partial(
            compose_shaped,
            _Params(sheet.rows, found),
            rules,
            keywords=keywords,
            n=n,
            segmenter=segmenter,
            workers=workers,
            select=select,
            ignore=ignore,
            progress=progress,
        )
        self._running: Iterator[object] | None = None
        self._findings: list[Finding] = []
        self._subjects: list[str] = []
        self._done = False

    def __enter__(self) -> SheetStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop composing (the workers, if any, at once)."""
        if isinstance(self._running, Generator):
            self._running.close()

    def _start(self, shape: Callable[[RowResult], T]) -> Iterator[T]:
        if self._running is not None:
            raise RuntimeError("a sheet's rows can be taken only once")
        running = self._compose(shape)
        self._running = running
        return running

    def __iter__(self) -> Iterator[RowOutcome]:
        found, check = self._found, self._checker()
        item_header = found.get("item")
        for row, result in zip(self.sheet.rows, self._start(_as_is), strict=True):
            outcome = RowOutcome(row.row, row.get(item_header) if item_header else None, [])
            if self.suggesting:
                outcome.suggested = []
            if isinstance(result, str):
                outcome.error, outcome.error_column = result, found["product"]
            else:
                outcome.candidates = result.candidates
                if self.suggesting:
                    outcome.suggested = result.suggested
            outcome.findings = check(row, outcome.error)
            yield outcome
        self._done = True

    def workbook_headers(self) -> list[str]:
        """The results workbook's headers: the sheet's, then candidates and findings."""
        return _workbook_headers(self.sheet, self._n, self.suggesting)

    def workbook_rows(self) -> Iterator[list[object]]:
        """The results workbook's rows (below :meth:`workbook_headers`), each as it is composed."""
        check, headers, n = self._checker(), self.sheet.headers, self._n
        for row, part in zip(self.sheet.rows, self._start(_workbook_part), strict=True):
            cells: list[object] = [row.get(h) for h in headers]
            if isinstance(part, str):
                findings = check(row, part)
                cells += _candidate_cells((), "", "", n, self.suggesting)
            else:
                findings = check(row, None)
                cells += _candidate_cells(*part, n, self.suggesting)
            cells.append(_findings_text(findings))
            yield cells
        self._done = True

    def _checker(self) -> Callable[[SheetRow, str | None], list[Finding]]:
        """The findings of a row, given why it has no title (None: it has one);
        kept for the report."""
        sheet, found, shown, rules = self.sheet, self._found, self.display, self._rules
        row_checks = active_checks("sheet_row", rules, Selection(self._select, self._ignore))
        title_header = found.get("title")
        linter = TitleLinter(
            rules, select=self._select, ignore=self._ignore, segmenter=self._segmenter
        )

        def check(row: SheetRow, error: str | None) -> list[Finding]:
            where = Location(shown, sheet.name, row.row, found["product"])
            subject = RowSubject(row.row, error, found["product"] if error is not None else None)
            findings = run_checks(row_checks, subject, where, rules)
            if title_header and row.get(title_header):
                findings += linter.lint(
                    TitleInput(
                        row.get(title_header),
                        shown,
                        sheet.name,
                        row.row,
                        title_header,
                        _params(row, found).product,
                    )
                )
            self._findings += findings
            self._subjects.append(Subject(shown, sheet.name, row.row))
            return findings

        return check

    def report(self) -> Report:
        """Every finding of the sheet and its rows; only once every row came out."""
        if not self._done:
            raise RuntimeError("the report of a sheet is complete only after its last row")
        # Duplicate headers and merged cells (SHEET0xx) belong to the sheet, not to a row.
        read = sheet_findings(
            self.sheet,
            self._rules,
            display=self.display,
            select=self._select,
            ignore=self._ignore,
        )
        return Report(self._rules.platform, [*read, *self._findings], self._subjects)


def _as_is(result: RowResult) -> RowResult:
    return result


def _dropped_text(candidate: TitleCandidate | None) -> str:
    if candidate is None:
        return ""
    return "；".join(f"{d.word}（{d.reason}）" for d in candidate.dropped)


def _suggested_text(suggested: Sequence[Suggestion] | None) -> str:
    return "、".join(s.keyword for s in suggested or ())


def _findings_text(findings: Sequence[Finding]) -> str:
    return "；".join(f"{f.code} {f.message}" for f in findings)


def _candidate_cells(
    candidates: Sequence[tuple[str, int]], dropped: str, suggested: str, n: int, suggesting: bool
) -> list[object]:
    """The cells after the sheet's own: n titles with their lengths, the words left
    out, the suggested words (with keyword data only)."""
    cells: list[object] = []
    for i in range(n):
        cells += candidates[i] if i < len(candidates) else ("", "")
    cells.append(dropped)
    if suggesting:  # keyword data given
        cells.append(suggested)
    return cells


def _workbook_headers(sheet: Sheet, n: int, suggesting: bool) -> list[str]:
    headers = list(sheet.headers)
    for i in range(1, n + 1):
        headers += [f"候选标题{i}", f"长度{i}"]
    headers += ["省略的词", *(["建议补充的搜索词"] if suggesting else []), "问题"]
    return headers


def titles_workbook_rows(result: SheetTitles, n: int) -> tuple[list[str], list[list[object]]]:
    """Headers and rows of the results workbook: the sheet, then candidates and findings."""
    by_row = {o.row: o for o in result.outcomes}
    rows: list[list[object]] = []
    for row in result.sheet.rows:
        outcome = by_row[row.row]
        cells: list[object] = [row.get(h) for h in result.sheet.headers]
        best = outcome.candidates[0] if outcome.candidates else None
        cells += _candidate_cells(
            [(c.title, c.units) for c in outcome.candidates],
            _dropped_text(best),
            _suggested_text(outcome.suggested),
            n,
            result.suggesting,
        )
        cells.append(_findings_text(outcome.findings))
        rows.append(cells)
    return _workbook_headers(result.sheet, n, result.suggesting), rows
