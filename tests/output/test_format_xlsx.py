"""The Excel report: real workbooks written and read back with openpyxl."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from listingkit.cli.common import check_docs, is_ours
from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output import render
from listingkit.output.xlsx import FINDING_HEADERS, evidence_grade
from listingkit.shop.overview import ProductCard, ProductImage, ShopOverview
from tests.output.conftest import sample_report

REPO = Path(__file__).resolve().parents[2]
PRODUCT = REPO / "fixtures" / "store" / "连衣裙-A001"
SOURCE_A = "淘宝发布页配置（主图组件，2024-12，A 级）"
INJECTIONS = (
    '=HYPERLINK("http://x","a")',
    "\t=1+1",
    "@SUM(A1)",
    "-1+2",
    "+cmd|' /C calc'!A0",
    "\x00=1+1",
    "\u3000=1+1",
    "＝1+1",
)


def _xlsx(report: Report, shop: ShopOverview | None = None) -> bytes:
    stream = io.BytesIO()
    render(report, "xlsx", stream, docs=check_docs(), shop=shop)
    return stream.getvalue()


def _book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _rows(sheet: Worksheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _column(sheet: Worksheet, header: str) -> list[object]:
    rows = _rows(sheet)
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def _sheet_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        }


def test_sheets_and_headers_without_a_shop() -> None:
    book = _book(_xlsx(sample_report()))
    assert book.sheetnames == ["汇总", "问题", "概况"]
    assert _rows(book["汇总"])[0] == ["文件", "错误", "警告", "提示", "主要问题"]
    assert tuple(_rows(book["问题"])[0]) == FINDING_HEADERS
    assert FINDING_HEADERS[:8] == ("级别", "代码", "名称", "货号", "文件", "工作表", "行", "列")
    assert FINDING_HEADERS[8:] == ("说明", "建议", "依据", "证据等级")
    assert book.properties.creator == "listingkit"


def test_one_row_per_finding_in_report_order() -> None:
    report = sample_report()
    sheet = _book(_xlsx(report))["问题"]
    rows = _rows(sheet)[1:]
    assert len(rows) == len(report.findings) == 4
    assert [row[1] for row in rows] == [f.code for f in report.findings]
    assert [row[0] for row in rows] == [f.severity.label for f in report.findings]
    assert [row[8] for row in rows] == [f.message for f in report.findings]
    titled = next(row for row in rows if row[1] == "TITLE001")
    assert titled[4:8] == ["商品A/标题.csv", None, 3, "标题"]
    assert titled[2] == "title-too-long"
    assert titled[9] == "删减修饰词或重复的属性词"


def test_summary_without_a_shop_has_a_row_per_file() -> None:
    report = sample_report()
    rows = _rows(_book(_xlsx(report))["汇总"])[1:]
    by_file = {row[0]: row[1:] for row in rows}
    # The checked files, clean ones included, and the file only a finding names.
    assert set(by_file) == {
        "商品A/主图/01.jpg",
        "商品A/主图/02.jpg",
        "商品A/标题.csv",
        "商品B/坏图.jpg",
        "商品C/详情,旧/03.png",
    }
    assert by_file["商品A/主图/01.jpg"] == [0, 0, 0, None]
    assert by_file["商品B/坏图.jpg"] == [1, 0, 0, "FILE001"]
    assert by_file["商品A/标题.csv"] == [0, 0, 1, "TITLE001"]


def test_overview_totals_and_codes() -> None:
    rows = _rows(_book(_xlsx(sample_report()))["概况"])
    totals = {row[0]: row[1] for row in rows if row[0] and row[1] is not None}
    assert totals["问题"] == 4
    assert (totals["错误"], totals["警告"], totals["提示"]) == (2, 1, 1)
    assert totals["检查的文件"] == 4
    codes = rows.index(["代码", "名称", "数量"])
    assert rows[codes + 1 : codes + 4] == [
        ["FILE001", "file-unreadable", 1],
        ["FILE002", "file-empty", 2],
        ["TITLE001", "title-too-long", 1],
    ]


def test_file_links_point_at_the_files_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "主图").mkdir()
    (tmp_path / "主图" / "01 #1.jpg").write_bytes(b"x")
    odd = os.fsdecode(b"\xff\xfe.jpg")
    (tmp_path / odd).write_bytes(b"x")
    findings = [
        Finding(Location("主图/01 #1.jpg"), "FILE002", "file-empty", Severity.ERROR, "空"),
        Finding(Location(odd), "FILE002", "file-empty", Severity.ERROR, "空"),
        Finding(Location("不存在/02.jpg"), "FILE002", "file-empty", Severity.ERROR, "空"),
    ]
    data = _xlsx(Report("taobao", findings))
    sheet = _book(data)["问题"]
    links = {
        row[4].value: (row[4].hyperlink.target if row[4].hyperlink else None)
        for row in sheet.iter_rows(min_row=2)
    }
    assert links["主图/01 #1.jpg"] == (tmp_path / "主图" / "01 #1.jpg").as_uri()
    # The bytes of a name that is not UTF-8, shown escaped and linked exactly.
    linked = links["\\xff\\xfe.jpg"]
    assert linked is not None
    assert urllib.parse.unquote_to_bytes(linked) == b"file://" + os.fsencode(tmp_path) + (
        b"/\xff\xfe.jpg"
    )
    assert links["不存在/02.jpg"] is None  # not on disk: plain text
    assert all(target is None or target.startswith("file:///") for target in links.values())


def test_frozen_header_and_filters_over_the_data() -> None:
    book = _book(_xlsx(sample_report()))
    assert book["问题"].freeze_panes == "A2"
    assert book["汇总"].freeze_panes == "A2"
    assert book["问题"].auto_filter.ref == "A1:L5"
    assert book["汇总"].auto_filter.ref == "A1:E6"
    header = next(book["问题"].iter_rows(max_row=1))
    assert all(cell.font.bold for cell in header)


def test_filters_on_an_empty_report_cover_the_header() -> None:
    book = _book(_xlsx(Report("jd", [], ["a.jpg"])))
    assert book["问题"].auto_filter.ref == "A1:L1"
    assert _rows(book["问题"]) == [list(FINDING_HEADERS)]


def test_widths_fit_chinese_text_and_long_text_wraps() -> None:
    twenty = "主图尺寸小于平台建议的大小请用更大的原图"
    assert len(twenty) == 20
    findings = [
        Finding(Location("a.jpg"), "IMG006", "n", Severity.WARNING, twenty, hint="short"),
        Finding(Location("b.jpg"), "IMG006", "n", Severity.WARNING, "x", hint="长" * 100),
        Finding(Location("c.jpg"), "IMG006", "n", Severity.WARNING, "第一行\n第二行"),
    ]
    sheet = _book(_xlsx(Report("taobao", findings)))["问题"]
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["说明"] == 20 * 2 + 2  # a Chinese character takes two columns
    assert widths["建议"] == 60  # capped; the rest wraps
    assert widths["代码"] < widths["说明"]
    assert sheet["J3"].alignment.wrap_text  # longer than its column
    assert sheet["I4"].alignment.wrap_text  # two lines
    assert sheet["I4"].value == "第一行\n第二行"


def test_evidence_grade_from_the_end_of_the_source() -> None:
    assert evidence_grade(SOURCE_A) == "A"
    assert evidence_grade("旧版发布页提示（约 2020 年以前，B 级）") == "B"
    assert evidence_grade("店铺规则（C 级)") == "C"
    assert evidence_grade("商品表 商品.xlsx") is None
    assert evidence_grade("A 级以上的来源（见说明）") is None
    assert evidence_grade(None) is None
    findings = [
        Finding(Location("a.jpg"), "IMG006", "n", Severity.WARNING, "m", source=SOURCE_A),
        Finding(Location("b.jpg"), "IMG006", "n", Severity.WARNING, "m"),
    ]
    sheet = _book(_xlsx(Report("taobao", findings)))["问题"]
    assert _column(sheet, "证据等级") == ["A", None]
    assert _column(sheet, "依据") == [SOURCE_A, None]


def _shop(tmp_path: Path) -> tuple[ShopOverview, list[Finding]]:
    """Two products on disk, one listed without a folder, and findings on each."""
    for name in ("主图/01.jpg", "主图/02.jpg", "白底/01.jpg"):
        path = tmp_path / "店" / "A001" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    (tmp_path / "店" / "B002" / "主图").mkdir(parents=True)
    (tmp_path / "店" / "B002" / "主图" / "01.jpg").write_bytes(b"x")
    root = (tmp_path / "店").as_posix()

    def image(item: str, name: str, role: str, slot: int | None) -> ProductImage:
        display = f"{root}/{item}/{name}"
        return ProductImage(display, Path(display), role, slot)

    sheet = f"{root}/商品.xlsx"
    cards = (
        ProductCard(
            "A001",
            f"{root}/A001",
            row=2,
            title="夏季新款连衣裙女",
            units=58,
            limit=60,
            images=(
                image("A001", "主图/01.jpg", "main", 1),
                image("A001", "主图/02.jpg", "main", 2),
                image("A001", "白底/01.jpg", "white_background", None),
            ),
            data_path=sheet,
        ),
        ProductCard(
            "B002",
            f"{root}/B002",
            row=3,
            title=INJECTIONS[0],
            composed=True,
            units=20,
            limit=60,
            images=(image("B002", "主图/01.jpg", "main", 1),),
            data_path=sheet,
        ),
        ProductCard("C003", None, row=4, data_path=sheet),
    )
    shop = ShopOverview(root, "淘宝", sheet, cards)

    def finding(path: str, code: str, severity: Severity, row: int | None = None) -> Finding:
        at = Location(path, "Sheet1" if row else None, row)
        return Finding(at, code, code.lower(), severity, f"{code} 的说明", source=SOURCE_A)

    findings = [
        finding(f"{root}/A001/主图/02.jpg", "IMG005", Severity.WARNING),
        finding(f"{root}/A001/主图/01.jpg", "IMG005", Severity.WARNING),
        finding(sheet, "TITLE010", Severity.ERROR, row=2),
        finding(f"{root}/B002/主图/01.jpg", "IMG006", Severity.INFO),
        finding(sheet, "SHOP001", Severity.ERROR, row=4),
        finding(f"{root}/杂项", "SHOP002", Severity.WARNING),
    ]
    return shop, findings


def test_shop_summary_has_a_row_per_product_and_one_for_the_shop(tmp_path: Path) -> None:
    shop, findings = _shop(tmp_path)
    book = _book(_xlsx(Report("taobao", findings), shop))
    rows = _rows(book["汇总"])
    assert rows[0] == [
        *("货号", "商品文件夹", "标题", "标题长度", "主图数", "图片数"),
        *("错误", "警告", "提示", "主要问题"),
    ]
    a001, b002, c003, whole = rows[1:]
    assert a001 == [
        "A001",
        f"{shop.root}/A001",
        "夏季新款连衣裙女",
        "58/60",
        2,
        3,
        1,
        2,
        0,
        "TITLE010、IMG005×2",
    ]
    assert b002[:6] == ["B002", f"{shop.root}/B002", INJECTIONS[0], "20/60", 1, 1]
    assert b002[6:] == [0, 0, 1, "IMG006"]
    assert c003 == ["C003", None, None, None, 0, 0, 1, 0, 0, "SHOP001"]
    assert whole == ["整店", None, None, None, None, None, 0, 1, 0, "SHOP002"]
    folder = book["汇总"]["B2"]
    assert folder.hyperlink.target == (tmp_path / "店" / "A001").as_uri()
    assert book["汇总"].auto_filter.ref == "A1:J5"
    assert book["汇总"].freeze_panes == "A2"


def test_shop_findings_name_their_product(tmp_path: Path) -> None:
    shop, findings = _shop(tmp_path)
    sheet = _book(_xlsx(Report("taobao", findings), shop))["问题"]
    by_code = dict(zip(_column(sheet, "代码"), _column(sheet, "货号"), strict=True))
    assert by_code == {
        "IMG005": "A001",
        "TITLE010": "A001",
        "IMG006": "B002",
        "SHOP001": "C003",
        "SHOP002": None,
    }
    assert _column(sheet, "证据等级") == ["A"] * len(findings)


def test_shop_overview_totals(tmp_path: Path) -> None:
    shop, findings = _shop(tmp_path)
    rows = _rows(_book(_xlsx(Report("taobao", findings), shop))["概况"])
    totals = {row[0]: row[1] for row in rows if row[0] and row[1] is not None}
    assert totals["平台"] == "淘宝"
    assert (totals["商品"], totals["图片"]) == (3, 4)
    assert (totals["问题"], totals["错误"], totals["警告"], totals["提示"]) == (6, 2, 3, 1)


def test_formula_looking_text_stays_text_everywhere(tmp_path: Path) -> None:
    shop, findings = _shop(tmp_path)
    hostile = [
        Finding(
            Location(f"{text}.jpg", sheet=text, column=text),
            "FILE002",
            text,
            Severity.ERROR,
            text,
            hint=text,
            source=text,
        )
        for text in INJECTIONS
    ]
    data = _xlsx(Report("taobao", [*findings, *hostile]), shop)
    book = _book(data)
    texts = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and "1+1" in cell.value:
                    texts += 1
    assert texts >= 5 * 4  # every column above, for each "1+1" case
    messages = _column(book["问题"], "说明")
    assert INJECTIONS[0] in messages  # kept as it was typed, as text
    assert "@SUM(A1)" in messages
    assert "-1+2" in messages
    assert "+cmd|' /C calc'!A0" in messages
    assert "\\x09=1+1" in messages  # the tab shown, never a way round the guard
    assert "\\x00=1+1" in messages
    assert "\u3000=1+1" in messages
    for name, xml in _sheet_xml(data).items():
        assert not re.search(r"<(\w+:)?f[ >/]", xml), name
    # A cell Excel would re-read as a formula once edited keeps its apostrophe.
    quoted = [c for c in book["问题"]["I"] if c.value == INJECTIONS[0]]
    assert quoted and all(c.quotePrefix for c in quoted)
    title = book["汇总"]["C3"]
    assert (title.value, title.data_type, title.quotePrefix) == (INJECTIONS[0], "s", True)


_ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)


@settings(max_examples=40, deadline=None)
@given(path=_ANY_TEXT, message=_ANY_TEXT, sheet=_ANY_TEXT, title=_ANY_TEXT)
def test_any_text_gives_a_workbook_without_formulas(
    path: str, message: str, sheet: str, title: str
) -> None:
    at = Location(path, sheet=sheet or None, row=2, column=sheet or None)
    finding = Finding(at, "FILE001", "x", Severity.ERROR, message, hint=title, source=title)
    card = ProductCard(title or "A001", path or None, row=2, title=title, data_path=path)
    data = _xlsx(Report("jd", [finding], [path]), ShopOverview("店", title, title, (card,)))
    book = _book(data)
    assert len(_rows(book["问题"])) == 2
    for xml in _sheet_xml(data).values():
        assert not re.search(r"<(\w+:)?f[ >/]", xml)
    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type in ("s", "n"), cell.value
                assert cell.hyperlink is None or cell.hyperlink.target.startswith("file:///")


def test_links_only_ever_open_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("javascript:alert(1)", "http:", "=HYPERLINK(1)"):
        (tmp_path / name).mkdir()
    findings = [
        Finding(Location(name), "FILE004", "n", Severity.ERROR, "m")
        for name in ("javascript:alert(1)", "http:", "=HYPERLINK(1)", "http://example.com/x")
    ]
    data = _xlsx(Report("taobao", findings))
    targets = [
        cell.hyperlink.target
        for sheet in _book(data).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.hyperlink
    ]
    assert len(targets) == 6  # three folders, each in 汇总 and 问题; the URL is not on disk
    for target in targets:
        assert target.startswith(f"file://{urllib.parse.quote(tmp_path.as_posix())}/")
        assert ":" not in target.removeprefix("file://")


def test_the_report_is_recognised_as_ours(tmp_path: Path) -> None:
    target = tmp_path / "报告.xlsx"
    target.write_bytes(_xlsx(sample_report()))
    assert is_ours(target)


def _listingkit(*argv: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
    )


def test_check_writes_the_report_with_output(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    run = _listingkit("check", str(PRODUCT), "--format", "xlsx", "-o", str(target), "--no-progress")
    assert run.returncode == 1, run.stderr.decode()  # the fixture holds an error
    assert run.stdout == b""
    assert is_ours(target)
    as_json = _listingkit("check", str(PRODUCT), "--format", "json", "--no-progress")
    expected = json.loads(as_json.stdout)["findings"]
    sheet = load_workbook(target)["问题"]
    assert _column(sheet, "代码") == [f["code"] for f in expected]
    assert _column(sheet, "说明") == [f["message"] for f in expected]
    linked = [c for c in sheet["E"][1:] if c.hyperlink]
    assert len(linked) == len(expected)
    # A second run replaces its own report.
    again = _listingkit("check", str(PRODUCT), "--format", "xlsx", "-o", str(target))
    assert again.returncode == 1, again.stderr.decode()


def test_check_refuses_to_replace_a_workbook_it_did_not_write(tmp_path: Path) -> None:
    target = tmp_path / "商品.xlsx"
    Workbook().save(target)
    before = target.read_bytes()
    run = _listingkit("check", str(PRODUCT), "--format", "xlsx", "-o", str(target))
    assert run.returncode == 2
    assert target.read_bytes() == before


def test_check_writes_the_workbook_to_a_pipe() -> None:
    run = _listingkit("check", str(PRODUCT), "--format", "xlsx", "--no-progress")
    assert run.returncode == 1, run.stderr.decode()
    book = _book(run.stdout)
    assert book.sheetnames == ["汇总", "问题", "概况"]
    assert book.properties.creator == "listingkit"


def test_check_never_pours_a_workbook_onto_a_terminal() -> None:
    leader, follower = pty.openpty()
    try:
        run = _listingkit("check", str(PRODUCT), "--format", "xlsx", stdout=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert run.returncode == 2
    assert "-o" in run.stderr.decode()


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_check_refuses_a_device_or_a_fifo(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        target = tmp_path / "r.xlsx"
        os.mkfifo(target)
    else:
        target = Path(os.devnull)
    run = _listingkit("check", str(PRODUCT), "--format", "xlsx", "-o", str(target))
    assert run.returncode == 2
    assert "不是普通文件" in run.stderr.decode()
