"""JUnit XML, parsed back: one test case per subject, failing only at or above --fail-on."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from listingkit.findings import Finding, Location, Report, Severity, Subject


def _parse(report: Report, render_as: Callable[..., str], **options: object) -> ET.Element:
    text = render_as(report, "junit", **options)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {str(case.get("name")): case for case in root.iter("testcase")}


def _finding(location: Location, severity: Severity, code: str = "TITLE010") -> Finding:
    return Finding(location, code, "x", severity, f"{code} 在 {location}")


def test_counts(report: Report, render_as: Callable[..., str]) -> None:
    root = _parse(report, render_as)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "listingkit.taobao"
    # Four subjects plus one path that has a finding but is not a subject.
    assert suite.get("tests") == "5"
    # 坏图.jpg and 详情,旧/03.png have errors; 02.jpg only a warning, 标题.csv only info.
    assert suite.get("failures") == "2"
    assert suite.get("errors") == "0"
    assert suite.get("skipped") == "0"
    assert (root.get("tests"), root.get("failures")) == ("5", "2")
    (prop,) = suite.iter("property")
    assert (prop.get("name"), prop.get("value")) == ("fail-on", "error")


@pytest.mark.parametrize(
    ("fail_on", "failures"),
    [(Severity.ERROR, "2"), (Severity.WARNING, "3"), (Severity.INFO, "4")],
)
def test_the_threshold_decides_what_fails(
    report: Report, render_as: Callable[..., str], fail_on: Severity, failures: str
) -> None:
    root = _parse(report, render_as, fail_on=fail_on)
    assert root.get("failures") == failures
    # Exit status 1 exactly when some case fails.
    assert (report.exit_code(fail_on) == 1) == (failures != "0")


def test_each_failing_subject_names_its_codes(
    report: Report, render_as: Callable[..., str]
) -> None:
    cases = _cases(_parse(report, render_as))
    assert sorted(cases) == sorted({*report.subjects, "商品C/详情,旧/03.png"})
    for finding in report.findings:
        case = cases[finding.location.path]
        codes = [failure.get("type") for failure in case.findall("failure")]
        if finding.severity is Severity.ERROR:
            assert finding.code in codes
        else:
            assert finding.code not in codes
    assert cases["商品A/主图/01.jpg"].findall("failure") == []


def test_failure_text_and_message(report: Report, render_as: Callable[..., str]) -> None:
    cases = _cases(_parse(report, render_as))
    unreadable = next(f for f in report.findings if f.code == "FILE001")
    failure = cases[unreadable.location.path].find("failure")
    assert failure is not None
    # A newline in the message survives the attribute round trip.
    assert failure.get("message") == unreadable.message
    assert failure.text is not None
    assert failure.text.splitlines()[:2] == ["位置：商品B/坏图.jpg", "级别：错误"]
    assert "建议：确认文件存在并有读取权限，或重新导出、复制这个文件" in failure.text


def test_findings_below_the_threshold_go_to_system_out(
    report: Report, render_as: Callable[..., str]
) -> None:
    cases = _cases(_parse(report, render_as))
    out = cases["商品A/标题.csv"].find("system-out")
    assert out is not None
    assert out.text == (
        "行 3 · 列 标题 · 字 1-4 · 提示 TITLE001 title-too-long："
        "标题长度 64 超过上限 60（汉字计 2）（建议：删减修饰词或重复的属性词）"
        "（依据：淘宝规则《商品发布规范》：标题不超过 60 字符（30 个汉字））"
    )
    warned = cases["商品A/主图/02.jpg"]
    assert warned.findall("failure") == []
    (out,) = warned.findall("system-out")
    assert out.text == (
        "警告 FILE002 file-empty：文件大小为 0 字节（建议：重新导出或重新复制这个文件）"
        "（依据：淘宝 图片空间上传说明：空文件无法上传）"
    )


def test_a_warning_only_run_has_no_failure(render_as: Callable[..., str]) -> None:
    warning = _finding(Location("a.jpg"), Severity.WARNING, "FILE002")
    report = Report("jd", [warning], ["a.jpg", "b.jpg"])
    assert report.exit_code() == 0
    root = _parse(report, render_as)
    assert (root.get("tests"), root.get("failures")) == ("2", "0")
    assert root.find(".//failure") is None


def test_each_title_row_is_a_case_sorted_by_row_number(render_as: Callable[..., str]) -> None:
    subjects = [
        Subject("标题.txt", row=10),
        Subject("标题.txt", row=9),
        Subject("参数表.xlsx", "Sheet1", 5),
        Subject("标题.txt", row=2),
        Subject("--text"),
    ]
    findings = [
        _finding(Location("标题.txt", row=10, span=(0, 2)), Severity.ERROR),
        _finding(Location("标题.txt", row=2), Severity.WARNING, "TITLE020"),
        _finding(Location("参数表.xlsx", "Sheet1", 5, "标题"), Severity.ERROR, "TITLE040"),
    ]
    root = _parse(Report("taobao", findings, subjects), render_as)
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == ["--text", "参数表.xlsx[Sheet1]:5", "标题.txt:2", "标题.txt:9", "标题.txt:10"]
    cases = _cases(root)
    # The failure sits on the row it is about, not on a case for the whole file.
    assert [f.get("type") for f in cases["标题.txt:10"].iter("failure")] == ["TITLE010"]
    assert [f.get("type") for f in cases["参数表.xlsx[Sheet1]:5"].iter("failure")] == ["TITLE040"]
    assert cases["标题.txt:9"].find("failure") is None
    assert cases["标题.txt:2"].find("failure") is None
    assert "TITLE020" in str(cases["标题.txt:2"].findtext("system-out"))
    assert (root.get("tests"), root.get("failures")) == ("5", "2")


def test_a_finding_outside_every_subject_gets_a_case_for_its_file(
    render_as: Callable[..., str],
) -> None:
    # A duplicate header (row 1 is no subject) and a keyword file nobody composed.
    subjects = [Subject("参数表.xlsx", "参数", 2), Subject("参数表.xlsx", "参数", 3)]
    findings = [
        _finding(Location("参数表.xlsx", "参数", 1, "产品词"), Severity.ERROR, "SHEET001"),
        _finding(Location("参数表.xlsx", "参数", 3, "产品词"), Severity.ERROR, "TITLE040"),
        _finding(Location("关键词.csv", None, 7), Severity.WARNING, "SHEET003"),
    ]
    root = _parse(Report("taobao", findings, subjects), render_as)
    cases = _cases(root)
    assert list(cases) == [
        "关键词.csv",
        "参数表.xlsx[参数]",
        "参数表.xlsx[参数]:2",
        "参数表.xlsx[参数]:3",
    ]
    assert [f.get("type") for f in cases["参数表.xlsx[参数]"].iter("failure")] == ["SHEET001"]
    assert [f.get("type") for f in cases["参数表.xlsx[参数]:3"].iter("failure")] == ["TITLE040"]
    assert cases["参数表.xlsx[参数]:2"].find("failure") is None
    assert cases["关键词.csv"].find("failure") is None


def test_a_finding_in_a_row_of_a_whole_file_subject_stays_on_the_file(
    render_as: Callable[..., str],
) -> None:
    finding = _finding(Location("标题.csv", row=3, column="标题"), Severity.ERROR)
    cases = _cases(_parse(Report("taobao", [finding], ["标题.csv"]), render_as))
    assert list(cases) == ["标题.csv"]
    assert cases["标题.csv"].find("failure") is not None


def test_case_names_are_escaped(render_as: Callable[..., str]) -> None:
    subject = Subject("标题\x1b[2J.txt", row=1)
    root = _parse(Report("taobao", [], [subject]), render_as)
    assert [case.get("name") for case in root.iter("testcase")] == ["标题\\x1b[2J.txt:1"]
