"""Exit statuses of the ``listingkit`` command, in one place.

=====  ==============================================================
0      ran; nothing at or above ``--fail-on`` (default: error)
1      ran; findings at or above ``--fail-on``
2      could not run: bad arguments, a rule-file error, a missing
       path, an output that must not or cannot be written, an
       unknown code in ``--select``, or an internal error
130    stopped by SIGINT (Ctrl-C); workers stopped, temporaries removed
141    the reader of standard output went away (``| head -1``)
143    stopped by SIGTERM (a CI timeout, ``docker stop``); same cleanup
=====  ==============================================================

``--exit-zero`` turns 1 into 0 but never hides a 2 or a signal.
The signal statuses are 128 plus the signal number, what a shell reports for
a program the signal killed, so scripts see the same status either way.
"""

from __future__ import annotations

import signal

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "Terminated",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE; spelled out because Windows has no signal.SIGPIPE
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so ``finally`` blocks and cleanups run.

    A BaseException, like KeyboardInterrupt, so ``except Exception`` does not
    swallow it.
    """
