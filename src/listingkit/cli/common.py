"""Options every checking subcommand shares, and how a report leaves the program."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from listingkit.errors import UsageError
from listingkit.findings import Report, Severity
from listingkit.output import FORMATS, auto_format, render, use_color
from listingkit.registry import Selection
from listingkit.status import EXIT_OK

__all__ = [
    "add_batch_options",
    "add_common_options",
    "batch_options",
    "check_output",
    "emit_report",
    "output_stream",
    "selection_of",
]


def _code_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """--platform, --rules, --format, --output, --select/--ignore, --fail-on, --exit-zero."""
    group = parser.add_argument_group("通用选项")
    group.add_argument(
        "--platform", metavar="NAME", help="平台：taobao、tmall、jd、pdd、1688、douyin、kuaishou"
    )
    group.add_argument(
        "--rules",
        metavar="FILE",
        help="规则文件（默认从被检查的文件或表格所在的文件夹向上找 listingkit.toml）",
    )
    group.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="输出格式；auto 在 GitHub Actions 中为 github，否则为 text",
    )
    group.add_argument("-o", "--output", metavar="FILE", help="把结果写入文件而不是标准输出")
    group.add_argument(
        "--select",
        action="extend",
        type=_code_list,
        default=[],
        metavar="CODES",
        help="只运行这些检查：代码、代码前缀或名称，逗号分隔（如 TITLE,IMG01）",
    )
    group.add_argument(
        "--ignore",
        action="extend",
        type=_code_list,
        default=[],
        metavar="CODES",
        help="跳过这些检查：代码、代码前缀或名称，逗号分隔",
    )
    group.add_argument(
        "--fail-on",
        choices=[str(s) for s in Severity],
        default=str(Severity.ERROR),
        help="有此级别或更严重的问题时退出码为 1（默认 error）",
    )
    group.add_argument(
        "--exit-zero", action="store_true", help="有问题时也以 0 退出（无法运行时仍为 2）"
    )


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是秒数：{value}") from None
    if seconds < 0 or seconds != seconds:
        raise argparse.ArgumentTypeError(f"秒数不能为负：{value}")
    return seconds


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    """--timeout and --no-progress, for commands that read many image files."""
    from listingkit.timelimit import DEFAULT_TIMEOUT

    group = parser.add_argument_group("批量选项")
    group.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"每张图最多处理这么久，超时记为 FILE003 并继续（默认 {DEFAULT_TIMEOUT:g}；0 不限）",
    )
    group.add_argument(
        "--no-progress",
        action="store_true",
        help="不显示进度条（默认只在终端里、运行超过 1 秒时显示在标准错误上）",
    )


@contextmanager
def batch_options(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    """The ``timeout`` and ``progress`` keywords for a batch, the bar cleared afterwards."""
    from listingkit.cli.progress import progress_for

    progress = None if args.no_progress else progress_for(sys.stderr, "图片")
    try:
        yield {"timeout": args.timeout or None, "progress": progress}
    finally:
        if progress is not None:
            progress.close()


def selection_of(args: argparse.Namespace) -> Selection:
    selection = Selection(tuple(args.select), tuple(args.ignore))
    selection.codes()  # an unknown code is a usage error before any work is done
    return selection


def check_output(target: str | None, inputs: Sequence[str | os.PathLike[str]] = ()) -> None:
    """Refuse, before any work, an ``--output`` that is a folder or a file the run reads."""
    if target is None:
        return
    path = Path(target)
    for given in inputs:
        if Path(given).exists() and path.exists() and path.samefile(given):
            raise UsageError(f"--output {target} 是本次读取的文件，不能覆盖它；请换一个文件名")
    if path.is_dir():
        raise UsageError(f"--output {target} 是一个文件夹；请给出文件名")
    if not path.parent.is_dir():
        raise UsageError(f"--output 的文件夹 {path.parent} 不存在")


@contextmanager
def output_stream(
    target: str | None, inputs: Sequence[str | os.PathLike[str]] = ()
) -> Iterator[TextIO]:
    """Standard output, or the ``--output`` file written whole at the end.

    The file is written next to its final name and moved into place, so an
    interrupted run never leaves half a report behind. A file the run reads
    (``inputs``) is never the output.
    """
    if target is None:
        yield sys.stdout
        return
    check_output(target, inputs)
    path = Path(target)
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "w", encoding="utf-8", newline="\n") as handle:
        yield handle
    os.replace(partial, path)


def emit_report(
    report: Report, args: argparse.Namespace, inputs: Sequence[str | os.PathLike[str]] = ()
) -> int:
    """Render the report in the chosen format and return the exit status."""
    fmt = auto_format(os.environ) if args.format == "auto" else args.format
    with output_stream(args.output, inputs) as stream:
        render(report, fmt, stream, color=use_color(stream, os.environ))
    if args.exit_zero:
        return EXIT_OK
    return report.exit_code(Severity(args.fail_on))
