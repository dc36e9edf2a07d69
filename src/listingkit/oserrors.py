"""Operating-system errors in words an operator understands."""

from __future__ import annotations

import errno

__all__ = ["NOT_REGULAR", "os_reason"]

# Opening a pipe waits for a writer: such a file is reported, never opened.
NOT_REGULAR = "不是普通文件（管道、设备或套接字），没有打开"

_REASONS = {
    errno.ENOENT: "文件不存在（可能是指向已删除文件的链接）",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是一个文件夹",
    errno.EIO: "磁盘读取出错",
    errno.ELOOP: "链接形成了循环",
}


def os_reason(exc: OSError) -> str:
    """A Chinese reason for an operating-system error, with the system's own words."""
    known = _REASONS.get(exc.errno or 0)
    detail = exc.strerror or exc.__class__.__name__
    return f"{known}（{detail}）" if known else detail
