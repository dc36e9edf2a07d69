"""Issue point 9 and ``--timeout inf``: a write that fails is one line, never a traceback.

A full disk and a read-only folder are real mounts (a small tmpfs, as root);
a reader that leaves early and closed descriptors are real pipes and shells.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.hostile.conftest import AS_ROOT, Proc, leftovers

Run = Callable[..., Proc]
LINT = ("lint-titles", "--platform", "taobao")


def _titles(folder: Path, count: int = 3000) -> Path:
    """A title file whose report is far larger than a pipe's buffer."""
    path = folder / "titles.txt"
    path.write_text("".join(f"最好的连衣裙 第一 {n}\n" for n in range(count)), encoding="utf-8")
    return path


def _sheet(folder: Path, rows: int) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("参数")
    sheet.append(["货号", "类目词", "品牌", "产品词", "属性词", "营销词", "修饰词"])
    for n in range(rows):
        sheet.append([f"A{n}", "女装", "花语", "连衣裙", "碎花、雪纺、收腰", "2024新款", "夏季"])
    path = folder / "参数表.xlsx"
    book.save(path)
    return path


# A small tmpfs, full or read-only, is a real disk error; mounting one needs root.
def _may_mount() -> bool:
    """Root with CAP_SYS_ADMIN (bit 21 of the effective set): a container may drop it."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return False
    effective = next(
        (line.split()[1] for line in status.splitlines() if line.startswith("CapEff")), "0"
    )
    return AS_ROOT and bool(int(effective, 16) >> 21 & 1)


NEEDS_ROOT = pytest.mark.skipif(
    not _may_mount(),
    reason="a small tmpfs for a full or read-only disk needs root with CAP_SYS_ADMIN",
)


@contextlib.contextmanager
def _mounted(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    assert done.returncode == 0, f"cannot mount a tmpfs: {done.stderr.decode(errors='replace')}"
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def _full_disk(folder: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs with all but 40 KiB taken, too little for any report below."""
    with _mounted(folder, "size=1m") as disk:
        (disk / "filler").write_bytes(b"\0" * (1024 * 1024 - 40 * 1024))
        yield disk


def _no_traceback(run: Proc) -> None:
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr


@NEEDS_ROOT
def test_full_disk_report_file(listingkit: Run, tmp_path: Path) -> None:
    titles = _titles(tmp_path)
    with _full_disk(tmp_path / "disk") as disk:
        run = listingkit(*LINT, titles, "--format", "json", "-o", disk / "rep.json")
        run.assert_clean_failure()
        assert len(run.err_lines) == 1
        assert "rep.json" in run.stderr and "磁盘空间不足" in run.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


@NEEDS_ROOT
def test_full_disk_behind_standard_output(listingkit: Run, tmp_path: Path) -> None:
    titles = _titles(tmp_path)
    with _full_disk(tmp_path / "disk") as disk:
        done = subprocess.run(
            [sys.executable, "-m", "listingkit", *LINT, str(titles), "--format", "json"],
            stdout=(disk / "rep.json").open("wb"),
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            timeout=120,
        )
        run = Proc(done.returncode, b"", done.stderr)
        run.assert_clean_failure()
        assert "标准输出" in run.stderr and "磁盘空间不足" in run.stderr


@NEEDS_ROOT
def test_full_disk_workbook_leaves_no_spool_and_no_noise(listingkit: Run, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, 1500)
    spool = tmp_path / "spool"
    spool.mkdir()
    with _full_disk(tmp_path / "disk") as disk:
        out = disk / "out.xlsx"
        run = listingkit(
            "titles", sheet, "--platform", "taobao", "-o", out, env={"TMPDIR": str(spool)}
        )
        run.assert_clean_failure()
        _no_traceback(run)
        assert len(run.err_lines) == 1
        assert "out.xlsx" in run.stderr and "磁盘空间不足" in run.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    assert [p.name for p in spool.iterdir() if p.name.startswith("openpyxl")] == []


@NEEDS_ROOT
def test_read_only_folder(listingkit: Run, tmp_path: Path) -> None:
    titles = _titles(tmp_path, 3)
    with _mounted(tmp_path / "ro", "ro,size=64k") as folder:
        run = listingkit(*LINT, titles, "-o", folder / "rep.txt")
        run.assert_clean_failure()
        assert len(run.err_lines) == 1
        assert "rep.txt" in run.stderr and "只读" in run.stderr
        assert list(folder.iterdir()) == []


def test_missing_folder_is_one_line(listingkit: Run, tmp_path: Path) -> None:
    run = listingkit(*LINT, "--text", "连衣裙", "-o", tmp_path / "nowhere" / "rep.json")
    run.assert_clean_failure()
    assert len(run.err_lines) == 1 and "nowhere" in run.stderr


def _shell(command: str, cwd: Path) -> Proc:
    done = subprocess.run(["bash", "-c", command], capture_output=True, cwd=cwd, timeout=120)
    return Proc(done.returncode, done.stdout, done.stderr)


def test_reader_that_leaves_early_is_not_an_error(tmp_path: Path) -> None:
    titles = _titles(tmp_path)
    command = (
        f"{sys.executable} -m listingkit lint-titles --platform taobao {titles} | head -1; "
        'echo "status=${PIPESTATUS[0]}"'
    )
    run = _shell(command, tmp_path)
    lines = run.stdout.splitlines()
    assert len(lines) == 2 and lines[1] == "status=141", run.stdout
    assert run.stderr == "", run.stderr  # quiet: the reader chose to stop


def test_closed_standard_output(tmp_path: Path) -> None:
    titles = _titles(tmp_path, 3)
    run = _shell(
        f"{sys.executable} -m listingkit lint-titles --platform taobao {titles} >&-", tmp_path
    )
    run.assert_clean_failure()
    assert "标准输出已关闭" in run.stderr and "AttributeError" not in run.stderr


def test_closed_standard_output_with_an_output_file(tmp_path: Path) -> None:
    titles = _titles(tmp_path, 3)
    command = (
        f"{sys.executable} -m listingkit lint-titles --platform taobao --fail-on warning {titles}"
        " -o rep.txt >&-"
    )
    run = _shell(command, tmp_path)
    assert run.status == 1, run.stderr
    assert "最好" in (tmp_path / "rep.txt").read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


def test_closed_standard_error(tmp_path: Path) -> None:
    command = f"{sys.executable} -m listingkit lint-titles --platform taobao nothing.txt 2>&-"
    run = _shell(command, tmp_path)
    assert run.status == 2
    assert run.stdout == "", "an error message must not land in the report stream"


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e309", "1e12", "-1"])
def test_absurd_timeout_is_a_usage_error(listingkit: Run, tmp_path: Path, value: str) -> None:
    run = listingkit("images", tmp_path, "--platform", "taobao", f"--timeout={value}")
    run.assert_clean_failure()
    assert len(run.err_lines) == 1 and "--timeout" in run.stderr
    assert "OverflowError" not in run.stderr


def test_zero_timeout_still_means_no_limit(listingkit: Run, tmp_path: Path) -> None:
    run = listingkit("images", tmp_path, "--platform", "taobao", "--timeout", "0")
    assert run.status in (0, 1), run.stderr


@pytest.mark.skipif(AS_ROOT, reason="root writes into any folder; the tmpfs tests cover root")
def test_write_error_names_path_and_reason_without_root(listingkit: Run, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        run = listingkit(*LINT, "--text", "连衣裙", "-o", folder / "rep.txt")
    finally:
        folder.chmod(0o700)
    run.assert_clean_failure()
    assert "rep.txt" in run.stderr and "权限" in run.stderr
    assert os.listdir(folder) == []
