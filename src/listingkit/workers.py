"""The one place that starts worker processes, and the one that stops them.

A batch of images or title rows runs on every core. Workers must never outlive
the run: not when the user presses Ctrl-C, not when CI sends SIGTERM, not even
when the parent is killed outright. So:

- a worker ignores SIGINT (Ctrl-C reaches the whole process group, and the
  parent decides what happens) and takes SIGTERM's default action (it must not
  inherit the parent's handler, which raises into running code);
- on Linux a worker asks the kernel for SIGTERM when its parent dies
  (``PR_SET_PDEATHSIG``), which covers a parent killed by SIGKILL;
- when the parent stops on an exception or a signal, pending work is cancelled
  and the worker processes are terminated, not waited for.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

__all__ = ["process_pool", "stop_all_pools"]

_PR_SET_PDEATHSIG = 1
_STOP_WAIT = 2.0  # seconds a terminated worker gets before it is killed
# glibc's mallopt() parameters (malloc.h) and the values a worker sets.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 << 20  # the most glibc takes on 64-bit; larger buffers are mapped
_TRIM_THRESHOLD = 64 << 20

_pools: set[ProcessPoolExecutor] = set()
_pools_lock = threading.Lock()


def _glibc() -> bool:
    try:
        version = os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None
    except (OSError, ValueError):
        return False
    return bool(version and version.startswith("glibc"))


def _libc() -> ctypes.CDLL | None:
    """The C library, or None. glibc is loaded by its name: find_library runs
    ``ldconfig -p`` in a subprocess, some 15 ms of every worker's start."""
    if not sys.platform.startswith("linux"):
        return None
    name = "libc.so.6" if _glibc() else ctypes.util.find_library("c") or "libc.so.6"
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None


def _die_with_parent(parent: int, libc: ctypes.CDLL | None) -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        if libc is not None:
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    # The parent may have died between fork and prctl: then nobody will signal us.
    if os.getppid() != parent:
        os._exit(1)


def _keep_freed_memory(libc: ctypes.CDLL | None) -> None:
    """Have glibc's allocator keep freed buffers for the next file instead of handing
    them back to the kernel.

    By default a buffer of a few MB (one decoded 800×800 image) is mapped afresh for
    each file and each of its pages faults in zeroed: on a batch of 4,000 shop images
    that was some 90 page faults per file and about a tenth of the workers' CPU. A
    buffer up to :data:`_MMAP_THRESHOLD` now comes from the heap, and the heap keeps
    up to :data:`_TRIM_THRESHOLD` free, so a worker's memory stays flat in the number
    of files. Nothing changes with another C library.
    """
    if libc is None or not _glibc():
        return
    with contextlib.suppress(OSError, AttributeError):
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    libc = _libc()
    _die_with_parent(parent, libc)
    _keep_freed_memory(libc)
    if initializer is not None:
        initializer(*initargs)


@contextlib.contextmanager
def process_pool(
    workers: int,
    *,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[ProcessPoolExecutor]:
    """A process pool that is shut down normally when the block ends, and torn
    down at once (pending work cancelled, processes terminated) when it ends by
    an exception, KeyboardInterrupt, SIGTERM or a generator being closed."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )
    with _pools_lock:
        _pools.add(pool)
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        with _pools_lock:
            _pools.discard(pool)


def stop_all_pools() -> None:
    """Terminate every worker process still running (for the signal path of the CLI)."""
    with _pools_lock:
        pools = list(_pools)
        _pools.clear()
    for pool in pools:
        _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    # The processes and the manager thread are taken before shutdown, which forgets them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    results = getattr(pool, "_result_queue", None)
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(_STOP_WAIT)
            if process.is_alive():
                process.kill()
                process.join(_STOP_WAIT)
    # The pool's manager thread closes its wake-up pipe when it sees the workers
    # gone; Python's exit hook writes to that pipe. Racing, the write meets a
    # closed descriptor and prints "Exception ignored … Bad file descriptor"
    # (CPython 3.11). Waiting here for the thread to end closes the race.
    if manager is not None:
        with contextlib.suppress(Exception):
            manager.join(_STOP_WAIT)
        if manager.is_alive() and results is not None:
            # A worker terminated halfway through sending a result leaves the
            # manager thread reading the rest of it for ever, and Python's exit
            # waits for that thread: the run would never end. With this process's
            # copy of the pipe's write end closed, the read ends (EOF), the thread
            # sees the pool broken and stops.
            with contextlib.suppress(Exception):
                results._writer.close()
            with contextlib.suppress(Exception):
                manager.join(_STOP_WAIT)
