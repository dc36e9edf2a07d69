"""JSON is Report.to_dict(), nothing more and nothing less."""

from __future__ import annotations

import json
from collections.abc import Callable

from listingkit.findings import Report

FINDING_FIELDS = {"code", "name", "severity", "location", "message", "hint", "source", "data"}


def test_json_is_the_report_dict(report: Report, render_as: Callable[..., str]) -> None:
    assert json.loads(render_as(report, "json")) == report.to_dict()


def test_json_has_every_field(report: Report, render_as: Callable[..., str]) -> None:
    data = json.loads(render_as(report, "json"))
    assert data["schema_version"] == 1
    assert data["platform"] == "taobao"
    assert data["subjects"] == report.subjects
    assert len(data["findings"]) == 4
    for finding in data["findings"]:
        assert set(finding) == FINDING_FIELDS
        assert set(finding["location"]) == {"path", "sheet", "row", "column", "span"}
    sheet = next(f for f in data["findings"] if f["code"] == "TITLE001")
    assert sheet["location"] == {
        "path": "商品A/标题.csv",
        "sheet": None,
        "row": 3,
        "column": "标题",
        "span": [0, 4],
    }
    assert sheet["data"] == {"actual": 64, "limit": 60, "unit": "字符"}


def test_json_keeps_chinese_readable(report: Report, render_as: Callable[..., str]) -> None:
    text = render_as(report, "json")
    assert "商品A" in text
    assert "\\u" not in text
