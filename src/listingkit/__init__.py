"""listingkit: compose and check product listings for Chinese e-commerce platforms.

Titles, main and detail images, SKU photo names and listing slots, checked
against one rule file per platform (``rules/<platform>.toml``). Import what a
store script needs from here::

    from listingkit import load_rules, check_files

    rules = load_rules("taobao")
    report = check_files(["商品A"], rules)
    print(report.to_dict())
"""

from __future__ import annotations

__version__ = "0.1.0"

from listingkit.engine import check_files
from listingkit.errors import InputError, ListingkitError, RuleFileError, RuleProblem, UsageError
from listingkit.findings import Finding, Hit, Location, Report, Severity
from listingkit.ruleset import (
    FactInfo,
    PlatformRules,
    Rules,
    find_store_file,
    load_rules,
    resolve_rules,
)
from listingkit.status import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

__all__ = [
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "FactInfo",
    "Finding",
    "Hit",
    "InputError",
    "ListingkitError",
    "Location",
    "PlatformRules",
    "Report",
    "RuleFileError",
    "RuleProblem",
    "Rules",
    "Severity",
    "UsageError",
    "__version__",
    "check_files",
    "find_store_file",
    "load_rules",
    "resolve_rules",
]
