"""Where a shop is: its folder, its sheet, and which folder holds which product.

A shop folder holds one folder per product, named by its 货号 or holding it as
a word of its own (``A101``, ``连衣裙-A101``), and either a shop sheet or a
``listing.toml`` in each product folder. The sheet is the one the store rule
file names in ``[naming] products``; without that key, a sheet named
:data:`SHEET_NAMES` in the folder checked. A path given to ``check`` is:

- a shop folder (the sheet lies in it, or product folders hold ``listing.toml``):
  every product is checked, and products without a folder or folders without
  a product are findings;
- a product folder, or a folder inside one, of such a shop: that product only.

Anything else is not a shop, and ``check`` works on its files as before.
Nothing here decodes an image or follows a link to a folder.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

__all__ = ["LISTING_FILE", "SHEET_NAMES", "ProductFolder", "ShopLayout", "find_shops", "under"]

#: The per-product data file, in the product's folder (read by :mod:`listingkit.shop.data`).
LISTING_FILE = "listing.toml"

#: Shop sheets looked for in the folder checked when the rule file names none.
SHEET_NAMES = ("商品.xlsx", "商品.xls", "商品.csv", "商品表.xlsx", "商品表.xls", "商品表.csv")


@dataclass(frozen=True, slots=True)
class ProductFolder:
    """A folder directly in the shop folder: its name, how reports show it, what it is."""

    name: str
    display: str
    path: Path
    #: Why it cannot be a product folder (a link, a loop, unreadable), or None.
    problem: str | None = None
    #: Its ``listing.toml``, when it has one.
    listing: Path | None = None


@dataclass
class ShopLayout:
    """One shop as a run sees it."""

    root: Path
    display: str
    #: The shop sheet, when there is one (it may still fail to read).
    sheet: Path | None
    folders: list[ProductFolder] = field(default_factory=list)
    #: The product folders given to ``check`` (their names), or None: the whole shop.
    only: frozenset[str] | None = None

    def sheet_display(self) -> str | None:
        if self.sheet is None:
            return None
        try:
            relative = self.sheet.resolve().relative_to(self.root.resolve())
        except (OSError, ValueError):
            return os.fsdecode(self.sheet)
        return (Path(self.display) / relative).as_posix()


def find_shops(given: Iterable[str], rules_sheet: str | None) -> list[ShopLayout]:
    """The shops among the paths given (each once, in the order given)."""
    shops: dict[Path, ShopLayout] = {}
    for path in given:
        found = _shop_of(path, rules_sheet)
        if found is None:
            continue
        root, depth, product = found
        key = _real(root)
        shop = shops.get(key)
        if shop is None:
            display = _up(Path(path).as_posix(), depth)
            sheet = _sheet_in(root, rules_sheet)
            shop = shops[key] = ShopLayout(root, display, sheet, _folders(root, display))
            shop.only = frozenset() if product is not None else None
        if product is None:
            shop.only = None
        elif shop.only is not None:
            shop.only = shop.only | {product}
        if product is not None:
            # The product folder as the walk of this path shows its files ("." when the
            # path is the folder itself, given as "."), not as a path from the shop.
            shown = _up(Path(path).as_posix(), depth - 1)
            shop.folders = [
                replace(f, display=shown) if f.name == product else f for f in shop.folders
            ]
    return list(shops.values())


def under(display: str, folder: str) -> bool:
    """Whether the file or folder a report names ``display`` lies in ``folder`` (as shown)."""
    if folder == ".":
        return not (display.startswith(("../", "/")) or display == "..")
    return display == folder or display.startswith(folder.rstrip("/") + "/")


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _up(display: str, depth: int) -> str:
    """The display of the folder ``depth`` levels above ``display``, as the user wrote it."""
    if depth == 0:
        return display
    parts = PurePosixPath(display).parts
    if len(parts) > depth and ".." not in parts[-depth:] and "." not in parts[-depth:]:
        return PurePosixPath(*parts[:-depth]).as_posix()
    return posixpath.normpath(posixpath.join(display, *[".."] * depth))


def _shop_of(given: str, rules_sheet: str | None) -> tuple[Path, int, str | None] | None:
    """(shop folder, levels from it to ``given``, the product folder's name or None)."""
    path = Path(given)
    try:
        if path.is_symlink() or not path.is_dir():
            return None
    except OSError:
        return None
    here = _real(path)
    if _sheet_in(here, rules_sheet) is not None or any(
        folder.listing is not None for folder in _folders(here, here.as_posix())
    ):
        return path, 0, None
    # A product folder, or a role folder inside one: at most two levels down.
    for depth, above in enumerate(here.parents[:2], 1):
        product = here.relative_to(above).parts[0]
        if _sheet_in(above, rules_sheet) is not None or (above / product / LISTING_FILE).exists():
            return above, depth, product
    return None


def _sheet_in(folder: Path, rules_sheet: str | None) -> Path | None:
    """The shop sheet when it lies directly in ``folder``."""
    if rules_sheet is not None:
        named = Path(rules_sheet)
        return named if _real(named.parent) == _real(folder) else None
    for name in SHEET_NAMES:
        candidate = folder / name
        if os.path.lexists(candidate):
            return candidate
    return None


def _folders(root: Path, display: str) -> list[ProductFolder]:
    """The folders directly in ``root`` (hidden ones left out), links and loops included."""
    try:
        with os.scandir(root) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return []
    folders: list[ProductFolder] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        shown = (Path(display) / entry.name).as_posix()  # as the walk shows it
        path = root / entry.name
        try:
            if entry.is_symlink():
                problem = _link_problem(path)
                if problem is not None:
                    folders.append(ProductFolder(entry.name, shown, path, problem))
                continue
            if not entry.is_dir(follow_symlinks=False):
                continue
        except OSError as exc:
            folders.append(ProductFolder(entry.name, shown, path, exc.strerror or str(exc)))
            continue
        data = path / LISTING_FILE
        folders.append(
            ProductFolder(entry.name, shown, path, None, data if data.exists() else None)
        )
    return folders


def _link_problem(path: Path) -> str | None:
    """Why a link in the shop folder is not a product folder, or None when it is not one."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "是一个循环的链接（指向自己），打不开"
        return "是一个断开的链接，指向的位置不存在"
    if stat.S_ISDIR(info.st_mode):
        return "是指向其他文件夹的链接（符号链接），没有进入，以免重复检查或陷入循环"
    return None
