"""write_xlsx: refusals, formula-looking text kept as text, atomic writes."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest

from listingkit.errors import OutputError, SheetError
from listingkit.sheets import read_sheet, write_xlsx

MakeXlsx = Callable[..., Path]

RISKY = ["=SUM(A1:A2)", "+86 138", "-5%", "@home", "#N/A", "=1+2"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_writes_headers_and_rows(tmp_path: Path) -> None:
    path = tmp_path / "候选标题.xlsx"
    write_xlsx(path, ["货号", "标题", "字数"], [["A1", "新款连衣裙", 5], ["A2", "半身裙", 3]])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None and sheet.title == "标题"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["货号", "标题", "字数"],
        ["A1", "新款连衣裙", 5],
        ["A2", "半身裙", 3],
    ]
    assert _leftovers(tmp_path) == []


def test_formula_like_text_is_stored_as_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["标题", "=表头"], [[value, value] for value in RISKY])
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet["B1"].data_type == "s" and sheet["B1"].value == "=表头"
    for number, value in enumerate(RISKY, start=2):
        for cell in (sheet.cell(row=number, column=1), sheet.cell(row=number, column=2)):
            assert cell.data_type == "s", (value, cell.data_type)
            assert cell.value == value
    # Excel's leading apostrophe keeps them text after an edit too.
    assert sheet["A2"].quotePrefix and sheet["A3"].quotePrefix
    # And our own reader sees the literal text (not a computed or empty formula).
    assert [row.get("标题") for row in read_sheet(path).rows] == RISKY


def test_formula_like_text_in_the_raw_xml_is_an_inline_string(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["标题"], [["=SUM(A1:A2)"]])
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "SUM(A1:A2)" in xml and "inlineStr" in xml


def test_values_keep_their_types(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    rows = [[1, 2.5, True, None, dt.date(2024, 5, 1), Path("x")]]
    write_xlsx(path, list("ABCDEF"), rows)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    values = [cell.value for cell in sheet[2]]
    assert values[:4] == [1, 2.5, True, None]
    assert values[4] == dt.datetime(2024, 5, 1)
    assert values[5] == "x"


def test_control_characters_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["标题"], [["连衣\x0b裙\x00"], ["=\x01A"]])
    assert [row.get("标题") for row in read_sheet(path).rows] == ["连衣裙", "=A"]


def test_bold_header_frozen_and_widths(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    long_title = "新款" * 40
    write_xlsx(path, ["货号", "标题", "c"], [["A1", "连衣裙显瘦", "x"], ["A2", long_title, "y"]])
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    assert widths["A"] == 8  # short: the minimum
    assert widths["B"] == 60  # 160 display columns: capped
    assert widths["C"] == 8
    path2 = tmp_path / "out2.xlsx"
    write_xlsx(path2, ["标题"], [["连衣裙显瘦女装夏"]])  # 8 CJK = 16 columns, + 2
    sheet2 = openpyxl.load_workbook(path2).active
    assert sheet2 is not None and sheet2.column_dimensions["A"].width == 18


def test_sheet_name(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["a"], [["b"]], sheet_name="候选")
    assert openpyxl.load_workbook(path).sheetnames == ["候选"]


@pytest.mark.parametrize("name", ["", "a/b", "x" * 32, "[1]"])
def test_bad_sheet_name_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "out.xlsx"
    with pytest.raises(SheetError) as caught:
        write_xlsx(path, ["a"], [["b"]], sheet_name=name)
    assert str(path) in str(caught.value)
    assert not path.exists() and _leftovers(tmp_path) == []


def test_rows_can_be_a_generator_longer_than_the_width_sample(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"

    def rows() -> Iterator[Sequence[object]]:
        for number in range(1000):
            yield [f"标题{number}", number]

    write_xlsx(path, ["标题", "序号"], rows())
    sheet = read_sheet(path)
    assert len(sheet.rows) == 1000
    assert sheet.rows[-1].values == {"标题": "标题999", "序号": "999"}
    assert sheet.rows[-1].row == 1001


def test_refuses_to_write_over_an_input(make_xlsx: MakeXlsx, tmp_path: Path) -> None:
    source = make_xlsx("参数表.xlsx", [["产品词", "品牌"], ["裙", "某"]])
    before = source.read_bytes()
    # The same file named another way, and even with overwrite.
    other_spelling = tmp_path / "sub" / ".." / "参数表.xlsx"
    (tmp_path / "sub").mkdir()
    with pytest.raises(OutputError) as caught:
        write_xlsx(other_spelling, ["a"], [["b"]], inputs=[source], overwrite=True)
    message = str(caught.value)
    assert "参数表.xlsx" in message and "读取" in message
    assert source.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_refuses_an_input_given_as_a_relative_path(
    make_xlsx: MakeXlsx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_xlsx("参数表.xlsx", [["产品词", "品牌"], ["裙", "某"]])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match=re.escape("参数表.xlsx")):
        write_xlsx(source, ["a"], [["b"]], inputs=["参数表.xlsx"], overwrite=True)


def test_refuses_a_hard_link_to_an_input(make_xlsx: MakeXlsx, tmp_path: Path) -> None:
    source = make_xlsx("参数表.xlsx", [["产品词", "品牌"], ["裙", "某"]])
    link = tmp_path / "链接.xlsx"
    os.link(source, link)
    with pytest.raises(OutputError) as caught:
        write_xlsx(link, ["a"], [["b"]], inputs=[source], overwrite=True)
    assert str(link) in str(caught.value)


def test_refuses_an_existing_file_unless_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "候选标题.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(OutputError) as caught:
        write_xlsx(path, ["a"], [["b"]])
    message = str(caught.value)
    assert str(path) in message and "已存在" in message
    assert path.read_bytes() == b"old"
    write_xlsx(path, ["a"], [["b"]], overwrite=True)
    assert read_sheet(path).rows[0].values == {"a": "b"}
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["out.csv", "out.xls", "out"])
def test_refuses_a_suffix_other_than_xlsx(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(SheetError) as caught:
        write_xlsx(path, ["a"], [["b"]])
    assert str(path) in str(caught.value) and ".xlsx" in str(caught.value)


def test_refuses_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    path.mkdir()
    with pytest.raises(OutputError) as caught:
        write_xlsx(path, ["a"], [["b"]], overwrite=True)
    assert str(path) in str(caught.value)


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    path = tmp_path / "没有的文件夹" / "out.xlsx"
    with pytest.raises(OutputError) as caught:
        write_xlsx(path, ["a"], [["b"]])
    assert str(path) in str(caught.value) and "不存在" in str(caught.value)


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"

    def rows() -> Iterator[Sequence[object]]:
        for number in range(500):
            if number == 300:
                raise KeyboardInterrupt
            yield [f"标题{number}"]

    spool = Path(tempfile.gettempdir())
    before = set(spool.glob("openpyxl.*"))
    with pytest.raises(KeyboardInterrupt):
        write_xlsx(path, ["标题"], rows())
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
    # openpyxl's own spool file in the system temp folder is gone too.
    assert set(spool.glob("openpyxl.*")) <= before


def test_interrupted_overwrite_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["标题"], [["旧的"]])
    before = path.read_bytes()

    def rows() -> Iterator[Sequence[object]]:
        yield ["新的"]
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_xlsx(path, ["标题"], rows(), overwrite=True)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_os_error_while_writing_is_an_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.xlsx"

    def locked(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as caught:
        write_xlsx(path, ["a"], [["b"]])
    message = str(caught.value)
    assert str(path) in message and "Excel" in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_written_file_has_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["a"], [["b"]])
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_our_own_workbook_is_replaced_without_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "候选标题.xlsx"
    write_xlsx(path, ["标题"], [["旧的"]])
    assert openpyxl.load_workbook(path).properties.creator == "listingkit"
    write_xlsx(path, ["标题"], [["新的"]])
    assert read_sheet(path).rows[0].values == {"标题": "新的"}
    assert _leftovers(tmp_path) == []


def test_a_workbook_someone_else_made_is_not_ours(tmp_path: Path) -> None:
    from listingkit.sheets.writer import is_our_workbook

    theirs = tmp_path / "theirs.xlsx"
    openpyxl.Workbook().save(theirs)
    text = tmp_path / "notes.xlsx"
    text.write_text("<dc:creator>listingkit</dc:creator>", encoding="utf-8")
    assert not is_our_workbook(theirs) and not is_our_workbook(text)
    with pytest.raises(OutputError, match="--force"):
        write_xlsx(theirs, ["a"], [["b"]])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_refuses_a_fifo_even_with_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    os.mkfifo(path)
    with pytest.raises(OutputError, match="管道"):
        write_xlsx(path, ["a"], [["b"]], overwrite=True)
    assert path.is_fifo()


def test_failed_save_removes_the_spool_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    path = tmp_path / "out" / "out.xlsx"
    path.parent.mkdir()

    def full(self: object, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("openpyxl.writer.excel.ExcelWriter.write_data", full)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        write_xlsx(path, ["标题"], [[f"标题{n}"] for n in range(300)])
    assert list(spool.iterdir()) == []
    assert list(path.parent.iterdir()) == []
