"""A shop folder checked in one pass: its products, their folders, titles and listing times.

See docs/check.md for the folder convention; :func:`check_shop` is the entry point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from listingkit.shop.api import ShopCheck, check_shop
    from listingkit.shop.overview import ProductCard, ProductImage, ShopOverview

__all__ = ["ProductCard", "ProductImage", "ShopCheck", "ShopOverview", "check_shop"]

_LAZY = {
    "ShopCheck": "listingkit.shop.api",
    "check_shop": "listingkit.shop.api",
    "ProductCard": "listingkit.shop.overview",
    "ProductImage": "listingkit.shop.overview",
    "ShopOverview": "listingkit.shop.overview",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
