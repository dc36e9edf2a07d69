"""A limit on how long one file may take, so one bad file cannot stall a batch.

Uses the interval timer (``SIGALRM``): Pillow decodes in blocks and returns to
Python between them, and a blocking system call is interrupted, so the limit
holds inside library code. Where there is no such timer (Windows) or outside a
process's main thread, the limit is not enforced.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from listingkit.errors import ArgumentError

__all__ = ["DEFAULT_TIMEOUT", "MAX_TIMEOUT", "FileTimeout", "checked_timeout", "time_limit"]

#: Seconds one file may take (header, background and watermark together) before it
#: is reported and skipped. A watermark search on a 1500×1500 photo takes well under 1 s.
DEFAULT_TIMEOUT = 30.0
#: The most a limit may be: a day per file. The interval timer itself overflows
#: somewhere above 10**9 seconds; "no limit" is written 0 or None.
MAX_TIMEOUT = 86_400.0


def checked_timeout(seconds: object, name: str = "timeout") -> float | None:
    """``seconds`` as a limit: None for none (None or 0), else a positive finite number.

    Raises :class:`ArgumentError` for a negative, infinite or NaN value, one
    above :data:`MAX_TIMEOUT`, or anything that is not a number.
    """
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ArgumentError(
            f"参数 {name} 应为秒数（数字），实际是 {type(seconds).__name__} {seconds!r}；"
            "不限时间请写 0 或 None"
        )
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_TIMEOUT:
        raise ArgumentError(
            f"参数 {name} 应在 0 到 {MAX_TIMEOUT:g} 秒之间，实际是 {seconds!r}；"
            "不限时间请写 0 或 None"
        )
    return float(seconds) or None


class FileTimeout(BaseException):
    """The time allowed for one file ran out.

    A ``BaseException``, like ``KeyboardInterrupt``: image plugins catch broad
    ``Exception`` while parsing and would turn it into a parse error.
    """


def _expired(signum: int, frame: FrameType | None) -> None:
    raise FileTimeout


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`FileTimeout` in the block after ``seconds`` (None or 0: no limit).

    A value :func:`checked_timeout` refuses raises :class:`ArgumentError` before the block.
    """
    seconds = checked_timeout(seconds)
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
