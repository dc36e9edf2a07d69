"""Every checking command renders through ``listingkit.output`` and exits by one rule.

Real files: images made with Pillow, an .xlsx built with openpyxl, title files
on disk; the commands run in-process as operators call them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from PIL import Image

from listingkit.output import BINARY_FORMATS, FORMATS

SCHEMA = Path(__file__).parent.parent / "output" / "schemas" / "sarif-schema-2.1.0.json"

# Line 2 has an error (TITLE010, “最佳” at characters 3-4: the store's file below makes
# banned words errors, as a store that blocks them does), line 3 only a warning
# (TITLE020), and lines 4-11 are clean, so rows 10 and 11 test the order by number.
TITLE_LINES = [
    "夏季纯棉短袖T恤男宽松圆领",
    "全网最佳纯棉T恤",
    "碎花连衣裙夏季新款 裙",
    *["夏季纯棉短袖T恤男宽松圆领"] * 8,
]


STORE_RULES = 'extends = "taobao"\n[checks]\nTITLE010 = "error"\n'


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # keep the store-file walk inside tmp_path
    # TITLE010 is a warning by default (its basis is grade B); this store wants errors.
    (tmp_path / "listingkit.toml").write_text(STORE_RULES, encoding="utf-8")
    return tmp_path


@pytest.fixture
def title_file(root: Path) -> Path:
    path = root / "标题.txt"
    path.write_text("\n".join(TITLE_LINES) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def warned_images(root: Path) -> Path:
    """A product whose only problems are warnings: an empty image, its codes lowered to warning.

    ``check`` reports it as an empty file (FILE002), ``images`` also as no image (FILE003).
    """
    folder = root / "商品A" / "主图"
    folder.mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(folder / "01.jpg", "JPEG")
    (folder / "02.jpg").write_bytes(b"")
    (root / "listingkit.toml").write_text(
        'extends = "taobao"\n[checks]\nFILE002 = "warning"\nFILE003 = "warning"\n', encoding="utf-8"
    )
    return folder.parent


def _junit(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


@pytest.mark.parametrize("command", ["check", "images"])
def test_a_warning_only_image_run_exits_0_and_fails_no_test_case(cli, warned_images, command):
    run = cli(command, str(warned_images), "--format", "junit", "--no-progress")
    assert run.status == 0, run.err
    suite = _junit(run.out)
    assert (suite.get("tests"), suite.get("failures")) == ("2", "0")
    (warned,) = [c for c in suite.iter("testcase") if str(c.get("name")).endswith("02.jpg")]
    assert "警告 FILE00" in str(warned.findtext("system-out"))
    strict = cli(command, str(warned_images), "--format", "junit", "--fail-on", "warning")
    assert strict.status == 1
    assert _junit(strict.out).get("failures") == "1"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", ["check", "images"])
def test_every_format_exits_by_fail_on_and_exit_zero(cli, warned_images, command, fmt, tmp_path):
    argv = [command, str(warned_images), "--format", fmt, "--no-progress"]
    if fmt in BINARY_FORMATS:  # a workbook goes to a file
        argv += ["-o", str(tmp_path / f"报告.{fmt}")]
    assert cli(*argv).status == 0
    assert cli(*argv, "--fail-on", "warning").status == 1
    assert cli(*argv, "--fail-on", "warning", "--exit-zero").status == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_lint_titles_exits_by_the_same_rule_in_every_format(cli, title_file, fmt, tmp_path):
    argv = ["lint-titles", str(title_file), "--platform", "taobao", "--format", fmt]
    if fmt in BINARY_FORMATS:
        argv += ["-o", str(tmp_path / f"报告.{fmt}")]
    assert cli(*argv).status == 1
    assert cli(*argv, "--exit-zero").status == 0
    assert cli(*argv, "--select", "TITLE020").status == 0  # a warning only
    assert cli(*argv, "--select", "TITLE020", "--fail-on", "warning").status == 1


def test_lint_titles_junit_has_a_case_per_line_in_number_order(cli, title_file):
    run = cli("lint-titles", str(title_file), "--platform", "taobao", "--format", "junit")
    assert run.status == 1
    suite = _junit(run.out)
    shown = title_file.as_posix()
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == [f"{shown}:{n}" for n in range(1, len(TITLE_LINES) + 1)]
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    # Line 2 fails; line 3's warning is output, and no case is named after the file alone.
    assert failed == [f"{shown}:2"]
    assert suite.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert "TITLE020" in str(cases[f"{shown}:3"].findtext("system-out"))


def test_lint_titles_sarif_points_at_the_line_and_the_word(cli, title_file):
    run = cli("lint-titles", str(title_file), "--platform", "taobao", "--format", "sarif")
    log = json.loads(run.out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/Root"}).validate(log)
    regions = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]
        for r in log["runs"][0]["results"]
    }
    # “最佳” is the 3rd and 4th character of line 2.
    assert regions["TITLE010"] == {"startLine": 2, "startColumn": 3, "endColumn": 5}
    assert regions["TITLE020"]["startLine"] == 3
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["TITLE010"]["name"] == "banned-word" and rules["TITLE010"]["fullDescription"]


def _sheet(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "参数"
    sheet.append(["货号", "产品词", "属性词", "标题"])
    sheet.append(["A1", "T恤", "纯棉", "全网最佳纯棉T恤"])
    sheet.append(["A2", "", "纯棉", ""])
    for number in range(3, 11):
        sheet.append([f"A{number}", "T恤", "纯棉 短袖", ""])
    book.save(path)
    return path


def test_titles_junit_names_each_row_by_sheet_and_number(cli, root):
    sheet = _sheet(root / "参数表.xlsx")
    run = cli("titles", str(sheet), "--platform", "taobao", "--format", "junit")
    assert run.status == 1
    suite = _junit(run.out)
    shown = sheet.as_posix()
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == [f"{shown}[参数]:{n}" for n in range(2, 12)]
    failed = {c.get("name"): c for c in suite.iter("testcase") if c.find("failure") is not None}
    # Row 2's title has a banned word; row 3 has no product word.
    assert set(failed) == {f"{shown}[参数]:2", f"{shown}[参数]:3"}
    assert [f.get("type") for f in failed[f"{shown}[参数]:3"].iter("failure")] == ["TITLE040"]


def test_titles_sarif_names_the_sheet_row_not_a_line(cli, root):
    sheet = _sheet(root / "参数表.xlsx")
    run = cli("titles", str(sheet), "--platform", "taobao", "--format", "sarif")
    results = json.loads(run.out)["runs"][0]["results"]
    (missing,) = [r for r in results if r["ruleId"] == "TITLE040"]
    (location,) = missing["locations"]
    assert "region" not in location["physicalLocation"]
    assert location["properties"] == {"sheet": "参数", "row": 3, "column": "产品词"}
    assert location["logicalLocations"] == [{"name": "参数!产品词3", "kind": "element"}]


def test_titles_json_written_with_o_is_replaced_next_time(cli, root):
    # The document carries the report's marker, so the next run may replace it.
    sheet = _sheet(root / "参数表.xlsx")
    target = root / "标题.json"
    for _ in range(2):
        run = cli(
            "titles", str(sheet), "--platform", "taobao", "--format", "json", "-o", str(target)
        )
        assert run.status == 1 and run.out == "", run.err
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["schema_version"] == 1 and len(document["rows"]) == 10


def _documented_fields() -> set[str]:
    """The fields the table under “titles 的 JSON” in docs/cli.md explains."""
    text = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text.split("### titles 的 JSON", 1)[1].split("\n## ", 1)[0]
    fields: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            fields.update(part.strip(" `") for part in first_cell.split("、"))
    return fields


def _fields(value: object, prefix: str = "") -> set[str]:
    """Every key path of a document, lists written as ``[]`` (``rows[].candidates[].title``)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(prefix + key)
            if prefix == "" and key in ("subjects", "summary", "findings"):
                continue  # the report's fields: documented in the table of formats above
            found |= _fields(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for item in value:
            found |= _fields(item, prefix.removesuffix(".") + "[].")
    return found


def test_docs_explain_every_field_of_the_titles_json(cli, root):
    sheet = _sheet(root / "参数表.xlsx")
    document = json.loads(cli("titles", str(sheet), "--platform", "taobao", "--format", "json").out)
    real = {
        field
        for field in _fields(document)
        # A dropped word's keys are explained in its row of the table; a row's findings
        # have the fields of the report's findings.
        if ".dropped[]." not in field and ".findings[]." not in field
    }
    assert real == _documented_fields()


def test_titles_writing_a_workbook_prints_the_report_without_rows(cli, root):
    sheet = _sheet(root / "参数表.xlsx")
    out = root / "标题.xlsx"
    run = cli("titles", str(sheet), "--platform", "taobao", "--format", "json", "-o", str(out))
    assert run.status == 1 and "已写入" in run.err
    document = json.loads(run.out)
    # The candidates are in the workbook; standard output is the report alone.
    assert "rows" not in document and document["summary"]["error"] == 2
    assert openpyxl.load_workbook(out).active.max_row == 11
