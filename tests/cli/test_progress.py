"""The progress bar: drawn only on a terminal, only for a long run, cleared at the end."""

from __future__ import annotations

import argparse
import io
import sys

import pytest

from listingkit import load_rules
from listingkit.cli.common import batch_options, progress_bar
from listingkit.cli.progress import Progress, progress_for
from listingkit.title.lint import TitleInput, lint_titles


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_short_run_draws_nothing():
    stream, clock = Terminal(), Clock()
    bar = Progress(stream, "图片", delay=1.0, clock=clock)
    for done in range(1, 11):
        clock.now = done * 0.05
        bar(done, 10)
    bar.close()
    assert stream.getvalue() == ""


def test_a_long_run_shows_count_share_and_time_left_then_clears():
    stream, clock = Terminal(), Clock()
    bar = Progress(stream, "图片", delay=1.0, every=0.1, clock=clock)
    clock.now = 2.0
    bar(100, 400)
    line = stream.getvalue()
    assert line.startswith("\r图片 100/400 ") and "25%" in line and "剩余约 6 秒" in line
    clock.now = 2.05  # too soon to redraw
    bar(101, 400)
    assert stream.getvalue() == line
    clock.now = 2.06
    bar(400, 400)  # the last item is always drawn
    assert "400/400" in stream.getvalue() and "100%" in stream.getvalue()
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_only_a_terminal_gets_a_bar():
    assert progress_for(io.StringIO(), "图片", env={}) is None
    assert isinstance(progress_for(Terminal(), "图片", env={}), Progress)


def test_no_bar_in_ci_even_on_a_terminal():
    assert progress_for(Terminal(), "图片", env={"CI": "true"}) is None
    assert progress_for(Terminal(), "图片", env={"CI": "1"}) is None
    assert isinstance(progress_for(Terminal(), "图片", env={"CI": "false"}), Progress)


def test_a_unit_follows_the_count():
    stream, clock = Terminal(), Clock()
    bar = Progress(stream, "检查标题", unit="个", delay=1.0, clock=clock)
    clock.now = 2.0
    bar(500, 2000)
    assert stream.getvalue().startswith("\r检查标题 500/2000 个 █")
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def _args(command: str, *, no_progress: bool = False) -> argparse.Namespace:
    return argparse.Namespace(command=command, no_progress=no_progress, timeout=30.0)


@pytest.mark.parametrize(("command", "noun"), [("images", "图片"), ("check", "文件")])
def test_the_bar_names_what_the_command_counts(monkeypatch, command, noun):
    # check reads title files and every other file, not only images.
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.delenv("CI", raising=False)
    with batch_options(_args(command)) as batch:
        assert batch["progress"] is not None and batch["progress"].label == noun


def test_no_progress_turns_the_bar_off(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.delenv("CI", raising=False)
    with progress_bar(_args("lint-titles", no_progress=True), "检查标题", "个") as bar:
        assert bar is None
    with progress_bar(_args("lint-titles"), "检查标题", "个") as bar:
        assert bar is not None and (bar.label, bar.unit) == ("检查标题", "个")


def test_lint_titles_reports_progress_after_each_title():
    seen: list[tuple[int, int]] = []
    items = [TitleInput(text) for text in ("纯棉T恤", "碎花连衣裙", "保温杯")]
    report = lint_titles(items, load_rules("taobao"), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert len(report.subjects) == 3


def test_no_bar_without_a_usable_stderr():
    assert progress_for(None, "图片", env={}) is None  # started with 2>&-
    closed = io.TextIOWrapper(io.BytesIO())
    closed.close()  # isatty() on a closed file raises ValueError
    assert progress_for(closed, "图片", env={}) is None


class BrokenTerminal(Terminal):
    def write(self, text: str) -> int:
        raise OSError(5, "Input/output error")


def test_a_terminal_that_goes_away_does_not_stop_the_run():
    clock = Clock()
    bar = Progress(BrokenTerminal(), "图片", delay=0.0, clock=clock)
    for done in range(1, 4):
        clock.now = done
        bar(done, 3)
    bar.close()
