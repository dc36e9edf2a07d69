"""What a run keeps between runs, in the user's cache folder, so a repeat run is fast.

Only results that a file's content fully decides are kept (what was read of
an image), each under the hash of that content, and the whole report of a
repeat run with every input it was made from (:mod:`listingkit.cache.runs`);
nothing here is ever needed for a correct report, so a cache that is missing,
unreadable, corrupt or unwritable is passed over without a word and rebuilt.
"""

from __future__ import annotations

from listingkit.cache.store import (
    NO_CACHE_ENV,
    cache_enabled,
    cache_folder,
    clean,
    results_folder,
    usage,
)

__all__ = ["NO_CACHE_ENV", "cache_enabled", "cache_folder", "clean", "results_folder", "usage"]
