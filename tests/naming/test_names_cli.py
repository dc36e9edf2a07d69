"""``listingkit names`` as operators run it: real processes over folders of real photos."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.naming.test_checks import photo, product_sheet

SARIF_SCHEMA = (
    Path(__file__).resolve().parent.parent / "output" / "schemas" / "sarif-schema-2.1.0.json"
)


def names(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GITHUB_ACTIONS": "", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "listingkit", "names", *map(str, args), "--platform", "taobao"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A product folder with one of each naming problem, and its product sheet."""
    folder = tmp_path / "连衣裙-A001"
    for seed, name in enumerate(
        [
            "A001_红色_01.jpg",
            "A001_红色_03.jpg",  # SKU004: no 02
            "a001_红色_03.jpg",  # SKU011 with the one above (and 03 twice: SKU004)
            "B002_红色_01.jpg",  # SKU002: not in the sheet
            "DSC 0001.jpg",  # SKU001
            "A001_红色_04?.jpg",  # SKU010 (and SKU001)
        ]
    ):
        photo(folder / name, seed)
    (folder / "说明.txt").write_text("不是图片，不检查", encoding="utf-8")
    product_sheet(tmp_path / "商品表.csv", [("A001", "红色"), ("A001", "黑色")])  # SKU003: 黑色
    return tmp_path


def test_every_check_fires(shop: Path) -> None:
    run = names("连衣裙-A001", "--sheet", "商品表.csv", "--format", "json", cwd=shop)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    codes = sorted({f["code"] for f in report["findings"]})
    assert codes == ["SKU001", "SKU002", "SKU003", "SKU004", "SKU010", "SKU011"]
    assert not any("说明.txt" in f["location"]["path"] for f in report["findings"])


def test_quiet_on_a_well_named_folder(tmp_path: Path) -> None:
    for seed, name in enumerate(["A001_红色_01.jpg", "A001_红色_02.jpg", "A001_黑色_01.png"]):
        photo(tmp_path / "A001" / name, seed)
    product_sheet(tmp_path / "商品表.csv", [("A001", "红色"), ("A001", "黑色")])
    run = names("A001", "--sheet", "商品表.csv", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "检查了 3 个对象，没有发现问题"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_output_format(shop: Path, fmt: str) -> None:
    run = names("连衣裙-A001", "--sheet", "商品表.csv", "--format", fmt, cwd=shop)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    if fmt == "json":
        assert json.loads(run.stdout)["findings"]
    elif fmt == "sarif":
        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        validator = jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/Root"})
        log = json.loads(run.stdout)
        validator.validate(log)
        rules = {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
        assert {"SKU001", "SKU003", "SKU011"} <= rules
    elif fmt == "junit":
        root = ET.fromstring(run.stdout)
        assert "SKU001" in ET.tostring(root, encoding="unicode")
    elif fmt == "github":
        lines = [line for line in run.stdout.splitlines() if line.startswith("::")]
        assert any(line.startswith("::error") and "SKU001" in line for line in lines)
    else:
        assert "SKU003" in run.stdout and "黑色" in run.stdout


def test_select_and_ignore(shop: Path) -> None:
    only = names("连衣裙-A001", "--select", "SKU010", "--format", "json", cwd=shop)
    assert {f["code"] for f in json.loads(only.stdout)["findings"]} == {"SKU010"}
    rest = names("连衣裙-A001", "--ignore", "SKU0", "--format", "json", cwd=shop)
    assert json.loads(rest.stdout)["findings"] == [] and rest.returncode == 0


def test_hostile_item_in_the_sheet_is_one_message_naming_the_row(shop: Path) -> None:
    (shop / "商品表.csv").write_text(
        "货号,颜色\nA001,红色\n../../etc/passwd,黑色\n", encoding="utf-8"
    )
    run = names("连衣裙-A001", "--sheet", "商品表.csv", "--select", "SKU002", cwd=shop)
    lines = [line for line in run.stdout.splitlines() if "../../etc/passwd" in line]
    assert len(lines) == 1, run.stdout
    assert "第 3 行" in lines[0] and "SKU002" in lines[0]
    assert not (shop / "etc").exists()


def test_pipe_and_link_are_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "商品"
    photo(folder / "A001_红色_01.jpg")
    os.mkfifo(folder / "A001_红色_02.jpg")  # a reader opening it would wait for ever
    outside = photo(tmp_path / "别处" / "X.jpg", 1)
    os.symlink(outside, folder / "A001_红色_03.jpg")
    run = names("商品", "--format", "json", cwd=tmp_path)
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr
    assert json.loads(run.stdout)["subjects"] == ["商品/A001_红色_01.jpg"]


def test_bad_input_is_one_chinese_line_and_status_2(shop: Path) -> None:
    missing = names("连衣裙-A001", "--sheet", "没有这个表.xlsx", cwd=shop)
    assert missing.returncode == 2 and "没有这个表.xlsx" in missing.stderr
    assert "Traceback" not in missing.stderr
    columns = names("连衣裙-A001", "--sheet", "商品表.csv", "--columns", "品名", cwd=shop)
    assert columns.returncode == 2 and "--columns" in columns.stderr
    alone = names("连衣裙-A001", "--sheet-name", "商品", cwd=shop)
    assert alone.returncode == 2 and "--sheet" in alone.stderr
    no_item = shop / "表.csv"
    no_item.write_text("品名,颜色\n连衣裙,红色\n", encoding="utf-8")
    unreadable = names("连衣裙-A001", "--sheet", "表.csv", cwd=shop)
    assert (
        unreadable.returncode == 2 and "货号" in unreadable.stderr and "表.csv" in unreadable.stderr
    )
