"""Every format against its golden file, and the format dispatcher."""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable

import pytest

from listingkit.errors import UsageError
from listingkit.findings import Report
from listingkit.output import FORMATS, TEXT_FORMATS, auto_format, render, use_color

GOLDEN_NAMES = {
    "text": "sample.txt",
    "json": "sample.json",
    "sarif": "sample.sarif",
    "github": "sample.github",
    "junit": "sample.xml",
    "html": "sample.html",
}


# A workbook is compared cell by cell in its own tests (tests/output/test_format_xlsx.py).
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_golden(
    fmt: str,
    report: Report,
    render_as: Callable[..., str],
    golden: Callable[[str, str], None],
) -> None:
    golden(GOLDEN_NAMES[fmt], render_as(report, fmt))


def test_golden_text_in_colour(
    report: Report, render_as: Callable[..., str], golden: Callable[[str, str], None]
) -> None:
    golden("sample-color.txt", render_as(report, "text", color=True))


def test_every_text_format_has_a_golden_file() -> None:
    assert set(GOLDEN_NAMES) == set(TEXT_FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_a_module_with_render(fmt: str) -> None:
    module = importlib.import_module(f"listingkit.output.{fmt}")
    assert callable(module.render)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_clean_report_renders(fmt: str, render_as: Callable[..., str]) -> None:
    assert render_as(Report(platform="jd", subjects=["a.jpg"]), fmt).endswith("\n")


def test_unknown_format_is_a_usage_error(report: Report) -> None:
    with pytest.raises(UsageError, match="xml"):
        render(report, "xml", io.StringIO())


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GITHUB_ACTIONS": "true"}, "github"),
        ({"GITHUB_ACTIONS": "false"}, "text"),
        ({}, "text"),
    ],
)
def test_auto_format(env: dict[str, str], expected: str) -> None:
    assert auto_format(env) == expected


class _Tty:
    def isatty(self) -> bool:
        return True


def test_use_color_on_a_terminal() -> None:
    assert use_color(_Tty(), {})


def test_no_color_when_not_a_terminal() -> None:
    assert not use_color(io.StringIO(), {})


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_color_when_asked_even_on_a_terminal(env: dict[str, str]) -> None:
    assert not use_color(_Tty(), env)


def test_empty_no_color_counts_as_unset() -> None:
    # https://no-color.org: only a non-empty NO_COLOR disables colour.
    assert use_color(_Tty(), {"NO_COLOR": ""})
