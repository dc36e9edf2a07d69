"""Options every checking subcommand shares, and how a report leaves the program."""

from __future__ import annotations

import argparse
import io
import math
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO, cast

from listingkit.codes import CODES
from listingkit.errors import OutputError, UsageError
from listingkit.findings import Report, Severity
from listingkit.output import BINARY_FORMATS, FORMATS, auto_format, render, use_color
from listingkit.printable import printable
from listingkit.registry import CheckSpec, Selection, describe
from listingkit.safeio import atomic_output, check_target
from listingkit.safeio.write import write_reason
from listingkit.status import EXIT_OK

if TYPE_CHECKING:
    from listingkit.cli.progress import Progress
    from listingkit.shop.overview import ShopOverview

__all__ = [
    "add_batch_options",
    "add_cache_option",
    "add_common_options",
    "batch_options",
    "binary_stream",
    "cache_wanted",
    "check_docs",
    "check_output",
    "emit_report",
    "exit_status",
    "is_ours",
    "output_stream",
    "progress_bar",
    "selection_of",
]


def _code_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """--platform, --rules, --format, --output, --force, --select/--ignore, --fail-on,
    --exit-zero, --no-progress."""
    group = parser.add_argument_group("通用选项")
    group.add_argument(
        "--platform",
        metavar="NAME",
        help="平台：taobao（淘宝）、tmall（天猫）、jd（京东）、pdd（拼多多）、1688、douyin（抖音）、"
        "kuaishou（快手）；中文名和代号都可以",
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
    group.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="把结果写入文件而不是标准输出；已存在的文件是 listingkit 写的报告或表格时直接替换，"
        "不是时拒绝写入（要替换它请加 --force）",
    )
    group.add_argument(
        "--force",
        action="store_true",
        help="允许替换已存在、但不是 listingkit 写的输出文件"
        "（本次读取的文件、设备、管道、文件夹仍然拒绝）",
    )
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
    group.add_argument(
        "--no-progress",
        action="store_true",
        help="不显示进度条（默认只在终端里、运行超过 1 秒时显示在标准错误上，CI 中不显示）",
    )


#: The longest --timeout taken: a day. "inf" and larger values are refused, not
#: taken as "no limit", so a typo never turns the limit off; 0 means no limit.
MAX_TIMEOUT = 86400.0


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是秒数：{value}") from None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"秒数必须在 0 到 {MAX_TIMEOUT:g} 之间：{value}；不限时间请写 0"
        )
    return seconds


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    """--timeout, for commands that read many image files."""
    from listingkit.timelimit import DEFAULT_TIMEOUT

    group = parser.add_argument_group("批量选项")
    group.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=(
            f"每张图最多处理这么久，超时记为 FILE003 并继续"
            f"（默认 {DEFAULT_TIMEOUT:g}；0 不限；最多 {MAX_TIMEOUT:g}，inf 不接受）"
        ),
    )


def add_cache_option(parser: argparse.ArgumentParser) -> None:
    """--no-cache, for commands whose image reads are kept in the user's cache folder."""
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="不用缓存：每张图都重新读取（默认只重读内容有变化的图；"
        "也可设环境变量 LISTINGKIT_NO_CACHE=1；清空缓存用 listingkit cache clean）",
    )


def cache_wanted(args: argparse.Namespace) -> bool:
    """Whether this run keeps and uses image reads: not with --no-cache or LISTINGKIT_NO_CACHE=1."""
    from listingkit.cache import cache_enabled

    return cache_enabled(bool(getattr(args, "no_cache", False)))


@contextmanager
def progress_bar(args: argparse.Namespace, label: str, unit: str = "") -> Iterator[Progress | None]:
    """The progress bar of a long run (None: --no-progress, CI, not a terminal), cleared
    afterwards so the report starts on a clean line."""
    from listingkit.cli.progress import progress_for

    progress = None if args.no_progress else progress_for(sys.stderr, label, unit=unit)
    try:
        yield progress
    finally:
        if progress is not None:
            progress.close()


# What a batch counts: `images` reads only images, `check` every kind of file.
_BATCH_NOUNS = {"images": "图片"}


@contextmanager
def batch_options(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    """The ``timeout`` and ``progress`` keywords for a batch, the bar cleared afterwards."""
    noun = _BATCH_NOUNS.get(getattr(args, "command", ""), "文件")
    with progress_bar(args, noun) as progress:
        yield {"timeout": args.timeout or None, "progress": progress}


def parse_column_map(
    value: str | None,
    labels: Mapping[str, str],
    *,
    option: str = "--columns",
    aliases: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``货号=款号,颜色=颜色分类`` → ``{"item": "款号", "colour": "颜色分类"}``.

    ``labels`` is field → the Chinese name operators write; a field's own name
    and ``aliases`` (another name → field) are read too. One spelling for every
    command that maps a sheet's columns (titles, names, rename).
    """
    by_name = {label: field for field, label in labels.items()}
    by_name.update({field: field for field in labels})
    by_name.update(aliases or {})
    folded = {name.casefold(): field for name, field in by_name.items()}
    mapping: dict[str, str] = {}
    for part in (value or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        key, sep, header = part.partition("=")
        field = folded.get(key.strip().casefold())
        if not sep or field is None or not header.strip():
            known = "、".join(labels.values())
            example = next(iter(labels.values()))
            raise UsageError(
                f"{option} 的 “{printable(part)}” 看不懂：应写成 {example}=列名，"
                f"可用的名称：{known}"
            )
        mapping[field] = header.strip()
    return mapping


def selection_of(args: argparse.Namespace) -> Selection:
    selection = Selection(tuple(args.select), tuple(args.ignore))
    selection.codes()  # an unknown code is a usage error before any work is done
    return selection


def check_output(
    target: str | None, inputs: Sequence[str | os.PathLike[str]] = (), *, force: bool = False
) -> None:
    """Refuse, before any work, an ``--output`` that must not be written.

    A device, FIFO, socket or folder, a file the run reads (``inputs``), or an
    existing file that is not a listingkit report or workbook (unless ``force``).
    """
    if target is not None:
        check_target(target, inputs=inputs, force=force, ours=is_ours)


def is_ours(path: Path) -> bool:
    """Whether ``path`` is a report or workbook listingkit wrote, so it may be replaced.

    Recognised by the format's own marker: the SARIF tool name, the JUnit suite
    name, the JSON report's leading keys, the workbook's creator. Text and
    GitHub output carry no marker and are never recognised.
    """
    from listingkit.sheets.writer import is_our_workbook, open_regular

    try:
        with open_regular(path) as handle:
            head = handle.read(_MARKER_HEAD)
    except OSError:
        return False
    if head.startswith(b"PK"):
        return is_our_workbook(path)
    return any(marker.match(head) for marker in _REPORT_MARKERS)


# The first bytes of each report format listingkit writes.
_MARKER_HEAD = 4096
_REPORT_MARKERS = (
    # json: Report.to_dict(), and the titles document that extends it
    re.compile(rb'\s*\{\s*"schema_version"\s*:\s*\d+\s*,\s*"platform"\s*:'),
    # titles --format json before it carried schema_version: one object per row
    re.compile(rb'\s*\[\s*\{\s*"row"\s*:\s*\d+\s*,\s*"item"\s*:'),
    # sarif: the tool driver is listingkit
    re.compile(
        rb'\s*\{\s*"\$schema"\s*:\s*"[^"]*"\s*,\s*"version"\s*:\s*"2\.1\.0"\s*,'
        rb'\s*"runs"\s*:\s*\[\s*\{\s*"tool"\s*:\s*\{\s*"driver"\s*:\s*\{\s*"name"\s*:\s*"listingkit"'
    ),
    # junit
    re.compile(rb'\s*(<\?xml[^>]{0,200}\?>\s*)?<testsuites name="listingkit"'),
    # html: the report's own generator line
    re.compile(
        rb'<!DOCTYPE html>\s*<html[^>]{0,200}>\s*<head>\s*<meta charset="utf-8">\s*'
        rb'<meta name="generator" content="listingkit'
    ),
)


@contextmanager
def output_stream(
    target: str | None, inputs: Sequence[str | os.PathLike[str]] = (), *, force: bool = False
) -> Iterator[TextIO]:
    """Standard output, or the ``--output`` file, written whole or not at all.

    The file goes through :func:`listingkit.safeio.atomic_output`: never onto a
    device, a pipe, a folder, an input, or a file that is not ours without
    ``force``; a fresh temporary file is renamed into place. A write error on
    standard output (a full disk behind ``>``) is one :class:`OutputError`.
    """
    if target is not None:
        with atomic_output(target, inputs=inputs, force=force, ours=is_ours) as handle:
            yield cast("TextIO", handle)  # a TextIOWrapper
        return
    if sys.stdout is None:
        raise OutputError("标准输出已关闭（>&-），报告无处可写；请用 -o 文件 写入文件")
    try:
        with _buffered_stdout() as stream:
            yield stream
            stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"无法写入标准输出：{write_reason(exc)}") from None


@contextmanager
def _buffered_stdout() -> Iterator[TextIO]:
    """Standard output, with every byte written or an error, even under ``python -u``.

    Unbuffered (``-u``, PYTHONUNBUFFERED), Python's text layer ignores a short
    write: on a disk that fills up the rest of the report would vanish without
    an error. Then the report is collected and written here, retrying short
    writes until the operating system raises (ENOSPC, EPIPE).
    """
    stream = sys.stdout
    raw = getattr(stream, "buffer", None)
    if not isinstance(raw, io.RawIOBase):
        yield stream
        return
    stream.flush()
    pending = _Pending(terminal=stream.isatty())
    yield pending
    data = memoryview(pending.getvalue().encode(stream.encoding, stream.errors or "strict"))
    descriptor = raw.fileno()
    while data:
        data = data[os.write(descriptor, data) :]


class _Pending(io.StringIO):
    """Text held for standard output; a terminal still counts as one (for colour)."""

    def __init__(self, *, terminal: bool) -> None:
        super().__init__()
        self._terminal = terminal

    def isatty(self) -> bool:
        return self._terminal


class _RegistryDocs(Mapping[str, CheckSpec]):
    """Every check's documentation, read from the registry when a renderer asks for it.

    Only SARIF looks codes up, and only the codes of its findings, so a family
    is never imported just to render a report.
    """

    def __getitem__(self, code: str) -> CheckSpec:
        if code not in CODES:
            raise KeyError(code)
        try:
            return describe(code)
        except UsageError:  # a code in the table whose check is not written yet
            raise KeyError(code) from None

    def __iter__(self) -> Iterator[str]:
        return iter(CODES)

    def __len__(self) -> int:
        return len(CODES)


def check_docs() -> Mapping[str, CheckSpec]:
    """Check code → documentation, for the renderers (SARIF's ``rules[]``)."""
    return _RegistryDocs()


def exit_status(report: Report, args: argparse.Namespace) -> int:
    """The exit status of every checking command: ``--fail-on``, then ``--exit-zero``."""
    if args.exit_zero:
        return EXIT_OK
    return report.exit_code(Severity(args.fail_on))


def emit_report(
    report: Report,
    args: argparse.Namespace,
    inputs: Sequence[str | os.PathLike[str]] = (),
    *,
    rows: Sequence[Mapping[str, Any]] | None = None,
    shop: ShopOverview | None = None,
) -> int:
    """Render the report in the chosen format and return the exit status.

    ``rows`` are the candidates of ``listingkit titles``, one JSON-shaped object
    per sheet row: text shows them above the report, JSON adds them as ``rows``.
    ``shop`` is what the HTML and Excel reports show of a shop's products.
    """
    fmt = auto_format(os.environ) if args.format == "auto" else args.format
    fail_on = Severity(args.fail_on)
    docs = check_docs()
    if fmt in BINARY_FORMATS:
        with binary_stream(args.output, inputs, force=args.force, fmt=fmt) as raw:
            render(report, fmt, raw, fail_on=fail_on, docs=docs, rows=rows, shop=shop)
    else:
        with output_stream(args.output, inputs, force=args.force) as stream:
            color = use_color(stream, os.environ)
            render(
                report, fmt, stream, color=color, fail_on=fail_on, docs=docs, rows=rows, shop=shop
            )
    if args.output is not None and fmt in _OPENED_BY_PEOPLE:
        # A report people open: say where it is, and what it holds, on the terminal.
        from listingkit.output.text import summary

        shown = printable(os.path.abspath(args.output))
        print(f"{summary(report)}；{_OPENED_BY_PEOPLE[fmt]}：{shown}", file=sys.stderr)
    return exit_status(report, args)


# Formats written for a person to open, and what to open them with.
_OPENED_BY_PEOPLE = {
    "html": "报告已写入（用浏览器打开）",
    "xlsx": "报告已写入（用 Excel 或 WPS 打开）",
}


@contextmanager
def binary_stream(
    target: str | None,
    inputs: Sequence[str | os.PathLike[str]] = (),
    *,
    force: bool = False,
    fmt: str = "xlsx",
) -> Iterator[IO[bytes]]:
    """The ``--output`` file for a format written as bytes, or standard output when it is
    not a terminal (a pipe or ``>``); a workbook is never poured onto a terminal."""
    if target is not None:
        with atomic_output(target, binary=True, inputs=inputs, force=force, ours=is_ours) as raw:
            yield raw
        return
    stdout = sys.stdout
    if stdout is None:
        raise OutputError("标准输出已关闭（>&-），报告无处可写；请用 -o 文件 写入文件")
    if stdout.isatty():
        raise UsageError(
            f"--format {fmt} 写的是文件，不能显示在终端上；请用 -o 报告.{fmt} 指定文件"
        )
    # Collected whole, then written with every short write retried: a workbook cut
    # short by a full disk must be an error, never a truncated file behind ">".
    collected = io.BytesIO()
    yield collected
    stdout.flush()
    data = memoryview(collected.getbuffer())
    try:
        try:
            descriptor = stdout.fileno()
        except (OSError, ValueError):  # a stream with no descriptor (a caller's own)
            stdout.buffer.write(data)
            stdout.buffer.flush()
            return
        while data:
            data = data[os.write(descriptor, data) :]
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"无法写入标准输出：{write_reason(exc)}") from None
