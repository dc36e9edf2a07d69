"""What a shop report shows besides its findings: each product, its title and its images.

Built from the shop's layout and sheet alone (no image is decoded), after the
checks ran; the HTML and Excel reports read it to draw one card (or one row)
per product and to file each finding under the product it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from listingkit.findings import Location
from listingkit.shop.layout import under

__all__ = ["ProductCard", "ProductImage", "ShopOverview", "in_slot_order"]


@dataclass(frozen=True, slots=True)
class ProductImage:
    """One image of a product, as the image checks placed it."""

    #: The path as findings name it (``Location.path``).
    display: str
    #: The file on disk, for a thumbnail.
    path: Path
    #: ``main``, ``main_3x4``, ``white_background``, ``detail``, ``sku``, ``long`` or None.
    role: str | None
    #: The main-image slot (1 = first image) from the file name, when it has one.
    slot: int | None


@dataclass(frozen=True, slots=True)
class ProductCard:
    """One product of the shop: its 货号, where its data and files are, its title."""

    item: str
    #: The product folder as findings name it; None when the sheet lists the
    #: product but no folder was found (SHOP001).
    folder: str | None
    #: The row of the shop sheet (as Excel numbers rows), or None (a folder
    #: without a row, or data from the product's ``listing.toml``).
    row: int | None = None
    #: The title as given, or the best composed candidate (``composed``), or None.
    title: str | None = None
    composed: bool = False
    #: The title's length in the platform's units and the platform's limit.
    units: int | None = None
    limit: int | None = None
    #: Every image of the product, main images first in slot order.
    images: tuple[ProductImage, ...] = ()
    #: Where its data came from: the shop sheet's display path, or the listing.toml.
    data_path: str | None = None

    def main_images(self) -> tuple[ProductImage, ...]:
        """The main images (主图) in slot order: the strip a buyer swipes through."""
        return tuple(image for image in self.images if image.role == "main")


@dataclass(frozen=True)
class ShopOverview:
    """The products of one checked shop, in sheet order then folder order."""

    #: The shop folder as findings name it.
    root: str
    #: The platform's name in the words operators use (淘宝).
    platform: str
    #: The shop sheet as findings name it, or None (no sheet: listing.toml files or folders only).
    sheet: str | None
    products: tuple[ProductCard, ...] = ()
    _by_row: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)
    _folders: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        for card in self.products:
            if card.row is not None and card.data_path is not None:
                self._by_row[(card.data_path, card.row)] = card.item
        folders = [(card.folder, card.item) for card in self.products if card.folder]
        # Deepest first, so a nested folder wins over its parent.
        folders.sort(key=lambda pair: -len(pair[0]))
        object.__setattr__(self, "_folders", tuple(folders))

    def product_of(self, location: Location) -> str | None:
        """The 货号 a finding at ``location`` is about, or None (the shop as a whole)."""
        if location.row is not None:
            item = self._by_row.get((location.path, location.row))
            if item is not None:
                return item
        for folder, item in self._folders:
            if under(location.path, folder):
                return item
        return None

    def card(self, item: str) -> ProductCard | None:
        return next((card for card in self.products if card.item == item), None)


def in_slot_order(images: Sequence[ProductImage]) -> tuple[ProductImage, ...]:
    """Main images by slot (unnumbered last, by name), then the other roles by name."""
    order = {"main": 0, "main_3x4": 1, "white_background": 2, "long": 3, "detail": 4, "sku": 5}

    def key(image: ProductImage) -> tuple[int, int, str]:
        slot = image.slot if image.slot is not None else 1_000_000
        return (order.get(image.role or "", 6), slot, image.display)

    return tuple(sorted(images, key=key))
