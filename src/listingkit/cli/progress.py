"""A one-line progress bar on a terminal, for long batches."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import TextIO

__all__ = ["Progress", "progress_for"]

_WIDTH = 24


class Progress:
    """Call with (done, total) as work completes; :meth:`close` clears the line.

    ``label`` names what is counted (图片, 文件, 检查标题); ``unit``, when given,
    follows the count (``检查标题 1200/50000 个``). Nothing is drawn until the
    run has taken ``delay`` seconds, so a short run leaves the terminal as it
    was; the line is redrawn at most every ``every`` seconds and always on the
    last item.
    """

    def __init__(
        self,
        stream: TextIO,
        label: str,
        *,
        unit: str = "",
        delay: float = 1.0,
        every: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self.label = label
        self.unit = unit
        self._delay = delay
        self._every = every
        self._clock = clock
        self._start = clock()
        self._drawn_at: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        elapsed = now - self._start
        if elapsed < self._delay and self._drawn_at is None:
            return
        if self._drawn_at is not None and now - self._drawn_at < self._every and done < total:
            return
        self._drawn_at = now
        share = done / total if total else 1.0
        filled = round(_WIDTH * share)
        bar = "█" * filled + "░" * (_WIDTH - filled)
        counted = f"{done}/{total} {self.unit}" if self.unit else f"{done}/{total}"
        line = f"\r{self.label} {counted} {bar} {share:4.0%}"
        if 0 < done < total:
            line += f"  剩余约 {elapsed * (total - done) / done:.0f} 秒"
        self._write(line + "\x1b[K")

    def close(self) -> None:
        """Clear the bar, if one was drawn, so the report starts on a clean line."""
        if self._drawn_at is not None:
            self._write("\r\x1b[K")

    def _write(self, text: str) -> None:
        # The bar is a courtesy: a terminal that went away (closed, hung up) must
        # not stop the run. Drawing simply stops.
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            self._delay = float("inf")
            self._drawn_at = None


def progress_for(
    stream: TextIO | None,
    label: str,
    *,
    unit: str = "",
    env: Mapping[str, str] | None = None,
) -> Progress | None:
    """A progress bar on ``stream`` when it is a terminal; None otherwise (pipes,
    a closed or missing stderr, and CI: ``CI`` set in ``env``, default the
    environment, since some CI runners give the job a terminal whose log keeps
    every redraw)."""
    env = os.environ if env is None else env
    if env.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        return None
    isatty = getattr(stream, "isatty", None)
    try:
        terminal = isatty is not None and bool(isatty())
    except (OSError, ValueError):  # a closed file
        terminal = False
    return Progress(stream, label, unit=unit) if terminal and stream is not None else None
