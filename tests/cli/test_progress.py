"""The progress bar: drawn only on a terminal, only for a long run, cleared at the end."""

from __future__ import annotations

import io

from listingkit.cli.progress import Progress, progress_for


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
    assert progress_for(io.StringIO(), "图片") is None
    assert isinstance(progress_for(Terminal(), "图片"), Progress)


def test_no_bar_without_a_usable_stderr():
    assert progress_for(None, "图片") is None  # started with 2>&-
    closed = io.TextIOWrapper(io.BytesIO())
    closed.close()  # isatty() on a closed file raises ValueError
    assert progress_for(closed, "图片") is None


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
