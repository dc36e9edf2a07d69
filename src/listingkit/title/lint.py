"""Lint titles: the API behind ``listingkit lint-titles`` and the title sheet checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass

from listingkit.arguments import code_list, each_of, kind_of, rules_argument, word_tuple
from listingkit.engine import active_checks, run_checks
from listingkit.errors import ArgumentError
from listingkit.findings import Finding, Location, Report, Subject
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.title.checks import (
    MAX_TITLE_CHARS,
    is_blank_title,
    title_too_long,
    title_too_short,
)
from listingkit.title.context import TitleContext
from listingkit.title.subject import TitleSubject

__all__ = ["TitleInput", "TitleLinter", "lint_title", "lint_titles"]


@dataclass(frozen=True, slots=True)
class TitleInput:
    """A title and where it came from (a file, a sheet row and column)."""

    text: str
    path: str = "<标题>"
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    products: tuple[str, ...] = ()


class TitleLinter:
    """Runs the selected title checks for one set of rules; reuse it for many titles.

    A text longer than :data:`~listingkit.title.checks.MAX_TITLE_CHARS` gets only
    the length check (TITLE001), so no check costs more than linear time on it.
    An empty title (nothing visible) gets only TITLE002, which says it is empty:
    "no product word" and the like would only repeat that.
    """

    def __init__(
        self,
        rules: Rules,
        *,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        segmenter: str = "jieba",
    ) -> None:
        self.rules = rules
        self.context = TitleContext(rules, segmenter)
        self.checks = active_checks("title", rules, Selection(tuple(select), tuple(ignore)))
        # Beyond the cap only the length check runs: it says why nothing else did.
        self._beyond_cap = [spec for spec in self.checks if spec.func is title_too_long]
        self._blank = [spec for spec in self.checks if spec.func is title_too_short]

    def lint(self, item: TitleInput) -> list[Finding]:
        subject = TitleSubject(
            item.text, self.context, item.path, item.sheet, item.row, item.column, item.products
        )
        where = Location(item.path, item.sheet, item.row, item.column)
        if len(item.text) > MAX_TITLE_CHARS:
            checks = self._beyond_cap
        elif is_blank_title(item.text):
            checks = self._blank
        else:
            checks = self.checks
        return sorted(run_checks(checks, subject, where, self.rules), key=Finding.sort_key)


def lint_title(
    text: str,
    rules: Rules,
    *,
    products: Sequence[str] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    segmenter: str = "jieba",
) -> list[Finding]:
    """Check one title against a platform's rules.

    >>> from listingkit import load_rules
    >>> [f.code for f in lint_title("全网最佳纯棉T恤", load_rules("taobao"))]
    ['TITLE010']

    A single string for ``products``, ``select`` or ``ignore`` is one entry.
    """
    if not isinstance(text, str):
        raise ArgumentError(f"参数 text 应为标题文字（str），实际是 {kind_of(text)}")
    rules, products = rules_argument(rules), word_tuple(products, "参数 products")
    select, ignore = code_list(select, "select"), code_list(ignore, "ignore")
    linter = TitleLinter(rules, select=select, ignore=ignore, segmenter=segmenter)
    return linter.lint(TitleInput(text, products=products))


def lint_titles(
    items: Iterable[TitleInput],
    rules: Rules,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    segmenter: str = "jieba",
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check many titles; each row is a subject of the report (``path:row``, or the path).

    ``progress``, if given, is called as ``progress(done, total)`` after each title
    (``total`` is known when ``items`` is a list; otherwise it grows with ``done``).
    """
    total = len(items) if isinstance(items, Sized) else 0
    items = each_of(TitleInput, items, "items", "；检查一个标题请用 lint_title(text, rules)")
    rules = rules_argument(rules)
    select, ignore = code_list(select, "select"), code_list(ignore, "ignore")
    linter = TitleLinter(rules, select=select, ignore=ignore, segmenter=segmenter)
    subjects: list[str] = []
    rows: set[Subject] = set()
    findings: list[Finding] = []
    for done, item in enumerate(items, 1):
        subject = Subject(item.path, item.sheet, item.row)
        # A sheet row with several title columns (the candidates of a titles
        # workbook) is one subject; every --text is its own.
        if item.row is None or subject not in rows:
            subjects.append(subject)
            rows.add(subject)
        findings += linter.lint(item)
        if progress is not None:
            progress(done, max(total, done))
    return Report(rules.platform, findings, subjects)
