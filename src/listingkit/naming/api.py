"""``check_names``: the photo names of folders against the naming rule and product sheet."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor

from listingkit.arguments import rules_argument
from listingkit.engine import Progress, check_paths
from listingkit.errors import ArgumentError
from listingkit.findings import Report
from listingkit.naming.products import ProductSheet, read_products
from listingkit.ruleset import Rules
from listingkit.timelimit import DEFAULT_TIMEOUT

__all__ = ["check_names"]


def check_names(
    paths: Iterable[str | os.PathLike[str]],
    *,
    rules: Rules,
    sheet: str | os.PathLike[str] | ProductSheet | None = None,
    sheet_name: str | None = None,
    columns: Mapping[str, str] | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Report:
    """Check the name of every photo file under ``paths`` (folders walked recursively).

    A photo file is one whose extension is in ``[naming].extensions``; links are
    not followed. The checks are SKU0xx: names against the grammar of
    ``[naming]`` (SKU001), names that break on other systems (SKU010, SKU011),
    sequence numbers (SKU004), the same picture twice (SKU030, which decodes
    each photo small) and, with a product sheet, 货号 and colours against it
    (SKU002, SKU003). ``sheet`` is a path (read with ``sheet_name`` and the
    ``columns`` mapping ``{"item": header, "colour": header}``) or a
    :class:`ProductSheet` already read; without one, the sheet the rule file
    names in ``[naming] products`` is used, and without that SKU002 and SKU003
    do not run. The other arguments are those of :func:`listingkit.check_files`.
    """
    from listingkit.naming.family import names_family

    rules = rules_argument(rules)
    products: ProductSheet | None
    if sheet is None or isinstance(sheet, ProductSheet):
        products = sheet
    elif isinstance(sheet, (str, os.PathLike)):
        products = read_products(sheet, sheet=sheet_name, columns=columns)
    else:
        raise ArgumentError(
            f"参数 sheet 应为商品表的路径或 read_products() 的结果，实际是 {type(sheet).__name__}"
        )
    return check_paths(
        paths,
        rules,
        select=select,
        ignore=ignore,
        timeout=timeout,
        progress=progress,
        executor=executor,
        families=[names_family(products)],
    )
