"""FILE0xx: a file every other check would trip over.

A file that cannot be read is reported here and the batch goes on; the other
families never see it.
"""

from __future__ import annotations

from collections.abc import Iterator

from listingkit.findings import Hit, Severity
from listingkit.registry import check
from listingkit.ruleset import Rules
from listingkit.subjects import FileSubject, FolderProblem, ImageError

__all__ = [
    "ImageError",
    "file_empty",
    "file_unreadable",
    "folder_not_checked",
    "image_unreadable",
]


@check("FILE001", "file-unreadable", subject="file")
def file_unreadable(subject: FileSubject, rules: Rules) -> Iterator[Hit]:
    """文件无法读取。

    ## 检查什么
    文件能否打开并读出内容：断开的快捷方式（符号链接）、没有读取权限、
    被其他程序锁住或磁盘出错时都会报告。

    ## 为什么
    读不出的文件既无法检查，也无法上传；它通常是复制中断或链接失效留下的。

    ## 示例
    Okay: 主图/01.jpg（正常文件）
    FILE001: 主图/02.jpg → 指向已删除文件的链接
    """
    if subject.error is not None:
        yield Hit(
            f"无法读取文件：{subject.error}",
            hint="确认文件存在并有读取权限，或重新导出、复制这个文件",
            data={"reason": subject.error},
        )


@check("FILE002", "file-empty", subject="file")
def file_empty(subject: FileSubject, rules: Rules) -> Iterator[Hit]:
    """文件是空的（0 字节）。

    ## 检查什么
    文件大小是否为 0 字节。

    ## 为什么
    空文件多半是导出失败或复制中断的结果，上传时会被拒绝，也会占住正确文件的名字。

    ## 示例
    Okay: 详情/01.jpg（有内容）
    FILE002: 详情/02.jpg（0 字节）
    """
    if subject.error is None and subject.size == 0:
        yield Hit(
            "文件大小为 0 字节",
            hint="重新导出或重新复制这个文件",
            data={"actual": 0, "unit": "byte"},
        )


@check("FILE003", "image-unreadable", subject="image_error", keys=("images.max_pixels",))
def image_unreadable(subject: ImageError, rules: Rules) -> Iterator[Hit]:
    """图片文件打不开：不是图片、文件不完整、已损坏、格式不支持或像素数异常。

    ## 检查什么
    只读文件头（不解码像素）判断它是不是一张完整的图片：内容不是图片、结尾标记缺失（下载或复制中断）、
    文件头损坏、格式不支持，或像素数超过 `[images] max_pixels`（疑似解压炸弹）。管道、设备
    这类不是普通文件的路径不打开；一张图的处理超过 `--timeout` 秒（默认 30）也记为这一条，
    批量检查不会卡住。图片库读文件时出的任何错都只记在这张图上，它的警告不会打印出来。
    HEIC/HEIF、JPEG XL（以及图片库不支持时的 AVIF）这类认得出、但本机解不开的格式也记为这一条，
    写明无法检查，而不是悄悄跳过。

    ## 为什么
    这样的文件上传必然失败；批量检查时它只占一条问题，其余图片照常检查。

    ## 示例
    Okay: 主图/01.jpg（完整的 JPEG）
    FILE003: 主图/02.jpg（只有一半，复制中断）
    """
    hints = {
        "not-image": "这不是图片：确认文件没有放错，或从作图软件重新导出",
        "truncated": "文件不完整或已损坏：从原始文件重新导出或重新复制",
        "too-large": "像素数异常：用作图软件打开检查后按平台尺寸重新导出",
        "unreadable": "确认文件存在并有读取权限",
        "unsupported": "无法检查这种格式：用作图软件或手机相册导出为 JPEG 或 PNG 后再检查、上传",
        "timeout": "这张图处理得异常慢：用作图软件打开检查后重新导出；确需更久时用 --timeout 放宽",
    }
    yield Hit(
        f"无法作为图片读取：{subject.reason}",
        hint=hints.get(subject.kind, "从原始文件重新导出"),
        data={"reason": subject.kind},
    )


@check("FILE004", "folder-not-checked", subject="folder")
def folder_not_checked(subject: FolderProblem, rules: Rules) -> Iterator[Hit]:
    """文件夹里的文件没有检查：文件夹打不开，或是指向别处的文件夹链接。

    ## 检查什么
    递归检查文件夹时，列不出内容的子文件夹（没有权限、路径太长、磁盘出错）报错误；指向文件夹的
    链接（符号链接）不进入，报警告，以免同一批图检查两遍、链接指回上级时陷入循环。

    ## 为什么
    其中的文件一个也没有检查；不报告的话，结果看起来像全部通过。

    ## 示例
    Okay: 商品A/主图/（能打开）
    FILE004: 商品A/旧图/（没有读取权限）
    """
    if subject.linked:
        yield Hit(
            f"文件夹没有检查：{subject.reason}",
            hint="要检查链接指向的文件，把那个文件夹直接写在命令行上",
            severity=Severity.WARNING,
            data={"reason": "linked-folder"},
        )
    else:
        yield Hit(
            f"无法打开文件夹，其中的文件没有检查：{subject.reason}",
            hint="确认文件夹存在并有读取权限、路径不过长，再重新检查",
            data={"reason": subject.reason},
        )
