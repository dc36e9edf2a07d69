"""``-o`` never replaces what it must not: devices, pipes, inputs, other people's files.

Issue points 1, 2 and the output side of 8: the report goes through one safe
writer, with a fresh temporary name that a planted link cannot catch.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.hostile.conftest import AS_ROOT, Proc, leftovers

Run = Callable[..., Proc]
LINT = ("lint-titles", "--text", "新款连衣裙女夏", "--platform", "taobao")
OTHER_UID = 4242  # a user that owns nothing on this machine


@pytest.mark.skipif(not AS_ROOT, reason="only root can replace /dev/null; as a user the OS refuses")
def test_dev_null_stays_a_device(listingkit: Run) -> None:
    run = listingkit(*LINT, "-o", "/dev/null")
    run.assert_clean_failure()
    assert "/dev/null" in run.stderr and "设备" in run.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_fifo_is_refused_at_once(listingkit: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    started = time.monotonic()
    run = listingkit(*LINT, "--format", "json", "-o", fifo, timeout=30)
    assert time.monotonic() - started < 20
    run.assert_clean_failure()
    assert "report.json" in run.stderr and "管道" in run.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_folder_is_refused(listingkit: Run, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    run = listingkit(*LINT, "-o", "out")
    run.assert_clean_failure()
    assert "文件夹" in run.stderr
    assert (tmp_path / "out").is_dir() and list((tmp_path / "out").iterdir()) == []


def test_someone_elses_file_needs_force(listingkit: Run, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("sku,price\nA1,10\n", encoding="utf-8")
    run = listingkit(*LINT, "-o", other)
    run.assert_clean_failure()
    assert "other.csv" in run.stderr and "--force" in run.stderr
    assert other.read_text(encoding="utf-8") == "sku,price\nA1,10\n"
    assert leftovers(tmp_path) == []
    forced = listingkit(*LINT, "-o", other, "--force")
    assert forced.status in (0, 1), forced.stderr
    assert "sku,price" not in other.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_our_previous_report_is_replaced_without_force(
    listingkit: Run, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"report.{fmt}"
    first = listingkit(*LINT, "--format", fmt, "-o", target)
    assert first.status in (0, 1), first.stderr
    target.write_text(target.read_text(encoding="utf-8") + " ", encoding="utf-8")  # mark it
    worse = (
        "lint-titles",
        "--text",
        "最好的连衣裙",
        "--platform",
        "taobao",
        "--fail-on",
        "warning",
    )
    second = listingkit(*worse, "--format", fmt, "-o", target)
    assert second.status == 1, second.stderr
    assert not target.read_text(encoding="utf-8").endswith(" "), "the old report was kept"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not AS_ROOT, reason="handing a file to another user needs root")
def test_our_previous_json_is_not_ours_when_someone_else_owns_it(
    listingkit: Run, tmp_path: Path
) -> None:
    target = tmp_path / "report.json"
    assert listingkit(*LINT, "--format", "json", "-o", target).status in (0, 1)
    before = target.read_bytes()
    os.chown(target, OTHER_UID, OTHER_UID)
    run = listingkit(*LINT, "--format", "json", "-o", target)
    run.assert_clean_failure()
    assert target.read_bytes() == before


def test_a_json_file_that_only_looks_like_json_is_not_ours(listingkit: Run, tmp_path: Path) -> None:
    target = tmp_path / "package.json"
    target.write_text(json.dumps({"name": "shop", "findings": []}), encoding="utf-8")
    before = target.read_bytes()
    run = listingkit(*LINT, "--format", "json", "-o", target)
    run.assert_clean_failure()
    assert target.read_bytes() == before


def test_text_report_has_no_marker_and_needs_force(listingkit: Run, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    assert listingkit(*LINT, "-o", target).status in (0, 1)
    listingkit(*LINT, "-o", target).assert_clean_failure()
    assert listingkit(*LINT, "-o", target, "--force").status in (0, 1)


def test_planted_partial_link_is_not_followed(listingkit: Run, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (tmp_path / ".rep.json.partial").symlink_to(victim)
    for guess in ("000000000000", "aaaaaaaaaaaa", "x"):
        (tmp_path / f".rep.json.{guess}.tmp").symlink_to(victim)
    run = listingkit(*LINT, "--format", "json", "-o", "rep.json")
    assert run.status in (0, 1), run.stderr
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert json.loads((tmp_path / "rep.json").read_text(encoding="utf-8"))["schema_version"]
    # The planted links are the attacker's; ours are gone.
    assert all((tmp_path / name).is_symlink() for name in leftovers(tmp_path))


def test_output_that_is_a_link_to_a_victim_never_writes_into_the_victim(
    listingkit: Run, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (tmp_path / "rep.json").symlink_to(victim)
    listingkit(*LINT, "--format", "json", "-o", "rep.json").assert_clean_failure()
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    # --force replaces the link itself, never what it points at.
    forced = listingkit(*LINT, "--format", "json", "-o", "rep.json", "--force")
    assert forced.status in (0, 1), forced.stderr
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "rep.json").is_symlink()


def test_input_named_like_the_old_partial_file_is_left_alone(
    listingkit: Run, tmp_path: Path
) -> None:
    titles = tmp_path / ".t.txt.partial"
    titles.write_text("新款连衣裙女夏\n", encoding="utf-8")
    run = listingkit("lint-titles", titles, "--platform", "taobao", "-o", "t.txt")
    assert run.status in (0, 1), run.stderr
    assert titles.read_text(encoding="utf-8") == "新款连衣裙女夏\n"
    assert (tmp_path / "t.txt").is_file()


def test_an_input_is_never_the_output_even_with_force(listingkit: Run, tmp_path: Path) -> None:
    titles = tmp_path / "titles.txt"
    titles.write_text("新款连衣裙女夏\n", encoding="utf-8")
    run = listingkit("lint-titles", titles, "--platform", "taobao", "-o", titles, "--force")
    run.assert_clean_failure()
    assert titles.read_text(encoding="utf-8") == "新款连衣裙女夏\n"


def test_non_utf8_output_name_leaves_no_partial_file(listingkit: Run, tmp_path: Path) -> None:
    name = os.fsdecode(b"rep\xff.json")
    run = listingkit(*LINT, "--format", "sarif", "-o", name)
    assert run.status in (0, 1, 2), run.stderr
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    assert leftovers(tmp_path) == []


def _sheet(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["货号", "类目词", "产品词", "属性词"])
    sheet.append(["A1", "女装", "连衣裙", "碎花 雪纺"])
    book.save(path)
    return path


def test_workbook_we_wrote_is_replaced_and_a_foreign_one_is_not(
    listingkit: Run, tmp_path: Path
) -> None:
    sheet = _sheet(tmp_path / "参数表.xlsx")
    out = tmp_path / "out.xlsx"
    assert listingkit("titles", sheet, "--platform", "taobao", "-o", out).status in (0, 1)
    assert openpyxl.load_workbook(out).properties.creator == "listingkit"
    again = listingkit("titles", sheet, "--platform", "taobao", "-o", out)
    assert again.status in (0, 1), again.stderr
    foreign = _sheet(tmp_path / "foreign.xlsx")  # openpyxl's own creator
    before = foreign.read_bytes()
    listingkit("titles", sheet, "--platform", "taobao", "-o", foreign).assert_clean_failure()
    assert foreign.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["sarif", "json", "junit", "text"])
def test_non_utf8_input_name_leaves_no_temporary_file(
    listingkit: Run, tmp_path: Path, fmt: str
) -> None:
    folder = tmp_path / "图片"
    folder.mkdir()
    (folder / os.fsdecode(b"\xff\xfe.jpg")).write_bytes(b"not an image")
    run = listingkit("images", folder, "--platform", "taobao", "--format", fmt, "-o", "rep.out")
    assert "Traceback" not in run.stderr, run.stderr
    assert leftovers(tmp_path) == []
    if run.status == 2:  # whatever the renderer made of the name, nothing half-written
        assert not (tmp_path / "rep.out").exists()
