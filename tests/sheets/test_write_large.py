"""A large results workbook: its sheet is deflated in blocks, and reads back cell for cell."""

from __future__ import annotations

import random
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl

from listingkit.sheets import write_xlsx
from listingkit.sheets.writer import _DEFLATE_BLOCK, _Archive

WORDS = ["连衣裙", "纯棉", "2024新款", "T恤", "ins风", "最佳", "A字", "=SUM(A1)", "-5%", "#N/A"]


def _rows(count: int) -> list[list[object]]:
    rng = random.Random(14)
    rows: list[list[object]] = []
    for index in range(count):
        text = "".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
        rows.append([f"A{index:05d}", text, len(text), "", text[::-1], rng.randint(0, 10**6) / 4])
    return rows


def test_a_large_sheet_reads_back_cell_for_cell(tmp_path: Path) -> None:
    path = tmp_path / "标题.xlsx"
    headers = ["货号", "候选标题1", "长度1", "空", "倒序", "分数"]
    rows = _rows(6000)
    write_xlsx(path, headers, rows)
    with zipfile.ZipFile(path) as archive:
        # Large enough to be deflated in several blocks; every part's CRC checks out.
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 2 * _DEFLATE_BLOCK
        assert archive.testzip() is None
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    read = [[cell.value for cell in row] for row in sheet.iter_rows()]
    expected = [headers, *([None if v == "" else v for v in row] for row in rows)]
    assert read == expected
    assert sheet.freeze_panes == "A2"
    risky = sheet.cell(row=2 + next(i for i, r in enumerate(rows) if "=" in str(r[1])), column=2)
    assert risky.data_type == "s"


def _zip_with(archive_type: type[zipfile.ZipFile], path: Path, source: Path) -> bytes:
    with ThreadPoolExecutor(2) as threads:
        if archive_type is _Archive:
            archive = _Archive(threads, path, "w", zipfile.ZIP_DEFLATED)
        else:
            archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        with archive:
            archive.write(source, "part.xml")
    with zipfile.ZipFile(path) as written:
        assert written.testzip() is None
        return written.read("part.xml")


def test_blocks_inflate_to_the_same_bytes_whatever_the_size(tmp_path: Path) -> None:
    rng = random.Random(7)
    for size in (
        2 * _DEFLATE_BLOCK,  # the last block is empty
        2 * _DEFLATE_BLOCK + 1,
        5 * _DEFLATE_BLOCK + 12_345,
        2 * _DEFLATE_BLOCK - 1,  # below the threshold: deflated as zipfile does
    ):
        text = "".join(rng.choice(WORDS) for _ in range(size // 4))
        data = (text.encode() * 2)[:size]
        source = tmp_path / "part.xml"
        source.write_bytes(data)
        assert _zip_with(_Archive, tmp_path / "blocks.zip", source) == data
        assert _zip_with(zipfile.ZipFile, tmp_path / "plain.zip", source) == data
