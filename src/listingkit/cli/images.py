"""``listingkit images PATH…``: image spec checks, for designers and for CI."""

from __future__ import annotations

import argparse
import glob
import io
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listingkit.cli.common import (
    add_batch_options,
    add_cache_option,
    add_common_options,
    batch_options,
    cache_wanted,
    check_output,
    emit_report,
    output_stream,
    selection_of,
)
from listingkit.errors import InputError
from listingkit.ruleset import Rules, resolve_rules
from listingkit.ruleset.rules import IMAGE_ROLES
from listingkit.subjects import walk

if TYPE_CHECKING:
    from listingkit.cache.runs import KeptRun
    from listingkit.findings import Report
    from listingkit.registry import Selection

__all__ = ["add_parser", "expand"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("images", help="检查图片：格式、尺寸、比例、大小、颜色模式、张数")
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="图片文件、文件夹（递归）或通配符（如 '主图/*.jpg'）",
    )
    parser.add_argument(
        "--role",
        choices=IMAGE_ROLES,
        help="把所有图片都当作这种图检查；默认按文件夹名和文件名判断（见 docs/images.md）",
    )
    add_common_options(parser)
    add_batch_options(parser)
    add_cache_option(parser)
    parser.set_defaults(handler=_images)


def expand(patterns: list[str]) -> list[str]:
    """Paths as given, with shell-style globs expanded (for shells that do not)."""
    paths: list[str] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            found = sorted(glob.glob(pattern, recursive=True))
            if not found:
                raise InputError(f"没有文件匹配 {pattern}")
            paths += found
        else:
            paths.append(pattern)
    return paths


def _images(args: argparse.Namespace) -> int:
    selection = selection_of(args)
    paths = expand(args.paths)
    cached = cache_wanted(args)
    rules = resolve_rules(args.platform, args.rules, start=Path(paths[0]), cached=cached)
    check_output(args.output, [*paths, *rules.paths], force=args.force)
    # The same command again over unchanged files: the report kept by the last run.
    keepable = cached and _keepable(args)
    kept = _kept_run(args, paths, rules, selection) if keepable else None
    started = time.time_ns()
    if kept is not None:
        replayed = kept.replay()
        if replayed is not None:
            status, text = replayed
            with output_stream(None) as stream:
                stream.write(text)
            return status
        kept.start(at=started)
    from listingkit.image.run import check_images

    before = _reads_counted() if keepable else None
    with batch_options(args) as batch:
        report = check_images(
            paths,
            rules,
            role=args.role,
            select=selection.select,
            ignore=selection.ignore,
            cache=cached,
            **batch,
        )
    if before is None or not _all_kept(before, _reads_counted()):
        return emit_report(report, args)
    if kept is None:  # a first run: walked now, its files' change times tell the rest
        kept = _kept_run(args, paths, rules, selection, first=True)
        if kept is None:
            return emit_report(report, args)
        kept.start(at=started, look=False)
    status, text = _rendered(report, args)
    with output_stream(None) as stream:
        stream.write(text)
    kept.keep(status, text)
    return status


def _keepable(args: argparse.Namespace) -> bool:
    """Whether this run's report may be kept and replayed: one written to standard
    output that is not a terminal (a terminal's report has colours and progress)."""
    return args.output is None and not _is_terminal(1)


def _kept_run(
    args: argparse.Namespace,
    paths: list[str],
    rules: Rules,
    selection: Selection,
    *,
    first: bool = False,
) -> KeptRun | None:
    """The kept report of this command (:mod:`listingkit.cache.runs`), when there may be
    one: kept image reads or a kept report already there (``first``: after a first run
    that kept its reads). Neither there (a first run, a run that reads headers only):
    None, with no walk, so a run that keeps nothing pays nothing for it."""
    from listingkit.cache.runs import KeptRun, kept_run_file
    from listingkit.cache.scope import reads_file, reads_scope

    command = repr(sorted((k, v) for k, v in vars(args).items() if not callable(v)))
    reads = reads_file(reads_scope(rules.paths, rules.platform, selection.codes()))
    if not first and not kept_run_file(command).is_file() and not reads.is_file():
        return None
    found = walk(paths)
    mark = rules.model.images.watermark
    return KeptRun(
        command,
        [(os.fspath(path), display) for path, display in found.files],
        [(os.fspath(f.path), f.display, f.reason, f.linked) for f in found.folders],
        rule_paths=[os.fspath(path) for path in rules.paths],
        platform=rules.platform,
        template=None if mark is None else str(mark.template),
        reads_file=reads,
    )


def _reads_counted() -> tuple[int, int, int]:
    """(image reads taken from the kept ones, reads done afresh, reads done and not
    kept) in this process so far."""
    from listingkit.cache.images import ImageReads

    return ImageReads.taken, ImageReads.done, ImageReads.unkept


def _all_kept(before: tuple[int, int, int], after: tuple[int, int, int]) -> bool:
    """Whether the run between two counts read images (a run that reads headers only
    keeps nothing) and every read it did is kept: none timed out or met an error."""
    read = after[0] + after[1] > before[0] + before[1]
    return read and after[2] == before[2]


def _rendered(report: Report, args: argparse.Namespace) -> tuple[int, str]:
    """(exit status, report text) as :func:`emit_report` gives them on standard output."""
    real = sys.stdout
    captured = io.StringIO()
    sys.stdout = captured
    try:
        status = emit_report(report, args)
    finally:
        sys.stdout = real
    return status, captured.getvalue()


def _is_terminal(descriptor: int) -> bool:
    try:
        return os.isatty(descriptor)
    except OSError:
        return False
