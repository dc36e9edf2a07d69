"""Sheets built to crash, hang or exhaust memory: one line and exit 2, or a correct read.

Each workbook is a real .xlsx assembled with zipfile, as an attacker would, and
goes through the real command in a real process whose address space is capped
at 2 GB: without the guard, python-calamine asks for 512 GiB on the first file
here and aborts the interpreter (exit 134, a Rust backtrace).
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from tests.hostile.conftest import Proc

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MEMORY_CAP = 2 * 1024**3

PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{PKG}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1"'
        f' Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="参数" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(path: Path, body: Iterable[str], *, dimension: str | None = None) -> Path:
    """A minimal .xlsx whose only sheet is ``body`` (the XML inside ``<sheetData>``),
    written a piece at a time so that a gigabyte of sheet costs the test no memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in PARTS.items():
            archive.writestr(name, xml)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for piece in body:
                sheet.write(piece.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def far_cell_workbook(path: Path) -> Path:
    """The 4.7 KB file of the report: a header, and one value at XFD1048576."""
    body = [
        f'<row r="1">{cell("A1", "产品词")}{cell("B1", "标题")}</row>',
        f'<row r="2">{cell("A2", "连衣裙")}{cell("B2", "碎花连衣裙")}</row>',
        f'<row r="1048576">{cell("XFD1048576", "x")}</row>',
    ]
    return workbook(path, body, dimension="A1:XFD1048576")


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture
def capped(tmp_path: Path) -> Callable[..., Proc]:
    """``python -m listingkit ARGS`` with its address space capped at 2 GB."""
    (tmp_path / ".git").mkdir(exist_ok=True)

    def run(*argv: str | os.PathLike[str], timeout: float = 120) -> Proc:
        done = subprocess.run(
            [sys.executable, "-m", "listingkit", *map(str, argv)],
            capture_output=True,
            timeout=timeout,
            cwd=tmp_path,
            preexec_fn=_cap_memory,
        )
        return Proc(done.returncode, done.stdout, done.stderr)

    return run


def parameter_csv(folder: Path) -> Path:
    path = folder / "参数表.csv"
    path.write_text("产品词,属性词\n连衣裙,碎花\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["titles", "lint-titles", "titles --keywords"])
def test_one_cell_at_xfd1048576_is_refused_in_one_line(
    capped: Callable[..., Proc], tmp_path: Path, command: str
) -> None:
    path = far_cell_workbook(tmp_path / "远处一格.xlsx")
    assert path.stat().st_size < 8 * 1024
    if command == "titles --keywords":
        run = capped("titles", parameter_csv(tmp_path), "--keywords", path, "--platform", "taobao")
    else:
        run = capped(command, path, "--platform", "taobao")
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1, run.stderr
    line = run.err_lines[0]
    assert "远处一格.xlsx" in line and "A1:XFD1048576" in line and "panicked" not in line


def test_a_lone_far_cell_is_read_where_it_is(capped: Callable[..., Proc], tmp_path: Path) -> None:
    # Nothing near A1: the rectangle is one cell, and its row number stays Excel's.
    body = [
        f'<row r="1048575">{cell("XFC1048575", "产品词")}{cell("XFD1048575", "标题")}</row>',
        f'<row r="1048576">{cell("XFC1048576", "连衣裙")}'
        f"{cell('XFD1048576', '全网最佳连衣裙')}</row>",
    ]
    path = workbook(tmp_path / "右下角.xlsx", body, dimension="A1:XFD1048576")
    run = capped(
        "lint-titles", path, "--platform", "taobao", "--format", "json", "--fail-on", "warning"
    )
    assert run.status == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    assert {(f["code"], f["location"]["row"], f["location"]["column"]) for f in findings} >= {
        ("TITLE010", 1048576, "标题")
    }


def test_declared_dimension_alone_costs_nothing(
    capped: Callable[..., Proc], tmp_path: Path
) -> None:
    body = [
        f'<row r="1">{cell("A1", "产品词")}{cell("B1", "标题")}</row>',
        f'<row r="2">{cell("A2", "连衣裙")}{cell("B2", "碎花雪纺连衣裙女夏季")}</row>',
    ]
    path = workbook(tmp_path / "谎报尺寸.xlsx", body, dimension="A1:XFD1048576")
    run = capped("lint-titles", path, "--platform", "taobao", "--format", "json")
    assert run.status in (0, 1) and "Traceback" not in run.stderr, run.stderr


def _bomb_body(total: int) -> Iterable[str]:
    row = "".join(cell(f"{letter}1", "炸弹") for letter in "ABCDEFGH")
    piece = f'<row r="1">{row}</row>' * 64
    for _ in range(total // len(piece.encode())):
        yield piece


@pytest.mark.parametrize("size_mb", [1024, 100])
def test_zip_bomb_is_refused_before_it_is_inflated(
    capped: Callable[..., Proc], tmp_path: Path, size_mb: int
) -> None:
    # 1 GB of sheet is over the unpacked limit; 100 MB passes it but not the ratio.
    path = workbook(tmp_path / "炸弹.xlsx", _bomb_body(size_mb * 1024 * 1024))
    assert path.stat().st_size < 8 * 1024 * 1024
    started = time.monotonic()
    run = capped("titles", path, "--platform", "taobao")
    assert time.monotonic() - started < 60  # inflating it would take minutes, or abort
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1 and "炸弹.xlsx" in run.err_lines[0], run.stderr
    assert "没有读取" in run.err_lines[0]


def test_millions_of_real_cells_are_refused(capped: Callable[..., Proc], tmp_path: Path) -> None:
    # Random numbers do not compress: this passes the size checks and meets the cell limit.
    rng = random.Random(8)
    rows = (
        "<row>" + "".join(f"<c><v>{rng.random()}</v></c>" for _ in range(25)) + "</row>"
        for _ in range(85_000)
    )
    path = workbook(tmp_path / "太多格.xlsx", rows)
    run = capped("titles", path, "--platform", "taobao")
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1, run.stderr
    assert "太多格.xlsx" in run.err_lines[0] and "2,000,000" in run.err_lines[0]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("role", ["sheet", "keywords"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_pipe_or_endless_device_as_a_sheet(
    listingkit: Callable[..., Proc], tmp_path: Path, suffix: str, role: str, kind: str
) -> None:
    path = tmp_path / f"表{suffix}"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    if role == "sheet":
        run = listingkit("titles", path, "--platform", "taobao", timeout=20)
    else:
        run = listingkit(
            "titles",
            parameter_csv(tmp_path),
            "--keywords",
            path,
            "--platform",
            "taobao",
            timeout=20,
        )
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1 and "不是普通文件" in run.err_lines[0], run.stderr
    assert "表" + suffix in run.err_lines[0]


def test_latin1_csv_is_refused_naming_the_file(
    listingkit: Callable[..., Proc], tmp_path: Path
) -> None:
    path = tmp_path / "甜品.csv"
    path.write_bytes("产品词,标题\n".encode() + "crème,crème brûlée\n".encode("latin-1"))
    run = listingkit("lint-titles", path, "--platform", "taobao")
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1 and "甜品.csv" in run.err_lines[0] and "UTF-8" in run.stderr
    assert "鑝" not in run.stdout + run.stderr


def test_utf16_csv_is_read(listingkit: Callable[..., Proc], tmp_path: Path) -> None:
    path = tmp_path / "Unicode 文本.csv"
    path.write_bytes("产品词\t标题\n连衣裙\t全网最佳连衣裙\n".encode("utf-16"))
    run = listingkit(
        "lint-titles", path, "--platform", "taobao", "--format", "json", "--fail-on", "warning"
    )
    assert run.status == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    assert ("TITLE010", 2) in {(f["code"], f["location"]["row"]) for f in findings}


def test_duplicate_headers_and_merged_cells_are_findings_naming_the_cells(
    listingkit: Callable[..., Proc], tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    rows = [
        ["货号", "标题", "产品词", "品牌", "标题"],
        ["A1", "碎花连衣裙女", "连衣裙", "某某", "雪纺连衣裙女"],
        ["A2", "纯棉半身裙女", "半身裙", None, "百褶半身裙女"],
        ["A3", "真丝衬衫女", "衬衫", None, "法式衬衫女"],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("D2:D4")  # 品牌 written once for three rows
    path = tmp_path / "拼起来的表.xlsx"
    book.save(path)
    run = listingkit(
        "lint-titles", path, "--platform", "taobao", "--format", "json", "--fail-on", "warning"
    )
    assert run.status == 1, run.stderr
    sheet_findings = [f for f in json.loads(run.stdout)["findings"] if f["code"][:5] == "SHEET"]
    by_code = {f["code"]: f for f in sheet_findings}
    assert set(by_code) == {"SHEET001", "SHEET002"}
    assert "B1 和 E1 都叫“标题”" in by_code["SHEET001"]["message"]
    assert by_code["SHEET001"]["severity"] == "error"
    assert by_code["SHEET002"]["message"].startswith("D2:D4 是合并单元格：只有 D2 有内容")
    assert by_code["SHEET002"]["location"]["row"] == 2
    assert "取消合并" in by_code["SHEET002"]["hint"]
    # The codes obey --ignore, like every other check.
    quiet = listingkit(
        "lint-titles", path, "--platform", "taobao", "--format", "json", "--ignore", "SHEET"
    )
    assert not [f for f in json.loads(quiet.stdout)["findings"] if f["code"][:5] == "SHEET"]


def test_titles_reports_sheet_findings_of_both_sheets(
    listingkit: Callable[..., Proc], tmp_path: Path
) -> None:
    params = tmp_path / "参数.csv"
    params.write_text("产品词,品牌,品牌\n连衣裙,某某,某某\n", encoding="utf-8")
    words = tmp_path / "词.csv"
    words.write_text("关键词,搜索人气\n连衣裙,1234\n半身裙,很多\n", encoding="utf-8")
    run = listingkit(
        "titles",
        params,
        "--keywords",
        words,
        "--platform",
        "taobao",
        "-o",
        "x.txt",
        "--fail-on",
        "warning",
    )
    assert run.status == 1, run.stderr
    text = (tmp_path / "x.txt").read_text(encoding="utf-8")
    assert "SHEET001" in text and "B1 和 C1 都叫“品牌”" in text
    assert "SHEET003" in text and "“很多”不是数字" in text
    assert "很多" not in run.stderr  # a finding in the report, no longer a loose stderr line
