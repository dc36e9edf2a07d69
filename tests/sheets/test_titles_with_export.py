"""``listingkit titles SHEET --keywords EXPORT`` in a real process, on exports as downloaded."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

MakeBook = Callable[..., Path]

PREAMBLE: list[Sequence[object] | None] = [
    ["【生意参谋平台】搜索分析-相关搜索词"],
    ["统计时间：", "2026-11-01~2026-11-07"],
    ["终端：", "所有终端"],
    None,
]
HEADER = [
    "关键词",
    "搜索人气",
    "搜索热度",
    "点击率",
    "点击人气",
    "交易指数",
    "支付转化率",
    "在线商品数",
]
# 雪纺连衣裙 is worth far more than 碎花连衣裙, so 雪纺 leads where one attribute fits.
DATA: list[Sequence[object] | None] = [
    ["雪纺连衣裙", "52,100", "1.2万", "7.45%", "3,000", "12,345", "2.10%", "1,234"],
    ["碎花连衣裙", 12, "-", 0.001, "-", "-", "-", "-"],
]
PARAMETERS = [["货号", "产品词", "属性词"], ["A001", "连衣裙", "碎花,雪纺"]]


def run(folder: Path, *argv: str | Path) -> subprocess.CompletedProcess[str]:
    (folder / ".git").mkdir(exist_ok=True)  # no store file above tmp_path is picked up
    return subprocess.run(
        [sys.executable, "-m", "listingkit", "titles", *map(str, argv), "--platform", "taobao"],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
    )


def candidates(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    return [c["title"] for c in json.loads(done.stdout)["rows"][0]["candidates"]]


@pytest.fixture
def parameters(make_xlsx: MakeBook) -> Path:
    return make_xlsx("参数表.xlsx", PARAMETERS)


def test_without_keywords_the_first_attribute_leads(parameters: Path) -> None:
    titles = candidates(run(parameters.parent, parameters, "--format", "json"))
    assert titles[1:3] == ["连衣裙碎花", "连衣裙雪纺"]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_export_as_downloaded_orders_the_candidates(
    parameters: Path, make_xlsx: MakeBook, make_xls: MakeBook, suffix: str
) -> None:
    rows = [*PREAMBLE, HEADER, *DATA]
    if suffix == ".xls":
        export = make_xls("相关搜索词.xls", rows, percent=[3])
    else:
        export = make_xlsx("相关搜索词.xlsx", rows)
    done = run(parameters.parent, parameters, "--keywords", export, "--format", "json")
    assert json.loads(done.stdout)["findings"] == []  # the report lines are no findings
    assert candidates(done)[1:3] == ["连衣裙雪纺", "连衣裙碎花"]


def test_keyword_columns_map_renamed_headers(parameters: Path, make_xlsx: MakeBook) -> None:
    header = ["搜索词", "人气", "点击率"]
    export = make_xlsx("选词.xlsx", [*PREAMBLE, header, *(row[:3] for row in DATA if row)])
    done = run(
        parameters.parent,
        parameters,
        "--keywords",
        export,
        "--keyword-columns",
        "关键词=搜索词，搜索人气=人气",
        "--format",
        "json",
    )
    assert candidates(done)[1:3] == ["连衣裙雪纺", "连衣裙碎花"]


def test_unknown_label_in_keyword_columns_is_a_usage_error(
    parameters: Path, make_xlsx: MakeBook
) -> None:
    export = make_xlsx("词.xlsx", [*PREAMBLE, HEADER, *DATA])
    done = run(
        parameters.parent, parameters, "--keywords", export, "--keyword-columns", "人气=搜索人气"
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert "--keyword-columns 的 “人气=搜索人气” 看不懂" in line
    assert "关键词、搜索人气、点击率、支付转化率、在线商品数" in line


def test_mapped_column_missing_from_the_export_names_its_headers(
    parameters: Path, make_xlsx: MakeBook
) -> None:
    export = make_xlsx("词.xlsx", [*PREAMBLE, HEADER, *DATA])
    done = run(
        parameters.parent, parameters, "--keywords", export, "--keyword-columns", "搜索人气=人气"
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert "词.xlsx" in line and "找不到列“人气”（指定给 搜索人气）" in line
    assert "“关键词”、“搜索人气”、“搜索热度”" in line


def test_parameter_sheet_below_title_lines(make_xlsx: MakeBook, tmp_path: Path) -> None:
    sheet = make_xlsx(
        "参数表.xlsx", [["2026 秋冬参数表", "运营部"], ["更新：", "2026-11-01"], *PARAMETERS]
    )
    done = run(tmp_path, sheet, "--format", "json")
    assert json.loads(done.stdout)["rows"][0]["row"] == 4
    assert candidates(done)[0] == "连衣裙碎花雪纺"
