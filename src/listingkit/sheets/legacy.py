"""Read an .xls (Excel 97-2003) workbook with python-calamine, in a child process.

calamine trusts an .xls as it trusts an .xlsx: a DIMENSIONS record that
declares four billion rows makes it reserve petabytes and abort the interpreter
with a Rust backtrace, and the OLE2 container around the workbook has sector
chains that a crafted file can bend. Rather than re-implement both formats to
vet them, the workbook is read in a separate Python process whose address
space, CPU time and wall time are capped: whatever the file makes calamine do,
the command itself survives and says, in one line, which file could not be read.

The child (:mod:`listingkit.sheets._xls_child`, run as a script that imports
only python-calamine) reads a temporary copy of the bytes the parent read
through :mod:`listingkit.safeio`, and answers with one JSON object: the chosen
sheet, where its cells start, and every cell's value.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from listingkit.errors import SheetError
from listingkit.printable import printable, show_path
from listingkit.sheets.guard import MAX_AREA
from listingkit.sheets.model import did_you_mean, name_list
from listingkit.sheets.text import CellValue, cell_text

__all__ = ["ENCRYPTED_PACKAGE", "read_xls"]

#: The stream an encrypted .xlsx keeps its package in, as an OLE2 directory names it.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Far above what a 10,000-row sheet needs (about 150 MB in the child), far below
# what would starve the machine.
_MEMORY_LIMIT = 1536 * 1024 * 1024
_CPU_SECONDS = 60
_WALL_SECONDS = 90
_CHILD = Path(__file__).with_name("_xls_child.py")


def read_xls(file: Path, data: bytes, wanted: str | None) -> tuple[str, int, int, list[list[str]]]:
    """(sheet name, top row, left column, rows of cell text) of one worksheet of an .xls.

    Raises :class:`SheetError` naming the file for a broken, encrypted or
    oversized workbook, and for a sheet name that is not there.
    """
    shown = show_path(file)
    try:
        with tempfile.TemporaryDirectory(prefix="listingkit-xls-") as folder:
            # Read as .xls by name: calamine guessing from bytes alone would try the
            # other formats too and hide why an .xls failed (a password, a broken chain).
            # The copy holds the bytes safeio read, whatever the path holds by now.
            copy = Path(folder, "book.xls")
            copy.write_bytes(data)
            request = json.dumps({"path": str(copy), "wanted": wanted}).encode()
            # -P: the script's folder (this package) is not put on the child's path.
            done = subprocess.run(
                [sys.executable, "-P", str(_CHILD)],
                input=request,
                capture_output=True,
                timeout=_WALL_SECONDS,
                preexec_fn=_limits if os.name == "posix" else None,
            )
    except subprocess.TimeoutExpired:
        raise SheetError(
            f"{shown}：读取超过 {_WALL_SECONDS} 秒仍未完成，没有读取；文件可能已损坏或被改动过，"
            "请用 Excel 或 WPS 打开后另存为 .xlsx，或重新导出"
        ) from None
    except OSError as exc:
        raise SheetError(
            f"{shown}：写临时副本或启动读取进程时出错（{printable(str(exc))}），没有读取；"
            "请检查临时文件夹的剩余空间，或另存为 .xlsx 后重试"
        ) from None
    try:
        answer: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        # The child died: calamine aborted, or a limit stopped it.
        raise SheetError(_broken(file, "读取时中止，文件结构异常或需要的内存超过上限")) from None
    return _answer(file, answer)


def _answer(file: Path, answer: dict[str, Any]) -> tuple[str, int, int, list[list[str]]]:
    kind = answer.get("error")
    if kind is None:
        rows = [[cell_text(_decode(value)) for value in row] for row in answer["rows"]]
        return str(answer["name"]), int(answer["top"]), int(answer["left"]), rows
    raise SheetError(_refusal(file, str(kind), answer))


def _refusal(file: Path, kind: str, answer: dict[str, Any]) -> str:
    shown = show_path(file)
    if kind == "password":
        return (
            f"{shown} 设置了打开密码，无法读取；"
            "请在 Excel 中取消密码（文件 → 信息 → 保护工作簿）后另存为 .xlsx"
        )
    if kind == "empty":
        return f"{shown} 里没有工作表；请用 Excel 打开检查后重新保存"
    if kind == "missing":
        names = answer["names"]
        return (
            f"{shown} 里没有名为“{printable(answer['wanted'])}”的工作表；有：{name_list(names)}。"
            f"{did_you_mean(answer['wanted'], names)}"
        )
    if kind == "size":
        return (
            f"{shown}（工作表“{printable(answer['name'])}”）：有内容的单元格占"
            f" {answer['height']:,} 行 × {answer['width']:,} 列（上限 {MAX_AREA:,} 格），没有读取；"
            "请删掉远处多余的单元格（Ctrl+End 跳到最远的一格），或把表拆成几个文件"
        )
    return _broken(file, printable(str(answer.get("detail", ""))))


def _broken(file: Path, detail: str) -> str:
    return (
        f"{show_path(file)} 无法作为 .xls 读取：文件可能已损坏、没有下载完整，"
        f"或是改了扩展名的其他格式（{detail}）；请用 Excel 或 WPS 打开后另存为 .xlsx，或重新导出"
    )


def _decode(value: Any) -> CellValue:
    """A cell as the child encoded it (:func:`listingkit.sheets._xls_child.encode`)."""
    if isinstance(value, dict):
        [(kind, text)] = value.items()
        if kind == "timedelta":
            return dt.timedelta(seconds=float(text))
        if kind == "datetime":
            return dt.datetime.fromisoformat(str(text))
        if kind == "date":
            return dt.date.fromisoformat(str(text))
        return dt.time.fromisoformat(str(text))
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _limits() -> None:  # pragma: no cover - runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (_CPU_SECONDS, _CPU_SECONDS))
