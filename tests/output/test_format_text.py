"""The operator's Chinese text format."""

from __future__ import annotations

from collections.abc import Callable

from listingkit.findings import Location, Report
from listingkit.output.text import where


def test_no_ansi_codes_without_colour(report: Report, render_as: Callable[..., str]) -> None:
    assert "\x1b" not in render_as(report, "text")


def test_colour_marks_severities_and_paths(report: Report, render_as: Callable[..., str]) -> None:
    text = render_as(report, "text", color=True)
    assert "\x1b[31m错误 FILE001" in text
    assert "\x1b[33m警告 FILE002" in text
    assert "\x1b[34m提示 TITLE001" in text
    assert "\x1b[1m商品A/标题.csv\x1b[0m" in text


def test_finding_line_hint_and_source(report: Report, render_as: Callable[..., str]) -> None:
    lines = render_as(report, "text").splitlines()
    i = lines.index(
        "  行 3 · 列 标题 · 字 1-4 · 提示 TITLE001 title-too-long："
        "标题长度 64 超过上限 60（汉字计 2）"
    )
    assert lines[i + 1] == "    → 建议：删减修饰词或重复的属性词"
    assert lines[i + 2] == "    依据：淘宝规则《商品发布规范》：标题不超过 60 字符（30 个汉字）"


def test_multiline_message_stays_indented(report: Report, render_as: Callable[..., str]) -> None:
    assert "\n    系统原话：Input/output error\n" in render_as(report, "text")


def test_summary_counts(report: Report, render_as: Callable[..., str]) -> None:
    last = render_as(report, "text").splitlines()[-1]
    assert last == "检查了 4 个对象，发现 2 个错误、1 个警告、1 个提示"


def test_clean_summary(render_as: Callable[..., str]) -> None:
    text = render_as(Report(platform="jd", subjects=["a.jpg", "b.jpg"]), "text")
    assert text == "检查了 2 个对象，没有发现问题\n"


def test_where_counts_characters_from_one() -> None:
    assert where(Location("a.xlsx", sheet="参数", row=12, column="标题", span=(5, 6))) == (
        "表 参数 · 行 12 · 列 标题 · 字 6"
    )
    assert where(Location("a.jpg")) == ""
