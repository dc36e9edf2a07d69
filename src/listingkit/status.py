"""Exit statuses of the ``listingkit`` command, in one place.

=====  ==============================================================
0      ran; nothing at or above ``--fail-on`` (default: error)
1      ran; findings at or above ``--fail-on``
2      could not run: bad arguments, a rule-file error, a missing
       path, an unknown code in ``--select``, or an internal error
=====  ==============================================================

``--exit-zero`` turns 1 into 0 but never hides a 2.
"""

from __future__ import annotations

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
