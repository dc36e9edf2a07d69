"""Every format makes user data safe: no raw control character, valid UTF-8, parseable.

The subprocess version of these promises, on real files, is in
``tests/hostile/test_escaping.py``; here every format renders reports built
in memory, including any string hypothesis can make.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output import TEXT_FORMATS, render
from listingkit.output.safe import for_display, json_text, uri_bytes
from listingkit.output.sarif import to_sarif

FORGED = "商品/a\n::error file=x::forged\x1b[31m.jpg"
NOT_UTF8 = "商品/\udcff\udcfe.jpg"  # os.fsdecode(b"\xff\xfe.jpg")
# Raw in no format: C0 but the line feed, DEL, C1, line/paragraph separators,
# bidi overrides, U+FFFE/U+FFFF and lone surrogates.
UNSAFE = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)


def _report(path: str, message: str = "标题里有\x1b[2J\x07控制字符") -> Report:
    finding = Finding(
        Location(path, sheet="表\x85一", row=2, column="标题\r", span=(0, 2)),
        "TITLE004",
        "invisible-character",
        Severity.WARNING,
        message,
        hint="删除\u202e它",
        source="店铺规则\x9b",
        data={"actual": "\x1b\udcff", "list": ["\x07"]},
    )
    return Report("taobao", [finding], [path])


def _strict(report: Report, fmt: str, **options: Any) -> str:
    """Render into a strict UTF-8 stream, as standard output or an -o file is."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="\n")
    render(report, fmt, stream, **options)
    stream.flush()
    return raw.getvalue().decode("utf-8")


def _parses(fmt: str, text: str) -> None:
    if fmt in ("json", "sarif"):
        json.loads(text)
    elif fmt == "junit":
        ET.fromstring(text.encode("utf-8"))


@pytest.mark.parametrize("path", [FORGED, NOT_UTF8])
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_no_raw_control_character_in_any_format(fmt: str, path: str) -> None:
    text = _strict(_report(path), fmt)
    assert not UNSAFE.search(text), UNSAFE.findall(text)
    _parses(fmt, text)


@pytest.mark.parametrize("fmt", ["text", "github", "junit"])
def test_user_text_is_shown_with_visible_escapes(fmt: str) -> None:
    text = _strict(_report(FORGED), fmt)
    assert "forged\\x1b[31m.jpg" in text
    assert "\\x1b[2J\\x07" in text
    shown = _strict(_report(NOT_UTF8), fmt)
    assert "\\xff\\xfe.jpg" in shown


def test_colour_codes_are_the_only_escape_sequences_in_colour() -> None:
    text = _strict(_report(FORGED), "text", color=True)
    sequences = set(re.findall(r"\x1b\[[0-9;]*m", text))
    assert sequences <= {"\x1b[0m", "\x1b[1m", "\x1b[33m"}
    assert "\x1b[31m" not in text  # the one in the file name is shown, not obeyed
    assert "\x1b[2J" not in text


def test_github_name_with_a_newline_cannot_start_a_command() -> None:
    lines = _strict(_report(FORGED), "github").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 3  # group, the annotation, endgroup
    assert commands[1].startswith("::warning file=商品/a\\x0a%3A%3Aerror file=x%3A%3Aforged")


def test_junit_keeps_the_message_lines_of_a_multi_line_message() -> None:
    report = _report("a.jpg", "第一行\n第二行\x1b")
    text = _strict(report, "junit", fail_on=Severity.WARNING)
    failure = ET.fromstring(text).find(".//failure")
    assert failure is not None and failure.text is not None
    assert "问题：第一行\n第二行\\x1b" in failure.text


def test_json_keeps_valid_strings_exactly() -> None:
    report = _report(FORGED)
    data = json.loads(_strict(report, "json"))
    (finding,) = data["findings"]
    assert finding["location"]["path"] == FORGED
    assert finding["location"]["sheet"] == "表\x85一"
    assert finding["message"] == report.findings[0].message
    assert finding["data"] == {"actual": "\x1b\\xff", "list": ["\x07"]}


def test_json_writes_undecodable_bytes_as_text() -> None:
    data = json.loads(_strict(_report(NOT_UTF8), "json"))
    assert data["subjects"] == ["商品/\\xff\\xfe.jpg"]


def test_json_text_escapes_what_json_dumps_leaves_raw() -> None:
    value = {"k\x85": "a\x7fb\x9b\u2028\u202e\n"}
    text = json_text(value)
    assert not UNSAFE.search(text)
    assert "\\u0085" in text and "\\u007f" in text and "\\u2028" in text
    assert json.loads(text) == value


def test_sarif_uri_is_the_bytes_of_the_name() -> None:
    log = to_sarif(_report(NOT_UTF8))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert artifact["artifactLocation"]["uri"] == "%E5%95%86%E5%93%81/%FF%FE.jpg"


def test_uri_bytes() -> None:
    assert uri_bytes("\udcff.jpg") == b"\xff.jpg"
    assert uri_bytes("商品.jpg") == "商品.jpg".encode()
    assert uri_bytes("\ud800") == b"\xed\xa0\x80"  # not from a file name; still encodable


def test_for_display_keeps_the_order_of_the_report() -> None:
    # DEL sorts after "a", its escape "\x7f" before: the display keeps the report's order.
    first = Finding(Location("a.jpg"), "FILE002", "file-empty", Severity.ERROR, "x")
    second = Finding(Location("\x7f.jpg"), "FILE002", "file-empty", Severity.ERROR, "x")
    shown = for_display(Report("jd", [second, first]))
    assert [f.location.path for f in shown.findings] == ["a.jpg", "\\x7f.jpg"]


_ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)


@settings(max_examples=200, deadline=None)
@given(path=_ANY_TEXT, message=_ANY_TEXT, sheet=_ANY_TEXT)
def test_any_text_renders_safely_in_every_format(path: str, message: str, sheet: str) -> None:
    finding = Finding(Location(path, sheet=sheet or None), "FILE001", "x", Severity.ERROR, message)
    report = Report("jd", [finding], [path])
    for fmt in TEXT_FORMATS:
        text = _strict(report, fmt)
        assert not UNSAFE.search(text), (fmt, text)
        _parses(fmt, text)
        if fmt == "github":
            assert sum(line.startswith("::") for line in text.splitlines()) == 3
