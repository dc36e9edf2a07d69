"""``listingkit titles`` through the renderers: its rows in text and JSON, its rows as subjects.

The report is built in memory the way :func:`listingkit.title.sheet.compose_sheet`
builds it (one subject per sheet row), with rows 2, 3 and 10 so that the order
by number is visible, a header finding outside every row and a keyword-file finding.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest

from listingkit.findings import SCHEMA_VERSION, Finding, Location, Report, Severity, Subject

SHEET = "参数表.xlsx"


def _findings() -> list[Finding]:
    return [
        Finding(
            Location(SHEET, "参数", 1, "产品词"),
            "SHEET001",
            "duplicate-header",
            Severity.WARNING,
            "表头“产品词”出现两次（C1、F1）",
        ),
        Finding(
            Location(SHEET, "参数", 3, "产品词"),
            "TITLE040",
            "title-not-composed",
            Severity.ERROR,
            "第 3 行无法组标题：没有产品词：产品词列为空",
            hint="在产品词列填写这件商品的核心词（如 连衣裙），不要带营销词",
        ),
        Finding(
            Location(SHEET, "参数", 10, "标题", (2, 4)),
            "TITLE010",
            "banned-word",
            Severity.WARNING,
            "“最佳”是极限词",
            source="广告法第九条",
        ),
        Finding(
            Location("关键词.csv", None, 4),
            "SHEET003",
            "keyword-row-skipped",
            Severity.INFO,
            "没用上",
        ),
    ]


def _rows(findings: list[Finding]) -> list[dict[str, Any]]:
    def of_row(row: int) -> list[dict[str, Any]]:
        return [f.to_dict() for f in findings if f.location.path == SHEET and f.location.row == row]

    dropped = {"word": "最佳", "part": "marketing", "reason": "含极限词“最佳”"}
    return [
        {
            "row": 2,
            "item": "LK\x1b[31m01",
            "candidates": [
                {"title": "棉语女装T恤纯棉", "units": 16, "dropped": [dropped]},
                {"title": "棉语女装T恤", "units": 12, "dropped": [dropped]},
            ],
            "findings": of_row(2),
        },
        {"row": 3, "item": None, "candidates": [], "findings": of_row(3)},
        {
            "row": 10,
            "item": "LK10",
            "candidates": [{"title": "夏季\u2028连衣裙", "units": 12, "dropped": []}],
            "findings": of_row(10),
        },
    ]


@pytest.fixture
def titles() -> tuple[Report, list[dict[str, Any]]]:
    findings = _findings()
    subjects = [Subject(SHEET, "参数", row) for row in (2, 3, 10)]
    return Report("taobao", findings, subjects), _rows(findings)


def test_text_shows_the_candidates_then_the_report(
    titles: tuple[Report, list[dict[str, Any]]],
    render_as: Callable[..., str],
    golden: Callable[[str, str], None],
) -> None:
    report, rows = titles
    text = render_as(report, "text", rows=rows)
    golden("titles.txt", text)
    # The rows come from the user's sheet: shown escaped, like every report.
    assert "货号 LK\\x1b[31m01" in text and "夏季\\u2028连衣裙" in text
    assert text.index("第 10 行") < text.index("参数表.xlsx\n")


def test_json_is_the_report_with_its_rows(
    titles: tuple[Report, list[dict[str, Any]]],
    render_as: Callable[..., str],
    golden: Callable[[str, str], None],
) -> None:
    report, rows = titles
    text = render_as(report, "json", rows=rows)
    golden("titles.json", text)
    document = json.loads(text)
    assert document == {**report.to_dict(), "rows": rows}
    assert document["schema_version"] == SCHEMA_VERSION
    # The subjects stay the names they were: path:row, the sheet not in it.
    assert document["subjects"] == ["参数表.xlsx:2", "参数表.xlsx:3", "参数表.xlsx:10"]


def test_without_rows_json_is_the_plain_report(
    titles: tuple[Report, list[dict[str, Any]]], render_as: Callable[..., str]
) -> None:
    report, _ = titles
    assert json.loads(render_as(report, "json")) == report.to_dict()


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit"])
def test_other_formats_render_the_report_alone(
    titles: tuple[Report, list[dict[str, Any]]], render_as: Callable[..., str], fmt: str
) -> None:
    report, rows = titles
    assert render_as(report, fmt, rows=rows) == render_as(report, fmt)


def test_junit_has_a_case_per_row(
    titles: tuple[Report, list[dict[str, Any]]],
    render_as: Callable[..., str],
    golden: Callable[[str, str], None],
) -> None:
    report, rows = titles
    text = render_as(report, "junit", rows=rows)
    golden("titles.xml", text)
    root = ET.fromstring(text.encode("utf-8"))
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == [
        "关键词.csv",
        "参数表.xlsx[参数]",
        "参数表.xlsx[参数]:2",
        "参数表.xlsx[参数]:3",
        "参数表.xlsx[参数]:10",
    ]
    # Only row 3's error fails: the warnings and the info are output, as the exit status 1 says.
    assert root.get("failures") == "1" and report.exit_code() == 1


def test_sarif_names_the_cell_of_each_row(
    titles: tuple[Report, list[dict[str, Any]]],
    render_as: Callable[..., str],
    golden: Callable[[str, str], None],
) -> None:
    report, _ = titles
    text = render_as(report, "sarif")
    golden("titles.sarif", text)
    results = json.loads(text)["runs"][0]["results"]
    by_code = {r["ruleId"]: r["locations"][0] for r in results}
    assert by_code["TITLE040"]["logicalLocations"] == [{"name": "参数!产品词3", "kind": "element"}]
    assert by_code["TITLE040"]["properties"] == {"sheet": "参数", "row": 3, "column": "产品词"}
    assert "region" not in by_code["TITLE040"]["physicalLocation"]
    # A CSV row is a line.
    assert by_code["SHEET003"]["physicalLocation"]["region"] == {"startLine": 4}
