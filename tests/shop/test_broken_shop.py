"""A shop with broken pieces completes with one finding per piece, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shop.conftest import photo, run_cli, workbook


def _findings(run_stdout: str) -> list[dict[str, object]]:
    return list(json.loads(run_stdout)["findings"])


def test_every_broken_piece_is_a_finding_naming_it(shop: Path) -> None:
    workbook(
        shop / "商品.xlsx",
        [
            ["A101", "纯棉短袖T恤男夏季宽松圆领", "", "", "红色、蓝色", ""],
            ["A102", "碎花雪纺连衣裙女夏收腰显瘦", "", "", "黑色", ""],
            ["A103", "复古高腰牛仔裤女直筒", "", "", "", ""],  # no folder
            ["../../etc", "越界货号", "", "", "", ""],  # climbs out of the shop
            ["A104", "羊毛针织开衫女秋冬", "", "", "", ""],  # a link loop stands in
        ],
    )
    os.symlink("A104", shop / "A104")  # points at itself
    (shop / "A101" / "主图" / "05.jpg").write_bytes(
        (shop / "A101" / "主图" / "04.jpg").read_bytes()[:700]
    )  # cut off mid-scan
    os.mkfifo(shop / "A101" / "详情" / "02.jpg")  # a pipe where an image should be
    odd = shop / os.fsdecode(b"A1\xff")  # a folder name that is not UTF-8
    photo(odd / "主图" / "01.jpg")
    run = run_cli("check", str(shop), "--format", "json")
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    found = {(f["code"], Path(str(f["location"]["path"])).name) for f in _findings(run.stdout)}  # type: ignore[index]
    assert ("SHOP001", "商品.xlsx") in found  # A103
    assert ("SHOP003", "商品.xlsx") in found  # ../../etc
    assert ("FILE003", "05.jpg") in found  # the cut-off JPEG
    assert ("FILE001", "02.jpg") in found  # the pipe, never opened for reading
    assert ("FILE001", "A104") in found  # the loop
    messages = {str(f["message"]) for f in _findings(run.stdout)}
    assert any("A104" in m and "循环" in m for m in messages if "货号" in m)
    assert any("A103" in m for m in messages)
    assert any("../../etc" in m for m in messages)
    # the folder whose name is not UTF-8 is still checked, shown with its byte escaped
    assert any(r"A1\xff" in str(f["location"]["path"]) for f in _findings(run.stdout))  # type: ignore[index]
    assert not (shop.parent / "etc").exists()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"PK\x03\x04 not really a workbook", "商品.xlsx"),
        (b"", "商品.xlsx"),
    ],
    ids=["not-a-workbook", "empty"],
)
def test_an_unreadable_sheet_is_a_finding_and_the_images_are_still_checked(
    shop: Path, content: bytes, said: str
) -> None:
    (shop / "商品.xlsx").write_bytes(content)
    (shop / "A101" / "主图" / "05.jpg").write_bytes(b"not a jpeg")
    run = run_cli("check", str(shop), "--format", "json")
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    findings = _findings(run.stdout)
    sheet = [f for f in findings if f["code"] == "SHOP003"]
    assert len(sheet) == 1 and said in str(sheet[0]["message"])
    assert any(f["code"] == "FILE003" for f in findings)
    # an unread sheet says nothing of folders: none is taken for a stray
    assert not [f for f in findings if f["code"] == "SHOP002"]


def test_a_sheet_without_an_item_column_is_named_with_its_headers(shop: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["品名", "标题"])
    sheet.append(["T恤", "纯棉短袖T恤男"])
    book.save(shop / "商品.xlsx")
    run = run_cli("check", str(shop), "--format", "json")
    (problem,) = [f for f in _findings(run.stdout) if f["code"] == "SHOP003"]
    assert "货号" in str(problem["message"]) and "品名" in str(problem["message"])


def test_a_sheet_that_is_a_pipe_is_not_waited_on(shop: Path) -> None:
    (shop / "商品.xlsx").unlink()
    os.mkfifo(shop / "商品.xlsx")
    # Named by the rule file, the pipe stops the run with the rule file's message (exit 2) …
    named = run_cli("check", str(shop), "--format", "json")
    assert named.returncode == 2 and "管道" in named.stderr and "Traceback" not in named.stderr
    # … found by its name in the shop folder, it is the shop's finding, and the run goes on.
    (shop / "listingkit.toml").write_text('extends = "taobao"\n', encoding="utf-8")
    found = run_cli("check", str(shop), "--format", "json")  # the 300 s timeout would fail it
    assert found.returncode == 1 and "Traceback" not in found.stderr, found.stderr
    (problem,) = [f for f in _findings(found.stdout) if f["code"] == "SHOP003"]
    assert "商品.xlsx" in str(problem["message"]) and "管道" in str(problem["message"])


def test_output_onto_a_device_or_the_sheet_is_refused(shop: Path) -> None:
    for target in ("/dev/full", str(shop / "商品.xlsx")):
        run = run_cli("check", str(shop), "--format", "xlsx", "-o", target)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert (shop / "商品.xlsx").read_bytes()[:2] == b"PK"  # untouched


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "python-u"])
def test_a_workbook_onto_a_full_disk_is_an_error_not_a_cut_file(
    shop: Path, unbuffered: bool
) -> None:
    flags = ["-u"] if unbuffered else []
    with open("/dev/full", "wb") as full:
        run = subprocess.run(
            [sys.executable, *flags, "-m", "listingkit", "check", str(shop), "--format", "xlsx"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
        )
    assert run.returncode == 2 and "标准输出" in run.stderr and "Traceback" not in run.stderr
