"""Rule files: the models, the loader and the shipped platforms.

Named ``ruleset`` so it is not confused with the data folder ``rules/``.
Import from here; the modules, one job each:

- :mod:`~listingkit.ruleset.rules` — :class:`Rules` and :class:`FactInfo`, what checks use;
- :mod:`~listingkit.ruleset.loader` — :func:`load_rules`, :func:`resolve_rules`: the steps;
- :mod:`~listingkit.ruleset.chain` — reading a file and what it ``extends`` or names;
- :mod:`~listingkit.ruleset.sources` — the source of every fact, citations, grades;
- :mod:`~listingkit.ruleset.merge` — merging a chain with provenance;
- :mod:`~listingkit.ruleset.validation` — validating, in an operator's words;
- :mod:`~listingkit.ruleset.wordlists` — reading and validating word-list files;
- :mod:`~listingkit.ruleset.store` — finding a store's ``listingkit.toml``;
- :mod:`~listingkit.ruleset.models` — the schema; :mod:`~listingkit.ruleset.tomlfile`,
  :mod:`~listingkit.ruleset.locate`, :mod:`~listingkit.ruleset.nesting` — reading TOML;
- :mod:`~listingkit.ruleset.builtin` — the shipped platforms;
- :mod:`~listingkit.ruleset.cache` — validated rules kept in the user's cache folder.

Nothing here imports text, title or image work: those build on the rules.
Importing this package loads neither pydantic nor TOML (the schema,
:class:`PlatformRules`, is imported on first use), so an image run whose rules
come from the cache never loads them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from listingkit.ruleset.builtin import builtin_names
from listingkit.ruleset.loader import load_rules, resolve_rules
from listingkit.ruleset.locate import Origin
from listingkit.ruleset.rules import FactInfo, Rules
from listingkit.ruleset.store import STORE_FILE, find_store_file

if TYPE_CHECKING:
    from listingkit.ruleset.models import PlatformRules


def __getattr__(name: str) -> Any:
    if name == "PlatformRules":
        return importlib.import_module("listingkit.ruleset.models").PlatformRules
    raise AttributeError(f"module 'listingkit.ruleset' has no attribute {name!r}")


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
