"""The result record: what scripts rely on."""

from __future__ import annotations

from listingkit import Finding, Location, Report, Severity


def _finding(path: str, code: str = "FILE001", severity: str = "error", row: int | None = None):
    return Finding(Location(path, row=row), code, "file-unreadable", severity, "无法读取文件")


def test_findings_hash_and_compare_by_value():
    a, b = _finding("a.jpg"), _finding("a.jpg")
    assert a == b and len({a, b}) == 1


def test_severity_given_as_text_is_a_severity():
    finding = _finding("a.jpg", severity="warning")
    assert finding.severity is Severity.WARNING
    report = Report("taobao", [finding])
    assert report.worst() is Severity.WARNING and report.count(Severity.WARNING) == 1


def test_report_sorts_a_copy_and_decides_the_exit_status():
    given = [_finding("b.jpg"), _finding("a.csv", row=3, severity="info"), _finding("a.csv", row=2)]
    report = Report("taobao", given, ["a.csv", "b.jpg"])
    assert [str(f.location) for f in given] == ["b.jpg", "a.csv:3", "a.csv:2"]
    assert [str(f.location) for f in report.findings] == ["a.csv:2", "a.csv:3", "b.jpg"]
    assert list(report.by_path()) == ["a.csv", "b.jpg"]
    assert report.exit_code() == 1 and Report("taobao").exit_code() == 0
    info_only = Report("taobao", [_finding("a.jpg", severity="info")])
    assert info_only.exit_code() == 0 and info_only.exit_code(Severity.INFO) == 1


def test_to_dict_carries_every_field():
    data = Report("jd", [_finding("a.jpg")], ["a.jpg"]).to_dict()
    assert data["schema_version"] == 1 and data["platform"] == "jd"
    assert data["summary"] == {"subjects": 1, "findings": 1, "info": 0, "warning": 0, "error": 1}
    assert set(data["findings"][0]) == {
        "code",
        "name",
        "severity",
        "location",
        "message",
        "hint",
        "source",
        "data",
    }
