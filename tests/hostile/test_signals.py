"""Issue point 10: SIGINT exits 130, SIGTERM 143, and nothing survives the run.

Real signals to a real ``listingkit`` process while its worker pool is busy:
afterwards none of its workers is alive, no temporary file is left in the
output folder and no openpyxl spool file in the temp folder. A parent killed
outright (SIGKILL) still takes its workers with it (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from tests.hostile.conftest import Proc, leftovers

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process table from /proc"
)

# Pixels are decoded for every white-background image, so 40 of them already
# start the pool (PARALLEL_MIN_DECODES); 2000x2000 PNGs keep it busy for seconds.
IMAGES = 120


# With one core a batch runs in this process: there is no pool to stop.
ONE_CORE = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no worker pool")


def _children(pid: int) -> dict[int, str]:
    """Process id → start time of every live child of ``pid`` (start time guards against reuse)."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(entry.name)] = fields[19]
    return found


def _alive(processes: dict[int, str]) -> list[int]:
    alive = []
    for pid, started in processes.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[19] == started and fields[0] != "Z":
            alive.append(pid)
    return alive


def _wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _image_folder(root: Path) -> Path:
    folder = root / "白底"
    folder.mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 2000), (252, 252, 252)).save(buffer, "PNG")
    for number in range(IMAGES):
        (folder / f"{number:04d}.png").write_bytes(buffer.getvalue())
    return folder


def _start(cwd: Path, *argv: str | os.PathLike[str], tmpdir: Path) -> subprocess.Popen[bytes]:
    (cwd / ".git").mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "listingkit", *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmpdir)},
    )


def _finish(process: subprocess.Popen[bytes], seconds: float = 60) -> Proc:
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"still running {seconds} s after the signal: {err.decode(errors='replace')}")
    return Proc(process.returncode, out, err)


def _busy_pool(process: subprocess.Popen[bytes]) -> dict[int, str]:
    """Wait until the run has its two workers, and return them."""
    assert _wait_until(lambda: len(_children(process.pid)) >= 2, 60), "the pool never started"
    time.sleep(0.3)  # well inside the batch
    assert process.poll() is None, "the batch ended before the signal; make it larger"
    return _children(process.pid)


@ONE_CORE
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_an_image_batch(tmp_path: Path, signum: int, status: int) -> None:
    folder = _image_folder(tmp_path)
    spool = tmp_path / "spool"
    spool.mkdir()
    argv = ("images", folder, "--platform", "taobao", "--no-progress", "-o", "rep.json")
    process = _start(tmp_path, *argv, "--format", "json", tmpdir=spool)
    workers = _busy_pool(process)
    process.send_signal(signum)
    run = _finish(process)
    run.assert_clean_failure(status)
    assert len(run.err_lines) == 1
    assert _wait_until(lambda: not _alive(workers), 5), f"workers left: {_alive(workers)}"
    assert not (tmp_path / "rep.json").exists()
    assert leftovers(tmp_path) == []


@ONE_CORE
def test_parent_killed_outright_takes_its_workers(tmp_path: Path) -> None:
    folder = _image_folder(tmp_path)
    process = _start(tmp_path, "images", folder, "--platform", "taobao", tmpdir=tmp_path)
    workers = _busy_pool(process)
    process.kill()
    process.wait(10)
    try:
        assert _wait_until(lambda: not _alive(workers), 5), f"orphans: {_alive(workers)}"
    finally:
        for pid in _alive(workers):  # never leave our own orphans on the machine
            os.kill(pid, signal.SIGKILL)
        process.communicate()


def _parameter_sheet(path: Path, rows: int) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("参数")
    sheet.append(["货号", "类目词", "品牌", "产品词", "属性词", "营销词", "修饰词"])
    for n in range(rows):
        sheet.append(
            [f"A{n}", "女装", "花语", "连衣裙", "碎花、雪纺、收腰、显瘦", "2024新款", "夏季 法式"]
        )
    book.save(path)
    return path


def test_sigterm_while_the_workbook_is_written(tmp_path: Path) -> None:
    sheet = _parameter_sheet(tmp_path / "参数表.xlsx", 6000)
    spool = tmp_path / "spool"
    spool.mkdir()
    process = _start(
        tmp_path, "titles", sheet, "--platform", "taobao", "-o", "out.xlsx", tmpdir=spool
    )

    def writing() -> bool:
        # Our temporary file exists and openpyxl has started its spool file.
        return bool(list(tmp_path.glob(".out.xlsx.*.tmp"))) and bool(list(spool.glob("openpyxl.*")))

    assert _wait_until(lambda: writing() or process.poll() is not None, 300)
    assert process.poll() is None, f"ended before it wrote: {_finish(process).stderr}"
    process.send_signal(signal.SIGTERM)
    run = _finish(process)
    run.assert_clean_failure(143)
    assert "Exception ignored" not in run.stderr
    assert not (tmp_path / "out.xlsx").exists()
    assert leftovers(tmp_path) == []
    assert list(spool.glob("openpyxl.*")) == []


@ONE_CORE
def test_sigterm_while_titles_are_composed_on_the_pool(tmp_path: Path) -> None:
    sheet = _parameter_sheet(tmp_path / "参数表.xlsx", 6000)
    process = _start(
        tmp_path, "titles", sheet, "--platform", "taobao", "-o", "out.xlsx", tmpdir=tmp_path
    )
    workers = _busy_pool(process)
    process.send_signal(signal.SIGTERM)
    run = _finish(process)
    run.assert_clean_failure(143)
    assert _wait_until(lambda: not _alive(workers), 5), f"workers left: {_alive(workers)}"
    assert not (tmp_path / "out.xlsx").exists()
    assert leftovers(tmp_path) == []
