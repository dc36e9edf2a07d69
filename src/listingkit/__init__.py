"""listingkit: compose and check product listings for Chinese e-commerce platforms.

Titles, main and detail images, SKU photo names and listing slots, checked
against one rule file per platform (``rules/<platform>.toml``). Import what a
store script needs from here::

    from listingkit import load_rules, lint_title, compose_titles, TitleParams, check_images

    rules = load_rules("taobao")
    findings = lint_title("全网最佳纯棉短袖T恤", rules)
    candidates = compose_titles(TitleParams(product=("连衣裙",)), rules)
    report = check_images(["商品A/"], rules)

A single path, word or check code where a list is meant is taken as one item
(``check_images("商品A/", rules)``, ``TitleParams(product="连衣裙")``,
``select="IMG"``); an argument of the wrong kind raises :class:`ArgumentError`
(a :class:`ListingkitError` that is also a ``TypeError`` and ``ValueError``)
naming the parameter.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from listingkit._version import __version__
from listingkit.errors import (
    ArgumentError,
    InputError,
    ListingkitError,
    RuleFileError,
    RuleProblem,
    UsageError,
)
from listingkit.findings import Finding, Hit, Location, Report, Severity
from listingkit.ruleset import (
    FactInfo,
    Rules,
    find_store_file,
    load_rules,
    resolve_rules,
)
from listingkit.status import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from listingkit.engine import check_files, check_paths
    from listingkit.image.probe import ImageFacts, ProbeError, probe_image
    from listingkit.image.run import check_images
    from listingkit.image.watermark import Watermark, WatermarkMatch
    from listingkit.naming.api import check_names
    from listingkit.naming.grammar import NameGrammar, NameParts
    from listingkit.naming.journal import Journal
    from listingkit.naming.plan import RenamePlan, plan_renames
    from listingkit.ruleset.models import PlatformRules
    from listingkit.sheets import read_keywords, read_sheet
    from listingkit.shop.api import ShopCheck, check_shop
    from listingkit.shop.overview import ShopOverview
    from listingkit.slots.plan import SlotPlan, near_delist, plan_slots
    from listingkit.text.width import measure
    from listingkit.title.compose import (
        TitleCandidate,
        TitleComposer,
        TitleParams,
        compose_titles,
    )
    from listingkit.title.lint import TitleInput, lint_title, lint_titles

# Title, sheet and image work is imported on first use, so `import listingkit`
# stays quick and an image run never loads jieba (STYLE: lazy where it pays);
# the rule-file schema too, so an image run with cached rules never loads pydantic;
# and the engine, which a command that checks nothing (`rules`, `cache`) never needs.
_LAZY = {
    "check_files": "listingkit.engine",
    "check_paths": "listingkit.engine",
    "PlatformRules": "listingkit.ruleset.models",
    "ImageFacts": "listingkit.image.probe",
    "ProbeError": "listingkit.image.probe",
    "probe_image": "listingkit.image.probe",
    "check_images": "listingkit.image.run",
    "Watermark": "listingkit.image.watermark",
    "WatermarkMatch": "listingkit.image.watermark",
    "TitleCandidate": "listingkit.title.compose",
    "TitleComposer": "listingkit.title.compose",
    "TitleParams": "listingkit.title.compose",
    "compose_titles": "listingkit.title.compose",
    "TitleInput": "listingkit.title.lint",
    "lint_title": "listingkit.title.lint",
    "lint_titles": "listingkit.title.lint",
    "measure": "listingkit.text.width",
    "read_sheet": "listingkit.sheets",
    "read_keywords": "listingkit.sheets",
    "check_names": "listingkit.naming.api",
    "NameGrammar": "listingkit.naming.grammar",
    "NameParts": "listingkit.naming.grammar",
    "plan_renames": "listingkit.naming.plan",
    "RenamePlan": "listingkit.naming.plan",
    "Journal": "listingkit.naming.journal",
    "plan_slots": "listingkit.slots.plan",
    "near_delist": "listingkit.slots.plan",
    "SlotPlan": "listingkit.slots.plan",
    "check_shop": "listingkit.shop.api",
    "ShopCheck": "listingkit.shop.api",
    "ShopOverview": "listingkit.shop.overview",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'listingkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "ArgumentError",
    "FactInfo",
    "Finding",
    "Hit",
    "ImageFacts",
    "InputError",
    "Journal",
    "ListingkitError",
    "Location",
    "NameGrammar",
    "NameParts",
    "PlatformRules",
    "ProbeError",
    "RenamePlan",
    "Report",
    "RuleFileError",
    "RuleProblem",
    "Rules",
    "Severity",
    "ShopCheck",
    "ShopOverview",
    "SlotPlan",
    "TitleCandidate",
    "TitleComposer",
    "TitleInput",
    "TitleParams",
    "UsageError",
    "Watermark",
    "WatermarkMatch",
    "__version__",
    "check_files",
    "check_images",
    "check_names",
    "check_paths",
    "check_shop",
    "compose_titles",
    "find_store_file",
    "lint_title",
    "lint_titles",
    "load_rules",
    "measure",
    "near_delist",
    "plan_renames",
    "plan_slots",
    "probe_image",
    "read_keywords",
    "read_sheet",
    "resolve_rules",
]
