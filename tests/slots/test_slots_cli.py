"""``listingkit slots`` run as a real process on real sheets."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.slots.sheets import xlsx

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "slots"
CLI_DOC = ROOT / "docs" / "cli.md"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
START = "2026-12-07"  # a Monday


def run(
    *argv: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", "slots", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """Ten products (one with a fixed time) and a competitor sheet packed at 20:00."""
    (tmp_path / ".git").mkdir()  # the rule-file lookup stops here
    products: list[list[object]] = [["货号", "主推", "优先级", "上架时间"]]
    products += [[f"B{n:03d}", "是" if n <= 2 else "否", 10 - n, ""] for n in range(1, 10)]
    products.append(["B010", "否", 0, "2026-12-09 20:30"])
    xlsx(tmp_path / "商品.xlsx", products)
    competitors: list[list[object]] = [["竞品", "上架时间"]]
    for day in range(7):
        stamp = dt.datetime(2026, 11, 30 + day) if day < 1 else dt.datetime(2026, 12, day)
        competitors += [[f"C{day}{k}", stamp.replace(hour=20, minute=5 * k)] for k in range(6)]
    competitors.append(["C99", "明晚八点"])
    xlsx(tmp_path / "竞品.xlsx", competitors)
    return tmp_path


def plan_rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^B\d{3}  ", line)]


def test_text_lists_every_product_with_list_and_delist_time(shop: Path) -> None:
    done = run("商品.xlsx", "--platform", "taobao", "--start", START, cwd=shop)
    assert done.returncode == 0, done.stderr
    rows = plan_rows(done.stdout)
    assert sorted(r.split()[0] for r in rows) == [f"B{n:03d}" for n in range(1, 11)]
    fixed = next(r for r in rows if r.startswith("B010"))
    assert "周三 2026-12-09 20:30 上架" in fixed and "周三 2026-12-16 20:30 下架" in fixed
    assert "按商品表指定的时间上架" in fixed
    assert "检查了" in done.stdout


def test_json_rows_carry_shanghai_times_and_the_documented_fields(shop: Path) -> None:
    done = run("商品.xlsx", "--platform", "taobao", "--start", START, "--format", "json", cwd=shop)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["schema_version"] == 1
    rows = document["rows"]
    assert len(rows) == 10
    for row in rows:
        listed = dt.datetime.fromisoformat(row["list_at"])
        delisted = dt.datetime.fromisoformat(row["delist_at"])
        assert row["list_at"].endswith("+08:00") and row["delist_at"].endswith("+08:00")
        assert delisted - listed == dt.timedelta(days=7)
        assert dt.date(2026, 12, 7) <= listed.date() <= dt.date(2026, 12, 13)
        assert row["reason"] and isinstance(row["rank"], int)
    featured = {row["货号"] for row in rows if row["featured"]}
    assert featured == {"B001", "B002"}
    real = {f"rows[].{key}" for row in rows for key in row} | {"rows"}
    section = CLI_DOC.read_text(encoding="utf-8").split("## slots 的 JSON", 1)[1]
    section = section.split("\n## ", 1)[0]
    documented = {
        line.split("|")[1].strip(" `") for line in section.splitlines() if line.startswith("| `")
    }
    assert real == documented


def test_packed_competitor_hour_is_avoided_and_unreadable_row_is_slot001(shop: Path) -> None:
    argv = ["商品.xlsx", "--platform", "taobao", "--start", START, "--competitors", "竞品.xlsx"]
    done = run(*argv, "--format", "json", cwd=shop)
    assert done.returncode == 0, done.stderr  # a warning, below the default --fail-on error
    document = json.loads(done.stdout)
    placed = [r for r in document["rows"] if r["货号"] != "B010"]
    assert all(dt.datetime.fromisoformat(r["list_at"]).hour != 20 for r in placed)
    (finding,) = document["findings"]
    assert finding["code"] == "SLOT001"
    assert finding["location"]["path"] == "竞品.xlsx"
    assert finding["location"]["row"] == 44  # header + 42 competitor rows, then the bad one
    assert "明晚八点" in finding["message"]
    strict = run(*argv, "--fail-on", "warning", cwd=shop)
    assert strict.returncode == 1
    assert "SLOT001" in strict.stdout and "第 44 行" in strict.stdout
    assert "竞品.xlsx" in strict.stdout
    assert run(*argv, "--fail-on", "warning", "--exit-zero", cwd=shop).returncode == 0


def test_a_start_that_is_not_a_date_is_a_usage_error(shop: Path) -> None:
    done = run("商品.xlsx", "--platform", "taobao", "--start", "下周一", cwd=shop)
    assert done.returncode == 2
    assert "--start 不是日期：下周一" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_missing_sheet_names_the_file(shop: Path) -> None:
    done = run("没有.xlsx", "--platform", "taobao", "--start", START, cwd=shop)
    assert done.returncode == 2
    assert "没有.xlsx" in done.stderr and "Traceback" not in done.stderr


def test_window_at_lists_the_products_delisting_within_a_day(shop: Path) -> None:
    argv = ["商品.xlsx", "--platform", "taobao", "--start", START, "--format", "json"]
    rows = json.loads(run(*argv, cwd=shop).stdout)["rows"]
    at = dt.datetime(2026, 12, 16, 12, 0, tzinfo=SHANGHAI)
    due = sorted(
        (dt.datetime.fromisoformat(r["delist_at"]), r["货号"])
        for r in rows
        if at <= dt.datetime.fromisoformat(r["delist_at"]) < at + dt.timedelta(days=1)
    )
    assert due, "the week's plan has products delisting on 2026-12-16/17"
    done = run(*argv[:-2], "--window-at", "2026-12-16 12:00", cwd=shop)
    assert done.returncode == 0, done.stderr
    window = done.stdout.split("橱窗推荐：", 1)[1]
    assert f"24 小时内下架的商品 {len(due)} 个" in window
    listed = [line.split()[0] for line in window.splitlines()[1:] if line.startswith("  ")]
    assert listed == [item for _, item in due]
    bad = run(*argv[:-2], "--window-at", "明天", cwd=shop)
    assert bad.returncode == 2 and "--window-at 不是时间" in bad.stderr


def test_the_machine_zone_does_not_change_the_plan(shop: Path) -> None:
    argv = ["商品.xlsx", "--platform", "taobao", "--start", "2027-03-08", "--format", "json"]
    argv += ["--competitors", "竞品.xlsx"]  # 2027-03-14: New York starts daylight saving
    here = run(*argv, cwd=shop, env={"TZ": "Asia/Shanghai"})
    there = run(*argv, cwd=shop, env={"TZ": "America/New_York"})
    assert here.returncode == there.returncode == 0, there.stderr
    assert here.stdout == there.stdout
    assert all(r["list_at"].endswith("+08:00") for r in json.loads(there.stdout)["rows"])


def test_fixture_runs_as_the_readme_shows(tmp_path: Path) -> None:
    done = run(
        str(FIXTURES / "商品.csv"),
        "--platform",
        "taobao",
        "--start",
        START,
        "--competitors",
        str(FIXTURES / "竞品上架时间.csv"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert len([line for line in done.stdout.splitlines() if re.match(r"^A0\d\d  ", line)]) == 10
    assert "SLOT001" in done.stdout
