"""GitHub workflow commands: escaping and severity mapping."""

from __future__ import annotations

from collections.abc import Callable

from listingkit.findings import Report
from listingkit.output.github import escape_data, escape_property


def test_escape_data() -> None:
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"


def test_escape_property() -> None:
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_percent_is_escaped_first() -> None:
    # Escaping "%" after the others would turn "%0A" into "%250A".
    assert escape_data("\n") == "%0A"


def test_annotations(report: Report, render_as: Callable[..., str]) -> None:
    lines = render_as(report, "github").splitlines()
    assert (
        "::error file=商品B/坏图.jpg,title=FILE001 file-unreadable::"
        "无法读取文件：磁盘读取出错 (errno 5: I/O error, 已读 37%25)%0A系统原话：Input/output error"
        "（建议：确认文件存在并有读取权限，或重新导出、复制这个文件）"
    ) in lines
    assert (
        "::warning file=商品A/主图/02.jpg,title=FILE002 file-empty::"
        "文件大小为 0 字节（建议：重新导出或重新复制这个文件）"
    ) in lines
    assert (
        "::notice file=商品A/标题.csv,line=3,title=TITLE001 title-too-long::"
        "行 3 · 列 标题 · 字 1-4：标题长度 64 超过上限 60（汉字计 2）"
        "（建议：删减修饰词或重复的属性词）"
    ) in lines
    # "," in a path would end the file= property early.
    assert (
        "::error file=商品C/详情%2C旧/03.png,title=FILE002 file-empty::文件大小为 0 字节"
    ) in lines


def test_one_group_per_file(report: Report, render_as: Callable[..., str]) -> None:
    lines = render_as(report, "github").splitlines()
    groups = [line.removeprefix("::group::") for line in lines if line.startswith("::group::")]
    assert groups == sorted(report.by_path())
    assert lines.count("::endgroup::") == len(groups)


def test_every_line_is_a_command_but_the_summary(
    report: Report, render_as: Callable[..., str]
) -> None:
    # An unescaped newline in a message would leave a line that is not a command.
    *commands, last = render_as(report, "github").splitlines()
    assert all(line.startswith("::") for line in commands)
    assert last == "检查了 4 个对象，发现 2 个错误、1 个警告、1 个提示"
