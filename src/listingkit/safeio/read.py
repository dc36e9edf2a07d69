"""Read a user's input file whole, safely: regular files only, bounded, decoded strictly.

``open()`` on a pipe waits for a writer forever, and a link to ``/dev/zero``
never ends; both are refused here before a byte is read. The file is opened
once, without blocking, and checked on the open descriptor, so it cannot be
swapped for something else between the check and the read.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Sequence

from listingkit.errors import InputError
from listingkit.oserrors import os_reason
from listingkit.printable import show_path

__all__ = [
    "MAX_RULE_FILE_BYTES",
    "MAX_SHEET_BYTES",
    "MAX_TEXT_FILE_BYTES",
    "decode_text",
    "read_input",
    "show_path",
]

# Limits on what one input may hold. Far above any real file of its kind
# (a 10,000-row parameter sheet is about 1 MB; the shipped word lists are a few
# KB), low enough that a mistaken or hostile file cannot exhaust memory.
MAX_SHEET_BYTES = 256 * 1024 * 1024
MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024
MAX_RULE_FILE_BYTES = 1024 * 1024

_KIND_WORDS = {
    stat.S_IFDIR: "一个文件夹",
    stat.S_IFIFO: "一个管道（FIFO）",
    stat.S_IFCHR: "一个字符设备",
    stat.S_IFBLK: "一个块设备",
    stat.S_IFSOCK: "一个套接字",
}
_CHUNK = 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} 字节"


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words: 一个管道（FIFO）, 一个字符设备 …"""
    return _KIND_WORDS.get(stat.S_IFMT(mode), "不是普通文件")


def read_input(path: str | os.PathLike[str], *, what: str, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    ``what`` names the input in messages (``"表格"``, ``"规则文件"``). Raises
    :class:`InputError` with one line naming the file, what is wrong and what
    to do, for a missing file, a folder, a pipe, a device, a socket, a file over
    the limit, or an operating-system error.
    """
    shown = show_path(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise InputError(f"{what} {shown} 不存在；请检查路径和文件名") from None
        raise InputError(f"无法读取{what} {shown}：{os_reason(exc)}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                f"{what} {shown} 是{file_kind(info.st_mode)}，不是普通文件，没有读取；"
                "请给出一个普通文件"
            )
        if info.st_size > limit:
            raise InputError(_too_large(what, shown, info.st_size, limit))
        os.set_blocking(descriptor, True)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(descriptor, _CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # the file grew while it was read
                raise InputError(_too_large(what, shown, total, limit))
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"无法读取{what} {shown}：{os_reason(exc)}") from None
    finally:
        os.close(descriptor)


def _too_large(what: str, shown: str, size: int, limit: int) -> str:
    return (
        f"{what} {shown} 有 {_megabytes(size)}，超过可读取的上限 {_megabytes(limit)}；"
        "请确认选对了文件，或把它拆成几个小文件"
    )


# --- text ------------------------------------------------------------------------------------

_BOMS: Sequence[tuple[bytes, str]] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    # UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# GB18030 decodes almost any byte string, Latin-1 text included (crème → cr鑝e).
# Real Chinese text written by Excel or WPS in GBK is overwhelmingly made of the
# 7,445 GB2312 characters; text read wrongly is mostly made of the rarer GBK
# extension characters, whose second byte is below 0xA1. Below this share of
# GB2312 characters the guess is refused rather than turned into mojibake.
_MIN_GB2312_SHARE = 0.8


def decode_text(data: bytes, *, shown: str, what: str) -> str:
    """``data`` as text: UTF-8 (with or without BOM), UTF-16/32 with BOM, or GB18030.

    Anything else raises :class:`InputError` naming the file and what to do;
    an encoding is never guessed into mojibake.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(_undecodable(what, shown, exc.start, encoding)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(_undecodable(what, shown, first_bad, None)) from None
    if not _plausible_chinese(text):
        raise InputError(_undecodable(what, shown, first_bad, None))
    return text


def _plausible_chinese(text: str) -> bool:
    wide = [char for char in text if ord(char) > 0x7F]
    if not wide:
        return True
    common = 0
    for char in wide:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common / len(wide) >= _MIN_GB2312_SHARE


def _undecodable(what: str, shown: str, position: int, encoding: str | None) -> str:
    claimed = f"按文件开头的标记应为 {encoding}，但" if encoding else ""
    return (
        f"无法识别{what} {shown} 的文字编码：{claimed}第 {position + 1} 字节起无法解码"
        "（只认 UTF-8、带 BOM 的 UTF-16 和 GBK/GB18030）；"
        "请在 Excel、WPS 或编辑器中另存为 UTF-8"
    )
