"""The operator's Chinese text format."""

from __future__ import annotations

from collections.abc import Callable

from listingkit.findings import Finding, Location, Report, Severity
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
        "标题长度 64 超过上限 60（汉字计 2） [依据 2]"
    )
    assert lines[i + 1] == "    → 建议：删减修饰词或重复的属性词"
    assert lines[i + 2] == ""
    notes = lines.index("依据：")
    assert lines[notes + 2] == "  [2] 淘宝规则《商品发布规范》：标题不超过 60 字符（30 个汉字）"


def test_a_source_is_cited_once_however_many_findings_rest_on_it(
    render_as: Callable[..., str],
) -> None:
    size = "淘宝 图片空间：单张主图不超过 3 MB"
    ratio = "淘宝发布页：主图 1:1"

    def finding(path: str, code: str, source: str | None) -> Finding:
        return Finding(Location(path), code, "x", Severity.ERROR, "不符合", source=source)

    report = Report(
        platform="taobao",
        findings=[
            finding("a/主图/01.jpg", "IMG001", size),
            finding("a/主图/01.jpg", "IMG002", ratio),
            finding("a/主图/02.jpg", "IMG001", size),
            finding("b/主图/01.jpg", "IMG001", size),
            finding("b/主图/02.jpg", "FILE002", None),
        ],
        subjects=["a/主图/01.jpg", "a/主图/02.jpg", "b/主图/01.jpg", "b/主图/02.jpg"],
    )
    text = render_as(report, "text")
    assert text.count(size) == 1 and text.count(ratio) == 1
    assert text.count("[依据 1]") == 3 and text.count("[依据 2]") == 1
    assert "FILE002 x：不符合\n" in text  # no source, no mark
    assert text.endswith(f"依据：\n  [1] {size}\n  [2] {ratio}\n\n检查了 4 个对象，发现 5 个错误\n")


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
