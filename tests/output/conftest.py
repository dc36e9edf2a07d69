"""A sample report every output test renders, and the golden-file comparison.

Golden files are rewritten only with ``LISTINGKIT_UPDATE_GOLDEN=1``; without
it a difference fails with a diff, so an output change is always reviewed.
"""

from __future__ import annotations

import difflib
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from listingkit.cli.common import check_docs
from listingkit.findings import Finding, Location, Report, Severity
from listingkit.output import render

GOLDEN_DIR = Path(__file__).parent / "golden"

# Only the SARIF driver carries the listingkit version; "version": "2.1.0" of
# the SARIF log itself must stay.
_VERSION = re.compile(r'("name": "listingkit",\s*"version": )"[^"]*"')
# The HTML report names it in its generator line.
_HTML_VERSION = re.compile(r'(<meta name="generator" content="listingkit )[^"]*"')


def sample_report() -> Report:
    """Four subjects, one clean; every severity; sheet, span and escaping cases."""
    return Report(
        platform="taobao",
        subjects=["商品A/主图/01.jpg", "商品A/主图/02.jpg", "商品A/标题.csv", "商品B/坏图.jpg"],
        findings=[
            Finding(
                Location("商品B/坏图.jpg"),
                "FILE001",
                "file-unreadable",
                Severity.ERROR,
                # ":", ",", "%" and a newline: every character the GitHub format escapes.
                "无法读取文件：磁盘读取出错 (errno 5: I/O error, 已读 37%)\n"
                "系统原话：Input/output error",
                hint="确认文件存在并有读取权限，或重新导出、复制这个文件",
                source="淘宝 图片空间：上传失败的文件不会出现在商品主图中",
                data={"reason": "磁盘读取出错"},
            ),
            Finding(
                Location("商品A/标题.csv", row=3, column="标题", span=(0, 4)),
                "TITLE001",
                "title-too-long",
                Severity.INFO,
                "标题长度 64 超过上限 60（汉字计 2）",
                hint="删减修饰词或重复的属性词",
                source="淘宝规则《商品发布规范》：标题不超过 60 字符（30 个汉字）",
                data={"actual": 64, "limit": 60, "unit": "字符"},
            ),
            Finding(
                Location("商品A/主图/02.jpg"),
                "FILE002",
                "file-empty",
                Severity.WARNING,
                "文件大小为 0 字节",
                hint="重新导出或重新复制这个文件",
                source="淘宝 图片空间上传说明：空文件无法上传",
                data={"actual": 0, "limit": 1, "unit": "byte"},
            ),
            # A path that is not among the subjects, with no hint and no source.
            Finding(
                Location("商品C/详情,旧/03.png"),
                "FILE002",
                "file-empty",
                Severity.ERROR,
                "文件大小为 0 字节",
                data={"actual": 0, "limit": 1, "unit": "byte"},
            ),
        ],
    )


@pytest.fixture
def report() -> Report:
    return sample_report()


def rendered(report: Report, fmt: str, **options: Any) -> str:
    """``report`` in ``fmt``, with the check documentation the command hands in by default."""
    stream = io.StringIO()
    render(report, fmt, stream, **{"docs": check_docs(), **options})
    return stream.getvalue()


@pytest.fixture
def render_as() -> Callable[..., str]:
    return rendered


def redact(text: str) -> str:
    return _HTML_VERSION.sub(r'\1<VERSION>"', _VERSION.sub(r'\1"<VERSION>"', text))


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN_DIR / name
    actual = redact(text)
    if os.environ.get("LISTINGKIT_UPDATE_GOLDEN") == "1":
        path.write_bytes(actual.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"{path} is missing; run with LISTINGKIT_UPDATE_GOLDEN=1 to create it")
    # Bytes, not read_text(): newline translation would hide a "\r" in the output.
    expected = path.read_bytes().decode("utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"golden/{name}",
            tofile="rendered",
        )
        pytest.fail("output differs from the golden file:\n" + "".join(diff), pytrace=False)


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    return assert_golden
