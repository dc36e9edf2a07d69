"""Files read_sheet cannot use: every message names the file and says what to do."""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit.errors import InputError, SheetError
from listingkit.sheets import read_sheet

MakeXlsx = Callable[..., Path]


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "没有这个文件.xlsx"
    with pytest.raises(InputError) as caught:
        read_sheet(path)
    assert type(caught.value) is InputError
    assert str(path) in str(caught.value) and "不存在" in str(caught.value)


def test_folder_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "文件夹.xlsx"
    path.mkdir()
    with pytest.raises(InputError) as caught:
        read_sheet(path)
    assert str(path) in str(caught.value) and "文件夹" in str(caught.value)


AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(AS_ROOT, reason="root reads files whatever their permissions")
@pytest.mark.parametrize("name", ["a.csv", "a.xlsx"])
def test_file_without_read_permission_is_an_input_error(
    make_xlsx: MakeXlsx, tmp_path: Path, name: str
) -> None:
    path = make_xlsx(name, [["产品词", "品牌"], ["裙", "某"]])
    if name.endswith(".csv"):
        path.write_text("产品词,品牌\n裙,某\n", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError) as caught:
        read_sheet(path)
    assert str(path) in str(caught.value) and "权限" in str(caught.value)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_link_loop_is_an_input_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"loop{suffix}"
    path.symlink_to(path.name)
    with pytest.raises(InputError) as caught:
        read_sheet(path)
    assert type(caught.value) is InputError
    assert str(path) in str(caught.value) and "链接形成了循环" in str(caught.value)


def test_random_bytes_named_xls_are_refused_with_save_as_advice(tmp_path: Path) -> None:
    path = tmp_path / "生意参谋导出.xls"
    path.write_bytes(os.urandom(512))
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert message.startswith(f"{path} 无法作为 .xls 读取")
    assert "另存为 .xlsx" in message and "\n" not in message


@pytest.mark.parametrize("name", ["参数.txt", "参数.numbers", "参数"])
def test_unknown_suffix_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("产品词\n裙\n", encoding="utf-8")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    assert str(path) in str(caught.value) and ".xlsx" in str(caught.value)


def test_random_bytes_xlsx_is_a_sheet_error(tmp_path: Path) -> None:
    path = tmp_path / "坏的.xlsx"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert str(path) in message and "另存为 .xlsx" in message


def test_truncated_xlsx_is_a_sheet_error(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("下载一半.xlsx", [["产品词", "品牌"], ["裙", "某"]] * 50)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert str(path) in message and "下载完整" in message


def test_damaged_worksheet_inside_a_good_zip(make_xlsx: MakeXlsx, tmp_path: Path) -> None:
    good = make_xlsx("好的.xlsx", [["产品词", "品牌"], ["裙", "某"]] * 50)
    path = tmp_path / "内部损坏.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    assert str(path) in str(caught.value)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "其实是压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    assert str(path) in str(caught.value)


def test_csv_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "改了扩展名.xlsx"
    path.write_text("产品词,品牌\n裙,某\n", encoding="utf-8")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    assert str(path) in str(caught.value)


def test_broken_ole2_file_named_xlsx_is_read_as_xls_and_refused(tmp_path: Path) -> None:
    path = tmp_path / "坏的.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + os.urandom(1024))
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert message.startswith(f"{path} 无法作为 .xls 读取") and "损坏" in message


def test_empty_xlsx_sheet(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("空表.xlsx", sheets={"参数": []})
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert "工作表为空" in message and str(path) in message and "参数" in message


def test_header_without_data_rows(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx("只有表头.xlsx", sheets={"参数": [None, ["产品词", "品牌"], None]})
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert "工作表为空" in message and str(path) in message and "参数" in message
    assert "第 2 行是表头" in message


@pytest.mark.parametrize("text", ["", "\n\n  ,  \n", "产品词,品牌\n"])
def test_empty_csv(tmp_path: Path, text: str) -> None:
    path = tmp_path / "空.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    assert "工作表为空" in str(caught.value) and str(path) in str(caught.value)


def test_errors_carry_no_traceback_text(tmp_path: Path) -> None:
    path = tmp_path / "坏的.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    assert "Traceback" not in str(caught.value)
    assert "\n" not in str(caught.value)  # one line an operator can act on


def test_xlsx_bytes_under_an_xls_name_are_read(make_xlsx: MakeXlsx, tmp_path: Path) -> None:
    good = make_xlsx("好的.xlsx", [["产品词", "品牌"], ["裙", "某"]])
    path = tmp_path / "好的.XLS"
    shutil.copy(good, path)
    sheet = read_sheet(path)
    assert sheet.headers == ["产品词", "品牌"] and sheet.rows[0].values == {
        "产品词": "裙",
        "品牌": "某",
    }
