"""Rule files: the models, the loader and the shipped platforms.

Named ``ruleset`` so it is not confused with the data folder ``rules/``.
"""

from __future__ import annotations

from listingkit.ruleset.builtin import builtin_names
from listingkit.ruleset.loader import (
    STORE_FILE,
    FactInfo,
    Origin,
    Rules,
    find_store_file,
    load_rules,
    resolve_rules,
)
from listingkit.ruleset.models import PlatformRules

__all__ = [
    "STORE_FILE",
    "FactInfo",
    "Origin",
    "PlatformRules",
    "Rules",
    "builtin_names",
    "find_store_file",
    "load_rules",
    "resolve_rules",
]
