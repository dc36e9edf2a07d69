"""``check_shop``: a shop folder checked in one pass, with what its reports show."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from listingkit.engine import Progress, check_paths, families_for
from listingkit.findings import Report
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.shop.overview import ShopOverview
from listingkit.timelimit import DEFAULT_TIMEOUT

__all__ = ["ShopCheck", "check_shop", "merged"]


@dataclass(frozen=True)
class ShopCheck:
    """The report of a shop check, and each shop's products for the HTML and Excel reports."""

    report: Report
    shops: tuple[ShopOverview, ...]

    @property
    def overview(self) -> ShopOverview | None:
        """The shops as one overview (None when no path given was a shop)."""
        return merged(self.shops)


def check_shop(
    paths: Iterable[str | os.PathLike[str]],
    rules: Rules,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    executor: Executor | None = None,
    cache: bool = False,
) -> ShopCheck:
    """Check shop folders (or product folders of a shop) as :func:`listingkit.check_files` does,
    keeping what the reports show of each product.

    A shop folder holds one folder per product named by its 货号 and a shop sheet
    (the rule file's ``[naming] products``, else ``商品.xlsx`` …) or a
    ``listing.toml`` per product (docs/check.md). Its report holds every family's
    findings, SHOP0xx among them; paths that are not shops are checked as files.
    """
    from listingkit.arguments import code_list
    from listingkit.shop.family import shop_family

    chosen = Selection(tuple(code_list(select, "select")), tuple(code_list(ignore, "ignore")))
    sink: list[ShopOverview] = []
    families = [
        shop_family(sink) if family.prefix == "SHOP" else family
        for family in families_for(chosen.codes())
    ]
    report = check_paths(
        paths,
        rules,
        select=select,
        ignore=ignore,
        timeout=timeout,
        progress=progress,
        executor=executor,
        families=families,
        cache=cache,
    )
    return ShopCheck(report, tuple(sink))


def merged(shops: Sequence[ShopOverview]) -> ShopOverview | None:
    """Several shops as one overview: their products side by side."""
    if not shops:
        return None
    if len(shops) == 1:
        return shops[0]
    first = shops[0]
    return ShopOverview(
        "、".join(shop.root for shop in shops),
        first.platform,
        None,
        tuple(card for shop in shops for card in shop.products),
    )
