"""A limit on how long one file may take, so one bad file cannot stall a batch.

Uses the interval timer (``SIGALRM``): Pillow decodes in blocks and returns to
Python between them, and a blocking system call is interrupted, so the limit
holds inside library code. Where there is no such timer (Windows) or outside a
process's main thread, the limit is not enforced.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["DEFAULT_TIMEOUT", "FileTimeout", "time_limit"]

#: Seconds one file may take (header, background and watermark together) before it
#: is reported and skipped. A watermark search on a 1500×1500 photo takes well under 1 s.
DEFAULT_TIMEOUT = 30.0


class FileTimeout(BaseException):
    """The time allowed for one file ran out.

    A ``BaseException``, like ``KeyboardInterrupt``: image plugins catch broad
    ``Exception`` while parsing and would turn it into a parse error.
    """


def _expired(signum: int, frame: FrameType | None) -> None:
    raise FileTimeout


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`FileTimeout` in the block after ``seconds`` (None or 0: no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    started = time.monotonic()
    # A timer the caller had set is put back afterwards, less the time spent here.
    pending, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if pending:
            left = max(pending - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, interval)
