"""Lint titles: the API behind ``listingkit lint-titles`` and the title sheet checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from listingkit.arguments import code_list, each_of, kind_of, rules_argument, word_tuple
from listingkit.engine import active_checks, run_checks
from listingkit.errors import ArgumentError
from listingkit.findings import Finding, Location, Report, Subject
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.title.checks import MAX_TITLE_CHARS, title_too_long
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

    def lint(self, item: TitleInput) -> list[Finding]:
        subject = TitleSubject(
            item.text, self.context, item.path, item.sheet, item.row, item.column, item.products
        )
        where = Location(item.path, item.sheet, item.row, item.column)
        checks = self.checks if len(item.text) <= MAX_TITLE_CHARS else self._beyond_cap
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
) -> Report:
    """Check many titles; each title is a subject of the report (``path:row``, or the path)."""
    items = each_of(TitleInput, items, "items", "；检查一个标题请用 lint_title(text, rules)")
    rules = rules_argument(rules)
    select, ignore = code_list(select, "select"), code_list(ignore, "ignore")
    linter = TitleLinter(rules, select=select, ignore=ignore, segmenter=segmenter)
    subjects: list[str] = []
    findings: list[Finding] = []
    for item in items:
        subjects.append(Subject(item.path, item.sheet, item.row))
        findings += linter.lint(item)
    return Report(rules.platform, findings, subjects)
