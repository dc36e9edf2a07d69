"""SARIF: valid against the schema, one rule per code, levels and locations mapped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from listingkit.cli.common import check_docs
from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output.sarif import to_sarif
from listingkit.registry import describe

SCHEMA_PATH = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    # This copy keeps the log object's constraints under definitions/Root and
    # has no root $ref, so on its own it accepts anything (see schemas/README.md).
    return jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/Root"})


def _log(report: Report, render_as: Callable[..., str]) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render_as(report, "sarif"))
    return log


def test_valid_against_the_schema(
    report: Report, render_as: Callable[..., str], validator: jsonschema.Draft7Validator
) -> None:
    validator.validate(_log(report, render_as))


def test_schema_check_is_not_vacuous(validator: jsonschema.Draft7Validator) -> None:
    assert not validator.is_valid({"garbage": 1})
    assert not validator.is_valid({"version": "2.1.0", "runs": [{"results": []}]})


def test_header(report: Report, render_as: Callable[..., str]) -> None:
    log = _log(report, render_as)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    assert log["runs"][0]["tool"]["driver"]["name"] == "listingkit"


def test_one_rule_per_code(report: Report, render_as: Callable[..., str]) -> None:
    run = _log(report, render_as)["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == sorted({f.code for f in report.findings})
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]


def test_registered_rule_comes_from_the_registry(
    report: Report, render_as: Callable[..., str]
) -> None:
    rules = {r["id"]: r for r in _log(report, render_as)["runs"][0]["tool"]["driver"]["rules"]}
    spec = describe("FILE001")
    assert rules["FILE001"] == {
        "id": "FILE001",
        "name": "file-unreadable",
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": spec.doc},
        "help": {"text": spec.doc},
        "helpUri": "https://github.com/listingkit/listingkit/blob/main/docs/checks.md#file001",
        "defaultConfiguration": {"level": "error"},
    }


def test_unknown_code_gets_a_minimal_rule() -> None:
    finding = Finding(Location("a.jpg"), "SLOT999", "no-such-check", Severity.ERROR, "x")
    log = to_sarif(Report(platform="jd", findings=[finding]), check_docs())
    assert log["runs"][0]["tool"]["driver"]["rules"] == [{"id": "SLOT999"}]


def test_rules_come_only_from_the_docs_handed_in(validator: jsonschema.Draft7Validator) -> None:
    finding = Finding(Location("a.jpg"), "FILE001", "file-unreadable", Severity.ERROR, "x")
    report = Report(platform="jd", findings=[finding])
    bare = to_sarif(report)
    validator.validate(bare)
    assert bare["runs"][0]["tool"]["driver"]["rules"] == [{"id": "FILE001"}]
    documented = to_sarif(report, {"FILE001": describe("FILE001")})
    (rule,) = documented["runs"][0]["tool"]["driver"]["rules"]
    assert rule["shortDescription"] == {"text": describe("FILE001").summary}


def test_a_title_files_line_is_a_region_with_its_characters(
    validator: jsonschema.Draft7Validator,
) -> None:
    # Line 3 of a title file, the word at characters 8-9 (0-based span [8, 10)).
    finding = Finding(
        Location("标题.txt", row=3, span=(8, 10)), "TITLE010", "x", Severity.ERROR, "x"
    )
    log = to_sarif(Report(platform="jd", findings=[finding]))
    validator.validate(log)
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    (location,) = run["results"][0]["locations"]
    assert location["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 9,
        "endColumn": 11,
    }
    assert "logicalLocations" not in location


def test_a_whole_line_finding_is_the_line() -> None:
    finding = Finding(Location("titles", row=12), "TITLE001", "x", Severity.ERROR, "x")
    (result,) = to_sarif(Report(platform="jd", findings=[finding]))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 12}


def test_a_title_given_on_the_command_line_has_no_region() -> None:
    finding = Finding(Location("--text", span=(0, 2)), "TITLE010", "x", Severity.ERROR, "x")
    (result,) = to_sarif(Report(platform="jd", findings=[finding]))["runs"][0]["results"]
    assert "region" not in result["locations"][0]["physicalLocation"]
    assert result["properties"]["span"] == [0, 2]


def test_levels_mapped(report: Report, render_as: Callable[..., str]) -> None:
    results = _log(report, render_as)["runs"][0]["results"]
    for finding, result in zip(report.findings, results, strict=True):
        assert result["level"] == LEVELS[finding.severity]


def test_message_carries_the_hint(report: Report, render_as: Callable[..., str]) -> None:
    results = _log(report, render_as)["runs"][0]["results"]
    by_code = {r["ruleId"]: r for r in results if r["level"] != "error"}
    assert by_code["FILE002"]["message"]["text"] == (
        "文件大小为 0 字节（建议：重新导出或重新复制这个文件）"
    )


def test_uri_is_a_percent_encoded_relative_path(
    report: Report, render_as: Callable[..., str]
) -> None:
    results = _log(report, render_as)["runs"][0]["results"]
    paths = [f.location.path for f in report.findings]
    for path, result in zip(paths, results, strict=True):
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert artifact["uri"].isascii()
        assert unquote(artifact["uri"]) == path


def test_csv_row_is_a_line_and_span_a_property(
    report: Report, render_as: Callable[..., str]
) -> None:
    results = _log(report, render_as)["runs"][0]["results"]
    (title,) = [r for r in results if r["ruleId"] == "TITLE001"]
    location = title["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 3}
    assert "logicalLocations" not in location
    assert title["properties"] == {
        "name": "title-too-long",
        "source": "淘宝规则《商品发布规范》：标题不超过 60 字符（30 个汉字）",
        "data": {"actual": 64, "limit": 60, "unit": "字符"},
        "span": [0, 4],
        "column": "标题",
    }


@pytest.mark.parametrize(
    ("location", "name"),
    [
        (Location("参数.xlsx", sheet="参数", row=12, column="标题"), "参数!标题12"),
        (Location("参数.xlsx", row=12, column="标题"), "Sheet1!标题12"),
        (Location("参数.xlsx", row=12), "Sheet1!12"),
        (Location("参数.xlsx", sheet="参数"), "参数"),
    ],
)
def test_spreadsheet_cell_is_a_logical_location(
    location: Location, name: str, validator: jsonschema.Draft7Validator
) -> None:
    finding = Finding(location, "TITLE001", "title-too-long", Severity.WARNING, "x")
    log = to_sarif(Report(platform="jd", findings=[finding]))
    validator.validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["logicalLocations"] == [{"name": name, "kind": "element"}]
    assert "region" not in result["locations"][0]["physicalLocation"]
    known = {"sheet": location.sheet, "row": location.row, "column": location.column}
    assert result["locations"][0]["properties"] == {k: v for k, v in known.items() if v}


def test_a_sheet_row_of_a_workbook_is_never_a_line() -> None:
    # An .xlsm is a zip file too; a row there is no line a viewer could open.
    finding = Finding(Location("参数.xlsm", row=7), "TITLE040", "x", Severity.ERROR, "x")
    (result,) = to_sarif(Report(platform="jd", findings=[finding]))["runs"][0]["results"]
    (location,) = result["locations"]
    assert "region" not in location["physicalLocation"]
    assert location["properties"] == {"row": 7}


def test_image_finding_has_no_region(report: Report, render_as: Callable[..., str]) -> None:
    results = _log(report, render_as)["runs"][0]["results"]
    for result in results:
        if result["ruleId"].startswith("FILE"):
            assert result["locations"][0] == {
                "physicalLocation": result["locations"][0]["physicalLocation"]
            }
            assert "region" not in result["locations"][0]["physicalLocation"]
