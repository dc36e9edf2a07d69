""".xls workbooks built to crash, hang or exhaust memory: one line and exit 2, or a correct read.

Each file starts as a real Excel 97-2003 workbook written by xlwt and is then
bent in place, record by record, as an attacker would: a DIMENSIONS record
declaring four billion rows (python-calamine reserves petabytes for it and
aborts the interpreter with a Rust backtrace), a shared-string table declaring
two billion strings, a FILEPASS record, a sector chain that loops, a file cut
in half. The command runs in a real process capped at 2 GB of address space.
"""

from __future__ import annotations

import json
import os
import random
import resource
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import xlwt

from tests.hostile.conftest import Proc

MEMORY_CAP = 2 * 1024**3
SECTOR = 512
BOF, EOF, DIMENSIONS, SST = 0x0809, 0x000A, 0x0200, 0x00FC
FILEPASS = 0x002F


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture
def capped(tmp_path: Path) -> Callable[..., Proc]:
    """``python -m listingkit ARGS`` with its address space capped at 2 GB and its
    temporary files in ``tmp_path / "tmp"``."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "tmp").mkdir(exist_ok=True)

    def run(*argv: str | os.PathLike[str], timeout: float = 150) -> Proc:
        done = subprocess.run(
            [sys.executable, "-m", "listingkit", *map(str, argv)],
            capture_output=True,
            timeout=timeout,
            cwd=tmp_path,
            preexec_fn=_cap_memory,
            env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
        )
        return Proc(done.returncode, done.stdout, done.stderr)

    return run


def export_xls(path: Path) -> Path:
    """A small, valid keyword export (also usable as a parameter sheet: it has 产品词)."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("相关搜索词")
    rows = [
        ["【生意参谋平台】搜索分析-相关搜索词"],
        ["关键词", "搜索人气", "产品词", "点击率"],
        ["雪纺连衣裙", "52,100", "连衣裙", "7.45%"],
        ["碎花连衣裙", 1200, "连衣裙", 0.05],
    ]
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    book.save(str(path))
    return path


def records(data: bytes) -> list[tuple[int, int]]:
    """(offset, record id) of each BIFF record; xlwt writes the Workbook stream
    contiguously from the first sector, so file offsets are stream offsets."""
    found: list[tuple[int, int]] = []
    position = SECTOR
    sheets = 0
    while position + 4 <= len(data):
        rid, length = struct.unpack_from("<HH", data, position)
        found.append((position, rid))
        if rid == EOF:
            sheets += 1
            if sheets == 2:  # the globals, then the one worksheet
                break
        position += 4 + length
    assert found[0][1] == BOF
    return found


def bent(source: Path, target: Path, change: Callable[[bytearray], None]) -> Path:
    data = bytearray(source.read_bytes())
    change(data)
    target.write_bytes(bytes(data))
    return target


def _offset(data: bytes, rid: int) -> int:
    return [offset for offset, found in records(data) if found == rid][-1]


def huge_dimension(data: bytearray) -> None:
    struct.pack_into("<IIHH", data, _offset(data, DIMENSIONS) + 4, 0, 0xFFFFFFF0, 0, 0xFFFF)


def whole_grid_dimension(data: bytearray) -> None:
    struct.pack_into("<IIHH", data, _offset(data, DIMENSIONS) + 4, 0, 65536, 0, 256)


def huge_string_table(data: bytearray) -> None:
    struct.pack_into("<II", data, _offset(data, SST) + 4, 0x7FFFFFFF, 0x7FFFFFFF)


def password(data: bytearray) -> None:
    # The record after BOF becomes FILEPASS: Excel's mark of an encrypted workbook.
    offset, _ = records(data)[1]
    struct.pack_into("<H", data, offset, FILEPASS)


def looping_chain(data: bytearray) -> None:
    fat = SECTOR + SECTOR * struct.unpack_from("<I", data, 0x4C)[0]
    struct.pack_into("<I", data, fat + 4 * 1, 0)  # sector 0 → 1 → 0 → 1 …


def cut_in_half(data: bytearray) -> None:
    del data[len(data) // 2 :]


def ole_header_then_noise(data: bytearray) -> None:
    noise = random.Random(3).randbytes(len(data) - 8)
    data[8:] = noise


REFUSED = {
    "huge-dimension": (huge_dimension, "无法作为 .xls 读取"),
    "password": (password, "设置了打开密码"),
    "looping-chain": (looping_chain, "无法作为 .xls 读取"),
    "cut-in-half": (cut_in_half, "下载完整"),
    "ole-header-then-noise": (ole_header_then_noise, "无法作为 .xls 读取"),
}


@pytest.mark.parametrize("role", ["sheet", "keywords"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bent_xls_is_refused_in_one_line(
    capped: Callable[..., Proc], tmp_path: Path, case: str, role: str
) -> None:
    change, words = REFUSED[case]
    path = bent(export_xls(tmp_path / "good.xls"), tmp_path / f"{case}.xls", change)
    started = time.monotonic()
    if role == "sheet":
        run = capped("titles", path, "--platform", "taobao")
    else:
        good = export_xls(tmp_path / "参数.xls")
        run = capped("titles", good, "--keywords", path, "--platform", "taobao")
    assert time.monotonic() - started < 120
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1, run.stderr
    line = run.err_lines[0]
    assert f"{case}.xls" in line and words in line, line
    assert "panicked" not in line and "memory allocation" not in run.stderr
    assert list((tmp_path / "tmp").iterdir()) == []  # the copy the reader made is gone


def test_random_bytes_named_xls(capped: Callable[..., Proc], tmp_path: Path) -> None:
    path = tmp_path / "随机.xls"
    path.write_bytes(random.Random(5).randbytes(8192))
    run = capped("titles", path, "--platform", "taobao")
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1 and "随机.xls 无法作为 .xls 读取" in run.err_lines[0]


@pytest.mark.parametrize("change", [whole_grid_dimension, huge_string_table])
def test_declared_sizes_alone_cost_nothing(
    capped: Callable[..., Proc], tmp_path: Path, change: Callable[[bytearray], None]
) -> None:
    path = bent(export_xls(tmp_path / "good.xls"), tmp_path / "谎报.xls", change)
    good = export_xls(tmp_path / "参数.xls")
    run = capped("titles", good, "--keywords", path, "--platform", "taobao", "--format", "json")
    assert run.status == 0, run.stderr
    titles = [c["title"] for row in json.loads(run.stdout)["rows"] for c in row["candidates"]]
    assert titles and all(title.startswith("连衣裙") for title in titles)


def test_values_at_opposite_corners_of_the_grid_are_refused(
    capped: Callable[..., Proc], tmp_path: Path
) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("参数")
    sheet.write(0, 0, "产品词")
    sheet.write(1, 0, "连衣裙")
    sheet.write(65535, 255, "x")  # the last cell of an Excel 97-2003 sheet: IV65536
    path = tmp_path / "两角.xls"
    book.save(str(path))
    run = capped("titles", path, "--platform", "taobao")
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1, run.stderr
    line = run.err_lines[0]
    assert "两角.xls" in line and "65,536 行 × 256 列" in line and "5,000,000" in line
