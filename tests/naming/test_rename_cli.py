"""``listingkit rename`` and ``listingkit undo`` as an operator runs them (real processes)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest


def listingkit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".listingkit-rename-")
    }


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    photos = tmp_path / "照片"
    for item, names in {"A1023": ["IMG_10.JPG", "IMG_2.jpg", "IMG_1.jpg"], "B7": ["x.png"]}.items():
        (photos / item).mkdir(parents=True)
        for name in names:
            (photos / item / name).write_bytes(os.urandom(32))
    return photos


def test_plan_shows_a_table_and_changes_nothing(shop: Path) -> None:
    before = tree(shop)
    run = listingkit("rename", shop, "--platform", "taobao", cwd=shop.parent)
    assert run.returncode == 0, run.stderr
    assert "A1023/IMG_10.JPG" in run.stdout and "A1023/A1023_03.jpg" in run.stdout
    assert "4 个文件要改名" in run.stdout and "没有冲突" in run.stdout
    assert tree(shop) == before
    assert not list(shop.glob(".listingkit-*"))


def test_apply_then_undo_restores_every_name_and_byte(shop: Path) -> None:
    before = tree(shop)
    run = listingkit("rename", shop, "--platform", "taobao", "--apply", cwd=shop.parent)
    assert run.returncode == 0, run.stderr
    assert sorted(tree(shop)) == [
        "A1023/A1023_01.jpg",
        "A1023/A1023_02.jpg",
        "A1023/A1023_03.jpg",
        "B7/B7_01.png",
    ]
    assert tree(shop)["A1023/A1023_03.jpg"] == before["A1023/IMG_10.JPG"]
    (journal,) = shop.glob(".listingkit-rename-*.jsonl")
    assert f"listingkit undo {journal}" in run.stdout
    undo = listingkit("undo", journal, cwd=shop.parent)
    assert undo.returncode == 0, undo.stderr
    assert "恢复了原名" in undo.stdout
    assert tree(shop) == before
    again = listingkit("undo", journal, cwd=shop.parent)
    assert again.returncode == 2 and "已经撤销过了" in again.stderr
    # undo given the folder takes its latest journal not undone yet
    assert (
        listingkit("rename", shop, "--platform", "taobao", "--apply", cwd=shop.parent).returncode
        == 0
    )
    assert tree(shop) != before
    by_folder = listingkit("undo", shop, cwd=shop.parent)
    assert by_folder.returncode == 0, by_folder.stderr
    assert tree(shop) == before
    none_left = listingkit("undo", shop, cwd=shop.parent)
    assert none_left.returncode == 2 and "没有可以撤销的改名" in none_left.stderr


def test_conflicts_are_listed_with_exit_1_and_nothing_moves(shop: Path) -> None:
    # a link left alone, whose name differs from a new name only in case
    (shop / "A1023" / "a1023_02.jpg").symlink_to(shop / "B7" / "x.png")
    before = tree(shop)
    for extra in ([], ["--apply"]):
        run = listingkit("rename", shop, "--platform", "taobao", *extra, cwd=shop.parent)
        assert run.returncode == 1, run.stderr
        assert "冲突 RENAME case-clash" in run.stdout
        assert "不能执行" in run.stdout
        assert tree(shop) == before
    assert not list(shop.glob(".listingkit-rename-*"))


def test_json_carries_the_plan_as_rows(shop: Path) -> None:
    run = listingkit("rename", shop, "--platform", "taobao", "--format", "json", cwd=shop.parent)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["schema_version"] == 1 and data["platform"] == "taobao"
    assert data["rows"][0] == {
        "old": "A1023/IMG_1.jpg",
        "new": "A1023/A1023_01.jpg",
        "item": "A1023",
        "seq": 1,
        "role": "main",
        "colour": None,
        "row": None,
    }
    assert data["conflicts"] == [] and data["applied"] is False and data["journal"] is None
    assert {f["code"] for f in data["findings"]} == {"RENAME"}


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github"])
def test_other_formats_carry_steps_and_conflicts(shop: Path, fmt: str) -> None:
    (shop / "A1023" / "A1023_03.jpg").symlink_to(shop / "B7" / "x.png")  # in the way, left alone
    run = listingkit("rename", shop, "--platform", "taobao", "--format", fmt, cwd=shop.parent)
    assert run.returncode == 1, run.stderr
    if fmt == "sarif":
        results = json.loads(run.stdout)["runs"][0]["results"]
        levels = {r["level"] for r in results}
        assert levels == {"note", "error"}
        assert any("A1023_01.jpg" in r["message"]["text"] for r in results)
    elif fmt == "junit":
        root = ET.fromstring(run.stdout)
        assert int(root.get("failures", "0")) >= 1
        assert "A1023/A1023_01.jpg" in run.stdout
    else:
        assert "::error " in run.stdout and "::notice " in run.stdout


def test_unfinished_journal_blocks_apply_until_resume(shop: Path) -> None:
    before = tree(shop)
    env_run = subprocess.run(
        [
            sys.executable,
            "-m",
            "listingkit",
            "rename",
            str(shop),
            "--platform",
            "taobao",
            "--apply",
        ],
        env={**os.environ, "LISTINGKIT_TEST_STOP_AFTER_STEP": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert env_run.returncode == -9
    (journal,) = shop.glob(".listingkit-rename-*.jsonl")
    blocked = listingkit("rename", shop, "--platform", "taobao", "--apply", cwd=shop.parent)
    assert blocked.returncode == 2
    assert "--resume" in blocked.stderr and f"listingkit undo {journal}" in blocked.stderr
    resumed = listingkit("rename", shop, "--resume", cwd=shop.parent)
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(tree(shop).values()) == sorted(before.values())
    assert "A1023/A1023_03.jpg" in tree(shop)
    nothing = listingkit("rename", shop, "--resume", cwd=shop.parent)
    assert nothing.returncode == 2 and "没有未完成的改名" in nothing.stderr


def test_bad_journal_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / ".listingkit-rename-1.jsonl"
    bad.write_text("garbage\n", encoding="utf-8")
    run = listingkit("undo", bad, cwd=tmp_path)
    assert run.returncode == 2
    assert "不是 listingkit 改名日志" in run.stderr or "第 1 行损坏" in run.stderr
    assert "Traceback" not in run.stderr
    missing = listingkit("rename", tmp_path / "nope", "--platform", "taobao", cwd=tmp_path)
    assert missing.returncode == 2 and "不是文件夹" in missing.stderr


def test_exif_and_sheet_options(tmp_path: Path) -> None:
    import openpyxl

    photos = tmp_path / "p"
    photos.mkdir()
    (photos / "DSC1.jpg").write_bytes(b"1")
    (photos / "DSC2.jpg").write_bytes(b"2")
    book = openpyxl.Workbook()
    page = book.active
    assert page is not None
    for row in (
        ["原文件名", "货号", "颜色"],
        ["DSC2.jpg", "A1", "红色"],
        ["DSC1.jpg", "A1", "红色"],
    ):
        page.append(row)
    book.save(tmp_path / "对照.xlsx")
    table = tmp_path / "对照.xlsx"
    run = listingkit(
        "rename", photos, "--platform", "taobao", "--sheet", table, "--role", "sku", "--apply",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert (photos / "A1_红色_01.jpg").read_bytes() == b"2"
    item = listingkit("rename", photos, "--platform", "taobao", "--item", "B2", cwd=tmp_path)
    assert item.returncode == 0 and "B2_01.jpg" in item.stdout


def test_columns_are_named_by_their_chinese_labels_as_in_the_other_commands() -> None:
    from listingkit.cli.rename import _columns
    from listingkit.errors import UsageError

    assert _columns("原文件名=图片，货号=款号,颜色=颜色分类") == {
        "file": "图片",
        "item": "款号",
        "colour": "颜色分类",
    }
    assert _columns("file=图片") == {"file": "图片"}
    with pytest.raises(UsageError, match="原文件名=列名"):
        _columns("尺码=码数")
