"""Title .txt files for ``lint-titles`` that hang, flood memory or hide their encoding."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from listingkit.safeio import MAX_TEXT_FILE_BYTES
from tests.hostile.conftest import Proc


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_pipe_or_endless_device_as_a_title_file(
    listingkit: Callable[..., Proc], tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "标题.txt"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    run = listingkit("lint-titles", path, "--platform", "taobao", timeout=20)
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1, run.stderr
    assert "标题.txt" in run.err_lines[0] and "不是普通文件" in run.err_lines[0]


def test_huge_title_file_is_refused_unread(listingkit: Callable[..., Proc], tmp_path: Path) -> None:
    path = tmp_path / "巨大.txt"
    with path.open("wb") as handle:  # sparse: no disk used, but over the limit
        handle.truncate(MAX_TEXT_FILE_BYTES + 1)
    run = listingkit("lint-titles", path, "--platform", "taobao", timeout=30)
    run.assert_clean_failure(2)
    assert len(run.err_lines) == 1 and "巨大.txt" in run.err_lines[0], run.stderr
    assert "超过可读取的上限" in run.err_lines[0]


def test_latin1_title_file_is_refused(listingkit: Callable[..., Proc], tmp_path: Path) -> None:
    path = tmp_path / "titles.txt"
    path.write_bytes("crème brûlée\n".encode("latin-1"))
    run = listingkit("lint-titles", path, "--platform", "taobao")
    run.assert_clean_failure(2)
    assert "titles.txt" in run.err_lines[0] and "UTF-8" in run.err_lines[0]
    assert "鑝" not in run.stderr + run.stdout


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
def test_title_file_encodings_are_read(
    listingkit: Callable[..., Proc], tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "标题.txt"
    path.write_bytes("碎花连衣裙女\r\n全网最佳连衣裙\r\n".encode(encoding))
    run = listingkit(
        "lint-titles", path, "--platform", "taobao", "--format", "json", "--fail-on", "warning"
    )
    assert run.status == 1, run.stderr
    rows = {(f["code"], f["location"]["row"]) for f in json.loads(run.stdout)["findings"]}
    assert ("TITLE010", 2) in rows


def test_line_numbers_count_newlines_only(listingkit: Callable[..., Proc], tmp_path: Path) -> None:
    # A form feed or U+2028 inside a title does not start a new title (or shift the
    # line numbers the editor shows); it stays in the title for the checks to see.
    path = tmp_path / "标题.txt"
    path.write_text("碎花\u2028连衣裙女\n全网最佳连衣裙\n", encoding="utf-8")
    run = listingkit("lint-titles", path, "--platform", "taobao", "--format", "json")
    rows = {(f["code"], f["location"]["row"]) for f in json.loads(run.stdout)["findings"]}
    assert ("TITLE010", 2) in rows
    assert not any(row == 3 for _, row in rows)
