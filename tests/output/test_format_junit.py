"""JUnit XML, parsed back: one test case per subject, failures for warnings and errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from listingkit.findings import Report, Severity


def _parse(report: Report, render_as: Callable[..., str]) -> ET.Element:
    text = render_as(report, "junit")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_counts(report: Report, render_as: Callable[..., str]) -> None:
    root = _parse(report, render_as)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "listingkit.taobao"
    # Four subjects plus one path that has a finding but is not a subject.
    assert suite.get("tests") == "5"
    # 02.jpg (warning), 坏图.jpg and 详情,旧/03.png (errors); 标题.csv has only info.
    assert suite.get("failures") == "3"
    assert suite.get("errors") == "0"
    assert suite.get("skipped") == "0"
    assert (root.get("tests"), root.get("failures")) == ("5", "3")


def test_each_failing_subject_names_its_codes(
    report: Report, render_as: Callable[..., str]
) -> None:
    cases = {case.get("name"): case for case in _parse(report, render_as).iter("testcase")}
    assert sorted(cases) == sorted({*report.subjects, "商品C/详情,旧/03.png"})
    for finding in report.findings:
        case = cases[finding.location.path]
        codes = [failure.get("type") for failure in case.findall("failure")]
        if finding.severity is Severity.INFO:
            assert finding.code not in codes
        else:
            assert finding.code in codes
    assert cases["商品A/主图/01.jpg"].findall("failure") == []


def test_failure_text_and_message(report: Report, render_as: Callable[..., str]) -> None:
    cases = {case.get("name"): case for case in _parse(report, render_as).iter("testcase")}
    unreadable = next(f for f in report.findings if f.code == "FILE001")
    failure = cases[unreadable.location.path].find("failure")
    assert failure is not None
    # A newline in the message survives the attribute round trip.
    assert failure.get("message") == unreadable.message
    assert failure.text is not None
    assert failure.text.splitlines()[:2] == ["位置：商品B/坏图.jpg", "级别：错误"]
    assert "建议：确认文件存在并有读取权限，或重新导出、复制这个文件" in failure.text


def test_info_goes_to_system_out(report: Report, render_as: Callable[..., str]) -> None:
    cases = {case.get("name"): case for case in _parse(report, render_as).iter("testcase")}
    out = cases["商品A/标题.csv"].find("system-out")
    assert out is not None
    assert out.text == (
        "行 3 · 列 标题 · 字 1-4 · 提示 TITLE001 title-too-long："
        "标题长度 64 超过上限 60（汉字计 2）（建议：删减修饰词或重复的属性词）"
    )
