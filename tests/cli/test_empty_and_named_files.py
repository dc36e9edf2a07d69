"""An empty image is one finding whichever command meets it; file errors name the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _listingkit(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


@pytest.fixture
def empty_main_image(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # no store rule file above tmp_path
    (tmp_path / "商品A" / "主图").mkdir(parents=True)
    (tmp_path / "商品A" / "主图" / "01.jpg").write_bytes(b"")
    return tmp_path


@pytest.mark.parametrize("command", ["images", "check"])
def test_empty_main_image_is_file002_under_images_and_check(
    empty_main_image: Path, command: str
) -> None:
    run = _listingkit(
        command, "商品A", "--platform", "taobao", "--format", "json", cwd=empty_main_image
    )
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    assert [(f["code"], f["name"], f["location"]["path"]) for f in findings] == [
        ("FILE002", "file-empty", "商品A/主图/01.jpg")
    ]


def test_both_commands_say_the_same_about_an_empty_image(empty_main_image: Path) -> None:
    said = {
        command: _listingkit(command, "商品A", "--platform", "taobao", cwd=empty_main_image).stdout
        for command in ("images", "check")
    }
    assert said["images"] == said["check"]
    assert "FILE002 file-empty：文件大小为 0 字节" in said["images"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["check", "不存在的文件夹", "--platform", "taobao"], "不存在的文件夹"),
        (["images", "缺.jpg", "--platform", "taobao"], "缺.jpg"),
        (["titles", "参数表.xlsx", "--platform", "taobao"], "参数表.xlsx"),
        (["lint-titles", "标题.txt", "--platform", "taobao"], "标题.txt"),
        (["rules", "validate", "店铺.toml"], "店铺.toml"),
        (["check", ".", "--rules", "店铺.toml"], "店铺.toml"),
    ],
)
def test_a_missing_file_is_one_line_naming_it(tmp_path: Path, argv: list[str], named: str) -> None:
    (tmp_path / ".git").mkdir()
    run = _listingkit(*argv, cwd=tmp_path)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and named in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_a_sheet_that_is_not_a_sheet_is_named(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    os.mkdir(tmp_path / "主图")
    (tmp_path / "主图" / "01.jpg").write_bytes(b"\xff\xd8")
    run = _listingkit("titles", "主图/01.jpg", "--platform", "taobao", cwd=tmp_path)
    assert run.returncode == 2 and "主图/01.jpg" in run.stderr, run.stderr
