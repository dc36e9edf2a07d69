"""Rows made while the workbook is written: their errors stay theirs, and a signal at
the worst moment leaves neither the file nor openpyxl's spool."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from listingkit.errors import OutputError
from listingkit.sheets import write_xlsx

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class Stopped(BaseException):
    """What the test's SIGTERM handler raises, as the command line's does."""


@pytest.fixture
def sigterm_raises() -> Iterator[None]:
    def handler(signum: int, frame: object) -> None:
        raise Stopped

    before = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@POSIX
def test_sigterm_just_after_the_spool_file_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sigterm_raises: None
) -> None:
    from openpyxl.worksheet import _writer

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    made = _writer.create_temporary_file

    def made_then_signalled(suffix: str = "") -> str:
        name = made(suffix)
        os.kill(os.getpid(), signal.SIGTERM)  # before the sheet even knows its spool
        return name

    monkeypatch.setattr(_writer, "create_temporary_file", made_then_signalled)
    path = tmp_path / "out" / "标题.xlsx"
    path.parent.mkdir()
    with pytest.raises(Stopped):
        write_xlsx(path, ["货号", "标题"], [[f"A{n}", f"标题{n}"] for n in range(300)])
    assert list(spool.iterdir()) == []
    assert list(path.parent.iterdir()) == []


@POSIX
def test_the_signal_still_arrives_and_the_file_is_written_without_one(
    tmp_path: Path, sigterm_raises: None
) -> None:
    path = tmp_path / "标题.xlsx"
    write_xlsx(path, ["货号"], [["A1"]])
    assert path.exists()
    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # the handler is back
    with pytest.raises(Stopped):
        os.kill(os.getpid(), signal.SIGTERM)


def test_an_error_of_the_rows_is_not_called_a_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))

    def rows() -> Iterator[list[object]]:
        for n in range(500):  # past the rows sampled for the widths: the file is open
            yield [f"A{n}", f"标题{n}"]
        raise FileNotFoundError(2, "No such file or directory", "关键词.csv")

    path = tmp_path / "out" / "标题.xlsx"
    path.parent.mkdir()
    with pytest.raises(FileNotFoundError) as raised:
        write_xlsx(path, ["货号", "标题"], rows())
    assert not isinstance(raised.value, OutputError)
    assert raised.value.filename == "关键词.csv"
    assert list(path.parent.iterdir()) == []
    assert list(spool.iterdir()) == []


def test_a_full_disk_is_still_a_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: object, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("openpyxl.writer.excel.ExcelWriter.write_data", full)
    path = tmp_path / "标题.xlsx"
    with pytest.raises(OutputError, match="磁盘空间不足"):
        write_xlsx(path, ["标题"], ([f"标题{n}"] for n in range(500)))
    assert list(tmp_path.iterdir()) == []
